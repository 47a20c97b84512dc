#include "tools/loadgen/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/status/status_map.h"

namespace tousu::loadgen {

double PercentileMs(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Nearest rank: ceil(q * n), 1-based; q = 0 gives the minimum.
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1e6;
}

LatencySummary Summarize(std::vector<int64_t>& latencies_ns) {
  std::sort(latencies_ns.begin(), latencies_ns.end());
  LatencySummary s;
  s.count = static_cast<int64_t>(latencies_ns.size());
  if (latencies_ns.empty()) return s;
  const long double total = std::accumulate(latencies_ns.begin(), latencies_ns.end(), 0.0L);
  s.mean_ms = static_cast<double>(total / latencies_ns.size() / 1e6L);
  s.p50_ms = PercentileMs(latencies_ns, 0.50);
  s.p90_ms = PercentileMs(latencies_ns, 0.90);
  s.p99_ms = PercentileMs(latencies_ns, 0.99);
  s.p999_ms = PercentileMs(latencies_ns, 0.999);
  s.max_ms = static_cast<double>(latencies_ns.back()) / 1e6;
  return s;
}

void CallStats::Merge(const CallStats& other) {
  ok_ns.insert(ok_ns.end(), other.ok_ns.begin(), other.ok_ns.end());
  refused_ns.insert(refused_ns.end(), other.refused_ns.begin(), other.refused_ns.end());
  for (const auto& [code, n] : other.errors) errors[code] += n;
  calls += other.calls;
}

std::string StatusCodeName(int code) { return status::CodeConstantName(code); }

}  // namespace tousu::loadgen
