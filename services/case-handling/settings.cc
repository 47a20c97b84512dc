#include "services/case-handling/settings.h"

namespace tousu::casehandling {

namespace {

constexpr int kMaxBusinessDays = 30;

}  // namespace

absl::StatusOr<CaseHandlingSettings> CaseHandlingSettings::FromConfig(const config::Config& cfg) {
  CaseHandlingSettings s;
  auto solution_days =
      cfg.IntInRange("SOLUTION_DAYS", s.rules.solution_days, 1, kMaxBusinessDays, "business days");
  if (!solution_days.ok()) return solution_days.status();
  s.rules.solution_days = static_cast<int>(*solution_days);
  auto revision_days =
      cfg.IntInRange("REVISION_DAYS", s.rules.revision_days, 1, kMaxBusinessDays, "business days");
  if (!revision_days.ok()) return revision_days.status();
  s.rules.revision_days = static_cast<int>(*revision_days);
  auto interval = cfg.PositiveDurationOr("DEADLINE_CHECK_INTERVAL", s.deadline_check_interval);
  if (!interval.ok()) return interval.status();
  s.deadline_check_interval = *interval;
  s.intake_addr = cfg.GetOr("INTAKE_ADDR", "");
  auto intake_timeout = cfg.PositiveDurationOr("INTAKE_TIMEOUT", s.intake_timeout);
  if (!intake_timeout.ok()) return intake_timeout.status();
  s.intake_timeout = *intake_timeout;
  return s;
}

}  // namespace tousu::casehandling
