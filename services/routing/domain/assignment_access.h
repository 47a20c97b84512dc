#pragma once
// Which assignments the current caller (auth::CurrentCaller()) may see or act on. Which roles may
// call an RPC at all is the access table's business (checked before a handler runs); this is the
// per-record rule: staff whose role does not span departments (handlers, engineers, ...) only see
// and act on complaints routed to their own department, and only list their own queue. A
// complaint waiting for a supervisor (no department yet) is nobody's department: only roles that
// span departments reach it. Customers never see an assignment: NOT_FOUND, as if there were none.
//
// A denial is PERMISSION_DENIED naming the request field, never anything of the assignment.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tousu::routing {

// Called with the assignment's department right after it is loaded, before anything is written.
absl::Status CheckAssignmentAccess(std::string_view field, const std::string& department_id);

// The department whose queue is listed: as requested for callers spanning departments; for
// department-bound staff their own (none requested) or PERMISSION_DENIED naming `field`.
absl::StatusOr<std::string> ScopeQueueDepartment(std::string_view field,
                                                 const std::string& requested);

// The supervisor queue holds complaints of no department yet: roles spanning departments only.
absl::Status CheckSupervisorQueueAccess();

}  // namespace tousu::routing
