#include "services/staff-assessment/domain/directory.h"

#include <google/protobuf/util/message_differencer.h>

#include <array>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/validation/text.h"

namespace tousu::staff {
namespace {

using complaints::common::v1::PageRequest;

// Field names go into messages as std::string; Debian's absl::string_view is not
// std::string_view, so messages are built with std::string rather than absl::StrCat on views.
absl::Status Invalid(std::string_view field, std::string_view what) {
  std::string message(field);
  message.append(": ").append(what);
  return absl::InvalidArgumentError(message);
}

absl::Status Precondition(std::string_view field, std::string_view what) {
  std::string message(field);
  message.append(": ").append(what);
  return absl::FailedPreconditionError(message);
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s).append("\"");
  return out;
}

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Shared shape of both id kinds: 1..kMaxIdLength characters from `body`, the first from `first`,
// the last not '-'.
template <typename First, typename Body>
bool WellFormedId(std::string_view id, First first, Body body) {
  if (id.empty() || id.size() > kMaxIdLength || !first(id.front()) || id.back() == '-') {
    return false;
  }
  for (char c : id) {
    if (!body(c)) return false;
  }
  return true;
}

const validation::TextRule kNameRule{.required = true, .max_chars = kMaxNameChars};

constexpr std::array<std::pair<v1::DepartmentKind, std::string_view>, 5> kKindNames = {{
    {v1::DEPARTMENT_KIND_ENGINEERING_QUALITY, "ENGINEERING_QUALITY"},
    {v1::DEPARTMENT_KIND_SALES, "SALES"},
    {v1::DEPARTMENT_KIND_HANDOVER, "HANDOVER"},
    {v1::DEPARTMENT_KIND_PROPERTY_MANAGEMENT, "PROPERTY_MANAGEMENT"},
    {v1::DEPARTMENT_KIND_CUSTOMER_SERVICE, "CUSTOMER_SERVICE"},
}};

constexpr std::array<std::pair<v1::StaffRole, std::string_view>, 9> kRoleNames = {{
    {v1::STAFF_ROLE_HOTLINE_AGENT, "HOTLINE_AGENT"},
    {v1::STAFF_ROLE_RECEPTION, "RECEPTION"},
    {v1::STAFF_ROLE_COORDINATOR, "COORDINATOR"},
    {v1::STAFF_ROLE_HANDLER, "HANDLER"},
    {v1::STAFF_ROLE_ENGINEER, "ENGINEER"},
    {v1::STAFF_ROLE_SUPERVISOR, "SUPERVISOR"},
    {v1::STAFF_ROLE_TRACKER, "TRACKER"},
    {v1::STAFF_ROLE_CALLBACK_AGENT, "CALLBACK_AGENT"},
    {v1::STAFF_ROLE_ANALYST, "ANALYST"},
}};

// An enum field of a record: required, and one of the values this build knows.
template <typename Table>
absl::Status CheckEnum(std::string_view field, int value, const Table& names) {
  if (value == 0) return Invalid(field, "is required");
  for (const auto& [known, name] : names) {
    if (known == value) return absl::OkStatus();
  }
  return Invalid(field, absl::StrCat("unknown value ", value));
}

// An enum used as a list filter: 0 means any.
template <typename Table>
absl::Status CheckEnumFilter(std::string_view field, int value, const Table& names) {
  return value == 0 ? absl::OkStatus() : CheckEnum(field, value, names);
}

std::string ActiveKey(bool has_active, bool active) {
  if (!has_active) return "any";
  return active ? "true" : "false";
}

// The precision the database keeps (DATETIME(6)), so what an upsert answers equals what a later
// read returns.
absl::Time ToMicros(absl::Time t) { return absl::FromUnixMicros(absl::ToUnixMicros(t)); }

template <typename Record>
Upsert<Record> Decide(const std::optional<Record>& stored, const Record& incoming, absl::Time now) {
  now = ToMicros(now);
  Upsert<Record> result{CallerFields(incoming), v1::UPSERT_OUTCOME_CREATED};
  if (!stored.has_value()) {
    ToProto(now, result.record.mutable_created_at());
    ToProto(now, result.record.mutable_updated_at());
    return result;
  }
  if (google::protobuf::util::MessageDifferencer::Equals(CallerFields(*stored), result.record)) {
    return {*stored, v1::UPSERT_OUTCOME_UNCHANGED};
  }
  *result.record.mutable_created_at() = stored->created_at();
  ToProto(now, result.record.mutable_updated_at());
  result.outcome = v1::UPSERT_OUTCOME_UPDATED;
  return result;
}

constexpr std::string_view kTokenVersion = "p1";
constexpr size_t kMaxTokenBytes = 512;

}  // namespace

absl::Status CheckDepartmentId(std::string_view field, std::string_view id) {
  if (id.empty()) return Invalid(field, "is required");
  if (!WellFormedId(id, IsLower, [](char c) { return IsLower(c) || IsDigit(c) || c == '-'; })) {
    return Invalid(field,
                   "must be 1-32 characters of a-z, 0-9 and '-', starting with a letter and not "
                   "ending with '-'");
  }
  return absl::OkStatus();
}

absl::Status CheckStaffId(std::string_view field, std::string_view id) {
  if (id.empty()) return Invalid(field, "is required");
  if (!WellFormedId(
          id, [](char c) { return IsUpper(c) || IsDigit(c); },
          [](char c) { return IsUpper(c) || IsDigit(c) || c == '-'; })) {
    return Invalid(field,
                   "must be 1-32 characters of A-Z, 0-9 and '-', starting with a letter or digit "
                   "and not ending with '-'");
  }
  return absl::OkStatus();
}

absl::Status ValidateDepartment(const v1::Department& d) {
  if (auto s = CheckDepartmentId("department.id", d.id()); !s.ok()) return s;
  if (auto s = validation::CheckText("department.name", d.name(), kNameRule); !s.ok()) return s;
  if (auto s = CheckEnum("department.kind", d.kind(), kKindNames); !s.ok()) return s;
  if (!d.supervisor_staff_id().empty()) {
    if (auto s = CheckStaffId("department.supervisor_staff_id", d.supervisor_staff_id()); !s.ok())
      return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateStaff(const v1::Staff& s) {
  if (auto st = CheckStaffId("staff.id", s.id()); !st.ok()) return st;
  if (auto st = validation::CheckText("staff.name", s.name(), kNameRule); !st.ok()) return st;
  if (!s.phone().empty()) {
    if (auto st = validation::CheckPhone("staff.phone", s.phone()); !st.ok()) return st;
  }
  if (!s.email().empty()) {
    if (auto st = validation::CheckEmail("staff.email", s.email()); !st.ok()) return st;
  }
  if (auto st = CheckEnum("staff.role", s.role(), kRoleNames); !st.ok()) return st;
  if (auto st = CheckDepartmentId("staff.department_id", s.department_id()); !st.ok()) return st;
  return absl::OkStatus();
}

v1::Department CallerFields(const v1::Department& d) {
  v1::Department out;
  out.set_id(d.id());
  out.set_name(d.name());
  out.set_kind(d.kind());
  out.set_supervisor_staff_id(d.supervisor_staff_id());
  out.set_active(d.active());
  return out;
}

v1::Staff CallerFields(const v1::Staff& s) {
  v1::Staff out;
  out.set_id(s.id());
  out.set_name(s.name());
  out.set_phone(s.phone());
  out.set_email(s.email());
  out.set_role(s.role());
  out.set_department_id(s.department_id());
  out.set_active(s.active());
  return out;
}

Upsert<v1::Department> DecideUpsert(const std::optional<v1::Department>& stored,
                                    const v1::Department& incoming, absl::Time now) {
  return Decide(stored, incoming, now);
}

Upsert<v1::Staff> DecideUpsert(const std::optional<v1::Staff>& stored, const v1::Staff& incoming,
                               absl::Time now) {
  return Decide(stored, incoming, now);
}

absl::Status CheckSupervisor(std::string_view supervisor_id,
                             const std::optional<v1::Staff>& supervisor) {
  constexpr std::string_view kField = "department.supervisor_staff_id";
  if (supervisor_id.empty()) return absl::OkStatus();
  if (!supervisor.has_value()) {
    return Precondition(kField, "no staff member " + Quoted(supervisor_id));
  }
  if (supervisor->role() != v1::STAFF_ROLE_SUPERVISOR) {
    return Precondition(kField, Quoted(supervisor_id) + " does not have the supervisor role");
  }
  if (!supervisor->active()) {
    return Precondition(kField, Quoted(supervisor_id) + " is not active");
  }
  return absl::OkStatus();
}

absl::Status CheckStaffDepartment(const v1::Staff& incoming,
                                  const std::optional<v1::Department>& department) {
  if (department.has_value()) return absl::OkStatus();
  return Precondition("staff.department_id", "no department " + Quoted(incoming.department_id()));
}

absl::Status CheckKeepsSupervision(const v1::Staff& incoming,
                                   const std::vector<std::string>& supervised_departments) {
  if (supervised_departments.empty()) return absl::OkStatus();
  std::string which = "department";
  if (supervised_departments.size() > 1) which += "s";
  for (size_t i = 0; i < supervised_departments.size(); ++i) {
    which += i == 0 ? " " : ", ";
    which += supervised_departments[i];
  }
  const std::string why =
      Quoted(incoming.id()) + " supervises " + which + "; name another supervisor there first";
  if (!incoming.active()) return Precondition("staff.active", why);
  if (incoming.role() != v1::STAFF_ROLE_SUPERVISOR) return Precondition("staff.role", why);
  return absl::OkStatus();
}

std::string_view KindName(v1::DepartmentKind kind) {
  for (const auto& [known, name] : kKindNames) {
    if (known == kind) return name;
  }
  return "";
}

std::optional<v1::DepartmentKind> KindFromName(std::string_view name) {
  for (const auto& [kind, known] : kKindNames) {
    if (known == name) return kind;
  }
  return std::nullopt;
}

std::string_view RoleName(v1::StaffRole role) {
  for (const auto& [known, name] : kRoleNames) {
    if (known == role) return name;
  }
  return "";
}

std::optional<v1::StaffRole> RoleFromName(std::string_view name) {
  for (const auto& [role, known] : kRoleNames) {
    if (known == name) return role;
  }
  return std::nullopt;
}

const std::vector<v1::DepartmentKind>& AllKinds() {
  static const auto* kinds = [] {
    auto* v = new std::vector<v1::DepartmentKind>;
    for (const auto& [kind, name] : kKindNames) v->push_back(kind);
    return v;
  }();
  return *kinds;
}

const std::vector<v1::StaffRole>& AllRoles() {
  static const auto* roles = [] {
    auto* v = new std::vector<v1::StaffRole>;
    for (const auto& [role, name] : kRoleNames) v->push_back(role);
    return v;
  }();
  return *roles;
}

absl::Status ValidateListDepartments(const v1::ListDepartmentsRequest& r) {
  return CheckEnumFilter("kind", r.kind(), kKindNames);
}

absl::Status ValidateListStaff(const v1::ListStaffRequest& r) {
  if (!r.department_id().empty()) {
    if (auto s = CheckDepartmentId("department_id", r.department_id()); !s.ok()) return s;
  }
  return CheckEnumFilter("role", r.role(), kRoleNames);
}

absl::StatusOr<int> PageSize(const PageRequest& page) {
  if (page.page_size() == 0) return kDefaultPageSize;
  if (page.page_size() < 0 || page.page_size() > kMaxPageSize) {
    return Invalid("page.page_size", absl::StrCat("must be between 0 and ", kMaxPageSize,
                                                  " (0 means ", kDefaultPageSize, ")"));
  }
  return page.page_size();
}

std::string FilterKey(const v1::ListDepartmentsRequest& r) {
  return absl::StrCat("departments kind=", r.kind(),
                      " active=", ActiveKey(r.has_active(), r.active()));
}

std::string FilterKey(const v1::ListStaffRequest& r) {
  return absl::StrCat("staff department=", r.department_id(), " role=", r.role(),
                      " active=", ActiveKey(r.has_active(), r.active()));
}

std::string EncodePageToken(std::string_view filter_key, std::string_view last_id) {
  std::string text(kTokenVersion);
  text.append("\n").append(filter_key).append("\n").append(last_id);
  return absl::WebSafeBase64Escape(text);
}

absl::StatusOr<std::string> DecodePageToken(std::string_view token, std::string_view filter_key) {
  constexpr std::string_view kField = "page.page_token";
  if (token.empty()) return std::string();
  std::string text;
  if (token.size() > kMaxTokenBytes || !absl::WebSafeBase64Unescape(std::string(token), &text)) {
    return Invalid(kField, "not a token this service issued");
  }
  const std::string_view view(text);
  const size_t first = view.find('\n');
  const size_t second = first == std::string_view::npos ? first : view.find('\n', first + 1);
  if (second == std::string_view::npos || view.substr(0, first) != kTokenVersion) {
    return Invalid(kField, "not a token this service issued");
  }
  if (view.substr(first + 1, second - first - 1) != filter_key) {
    return Invalid(kField, "was issued for other filters; start again without a token");
  }
  const std::string_view last_id = view.substr(second + 1);
  if (last_id.empty() || last_id.size() > kMaxIdLength) {
    return Invalid(kField, "not a token this service issued");
  }
  return std::string(last_id);
}

}  // namespace tousu::staff
