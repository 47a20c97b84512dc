#include "services/intake/department_sync.h"

#include <optional>
#include <utility>

#include "common/log/log.h"
#include "services/intake/domain/department_names.h"
#include "services/intake/repository/department_names.h"

namespace tousu::intake {

int KeepListedDepartments(db::Transaction& tx,
                          const std::vector<::complaints::staff::v1::Department>& listed) {
  std::vector<DirectoryDepartment> kept;
  for (const auto& department : listed) {
    // Undated: as of the epoch, so it never replaces a name the directory dated.
    if (std::optional<DirectoryDepartment> d = FromDirectory(department, absl::UnixEpoch())) {
      kept.push_back(std::move(*d));
    } else {
      log::Warn("department without a name to show; not kept",
                {{"department_id", department.id()}});
    }
  }
  repository::KeepDepartmentNames(tx, kept);
  return static_cast<int>(kept.size());
}

}  // namespace tousu::intake
