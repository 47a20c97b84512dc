#include "tools/tousuctl/time_text.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/tousuctl/strings.h"

namespace tousu::ctl {
namespace {

absl::Status BadInstant(std::string_view text, std::string_view flag) {
  return absl::InvalidArgumentError(absl::StrCat(
      ToAbsl(flag), ": \"", ToAbsl(text),
      "\" is not a time; use \"now\", RFC 3339 (2026-11-20T14:30:00+08:00) or Beijing time "
      "(2026-11-20 14:30, 2026-11-20)"));
}

}  // namespace

absl::StatusOr<absl::Time> ParseInstant(std::string_view text, std::string_view flag,
                                        absl::Time now) {
  const std::string s(absl::StripAsciiWhitespace(ToAbsl(text)));
  if (absl::AsciiStrToLower(s) == "now") return now;
  absl::Time t;
  std::string err;
  // With an explicit zone (RFC 3339 "Z" or "+hh:mm").
  if (absl::ParseTime(absl::RFC3339_full, s, &t, &err)) return t;
  // Beijing wall time, with or without seconds, 'T' or a space between date and time.
  for (const char* format :
       {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, s, BeijingZone(), &t, &err)) return t;
  }
  return BadInstant(text, flag);
}

absl::StatusOr<absl::Duration> ParseTimeout(std::string_view text) {
  absl::Duration d;
  double seconds = 0;
  const std::string s(absl::StripAsciiWhitespace(ToAbsl(text)));
  if (absl::SimpleAtod(s, &seconds)) {
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(s, &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--timeout: \"", ToAbsl(text), "\" is not a duration; e.g. 5s, 1500ms, 1m"));
  }
  if (d <= absl::ZeroDuration() || d > absl::Hours(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--timeout: must be more than 0 and at most 1h, not \"", ToAbsl(text), "\""));
  }
  return d;
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);  // rounds towards negative infinity
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

std::string FormatBeijing(const google::protobuf::Timestamp& ts, bool has) {
  if (!has) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProto(ts), BeijingZone());
}

std::string FormatRemaining(absl::Duration left) {
  const bool overdue = left < absl::ZeroDuration();
  const int64_t minutes = absl::ToInt64Minutes(absl::AbsDuration(left));
  std::string text;
  if (minutes < 60) {
    text = absl::StrCat(minutes, "m");
  } else if (minutes < 24 * 60) {
    text = absl::StrFormat("%dh%02dm", minutes / 60, minutes % 60);
  } else {
    text = absl::StrFormat("%dd%02dh", minutes / (24 * 60), (minutes / 60) % 24);
  }
  return overdue ? absl::StrCat("overdue ", text) : text;
}

}  // namespace tousu::ctl
