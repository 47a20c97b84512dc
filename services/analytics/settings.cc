#include "services/analytics/settings.h"

namespace tousu::analytics {

absl::StatusOr<Settings> Settings::FromConfig(const config::Config& cfg) {
  Settings s;
  auto stddevs = cfg.DoubleInRange("SPIKE_STDDEVS", s.spike.stddevs, 0, 10);
  if (!stddevs.ok()) return stddevs.status();
  s.spike.stddevs = *stddevs;
  auto min_count = cfg.IntInRange("SPIKE_MIN_COUNT", s.spike.min_count, 1, 1000000);
  if (!min_count.ok()) return min_count.status();
  s.spike.min_count = *min_count;
  auto delay = cfg.DurationInRange("MONTH_END_DELAY", s.month_end_delay, absl::ZeroDuration(),
                                   absl::Hours(24 * 7));
  if (!delay.ok()) return delay.status();
  s.month_end_delay = *delay;
  auto interval = cfg.PositiveDurationOr("MONTH_END_CHECK_INTERVAL", s.month_end_check_interval);
  if (!interval.ok()) return interval.status();
  s.month_end_check_interval = *interval;

  auto ack_window = cfg.DurationInRange("ACK_WINDOW", s.sla_terms.ack_window, absl::Minutes(1),
                                        absl::Hours(24 * 7));
  if (!ack_window.ok()) return ack_window.status();
  s.sla_terms.ack_window = *ack_window;
  auto solution_days =
      cfg.IntInRange("SOLUTION_DAYS", s.sla_terms.solution_days, 1, 30, "business days");
  if (!solution_days.ok()) return solution_days.status();
  s.sla_terms.solution_days = static_cast<int>(*solution_days);
  auto callback_days =
      cfg.IntInRange("CALLBACK_DAYS", s.sla_terms.callback_days, 1, 60, "business days");
  if (!callback_days.ok()) return callback_days.status();
  s.sla_terms.callback_days = static_cast<int>(*callback_days);

  s.staff_assessment_addr = cfg.GetOr("STAFF_ASSESSMENT_ADDR", "");
  auto timeout = cfg.PositiveDurationOr("STAFF_TIMEOUT", s.staff_timeout);
  if (!timeout.ok()) return timeout.status();
  s.staff_timeout = *timeout;
  auto sync = cfg.DurationInRange("DEPARTMENT_SYNC_EVERY", s.department_sync_every,
                                  absl::Seconds(1), absl::Hours(24));
  if (!sync.ok()) return sync.status();
  s.department_sync_every = *sync;
  return s;
}

}  // namespace tousu::analytics
