#pragma once
// Follow-up's settings (TOUSU_FOLLOW_UP_*), read once at start-up.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "services/follow-up/domain/policy.h"

namespace tousu::followup {

struct Settings {
  Policy policy;
  // The staff directory (staff-assessment), where trackers and callback agents are looked up.
  std::string staff_assessment_addr;
  absl::Duration check_interval = absl::Seconds(1);  // the overdue pass
  absl::Duration staff_timeout = absl::Seconds(2);   // each directory call
  // Intake, asked whether the complaint a signed-in customer answers a questionnaire for by
  // number is theirs; without it that form is UNAVAILABLE (links work as before).
  std::string intake_addr;
  absl::Duration intake_timeout = absl::Seconds(2);  // each ownership call

  // STAFF_ASSESSMENT_ADDR (required), TRACKER_DEPARTMENT ("customer-service"),
  // CALLBACK_DEPARTMENT (the tracker department), PROGRESS_UPDATE_DAYS (3, 1..60),
  // CALLBACK_DAYS (3, 1..60), UNSATISFIED_AT_OR_BELOW (2, 1..4), CHECK_INTERVAL (1s, positive),
  // STAFF_TIMEOUT (2s), INTAKE_ADDR (optional), INTAKE_TIMEOUT (2s, positive). An error names the
  // variable.
  static absl::StatusOr<Settings> FromConfig(const config::Config& cfg);
};

}  // namespace tousu::followup
