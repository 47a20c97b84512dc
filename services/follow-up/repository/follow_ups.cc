#include "services/follow-up/repository/follow_ups.h"

#include <cppconn/resultset.h>

#include <memory>

#include "common/db/sql_time.h"
#include "common/db/sql_values.h"

namespace tousu::followup {
namespace {

using db::OptionalTime;
using db::SetOptionalBool;
using db::SetOptionalTime;

constexpr char kFollowUpColumns[] =
    "number, state, cycle, department_id, owner_staff_id, tracker_staff_id, opened_at,"
    " progress_anchor_at, last_informed_at, progress_due, progress_due_provisional, "
    "progress_overdue,"
    " closed_at, updated_at";

constexpr char kCallbackColumns[] =
    "number, cycle, status, assigned_agent_staff_id, resolved_at, due, due_provisional, overdue,"
    " token_sha256, token_issued_at, method, recorded_by_staff_id, satisfaction, comments, "
    "suggestions,"
    " recorded_at, on_time, unsatisfied";

FollowUpRow ReadFollowUp(sql::ResultSet& rs) {
  FollowUpRow r;
  r.number = rs.getString(1);
  r.state = static_cast<fv1::FollowUpState>(rs.getInt(2));
  r.cycle = rs.getInt(3);
  r.department_id = rs.getString(4);
  r.owner_staff_id = rs.getString(5);
  r.tracker_staff_id = rs.getString(6);
  r.opened_at = db::FromSqlDateTime(rs.getString(7));
  r.progress_anchor_at = OptionalTime(rs, 8);
  r.last_informed_at = OptionalTime(rs, 9);
  r.progress_due = OptionalTime(rs, 10);
  r.progress_due_provisional = rs.getBoolean(11);
  r.progress_overdue = rs.getBoolean(12);
  r.closed_at = OptionalTime(rs, 13);
  r.updated_at = db::FromSqlDateTime(rs.getString(14));
  return r;
}

// Binds every column but `number`, in kFollowUpColumns order, starting at `first`.
int BindFollowUp(sql::PreparedStatement& ps, int first, const FollowUpRow& r) {
  int i = first;
  ps.setInt(i++, static_cast<int>(r.state));
  ps.setInt(i++, r.cycle);
  ps.setString(i++, r.department_id);
  ps.setString(i++, r.owner_staff_id);
  ps.setString(i++, r.tracker_staff_id);
  ps.setDateTime(i++, db::ToSqlDateTime(r.opened_at));
  SetOptionalTime(ps, i++, r.progress_anchor_at);
  SetOptionalTime(ps, i++, r.last_informed_at);
  SetOptionalTime(ps, i++, r.progress_due);
  ps.setBoolean(i++, r.progress_due_provisional);
  ps.setBoolean(i++, r.progress_overdue);
  SetOptionalTime(ps, i++, r.closed_at);
  ps.setDateTime(i++, db::ToSqlDateTime(r.updated_at));
  return i;
}

CallbackRow ReadCallback(sql::ResultSet& rs) {
  CallbackRow r;
  r.number = rs.getString(1);
  r.cycle = rs.getInt(2);
  r.status = static_cast<fv1::CallbackStatus>(rs.getInt(3));
  r.assigned_agent_staff_id = rs.getString(4);
  r.resolved_at = db::FromSqlDateTime(rs.getString(5));
  r.due = db::FromSqlDateTime(rs.getString(6));
  r.due_provisional = rs.getBoolean(7);
  r.overdue = rs.getBoolean(8);
  if (!rs.isNull(9)) r.token_sha256 = std::string(rs.getString(9));
  r.token_issued_at = OptionalTime(rs, 10);
  r.method = static_cast<fv1::CallbackMethod>(rs.getInt(11));
  r.recorded_by_staff_id = rs.getString(12);
  if (!rs.isNull(13)) r.satisfaction = rs.getInt(13);
  if (!rs.isNull(14)) r.comments = rs.getString(14);
  if (!rs.isNull(15)) r.suggestions = rs.getString(15);
  r.recorded_at = OptionalTime(rs, 16);
  if (!rs.isNull(17)) r.on_time = rs.getBoolean(17);
  if (!rs.isNull(18)) r.unsatisfied = rs.getBoolean(18);
  return r;
}

// Binds every column but the key (number, cycle), in kCallbackColumns order, from `first`.
int BindCallback(sql::PreparedStatement& ps, int first, const CallbackRow& r) {
  int i = first;
  ps.setInt(i++, static_cast<int>(r.status));
  ps.setString(i++, r.assigned_agent_staff_id);
  ps.setDateTime(i++, db::ToSqlDateTime(r.resolved_at));
  ps.setDateTime(i++, db::ToSqlDateTime(r.due));
  ps.setBoolean(i++, r.due_provisional);
  ps.setBoolean(i++, r.overdue);
  if (r.token_sha256.has_value()) {
    ps.setString(i++, *r.token_sha256);
  } else {
    ps.setNull(i++, sql::DataType::CHAR);
  }
  SetOptionalTime(ps, i++, r.token_issued_at);
  ps.setInt(i++, static_cast<int>(r.method));
  ps.setString(i++, r.recorded_by_staff_id);
  if (r.satisfaction.has_value()) {
    ps.setInt(i++, *r.satisfaction);
  } else {
    ps.setNull(i++, sql::DataType::TINYINT);
  }
  ps.setString(i++, r.comments);
  ps.setString(i++, r.suggestions);
  SetOptionalTime(ps, i++, r.recorded_at);
  SetOptionalBool(ps, i++, r.on_time);
  SetOptionalBool(ps, i++, r.unsatisfied);
  return i;
}

std::map<std::string, int64_t> CountsBy(db::Transaction& tx, const std::string& sql) {
  auto& q = tx.Prepare(sql);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::map<std::string, int64_t> out;
  while (rs->next()) out[rs->getString(1)] = rs->getInt64(2);
  return out;
}

}  // namespace

std::optional<FollowUpRow> LoadFollowUp(db::Transaction& tx, const std::string& number,
                                        bool for_update) {
  static const std::string plain =
      std::string("SELECT ") + kFollowUpColumns + " FROM follow_ups WHERE number = ?";
  static const std::string locked = plain + " FOR UPDATE";
  auto& q = tx.Prepare(for_update ? locked : plain);
  q.setString(1, number);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadFollowUp(*rs);
}

bool InsertFollowUp(db::Transaction& tx, const FollowUpRow& row) {
  auto& ps = tx.Prepare(std::string("INSERT IGNORE INTO follow_ups (") + kFollowUpColumns +
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, row.number);
  BindFollowUp(ps, 2, row);
  return ps.executeUpdate() == 1;
}

void UpdateFollowUp(db::Transaction& tx, const FollowUpRow& row) {
  auto& ps = tx.Prepare(
      "UPDATE follow_ups SET state = ?, cycle = ?, department_id = ?, owner_staff_id = ?, "
      "tracker_staff_id = ?,"
      " opened_at = ?, progress_anchor_at = ?, last_informed_at = ?, progress_due = ?,"
      " progress_due_provisional = ?, progress_overdue = ?, closed_at = ?, updated_at = ? WHERE "
      "number = ?");
  const int next = BindFollowUp(ps, 1, row);
  ps.setString(next, row.number);
  ps.executeUpdate();
}

void AddTrackerHistory(db::Transaction& tx, const std::string& number, const std::string& tracker,
                       const std::string& how, const std::string& reason, absl::Time at) {
  auto& ps = tx.Prepare(
      "INSERT INTO tracker_history (number, tracker_staff_id, how, reason, at) VALUES (?, ?, ?, ?, "
      "?)");
  ps.setString(1, number);
  ps.setString(2, tracker);
  ps.setString(3, how);
  ps.setString(4, reason);
  ps.setDateTime(5, db::ToSqlDateTime(at));
  ps.executeUpdate();
}

void AddProgressUpdate(db::Transaction& tx, const std::string& number, const ProgressRow& row) {
  auto& ps = tx.Prepare(
      "INSERT INTO progress_updates (number, cycle, source, staff_id, summary, due, at, on_time)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, row.cycle);
  ps.setString(3, row.source);
  ps.setString(4, row.staff_id);
  ps.setString(5, row.summary);
  SetOptionalTime(ps, 6, row.due);
  ps.setDateTime(7, db::ToSqlDateTime(row.at));
  ps.setBoolean(8, row.on_time);
  ps.executeUpdate();
}

std::vector<ProgressRow> LoadProgressUpdates(db::Transaction& tx, const std::string& number) {
  auto& q = tx.Prepare(
      "SELECT cycle, source, staff_id, summary, due, at, on_time FROM progress_updates WHERE "
      "number = ? ORDER BY id");
  q.setString(1, number);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<ProgressRow> out;
  while (rs->next()) {
    ProgressRow p;
    p.cycle = rs->getInt(1);
    p.source = rs->getString(2);
    p.staff_id = rs->getString(3);
    p.summary = rs->getString(4);
    p.due = OptionalTime(*rs, 5);
    p.at = db::FromSqlDateTime(rs->getString(6));
    p.on_time = rs->getBoolean(7);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<CallbackRow> LoadCallbacks(db::Transaction& tx, const std::string& number) {
  static const std::string sql =
      std::string("SELECT ") + kCallbackColumns + " FROM callbacks WHERE number = ? ORDER BY cycle";
  auto& q = tx.Prepare(sql);
  q.setString(1, number);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<CallbackRow> out;
  while (rs->next()) out.push_back(ReadCallback(*rs));
  return out;
}

std::optional<CallbackRow> LoadCallback(db::Transaction& tx, const std::string& number, int cycle,
                                        bool for_update) {
  static const std::string plain =
      std::string("SELECT ") + kCallbackColumns + " FROM callbacks WHERE number = ? AND cycle = ?";
  static const std::string locked = plain + " FOR UPDATE";
  auto& q = tx.Prepare(for_update ? locked : plain);
  q.setString(1, number);
  q.setInt(2, cycle);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadCallback(*rs);
}

std::optional<CallbackRow> FindCallbackByToken(db::Transaction& tx,
                                               const std::string& token_sha256) {
  static const std::string sql =
      std::string("SELECT ") + kCallbackColumns + " FROM callbacks WHERE token_sha256 = ?";
  auto& q = tx.Prepare(sql);
  q.setString(1, token_sha256);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadCallback(*rs);
}

bool InsertCallback(db::Transaction& tx, const CallbackRow& row) {
  auto& ps = tx.Prepare(std::string("INSERT IGNORE INTO callbacks (") + kCallbackColumns +
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, row.number);
  ps.setInt(2, row.cycle);
  BindCallback(ps, 3, row);
  return ps.executeUpdate() == 1;
}

void UpdateCallback(db::Transaction& tx, const CallbackRow& row) {
  auto& ps = tx.Prepare(
      "UPDATE callbacks SET status = ?, assigned_agent_staff_id = ?, resolved_at = ?, due = ?, "
      "due_provisional = ?,"
      " overdue = ?, token_sha256 = ?, token_issued_at = ?, method = ?, recorded_by_staff_id = ?,"
      " satisfaction = ?, comments = ?, suggestions = ?, recorded_at = ?, on_time = ?, unsatisfied "
      "= ?"
      " WHERE number = ? AND cycle = ?");
  const int next = BindCallback(ps, 1, row);
  ps.setString(next, row.number);
  ps.setInt(next + 1, row.cycle);
  ps.executeUpdate();
}

int CancelCallbacksBefore(db::Transaction& tx, const std::string& number, int cycle) {
  auto& ps =
      tx.Prepare("UPDATE callbacks SET status = ? WHERE number = ? AND cycle < ? AND status = ?");
  ps.setInt(1, fv1::CALLBACK_STATUS_CANCELLED);
  ps.setString(2, number);
  ps.setInt(3, cycle);
  ps.setInt(4, fv1::CALLBACK_STATUS_SCHEDULED);
  return ps.executeUpdate();
}

std::map<std::string, int64_t> OpenCasesByTracker(db::Transaction& tx) {
  static const std::string sql =
      "SELECT tracker_staff_id, COUNT(*) FROM follow_ups WHERE state <> " +
      std::to_string(fv1::FOLLOW_UP_STATE_CLOSED) +
      " AND tracker_staff_id <> '' GROUP BY tracker_staff_id";
  return CountsBy(tx, sql);
}

std::map<std::string, int64_t> ScheduledCallbacksByAgent(db::Transaction& tx) {
  static const std::string sql =
      "SELECT assigned_agent_staff_id, COUNT(*) FROM callbacks WHERE status = " +
      std::to_string(fv1::CALLBACK_STATUS_SCHEDULED) +
      " AND assigned_agent_staff_id <> '' GROUP BY assigned_agent_staff_id";
  return CountsBy(tx, sql);
}

int64_t CountNotClosed(db::Transaction& tx) {
  auto& q = tx.Prepare("SELECT COUNT(*) FROM follow_ups WHERE state <> ?");
  q.setInt(1, fv1::FOLLOW_UP_STATE_CLOSED);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

std::vector<std::string> ClaimOverdueProgress(db::Transaction& tx, absl::Time now, int limit) {
  auto& q = tx.Prepare(
      "SELECT number FROM follow_ups WHERE state = ? AND progress_overdue = 0 AND progress_due <= ?"
      " ORDER BY progress_due LIMIT ? FOR UPDATE SKIP LOCKED");
  q.setInt(1, fv1::FOLLOW_UP_STATE_OPEN);
  q.setDateTime(2, db::ToSqlDateTime(now));
  q.setInt(3, limit);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<std::string> out;
  while (rs->next()) out.push_back(rs->getString(1));
  return out;
}

std::vector<std::pair<std::string, int>> ClaimOverdueCallbacks(db::Transaction& tx, absl::Time now,
                                                               int limit) {
  auto& q = tx.Prepare(
      "SELECT number, cycle FROM callbacks WHERE status = ? AND overdue = 0 AND due <= ?"
      " ORDER BY due LIMIT ? FOR UPDATE SKIP LOCKED");
  q.setInt(1, fv1::CALLBACK_STATUS_SCHEDULED);
  q.setDateTime(2, db::ToSqlDateTime(now));
  q.setInt(3, limit);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<std::pair<std::string, int>> out;
  while (rs->next()) out.emplace_back(rs->getString(1), rs->getInt(2));
  return out;
}

std::vector<TaskRow> ListTasks(db::Transaction& tx, const std::string& staff_id, fv1::TaskKind kind,
                               const std::optional<TaskCursor>& after, int limit) {
  const std::string progress =
      "SELECT 1 AS kind, number, cycle, progress_due AS due, progress_due_provisional AS "
      "provisional,"
      " progress_overdue AS overdue FROM follow_ups"
      " WHERE tracker_staff_id = ? AND state = 1 AND progress_due IS NOT NULL";
  const std::string callbacks =
      "SELECT 2 AS kind, number, cycle, due, due_provisional AS provisional, overdue FROM callbacks"
      " WHERE assigned_agent_staff_id = ? AND status = 1";
  std::string sql = "SELECT kind, number, cycle, due, provisional, overdue FROM (";
  int branches = 0;
  if (kind != fv1::TASK_KIND_CALLBACK) {
    sql += progress;
    ++branches;
  }
  if (kind != fv1::TASK_KIND_PROGRESS_UPDATE) {
    if (branches > 0) sql += " UNION ALL ";
    sql += callbacks;
    ++branches;
  }
  sql += ") t";
  if (after) sql += " WHERE (due > ? OR (due = ? AND (kind > ? OR (kind = ? AND number > ?))))";
  sql += " ORDER BY due, kind, number LIMIT ?";
  auto& q = tx.Prepare(sql);
  int i = 1;
  for (int b = 0; b < branches; ++b) q.setString(i++, staff_id);
  if (after) {
    const std::string due = db::ToSqlDateTime(after->due);
    q.setDateTime(i++, due);
    q.setDateTime(i++, due);
    q.setInt(i++, after->kind);
    q.setInt(i++, after->kind);
    q.setString(i++, after->number);
  }
  q.setInt(i++, limit);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<TaskRow> out;
  while (rs->next()) {
    TaskRow t;
    t.kind = static_cast<fv1::TaskKind>(rs->getInt(1));
    t.number = rs->getString(2);
    t.cycle = rs->getInt(3);
    t.due = db::FromSqlDateTime(rs->getString(4));
    t.due_provisional = rs->getBoolean(5);
    t.overdue = rs->getBoolean(6);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace tousu::followup
