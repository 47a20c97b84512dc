#include "services/follow-up/domain/follow_up_access.h"

#include "absl/strings/str_cat.h"
#include "common/auth/caller.h"

namespace tousu::followup {

namespace {

absl::Status Denied(std::string_view field) {
  return absl::PermissionDeniedError(
      absl::StrCat(std::string(field), ": belongs to another department"));
}

}  // namespace

absl::Status CheckFollowUpAccess(std::string_view field, const std::string& case_department_id,
                                 FollowUpWork work, const Policy& policy) {
  const auth::Caller& caller = auth::CurrentCaller();
  if (caller.is_customer()) return absl::NotFoundError("no follow-up for this complaint");
  bool allowed = false;
  switch (work) {
    case FollowUpWork::kRead:
      allowed = caller.MayActForDepartment(case_department_id) ||
                caller.MayActForDepartment(policy.tracker_department) ||
                caller.MayActForDepartment(policy.callback_department);
      break;
    case FollowUpWork::kTracking:
      allowed = caller.MayActForDepartment(policy.tracker_department);
      break;
    case FollowUpWork::kCallback:
      allowed = caller.MayActForDepartment(policy.callback_department);
      break;
  }
  return allowed ? absl::OkStatus() : Denied(field);
}

absl::Status CheckTaskListAccess(std::string_view field, complaints::followup::v1::TaskKind kind,
                                 const Policy& policy) {
  const auth::Caller& caller = auth::CurrentCaller();
  const bool progress = caller.MayActForDepartment(policy.tracker_department);
  const bool callbacks = caller.MayActForDepartment(policy.callback_department);
  switch (kind) {
    case complaints::followup::v1::TASK_KIND_PROGRESS_UPDATE:
      return progress ? absl::OkStatus() : Denied(field);
    case complaints::followup::v1::TASK_KIND_CALLBACK:
      return callbacks ? absl::OkStatus() : Denied(field);
    default:  // both kinds: only for a caller who may see both
      return progress && callbacks ? absl::OkStatus() : Denied(field);
  }
}

}  // namespace tousu::followup
