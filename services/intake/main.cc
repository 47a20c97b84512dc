// The intake service: the shared runtime, the intake API, its event handlers and its periodic
// tasks (retention, department names), all registered by IntakeService's constructor.

#include <memory>

#include "common/server/service_main.h"
#include "services/intake/access.h"
#include "services/intake/intake_service.h"

int main(int argc, char** argv) {
  using namespace tousu;
  return server::RunServiceProcess<intake::IntakeSettings>(
      argc, argv,
      {.name = "intake",
       .env_name = "INTAKE",
       .grpc_services = {intake::kGrpcServiceName},
       .migrations = &db::intake_migrations(),
       .access = intake::IntakeAccessTable()},
      [](server::ServiceRuntime& runtime,
         const intake::IntakeSettings& settings) -> absl::StatusOr<server::ServiceParts> {
        return std::make_shared<intake::IntakeService>(runtime, settings);
      });
}
