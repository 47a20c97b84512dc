#include "tools/loadgen/schedule.h"

#include <cmath>

namespace tousu::loadgen {

OpenLoopSchedule::Clock::time_point OpenLoopSchedule::IntendedTime(int64_t index) const {
  // Computed from the start each time rather than accumulated, so rounding never drifts.
  const double seconds = static_cast<double>(index) / rate_;
  return start_ +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

int64_t OpenLoopSchedule::DueBy(Clock::time_point now) const {
  if (now < start_) return 0;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  int64_t n = static_cast<int64_t>(std::floor(elapsed * rate_)) + 1;
  // Guard the floating-point edge: call n-1 must really be due, call n must not.
  while (n > 0 && IntendedTime(n - 1) > now) --n;
  while (IntendedTime(n) <= now) ++n;
  return n;
}

}  // namespace tousu::loadgen
