#pragma once
// Times on the command line. The services keep UTC instants; people at the complaint desk read
// and type Beijing time (Asia/Shanghai, UTC+8 all year, no daylight saving since 1991).

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/beijing_zone.h"
#include "google/protobuf/timestamp.pb.h"

namespace tousu::ctl {

using time::BeijingZone;

// An instant typed by a person:
//   "now"                                       the current time;
//   RFC 3339 with a zone: "2026-11-20T14:30:00+08:00", "2026-11-20T06:30:00Z" (fractions allowed);
//   Beijing time without a zone: "2026-11-20 14:30", "2026-11-20T14:30:05", "2026-11-20" (00:00).
// INVALID_ARGUMENT naming `flag` otherwise.
absl::StatusOr<absl::Time> ParseInstant(std::string_view text, std::string_view flag,
                                        absl::Time now);

// A call timeout: "5s", "1500ms", "1m", or a plain number of seconds ("2.5"); more than zero and at
// most an hour.
absl::StatusOr<absl::Duration> ParseTimeout(std::string_view text);

absl::Time FromProto(const google::protobuf::Timestamp& ts);
google::protobuf::Timestamp ToProto(absl::Time t);

// "2026-11-26 15:04" in Beijing time; "" for an unset timestamp (has == false).
std::string FormatBeijing(const google::protobuf::Timestamp& ts, bool has = true);

// Time left until a deadline, for queues: "42m", "3h05m", "2d04h", or "overdue 7m" once passed.
std::string FormatRemaining(absl::Duration left);

}  // namespace tousu::ctl
