#pragma once
// The zone the company's policy, its staff and its customers read dates in: complaint numbers,
// report months, assessment quarters and every date shown to a person.

#include "absl/time/time.h"

namespace tousu::time {

// Asia/Shanghai as a fixed UTC+8 zone. China has kept UTC+8 without daylight saving since 1991,
// so this gives the tz database's answer for every date the system handles, without depending on
// tzdata being installed. (The business calendar file names its zone itself.)
inline const absl::TimeZone& BeijingZone() {
  static const absl::TimeZone zone = absl::FixedTimeZone(8 * 60 * 60);
  return zone;
}

}  // namespace tousu::time
