#include "services/analytics/repository/departments.h"

#include <cppconn/resultset.h>

#include <memory>

#include "common/db/sql_time.h"

namespace tousu::analytics {

void SaveDepartmentName(db::Transaction& tx, const std::string& id, const std::string& name,
                        absl::Time at) {
  auto& put = tx.Prepare(
      "INSERT INTO department_names (department_id, name, updated_at) VALUES (?, ?, ?)"
      " ON DUPLICATE KEY UPDATE name = VALUES(name), updated_at = VALUES(updated_at)");
  put.setString(1, id);
  put.setString(2, name);
  put.setDateTime(3, db::ToSqlDateTime(at));
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
