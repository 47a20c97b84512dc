// The staff-assessment service: assembles the shared runtime, the staff directory and the
// assessment API (training, quarterly assessment, accountability) with its event handlers.

#include "common/config/config.h"
#include "common/log/log.h"
#include "common/server/server.h"
#include "services/staff-assessment/access.h"
#include "services/staff-assessment/assessment_service.h"
#include "services/staff-assessment/staff_service.h"

int main(int argc, char** argv) {
  using namespace tousu;
  server::BlockTerminationSignals();
  auto cfg = config::Config::FromProcess("STAFF_ASSESSMENT", argc, argv);
  auto rt = server::ServiceRuntime::Create(
      {.name = "staff-assessment",
       .env_name = "STAFF_ASSESSMENT",
       .grpc_services = {staff::kGrpcServiceName, staff::kAssessmentGrpcServiceName},
       .migrations = &db::staff_assessment_migrations(),
       .access = staff::StaffAccessTable()},
      cfg);
  if (!rt.ok()) {
    log::Error("configuration", {{"error", rt.status().ToString()}});
    return 2;
  }
  auto policy = staff::AssessmentPolicyFromConfig(cfg);
  if (!policy.ok()) {
    log::Error("configuration", {{"error", policy.status().ToString()}});
    return 2;
  }
  if (auto s = cfg.CheckArgs(); !s.ok()) {  // after every key was read
    log::Error("configuration", {{"error", s.ToString()}});
    return 2;
  }
  auto& runtime = **rt;
  staff::StaffService directory(runtime);
  staff::AssessmentService assessment(runtime, *policy);
  assessment.RegisterEventHandlers();
  runtime.ServeEventSink();
  runtime.AddService(&directory);
  runtime.AddService(&assessment);
  return runtime.RunUntilSignal();
}
