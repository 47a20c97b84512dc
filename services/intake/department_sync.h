#pragma once
// Keeps intake's copy of the staff directory's department names (repository/department_names.h)
// complete: a periodic task of the runtime ("department_names") lists the directory's departments
// and stores their names, also those no DepartmentUpserted event ever announced (departments
// loaded with the seed data, or changed before intake subscribed). The directory is asked before
// the short transaction that stores the answer, never while holding a connection; when it does not
// answer, the names already kept serve and the next pass tries again.

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/client/staff_directory.h"
#include "common/server/server.h"

namespace tousu::intake {

class DepartmentSync {
 public:
  // Registers the task with `rt` (before rt.Start()): first as soon as the service is ready, then
  // every `every`.
  DepartmentSync(server::ServiceRuntime& rt, std::unique_ptr<client::StaffDirectory> directory,
                 absl::Duration every);
  DepartmentSync(const DepartmentSync&) = delete;
  DepartmentSync& operator=(const DepartmentSync&) = delete;

  // One pass: returns how many departments were kept (the directory's, less any whose id or name
  // cannot be shown).
  absl::StatusOr<int> RunOnce();

 private:
  server::ServiceRuntime& rt_;
  std::unique_ptr<client::StaffDirectory> directory_;
};

}  // namespace tousu::intake
