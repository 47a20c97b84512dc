#pragma once
// Who is calling. The server's authentication interceptor (common/auth/interceptor.h) verifies the
// caller's token and the service's access table before a handler runs; server::RunUnary makes the
// verified caller current for the handler's work, so rules about *which* complaint or case a caller
// may touch (a customer's own complaints, a handler's own department) read it here:
//
//   const auth::Caller& caller = auth::CurrentCaller();
//   if (!caller.MayActForDepartment(row.department_id))
//     return absl::PermissionDeniedError("department_id: case belongs to another department");
//
// With authentication off (no TOUSU_<SERVICE>_AUTH_KEYS, e.g. unit and older integration stacks)
// the caller is Unrestricted(): every rule below answers "allowed".

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tousu::auth {

// Roles as tokens name them (claim "role"). Staff roles follow complaints.staff.v1.StaffRole in
// lower case; "manager" and "hr" read reports and run assessments; "service" is another Tousu
// service (EventSink and the internal RPCs are for it alone).
namespace role {
inline constexpr char kCustomer[] = "customer";
inline constexpr char kHotlineAgent[] = "hotline_agent";
inline constexpr char kReception[] = "reception";
inline constexpr char kCoordinator[] = "coordinator";
inline constexpr char kHandler[] = "handler";
inline constexpr char kEngineer[] = "engineer";
inline constexpr char kSupervisor[] = "supervisor";
inline constexpr char kTracker[] = "tracker";
inline constexpr char kCallbackAgent[] = "callback_agent";
inline constexpr char kAnalyst[] = "analyst";
inline constexpr char kManager[] = "manager";
inline constexpr char kHr[] = "hr";
inline constexpr char kService[] = "service";
}  // namespace role

struct Caller {
  enum class Kind { kUnrestricted, kCustomer, kStaff, kService };
  Kind kind = Kind::kUnrestricted;
  std::string subject;     // customer id, staff id or service name (claim "sub")
  std::string role;        // one of role::k*
  std::string department;  // staff only (claim "dept"); empty for roles that span departments
  // Customers signed in by SMS code (claim "phone"): the mobile number they proved they hold, as
  // 11 digits. Complaints recorded with this number are theirs even when staff recorded them
  // before the customer had an account. Empty for everyone else. ("= {}" lets the many
  // Caller{kind, subject, role, department} initialisers stop before it.)
  std::string verified_phone = {};

  static Caller Unrestricted() { return Caller{}; }

  bool unrestricted() const { return kind == Kind::kUnrestricted; }
  bool is_customer() const { return kind == Kind::kCustomer; }
  bool is_staff() const { return kind == Kind::kStaff; }
  bool is_service() const { return kind == Kind::kService; }
  // Supervisors, coordinators, managers, analysts, HR, services (and Unrestricted) work across
  // departments; every other staff role only within its own.
  bool spans_departments() const;
  // True when this caller may act on something owned by `department_id`.
  bool MayActForDepartment(const std::string& department_id) const;
  // True when this caller may see a complaint of `customer_id` (customers: only their own; staff
  // and services: any). A customer must then get NOT_FOUND, never a hint that it exists.
  bool MaySeeCustomer(const std::string& customer_id) const;
  // "staff:S0001", "customer:C42", "service:routing", "unrestricted": for audit rows and logs (ids
  // only, never names).
  std::string Describe() const;
};

// The department a list runs for, given the one requested ("" = any): as requested for callers
// spanning departments; for department-bound staff their own (none requested) or
// PERMISSION_DENIED naming `field` (another requested); PERMISSION_DENIED for anyone else.
absl::StatusOr<std::string> ScopeListToDepartment(const Caller& caller, std::string_view field,
                                                  const std::string& requested);

// The caller of the call whose work runs on this thread (set by server::RunUnary and by the
// EventSink for event handlers, where it is the producing service); Unrestricted() outside a call.
const Caller& CurrentCaller();

// Makes `caller` current on this thread for the scope's lifetime (restores the previous on exit).
class ScopedCaller {
 public:
  explicit ScopedCaller(const Caller& caller);
  // It keeps a pointer: a temporary would be gone by the next statement.
  explicit ScopedCaller(Caller&&) = delete;
  ~ScopedCaller();
  ScopedCaller(const ScopedCaller&) = delete;
  ScopedCaller& operator=(const ScopedCaller&) = delete;

 private:
  const Caller* previous_;
};

}  // namespace tousu::auth
