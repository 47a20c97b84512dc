#pragma once
// SQL of training, the activity log, assessments and accountability; prepared statements only.
// Every function runs inside the caller's transaction and throws sql::SQLException like any
// statement (RunInTransaction maps it). The API messages are the model, as in the directory.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/db/transaction.h"
#include "complaints/staff/v1/assessment.pb.h"
#include "services/staff-assessment/domain/assessment.h"

namespace tousu::staff::repository {

namespace v1 = ::complaints::staff::v1;

// ---- Training ----

std::optional<v1::TrainingCourse> FindCourse(db::Transaction& tx, const std::string& id,
                                             bool for_update);
void SaveCourse(db::Transaction& tx, const v1::TrainingCourse& course, bool exists);
// role "" : every role.
std::vector<v1::TrainingCourse> ListCourses(db::Transaction& tx, const std::string& role);

std::optional<v1::TrainingPlan> FindPlan(db::Transaction& tx, const std::string& id,
                                         bool for_update);
std::optional<v1::TrainingPlan> FindPlanForRole(db::Transaction& tx, const std::string& role);
void SavePlan(db::Transaction& tx, const v1::TrainingPlan& plan, const std::string& role,
              bool exists);
std::vector<v1::TrainingPlan> ListPlans(db::Transaction& tx, const std::string& role);

// Creates the enrolment unless the person is already enrolled in the course; true if created.
bool Enrol(db::Transaction& tx, const v1::Enrolment& enrolment, absl::Time now);
std::optional<v1::Enrolment> FindEnrolment(db::Transaction& tx, const std::string& staff_id,
                                           const std::string& course_id, bool for_update);
void CompleteEnrolment(db::Transaction& tx, const std::string& staff_id,
                       const std::string& course_id, absl::Time at, const std::string& result);
// Enrolments of the given people, ordered by staff id then course id.
std::vector<v1::Enrolment> EnrolmentsOf(db::Transaction& tx, const std::string& staff_id,
                                        const std::string& department_id);

// ---- The activity log ----

void InsertActivity(db::Transaction& tx, const assessment::Activity& row);
// Keeps what is known of a complaint; empty / 0 arguments leave the stored value alone.
void NoteComplaint(db::Transaction& tx, const std::string& number, int category,
                   const std::string& department_id, const std::string& owner_staff_id);
int CategoryOf(db::Transaction& tx, const std::string& number);
// Every row of the complaints with a row happening, or a deadline falling due, in [start, end).
std::vector<assessment::Activity> ActivityForQuarter(db::Transaction& tx, assessment::Span span);

// ---- Assessments ----

struct RunRow {
  int run_number = 0;
};
// Locks the quarter's run row (or its gap), so two runs of one quarter take turns.
std::optional<RunRow> LockRun(db::Transaction& tx, int year, int quarter);
void SaveRun(db::Transaction& tx, int year, int quarter, int run_number, int people,
             const assessment::Policy& policy, absl::Time at);
void DeleteAssessments(db::Transaction& tx, int year, int quarter);
void InsertAssessment(db::Transaction& tx, const v1::Assessment& a, int satisfaction_sum);
void InsertEvidence(db::Transaction& tx, int year, int quarter, const std::string& staff_id,
                    const assessment::Evidence& e);
std::optional<v1::Assessment> FindAssessment(db::Transaction& tx, int year, int quarter,
                                             const std::string& staff_id);
std::vector<v1::Assessment> ListAssessments(db::Transaction& tx, int year, int quarter,
                                            const std::string& department_id,
                                            const std::string& grade);
std::vector<v1::AssessmentEvidence> LoadEvidence(db::Transaction& tx, int year, int quarter,
                                                 const std::string& staff_id);
// Grades of the quarter's stored assessments by department, for the gauge.
struct GradeCount {
  std::string department_id;
  std::string grade;
  int64_t count = 0;
};
std::vector<GradeCount> CountGrades(db::Transaction& tx, int year, int quarter);

// ---- Accountability ----

// Stores a suggestion unless one was made from the same event; true if stored.
bool InsertSuggestion(db::Transaction& tx, const assessment::Suggestion& s,
                      const std::string& event_ref, absl::Time at);
std::optional<v1::AccountabilitySuggestion> FindSuggestion(db::Transaction& tx, int64_t id,
                                                           bool for_update);
std::vector<v1::AccountabilitySuggestion> ListSuggestions(db::Transaction& tx, bool confirmed,
                                                          const std::string& staff_id,
                                                          const std::string& number);
// Stores the record (id and recorded_at ignored) and returns its id.
int64_t InsertRecord(db::Transaction& tx, const v1::AccountabilityRecord& r, absl::Time now);
void MarkSuggestionConfirmed(db::Transaction& tx, int64_t suggestion_id, int64_t record_id);
struct RecordFilter {
  std::string staff_id, department_id, number;
  std::optional<assessment::Span> decided_in;
};
std::vector<v1::AccountabilityRecord> ListRecords(db::Transaction& tx, const RecordFilter& f);

}  // namespace tousu::staff::repository
