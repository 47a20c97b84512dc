#include "services/routing/domain/assignment_access.h"

#include "absl/strings/str_cat.h"
#include "common/auth/caller.h"

namespace tousu::routing {

absl::Status CheckAssignmentAccess(std::string_view field, const std::string& department_id) {
  const auth::Caller& caller = auth::CurrentCaller();
  if (caller.is_customer()) return absl::NotFoundError("no assignment for this complaint");
  // An unrouted complaint (department_id empty) matches no department-bound caller.
  if (caller.MayActForDepartment(department_id)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(std::string(field), ": belongs to another department"));
}

absl::StatusOr<std::string> ScopeQueueDepartment(std::string_view field,
                                                 const std::string& requested) {
  return auth::ScopeListToDepartment(auth::CurrentCaller(), field, requested);
}

absl::Status CheckSupervisorQueueAccess() {
  if (auth::CurrentCaller().spans_departments()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "page: the supervisor queue is for roles that work across departments");
}

}  // namespace tousu::routing
