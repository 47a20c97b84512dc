#include "services/intake/access.h"

namespace tousu::intake {

using namespace auth::role;

auth::AccessTable IntakeAccessTable() {
  const std::vector<std::string> staff_and_services = auth::StaffAndServiceRoles();
  constexpr char kIntakeService[] = "complaints.intake.v1.IntakeService";
  auth::AccessTable t;
  t.Allow(kIntakeService, "SubmitComplaint",
          {kCustomer, kHotlineAgent, kReception, kCoordinator, kSupervisor});
  t.Allow(kIntakeService, "GetComplaint", staff_and_services)
      .Allow(kIntakeService, "GetComplaint", {kCustomer});
  t.Allow(kIntakeService, "ListComplaints", staff_and_services)
      .Allow(kIntakeService, "ListComplaints", {kCustomer});
  // Case-handling and follow-up asking before a customer acts on a complaint; never customers.
  t.Allow(kIntakeService, "CheckCustomerOwnsComplaint", {kService});
  return t;
}

}  // namespace tousu::intake
