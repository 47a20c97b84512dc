#pragma once
// Timestamp conversions (common/time/proto_time.h), and the zone complaint numbers and
// customer-facing times are read in (common/time/beijing_zone.h).

#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/time/beijing_zone.h"
#include "common/time/proto_time.h"

namespace tousu::intake {

using time::FromProto;
using time::IsStorable;
using time::IsValidTimestamp;
using time::kMaxTimestampSeconds;
using time::kMinTimestampSeconds;
using time::ToProto;

using time::BeijingZone;

}  // namespace tousu::intake
