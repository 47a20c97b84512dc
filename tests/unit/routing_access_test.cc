// Routing's per-record rule: department-bound staff see and act on assignments routed to their own
// department only (services/routing/domain/assignment_access.h).

#include <gtest/gtest.h>

#include "common/auth/caller.h"
#include "services/routing/domain/assignment_access.h"

namespace tousu::routing {
namespace {

// ScopedCaller keeps a pointer to its caller: tests hold callers in named variables.
auth::Caller Staff(const char* id, const char* role, const char* department) {
  return auth::Caller{
      .kind = auth::Caller::Kind::kStaff, .subject = id, .role = role, .department = department};
}

TEST(AssignmentAccess, AHandlerActsOnTheirOwnDepartmentsAssignment) {
  const auth::Caller caller = Staff("S0021", auth::role::kHandler, "engineering");
  auth::ScopedCaller as(caller);
  EXPECT_TRUE(CheckAssignmentAccess("number", "engineering").ok());
}

TEST(AssignmentAccess, AHandlerIsDeniedAnotherDepartmentsAssignment) {
  const auth::Caller caller = Staff("S0021", auth::role::kHandler, "engineering");
  auth::ScopedCaller as(caller);
  const absl::Status s = CheckAssignmentAccess("number", "sales");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "number: belongs to another department");
}

TEST(AssignmentAccess, AComplaintWaitingForASupervisorIsNoDepartmentsToTouch) {
  const auth::Caller caller = Staff("S0021", auth::role::kHandler, "engineering");
  auth::ScopedCaller as(caller);
  EXPECT_EQ(CheckAssignmentAccess("number", "").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckSupervisorQueueAccess().code(), absl::StatusCode::kPermissionDenied);
}

TEST(AssignmentAccess, ASupervisorActsEverywhere) {
  const auth::Caller caller = Staff("S0001", auth::role::kSupervisor, "");
  auth::ScopedCaller as(caller);
  EXPECT_TRUE(CheckAssignmentAccess("number", "sales").ok());
  EXPECT_TRUE(CheckAssignmentAccess("number", "").ok());
  EXPECT_TRUE(CheckSupervisorQueueAccess().ok());
  EXPECT_EQ(*ScopeQueueDepartment("department_id", "sales"), "sales");
}

TEST(AssignmentAccess, WithoutAuthenticationEverythingIsAllowed) {
  EXPECT_TRUE(CheckAssignmentAccess("number", "sales").ok());
  EXPECT_TRUE(CheckSupervisorQueueAccess().ok());
  EXPECT_EQ(*ScopeQueueDepartment("department_id", "sales"), "sales");
}

TEST(AssignmentAccess, AHandlerListsOnlyTheirOwnQueue) {
  const auth::Caller caller = Staff("S0021", auth::role::kHandler, "engineering");
  auth::ScopedCaller as(caller);
  EXPECT_EQ(*ScopeQueueDepartment("department_id", ""), "engineering");
  EXPECT_EQ(ScopeQueueDepartment("department_id", "sales").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AssignmentAccess, ACustomerSeesNoAssignment) {
  const auth::Caller caller = auth::Caller{.kind = auth::Caller::Kind::kCustomer,
                                           .subject = "C42",
                                           .role = "customer",
                                           .department = ""};
  auth::ScopedCaller as(caller);
  EXPECT_EQ(CheckAssignmentAccess("number", "sales").code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace tousu::routing
