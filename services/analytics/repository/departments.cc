#include "services/analytics/repository/departments.h"

#include <cppconn/resultset.h>

#include <memory>

#include "common/db/sql_time.h"

namespace tousu::analytics {

void SaveDepartmentName(db::Transaction& tx, const DepartmentName& d) {
  // The name is compared with the stored time before that time moves (MariaDB assigns left to
  // right); an equal time takes the new name, so a repeat of the latest change is harmless.
  auto& put = tx.Prepare(
      "INSERT INTO department_names (department_id, name, updated_at) VALUES (?, ?, ?)"
      " ON DUPLICATE KEY UPDATE"
      " name = IF(VALUES(updated_at) >= updated_at, VALUES(name), name),"
      " updated_at = GREATEST(updated_at, VALUES(updated_at))");
  put.setString(1, d.id);
  put.setString(2, d.name);
  put.setDateTime(3, db::ToSqlDateTime(d.updated_at));
  put.executeUpdate();
}

std::map<std::string, std::string> LoadDepartmentNames(db::Transaction& tx) {
  auto& q = tx.Prepare("SELECT department_id, name FROM department_names");
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::map<std::string, std::string> out;
  while (rs->next()) out[rs->getString(1)] = rs->getString(2);
  return out;
}

}  // namespace tousu::analytics
