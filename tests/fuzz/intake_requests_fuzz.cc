// Intake's request validation (services/intake/domain: submission, listing, complaint_number):
// the fuzzer's bytes are parsed as each of intake's requests in turn (ParseFromArray, as the gRPC
// server does) and each parsed request goes through the check its RPC runs first.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - a rejected request is INVALID_ARGUMENT and its message starts with the path of one of the
//     request's fields ("complaint.customer_phone: ..."), which FieldOf recovers;
//   - an accepted SubmitComplaint has what §4.2 requires: a request id of 1-64 allowed
//     characters, known stage, severity and channel, a staff id on hotline and walk-in, valid
//     UTF-8 text within each field's limit, a description of at least 5 characters and an
//     occurred_at no later than now + 5 min and no earlier than ten years back;
//   - an accepted ListComplaints has a page size of 1..200, and the page token issued for its
//     filters is accepted with them (continuing below its id) and refused, naming
//     page.page_token, for other filters;
//   - an accepted complaint number has a month 01-12 and a non-zero counter.

#include <google/protobuf/stubs/logging.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/validation/text.h"
#include "complaints/intake/v1/intake.pb.h"
#include "services/intake/domain/complaint_number.h"
#include "services/intake/domain/listing.h"
#include "services/intake/domain/submission.h"
#include "tests/fuzz/fuzz_check.h"

namespace iv1 = complaints::intake::v1;
namespace cv1 = complaints::common::v1;
using tousu::fuzz::NamesAField;

namespace {

constexpr std::array<std::string_view, 15> kSubmitFields = {"request_id",
                                                            "complaint.customer_name",
                                                            "complaint.customer_phone",
                                                            "complaint.customer_email",
                                                            "complaint.project",
                                                            "complaint.journey_stage",
                                                            "complaint.building",
                                                            "complaint.unit",
                                                            "complaint.description",
                                                            "complaint.occurred_at",
                                                            "complaint.severity",
                                                            "complaint.expected_resolution",
                                                            "complaint.channel",
                                                            "complaint.recorded_by_staff_id",
                                                            "complaint.staff_category"};
constexpr std::array<std::string_view, 8> kListFields = {
    "customer_phone", "project",     "status",         "channel",
    "received_from",  "received_to", "page.page_size", "page.page_token"};

// A fixed "now", so a crash reproduces: 2026-11-15 10:00 Beijing time.
const absl::Time kNow = absl::FromUnixSeconds(1794708000);

size_t Chars(const std::string& s) { return tousu::validation::Utf8Length(s).value_or(0); }

void CheckSubmit(const iv1::SubmitComplaintRequest& req) {
  const absl::Status s = tousu::intake::ValidateSubmission(req, kNow);
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, s);
    FUZZ_CHECK(NamesAField(s, kSubmitFields), "message names no field: " << s);
    const std::string field = tousu::intake::FieldOf(s);
    FUZZ_CHECK(std::find(kSubmitFields.begin(), kSubmitFields.end(), field) != kSubmitFields.end(),
               "FieldOf gave '" << field << "' for " << s);
    return;
  }
  FUZZ_CHECK(!req.request_id().empty() && req.request_id().size() <= 64, "request_id");
  const iv1::ComplaintInput& c = req.complaint();
  FUZZ_CHECK(cv1::JourneyStage_IsValid(c.journey_stage()) && c.journey_stage() != 0, "stage");
  FUZZ_CHECK(cv1::Severity_IsValid(c.severity()) && c.severity() != 0, "severity");
  FUZZ_CHECK(cv1::Channel_IsValid(c.channel()) && c.channel() != 0, "channel");
  FUZZ_CHECK(cv1::Category_IsValid(c.staff_category()), "staff_category");
  if (c.channel() == cv1::CHANNEL_HOTLINE || c.channel() == cv1::CHANNEL_WALK_IN) {
    FUZZ_CHECK(!c.recorded_by_staff_id().empty(), "hotline/walk-in without a staff id");
  }
  FUZZ_CHECK(Chars(c.customer_name()) >= 1 && Chars(c.customer_name()) <= 50, "customer_name");
  FUZZ_CHECK(Chars(c.project()) >= 1 && Chars(c.project()) <= 100, "project");
  FUZZ_CHECK(Chars(c.building()) <= 50 && Chars(c.unit()) <= 50, "building/unit");
  FUZZ_CHECK(Chars(c.description()) >= 5 && Chars(c.description()) <= 2000, "description");
  FUZZ_CHECK(Chars(c.expected_resolution()) >= 1 && Chars(c.expected_resolution()) <= 1000,
             "expected_resolution");
  for (const std::string* text : {&c.customer_name(), &c.project(), &c.building(), &c.unit(),
                                  &c.description(), &c.expected_resolution()}) {
    FUZZ_CHECK(tousu::validation::Utf8Length(*text).has_value(), "invalid UTF-8 accepted");
  }
  FUZZ_CHECK(c.has_occurred_at(), "occurred_at");
  const absl::Time t =
      absl::FromUnixSeconds(c.occurred_at().seconds()) + absl::Nanoseconds(c.occurred_at().nanos());
  FUZZ_CHECK(t <= kNow + absl::Minutes(5) && t >= kNow - absl::Hours(24 * 3653),
             "occurred_at " << absl::FormatTime(t));
}

void CheckList(const iv1::ListComplaintsRequest& req) {
  const absl::StatusOr<tousu::intake::ListQuery> q = tousu::intake::ParseListRequest(req);
  if (!q.ok()) {
    FUZZ_CHECK(q.status().code() == absl::StatusCode::kInvalidArgument, q.status());
    FUZZ_CHECK(NamesAField(q.status(), kListFields), "message names no field: " << q.status());
    return;
  }
  FUZZ_CHECK(q->page_size >= 1 && q->page_size <= 200, q->page_size);
  FUZZ_CHECK(!q->filter_fingerprint.empty(), "fingerprint");
  // The next page's token works with the same filters ...
  const uint64_t last = q->before_id.value_or(1000) > 1 ? q->before_id.value_or(1000) - 1 : 1;
  iv1::ListComplaintsRequest next = req;
  next.mutable_page()->set_page_token(tousu::intake::EncodePageToken(last, q->filter_fingerprint));
  const absl::StatusOr<tousu::intake::ListQuery> q2 = tousu::intake::ParseListRequest(next);
  FUZZ_CHECK(q2.ok(), q2.status());
  FUZZ_CHECK(q2->before_id == last && q2->filter_fingerprint == q->filter_fingerprint,
             "page token round trip");
  // ... and not with others.
  iv1::ListComplaintsRequest other = next;
  other.set_status(req.status() == iv1::ComplaintStatus(1) ? iv1::ComplaintStatus(2)
                                                           : iv1::ComplaintStatus(1));
  const absl::StatusOr<tousu::intake::ListQuery> q3 = tousu::intake::ParseListRequest(other);
  FUZZ_CHECK(
      !q3.ok() && NamesAField(q3.status(), std::array<std::string_view, 1>{"page.page_token"}),
      "a token for other filters was accepted");
}

void CheckGet(const iv1::GetComplaintRequest& req) {
  const absl::Status s = tousu::intake::CheckNumber("number", req.number());
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, s);
    FUZZ_CHECK(NamesAField(s, std::array<std::string_view, 1>{"number"}), s);
    return;
  }
  const std::string& n = req.number();
  FUZZ_CHECK(tousu::validation::CheckComplaintNumber("number", n).ok(), n);
  const int month = (n[7] - '0') * 10 + (n[8] - '0');
  FUZZ_CHECK(month >= 1 && month <= 12, n);
  FUZZ_CHECK(n.find_first_not_of('0', 10) != std::string::npos, n);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Parse failures of string fields with invalid UTF-8 log an error each: too slow and noisy.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int n = static_cast<int>(size);
  if (iv1::SubmitComplaintRequest req; req.ParseFromArray(data, n)) CheckSubmit(req);
  if (iv1::ListComplaintsRequest req; req.ParseFromArray(data, n)) CheckList(req);
  if (iv1::GetComplaintRequest req; req.ParseFromArray(data, n)) CheckGet(req);
  return 0;
}
