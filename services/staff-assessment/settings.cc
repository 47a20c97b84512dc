#include "services/staff-assessment/settings.h"

#include <utility>

namespace tousu::staff {

absl::StatusOr<Settings> Settings::FromConfig(const config::Config& cfg) {
  Settings s;
  assessment::Policy& p = s.policy;
  const std::pair<const char*, double*> keys[] = {{"WEIGHT_TIMELINESS", &p.weight_timeliness},
                                                  {"WEIGHT_SATISFACTION", &p.weight_satisfaction},
                                                  {"WEIGHT_EFFECTIVENESS", &p.weight_effectiveness},
                                                  {"GRADE_EXCELLENT_AT", &p.excellent_at},
                                                  {"GRADE_PASS_AT", &p.pass_at}};
  for (const auto& [key, slot] : keys) {
    absl::StatusOr<double> value = cfg.DoubleInRange(key, *slot, 0, 100);
    if (!value.ok()) return value.status();
    *slot = *value;
  }
  if (assessment::ValidatePolicy(p).ok()) return s;
  // What is left is a combination of values; name the variables, not the struct fields.
  if (p.weight_timeliness + p.weight_satisfaction + p.weight_effectiveness <= 0) {
    return absl::InvalidArgumentError(
        cfg.VariableName("WEIGHT_TIMELINESS") + ", " + cfg.VariableName("WEIGHT_SATISFACTION") +
        " and " + cfg.VariableName("WEIGHT_EFFECTIVENESS") + " must not all be 0");
  }
  if (p.pass_at <= 0) {
    return absl::InvalidArgumentError(cfg.VariableName("GRADE_PASS_AT") + " must be more than 0");
  }
  return absl::InvalidArgumentError(cfg.VariableName("GRADE_EXCELLENT_AT") + " must be at least " +
                                    cfg.VariableName("GRADE_PASS_AT"));
}

}  // namespace tousu::staff
