#include "services/routing/access.h"

namespace tousu::routing {

using namespace auth::role;

auth::AccessTable RoutingAccessTable() {
  const std::vector<std::string> staff = auth::StaffRoles();
  const std::vector<std::string> staff_and_services = auth::StaffAndServiceRoles();
  constexpr char kRoutingService[] = "complaints.routing.v1.RoutingService";
  auth::AccessTable t;
  t.Allow(kRoutingService, "ClassifyComplaint", staff_and_services);
  t.Allow(kRoutingService, "UpsertRoutingRule", {kSupervisor, kManager});
  t.Allow(kRoutingService, "ListRoutingRules", staff);
  t.Allow(kRoutingService, "GetAssignment", staff_and_services);
  t.Allow(kRoutingService, "ListDepartmentQueue",
          {kHandler, kEngineer, kCoordinator, kSupervisor, kManager});
  t.Allow(kRoutingService, "AcknowledgeAssignment", {kHandler, kCoordinator, kSupervisor});
  t.Allow(kRoutingService, "RejectAssignment", {kHandler, kCoordinator, kSupervisor});
  t.Allow(kRoutingService, "ListSupervisorQueue", {kSupervisor, kCoordinator, kManager});
  t.Allow(kRoutingService, "AssignBySupervisor", {kSupervisor});
  return t;
}

}  // namespace tousu::routing
