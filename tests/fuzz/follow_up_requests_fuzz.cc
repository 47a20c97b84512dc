// Follow-up's request validation (services/follow-up/domain/request_checks.*): the fuzzer's bytes
// are parsed as each of FollowUpService's requests in turn (ParseFromArray, as the gRPC server
// does) and each parsed request goes through the check its RPC runs before the staff directory or
// the database.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - a rejected request is INVALID_ARGUMENT and its message starts with the path of one of the
//     request's fields ("satisfaction: must be 1..5");
//   - an accepted request has what the proto documents: a complaint number, staff ids of 1-32 id
//     characters, a reassignment reason of 2-500 characters, summaries of 1-1000, comments and
//     suggestions of at most 1000, satisfaction 1..5, a known callback method, a non-negative
//     cycle, a questionnaire token of 43 base64url characters;
//   - ListDueTasks: page size 1..200; a task page token round-trips for the staff member and
//     kind it was issued for and is refused, naming page.page_token, for any other.

#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>

#include "complaints/followup/v1/followup.pb.h"
#include "services/follow-up/domain/request_checks.h"
#include "tests/fuzz/request_fuzz.h"

namespace fv1 = complaints::followup::v1;
namespace fu = tousu::followup;
using tousu::fuzz::CheckRejection;
using tousu::fuzz::IsComplaintNumber;
using tousu::fuzz::IsId;
using tousu::fuzz::IsText;

namespace {

bool IsStaff(const std::string& id) { return IsId(id, 32); }
bool IsFeedback(const std::string& s) { return s.empty() || IsText(s, 1, 1000, true); }

bool IsToken(const std::string& t) {
  if (t.size() != 43) return false;
  for (char c : t) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

void CheckTaskPaging(const fv1::ListDueTasksRequest& req,
                     const std::optional<fu::TaskCursor>& after) {
  const int size = fu::ListPageSize(req);
  FUZZ_CHECK(size >= 1 && size <= 200, size);
  FUZZ_CHECK(after.has_value() == !req.page().page_token().empty(), "cursor without a token");
  if (after) FUZZ_CHECK(IsComplaintNumber(after->number), after->number);
  // A token issued for this request's filters continues where it says, and only for them.
  const fu::TaskCursor cursor = after ? *after
                                      : fu::TaskCursor{.due = absl::FromUnixSeconds(1794708000),
                                                       .kind = 1,
                                                       .number = "TS-202611-000001"};
  const std::string token = fu::EncodeTaskToken(cursor, req.staff_id(), req.kind());
  const auto back = fu::DecodeTaskToken(token, req.staff_id(), req.kind());
  // A cursor decoded from fuzzed bytes may hold a due time beyond absl's micros range: compare
  // what the token carries (its micros), as the repository does.
  FUZZ_CHECK(back.ok(), "page token round trip: " << back.status());
  FUZZ_CHECK(absl::ToUnixMicros(back->due) == absl::ToUnixMicros(cursor.due) &&
                 back->kind == cursor.kind && back->number == cursor.number,
             "page token round trip changed the cursor");
  const auto other_staff = fu::DecodeTaskToken(token, req.staff_id() + "X", req.kind());
  FUZZ_CHECK(!other_staff.ok(), "a token for another staff member was accepted");
  CheckRejection(other_staff.status(), {"page.page_token"});
  const auto other_kind = fu::DecodeTaskToken(token, req.staff_id(), req.kind() + 1);
  FUZZ_CHECK(!other_kind.ok(), "a token for another kind was accepted");
  CheckRejection(other_kind.status(), {"page.page_token"});
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields logs per parse
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int n = static_cast<int>(size);
  if (fv1::GetFollowUpRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = fu::CheckGetFollowUp(req);
    if (!s.ok())
      CheckRejection(s, {"number"});
    else
      FUZZ_CHECK(IsComplaintNumber(req.number()), req.number());
  }
  if (fv1::ReassignTrackerRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = fu::CheckReassignTracker(req);
    if (!s.ok()) {
      CheckRejection(s, {"number", "tracker_staff_id", "reason"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.tracker_staff_id()), "ids");
      FUZZ_CHECK(IsText(req.reason(), 2, 500, true), "reason");
    }
  }
  if (fv1::RecordProgressUpdateRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = fu::CheckRecordProgressUpdate(req);
    if (!s.ok()) {
      CheckRejection(s, {"number", "tracker_staff_id", "summary"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.tracker_staff_id()), "ids");
      FUZZ_CHECK(IsText(req.summary(), 1, 1000, true), "summary");
    }
  }
  if (fv1::RecordCallbackRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = fu::CheckRecordCallback(req);
    if (!s.ok()) {
      CheckRejection(s, {"number", "cycle", "callback_agent_staff_id", "method", "satisfaction",
                         "comments", "suggestions"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.callback_agent_staff_id()), "ids");
      FUZZ_CHECK(req.cycle() >= 0, req.cycle());
      FUZZ_CHECK(req.method() != fv1::CALLBACK_METHOD_UNSPECIFIED &&
                     fv1::CallbackMethod_IsValid(req.method()),
                 req.method());
      FUZZ_CHECK(req.satisfaction() >= 1 && req.satisfaction() <= 5, req.satisfaction());
      FUZZ_CHECK(IsFeedback(req.comments()) && IsFeedback(req.suggestions()), "feedback");
    }
  }
  if (fv1::IssueQuestionnaireLinkRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = fu::CheckIssueQuestionnaireLink(req);
    if (!s.ok())
      CheckRejection(s, {"number", "issued_by_staff_id"});
    else
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.issued_by_staff_id()), "ids");
  }
  if (fv1::SubmitQuestionnaireRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = fu::CheckSubmitQuestionnaire(req);
    if (!s.ok()) {
      CheckRejection(s, {"token", "number", "satisfaction", "comments", "suggestions"});
    } else {
      // Exactly one of the link's token and (for a signed-in customer) the complaint's number.
      FUZZ_CHECK(req.number().empty() ? IsToken(req.token())
                                      : req.token().empty() && IsComplaintNumber(req.number()),
                 "token or number");
      FUZZ_CHECK(req.satisfaction() >= 1 && req.satisfaction() <= 5, req.satisfaction());
      FUZZ_CHECK(IsFeedback(req.comments()) && IsFeedback(req.suggestions()), "feedback");
    }
  }
  if (fv1::ListDueTasksRequest req; req.ParseFromArray(data, n)) {
    const auto after = fu::CheckListDueTasks(req);
    if (!after.ok()) {
      CheckRejection(after.status(), {"staff_id", "kind", "page.page_size", "page.page_token"});
    } else {
      FUZZ_CHECK(IsStaff(req.staff_id()) && fv1::TaskKind_IsValid(req.kind()), "filters");
      CheckTaskPaging(req, *after);
    }
  }
  return 0;
}
