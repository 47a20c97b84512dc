#pragma once
// Follow-up's pure rules (policy §7): when the next progress update and the callback are due,
// who gets a case, and what counts as unsatisfied. No database, no server; time comes in as
// arguments and business days from the calendar.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/business_calendar.h"

namespace tousu::followup {

struct Policy {
  // Every N business days an open case owes the customer a progress update (§7.1).
  int progress_update_days = 3;
  // The callback is due within N business days of resolution (§7.2).
  int callback_days = 3;
  // A satisfaction score at or below this sends the case back (§7.2).
  int unsatisfied_at_or_below = 2;
  // Where trackers and callback agents are looked up in the staff directory.
  std::string tracker_department = "customer-service";
  std::string callback_department = "customer-service";
};

// Bounds main() enforces on the configuration.
inline constexpr int kMaxCadenceDays = 60;
inline constexpr int kMinSatisfaction = 1;
inline constexpr int kMaxSatisfaction = 5;

// N business days after the customer was last informed (or the case opened or reopened).
absl::StatusOr<time::Deadline> ProgressDue(const time::BusinessCalendar& calendar,
                                           absl::Time informed_at, const Policy& policy);
// N business days after the case was resolved.
absl::StatusOr<time::Deadline> CallbackDue(const time::BusinessCalendar& calendar,
                                           absl::Time resolved_at, const Policy& policy);

// Given by the due time (the due instant itself still counts as on time).
inline bool OnTime(absl::Time at, absl::Time due) { return at <= due; }

// Whether a score sends the case back to its department.
inline bool IsUnsatisfied(int satisfaction, const Policy& policy) {
  return satisfaction <= policy.unsatisfied_at_or_below;
}

// The candidate with the fewest open items (absent from `open` = none), ties by staff id in byte
// order, so every replica picks the same person. nullopt when there are no candidates.
std::optional<std::string> PickFewestOpen(const std::vector<std::string>& candidates,
                                          const std::map<std::string, int64_t>& open);

// The anchor for a deadline: the event's own time when it carries a usable one (a late delivery
// must not push the deadline back), else the fallback (the envelope's time, then now).
absl::Time EventTimeOr(std::optional<absl::Time> event_time, absl::Time fallback);

}  // namespace tousu::followup
