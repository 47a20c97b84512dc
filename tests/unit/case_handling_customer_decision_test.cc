// Customers deciding on a solution of their own complaint: the per-record rule
// (services/case-handling/domain/case_access.h) and the intake setting it needs.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/auth/caller.h"
#include "services/case-handling/domain/case_access.h"
#include "services/case-handling/settings.h"

namespace tousu::casehandling {
namespace {

const std::vector<std::string> kAssisting = {"property"};

TEST(CustomerDecision, ACustomerReachesOnlyTheirOwnDecisionAndNothingElseOfACase) {
  const auth::Caller customer{.kind = auth::Caller::Kind::kCustomer,
                              .subject = "C00000000000000000a01",
                              .role = auth::role::kCustomer,
                              .department = "",
                              .verified_phone = "13800138000"};
  auth::ScopedCaller as(customer);
  EXPECT_TRUE(
      CheckCaseAccess("number", "engineering", kAssisting, CaseAccess::kCustomersOwnDecision).ok());
  for (CaseAccess other : {CaseAccess::kRead, CaseAccess::kContribute, CaseAccess::kDecide}) {
    const absl::Status s = CheckCaseAccess("number", "engineering", kAssisting, other);
    EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(s.message(), kNoCase);
  }
}

TEST(CustomerDecision, ForStaffItIsTheLeadDepartmentsDecisionAsBefore) {
  const auth::Caller lead{.kind = auth::Caller::Kind::kStaff,
                          .subject = "S0021",
                          .role = auth::role::kHandler,
                          .department = "engineering",
                          .verified_phone = ""};
  const auth::Caller assisting{.kind = auth::Caller::Kind::kStaff,
                               .subject = "S0031",
                               .role = auth::role::kHandler,
                               .department = "property",
                               .verified_phone = ""};
  {
    auth::ScopedCaller as(lead);
    EXPECT_TRUE(
        CheckCaseAccess("number", "engineering", kAssisting, CaseAccess::kCustomersOwnDecision)
            .ok());
  }
  auth::ScopedCaller as(assisting);
  EXPECT_EQ(CheckCaseAccess("number", "engineering", kAssisting, CaseAccess::kCustomersOwnDecision)
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CustomerDecision, IntakeIsOptionalAndItsTimeoutPositive) {
  auto none = CaseHandlingSettings::FromConfig(config::Config("CASE_HANDLING", {}, {}));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->intake_addr, "");
  EXPECT_EQ(none->intake_timeout, absl::Seconds(2));
  auto set = CaseHandlingSettings::FromConfig(config::Config(
      "CASE_HANDLING",
      {"TOUSU_CASE_HANDLING_INTAKE_ADDR=127.0.0.1:7101", "TOUSU_CASE_HANDLING_INTAKE_TIMEOUT=1s"},
      {}));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->intake_addr, "127.0.0.1:7101");
  EXPECT_EQ(set->intake_timeout, absl::Seconds(1));
  EXPECT_FALSE(CaseHandlingSettings::FromConfig(
                   config::Config("CASE_HANDLING", {"TOUSU_CASE_HANDLING_INTAKE_TIMEOUT=-1s"}, {}))
                   .ok());
}

}  // namespace
}  // namespace tousu::casehandling
