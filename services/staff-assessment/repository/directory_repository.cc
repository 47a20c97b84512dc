#include "services/staff-assessment/repository/directory_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/resultset.h>

#include <memory>

#include "common/db/sql_time.h"
#include "common/log/log.h"

namespace tousu::staff::repository {
namespace {

constexpr char kDepartmentColumns[] =
    "SELECT id, name, kind, supervisor_staff_id, active, created_at, updated_at FROM departments";
constexpr char kStaffColumns[] =
    "SELECT id, name, phone, email, role, department_id, active, created_at, updated_at FROM staff";

const char* LockClause(Lock lock) {
  switch (lock) {
    case Lock::kNone:
      return "";
    case Lock::kShare:
      return " LOCK IN SHARE MODE";
    case Lock::kUpdate:
      return " FOR UPDATE";
  }
  return "";
}

std::string Text(const sql::ResultSet& rs, uint32_t column) {
  return rs.isNull(column) ? std::string() : std::string(rs.getString(column));
}

void SetTime(const sql::ResultSet& rs, uint32_t column, google::protobuf::Timestamp* out) {
  ToProto(db::FromSqlDateTime(rs.getString(column)), out);
}

// Optional text: stored as NULL when empty, so "none" has one spelling in the table.
void SetOptional(sql::PreparedStatement& st, unsigned int index, const std::string& value) {
  if (value.empty()) {
    st.setNull(index, sql::DataType::VARCHAR);
  } else {
    st.setString(index, value);
  }
}

v1::Department ReadDepartment(const sql::ResultSet& rs) {
  v1::Department d;
  d.set_id(Text(rs, 1));
  d.set_name(Text(rs, 2));
  // The table's CHECK constraint admits only known names; a value this build does not know would
  // come from a newer schema, and is answered as UNSPECIFIED rather than failing every read.
  const std::string kind = Text(rs, 3);
  if (auto k = KindFromName(kind)) {
    d.set_kind(*k);
  } else {
    log::Error("unknown department kind in the database", {{"department", d.id()}, {"kind", kind}});
  }
  d.set_supervisor_staff_id(Text(rs, 4));
  d.set_active(rs.getBoolean(5));
  SetTime(rs, 6, d.mutable_created_at());
  SetTime(rs, 7, d.mutable_updated_at());
  return d;
}

v1::Staff ReadStaff(const sql::ResultSet& rs) {
  v1::Staff s;
  s.set_id(Text(rs, 1));
  s.set_name(Text(rs, 2));
  s.set_phone(Text(rs, 3));
  s.set_email(Text(rs, 4));
  const std::string role = Text(rs, 5);
  if (auto r = RoleFromName(role)) {
    s.set_role(*r);
  } else {
    log::Error("unknown staff role in the database", {{"staff", s.id()}, {"role", role}});
  }
  s.set_department_id(Text(rs, 6));
  s.set_active(rs.getBoolean(7));
  SetTime(rs, 8, s.mutable_created_at());
  SetTime(rs, 9, s.mutable_updated_at());
  return s;
}

}  // namespace

std::optional<v1::Department> FindDepartment(db::Transaction& tx, const std::string& id,
                                             Lock lock) {
  auto& q = tx.Prepare(std::string(kDepartmentColumns) + " WHERE id = ?" + LockClause(lock));
  q.setString(1, id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadDepartment(*rs);
}

void InsertDepartment(db::Transaction& tx, const v1::Department& d) {
  auto& st = tx.Prepare(
      "INSERT INTO departments (id, name, kind, supervisor_staff_id, active, created_at,"
      " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.setString(1, d.id());
  st.setString(2, d.name());
  st.setString(3, std::string(KindName(d.kind())));
  SetOptional(st, 4, d.supervisor_staff_id());
  st.setBoolean(5, d.active());
  st.setDateTime(6, db::ToSqlDateTime(FromProto(d.created_at())));
  st.setDateTime(7, db::ToSqlDateTime(FromProto(d.updated_at())));
  st.executeUpdate();
}

void UpdateDepartment(db::Transaction& tx, const v1::Department& d) {
  auto& st = tx.Prepare(
      "UPDATE departments SET name = ?, kind = ?, supervisor_staff_id = ?, active = ?,"
      " updated_at = ? WHERE id = ?");
  st.setString(1, d.name());
  st.setString(2, std::string(KindName(d.kind())));
  SetOptional(st, 3, d.supervisor_staff_id());
  st.setBoolean(4, d.active());
  st.setDateTime(5, db::ToSqlDateTime(FromProto(d.updated_at())));
  st.setString(6, d.id());
  st.executeUpdate();
}

std::vector<v1::Department> ListDepartments(db::Transaction& tx, const DepartmentFilter& filter,
                                            const std::string& after_id, int limit) {
  // A few fixed statement shapes rather than "(? IS NULL OR col = ?)", so each can use its index;
  // each shape is prepared once per connection.
  std::string sql = std::string(kDepartmentColumns) + " WHERE id > ?";
  if (filter.kind != v1::DEPARTMENT_KIND_UNSPECIFIED) sql += " AND kind = ?";
  if (filter.active.has_value()) sql += " AND active = ?";
  sql += " ORDER BY id LIMIT ?";
  auto& q = tx.Prepare(sql);
  unsigned int i = 1;
  q.setString(i++, after_id);
  if (filter.kind != v1::DEPARTMENT_KIND_UNSPECIFIED) {
    q.setString(i++, std::string(KindName(filter.kind)));
  }
  if (filter.active.has_value()) q.setBoolean(i++, *filter.active);
  q.setInt(i, limit);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::Department> out;
  while (rs->next()) out.push_back(ReadDepartment(*rs));
  return out;
}

std::vector<std::string> DepartmentsSupervisedBy(db::Transaction& tx, const std::string& staff_id) {
  auto& q = tx.Prepare(
      "SELECT id FROM departments WHERE supervisor_staff_id = ? ORDER BY id LOCK IN SHARE MODE");
  q.setString(1, staff_id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<std::string> out;
  while (rs->next()) out.push_back(Text(*rs, 1));
  return out;
}

std::optional<v1::Staff> FindStaff(db::Transaction& tx, const std::string& id, Lock lock) {
  auto& q = tx.Prepare(std::string(kStaffColumns) + " WHERE id = ?" + LockClause(lock));
  q.setString(1, id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadStaff(*rs);
}

void InsertStaff(db::Transaction& tx, const v1::Staff& s) {
  auto& st = tx.Prepare(
      "INSERT INTO staff (id, name, phone, email, role, department_id, active, created_at,"
      " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.setString(1, s.id());
  st.setString(2, s.name());
  SetOptional(st, 3, s.phone());
  SetOptional(st, 4, s.email());
  st.setString(5, std::string(RoleName(s.role())));
  st.setString(6, s.department_id());
  st.setBoolean(7, s.active());
  st.setDateTime(8, db::ToSqlDateTime(FromProto(s.created_at())));
  st.setDateTime(9, db::ToSqlDateTime(FromProto(s.updated_at())));
  st.executeUpdate();
}

void UpdateStaff(db::Transaction& tx, const v1::Staff& s) {
  auto& st = tx.Prepare(
      "UPDATE staff SET name = ?, phone = ?, email = ?, role = ?, department_id = ?, active = ?,"
      " updated_at = ? WHERE id = ?");
  st.setString(1, s.name());
  SetOptional(st, 2, s.phone());
  SetOptional(st, 3, s.email());
  st.setString(4, std::string(RoleName(s.role())));
  st.setString(5, s.department_id());
  st.setBoolean(6, s.active());
  st.setDateTime(7, db::ToSqlDateTime(FromProto(s.updated_at())));
  st.setString(8, s.id());
  st.executeUpdate();
}

std::vector<v1::Staff> ListStaff(db::Transaction& tx, const StaffFilter& filter,
                                 const std::string& after_id, int limit) {
  std::string sql = std::string(kStaffColumns) + " WHERE id > ?";
  if (!filter.department_id.empty()) sql += " AND department_id = ?";
  if (filter.role != v1::STAFF_ROLE_UNSPECIFIED) sql += " AND role = ?";
  if (filter.active.has_value()) sql += " AND active = ?";
  sql += " ORDER BY id LIMIT ?";
  auto& q = tx.Prepare(sql);
  unsigned int i = 1;
  q.setString(i++, after_id);
  if (!filter.department_id.empty()) q.setString(i++, filter.department_id);
  if (filter.role != v1::STAFF_ROLE_UNSPECIFIED) {
    q.setString(i++, std::string(RoleName(filter.role)));
  }
  if (filter.active.has_value()) q.setBoolean(i++, *filter.active);
  q.setInt(i, limit);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::Staff> out;
  while (rs->next()) out.push_back(ReadStaff(*rs));
  return out;
}

std::vector<DepartmentSummary> SummarizeDepartments(db::Transaction& tx) {
  auto& q =
      tx.Prepare("SELECT id, active, supervisor_staff_id IS NOT NULL FROM departments ORDER BY id");
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<DepartmentSummary> out;
  while (rs->next()) out.push_back({Text(*rs, 1), rs->getBoolean(2), rs->getBoolean(3)});
  return out;
}

std::vector<StaffCount> CountStaff(db::Transaction& tx) {
  auto& q = tx.Prepare(
      "SELECT department_id, role, active, COUNT(*) FROM staff GROUP BY department_id, role, "
      "active");
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<StaffCount> out;
  while (rs->next()) {
    auto role = RoleFromName(Text(*rs, 2));
    if (!role.has_value()) continue;  // logged where records are read
    out.push_back({Text(*rs, 1), *role, rs->getBoolean(3), rs->getInt64(4)});
  }
  return out;
}

}  // namespace tousu::staff::repository
