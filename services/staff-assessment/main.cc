// The staff-assessment service: the staff directory and the assessment API (training, quarterly
// assessment, accountability) on the shared runtime, in one process and one schema.

#include "common/server/service_main.h"
#include "services/staff-assessment/access.h"
#include "services/staff-assessment/assessment_service.h"
#include "services/staff-assessment/staff_service.h"

namespace {

// Both services register themselves with the runtime; they live until it has shut down.
struct Services {
  Services(tousu::server::ServiceRuntime& rt, const tousu::staff::Settings& settings)
      : directory(rt), assessment(rt, settings) {}
  tousu::staff::StaffService directory;
  tousu::staff::AssessmentService assessment;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace tousu;
  return server::RunServiceProcess<staff::Settings>(
      argc, argv,
      {.name = "staff-assessment",
       .env_name = "STAFF_ASSESSMENT",
       .grpc_services = {staff::kGrpcServiceName, staff::kAssessmentGrpcServiceName},
       .migrations = &db::staff_assessment_migrations(),
       .access = staff::StaffAccessTable()},
      [](server::ServiceRuntime& rt,
         const staff::Settings& settings) -> absl::StatusOr<server::ServiceParts> {
        return std::make_shared<Services>(rt, settings);
      });
}
