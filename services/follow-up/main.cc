// The follow-up service: the runtime (with the business calendar) and the service, which asks the
// staff directory, handles case-handling's events and runs the overdue pass.

#include <memory>

#include "common/server/service_main.h"
#include "services/follow-up/access.h"
#include "services/follow-up/follow_up_service.h"

int main(int argc, char** argv) {
  using namespace tousu;
  return server::RunServiceProcess<followup::Settings>(
      argc, argv,
      {.name = "follow-up",
       .env_name = "FOLLOW_UP",
       .grpc_services = {followup::kGrpcServiceName},
       .migrations = &db::follow_up_migrations(),
       .needs_calendar = true,
       .access = followup::FollowUpAccessTable()},
      [](server::ServiceRuntime& runtime,
         const followup::Settings& settings) -> absl::StatusOr<server::ServiceParts> {
        return std::make_shared<followup::FollowUpService>(runtime, settings);
      });
}
