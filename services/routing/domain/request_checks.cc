#include "services/routing/domain/request_checks.h"

#include <algorithm>
#include <set>
#include <string>

#include "common/status/return_if_error.h"
#include "common/validation/text.h"

namespace tousu::routing {

namespace cv1 = ::complaints::common::v1;

namespace {

absl::Status CheckPage(const cv1::PageRequest& page) {
  if (page.page_size() < 0 || page.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError("page.page_size: must be 0..200");
  }
  // Queues page by complaint number: the token is the last number served.
  if (!page.page_token().empty()) {
    return validation::CheckComplaintNumber("page.page_token", page.page_token());
  }
  return absl::OkStatus();
}

absl::Status CheckDepartment(std::string_view field, const std::string& id) {
  return validation::CheckIdentifier(field, id, kMaxDepartmentIdLength);
}

absl::Status CheckStaff(std::string_view field, const std::string& id) {
  return validation::CheckIdentifier(field, id, kMaxStaffIdLength);
}

}  // namespace

int PageSize(const cv1::PageRequest& page) {
  return page.page_size() <= 0 ? kDefaultPageSize : std::min(page.page_size(), kMaxPageSize);
}

absl::Status CheckClassifyComplaint(const rv1::ClassifyComplaintRequest& req) {
  return validation::CheckText(
      "text", req.text(),
      {.required = true, .max_chars = kMaxClassifyTextChars, .allow_newlines = true});
}

absl::Status CheckUpsertRoutingRule(const rv1::UpsertRoutingRuleRequest& req) {
  const auto& rule = req.rule();
  if (rule.category() == cv1::CATEGORY_UNSPECIFIED || !cv1::Category_IsValid(rule.category())) {
    return absl::InvalidArgumentError("rule.category: required, one of the four categories");
  }
  RETURN_IF_ERROR(validation::CheckText("rule.project", rule.project(),
                                        {.required = false, .max_chars = kMaxRuleProjectChars}));
  return CheckDepartment("rule.department_id", rule.department_id());
}

absl::Status CheckGetAssignment(const rv1::GetAssignmentRequest& req) {
  return validation::CheckComplaintNumber("number", req.number());
}

absl::Status CheckListDepartmentQueue(const rv1::ListDepartmentQueueRequest& req) {
  RETURN_IF_ERROR(CheckDepartment("department_id", req.department_id()));
  return CheckPage(req.page());
}

absl::Status CheckListSupervisorQueue(const rv1::ListSupervisorQueueRequest& req) {
  return CheckPage(req.page());
}

absl::Status CheckAcknowledgeAssignment(const rv1::AcknowledgeAssignmentRequest& req) {
  RETURN_IF_ERROR(validation::CheckComplaintNumber("number", req.number()));
  RETURN_IF_ERROR(CheckDepartment("department_id", req.department_id()));
  return CheckStaff("owner_staff_id", req.owner_staff_id());
}

absl::Status CheckRejectAssignment(const rv1::RejectAssignmentRequest& req) {
  RETURN_IF_ERROR(validation::CheckComplaintNumber("number", req.number()));
  RETURN_IF_ERROR(CheckDepartment("department_id", req.department_id()));
  RETURN_IF_ERROR(CheckStaff("staff_id", req.staff_id()));
  RETURN_IF_ERROR(validation::CheckText(
      "reason", req.reason(),
      {.required = true, .max_chars = kMaxRejectReasonChars, .allow_newlines = true}));
  if (validation::Utf8Length(req.reason()).value_or(0) < kMinRejectReasonChars) {
    return absl::InvalidArgumentError("reason: must be at least 2 characters");
  }
  RETURN_IF_ERROR(validation::CheckIdentifier("reroute_to_department_id",
                                              req.reroute_to_department_id(),
                                              kMaxDepartmentIdLength, /*required=*/false));
  if (req.reroute_to_department_id() == req.department_id()) {
    return absl::InvalidArgumentError("reroute_to_department_id: must differ from department_id");
  }
  return absl::OkStatus();
}

absl::Status CheckAssignBySupervisor(const rv1::AssignBySupervisorRequest& req) {
  RETURN_IF_ERROR(validation::CheckComplaintNumber("number", req.number()));
  RETURN_IF_ERROR(CheckStaff("supervisor_staff_id", req.supervisor_staff_id()));
  RETURN_IF_ERROR(CheckDepartment("lead_department_id", req.lead_department_id()));
  if (req.assisting_department_ids_size() > kMaxAssistingDepartments) {
    return absl::InvalidArgumentError("assisting_department_ids: at most 4");
  }
  std::set<std::string> assisting;
  for (const auto& d : req.assisting_department_ids()) {
    RETURN_IF_ERROR(CheckDepartment("assisting_department_ids", d));
    if (d == req.lead_department_id()) {
      return absl::InvalidArgumentError(
          "assisting_department_ids: must not include the lead department");
    }
    if (!assisting.insert(d).second) {
      return absl::InvalidArgumentError("assisting_department_ids: listed twice");
    }
  }
  return absl::OkStatus();
}

#undef RETURN_IF_ERROR

}  // namespace tousu::routing
