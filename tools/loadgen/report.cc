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

}  // namespace tousu::loadgen
