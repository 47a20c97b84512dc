#pragma once
// Timestamp conversions (common/time/proto_time.h), and the zone complaint numbers and customer-facing
// times are read in.

#include "common/time/proto_time.h"

#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace tousu::intake {

using time::FromProto;
using time::IsStorable;
using time::IsValidTimestamp;
using time::kMaxTimestampSeconds;
using time::kMinTimestampSeconds;
using time::ToProto;

// Asia/Shanghai, where the company and its customers read dates. China has kept UTC+8 without
// daylight saving since 1991, so a fixed offset stands in if the zone data is missing.
const absl::TimeZone& ShanghaiZone();

}  // namespace tousu::intake
