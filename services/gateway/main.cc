// The edge gateway: the runtime (health, metrics, the rate-limit schema) and the HTTP listener
// that forwards the public RPCs to the services.

#include <memory>

#include "common/server/service_main.h"
#include "services/gateway/gateway.h"

int main(int argc, char** argv) {
  using namespace tousu;
  return server::RunServiceProcess<gateway::Settings>(
      argc, argv,
      {.name = "gateway",
       .env_name = "GATEWAY",
       .grpc_services = {},  // its gRPC port serves health (and the runtime's audit trail) only
       .migrations = &db::gateway_migrations(),
       .needs_calendar = false,
       .access = {}},
      [](server::ServiceRuntime& runtime,
         const gateway::Settings& settings) -> absl::StatusOr<server::ServiceParts> {
        auto gateway = gateway::Gateway::Create(runtime, settings);
        if (!gateway.ok()) return gateway.status();
        return std::shared_ptr<gateway::Gateway>(std::move(*gateway));
      });
}
