// The routing service: the classifier (trained at start-up from the labelled examples shipped
// under deploy/routing/), the staff directory client and the service over the common runtime.

#include "common/server/service_main.h"
#include "services/routing/access.h"
#include "services/routing/routing_service.h"

int main(int argc, char** argv) {
  using namespace tousu;
  return server::RunServiceProcess<routing::RoutingSettings>(
      argc, argv,
      {.name = "routing",
       .env_name = "ROUTING",
       .grpc_services = {"complaints.routing.v1.RoutingService"},
       .migrations = &db::routing_migrations(),
       .access = routing::RoutingAccessTable()},
      [](server::ServiceRuntime& rt,
         const routing::RoutingSettings& s) -> absl::StatusOr<server::ServiceParts> {
        auto examples = routing::LoadLabelledExamples(s.classifier_examples_path);
        if (!examples.ok()) return examples.status();
        auto classifier = routing::Classifier::Train(*examples);
        if (!classifier.ok()) return classifier.status();
        return std::make_shared<routing::RoutingService>(
            rt, *std::move(classifier),
            client::StaffDirectory(s.staff_directory_address, s.staff_timeout), s);
      });
}
