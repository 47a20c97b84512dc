#include "services/case-handling/domain/request_checks.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/return_if_error.h"
#include "common/time/proto_time.h"
#include "common/validation/text.h"

namespace tousu::casehandling {

namespace cv1 = ::complaints::common::v1;

namespace {

absl::Status CheckNumber(const std::string& number) {
  return validation::CheckComplaintNumber("number", number);
}

absl::Status CheckStaff(std::string_view field, const std::string& id, bool required = true) {
  return validation::CheckIdentifier(field, id, kMaxStaffIdLength, required);
}

// Text the customer or staff typed: required unless said otherwise, newlines allowed.
absl::Status CheckBody(std::string_view field, const std::string& value, size_t max_chars,
                       size_t min_chars = 1, bool required = true) {
  RETURN_IF_ERROR(validation::CheckText(
      field, value, {.required = required, .max_chars = max_chars, .allow_newlines = true}));
  if (!value.empty() && validation::Utf8Length(value).value_or(0) < min_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": must be at least ", min_chars, " characters"));
  }
  return absl::OkStatus();
}

bool IsMediaTypeChar(char c) {
  return absl::ascii_isalnum(c) || std::string_view("!#$&^_.+-").find(c) != std::string_view::npos;
}

absl::Status CheckAttachments(const google::protobuf::RepeatedPtrField<chv1::Attachment>& list) {
  if (list.size() > kMaxAttachments) return absl::InvalidArgumentError("attachments: at most 20");
  for (int i = 0; i < list.size(); ++i) {
    const auto& a = list[i];
    const std::string at = absl::StrCat("attachments[", i, "]");
    const bool scheme = absl::StartsWith(a.uri(), "https://") || absl::StartsWith(a.uri(), "s3://");
    const bool printable = std::all_of(a.uri().begin(), a.uri().end(), [](char c) {
      return c > ' ' && c < 0x7f;
    });  // no spaces, ASCII only
    if (!scheme || !printable || a.uri().size() > kMaxUriLength || a.uri().size() < 9) {
      return absl::InvalidArgumentError(absl::StrCat(
          at, ".uri: must be an https:// or s3:// URI of at most 2048 characters, without spaces"));
    }
    const size_t slash = a.media_type().find('/');
    const bool media_ok = a.media_type().size() <= kMaxMediaTypeLength &&
                          slash != std::string::npos && slash > 0 &&
                          slash + 1 < a.media_type().size() &&
                          std::all_of(a.media_type().begin(), a.media_type().end(),
                                      [](char c) { return c == '/' || IsMediaTypeChar(c); }) &&
                          a.media_type().find('/', slash + 1) == std::string::npos;
    if (!media_ok)
      return absl::InvalidArgumentError(absl::StrCat(at, ".media_type: must be like image/jpeg"));
    const bool sha_ok =
        a.sha256().size() == 64 && std::all_of(a.sha256().begin(), a.sha256().end(), [](char c) {
          return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
        });
    if (!sha_ok)
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".sha256: must be 64 lowercase hex digits"));
  }
  return absl::OkStatus();
}

absl::Status CheckChannel(std::string_view field, chv1::ContactChannel channel) {
  if (channel == chv1::CONTACT_CHANNEL_UNSPECIFIED || !chv1::ContactChannel_IsValid(channel)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": required, one of phone, sms, app, email, visit"));
  }
  return absl::OkStatus();
}

absl::Status CheckTimestamp(std::string_view field, bool has,
                            const google::protobuf::Timestamp& ts) {
  if (!has) return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": required"));
  if (!time::IsValidTimestamp(ts) || !time::IsStorable(time::FromProto(ts))) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": not a valid time"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckGetCase(const chv1::GetCaseRequest& req) { return CheckNumber(req.number()); }

absl::Status CheckListCases(const chv1::ListCasesRequest& req) {
  RETURN_IF_ERROR(validation::CheckIdentifier("department_id", req.department_id(),
                                              kMaxDepartmentIdLength, false));
  RETURN_IF_ERROR(CheckStaff("owner_staff_id", req.owner_staff_id(), false));
  if (!chv1::CaseState_IsValid(req.state()))
    return absl::InvalidArgumentError("state: unknown value");
  const auto& page = req.page();
  if (page.page_size() < 0 || page.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError("page.page_size: must be 0..200");
  }
  if (!page.page_token().empty()) {
    RETURN_IF_ERROR(validation::CheckComplaintNumber("page.page_token", page.page_token()));
  }
  return absl::OkStatus();
}

int ListPageSize(const chv1::ListCasesRequest& req) {
  return req.page().page_size() == 0 ? kDefaultPageSize : req.page().page_size();
}

absl::Status CheckAddInvestigationEntry(const chv1::AddInvestigationEntryRequest& req) {
  RETURN_IF_ERROR(CheckNumber(req.number()));
  if (req.kind() == chv1::INVESTIGATION_KIND_UNSPECIFIED ||
      !chv1::InvestigationKind_IsValid(req.kind())) {
    return absl::InvalidArgumentError(
        "kind: required, one of site_visit, document_review, interview, evidence");
  }
  RETURN_IF_ERROR(CheckStaff("author_staff_id", req.author_staff_id()));
  RETURN_IF_ERROR(CheckBody("note", req.note(), kMaxNoteChars));
  return CheckAttachments(req.attachments());
}

absl::Status CheckAttachInspectionReport(const chv1::AttachInspectionReportRequest& req) {
  RETURN_IF_ERROR(CheckNumber(req.number()));
  RETURN_IF_ERROR(CheckStaff("inspector_staff_id", req.inspector_staff_id()));
  RETURN_IF_ERROR(CheckBody("cause", req.cause(), kMaxCauseChars));
  if (req.severity() == cv1::SEVERITY_UNSPECIFIED || !cv1::Severity_IsValid(req.severity())) {
    return absl::InvalidArgumentError("severity: required, one of low, medium, high, critical");
  }
  RETURN_IF_ERROR(CheckBody("findings", req.findings(), kMaxFindingsChars));
  RETURN_IF_ERROR(CheckBody("recommended_repair", req.recommended_repair(), kMaxRepairChars));
  return CheckAttachments(req.attachments());
}

absl::Status CheckLogCustomerContact(const chv1::LogCustomerContactRequest& req) {
  RETURN_IF_ERROR(CheckNumber(req.number()));
  RETURN_IF_ERROR(CheckStaff("staff_id", req.staff_id()));
  RETURN_IF_ERROR(CheckChannel("channel", req.channel()));
  return CheckBody("summary", req.summary(), kMaxSummaryChars);
}

absl::Status CheckProposeSolution(const chv1::ProposeSolutionRequest& req, absl::Time now) {
  RETURN_IF_ERROR(CheckNumber(req.number()));
  RETURN_IF_ERROR(CheckStaff("staff_id", req.staff_id()));
  RETURN_IF_ERROR(CheckBody("solution", req.solution(), kMaxSolutionChars));
  if (req.planned_actions_size() == 0 || req.planned_actions_size() > kMaxPlannedActions) {
    return absl::InvalidArgumentError("planned_actions: 1..20 actions");
  }
  for (int i = 0; i < req.planned_actions_size(); ++i) {
    // One line each: they are stored one per line.
    RETURN_IF_ERROR(validation::CheckText(
        absl::StrCat("planned_actions[", i, "]"), req.planned_actions(i),
        {.required = true, .max_chars = kMaxPlannedActionChars, .allow_newlines = false}));
  }
  RETURN_IF_ERROR(
      CheckTimestamp("planned_completion", req.has_planned_completion(), req.planned_completion()));
  if (time::FromProto(req.planned_completion()) <= now)
    return absl::InvalidArgumentError("planned_completion: must be in the future");
  return absl::OkStatus();
}

absl::Status CheckExtendSolutionDeadline(const chv1::ExtendSolutionDeadlineRequest& req) {
  RETURN_IF_ERROR(CheckNumber(req.number()));
  RETURN_IF_ERROR(CheckStaff("staff_id", req.staff_id()));
  RETURN_IF_ERROR(CheckBody("reason", req.reason(), kMaxReasonChars, 2));
  RETURN_IF_ERROR(CheckTimestamp("new_due", req.has_new_due(), req.new_due()));
  RETURN_IF_ERROR(CheckChannel("notice_channel", req.notice_channel()));
  return CheckBody("customer_notice", req.customer_notice(), kMaxSummaryChars);
}

absl::Status CheckRecordCustomerDecision(const chv1::RecordCustomerDecisionRequest& req) {
  RETURN_IF_ERROR(CheckNumber(req.number()));
  if (req.revision() < 0) return absl::InvalidArgumentError("revision: must not be negative");
  if (req.decision() == chv1::CUSTOMER_DECISION_UNSPECIFIED ||
      !chv1::CustomerDecision_IsValid(req.decision())) {
    return absl::InvalidArgumentError("decision: required, accepted or rejected");
  }
  // A rejection says why (the revision answers it); an acceptance may.
  const bool accepted = req.decision() == chv1::CUSTOMER_DECISION_ACCEPTED;
  RETURN_IF_ERROR(CheckBody("reason", req.reason(), kMaxReasonChars, 2, /*required=*/!accepted));
  return CheckStaff("recorded_by_staff_id", req.recorded_by_staff_id(), /*required=*/false);
}

absl::Status CheckRecordImplementationProgress(
    const chv1::RecordImplementationProgressRequest& req) {
  RETURN_IF_ERROR(CheckNumber(req.number()));
  RETURN_IF_ERROR(CheckStaff("staff_id", req.staff_id()));
  RETURN_IF_ERROR(CheckBody("note", req.note(), kMaxProgressNoteChars));
  if (req.plan_changed()) {
    RETURN_IF_ERROR(
        CheckBody("customer_explanation", req.customer_explanation(), kMaxSummaryChars));
    RETURN_IF_ERROR(CheckChannel("explanation_channel", req.explanation_channel()));
  } else if (!req.customer_explanation().empty() ||
             req.explanation_channel() != chv1::CONTACT_CHANNEL_UNSPECIFIED) {
    return absl::InvalidArgumentError("customer_explanation: only with plan_changed");
  }
  return absl::OkStatus();
}

absl::Status CheckResolveCase(const chv1::ResolveCaseRequest& req) {
  RETURN_IF_ERROR(CheckNumber(req.number()));
  RETURN_IF_ERROR(CheckStaff("staff_id", req.staff_id()));
  return CheckBody("result", req.result(), kMaxResultChars);
}

#undef RETURN_IF_ERROR

}  // namespace tousu::casehandling
