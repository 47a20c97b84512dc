#include "services/follow-up/domain/request_checks.h"

#include <cstdint>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/return_if_error.h"
#include "common/validation/text.h"
#include "services/follow-up/domain/policy.h"
#include "services/follow-up/domain/questionnaire_token.h"

namespace tousu::followup {

namespace {

absl::Status CheckStaff(std::string_view field, const std::string& id) {
  return validation::CheckIdentifier(field, id, kMaxStaffIdLength);
}

absl::Status CheckSatisfaction(const char* field, int value) {
  if (value < kMinSatisfaction || value > kMaxSatisfaction) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be 1..5"));
  }
  return absl::OkStatus();
}

absl::Status CheckFeedback(const std::string& comments, const std::string& suggestions) {
  const validation::TextRule rule{
      .required = false, .max_chars = kMaxFeedbackChars, .allow_newlines = true};
  RETURN_IF_ERROR(validation::CheckText("comments", comments, rule));
  return validation::CheckText("suggestions", suggestions, rule);
}

}  // namespace

absl::Status CheckGetFollowUp(const fv1::GetFollowUpRequest& req) {
  return validation::CheckComplaintNumber("number", req.number());
}

absl::Status CheckReassignTracker(const fv1::ReassignTrackerRequest& req) {
  RETURN_IF_ERROR(validation::CheckComplaintNumber("number", req.number()));
  RETURN_IF_ERROR(CheckStaff("tracker_staff_id", req.tracker_staff_id()));
  RETURN_IF_ERROR(validation::CheckText(
      "reason", req.reason(),
      {.required = true, .max_chars = kMaxReassignReasonChars, .allow_newlines = true}));
  if (validation::Utf8Length(req.reason()).value_or(0) < kMinReassignReasonChars) {
    return absl::InvalidArgumentError("reason: must be at least 2 characters");
  }
  return absl::OkStatus();
}

absl::Status CheckRecordProgressUpdate(const fv1::RecordProgressUpdateRequest& req) {
  RETURN_IF_ERROR(validation::CheckComplaintNumber("number", req.number()));
  RETURN_IF_ERROR(CheckStaff("tracker_staff_id", req.tracker_staff_id()));
  return validation::CheckText(
      "summary", req.summary(),
      {.required = true, .max_chars = kMaxFeedbackChars, .allow_newlines = true});
}

absl::Status CheckRecordCallback(const fv1::RecordCallbackRequest& req) {
  RETURN_IF_ERROR(validation::CheckComplaintNumber("number", req.number()));
  if (req.cycle() < 0)
    return absl::InvalidArgumentError("cycle: must be 0 (the one due) or a cycle number");
  RETURN_IF_ERROR(CheckStaff("callback_agent_staff_id", req.callback_agent_staff_id()));
  if (req.method() == fv1::CALLBACK_METHOD_UNSPECIFIED ||
      !fv1::CallbackMethod_IsValid(req.method())) {
    return absl::InvalidArgumentError("method: required, one of phone, visit, questionnaire");
  }
  RETURN_IF_ERROR(CheckSatisfaction("satisfaction", req.satisfaction()));
  return CheckFeedback(req.comments(), req.suggestions());
}

absl::Status CheckIssueQuestionnaireLink(const fv1::IssueQuestionnaireLinkRequest& req) {
  RETURN_IF_ERROR(validation::CheckComplaintNumber("number", req.number()));
  return CheckStaff("issued_by_staff_id", req.issued_by_staff_id());
}

absl::Status CheckSubmitQuestionnaire(const fv1::SubmitQuestionnaireRequest& req) {
  if (!req.number().empty()) {
    // A signed-in customer answering in the app, by their complaint's number.
    if (!req.token().empty()) {
      return absl::InvalidArgumentError("token: send either token or number, not both");
    }
    RETURN_IF_ERROR(validation::CheckComplaintNumber("number", req.number()));
  } else if (!IsWellFormedQuestionnaireToken(req.token())) {
    return absl::InvalidArgumentError("token: malformed; pass the token from the link as it is");
  }
  RETURN_IF_ERROR(CheckSatisfaction("satisfaction", req.satisfaction()));
  return CheckFeedback(req.comments(), req.suggestions());
}

absl::StatusOr<std::optional<TaskCursor>> CheckListDueTasks(const fv1::ListDueTasksRequest& req) {
  RETURN_IF_ERROR(CheckStaff("staff_id", req.staff_id()));
  if (!fv1::TaskKind_IsValid(req.kind()))
    return absl::InvalidArgumentError("kind: unknown task kind");
  const auto& page = req.page();
  if (page.page_size() < 0 || page.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError("page.page_size: must be 0..200");
  }
  if (page.page_token().empty()) return std::optional<TaskCursor>();
  auto cursor = DecodeTaskToken(page.page_token(), req.staff_id(), req.kind());
  if (!cursor.ok()) return cursor.status();
  return std::optional<TaskCursor>(*std::move(cursor));
}

int ListPageSize(const fv1::ListDueTasksRequest& req) {
  return req.page().page_size() == 0 ? kDefaultPageSize : req.page().page_size();
}

std::string EncodeTaskToken(const TaskCursor& c, const std::string& staff, int kind_filter) {
  return absl::WebSafeBase64Escape(absl::StrCat(absl::ToUnixMicros(c.due), "|", c.kind, "|",
                                                c.number, "|", staff, "|", kind_filter));
}

absl::StatusOr<TaskCursor> DecodeTaskToken(const std::string& token, const std::string& staff,
                                           int kind_filter) {
  std::string raw;
  const auto malformed =
      absl::InvalidArgumentError("page.page_token: malformed; pass back next_page_token as given");
  if (token.size() > kMaxTaskTokenLength || !absl::WebSafeBase64Unescape(token, &raw))
    return malformed;
  std::vector<std::string> parts = absl::StrSplit(raw, '|');
  int64_t micros = 0;
  TaskCursor c;
  int filter = 0;
  if (parts.size() != 5 || !absl::SimpleAtoi(parts[0], &micros) ||
      !absl::SimpleAtoi(parts[1], &c.kind) || !absl::SimpleAtoi(parts[4], &filter) ||
      !validation::CheckComplaintNumber("n", parts[2]).ok()) {
    return malformed;
  }
  if (parts[3] != staff || filter != kind_filter) {
    return absl::InvalidArgumentError(
        "page.page_token: was issued for other filters; start again without it");
  }
  c.due = absl::FromUnixMicros(micros);
  c.number = parts[2];
  return c;
}

#undef RETURN_IF_ERROR

}  // namespace tousu::followup
