#include "services/intake/department_sync.h"

#include <utility>
#include <vector>

#include "common/db/transaction.h"
#include "common/log/log.h"
#include "services/intake/domain/department_names.h"
#include "services/intake/repository/department_names.h"

namespace tousu::intake {

DepartmentSync::DepartmentSync(server::ServiceRuntime& rt,
                               std::unique_ptr<client::StaffDirectory> directory,
                               absl::Duration every)
    : rt_(rt), directory_(std::move(directory)) {
  // The first pass as soon as the service is ready: until then every name reads "责任部门".
  rt.AddPeriodicTask(
      "department_names", every, [this] { return RunOnce().status(); },
      server::FirstPass::kOnceReady);
}

absl::StatusOr<int> DepartmentSync::RunOnce() {
  absl::StatusOr<std::vector<::complaints::staff::v1::Department>> listed =
      directory_->ListDepartments();
  if (!listed.ok()) return listed.status();
  std::vector<DirectoryDepartment> kept;
  for (const auto& department : *listed) {
    if (std::optional<DirectoryDepartment> d = FromDirectory(department, absl::UnixEpoch())) {
      kept.push_back(std::move(*d));
    } else {
      log::Warn("department without a name to show; not kept",
                {{"department_id", department.id()}});
    }
  }
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    repository::KeepDepartmentNames(tx, kept);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return static_cast<int>(kept.size());
}

}  // namespace tousu::intake
