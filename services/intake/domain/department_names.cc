#include "services/intake/domain/department_names.h"

#include "common/events/event_time.h"
#include "common/validation/text.h"
#include "services/intake/domain/customer_text.h"

namespace tousu::intake {

std::string DepartmentNames::NameFor(const std::string& department_id) const {
  if (department_id.empty()) return kDepartmentInCharge;
  return Find(department_id).value_or(kDepartmentInCharge);
}

std::optional<DirectoryDepartment> FromDirectory(const ::complaints::staff::v1::Department& d,
                                                 absl::Time undated) {
  if (!validation::CheckIdentifier("id", d.id()).ok()) return std::nullopt;
  bool repaired = false;
  std::string name = CustomerText(d.name(), kMaxDepartmentNameChars, /*one_line=*/true, &repaired);
  if (name.find_first_not_of(' ') == std::string::npos) return std::nullopt;
  return DirectoryDepartment{
      .id = d.id(),
      .name = std::move(name),
      .updated_at = events::UsableEventTime(d.updated_at()).value_or(undated)};
}

}  // namespace tousu::intake
