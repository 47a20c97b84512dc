// The case-handling service: assembles the runtime (with the business calendar), the case API,
// its event handlers and the solution-deadline timer.

#include "common/config/config.h"
#include "common/log/log.h"
#include "common/server/server.h"
#include "services/case-handling/access.h"
#include "services/case-handling/case_handling_service.h"

namespace {

int Fail(const absl::Status& s) {
  tousu::log::Error("start-up failed", {{"error", s.ToString()}});
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tousu;
  server::BlockTerminationSignals();
  auto cfg = config::Config::FromProcess("CASE_HANDLING", argc, argv);
  auto rt = server::ServiceRuntime::Create({.name = "case-handling",
                                            .env_name = "CASE_HANDLING",
                                            .grpc_services = {casehandling::kGrpcServiceName},
                                            .migrations = &db::case_handling_migrations(),
                                            .needs_calendar = true,
                                            .access = casehandling::CaseHandlingAccessTable()},
                                           cfg);
  if (!rt.ok()) return Fail(rt.status());

  casehandling::CaseHandlingSettings settings;
  auto revision_days = cfg.IntOr("REVISION_DAYS", settings.rules.revision_days);
  if (!revision_days.ok()) return Fail(revision_days.status());
  if (*revision_days < 1 || *revision_days > 30) {
    return Fail(absl::InvalidArgumentError(cfg.VariableName("REVISION_DAYS") +
                                           " must be 1..30 business days"));
  }
  settings.rules.revision_days = static_cast<int>(*revision_days);
  auto interval = cfg.DurationOr("DEADLINE_CHECK_INTERVAL", settings.deadline_check_interval);
  if (!interval.ok()) return Fail(interval.status());
  if (*interval <= absl::ZeroDuration()) {
    return Fail(absl::InvalidArgumentError(cfg.VariableName("DEADLINE_CHECK_INTERVAL") +
                                           " must be positive"));
  }
  settings.deadline_check_interval = *interval;
  if (auto s = cfg.CheckArgs(); !s.ok()) return Fail(s);

  casehandling::CaseHandlingService service(**rt, settings);
  service.RegisterEventHandlers();
  (*rt)->ServeEventSink();
  (*rt)->AddService(&service);
  service.StartTimers();
  const int code = (*rt)->RunUntilSignal();
  service.StopTimers();
  return code;
}
