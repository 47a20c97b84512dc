#pragma once
// The staff directory's rules, pure: what a valid department and staff member look like, what an
// upsert does to a stored record, who may supervise a department, and how list pages are keyed.
// No database, no gRPC server, no clock of its own (callers pass `now`).
//
// The API messages are the model: a department or staff member here is exactly what the API and
// the events carry, so there is no second copy of the fields to keep in step.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/proto_time.h"
#include "complaints/common/v1/types.pb.h"
#include "complaints/staff/v1/staff.pb.h"

namespace tousu::staff {

namespace v1 = ::complaints::staff::v1;

inline constexpr size_t kMaxIdLength = 32;
inline constexpr size_t kMaxNameChars = 50;
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;

// --- Identifiers ---------------------------------------------------------------------------------

// Department ids are slugs: 1-32 of [a-z0-9-], first a letter, last not '-'.
absl::Status CheckDepartmentId(std::string_view field, std::string_view id);
// Staff ids: 1-32 of [A-Z0-9-], first a letter or digit, last not '-'. Upper case only, so two
// spellings of one id cannot become two people.
absl::Status CheckStaffId(std::string_view field, std::string_view id);

// --- Records -------------------------------------------------------------------------------------

// The first invalid field, as INVALID_ARGUMENT "department.<field>: ...". Timestamps are output
// only and not checked.
absl::Status ValidateDepartment(const v1::Department& department);
// The first invalid field, as INVALID_ARGUMENT "staff.<field>: ...".
absl::Status ValidateStaff(const v1::Staff& staff);

// A copy holding only the caller-settable fields (no timestamps, no unknown fields), so that
// comparing with the stored record sees only what the caller can change.
v1::Department CallerFields(const v1::Department& department);
v1::Staff CallerFields(const v1::Staff& staff);

template <typename Record>
struct Upsert {
  Record record;  // what to store and answer with, timestamps set
  v1::UpsertOutcome outcome = v1::UPSERT_OUTCOME_UNSPECIFIED;  // CREATED, UPDATED or UNCHANGED
  bool writes() const { return outcome != v1::UPSERT_OUTCOME_UNCHANGED; }
};

// What an upsert of `incoming` (validated) does given the `stored` record, at `now`: a new id is
// created with both timestamps `now`; a changed record keeps created_at and gets updated_at `now`;
// an identical one (a retry) is left alone, timestamps and all, so upserts are idempotent.
Upsert<v1::Department> DecideUpsert(const std::optional<v1::Department>& stored,
                                    const v1::Department& incoming, absl::Time now);
Upsert<v1::Staff> DecideUpsert(const std::optional<v1::Staff>& stored, const v1::Staff& incoming,
                               absl::Time now);

// --- Who may supervise ---------------------------------------------------------------------------

// A department's supervisor must be an existing, active staff member with the supervisor role.
// FAILED_PRECONDITION naming department.supervisor_staff_id otherwise. `supervisor` is the stored
// record of `supervisor_id` (nullopt: none).
absl::Status CheckSupervisor(std::string_view supervisor_id,
                             const std::optional<v1::Staff>& supervisor);
// A staff member's department must exist (it may be inactive). FAILED_PRECONDITION naming
// staff.department_id otherwise. `department` is the stored record (nullopt: none).
absl::Status CheckStaffDepartment(const v1::Staff& incoming,
                                  const std::optional<v1::Department>& department);
// A staff member named as the supervisor of `supervised_departments` must stay an active
// supervisor until those departments name someone else. FAILED_PRECONDITION naming staff.active
// or staff.role otherwise.
absl::Status CheckKeepsSupervision(const v1::Staff& incoming,
                                   const std::vector<std::string>& supervised_departments);

// --- Enum names as stored ------------------------------------------------------------------------

// Storage spelling of the enums ("ENGINEERING_QUALITY", "HANDLER"): fixed here rather than
// derived from the proto names, so renaming a proto constant never changes stored data.
// UNSPECIFIED and unknown values have no name ("").
std::string_view KindName(v1::DepartmentKind kind);
std::optional<v1::DepartmentKind> KindFromName(std::string_view name);
std::string_view RoleName(v1::StaffRole role);
std::optional<v1::StaffRole> RoleFromName(std::string_view name);
// Every valid value, in enum order.
const std::vector<v1::DepartmentKind>& AllKinds();
const std::vector<v1::StaffRole>& AllRoles();

// --- Lists ---------------------------------------------------------------------------------------

// Filters of ListDepartments / ListStaff, checked: INVALID_ARGUMENT naming the field.
absl::Status ValidateListDepartments(const v1::ListDepartmentsRequest& request);
absl::Status ValidateListStaff(const v1::ListStaffRequest& request);

// 0 means kDefaultPageSize; 1..kMaxPageSize as given; anything else INVALID_ARGUMENT
// "page.page_size: ...".
absl::StatusOr<int> PageSize(const complaints::common::v1::PageRequest& page);

// A canonical spelling of a request's filters; a page token is bound to it, so a token cannot be
// replayed against other filters (which would silently skip records).
std::string FilterKey(const v1::ListDepartmentsRequest& request);
std::string FilterKey(const v1::ListStaffRequest& request);

// Page tokens carry the last id of the page (keyset paging: stable under concurrent inserts,
// unlike offsets). Opaque to callers: URL-safe base64 of a versioned text.
std::string EncodePageToken(std::string_view filter_key, std::string_view last_id);
// The last id of the previous page ("" for an empty token, i.e. the first page), or
// INVALID_ARGUMENT "page.page_token: ..." for a token that is malformed or was issued for other
// filters.
absl::StatusOr<std::string> DecodePageToken(std::string_view token, std::string_view filter_key);

// --- Time ----------------------------------------------------------------------------------------

using time::FromProto;  // common/time/proto_time.h
using time::ToProto;

}  // namespace tousu::staff
