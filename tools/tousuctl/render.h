#pragma once
// The readable (table) form of the intake, routing and staff-directory responses tousuctl prints,
// and the masking of personal data applied before a response is printed in either form. Pure
// functions: tested without a server. Other areas: render_<area>.h.

#include <string>

#include "absl/time/time.h"
#include "complaints/intake/v1/intake.pb.h"
#include "complaints/routing/v1/routing.pb.h"
#include "complaints/staff/v1/staff.pb.h"

namespace tousu::ctl {

// Personal data, masked unless --show-personal-data: the customer's name ("张*"), phone
// ("138****8000") and email ("z***@example.com"); a staff member's work phone and email.
void MaskComplaintInput(complaints::intake::v1::ComplaintInput* input);
void MaskStaff(complaints::staff::v1::Staff* staff);

// A complaint: the record, then its timeline. `now` tells how long is left until a deadline.
std::string RenderComplaint(const complaints::intake::v1::Complaint& complaint, absl::Time now);
std::string RenderComplaintList(const complaints::intake::v1::ListComplaintsResponse& response);

std::string RenderClassification(
    const complaints::routing::v1::ClassifyComplaintResponse& response);
std::string RenderRules(const complaints::routing::v1::ListRoutingRulesResponse& response);
// Routing's view of one complaint, with its hops when the response carries them.
std::string RenderAssignment(const complaints::routing::v1::Assignment& assignment, absl::Time now);
std::string RenderDepartmentQueue(
    const complaints::routing::v1::ListDepartmentQueueResponse& response, absl::Time now);
std::string RenderSupervisorQueue(
    const complaints::routing::v1::ListSupervisorQueueResponse& response, absl::Time now);

std::string RenderStaffList(const complaints::staff::v1::ListStaffResponse& response);
std::string RenderStaff(const complaints::staff::v1::Staff& staff);
std::string RenderDepartments(const complaints::staff::v1::ListDepartmentsResponse& response);

}  // namespace tousu::ctl
