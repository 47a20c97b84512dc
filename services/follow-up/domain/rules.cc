#include "services/follow-up/domain/rules.h"

#include <algorithm>

namespace tousu::followup {

absl::StatusOr<time::Deadline> ProgressDue(const time::BusinessCalendar& calendar,
                                           absl::Time informed_at, const Policy& policy) {
  return calendar.AddBusinessDays(informed_at, policy.progress_update_days);
}

absl::StatusOr<time::Deadline> CallbackDue(const time::BusinessCalendar& calendar,
                                           absl::Time resolved_at, const Policy& policy) {
  return calendar.AddBusinessDays(resolved_at, policy.callback_days);
}

std::optional<std::string> PickFewestOpen(const std::vector<std::string>& candidates,
                                          const std::map<std::string, int64_t>& open) {
  std::optional<std::string> best;
  int64_t best_open = 0;
  for (const auto& id : candidates) {
    auto it = open.find(id);
    const int64_t n = it == open.end() ? 0 : it->second;
    if (!best || n < best_open || (n == best_open && id < *best)) {
      best = id;
      best_open = n;
    }
  }
  return best;
}

absl::Time EventTimeOr(std::optional<absl::Time> event_time, absl::Time fallback) {
  return event_time.value_or(fallback);
}

}  // namespace tousu::followup
