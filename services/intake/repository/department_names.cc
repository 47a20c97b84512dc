#include "services/intake/repository/department_names.h"

#include <cppconn/resultset.h>

#include <memory>

#include "common/db/sql_time.h"

namespace tousu::intake::repository {

std::optional<std::string> StoredDepartmentNames::Find(const std::string& department_id) const {
  auto& select = tx_.Prepare("SELECT name FROM department_names WHERE id = ?");
  select.setString(1, department_id);
  std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
  if (!rs->next()) return std::nullopt;
  return std::string(rs->getString(1));
}

void KeepDepartmentNames(db::Transaction& tx, const std::vector<DirectoryDepartment>& departments) {
  // The name is compared with the stored directory time before that time moves (MariaDB assigns
  // left to right).
  auto& upsert = tx.Prepare(
      "INSERT INTO department_names (id, name, directory_updated_at) VALUES (?, ?, ?)"
      " ON DUPLICATE KEY UPDATE"
      " name = IF(VALUES(directory_updated_at) >= directory_updated_at, VALUES(name), name),"
      " directory_updated_at = GREATEST(directory_updated_at, VALUES(directory_updated_at))");
  for (const DirectoryDepartment& d : departments) {
    upsert.setString(1, d.id);
    upsert.setString(2, d.name);
    upsert.setDateTime(3, db::ToSqlDateTime(d.updated_at));
    upsert.executeUpdate();
  }
}

}  // namespace tousu::intake::repository
