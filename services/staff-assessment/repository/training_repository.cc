#include "services/staff-assessment/repository/training_repository.h"

#include <cppconn/resultset.h>

#include <memory>

#include "common/db/sql_values.h"
#include "services/staff-assessment/domain/assessment.h"
#include "services/staff-assessment/repository/rows.h"

namespace tousu::staff::repository {
namespace {

using rows::RoleOf;
using rows::RoleText;
using rows::SetTime;
using rows::Sql;
using rows::Text;

v1::TrainingCourse ReadCourse(const sql::ResultSet& rs) {
  v1::TrainingCourse c;
  c.set_id(Text(rs, 1));
  c.set_title(Text(rs, 2));
  c.set_topic(Text(rs, 3));
  c.set_target_role(RoleOf(Text(rs, 4)));
  c.set_hours(rs.getDouble(5));
  return c;
}

void LoadPlanCourses(db::Transaction& tx, v1::TrainingPlan& plan) {
  auto& q =
      tx.Prepare("SELECT course_id FROM training_plan_courses WHERE plan_id = ? ORDER BY position");
  q.setString(1, plan.id());
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  while (rs->next()) plan.add_course_ids(Text(*rs, 1));
}

std::vector<v1::TrainingPlan> QueryPlans(db::Transaction& tx, const std::string& sql,
                                         const std::string& arg) {
  auto& q = tx.Prepare(sql);
  if (!arg.empty()) q.setString(1, arg);
  std::vector<v1::TrainingPlan> plans;
  {
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    while (rs->next()) {
      v1::TrainingPlan p;
      p.set_id(Text(*rs, 1));
      p.set_name(Text(*rs, 2));
      p.set_role(RoleOf(Text(*rs, 3)));
      plans.push_back(std::move(p));
    }
  }
  for (auto& p : plans) LoadPlanCourses(tx, p);
  return plans;
}

constexpr char kEnrolmentColumns[] =
    "SELECT e.staff_id, e.course_id, e.plan_id, e.reason, e.assessment_quarter, e.enrolled_at,"
    " e.completed_at, e.result FROM training_enrolments e";

v1::Enrolment ReadEnrolment(const sql::ResultSet& rs) {
  v1::Enrolment e;
  e.set_staff_id(Text(rs, 1));
  e.set_course_id(Text(rs, 2));
  e.set_plan_id(Text(rs, 3));
  e.set_reason(Text(rs, 4));
  e.set_assessment_quarter(Text(rs, 5));
  SetTime(rs, 6, e.mutable_enrolled_at());
  if (!rs.isNull(7)) {
    e.set_completed(true);
    SetTime(rs, 7, e.mutable_completed_at());
    e.set_result(assessment::ResultFromName(Text(rs, 8)));
  }
  return e;
}

}  // namespace

std::optional<v1::TrainingCourse> FindCourse(db::Transaction& tx, const std::string& id,
                                             bool for_update) {
  auto& q = tx.Prepare(std::string("SELECT id, title, topic, target_role, hours FROM "
                                   "training_courses WHERE id = ?") +
                       (for_update ? " FOR UPDATE" : ""));
  q.setString(1, id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadCourse(*rs);
}

void SaveCourse(db::Transaction& tx, const v1::TrainingCourse& c, bool exists) {
  auto& st = tx.Prepare(
      exists ? "UPDATE training_courses SET title = ?, topic = ?, target_role = ?, hours = ?"
               " WHERE id = ?"
             : "INSERT INTO training_courses (title, topic, target_role, hours, id)"
               " VALUES (?, ?, ?, ?, ?)");
  st.setString(1, c.title());
  st.setString(2, c.topic());
  st.setString(3, RoleText(c.target_role()));
  st.setDouble(4, c.hours());
  st.setString(5, c.id());
  st.executeUpdate();
}

std::vector<v1::TrainingCourse> ListCourses(db::Transaction& tx, const std::string& role) {
  auto& q = tx.Prepare(
      "SELECT id, title, topic, target_role, hours FROM training_courses"
      " WHERE (? = '' OR target_role = ?) ORDER BY id");
  q.setString(1, role);
  q.setString(2, role);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::TrainingCourse> out;
  while (rs->next()) out.push_back(ReadCourse(*rs));
  return out;
}

std::optional<v1::TrainingPlan> FindPlan(db::Transaction& tx, const std::string& id,
                                         bool for_update) {
  auto plans = QueryPlans(tx,
                          std::string("SELECT id, name, role FROM training_plans WHERE id = ?") +
                              (for_update ? " FOR UPDATE" : ""),
                          id);
  if (plans.empty()) return std::nullopt;
  return plans.front();
}

std::optional<v1::TrainingPlan> FindPlanForRole(db::Transaction& tx, const std::string& role) {
  auto plans = QueryPlans(tx, "SELECT id, name, role FROM training_plans WHERE role = ?", role);
  if (plans.empty()) return std::nullopt;
  return plans.front();
}

void SavePlan(db::Transaction& tx, const v1::TrainingPlan& p, const std::string& role,
              bool exists) {
  auto& st = tx.Prepare(exists ? "UPDATE training_plans SET name = ?, role = ? WHERE id = ?"
                               : "INSERT INTO training_plans (name, role, id) VALUES (?, ?, ?)");
  st.setString(1, p.name());
  st.setString(2, role);
  st.setString(3, p.id());
  st.executeUpdate();
  auto& del = tx.Prepare("DELETE FROM training_plan_courses WHERE plan_id = ?");
  del.setString(1, p.id());
  del.executeUpdate();
  auto& ins = tx.Prepare(
      "INSERT INTO training_plan_courses (plan_id, position, course_id) VALUES (?, ?, ?)");
  for (int i = 0; i < p.course_ids_size(); ++i) {
    ins.setString(1, p.id());
    ins.setInt(2, i);
    ins.setString(3, p.course_ids(i));
    ins.executeUpdate();
  }
}

std::vector<v1::TrainingPlan> ListPlans(db::Transaction& tx, const std::string& role) {
  if (role.empty())
    return QueryPlans(tx, "SELECT id, name, role FROM training_plans ORDER BY id", "");
  return QueryPlans(tx, "SELECT id, name, role FROM training_plans WHERE role = ? ORDER BY id",
                    role);
}

bool Enrol(db::Transaction& tx, const v1::Enrolment& e, absl::Time now) {
  auto& st = tx.Prepare(
      "INSERT IGNORE INTO training_enrolments (staff_id, course_id, plan_id, reason,"
      " assessment_quarter, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)");
  st.setString(1, e.staff_id());
  st.setString(2, e.course_id());
  db::SetOptionalString(st, 3, e.plan_id());
  st.setString(4, e.reason());
  db::SetOptionalString(st, 5, e.assessment_quarter());
  st.setDateTime(6, Sql(now));
  return st.executeUpdate() == 1;
}

std::optional<v1::Enrolment> FindEnrolment(db::Transaction& tx, const std::string& staff_id,
                                           const std::string& course_id, bool for_update) {
  auto& q =
      tx.Prepare(std::string(kEnrolmentColumns) + " WHERE e.staff_id = ? AND e.course_id = ?" +
                 (for_update ? " FOR UPDATE" : ""));
  q.setString(1, staff_id);
  q.setString(2, course_id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadEnrolment(*rs);
}

void CompleteEnrolment(db::Transaction& tx, const std::string& staff_id,
                       const std::string& course_id, absl::Time at, const std::string& result) {
  auto& st = tx.Prepare(
      "UPDATE training_enrolments SET completed_at = ?, result = ? WHERE staff_id = ? AND"
      " course_id = ?");
  st.setDateTime(1, Sql(at));
  st.setString(2, result);
  st.setString(3, staff_id);
  st.setString(4, course_id);
  st.executeUpdate();
}

std::vector<v1::Enrolment> EnrolmentsOf(db::Transaction& tx, const std::string& staff_id,
                                        const std::string& department_id) {
  auto& q = tx.Prepare(staff_id.empty()
                           ? std::string(kEnrolmentColumns) +
                                 " JOIN staff s ON s.id = e.staff_id WHERE s.department_id = ?"
                                 " ORDER BY e.staff_id, e.course_id"
                           : std::string(kEnrolmentColumns) +
                                 " WHERE e.staff_id = ? ORDER BY e.course_id");
  q.setString(1, staff_id.empty() ? department_id : staff_id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::Enrolment> out;
  while (rs->next()) out.push_back(ReadEnrolment(*rs));
  return out;
}

}  // namespace tousu::staff::repository
