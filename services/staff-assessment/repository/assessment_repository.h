#pragma once
// SQL of the quarterly assessment (policy §9.2): the activity log the events fill, what is known of
// each complaint, the runs, the assessments and the evidence behind them; prepared statements
// only. Every function runs inside the caller's transaction and throws sql::SQLException like any
// statement (RunInTransaction maps it). The API messages are the model, as in the directory.

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "complaints/staff/v1/assessment.pb.h"
#include "services/staff-assessment/domain/assessment.h"

namespace tousu::staff::repository {

namespace v1 = ::complaints::staff::v1;

// ---- The activity log ----

// A repeat of an event already logged is ignored.
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

}  // namespace tousu::staff::repository
