#pragma once
// What a valid routing request looks like (policy §3, §5): every RPC's field checks, run before
// the staff directory or the database is asked anything. Pure: no server, no database.
//
// Every rejection is INVALID_ARGUMENT with a message starting with the field's path and ": ",
// e.g. "assisting_department_ids: listed twice". Fields are checked in a fixed order and the
// first invalid one is reported. Whether a named department or staff member exists is the
// service's question (the directory), not this file's.

#include <cstddef>

#include "absl/status/status.h"
#include "complaints/routing/v1/routing.pb.h"

namespace tousu::routing {

namespace rv1 = ::complaints::routing::v1;

inline constexpr int kMaxPageSize = 200;
inline constexpr int kDefaultPageSize = 50;
inline constexpr size_t kMaxStaffIdLength = 32;
inline constexpr size_t kMaxDepartmentIdLength = 64;
inline constexpr size_t kMaxClassifyTextChars = 2000;
inline constexpr size_t kMaxRuleProjectChars = 100;
inline constexpr size_t kMaxRejectReasonChars = 500;
inline constexpr size_t kMinRejectReasonChars = 2;
inline constexpr int kMaxAssistingDepartments = 4;

absl::Status CheckClassifyComplaint(const rv1::ClassifyComplaintRequest& req);
absl::Status CheckUpsertRoutingRule(const rv1::UpsertRoutingRuleRequest& req);
absl::Status CheckGetAssignment(const rv1::GetAssignmentRequest& req);
absl::Status CheckListDepartmentQueue(const rv1::ListDepartmentQueueRequest& req);
absl::Status CheckListSupervisorQueue(const rv1::ListSupervisorQueueRequest& req);
absl::Status CheckAcknowledgeAssignment(const rv1::AcknowledgeAssignmentRequest& req);
absl::Status CheckRejectAssignment(const rv1::RejectAssignmentRequest& req);
absl::Status CheckAssignBySupervisor(const rv1::AssignBySupervisorRequest& req);

// The page size a checked list request serves: 1..200 (0 asks for the default, 50).
int PageSize(const complaints::common::v1::PageRequest& page);

}  // namespace tousu::routing
