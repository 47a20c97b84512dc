#include "services/staff-assessment/repository/assessment_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/sql_time.h"
#include "common/db/sql_values.h"
#include "common/time/proto_time.h"
#include "services/staff-assessment/domain/directory.h"

namespace tousu::staff::repository {
namespace {

using assessment::Activity;
using db::FromSqlDateTime;
using db::ToSqlDateTime;

std::string Text(const sql::ResultSet& rs, uint32_t column) {
  return rs.isNull(column) ? std::string() : std::string(rs.getString(column));
}

void SetTime(const sql::ResultSet& rs, uint32_t column, google::protobuf::Timestamp* out) {
  time::ToProto(FromSqlDateTime(rs.getString(column)), out);
}

std::string Sql(absl::Time t) { return ToSqlDateTime(t); }

std::string RoleText(v1::StaffRole role) { return std::string(RoleName(role)); }
v1::StaffRole RoleOf(const std::string& name) {
  return RoleFromName(name).value_or(v1::STAFF_ROLE_UNSPECIFIED);
}

// ---- training ----

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
  auto& q = tx.Prepare(
      "SELECT course_id FROM training_plan_courses WHERE plan_id = ? ORDER BY position");
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

// ---- assessments ----

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
  a.set_reward(a.grade() == v1::GRADE_EXCELLENT);
  a.set_role_review(a.grade() == v1::GRADE_BELOW_BAR);
  a.set_enrolled_plan_id(Text(rs, 15));
  a.set_run_number(rs.getInt(16));
  SetTime(rs, 17, a.mutable_computed_at());
  return a;
}

// ---- accountability ----

constexpr char kSuggestionColumns[] =
    "SELECT id, number, staff_id, department_id, cause, severity, rule, reason, event,"
    " suggested_at, record_id FROM accountability_suggestions";

v1::AccountabilitySuggestion ReadSuggestion(const sql::ResultSet& rs) {
  v1::AccountabilitySuggestion s;
  s.set_id(rs.getInt64(1));
  s.set_number(Text(rs, 2));
  s.set_staff_id(Text(rs, 3));
  s.set_department_id(Text(rs, 4));
  s.set_cause(assessment::CauseFromName(Text(rs, 5)));
  s.set_severity(assessment::SeverityFromName(Text(rs, 6)));
  s.set_rule(Text(rs, 7));
  s.set_reason(Text(rs, 8));
  s.set_event(Text(rs, 9));
  SetTime(rs, 10, s.mutable_suggested_at());
  if (rs.isNull(11)) {
    s.set_status(v1::SUGGESTION_STATUS_PENDING);
  } else {
    s.set_status(v1::SUGGESTION_STATUS_CONFIRMED);
    s.set_record_id(rs.getInt64(11));
  }
  return s;
}

constexpr char kRecordColumns[] =
    "SELECT id, number, staff_id, department_id, cause, severity, measure, decided_by_staff_id,"
    " decided_at, note, suggestion_id, recorded_at FROM accountability_records";

v1::AccountabilityRecord ReadRecord(const sql::ResultSet& rs) {
  v1::AccountabilityRecord r;
  r.set_id(rs.getInt64(1));
  r.set_number(Text(rs, 2));
  r.set_staff_id(Text(rs, 3));
  r.set_department_id(Text(rs, 4));
  r.set_cause(assessment::CauseFromName(Text(rs, 5)));
  r.set_severity(assessment::SeverityFromName(Text(rs, 6)));
  r.set_measure(assessment::MeasureFromName(Text(rs, 7)));
  r.set_decided_by_staff_id(Text(rs, 8));
  SetTime(rs, 9, r.mutable_decided_at());
  r.set_note(Text(rs, 10));
  if (!rs.isNull(11)) r.set_suggestion_id(rs.getInt64(11));
  SetTime(rs, 12, r.mutable_recorded_at());
  return r;
}

}  // namespace

// ---- Training -----------------------------------------------------------------------------------

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
  if (role.empty()) return QueryPlans(tx, "SELECT id, name, role FROM training_plans ORDER BY id", "");
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
  auto& q = tx.Prepare(std::string(kEnrolmentColumns) +
                       " WHERE e.staff_id = ? AND e.course_id = ?" +
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
  auto& q = tx.Prepare(
      staff_id.empty()
          ? std::string(kEnrolmentColumns) +
                " JOIN staff s ON s.id = e.staff_id WHERE s.department_id = ?"
                " ORDER BY e.staff_id, e.course_id"
          : std::string(kEnrolmentColumns) + " WHERE e.staff_id = ? ORDER BY e.course_id");
  q.setString(1, staff_id.empty() ? department_id : staff_id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::Enrolment> out;
  while (rs->next()) out.push_back(ReadEnrolment(*rs));
  return out;
}

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

std::vector<GradeCount> CountGrades(db::Transaction& tx, int year, int quarter) {
  auto& q = tx.Prepare(
      "SELECT department_id, grade, COUNT(*) FROM assessments WHERE year = ? AND quarter = ?"
      " GROUP BY department_id, grade");
  q.setInt(1, year);
  q.setInt(2, quarter);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<GradeCount> out;
  while (rs->next()) out.push_back({Text(*rs, 1), Text(*rs, 2), rs->getInt64(3)});
  return out;
}

// ---- Accountability -----------------------------------------------------------------------------

bool InsertSuggestion(db::Transaction& tx, const assessment::Suggestion& s,
                      const std::string& event_ref, absl::Time at) {
  auto& st = tx.Prepare(
      "INSERT IGNORE INTO accountability_suggestions (number, staff_id, department_id, cause,"
      " severity, rule, reason, event, suggested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.setString(1, s.number);
  st.setString(2, s.staff_id);
  st.setString(3, s.department_id);
  st.setString(4, std::string(assessment::CauseName(s.cause)));
  st.setString(5, std::string(assessment::SeverityName(s.severity)));
  st.setString(6, s.rule);
  st.setString(7, s.reason);
  st.setString(8, event_ref);
  st.setDateTime(9, Sql(at));
  return st.executeUpdate() == 1;
}

std::optional<v1::AccountabilitySuggestion> FindSuggestion(db::Transaction& tx, int64_t id,
                                                           bool for_update) {
  auto& q = tx.Prepare(std::string(kSuggestionColumns) + " WHERE id = ?" +
                       (for_update ? " FOR UPDATE" : ""));
  q.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadSuggestion(*rs);
}

std::vector<v1::AccountabilitySuggestion> ListSuggestions(db::Transaction& tx, bool confirmed,
                                                          const std::string& staff_id,
                                                          const std::string& number) {
  auto& q = tx.Prepare(std::string(kSuggestionColumns) +
                       (confirmed ? " WHERE record_id IS NOT NULL" : " WHERE record_id IS NULL") +
                       " AND (? = '' OR staff_id = ?) AND (? = '' OR number = ?) ORDER BY id"
                       " LIMIT 1000");
  q.setString(1, staff_id);
  q.setString(2, staff_id);
  q.setString(3, number);
  q.setString(4, number);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::AccountabilitySuggestion> out;
  while (rs->next()) out.push_back(ReadSuggestion(*rs));
  return out;
}

int64_t InsertRecord(db::Transaction& tx, const v1::AccountabilityRecord& r, absl::Time now) {
  auto& st = tx.Prepare(
      "INSERT INTO accountability_records (number, staff_id, department_id, cause, severity,"
      " measure, decided_by_staff_id, decided_at, note, suggestion_id, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.setString(1, r.number());
  st.setString(2, r.staff_id());
  st.setString(3, r.department_id());
  st.setString(4, std::string(assessment::CauseName(r.cause())));
  st.setString(5, std::string(assessment::SeverityName(r.severity())));
  st.setString(6, std::string(assessment::MeasureName(r.measure())));
  st.setString(7, r.decided_by_staff_id());
  st.setDateTime(8, Sql(time::FromProto(r.decided_at())));
  st.setString(9, r.note());
  if (r.suggestion_id() != 0) {
    st.setInt64(10, r.suggestion_id());
  } else {
    st.setNull(10, sql::DataType::BIGINT);
  }
  st.setDateTime(11, Sql(now));
  st.executeUpdate();
  auto& q = tx.Prepare("SELECT LAST_INSERT_ID()");
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  rs->next();
  return rs->getInt64(1);
}

void MarkSuggestionConfirmed(db::Transaction& tx, int64_t suggestion_id, int64_t record_id) {
  auto& st = tx.Prepare("UPDATE accountability_suggestions SET record_id = ? WHERE id = ?");
  st.setInt64(1, record_id);
  st.setInt64(2, suggestion_id);
  st.executeUpdate();
}

std::vector<v1::AccountabilityRecord> ListRecords(db::Transaction& tx, const RecordFilter& f) {
  auto& q = tx.Prepare(std::string(kRecordColumns) +
                       " WHERE (? = '' OR staff_id = ?) AND (? = '' OR department_id = ?)"
                       " AND (? = '' OR number = ?) AND decided_at >= ? AND decided_at < ?"
                       " ORDER BY decided_at, id LIMIT 1000");
  q.setString(1, f.staff_id);
  q.setString(2, f.staff_id);
  q.setString(3, f.department_id);
  q.setString(4, f.department_id);
  q.setString(5, f.number);
  q.setString(6, f.number);
  q.setDateTime(7, f.decided_in ? Sql(f.decided_in->start) : "1000-01-01 00:00:00");
  q.setDateTime(8, f.decided_in ? Sql(f.decided_in->end) : "9999-12-31 23:59:59");
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::AccountabilityRecord> out;
  while (rs->next()) out.push_back(ReadRecord(*rs));
  return out;
}

}  // namespace tousu::staff::repository
