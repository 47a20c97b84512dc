// Routing's request validation (services/routing/domain/request_checks.*): the fuzzer's bytes are
// parsed as each of RoutingService's requests in turn (ParseFromArray, as the gRPC server does)
// and each parsed request goes through the check its RPC runs before the staff directory or the
// database.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - a rejected request is INVALID_ARGUMENT and its message starts with the path of one of the
//     request's fields ("assisting_department_ids: ...");
//   - an accepted request has what the proto documents: a complaint number, department ids of
//     1-64 and staff ids of 1-32 id characters, a known category, valid UTF-8 text within its
//     limit (a rejection reason of 2-500 characters, classifier text of 1-2000, a one-line rule
//     project of at most 100), a reroute target other than the rejecting department, at most 4
//     distinct assisting departments none of them the lead; page sizes 1..200 and page tokens
//     that are complaint numbers.

#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <set>

#include "complaints/routing/v1/routing.pb.h"
#include "services/routing/domain/request_checks.h"
#include "tests/fuzz/request_fuzz.h"

namespace rv1 = complaints::routing::v1;
namespace cv1 = complaints::common::v1;
namespace rt = tousu::routing;
using tousu::fuzz::CheckRejection;
using tousu::fuzz::IsComplaintNumber;
using tousu::fuzz::IsId;
using tousu::fuzz::IsText;

namespace {

bool IsDepartment(const std::string& id) { return IsId(id, 64); }
bool IsStaff(const std::string& id) { return IsId(id, 32); }

void CheckAcceptedPage(const cv1::PageRequest& page) {
  const int size = rt::PageSize(page);
  FUZZ_CHECK(size >= 1 && size <= 200, size);
  FUZZ_CHECK(page.page_size() >= 0 && page.page_size() <= 200, page.page_size());
  FUZZ_CHECK(page.page_token().empty() || IsComplaintNumber(page.page_token()), "token");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields logs per parse
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int n = static_cast<int>(size);
  if (rv1::ClassifyComplaintRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = rt::CheckClassifyComplaint(req);
    if (!s.ok())
      CheckRejection(s, {"text"});
    else
      FUZZ_CHECK(IsText(req.text(), 1, 2000, true), "text");
  }
  if (rv1::UpsertRoutingRuleRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = rt::CheckUpsertRoutingRule(req);
    if (!s.ok()) {
      CheckRejection(s, {"rule.category", "rule.project", "rule.department_id"});
    } else {
      const auto& rule = req.rule();
      FUZZ_CHECK(
          rule.category() != cv1::CATEGORY_UNSPECIFIED && cv1::Category_IsValid(rule.category()),
          rule.category());
      FUZZ_CHECK(rule.project().empty() || IsText(rule.project(), 1, 100, false), "project");
      FUZZ_CHECK(IsDepartment(rule.department_id()), rule.department_id());
    }
  }
  if (rv1::GetAssignmentRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = rt::CheckGetAssignment(req);
    if (!s.ok())
      CheckRejection(s, {"number"});
    else
      FUZZ_CHECK(IsComplaintNumber(req.number()), req.number());
  }
  if (rv1::ListDepartmentQueueRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = rt::CheckListDepartmentQueue(req);
    if (!s.ok()) {
      CheckRejection(s, {"department_id", "page.page_size", "page.page_token"});
    } else {
      FUZZ_CHECK(IsDepartment(req.department_id()), req.department_id());
      CheckAcceptedPage(req.page());
    }
  }
  if (rv1::ListSupervisorQueueRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = rt::CheckListSupervisorQueue(req);
    if (!s.ok())
      CheckRejection(s, {"page.page_size", "page.page_token"});
    else
      CheckAcceptedPage(req.page());
  }
  if (rv1::AcknowledgeAssignmentRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = rt::CheckAcknowledgeAssignment(req);
    if (!s.ok()) {
      CheckRejection(s, {"number", "department_id", "owner_staff_id"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsDepartment(req.department_id()) &&
                     IsStaff(req.owner_staff_id()),
                 req.ShortDebugString());
    }
  }
  if (rv1::RejectAssignmentRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = rt::CheckRejectAssignment(req);
    if (!s.ok()) {
      CheckRejection(s,
                     {"number", "department_id", "staff_id", "reason", "reroute_to_department_id"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsDepartment(req.department_id()) &&
                     IsStaff(req.staff_id()),
                 "ids");
      FUZZ_CHECK(IsText(req.reason(), 2, 500, true), "reason");
      FUZZ_CHECK(req.reroute_to_department_id().empty() ||
                     (IsDepartment(req.reroute_to_department_id()) &&
                      req.reroute_to_department_id() != req.department_id()),
                 "reroute");
    }
  }
  if (rv1::AssignBySupervisorRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = rt::CheckAssignBySupervisor(req);
    if (!s.ok()) {
      CheckRejection(
          s, {"number", "supervisor_staff_id", "lead_department_id", "assisting_department_ids"});
    } else {
      FUZZ_CHECK(IsComplaintNumber(req.number()) && IsStaff(req.supervisor_staff_id()) &&
                     IsDepartment(req.lead_department_id()),
                 "ids");
      FUZZ_CHECK(req.assisting_department_ids_size() <= 4, "assisting");
      std::set<std::string> seen;
      for (const auto& d : req.assisting_department_ids()) {
        FUZZ_CHECK(IsDepartment(d) && d != req.lead_department_id(), d);
        FUZZ_CHECK(seen.insert(d).second, "listed twice: " << d);
      }
    }
  }
  return 0;
}
