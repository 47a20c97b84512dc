#pragma once
// JSON for the results (read by tools/bench/services to print its table), hand-written: the
// shapes are small and fixed.

#include <map>
#include <string>

#include "tools/loadgen/stats.h"

namespace tousu::loadgen {

// {"count":..,"mean_ms":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,"p999_ms":..,"max_ms":..}
std::string ToJson(const LatencySummary& s);
// {"RESOURCE_EXHAUSTED":12,...}
std::string ToJson(const std::map<std::string, int64_t>& counts);
// A JSON string literal (quotes and escapes).
std::string JsonString(const std::string& text);

// What a run was asked to do, echoed at the head of its JSON results.
struct RunDescription {
  std::string label, run_id, target, mix;
  bool open_loop = false;
  int concurrency = 0;
  double rate = 0, duration_s = 0, deadline_s = 0;
};

// A run's results per stream (rate of successful calls, their latency percentiles, errors by
// code, refusals' latency): one JSON object and a newline when `json`, else a line of text per
// stream.
std::string FormatResults(const RunDescription& run, std::map<std::string, CallStats> streams,
                          bool json);

}  // namespace tousu::loadgen
