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

}  // namespace tousu::loadgen
