#include "services/staff-assessment/repository/assessment_repository.h"

#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/sql_values.h"
#include "common/time/proto_time.h"
#include "services/staff-assessment/domain/assessment_rules.h"
#include "services/staff-assessment/repository/rows.h"

namespace tousu::staff::repository {
namespace {

using assessment::Activity;
using db::FromSqlDateTime;
using rows::RoleOf;
using rows::RoleText;
using rows::SetTime;
using rows::Sql;
using rows::Text;

constexpr char kAssessmentColumns[] =
    "SELECT year, quarter, staff_id, department_id, role, cases_touched, sla_checks, sla_met,"
    " satisfaction_responses, satisfaction_sum, cases_resolved, resolved_without_reopening,"
    " score, grade, enrolled_plan_id, run_number, computed_at FROM assessments";

v1::Assessment ReadAssessment(const sql::ResultSet& rs) {
  v1::Assessment a;
  a.set_year(rs.getInt(1));
  a.set_quarter(rs.getInt(2));
  a.set_staff_id(Text(rs, 3));
  a.set_department_id(Text(rs, 4));
  a.set_role(RoleOf(Text(rs, 5)));
  a.set_cases_touched(rs.getInt(6));
  a.set_sla_checks(rs.getInt(7));
  a.set_sla_met(rs.getInt(8));
  a.set_timeliness_rate(assessment::Rate(a.sla_met(), a.sla_checks()));
  a.set_satisfaction_responses(rs.getInt(9));
  a.set_average_satisfaction(
      assessment::AverageSatisfaction(rs.getInt(10), a.satisfaction_responses()));
  a.set_cases_resolved(rs.getInt(11));
  a.set_resolved_without_reopening(rs.getInt(12));
  a.set_effectiveness_rate(assessment::Rate(a.resolved_without_reopening(), a.cases_resolved()));
  a.set_score(rs.getDouble(13));
  a.set_grade(assessment::GradeFromName(Text(rs, 14)));
  const assessment::GradeConsequences consequences = assessment::ConsequencesOf(a.grade());
  a.set_reward(consequences.reward);
  a.set_role_review(consequences.role_review);
  a.set_enrolled_plan_id(Text(rs, 15));
  a.set_run_number(rs.getInt(16));
  SetTime(rs, 17, a.mutable_computed_at());
  return a;
}

}  // namespace

// ---- Activity -----------------------------------------------------------------------------------

void InsertActivity(db::Transaction& tx, const Activity& r) {
  auto& st = tx.Prepare(
      "INSERT IGNORE INTO activity (event_id, event_type, number, at, staff_id, role,"
      " department_id, sla, due, met, satisfaction, resolved, reopened)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.setString(1, r.event_id);
  st.setString(2, r.event_type);
  st.setString(3, r.number);
  st.setDateTime(4, Sql(r.at));
  st.setString(5, r.staff_id);
  st.setString(6, r.role);
  st.setString(7, r.department_id);
  st.setString(8, r.sla);
  db::SetOptionalTime(st, 9, r.due);
  db::SetOptionalBool(st, 10, r.met);
  st.setInt(11, r.satisfaction);
  st.setBoolean(12, r.resolved);
  st.setBoolean(13, r.reopened);
  st.executeUpdate();
}

void NoteComplaint(db::Transaction& tx, const std::string& number, int category,
                   const std::string& department_id, const std::string& owner_staff_id) {
  auto& st = tx.Prepare(
      "INSERT INTO complaint_facts (number, category, department_id, owner_staff_id)"
      " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
      " category = IF(VALUES(category) = 0, category, VALUES(category)),"
      " department_id = IF(VALUES(department_id) = '', department_id, VALUES(department_id)),"
      " owner_staff_id = IF(VALUES(owner_staff_id) = '', owner_staff_id,"
      " VALUES(owner_staff_id))");
  st.setString(1, number);
  st.setInt(2, category);
  st.setString(3, department_id);
  st.setString(4, owner_staff_id);
  st.executeUpdate();
}

int CategoryOf(db::Transaction& tx, const std::string& number) {
  auto& q = tx.Prepare("SELECT category FROM complaint_facts WHERE number = ?");
  q.setString(1, number);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  return rs->next() ? rs->getInt(1) : 0;
}

std::vector<Activity> ActivityForQuarter(db::Transaction& tx, assessment::Span span) {
  auto& q = tx.Prepare(
      "SELECT event_id, event_type, number, at, staff_id, role, department_id, sla, due, met,"
      " satisfaction, resolved, reopened FROM activity WHERE number IN ("
      " SELECT number FROM activity WHERE at >= ? AND at < ?"
      " UNION SELECT number FROM activity WHERE due >= ? AND due < ?)"
      " ORDER BY number, at, event_id");
  q.setDateTime(1, Sql(span.start));
  q.setDateTime(2, Sql(span.end));
  q.setDateTime(3, Sql(span.start));
  q.setDateTime(4, Sql(span.end));
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<Activity> out;
  while (rs->next()) {
    Activity a;
    a.event_id = Text(*rs, 1);
    a.event_type = Text(*rs, 2);
    a.number = Text(*rs, 3);
    a.at = FromSqlDateTime(rs->getString(4));
    a.staff_id = Text(*rs, 5);
    a.role = Text(*rs, 6);
    a.department_id = Text(*rs, 7);
    a.sla = Text(*rs, 8);
    a.due = db::OptionalTime(*rs, 9);
    if (!rs->isNull(10)) a.met = rs->getBoolean(10);
    a.satisfaction = rs->getInt(11);
    a.resolved = rs->getBoolean(12);
    a.reopened = rs->getBoolean(13);
    out.push_back(std::move(a));
  }
  return out;
}

// ---- Assessments --------------------------------------------------------------------------------

std::optional<RunRow> LockRun(db::Transaction& tx, int year, int quarter) {
  auto& q = tx.Prepare(
      "SELECT run_number FROM assessment_runs WHERE year = ? AND quarter = ? FOR UPDATE");
  q.setInt(1, year);
  q.setInt(2, quarter);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return RunRow{.run_number = rs->getInt(1)};
}

void SaveRun(db::Transaction& tx, int year, int quarter, int run_number, int people,
             const assessment::Policy& p, absl::Time at) {
  auto& st = tx.Prepare(
      "REPLACE INTO assessment_runs (year, quarter, run_number, people, weight_timeliness,"
      " weight_satisfaction, weight_effectiveness, excellent_threshold, pass_threshold, ran_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.setInt(1, year);
  st.setInt(2, quarter);
  st.setInt(3, run_number);
  st.setInt(4, people);
  st.setDouble(5, p.weight_timeliness);
  st.setDouble(6, p.weight_satisfaction);
  st.setDouble(7, p.weight_effectiveness);
  st.setDouble(8, p.excellent_at);
  st.setDouble(9, p.pass_at);
  st.setDateTime(10, Sql(at));
  st.executeUpdate();
}

void DeleteAssessments(db::Transaction& tx, int year, int quarter) {
  for (const char* sql : {"DELETE FROM assessments WHERE year = ? AND quarter = ?",
                          "DELETE FROM assessment_evidence WHERE year = ? AND quarter = ?"}) {
    auto& st = tx.Prepare(sql);
    st.setInt(1, year);
    st.setInt(2, quarter);
    st.executeUpdate();
  }
}

void InsertAssessment(db::Transaction& tx, const v1::Assessment& a, int satisfaction_sum) {
  auto& st = tx.Prepare(
      "INSERT INTO assessments (year, quarter, staff_id, department_id, role, cases_touched,"
      " sla_checks, sla_met, satisfaction_responses, satisfaction_sum, cases_resolved,"
      " resolved_without_reopening, score, grade, enrolled_plan_id, run_number, computed_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.setInt(1, a.year());
  st.setInt(2, a.quarter());
  st.setString(3, a.staff_id());
  st.setString(4, a.department_id());
  st.setString(5, RoleText(a.role()));
  st.setInt(6, a.cases_touched());
  st.setInt(7, a.sla_checks());
  st.setInt(8, a.sla_met());
  st.setInt(9, a.satisfaction_responses());
  st.setInt(10, satisfaction_sum);
  st.setInt(11, a.cases_resolved());
  st.setInt(12, a.resolved_without_reopening());
  st.setDouble(13, a.score());
  st.setString(14, std::string(assessment::GradeName(a.grade())));
  db::SetOptionalString(st, 15, a.enrolled_plan_id());
  st.setInt(16, a.run_number());
  st.setDateTime(17, Sql(time::FromProto(a.computed_at())));
  st.executeUpdate();
}

void InsertEvidence(db::Transaction& tx, int year, int quarter, const std::string& staff_id,
                    const assessment::Evidence& e) {
  auto& st = tx.Prepare(
      "INSERT INTO assessment_evidence (year, quarter, staff_id, number, kind, sla, met,"
      " satisfaction, at, events) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.setInt(1, year);
  st.setInt(2, quarter);
  st.setString(3, staff_id);
  st.setString(4, e.number);
  st.setString(5, e.kind);
  st.setString(6, e.sla);
  st.setBoolean(7, e.met);
  st.setInt(8, e.satisfaction);
  st.setDateTime(9, Sql(e.at));
  st.setString(10, absl::StrJoin(e.events, " "));
  st.executeUpdate();
}

std::optional<v1::Assessment> FindAssessment(db::Transaction& tx, int year, int quarter,
                                             const std::string& staff_id) {
  auto& q = tx.Prepare(std::string(kAssessmentColumns) +
                       " WHERE year = ? AND quarter = ? AND staff_id = ?");
  q.setInt(1, year);
  q.setInt(2, quarter);
  q.setString(3, staff_id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadAssessment(*rs);
}

std::vector<v1::Assessment> ListAssessments(db::Transaction& tx, int year, int quarter,
                                            const std::string& department_id,
                                            const std::string& grade) {
  auto& q = tx.Prepare(std::string(kAssessmentColumns) +
                       " WHERE year = ? AND quarter = ? AND (? = '' OR department_id = ?)"
                       " AND (? = '' OR grade = ?) ORDER BY staff_id");
  q.setInt(1, year);
  q.setInt(2, quarter);
  q.setString(3, department_id);
  q.setString(4, department_id);
  q.setString(5, grade);
  q.setString(6, grade);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::Assessment> out;
  while (rs->next()) out.push_back(ReadAssessment(*rs));
  return out;
}

std::vector<v1::AssessmentEvidence> LoadEvidence(db::Transaction& tx, int year, int quarter,
                                                 const std::string& staff_id) {
  auto& q = tx.Prepare(
      "SELECT number, kind, sla, met, satisfaction, at, events FROM assessment_evidence"
      " WHERE year = ? AND quarter = ? AND staff_id = ? ORDER BY id");
  q.setInt(1, year);
  q.setInt(2, quarter);
  q.setString(3, staff_id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::AssessmentEvidence> out;
  while (rs->next()) {
    v1::AssessmentEvidence e;
    e.set_number(Text(*rs, 1));
    e.set_kind(Text(*rs, 2));
    e.set_sla(Text(*rs, 3));
    e.set_met(rs->getBoolean(4));
    e.set_satisfaction(rs->getInt(5));
    SetTime(*rs, 6, e.mutable_at());
    for (auto part : absl::StrSplit(Text(*rs, 7), ' ', absl::SkipEmpty())) {
      e.add_events(std::string(part));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tousu::staff::repository
