#include "tools/loadgen/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tousu::loadgen {

std::string ToJson(const LatencySummary& s) {
  return absl::StrFormat(
      "{\"count\":%d,\"mean_ms\":%.3f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"p999_ms\":%.3f,\"max_ms\":%.3f}",
      s.count, s.mean_ms, s.p50_ms, s.p90_ms, s.p99_ms, s.p999_ms, s.max_ms);
}

std::string ToJson(const std::map<std::string, int64_t>& counts) {
  std::string out = "{";
  for (const auto& [name, n] : counts) {
    if (out.size() > 1) out += ",";
    absl::StrAppend(&out, JsonString(name), ":", n);
  }
  return out + "}";
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string FormatResults(const RunDescription& run, std::map<std::string, CallStats> streams,
                          bool json) {
  std::string out = absl::StrFormat(
      "{\"label\":%s,\"run_id\":%s,\"target\":%s,\"mix\":%s,\"mode\":\"%s\",\"concurrency\":%d,"
      "\"offered_rate\":%.1f,\"duration_s\":%.3f,\"deadline_s\":%.3f,\"streams\":{",
      JsonString(run.label), JsonString(run.run_id), JsonString(run.target), JsonString(run.mix),
      run.open_loop ? "open" : "closed", run.open_loop ? 0 : run.concurrency,
      run.open_loop ? run.rate : 0.0, run.duration_s, run.deadline_s);
  std::string text;
  bool first = true;
  for (auto& [name, s] : streams) {
    const LatencySummary ok = Summarize(s.ok_ns);
    const LatencySummary refused = Summarize(s.refused_ns);
    const double rate = static_cast<double>(ok.count) / run.duration_s;
    absl::StrAppendFormat(&out,
                          "%s%s:{\"calls\":%d,\"ok\":%d,\"rate\":%.1f,\"latency\":%s,\"errors\":%s,"
                          "\"refused_latency\":%s}",
                          first ? "" : ",", JsonString(name), s.calls, ok.count, rate, ToJson(ok),
                          ToJson(s.errors), ToJson(refused));
    first = false;
    absl::StrAppendFormat(&text,
                          "%-15s calls %7d  ok/s %8.1f  p50 %7.2f  p90 %7.2f  p99 %7.2f  "
                          "p99.9 %7.2f  max %7.2f ms",
                          name, s.calls, rate, ok.p50_ms, ok.p90_ms, ok.p99_ms, ok.p999_ms,
                          ok.max_ms);
    for (const auto& [code, n] : s.errors) absl::StrAppendFormat(&text, "  %s=%d", code, n);
    if (refused.count > 0) absl::StrAppendFormat(&text, "  (refused p99 %.2f ms)", refused.p99_ms);
    text += "\n";
  }
  out += "}}";
  return json ? out + "\n" : text;
}

}  // namespace tousu::loadgen
