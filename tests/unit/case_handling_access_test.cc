// Case-handling's per-record rule: department-bound staff read and work on their own department's
// cases only (services/case-handling/domain/case_access.h).

#include <gtest/gtest.h>

#include "common/auth/caller.h"
#include "services/case-handling/domain/case_access.h"

namespace tousu::casehandling {
namespace {

// ScopedCaller keeps a pointer to its caller: tests hold callers in named variables.
auth::Caller Staff(const char* id, const char* role, const char* department) {
  return auth::Caller{
      .kind = auth::Caller::Kind::kStaff, .subject = id, .role = role, .department = department};
}

const std::vector<std::string> kNoAssisting;

TEST(CaseAccess, AHandlerActsOnTheirOwnDepartmentsCase) {
  const auth::Caller caller = Staff("S0021", auth::role::kHandler, "engineering");
  auth::ScopedCaller as(caller);
  EXPECT_TRUE(CheckCaseAccess("number", "engineering", kNoAssisting, CaseAccess::kDecide).ok());
  EXPECT_TRUE(CheckCaseAccess("number", "engineering", kNoAssisting, CaseAccess::kRead).ok());
}

TEST(CaseAccess, AHandlerIsDeniedAnotherDepartmentsCaseNamingTheFieldOnly) {
  const auth::Caller caller = Staff("S0021", auth::role::kHandler, "engineering");
  auth::ScopedCaller as(caller);
  for (CaseAccess access : {CaseAccess::kRead, CaseAccess::kContribute, CaseAccess::kDecide}) {
    const absl::Status s = CheckCaseAccess("number", "sales", kNoAssisting, access);
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(s.message(), "number: belongs to another department");
  }
}

TEST(CaseAccess, AnAssistingDepartmentReadsAndContributesButDoesNotDecide) {
  const auth::Caller caller = Staff("S0019", auth::role::kEngineer, "engineering");
  auth::ScopedCaller as(caller);
  const std::vector<std::string> assisting = {"engineering"};
  EXPECT_TRUE(CheckCaseAccess("number", "property-management", assisting, CaseAccess::kRead).ok());
  EXPECT_TRUE(
      CheckCaseAccess("number", "property-management", assisting, CaseAccess::kContribute).ok());
  EXPECT_EQ(CheckCaseAccess("number", "property-management", assisting, CaseAccess::kDecide).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CaseAccess, ASupervisorActsOnEveryDepartmentsCase) {
  const auth::Caller caller = Staff("S0001", auth::role::kSupervisor, "");
  auth::ScopedCaller as(caller);
  EXPECT_TRUE(CheckCaseAccess("number", "sales", kNoAssisting, CaseAccess::kDecide).ok());
}

TEST(CaseAccess, TrackersAndCallbackAgentsReadEveryCaseAndChangeNone) {
  for (const char* role : {auth::role::kTracker, auth::role::kCallbackAgent}) {
    const auth::Caller caller = Staff("S0014", role, "customer-service");
    auth::ScopedCaller as(caller);
    EXPECT_TRUE(CheckCaseAccess("number", "engineering", kNoAssisting, CaseAccess::kRead).ok());
    EXPECT_EQ(
        CheckCaseAccess("number", "engineering", kNoAssisting, CaseAccess::kContribute).code(),
        absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(CheckCaseAccess("number", "engineering", kNoAssisting, CaseAccess::kDecide).code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(*ScopeDepartmentFilter("department_id", "engineering"), "engineering");
  }
}

TEST(CaseAccess, WithoutAuthenticationEverythingIsAllowed) {
  // No ScopedCaller: Unrestricted.
  EXPECT_TRUE(CheckCaseAccess("number", "sales", kNoAssisting, CaseAccess::kDecide).ok());
  EXPECT_EQ(*ScopeDepartmentFilter("department_id", ""), "");
  EXPECT_EQ(*ScopeDepartmentFilter("department_id", "sales"), "sales");
}

TEST(CaseAccess, ACustomerSeesNoCaseAtAll) {
  const auth::Caller caller = auth::Caller{.kind = auth::Caller::Kind::kCustomer,
                                           .subject = "C42",
                                           .role = "customer",
                                           .department = ""};
  auth::ScopedCaller as(caller);
  EXPECT_EQ(CheckCaseAccess("number", "sales", kNoAssisting, CaseAccess::kRead).code(),
            absl::StatusCode::kNotFound);
}

TEST(CaseAccess, AHandlersListIsTheirOwnDepartment) {
  const auth::Caller caller = Staff("S0021", auth::role::kHandler, "engineering");
  auth::ScopedCaller as(caller);
  EXPECT_EQ(*ScopeDepartmentFilter("department_id", ""), "engineering");
  EXPECT_EQ(*ScopeDepartmentFilter("department_id", "engineering"), "engineering");
  const auto other = ScopeDepartmentFilter("department_id", "sales");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(other.status().message(), "department_id: not your department");
}

}  // namespace
}  // namespace tousu::casehandling
