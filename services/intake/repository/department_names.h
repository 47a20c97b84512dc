#pragma once
// Intake's copy of the staff directory's department names (migrations/0005_department_names.sql),
// prepared statements only; functions run inside the caller's transaction and throw
// sql::SQLException like any statement (RunInTransaction maps it).

#include <optional>
#include <string>
#include <vector>

#include "common/db/transaction.h"
#include "services/intake/domain/department_names.h"

namespace tousu::intake::repository {

// The names as stored, read in `tx` (one lookup per name asked for).
class StoredDepartmentNames final : public DepartmentNames {
 public:
  explicit StoredDepartmentNames(db::Transaction& tx) : tx_(tx) {}
  std::optional<std::string> Find(const std::string& department_id) const override;

 private:
  db::Transaction& tx_;
};

// Stores each department's name unless the stored copy is newer (the directory's updated_at).
void KeepDepartmentNames(db::Transaction& tx, const std::vector<DirectoryDepartment>& departments);

}  // namespace tousu::intake::repository
