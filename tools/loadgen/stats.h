#pragma once
// Exact latency statistics from every recorded latency (no histogram buckets): a benchmark run
// records at most a few hundred thousand calls, so keeping them all is cheap and the tail is exact.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tousu::loadgen {

struct LatencySummary {
  int64_t count = 0;
  double mean_ms = 0, p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
};

// The nearest-rank percentile (the smallest value with at least q of the values at or below it)
// of `sorted` (ascending, nanoseconds), in milliseconds; 0 when empty. q in [0, 1].
double PercentileMs(const std::vector<int64_t>& sorted, double q);

// Sorts `latencies_ns` in place and summarises them.
LatencySummary Summarize(std::vector<int64_t>& latencies_ns);

// What one measured stream of calls produced: latencies of the successful calls, latencies of the
// refused ones (RESOURCE_EXHAUSTED: how fast overload is turned away), and counts by status code.
struct CallStats {
  std::vector<int64_t> ok_ns;
  std::vector<int64_t> refused_ns;
  std::map<std::string, int64_t> errors;  // status code name ("RESOURCE_EXHAUSTED") -> calls
  int64_t calls = 0;

  void Merge(const CallStats& other);
};

// gRPC status code names as grpc_server_handled_total spells them upper-case ("DEADLINE_EXCEEDED").
std::string StatusCodeName(int code);

}  // namespace tousu::loadgen
