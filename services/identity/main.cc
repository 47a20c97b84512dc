// The identity service: customers sign in with their mobile number and a code sent by SMS.

#include <memory>

#include "common/server/service_main.h"
#include "services/identity/access.h"
#include "services/identity/identity_service.h"

int main(int argc, char** argv) {
  using namespace tousu;
  return server::RunServiceProcess<identity::Settings>(
      argc, argv,
      {.name = "identity",
       .env_name = "IDENTITY",
       .grpc_services = {identity::kGrpcServiceName},
       .migrations = &db::identity_migrations(),
       .access = identity::IdentityAccessTable()},
      [](server::ServiceRuntime& runtime,
         const identity::Settings& settings) -> absl::StatusOr<server::ServiceParts> {
        return std::make_shared<identity::IdentityService>(runtime, settings);
      });
}
