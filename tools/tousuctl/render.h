#pragma once
// The readable (table) form of every response tousuctl prints, and the masking of personal data
// applied before a response is printed in either form. Pure functions: tested without a server.

#include <string>

#include "absl/time/time.h"
#include "complaints/casehandling/v1/case.pb.h"
#include "complaints/followup/v1/followup.pb.h"
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

// Case handling. A case with its whole history (cycles, deadlines, investigation, inspection
// reports, contacts, solutions, decisions, implementation); `now` tells the time left until the
// solution deadline while one is due.
std::string RenderCase(const complaints::casehandling::v1::Case& case_file, absl::Time now);
std::string RenderCaseList(const complaints::casehandling::v1::ListCasesResponse& response,
                           absl::Time now);
std::string RenderInvestigationEntry(const complaints::casehandling::v1::InvestigationEntry& e);
std::string RenderInspectionReport(const complaints::casehandling::v1::InspectionReport& r);
std::string RenderContact(const complaints::casehandling::v1::CustomerContact& c);
std::string RenderSolution(const complaints::casehandling::v1::Solution& s);
std::string RenderDecision(const complaints::casehandling::v1::Decision& d, absl::Time now);
std::string RenderImplementationNote(const complaints::casehandling::v1::ImplementationNote& n);

// Follow-up. One complaint's tracker, progress updates and callbacks; a staff member's tasks.
std::string RenderFollowUp(const complaints::followup::v1::FollowUp& follow_up, absl::Time now);
std::string RenderCallback(const complaints::followup::v1::Callback& callback, absl::Time now);
std::string RenderDueTasks(const complaints::followup::v1::ListDueTasksResponse& response,
                           absl::Time now);

}  // namespace tousu::ctl
