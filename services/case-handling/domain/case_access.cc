#include "services/case-handling/domain/case_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/auth/caller.h"

namespace tousu::casehandling {
namespace {

// Trackers and callback agents (§7) keep the customer informed and call them back whichever
// department handles the case: they read every case, and change none.
bool FollowsEveryCase(const auth::Caller& caller) {
  return caller.is_staff() &&
         (caller.role == auth::role::kTracker || caller.role == auth::role::kCallbackAgent);
}

}  // namespace

absl::Status CheckCaseAccess(std::string_view field, const std::string& lead_department_id,
                             const std::vector<std::string>& assisting_department_ids,
                             CaseAccess access) {
  const auth::Caller& caller = auth::CurrentCaller();
  if (caller.is_customer()) {
    if (access == CaseAccess::kCustomersOwnDecision) return absl::OkStatus();
    return absl::NotFoundError(std::string(kNoCase));
  }
  if (access == CaseAccess::kCustomersOwnDecision) access = CaseAccess::kDecide;
  if (caller.MayActForDepartment(lead_department_id)) return absl::OkStatus();
  if (access == CaseAccess::kRead && FollowsEveryCase(caller)) return absl::OkStatus();
  if (access != CaseAccess::kDecide &&
      std::any_of(assisting_department_ids.begin(), assisting_department_ids.end(),
                  [&](const std::string& d) { return caller.MayActForDepartment(d); })) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(std::string(field), ": belongs to another department"));
}

absl::StatusOr<std::string> ScopeDepartmentFilter(std::string_view field,
                                                  const std::string& requested) {
  const auth::Caller& caller = auth::CurrentCaller();
  if (FollowsEveryCase(caller)) return requested;
  return auth::ScopeListToDepartment(caller, field, requested);
}

}  // namespace tousu::casehandling
