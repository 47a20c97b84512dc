#pragma once
// The analytics service's own settings (TOUSU_ANALYTICS_...), read once at start-up.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "services/analytics/domain/rules.h"

namespace tousu::analytics {

struct Settings {
  // SPIKE_STDDEVS (a number 0..10: standard deviations above the trailing mean) and
  // SPIKE_MIN_COUNT (1..1000000).
  SpikePolicy spike;
  // The month-end job closes a month this long after it ends (Asia/Shanghai), leaving time for
  // the last day's events to arrive (MONTH_END_DELAY, 0s..168h).
  absl::Duration month_end_delay = absl::Hours(1);
  // How often the job looks whether a month is due (MONTH_END_CHECK_INTERVAL, positive).
  absl::Duration month_end_check_interval = absl::Minutes(1);
  // The deadlines the monthly report states: ACK_WINDOW (1m..168h), SOLUTION_DAYS (1..30) and
  // CALLBACK_DAYS (1..60). Deploy them with the values routing, case-handling and follow-up are
  // given, which enforce them.
  SlaTerms sla_terms;
  // STAFF_ASSESSMENT_ADDR: the staff directory, read for the department names the report shows
  // (also those no DepartmentUpserted event announced); empty: not asked, names come from the
  // events only. STAFF_TIMEOUT (default 2s) bounds each call; DEPARTMENT_SYNC_EVERY (default 1m,
  // 1s..24h) is how often the names are read again.
  std::string staff_assessment_addr{};
  absl::Duration staff_timeout = absl::Seconds(2);
  absl::Duration department_sync_every = absl::Minutes(1);

  // Errors name the variable: "TOUSU_ANALYTICS_SPIKE_MIN_COUNT must be 1..1000000".
  static absl::StatusOr<Settings> FromConfig(const config::Config& cfg);
};

}  // namespace tousu::analytics
