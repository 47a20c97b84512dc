#include "common/auth/caller.h"

namespace tousu::auth {
namespace {
const Caller kUnrestricted = Caller::Unrestricted();
thread_local const Caller* current = nullptr;
}  // namespace

bool Caller::spans_departments() const {
  switch (kind) {
    case Kind::kUnrestricted:
    case Kind::kService:
      return true;
    case Kind::kCustomer:
      return false;
    case Kind::kStaff:
      return role == role::kSupervisor || role == role::kCoordinator || role == role::kManager ||
             role == role::kAnalyst || role == role::kHr;
  }
  return false;
}

bool Caller::MayActForDepartment(const std::string& department_id) const {
  if (spans_departments()) return true;
  if (kind != Kind::kStaff) return false;
  return !department.empty() && department == department_id;
}

bool Caller::MaySeeCustomer(const std::string& customer_id) const {
  if (kind != Kind::kCustomer) return true;
  return !subject.empty() && subject == customer_id;
}

std::string Caller::Describe() const {
  switch (kind) {
    case Kind::kUnrestricted:
      return "unrestricted";
    case Kind::kCustomer:
      return "customer:" + subject;
    case Kind::kStaff:
      return "staff:" + subject;
    case Kind::kService:
      return "service:" + subject;
  }
  return "unknown";
}

absl::StatusOr<std::string> ScopeListToDepartment(const Caller& caller, std::string_view field,
                                                  const std::string& requested) {
  if (caller.spans_departments()) return requested;
  if (!caller.is_staff() || caller.department.empty()) {
    return absl::PermissionDeniedError(std::string(field) + ": no department to list");
  }
  if (requested.empty()) return caller.department;
  if (requested != caller.department) {
    return absl::PermissionDeniedError(std::string(field) + ": not your department");
  }
  return requested;
}

const Caller& CurrentCaller() { return current != nullptr ? *current : kUnrestricted; }

ScopedCaller::ScopedCaller(const Caller& caller) : previous_(current) { current = &caller; }
ScopedCaller::~ScopedCaller() { current = previous_; }

}  // namespace tousu::auth
