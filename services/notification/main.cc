// The notification service: the customer is told, and staff are alerted, by the system itself.

#include <memory>

#include "common/server/service_main.h"
#include "services/notification/access.h"
#include "services/notification/notification_service.h"

int main(int argc, char** argv) {
  using namespace tousu;
  return server::RunServiceProcess<notification::Settings>(
      argc, argv,
      {.name = "notification",
       .env_name = "NOTIFICATION",
       .grpc_services = {notification::kGrpcServiceName},
       .migrations = &db::notification_migrations(),
       .access = notification::NotificationAccessTable()},
      [](server::ServiceRuntime& runtime,
         const notification::Settings& settings) -> absl::StatusOr<server::ServiceParts> {
        // A template with an unknown variable stops start-up here, naming the template.
        auto templates = notification::TemplateSet::Load(settings.templates_file);
        if (!templates.ok()) return templates.status();
        return std::make_shared<notification::NotificationService>(
            runtime, settings, *std::move(templates),
            notification::Channels::FromSettings(settings));
      });
}
