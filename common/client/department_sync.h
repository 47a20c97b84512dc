#pragma once
// Keeps a service's copy of the staff directory's department names complete: a periodic task of
// the runtime ("department_names") lists the directory's departments and hands them to the
// service's `keep`, so also those no DepartmentUpserted event ever announced (departments loaded
// with the seed data, or changed before the service subscribed) get their names. The directory is
// asked before the short transaction `keep` runs in, never while holding a connection; when it does
// not answer, the names already kept serve and the next pass tries again.

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/client/staff_directory.h"
#include "common/db/transaction.h"
#include "common/server/server.h"
#include "complaints/staff/v1/staff.pb.h"

namespace tousu::client {

class DepartmentNameSync {
 public:
  // Stores, in `tx`, the names of the listed departments the service can show (by its own rule
  // for what it keeps and which copy is newer); returns how many it kept. Statements may throw
  // sql::SQLException: the pass's transaction maps it.
  using Keep = std::function<int(db::Transaction& tx,
                                 const std::vector<complaints::staff::v1::Department>& listed)>;

  // Registers the task with `rt` (before rt.Start()): first as soon as the service is ready, then
  // every `every`.
  DepartmentNameSync(server::ServiceRuntime& rt, std::unique_ptr<StaffDirectory> directory,
                     absl::Duration every, Keep keep);
  DepartmentNameSync(const DepartmentNameSync&) = delete;
  DepartmentNameSync& operator=(const DepartmentNameSync&) = delete;

  // One pass: returns how many departments `keep` kept.
  absl::StatusOr<int> RunOnce();

 private:
  server::ServiceRuntime& rt_;
  std::unique_ptr<StaffDirectory> directory_;
  Keep keep_;
};

}  // namespace tousu::client
