#include "services/analytics/domain/department_names.h"

#include "common/events/event_time.h"
#include "common/validation/text.h"
#include "services/analytics/domain/request_checks.h"

namespace tousu::analytics {

std::optional<DepartmentName> DepartmentNameOf(const ::complaints::staff::v1::Department& d,
                                               absl::Time undated) {
  const std::optional<size_t> name_chars = validation::Utf8Length(d.name());
  if (!validation::CheckIdentifier("id", d.id(), kMaxDepartmentBytes).ok() || !name_chars ||
      *name_chars == 0 || *name_chars > kMaxDepartmentNameChars) {
    return std::nullopt;
  }
  return DepartmentName{.id = d.id(),
                        .name = d.name(),
                        .updated_at = events::UsableEventTime(d.updated_at()).value_or(undated)};
}

}  // namespace tousu::analytics
