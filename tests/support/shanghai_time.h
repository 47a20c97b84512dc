#pragma once
// Tests write instants as Beijing wall-clock times, the way the policy states them.

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/time/beijing_zone.h"

namespace tousu::testing {

// The instant of a Beijing (Asia/Shanghai) wall-clock time.
inline absl::Time Shanghai(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), time::BeijingZone());
}

}  // namespace tousu::testing
