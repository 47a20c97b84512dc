#pragma once
// When an event happened, for consumers that record it: the time the event states for itself
// (opened_at, resolved_at, ...), else the envelope's occurred_at, else the consumer's clock. A
// time is used only when a DATETIME(6) column can hold it, truncated to the microseconds the
// column keeps, so what a handler answers matches what a later read returns.

#include <google/protobuf/timestamp.pb.h>

#include <optional>

#include "absl/time/time.h"
#include "common/time/proto_time.h"
#include "complaints/common/v1/events.pb.h"

namespace tousu::events {

// nullopt for an unset (zero) Timestamp, one outside the proto's range, or one a DATETIME column
// cannot hold (years 1000-9999).
inline std::optional<absl::Time> UsableEventTime(const google::protobuf::Timestamp& ts) {
  if ((ts.seconds() == 0 && ts.nanos() == 0) || !time::IsValidTimestamp(ts)) return std::nullopt;
  const absl::Time t = time::FromProto(ts);
  if (!time::IsStorable(t)) return std::nullopt;
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

// The envelope's occurred_at when usable, else `now`.
inline absl::Time EventTime(const complaints::common::v1::Event& envelope, absl::Time now) {
  return UsableEventTime(envelope.occurred_at()).value_or(now);
}

// `own` (the event's own time field) when usable, else EventTime(envelope, now).
inline absl::Time EventTime(const google::protobuf::Timestamp& own,
                            const complaints::common::v1::Event& envelope, absl::Time now) {
  if (auto t = UsableEventTime(own)) return *t;
  return EventTime(envelope, now);
}

}  // namespace tousu::events
