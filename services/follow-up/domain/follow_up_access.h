#pragma once
// Which follow-ups the current caller (auth::CurrentCaller()) may see or work on. Which roles may
// call an RPC at all is the access table's business (checked before a handler runs); this is the
// per-record rule for staff whose role does not span departments.
//
// A follow-up's work is done by the tracker department (progress updates, tracker changes) and
// the callback department (callbacks, questionnaire links), both from the Policy (trackers and
// agents are only ever picked there), for a case handled by the department stored on the row
// (the case's lead department, from CaseOpened/CaseReopened). So:
//   - reading: the case's department, the tracker department or the callback department;
//   - tracking work: the tracker department; callback work: the callback department;
//   - a task list (ListDueTasks): the department whose tasks are asked for (progress updates:
//     tracker department, callbacks: callback department, both: both).
// Roles that span departments (supervisors, coordinators, ..., services, Unrestricted) may all of
// it. A denial is PERMISSION_DENIED naming the request field; customers get NOT_FOUND, as if
// there were no follow-up (their own questionnaire goes by its link token, not by this rule).

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "complaints/followup/v1/followup.pb.h"
#include "services/follow-up/domain/policy.h"

namespace tousu::followup {

enum class FollowUpWork { kRead, kTracking, kCallback };

// Called with the row's department right after it is loaded, before anything is written.
absl::Status CheckFollowUpAccess(std::string_view field, const std::string& case_department_id,
                                 FollowUpWork work, const Policy& policy);

// Whether the caller may list tasks of `kind`; a denial names `field`.
absl::Status CheckTaskListAccess(std::string_view field, complaints::followup::v1::TaskKind kind,
                                 const Policy& policy);

}  // namespace tousu::followup
