#include "services/routing/repository/assignments.h"

#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/sql_time.h"
#include "common/db/sql_values.h"

namespace tousu::routing {
namespace {

using db::OptionalTime;
using db::SetOptionalString;
using db::SetOptionalTime;

constexpr char kColumns[] =
    "number, state, category, category_source, confidence, ranking, severity, channel,"
    " journey_stage, project, department_id, assisting_department_ids, owner_staff_id, complex,"
    " received_at, routed_at, ack_due, acknowledged_at, ack_on_time, escalated,"
    " supervisor_reason, bounces, hop, updated_at, queued_at, queue_due, queue_escalated";

std::string RankingText(const std::vector<Category>& ranking) {
  std::vector<std::string> parts;
  for (auto c : ranking) parts.push_back(std::to_string(static_cast<int>(c)));
  return absl::StrJoin(parts, ",");
}

std::vector<Category> ParseRanking(const std::string& text) {
  std::vector<Category> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int v = 0;
    if (absl::SimpleAtoi(part, &v) && complaints::common::v1::Category_IsValid(v)) {
      out.push_back(static_cast<Category>(v));
    }
  }
  return out;
}

Assignment ReadRow(sql::ResultSet& rs) {
  Assignment r;
  r.number = rs.getString(1);
  r.state = static_cast<AssignmentState>(rs.getInt(2));
  r.category = static_cast<Category>(rs.getInt(3));
  r.category_source = rs.getString(4);
  r.confidence = static_cast<double>(rs.getDouble(5));
  r.ranking = ParseRanking(rs.getString(6));
  r.severity = static_cast<Severity>(rs.getInt(7));
  r.channel = rs.getInt(8);
  r.journey_stage = rs.getInt(9);
  r.project = rs.getString(10);
  r.department_id = rs.isNull(11) ? "" : std::string(rs.getString(11));
  for (absl::string_view d :
       absl::StrSplit(std::string(rs.getString(12)), ',', absl::SkipEmpty())) {
    r.assisting_department_ids.emplace_back(d);
  }
  r.owner_staff_id = rs.isNull(13) ? "" : std::string(rs.getString(13));
  r.complex = rs.getBoolean(14);
  r.received_at = db::FromSqlDateTime(rs.getString(15));
  r.routed_at = OptionalTime(rs, 16);
  r.ack_due = OptionalTime(rs, 17);
  r.acknowledged_at = OptionalTime(rs, 18);
  if (!rs.isNull(19)) r.ack_on_time = rs.getBoolean(19);
  r.escalated = rs.getBoolean(20);
  r.supervisor_reason = rs.getString(21);
  r.bounces = rs.getInt(22);
  r.hop = rs.getInt(23);
  r.updated_at = db::FromSqlDateTime(rs.getString(24));
  r.queued_at = OptionalTime(rs, 25);
  r.queue_due = OptionalTime(rs, 26);
  r.queue_escalated = rs.getBoolean(27);
  return r;
}

}  // namespace

std::vector<Rule> LoadRules(db::Transaction& tx) {
  std::vector<Rule> rules;
  for (auto& [rule, at] : ListRules(tx)) rules.push_back(rule);
  return rules;
}

std::vector<std::pair<Rule, absl::Time>> ListRules(db::Transaction& tx) {
  std::vector<std::pair<Rule, absl::Time>> out;
  auto& q = tx.Prepare(
      "SELECT category, project, department_id, updated_at FROM routing_rules ORDER BY category, "
      "project");
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  while (rs->next()) {
    Rule r;
    r.category = static_cast<Category>(rs->getInt(1));
    r.project = rs->getString(2);
    r.department_id = rs->getString(3);
    out.emplace_back(r, db::FromSqlDateTime(rs->getString(4)));
  }
  return out;
}

void UpsertRule(db::Transaction& tx, const Rule& rule, absl::Time now) {
  auto& ps = tx.Prepare(
      "INSERT INTO routing_rules (category, project, department_id, updated_at) VALUES (?, ?, ?, ?)"
      " ON DUPLICATE KEY UPDATE department_id = VALUES(department_id), updated_at = "
      "VALUES(updated_at)");
  ps.setInt(1, static_cast<int>(rule.category));
  ps.setString(2, rule.project);
  ps.setString(3, rule.department_id);
  ps.setDateTime(4, db::ToSqlDateTime(now));
  ps.executeUpdate();
}

std::optional<Assignment> LoadAssignment(db::Transaction& tx, const std::string& number,
                                         bool for_update) {
  static const std::string plain =
      std::string("SELECT ") + kColumns + " FROM assignments WHERE number = ?";
  static const std::string locked = plain + " FOR UPDATE";
  auto& q = tx.Prepare(for_update ? locked : plain);
  q.setString(1, number);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadRow(*rs);
}

namespace {
// Binds every column but `number`, in kColumns order from `state`, starting at index `first`.
int BindRow(sql::PreparedStatement& ps, int first, const Assignment& r) {
  int i = first;
  ps.setInt(i++, static_cast<int>(r.state));
  ps.setInt(i++, static_cast<int>(r.category));
  ps.setString(i++, r.category_source);
  ps.setDouble(i++, r.confidence);
  ps.setString(i++, RankingText(r.ranking));
  ps.setInt(i++, static_cast<int>(r.severity));
  ps.setInt(i++, r.channel);
  ps.setInt(i++, r.journey_stage);
  ps.setString(i++, r.project);
  SetOptionalString(ps, i++, r.department_id);
  ps.setString(i++, absl::StrJoin(r.assisting_department_ids, ","));
  SetOptionalString(ps, i++, r.owner_staff_id);
  ps.setBoolean(i++, r.complex);
  ps.setDateTime(i++, db::ToSqlDateTime(r.received_at));
  SetOptionalTime(ps, i++, r.routed_at);
  SetOptionalTime(ps, i++, r.ack_due);
  SetOptionalTime(ps, i++, r.acknowledged_at);
  if (r.ack_on_time.has_value()) {
    ps.setBoolean(i++, *r.ack_on_time);
  } else {
    ps.setNull(i++, sql::DataType::TINYINT);
  }
  ps.setBoolean(i++, r.escalated);
  ps.setString(i++, r.supervisor_reason);
  ps.setInt(i++, r.bounces);
  ps.setInt(i++, r.hop);
  ps.setDateTime(i++, db::ToSqlDateTime(r.updated_at));
  SetOptionalTime(ps, i++, r.queued_at);
  SetOptionalTime(ps, i++, r.queue_due);
  ps.setBoolean(i++, r.queue_escalated);
  return i;
}
}  // namespace

bool InsertAssignment(db::Transaction& tx, const Assignment& row) {
  auto& ps = tx.Prepare(
      std::string("INSERT IGNORE INTO assignments (") + kColumns +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, row.number);
  BindRow(ps, 2, row);
  return ps.executeUpdate() == 1;
}

void UpdateAssignment(db::Transaction& tx, const Assignment& row) {
  auto& ps = tx.Prepare(
      "UPDATE assignments SET state = ?, category = ?, category_source = ?, confidence = ?,"
      " ranking = ?, severity = ?, channel = ?, journey_stage = ?, project = ?, department_id = ?,"
      " assisting_department_ids = ?, owner_staff_id = ?, complex = ?, received_at = ?,"
      " routed_at = ?, ack_due = ?, acknowledged_at = ?, ack_on_time = ?, escalated = ?,"
      " supervisor_reason = ?, bounces = ?, hop = ?, updated_at = ?, queued_at = ?, queue_due = ?,"
      " queue_escalated = ? WHERE number = ?");
  const int next = BindRow(ps, 1, row);
  ps.setString(next, row.number);
  ps.executeUpdate();
}

void AddHop(db::Transaction& tx, const std::string& number, const Hop& hop) {
  auto& ps = tx.Prepare(
      "INSERT INTO hops (number, hop, action, department_id, staff_id, reason, at) VALUES (?, ?, "
      "?, ?, ?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, hop.hop);
  ps.setString(3, hop.action);
  ps.setString(4, hop.department_id);
  ps.setString(5, hop.staff_id);
  ps.setString(6, hop.reason);
  ps.setDateTime(7, db::ToSqlDateTime(hop.at));
  ps.executeUpdate();
}

std::vector<Hop> LoadHops(db::Transaction& tx, const std::string& number) {
  auto& q = tx.Prepare(
      "SELECT hop, action, department_id, staff_id, reason, at FROM hops WHERE number = ? ORDER BY "
      "id");
  q.setString(1, number);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<Hop> out;
  while (rs->next()) {
    Hop h;
    h.hop = rs->getInt(1);
    h.action = rs->getString(2);
    h.department_id = rs->getString(3);
    h.staff_id = rs->getString(4);
    h.reason = rs->getString(5);
    h.at = db::FromSqlDateTime(rs->getString(6));
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<Assignment> ListByState(db::Transaction& tx, AssignmentState state,
                                    const std::string& department_id,
                                    const std::string& after_number, int limit) {
  static const std::string any =
      std::string("SELECT ") + kColumns +
      " FROM assignments WHERE state = ? AND number > ? ORDER BY number LIMIT ?";
  static const std::string by_department = std::string("SELECT ") + kColumns +
                                           " FROM assignments WHERE state = ? AND department_id = "
                                           "? AND number > ? ORDER BY number LIMIT ?";
  auto& q = tx.Prepare(department_id.empty() ? any : by_department);
  int i = 1;
  q.setInt(i++, static_cast<int>(state));
  if (!department_id.empty()) q.setString(i++, department_id);
  q.setString(i++, after_number);
  q.setInt(i++, limit);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<Assignment> out;
  while (rs->next()) out.push_back(ReadRow(*rs));
  return out;
}

namespace {
// Numbers of assignments in `state` whose deadline `query` looks for passed by `now`, locked for
// this transaction; rows another replica holds are skipped. `query` binds state, now and limit.
std::vector<std::string> ClaimPassed(db::Transaction& tx, const char* query, AssignmentState state,
                                     absl::Time now, int limit) {
  auto& q = tx.Prepare(query);
  q.setInt(1, static_cast<int>(state));
  q.setDateTime(2, db::ToSqlDateTime(now));
  q.setInt(3, limit);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<std::string> out;
  while (rs->next()) out.push_back(rs->getString(1));
  return out;
}
}  // namespace

std::vector<std::string> ClaimOverdue(db::Transaction& tx, absl::Time now, int limit) {
  return ClaimPassed(tx,
                     "SELECT number FROM assignments WHERE state = ? AND escalated = 0 AND "
                     "ack_due <= ? ORDER BY ack_due LIMIT ? FOR UPDATE SKIP LOCKED",
                     complaints::routing::v1::ASSIGNMENT_STATE_ROUTED, now, limit);
}

std::vector<std::string> ClaimQueueOverdue(db::Transaction& tx, absl::Time now, int limit) {
  return ClaimPassed(tx,
                     "SELECT number FROM assignments WHERE state = ? AND queue_escalated = 0 AND "
                     "queue_due <= ? ORDER BY queue_due LIMIT ? FOR UPDATE SKIP LOCKED",
                     complaints::routing::v1::ASSIGNMENT_STATE_WITH_SUPERVISOR, now, limit);
}

int64_t CountState(db::Transaction& tx, AssignmentState state) {
  auto& q = tx.Prepare("SELECT COUNT(*) FROM assignments WHERE state = ?");
  q.setInt(1, static_cast<int>(state));
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

}  // namespace tousu::routing
