#pragma once
// The staff-assessment service's own settings (TOUSU_STAFF_ASSESSMENT_..., checked at start-up; a
// bad value stops it naming the variable):
//   WEIGHT_TIMELINESS (0.4), WEIGHT_SATISFACTION (0.3), WEIGHT_EFFECTIVENESS (0.3): numbers 0..100,
//     not all 0; only their ratios matter.
//   GRADE_EXCELLENT_AT (90), GRADE_PASS_AT (60): score thresholds 0..100, 0 < pass <= excellent.

#include "absl/status/statusor.h"
#include "common/config/config.h"
#include "services/staff-assessment/domain/assessment.h"

namespace tousu::staff {

struct Settings {
  // The quarterly assessment's weights and grade thresholds.
  assessment::Policy policy;

  static absl::StatusOr<Settings> FromConfig(const config::Config& cfg);
};

}  // namespace tousu::staff
