// Case-handling's request validation (services/case-handling/domain/request_checks.*): the
// fuzzer's bytes are parsed as each of CaseService's requests in turn (ParseFromArray, as the gRPC
// server does) and each parsed request goes through the check its RPC runs before the database.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - a rejected request is INVALID_ARGUMENT and its message starts with the path of one of the
//     request's fields ("attachments[2].sha256: ...");
//   - an accepted request has what the proto documents: a complaint number, staff ids of 1-32
//     id characters, known non-zero enums, valid UTF-8 text within each field's limit (at least
//     2 characters for reasons), at most 20 attachments with https:// or s3:// URIs, a
//     type/subtype media type and 64 lowercase hex digits of SHA-256, 1-20 one-line planned
//     actions, a planned completion after now, a rejection with a reason, a customer explanation
//     and its channel exactly when the plan changed; list page sizes 1..200 and page tokens that
//     are complaint numbers.

#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/case.pb.h"
#include "services/case-handling/domain/request_checks.h"
#include "tests/fuzz/request_fuzz.h"

namespace chv1 = complaints::casehandling::v1;
namespace cv1 = complaints::common::v1;
namespace ch = tousu::casehandling;
using tousu::fuzz::CheckRejection;
using tousu::fuzz::IsComplaintNumber;
using tousu::fuzz::IsId;
using tousu::fuzz::IsText;

namespace {

// A fixed "now", so a crash reproduces: 2026-11-15 10:00 Beijing time.
const absl::Time kNow = absl::FromUnixSeconds(1794708000);

bool IsStaff(const std::string& id) { return IsId(id, 32); }
bool IsBody(const std::string& s, size_t max, size_t min = 1) { return IsText(s, min, max, true); }

bool IsLowerHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void CheckAcceptedAttachments(const google::protobuf::RepeatedPtrField<chv1::Attachment>& list) {
  FUZZ_CHECK(list.size() <= 20, list.size());
  for (const auto& a : list) {
    FUZZ_CHECK(absl::StartsWith(a.uri(), "https://") || absl::StartsWith(a.uri(), "s3://"),
               a.uri());
    FUZZ_CHECK(a.uri().size() <= 2048 && a.uri().find(' ') == std::string::npos, "uri");
    const size_t slash = a.media_type().find('/');
    FUZZ_CHECK(slash != std::string::npos && slash > 0 && slash + 1 < a.media_type().size() &&
                   a.media_type().size() <= 127,
               a.media_type());
    FUZZ_CHECK(IsLowerHex64(a.sha256()), a.sha256());
  }
}

void CheckPlannedCompletion(const chv1::ProposeSolutionRequest& req) {
  FUZZ_CHECK(req.has_planned_completion() &&
                 tousu::time::IsValidTimestamp(req.planned_completion()) &&
                 tousu::time::FromProto(req.planned_completion()) > kNow,
             "planned_completion " << req.planned_completion().ShortDebugString());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields logs per parse
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int n = static_cast<int>(size);
  if (chv1::GetCaseRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckGetCase(req);
    if (!s.ok())
      CheckRejection(s, {"number"});
    else
      FUZZ_CHECK(IsComplaintNumber(req.number()), req.number());
  }
  if (chv1::ListCasesRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckListCases(req);
    if (!s.ok()) {
      CheckRejection(
          s, {"department_id", "owner_staff_id", "state", "page.page_size", "page.page_token"});
    } else {
      FUZZ_CHECK(req.department_id().empty() || IsId(req.department_id(), 64), "department");
      FUZZ_CHECK(req.owner_staff_id().empty() || IsStaff(req.owner_staff_id()), "owner");
      FUZZ_CHECK(chv1::CaseState_IsValid(req.state()), req.state());
      const int page = ch::ListPageSize(req);
      FUZZ_CHECK(page >= 1 && page <= 200, page);
      FUZZ_CHECK(req.page().page_token().empty() || IsComplaintNumber(req.page().page_token()),
                 "token");
    }
  }
  if (chv1::AddInvestigationEntryRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckAddInvestigationEntry(req);
    if (!s.ok()) {
      CheckRejection(s, {"number", "kind", "author_staff_id", "note", "attachments",
                         "attachments[].uri", "attachments[].media_type", "attachments[].sha256"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.author_staff_id()), "ids");
      FUZZ_CHECK(req.kind() != chv1::INVESTIGATION_KIND_UNSPECIFIED &&
                     chv1::InvestigationKind_IsValid(req.kind()),
                 req.kind());
      FUZZ_CHECK(IsBody(req.note(), 4000), "note");
      CheckAcceptedAttachments(req.attachments());
    }
  }
  if (chv1::AttachInspectionReportRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckAttachInspectionReport(req);
    if (!s.ok()) {
      CheckRejection(s, {"number", "inspector_staff_id", "cause", "severity", "findings",
                         "recommended_repair", "attachments", "attachments[].uri",
                         "attachments[].media_type", "attachments[].sha256"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.inspector_staff_id()), "ids");
      FUZZ_CHECK(
          req.severity() != cv1::SEVERITY_UNSPECIFIED && cv1::Severity_IsValid(req.severity()),
          req.severity());
      FUZZ_CHECK(IsBody(req.cause(), 2000) && IsBody(req.findings(), 4000) &&
                     IsBody(req.recommended_repair(), 2000),
                 "texts");
      CheckAcceptedAttachments(req.attachments());
    }
  }
  if (chv1::LogCustomerContactRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckLogCustomerContact(req);
    if (!s.ok()) {
      CheckRejection(s, {"number", "staff_id", "channel", "summary"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.staff_id()), "ids");
      FUZZ_CHECK(req.channel() != chv1::CONTACT_CHANNEL_UNSPECIFIED &&
                     chv1::ContactChannel_IsValid(req.channel()),
                 req.channel());
      FUZZ_CHECK(IsBody(req.summary(), 1000), "summary");
    }
  }
  if (chv1::ProposeSolutionRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckProposeSolution(req, kNow);
    if (!s.ok()) {
      CheckRejection(s, {"number", "staff_id", "solution", "planned_actions", "planned_actions[]",
                         "planned_completion"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.staff_id()), "ids");
      FUZZ_CHECK(IsBody(req.solution(), 4000), "solution");
      FUZZ_CHECK(req.planned_actions_size() >= 1 && req.planned_actions_size() <= 20,
                 req.planned_actions_size());
      for (const auto& a : req.planned_actions()) FUZZ_CHECK(IsText(a, 1, 500, false), "action");
      CheckPlannedCompletion(req);
    }
  }
  if (chv1::ExtendSolutionDeadlineRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckExtendSolutionDeadline(req);
    if (!s.ok()) {
      CheckRejection(
          s, {"number", "staff_id", "reason", "new_due", "notice_channel", "customer_notice"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.staff_id()), "ids");
      FUZZ_CHECK(IsBody(req.reason(), 1000, 2) && IsBody(req.customer_notice(), 1000), "texts");
      FUZZ_CHECK(req.has_new_due() && tousu::time::IsValidTimestamp(req.new_due()), "new_due");
      FUZZ_CHECK(req.notice_channel() != chv1::CONTACT_CHANNEL_UNSPECIFIED &&
                     chv1::ContactChannel_IsValid(req.notice_channel()),
                 "channel");
    }
  }
  if (chv1::RecordCustomerDecisionRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckRecordCustomerDecision(req);
    if (!s.ok()) {
      CheckRejection(s, {"number", "revision", "decision", "reason", "recorded_by_staff_id"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && req.revision() >= 0, "number, revision");
      FUZZ_CHECK(req.decision() == chv1::CUSTOMER_DECISION_ACCEPTED ||
                     req.decision() == chv1::CUSTOMER_DECISION_REJECTED,
                 req.decision());
      if (req.decision() == chv1::CUSTOMER_DECISION_REJECTED || !req.reason().empty()) {
        FUZZ_CHECK(IsBody(req.reason(), 1000, 2), "a rejection says why");
      }
      FUZZ_CHECK(req.recorded_by_staff_id().empty() || IsStaff(req.recorded_by_staff_id()),
                 "recorded_by");
    }
  }
  if (chv1::RecordImplementationProgressRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckRecordImplementationProgress(req);
    if (!s.ok()) {
      CheckRejection(s,
                     {"number", "staff_id", "note", "customer_explanation", "explanation_channel"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.staff_id()), "ids");
      FUZZ_CHECK(IsBody(req.note(), 2000), "note");
      if (req.plan_changed()) {
        FUZZ_CHECK(IsBody(req.customer_explanation(), 1000), "explanation");
        FUZZ_CHECK(req.explanation_channel() != chv1::CONTACT_CHANNEL_UNSPECIFIED &&
                       chv1::ContactChannel_IsValid(req.explanation_channel()),
                   "channel");
      } else {
        FUZZ_CHECK(req.customer_explanation().empty() &&
                       req.explanation_channel() == chv1::CONTACT_CHANNEL_UNSPECIFIED,
                   "an explanation without a plan change");
      }
    }
  }
  if (chv1::ResolveCaseRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = ch::CheckResolveCase(req);
    if (!s.ok()) {
      CheckRejection(s, {"number", "staff_id", "result"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.staff_id()), "ids");
      FUZZ_CHECK(IsBody(req.result(), 2000), "result");
    }
  }
  return 0;
}
