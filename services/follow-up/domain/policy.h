#pragma once
// Follow-up's configurable policy (§7) and the bounds its settings are checked against.

#include <string>

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

// Bounds the settings are checked against at start-up.
inline constexpr int kMaxCadenceDays = 60;
inline constexpr int kMinSatisfaction = 1;
inline constexpr int kMaxSatisfaction = 5;

}  // namespace tousu::followup
