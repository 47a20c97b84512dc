// The staff directory's request validation (services/staff-assessment/domain/directory.*): the
// fuzzer's bytes are parsed as each of StaffService's requests in turn (ParseFromArray, as the
// gRPC server does) and each parsed request goes through the checks its RPC runs before touching
// the database, in the same order.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - a rejected request is INVALID_ARGUMENT and its message starts with the path of one of the
//     request's fields ("staff.phone: ...");
//   - an accepted department or staff member has ids of the documented shape, a name of 1-50
//     valid UTF-8 characters and known enum values;
//   - upserting an accepted record creates it, and upserting the same record again is a no-op
//     that keeps the stored record and its timestamps (retries are idempotent);
//   - page sizes are 1..200; a page token round-trips for the filters it was issued for and is
//     refused, naming page.page_token, for other filters.

#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/validation/text.h"
#include "complaints/staff/v1/staff.pb.h"
#include "services/staff-assessment/domain/directory.h"
#include "tests/fuzz/fuzz_check.h"

namespace v1 = complaints::staff::v1;
namespace st = tousu::staff;
using google::protobuf::util::MessageDifferencer;
using tousu::fuzz::NamesAField;

namespace {

const absl::Time kNow = absl::FromUnixSeconds(1794708000);
const absl::Time kLater = kNow + absl::Hours(1);

void CheckRejection(const absl::Status& s, std::initializer_list<std::string_view> fields) {
  FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, s);
  FUZZ_CHECK(NamesAField(s, fields), "message names no field: " << s);
}

bool IsDepartmentId(const std::string& id) {
  if (id.empty() || id.size() > 32 || !(id[0] >= 'a' && id[0] <= 'z') || id.back() == '-') {
    return false;
  }
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsStaffId(const std::string& id) {
  if (id.empty() || id.size() > 32 || id[0] == '-' || id.back() == '-') return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsName(const std::string& name) {
  const std::optional<size_t> n = tousu::validation::Utf8Length(name);
  return n.has_value() && *n >= 1 && *n <= 50;
}

template <typename Record>
void CheckUpsertIdempotent(const Record& incoming) {
  const st::Upsert<Record> created = st::DecideUpsert(std::nullopt, incoming, kNow);
  FUZZ_CHECK(created.outcome == v1::UPSERT_OUTCOME_CREATED && created.writes(), "create");
  const st::Upsert<Record> retried = st::DecideUpsert(created.record, incoming, kLater);
  FUZZ_CHECK(retried.outcome == v1::UPSERT_OUTCOME_UNCHANGED && !retried.writes(),
             "a retry of the same upsert changed the record");
  FUZZ_CHECK(MessageDifferencer::Equals(retried.record, created.record), "retry record");
}

template <typename Request>
void CheckPaging(const Request& req) {
  const absl::StatusOr<int> size = st::PageSize(req.page());
  if (!size.ok()) {
    CheckRejection(size.status(), {"page.page_size"});
    return;
  }
  FUZZ_CHECK(*size >= 1 && *size <= 200, *size);
  const std::string key = st::FilterKey(req);
  const absl::StatusOr<std::string> after = st::DecodePageToken(req.page().page_token(), key);
  if (!after.ok()) {
    CheckRejection(after.status(), {"page.page_token"});
  } else if (req.page().page_token().empty()) {
    FUZZ_CHECK(after->empty(), "an empty token must mean the first page");
  }
  const std::string last = after.ok() && !after->empty() ? *after : "S0042";
  const std::string token = st::EncodePageToken(key, last);
  const absl::StatusOr<std::string> back = st::DecodePageToken(token, key);
  FUZZ_CHECK(back.ok() && *back == last, "page token round trip: " << back.status());
  const absl::StatusOr<std::string> other = st::DecodePageToken(token, key + "x");
  FUZZ_CHECK(!other.ok(), "a token for other filters was accepted");
  CheckRejection(other.status(), {"page.page_token"});
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields logs per parse
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int n = static_cast<int>(size);
  if (v1::UpsertDepartmentRequest req; req.ParseFromArray(data, n)) {
    const v1::Department& d = req.department();
    if (const absl::Status s = st::ValidateDepartment(d); !s.ok()) {
      CheckRejection(s, {"department.id", "department.name", "department.kind",
                         "department.supervisor_staff_id"});
    } else {
      FUZZ_CHECK(IsDepartmentId(d.id()) && IsName(d.name()), "department " << d.ShortDebugString());
      FUZZ_CHECK(d.kind() != 0 && !st::KindName(d.kind()).empty(), "kind");
      FUZZ_CHECK(d.supervisor_staff_id().empty() || IsStaffId(d.supervisor_staff_id()),
                 "supervisor");
      CheckUpsertIdempotent(st::CallerFields(d));
    }
  }
  if (v1::UpsertStaffRequest req; req.ParseFromArray(data, n)) {
    const v1::Staff& s = req.staff();
    if (const absl::Status status = st::ValidateStaff(s); !status.ok()) {
      CheckRejection(status, {"staff.id", "staff.name", "staff.phone", "staff.email", "staff.role",
                              "staff.department_id"});
    } else {
      FUZZ_CHECK(IsStaffId(s.id()) && IsName(s.name()) && IsDepartmentId(s.department_id()),
                 "staff " << s.ShortDebugString());
      FUZZ_CHECK(s.role() != 0 && !st::RoleName(s.role()).empty(), "role");
      CheckUpsertIdempotent(st::CallerFields(s));
    }
  }
  if (v1::GetDepartmentRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = st::CheckDepartmentId("department_id", req.department_id());
    if (!s.ok()) {
      CheckRejection(s, {"department_id"});
    } else {
      FUZZ_CHECK(IsDepartmentId(req.department_id()), req.department_id());
    }
  }
  if (v1::GetStaffRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = st::CheckStaffId("staff_id", req.staff_id());
    if (!s.ok()) {
      CheckRejection(s, {"staff_id"});
    } else {
      FUZZ_CHECK(IsStaffId(req.staff_id()), req.staff_id());
    }
  }
  if (v1::ListDepartmentsRequest req; req.ParseFromArray(data, n)) {
    if (const absl::Status s = st::ValidateListDepartments(req); !s.ok()) {
      CheckRejection(s, {"kind"});
    } else {
      CheckPaging(req);
    }
  }
  if (v1::ListStaffRequest req; req.ParseFromArray(data, n)) {
    if (const absl::Status s = st::ValidateListStaff(req); !s.ok()) {
      CheckRejection(s, {"department_id", "role"});
    } else {
      CheckPaging(req);
    }
  }
  return 0;
}
