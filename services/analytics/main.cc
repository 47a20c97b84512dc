// The analytics service (policy §8): assembles the runtime (with the business calendar), the
// analytics API and its event handlers. It learns only from the other services' events.

#include "absl/strings/numbers.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/server/server.h"
#include "services/analytics/access.h"
#include "services/analytics/analytics_service.h"

namespace {

int Fail(const absl::Status& s) {
  tousu::log::Error("start-up failed", {{"error", s.ToString()}});
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tousu;
  server::BlockTerminationSignals();
  auto cfg = config::Config::FromProcess("ANALYTICS", argc, argv);
  auto rt = server::ServiceRuntime::Create({.name = "analytics",
                                            .env_name = "ANALYTICS",
                                            .grpc_services = {analytics::kGrpcServiceName},
                                            .migrations = &db::analytics_migrations(),
                                            .needs_calendar = true,
                                            .access = analytics::AnalyticsAccessTable()},
                                           cfg);
  if (!rt.ok()) return Fail(rt.status());

  analytics::Settings settings;
  // SPIKE_STDDEVS: how many standard deviations above the trailing mean make a spike.
  const std::string stddevs = cfg.GetOr("SPIKE_STDDEVS", "2");
  double k = 0;
  if (!absl::SimpleAtod(stddevs, &k) || !(k >= 0 && k <= 10)) {
    return Fail(
        absl::InvalidArgumentError(cfg.VariableName("SPIKE_STDDEVS") + " must be a number 0..10"));
  }
  settings.spike.stddevs = k;
  auto min_count = cfg.IntOr("SPIKE_MIN_COUNT", settings.spike.min_count);
  if (!min_count.ok()) return Fail(min_count.status());
  if (*min_count < 1 || *min_count > 1000000) {
    return Fail(
        absl::InvalidArgumentError(cfg.VariableName("SPIKE_MIN_COUNT") + " must be 1..1000000"));
  }
  settings.spike.min_count = *min_count;
  auto delay = cfg.DurationOr("MONTH_END_DELAY", settings.month_end_delay);
  if (!delay.ok()) return Fail(delay.status());
  if (*delay < absl::ZeroDuration() || *delay > absl::Hours(24 * 7)) {
    return Fail(
        absl::InvalidArgumentError(cfg.VariableName("MONTH_END_DELAY") + " must be 0s..168h"));
  }
  settings.month_end_delay = *delay;
  auto interval = cfg.DurationOr("MONTH_END_CHECK_INTERVAL", settings.month_end_check_interval);
  if (!interval.ok()) return Fail(interval.status());
  if (*interval <= absl::ZeroDuration()) {
    return Fail(absl::InvalidArgumentError(cfg.VariableName("MONTH_END_CHECK_INTERVAL") +
                                           " must be positive"));
  }
  settings.month_end_check_interval = *interval;
  if (auto s = cfg.CheckArgs(); !s.ok()) return Fail(s);

  analytics::AnalyticsService service(**rt, settings);
  service.RegisterEventHandlers();
  (*rt)->ServeEventSink();
  (*rt)->AddService(&service);
  service.StartTimers();
  const int code = (*rt)->RunUntilSignal();
  service.StopTimers();
  return code;
}
