#pragma once
// Which cases the current caller (auth::CurrentCaller()) may read or work on. Which roles may call
// an RPC at all is the access table's business (checked before a handler runs); this is the
// per-record rule: staff whose role does not span departments (handlers, engineers, ...) only
// touch the cases of their own department.
//
//   - reading a case, and adding to its investigation (entries, inspection reports, customer
//     contacts): the lead department or one of the assisting departments;
//   - deciding its course (solution, extension, customer decision, implementation, resolution):
//     the lead department only;
//   - roles that span departments (supervisors, coordinators, ..., services, Unrestricted): any;
//   - trackers and callback agents (§7, the customer's side of every case): read any, list any.
//
// A denial is PERMISSION_DENIED naming the request field, never anything of the case. Customers
// never see a case here: NOT_FOUND with the same message as a case that does not exist; the one
// thing they do is decide on a solution of their own complaint (kCustomersOwnDecision).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tousu::casehandling {

// What a case that does not exist (or that a customer may not see) is answered with.
inline constexpr char kNoCase[] = "no case for this complaint (yet)";

enum class CaseAccess {
  kRead,
  kContribute,
  kDecide,
  // A signed-in customer's own decision on a solution: asked only after intake confirmed that the
  // complaint is theirs (common/client/complaint_ownership.h); for anyone else, kDecide.
  kCustomersOwnDecision,
};

// Called with the case's departments right after the case is loaded, before anything is written.
absl::Status CheckCaseAccess(std::string_view field, const std::string& lead_department_id,
                             const std::vector<std::string>& assisting_department_ids,
                             CaseAccess access);

// The department filter a list of cases runs with: as requested for callers spanning departments;
// for department-bound staff their own department (no filter given) or PERMISSION_DENIED naming
// `field` (another department given).
absl::StatusOr<std::string> ScopeDepartmentFilter(std::string_view field,
                                                  const std::string& requested);

}  // namespace tousu::casehandling
