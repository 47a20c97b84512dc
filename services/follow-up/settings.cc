#include "services/follow-up/settings.h"

#include <utility>

#include "common/validation/text.h"

namespace tousu::followup {

absl::StatusOr<Settings> Settings::FromConfig(const config::Config& cfg) {
  Settings s;
  Policy& policy = s.policy;
  auto staff_addr = cfg.Require("STAFF_ASSESSMENT_ADDR");
  if (!staff_addr.ok()) return staff_addr.status();
  s.staff_assessment_addr = *staff_addr;
  policy.tracker_department = cfg.GetOr("TRACKER_DEPARTMENT", policy.tracker_department);
  policy.callback_department = cfg.GetOr("CALLBACK_DEPARTMENT", policy.tracker_department);
  for (const auto& [key, value] : {std::pair{"TRACKER_DEPARTMENT", policy.tracker_department},
                                   std::pair{"CALLBACK_DEPARTMENT", policy.callback_department}}) {
    if (!validation::CheckIdentifier(key, value).ok()) {
      return absl::InvalidArgumentError(cfg.VariableName(key) + " must be a department id");
    }
  }
  auto progress_days =
      cfg.IntInRange("PROGRESS_UPDATE_DAYS", policy.progress_update_days, 1, kMaxCadenceDays);
  if (!progress_days.ok()) return progress_days.status();
  policy.progress_update_days = static_cast<int>(*progress_days);
  auto callback_days = cfg.IntInRange("CALLBACK_DAYS", policy.callback_days, 1, kMaxCadenceDays);
  if (!callback_days.ok()) return callback_days.status();
  policy.callback_days = static_cast<int>(*callback_days);
  // 1..4: a threshold of 5 would never let a complaint close.
  auto threshold = cfg.IntInRange("UNSATISFIED_AT_OR_BELOW", policy.unsatisfied_at_or_below,
                                  kMinSatisfaction, kMaxSatisfaction - 1);
  if (!threshold.ok()) return threshold.status();
  policy.unsatisfied_at_or_below = static_cast<int>(*threshold);
  auto interval = cfg.PositiveDurationOr("CHECK_INTERVAL", s.check_interval);
  if (!interval.ok()) return interval.status();
  s.check_interval = *interval;
  auto staff_timeout = cfg.DurationOr("STAFF_TIMEOUT", s.staff_timeout);
  if (!staff_timeout.ok()) return staff_timeout.status();
  s.staff_timeout = *staff_timeout;
  s.intake_addr = cfg.GetOr("INTAKE_ADDR", "");
  auto intake_timeout = cfg.PositiveDurationOr("INTAKE_TIMEOUT", s.intake_timeout);
  if (!intake_timeout.ok()) return intake_timeout.status();
  s.intake_timeout = *intake_timeout;
  return s;
}

}  // namespace tousu::followup
