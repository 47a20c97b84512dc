#pragma once
// The case-handling service's own settings (TOUSU_CASE_HANDLING_...), read once at start-up.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "services/case-handling/domain/case_rules.h"

namespace tousu::casehandling {

struct CaseHandlingSettings {
  // solution_days (SOLUTION_DAYS, default 2: the policy's, §6.2) and revision_days
  // (REVISION_DAYS, default 2), both 1..30 business days.
  Settings rules;
  // How often the timer looks for missed solution deadlines (DEADLINE_CHECK_INTERVAL).
  absl::Duration deadline_check_interval = absl::Seconds(1);
  // Intake (INTAKE_ADDR), asked whether a signed-in customer's decision is on their own
  // complaint, each call within intake_timeout (INTAKE_TIMEOUT, default 2s). Without it customers
  // cannot record decisions (UNAVAILABLE); staff work as before.
  std::string intake_addr;
  absl::Duration intake_timeout = absl::Seconds(2);

  // Errors name the variable: "TOUSU_CASE_HANDLING_REVISION_DAYS must be 1..30 business days".
  static absl::StatusOr<CaseHandlingSettings> FromConfig(const config::Config& cfg);
};

}  // namespace tousu::casehandling
