// The routing service: assembles the runtime, the classifier (trained at start-up from the
// labelled examples shipped under deploy/routing/), the staff directory client and the service.

#include "absl/strings/numbers.h"
#include "common/client/channel.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/server/server.h"
#include "services/routing/access.h"
#include "services/routing/routing_service.h"

namespace {

int Fail(const absl::Status& s) {
  tousu::log::Error("start-up failed", {{"error", s.ToString()}});
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tousu;
  server::BlockTerminationSignals();
  auto cfg = config::Config::FromProcess("ROUTING", argc, argv);
  auto rt =
      server::ServiceRuntime::Create({.name = "routing",
                                      .env_name = "ROUTING",
                                      .grpc_services = {"complaints.routing.v1.RoutingService"},
                                      .migrations = &db::routing_migrations(),
                                      .access = routing::RoutingAccessTable()},
                                     cfg);
  if (!rt.ok()) return Fail(rt.status());

  routing::RoutingSettings settings;
  auto staff_addr = cfg.Require("STAFF_ASSESSMENT_ADDR");
  if (!staff_addr.ok()) return Fail(staff_addr.status());
  auto examples_path = cfg.Require("CLASSIFIER_EXAMPLES");
  if (!examples_path.ok()) return Fail(examples_path.status());
  if (auto v = cfg.Get("LOW_CONFIDENCE"); v.has_value()) {
    if (!absl::SimpleAtod(*v, &settings.policy.low_confidence) ||
        settings.policy.low_confidence < 0 || settings.policy.low_confidence > 1) {
      return Fail(absl::InvalidArgumentError(cfg.VariableName("LOW_CONFIDENCE") +
                                             " must be a number in 0..1"));
    }
  }
  auto bounces = cfg.IntOr("MAX_BOUNCES", settings.policy.max_bounces);
  if (!bounces.ok()) return Fail(bounces.status());
  settings.policy.max_bounces = static_cast<int>(*bounces);
  auto window = cfg.DurationOr("ACK_WINDOW", settings.policy.ack_window);
  if (!window.ok()) return Fail(window.status());
  settings.policy.ack_window = *window;
  auto interval = cfg.DurationOr("ESCALATION_INTERVAL", settings.escalation_interval);
  if (!interval.ok()) return Fail(interval.status());
  settings.escalation_interval = *interval;

  if (auto s = cfg.CheckArgs(); !s.ok()) return Fail(s);  // after every key was read

  auto examples = routing::LoadLabelledExamples(*examples_path);
  if (!examples.ok()) return Fail(examples.status());
  auto classifier = routing::Classifier::Train(*examples);
  if (!classifier.ok()) return Fail(classifier.status());

  client::ChannelOptions staff_channel;
  staff_channel.idempotent_methods = {"complaints.staff.v1.StaffService/GetStaff",
                                      "complaints.staff.v1.StaffService/GetDepartment"};
  auto staff =
      complaints::staff::v1::StaffService::NewStub(client::MakeChannel(*staff_addr, staff_channel));

  routing::RoutingService service(**rt, std::move(*classifier), std::move(staff), settings);
  service.RegisterEventHandlers();
  (*rt)->ServeEventSink();
  (*rt)->AddService(&service);
  service.StartTimers();
  const int code = (*rt)->RunUntilSignal();
  service.StopTimers();
  return code;
}
