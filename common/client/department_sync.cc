#include "common/client/department_sync.h"

#include <utility>

namespace tousu::client {

DepartmentNameSync::DepartmentNameSync(server::ServiceRuntime& rt,
                                       std::unique_ptr<StaffDirectory> directory,
                                       absl::Duration every, Keep keep)
    : rt_(rt), directory_(std::move(directory)), keep_(std::move(keep)) {
  // The first pass as soon as the service is ready: until then only the names already kept serve.
  rt.AddPeriodicTask(
      "department_names", every, [this] { return RunOnce().status(); },
      server::FirstPass::kOnceReady);
}

absl::StatusOr<int> DepartmentNameSync::RunOnce() {
  // Asked outside the transaction: a slow directory never holds a database connection.
  absl::StatusOr<std::vector<complaints::staff::v1::Department>> listed =
      directory_->ListDepartments();
  if (!listed.ok()) return listed.status();
  int kept = 0;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    kept = keep_(tx, *listed);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return kept;
}

}  // namespace tousu::client
