#pragma once
// Tests write instants as Beijing wall-clock times, the way the policy states them.

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace tousu::testing {

// The instant of a Beijing (Asia/Shanghai, UTC+8 all year, no daylight saving) wall-clock time.
inline absl::Time Shanghai(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()) -
         absl::Hours(8);
}

}  // namespace tousu::testing
