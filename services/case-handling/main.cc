// The case-handling service (policy §6): the case API, its event handlers and the solution-deadline
// timer, on a runtime with the business calendar. The service registers itself with the runtime.

#include "common/server/service_main.h"
#include "services/case-handling/access.h"
#include "services/case-handling/case_handling_service.h"

int main(int argc, char** argv) {
  using namespace tousu;
  return server::RunServiceProcess<casehandling::CaseHandlingSettings>(
      argc, argv,
      {.name = "case-handling",
       .env_name = "CASE_HANDLING",
       .grpc_services = {casehandling::kGrpcServiceName},
       .migrations = &db::case_handling_migrations(),
       .needs_calendar = true,
       .access = casehandling::CaseHandlingAccessTable()},
      [](server::ServiceRuntime& rt, const casehandling::CaseHandlingSettings& settings)
          -> absl::StatusOr<server::ServiceParts> {
        return std::make_shared<casehandling::CaseHandlingService>(rt, settings);
      });
}
