// Follow-up's per-record rule (services/follow-up/domain/follow_up_access.h): department-bound
// staff work on follow-ups as the tracker or callback department, and read those of their own
// department's cases.

#include "services/follow-up/domain/follow_up_access.h"

#include <gtest/gtest.h>

#include "common/auth/caller.h"

namespace tousu::followup {
namespace {

namespace fv1 = complaints::followup::v1;

// ScopedCaller keeps a pointer to its caller: tests hold callers in named variables.
auth::Caller Staff(const char* id, const char* role, const char* department) {
  return auth::Caller{
      .kind = auth::Caller::Kind::kStaff, .subject = id, .role = role, .department = department};
}

Policy SplitPolicy() {
  Policy p;
  p.tracker_department = "customer-service";
  p.callback_department = "quality";
  return p;
}

TEST(FollowUpAccess, ATrackerOfTheTrackerDepartmentTracksAnyDepartmentsCase) {
  const auth::Caller caller = Staff("S0012", auth::role::kTracker, "customer-service");
  auth::ScopedCaller as(caller);
  EXPECT_TRUE(
      CheckFollowUpAccess("number", "engineering", FollowUpWork::kTracking, SplitPolicy()).ok());
  EXPECT_TRUE(
      CheckFollowUpAccess("number", "engineering", FollowUpWork::kRead, SplitPolicy()).ok());
}

TEST(FollowUpAccess, TheCallbackIsTheCallbackDepartments) {
  const auth::Caller caller = Staff("S0012", auth::role::kTracker, "customer-service");
  auth::ScopedCaller as(caller);
  const absl::Status s =
      CheckFollowUpAccess("number", "engineering", FollowUpWork::kCallback, SplitPolicy());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "number: belongs to another department");
}

TEST(FollowUpAccess, AHandlerReadsTheirOwnDepartmentsFollowUpOnly) {
  const auth::Caller caller = Staff("S0021", auth::role::kHandler, "engineering");
  auth::ScopedCaller as(caller);
  EXPECT_TRUE(CheckFollowUpAccess("number", "engineering", FollowUpWork::kRead, Policy{}).ok());
  EXPECT_EQ(CheckFollowUpAccess("number", "sales", FollowUpWork::kRead, Policy{}).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckFollowUpAccess("number", "engineering", FollowUpWork::kTracking, Policy{}).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(FollowUpAccess, ASupervisorAndUnrestrictedDoEverything) {
  for (FollowUpWork work :
       {FollowUpWork::kRead, FollowUpWork::kTracking, FollowUpWork::kCallback}) {
    EXPECT_TRUE(CheckFollowUpAccess("number", "sales", work, Policy{}).ok());
    const auth::Caller caller = Staff("S0001", auth::role::kSupervisor, "");
    auth::ScopedCaller as(caller);
    EXPECT_TRUE(CheckFollowUpAccess("number", "sales", work, Policy{}).ok());
  }
}

TEST(FollowUpAccess, TaskListsAreTheTrackerAndCallbackDepartments) {
  {
    const auth::Caller caller = Staff("S0012", auth::role::kTracker, "customer-service");
    auth::ScopedCaller as(caller);
    EXPECT_TRUE(
        CheckTaskListAccess("staff_id", fv1::TASK_KIND_PROGRESS_UPDATE, SplitPolicy()).ok());
    EXPECT_EQ(CheckTaskListAccess("staff_id", fv1::TASK_KIND_CALLBACK, SplitPolicy()).code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(CheckTaskListAccess("staff_id", fv1::TASK_KIND_UNSPECIFIED, SplitPolicy()).code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_TRUE(CheckTaskListAccess("staff_id", fv1::TASK_KIND_UNSPECIFIED, Policy{}).ok());
  }
  const auth::Caller caller = Staff("S0021", auth::role::kHandler, "engineering");
  auth::ScopedCaller as(caller);
  EXPECT_EQ(CheckTaskListAccess("staff_id", fv1::TASK_KIND_UNSPECIFIED, Policy{}).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(FollowUpAccess, ACustomerSeesNoFollowUp) {
  const auth::Caller caller = auth::Caller{.kind = auth::Caller::Kind::kCustomer,
                                           .subject = "C42",
                                           .role = "customer",
                                           .department = ""};
  auth::ScopedCaller as(caller);
  EXPECT_EQ(CheckFollowUpAccess("number", "sales", FollowUpWork::kRead, Policy{}).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace tousu::followup
