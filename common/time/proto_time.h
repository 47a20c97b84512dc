#pragma once
// google.protobuf.Timestamp <-> absl::Time, one way for every service.

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace tousu::time {

// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range Timestamp allows.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;

// A Timestamp within the range the proto documents (nanos 0..999999999).
inline bool IsValidTimestamp(const google::protobuf::Timestamp& ts) {
  return ts.seconds() >= kMinTimestampSeconds && ts.seconds() <= kMaxTimestampSeconds &&
         ts.nanos() >= 0 && ts.nanos() <= 999999999;
}

// Whether a DATETIME column can hold `t` (years 1000-9999); anything else would fail the statement.
inline bool IsStorable(absl::Time t) {
  static const absl::Time kFirst =
      absl::FromCivil(absl::CivilSecond(1000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  static const absl::Time kLast = absl::FromUnixSeconds(kMaxTimestampSeconds + 1);
  return t >= kFirst && t < kLast;
}

inline absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

inline void ToProto(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(t);  // rounds toward the past, so nanos >= 0
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
}

inline google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  ToProto(t, &ts);
  return ts;
}

}  // namespace tousu::time
