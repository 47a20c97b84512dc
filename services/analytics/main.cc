// The analytics service (policy §8): monthly figures, trends, spike alerts and the monthly report,
// learnt from the other services' events (and department names from the staff directory), on a
// runtime with the business calendar. The service registers itself with the runtime.

#include "common/server/service_main.h"
#include "services/analytics/access.h"
#include "services/analytics/analytics_service.h"

int main(int argc, char** argv) {
  using namespace tousu;
  return server::RunServiceProcess<analytics::Settings>(
      argc, argv,
      {.name = "analytics",
       .env_name = "ANALYTICS",
       .grpc_services = {analytics::kGrpcServiceName},
       .migrations = &db::analytics_migrations(),
       .needs_calendar = true,
       .access = analytics::AnalyticsAccessTable()},
      [](server::ServiceRuntime& rt,
         const analytics::Settings& settings) -> absl::StatusOr<server::ServiceParts> {
        return std::make_shared<analytics::AnalyticsService>(rt, settings);
      });
}
