// The follow-up service: assembles the runtime (with the business calendar), the staff directory
// client and the service with its case-handling event handlers and overdue timer.

#include "common/client/channel.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/server/server.h"
#include "common/validation/text.h"
#include "services/follow-up/access.h"
#include "services/follow-up/follow_up_service.h"

namespace {

int Fail(const absl::Status& s) {
  tousu::log::Error("start-up failed", {{"error", s.ToString()}});
  return 2;
}

// An integer setting within [lo, hi], failing start-up with the variable's name otherwise.
absl::Status ReadInt(const tousu::config::Config& cfg, const std::string& key, int lo, int hi,
                     int* out) {
  auto v = cfg.IntOr(key, *out);
  if (!v.ok()) return v.status();
  if (*v < lo || *v > hi) {
    return absl::InvalidArgumentError(cfg.VariableName(key) + " must be " + std::to_string(lo) +
                                      ".." + std::to_string(hi));
  }
  *out = static_cast<int>(*v);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tousu;
  server::BlockTerminationSignals();
  auto cfg = config::Config::FromProcess("FOLLOW_UP", argc, argv);
  auto rt = server::ServiceRuntime::Create({.name = "follow-up",
                                            .env_name = "FOLLOW_UP",
                                            .grpc_services = {followup::kGrpcServiceName},
                                            .migrations = &db::follow_up_migrations(),
                                            .needs_calendar = true,
                                            .access = followup::FollowUpAccessTable()},
                                           cfg);
  if (!rt.ok()) return Fail(rt.status());

  followup::Settings settings;
  auto& policy = settings.policy;
  auto staff_addr = cfg.Require("STAFF_ASSESSMENT_ADDR");
  if (!staff_addr.ok()) return Fail(staff_addr.status());
  policy.tracker_department = cfg.GetOr("TRACKER_DEPARTMENT", policy.tracker_department);
  policy.callback_department = cfg.GetOr("CALLBACK_DEPARTMENT", policy.tracker_department);
  for (const auto& [key, value] : {std::pair{"TRACKER_DEPARTMENT", policy.tracker_department},
                                   std::pair{"CALLBACK_DEPARTMENT", policy.callback_department}}) {
    if (!validation::CheckIdentifier(key, value).ok()) {
      return Fail(absl::InvalidArgumentError(cfg.VariableName(key) + " must be a department id"));
    }
  }
  if (auto s = ReadInt(cfg, "PROGRESS_UPDATE_DAYS", 1, followup::kMaxCadenceDays,
                       &policy.progress_update_days);
      !s.ok()) {
    return Fail(s);
  }
  if (auto s = ReadInt(cfg, "CALLBACK_DAYS", 1, followup::kMaxCadenceDays, &policy.callback_days);
      !s.ok()) {
    return Fail(s);
  }
  // 1..4: a threshold of 5 would never let a complaint close.
  if (auto s = ReadInt(cfg, "UNSATISFIED_AT_OR_BELOW", followup::kMinSatisfaction,
                       followup::kMaxSatisfaction - 1, &policy.unsatisfied_at_or_below);
      !s.ok()) {
    return Fail(s);
  }
  auto interval = cfg.DurationOr("CHECK_INTERVAL", settings.check_interval);
  if (!interval.ok()) return Fail(interval.status());
  if (*interval <= absl::ZeroDuration())
    return Fail(
        absl::InvalidArgumentError(cfg.VariableName("CHECK_INTERVAL") + " must be positive"));
  settings.check_interval = *interval;
  auto staff_timeout = cfg.DurationOr("STAFF_TIMEOUT", settings.staff_timeout);
  if (!staff_timeout.ok()) return Fail(staff_timeout.status());
  settings.staff_timeout = *staff_timeout;
  if (auto s = cfg.CheckArgs(); !s.ok()) return Fail(s);

  client::ChannelOptions staff_channel;
  staff_channel.idempotent_methods = {"complaints.staff.v1.StaffService/GetStaff",
                                      "complaints.staff.v1.StaffService/ListStaff"};
  auto staff =
      complaints::staff::v1::StaffService::NewStub(client::MakeChannel(*staff_addr, staff_channel));

  followup::FollowUpService service(**rt, std::move(staff), settings);
  service.RegisterEventHandlers();
  (*rt)->ServeEventSink();
  (*rt)->AddService(&service);
  service.StartTimers();
  const int code = (*rt)->RunUntilSignal();
  service.StopTimers();
  return code;
}
