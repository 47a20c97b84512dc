#pragma once
// SQL for follow-up's schema (migrations/0001_follow_up.sql): the records of
// domain/follow_up_records.h and the task lists. Functions run inside the caller's
// transaction and throw sql::SQLException like any statement.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "complaints/followup/v1/followup.pb.h"
#include "services/follow-up/domain/follow_up_records.h"
#include "services/follow-up/domain/request_checks.h"

namespace tousu::followup {

namespace fv1 = complaints::followup::v1;

struct TaskRow {
  fv1::TaskKind kind = fv1::TASK_KIND_UNSPECIFIED;
  std::string number;
  int cycle = 0;
  absl::Time due = absl::InfinitePast();
  bool due_provisional = false;
  bool overdue = false;
};

// TaskCursor (where a page of tasks resumes) is in domain/request_checks.h.

std::optional<FollowUpRow> LoadFollowUp(db::Transaction& tx, const std::string& number,
                                        bool for_update);
// False when the complaint is already followed (a repeated or concurrent first event).
bool InsertFollowUp(db::Transaction& tx, const FollowUpRow& row);
void UpdateFollowUp(db::Transaction& tx, const FollowUpRow& row);

void AddTrackerHistory(db::Transaction& tx, const std::string& number, const std::string& tracker,
                       const std::string& how, const std::string& reason, absl::Time at);
void AddProgressUpdate(db::Transaction& tx, const std::string& number, const ProgressRow& row);
std::vector<ProgressRow> LoadProgressUpdates(db::Transaction& tx, const std::string& number);

std::vector<CallbackRow> LoadCallbacks(db::Transaction& tx, const std::string& number);
std::optional<CallbackRow> LoadCallback(db::Transaction& tx, const std::string& number, int cycle,
                                        bool for_update);
std::optional<CallbackRow> FindCallbackByToken(db::Transaction& tx,
                                               const std::string& token_sha256);
// False when the cycle already has its callback.
bool InsertCallback(db::Transaction& tx, const CallbackRow& row);
void UpdateCallback(db::Transaction& tx, const CallbackRow& row);
// Scheduled callbacks of cycles before `cycle` become cancelled; returns how many.
int CancelCallbacksBefore(db::Transaction& tx, const std::string& number, int cycle);

// Cases not yet closed, per tracker.
std::map<std::string, int64_t> OpenCasesByTracker(db::Transaction& tx);
// Scheduled (unmade) callbacks, per assigned agent.
std::map<std::string, int64_t> ScheduledCallbacksByAgent(db::Transaction& tx);
int64_t CountNotClosed(db::Transaction& tx);

// Open cases whose progress update is past due and not yet reported overdue, and scheduled
// callbacks past due and not yet reported, locked for this transaction; rows another replica holds
// are skipped.
std::vector<std::string> ClaimOverdueProgress(db::Transaction& tx, absl::Time now, int limit);
std::vector<std::pair<std::string, int>> ClaimOverdueCallbacks(db::Transaction& tx, absl::Time now,
                                                               int limit);

// The staff member's due tasks in (due, kind, number) order; kind UNSPECIFIED = both.
std::vector<TaskRow> ListTasks(db::Transaction& tx, const std::string& staff_id, fv1::TaskKind kind,
                               const std::optional<TaskCursor>& after, int limit);

}  // namespace tousu::followup
