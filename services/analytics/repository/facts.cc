#include "services/analytics/repository/facts.h"

#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>

#include "common/db/sql_time.h"
#include "common/db/sql_values.h"

namespace tousu::analytics {
namespace {

using db::OptionalTime;
using db::SetOptionalTime;

constexpr char kFactColumns[] =
    "number, month, channel, stage, category, severity, project, department_id, received_at,"
    " routed_at, acknowledged_at, first_solution_at, resolved_at, callback_at, closed_at,"
    " reopen_count, ack_sla, solution_sla, callback_sla";

Fact ReadFact(sql::ResultSet& rs) {
  Fact f;
  f.number = rs.getString(1);
  if (!rs.isNull(2)) f.month = rs.getInt(2);
  f.channel = rs.getInt(3);
  f.stage = rs.getInt(4);
  f.category = rs.getInt(5);
  f.severity = rs.getInt(6);
  f.project = rs.getString(7);
  f.department_id = rs.getString(8);
  f.received_at = OptionalTime(rs, 9);
  f.routed_at = OptionalTime(rs, 10);
  f.acknowledged_at = OptionalTime(rs, 11);
  f.first_solution_at = OptionalTime(rs, 12);
  f.resolved_at = OptionalTime(rs, 13);
  f.callback_at = OptionalTime(rs, 14);
  f.closed_at = OptionalTime(rs, 15);
  f.reopen_count = rs.getInt(16);
  f.ack_sla = static_cast<Sla>(rs.getInt(17));
  f.solution_sla = static_cast<Sla>(rs.getInt(18));
  f.callback_sla = static_cast<Sla>(rs.getInt(19));
  return f;
}

// "(?='' OR project=?) AND ..." bound from `first`.
constexpr char kFilterSql[] =
    " AND (?='' OR f.project=?) AND (?=0 OR f.category=?) AND (?='' OR f.department_id=?)";

int BindFilter(sql::PreparedStatement& ps, int first, const MonthFilter& filter) {
  int i = first;
  ps.setString(i++, filter.project);
  ps.setString(i++, filter.project);
  ps.setInt(i++, filter.category);
  ps.setInt(i++, filter.category);
  ps.setString(i++, filter.department_id);
  ps.setString(i++, filter.department_id);
  return i;
}

// Adds sign * each count to the month's stored rollups in one statement; the rows are locked in
// key order (the map's), the same order in every transaction, so concurrent events queue
// rather than deadlock on the hot whole-month rows.
void BumpMonthCounts(db::Transaction& tx, int month, const ScopedRollup& delta, int sign) {
  size_t rows = 0;
  for (const auto& [scope, r] : delta) rows += r.size();
  if (rows == 0) return;
  std::string sql = "INSERT INTO monthly_counts (month, scope, dimension, value, count) VALUES ";
  for (size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)";
  sql += " ON DUPLICATE KEY UPDATE count = count + VALUES(count)";
  auto& bump = tx.Prepare(sql);
  int i = 1;
  for (const auto& [scope, r] : delta) {
    for (const auto& [key, n] : r) {
      bump.setInt(i++, month);
      bump.setString(i++, scope);
      bump.setString(i++, key.first);
      bump.setString(i++, key.second);
      bump.setInt64(i++, sign * n);
    }
  }
  bump.executeUpdate();
}

}  // namespace

Fact LockFact(db::Transaction& tx, const std::string& number) {
  auto& create = tx.Prepare("INSERT IGNORE INTO complaint_facts (number) VALUES (?)");
  create.setString(1, number);
  create.executeUpdate();
  auto& select = tx.Prepare(std::string("SELECT ") + kFactColumns +
                            " FROM complaint_facts WHERE number = ? FOR UPDATE");
  select.setString(1, number);
  std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
  Fact f;
  f.number = number;
  if (rs->next()) f = ReadFact(*rs);
  auto& sat = tx.Prepare("SELECT cycle, score FROM complaint_satisfaction WHERE number = ?");
  sat.setString(1, number);
  std::unique_ptr<sql::ResultSet> srs(sat.executeQuery());
  while (srs->next()) f.satisfaction[srs->getInt(1)] = srs->getInt(2);
  return f;
}

void SaveFact(db::Transaction& tx, const Fact& before, const Fact& after, absl::Time now) {
  auto& update = tx.Prepare(
      "UPDATE complaint_facts SET month = ?, channel = ?, stage = ?, category = ?, severity = ?,"
      " project = ?, department_id = ?, received_at = ?, routed_at = ?, acknowledged_at = ?,"
      " first_solution_at = ?, resolved_at = ?, callback_at = ?, closed_at = ?, reopen_count = ?,"
      " ack_sla = ?, solution_sla = ?, callback_sla = ?, updated_at = ? WHERE number = ?");
  int i = 1;
  if (after.month) {
    update.setInt(i++, *after.month);
  } else {
    update.setNull(i++, sql::DataType::INTEGER);
  }
  update.setInt(i++, after.channel);
  update.setInt(i++, after.stage);
  update.setInt(i++, after.category);
  update.setInt(i++, after.severity);
  update.setString(i++, after.project);
  update.setString(i++, after.department_id);
  SetOptionalTime(update, i++, after.received_at);
  SetOptionalTime(update, i++, after.routed_at);
  SetOptionalTime(update, i++, after.acknowledged_at);
  SetOptionalTime(update, i++, after.first_solution_at);
  SetOptionalTime(update, i++, after.resolved_at);
  SetOptionalTime(update, i++, after.callback_at);
  SetOptionalTime(update, i++, after.closed_at);
  update.setInt(i++, after.reopen_count);
  update.setInt(i++, static_cast<int>(after.ack_sla));
  update.setInt(i++, static_cast<int>(after.solution_sla));
  update.setInt(i++, static_cast<int>(after.callback_sla));
  update.setDateTime(i++, db::ToSqlDateTime(now));
  update.setString(i++, after.number);
  update.executeUpdate();

  for (const auto& [cycle, score] : after.satisfaction) {
    auto it = before.satisfaction.find(cycle);
    if (it != before.satisfaction.end() && it->second == score) continue;
    auto& put = tx.Prepare(
        "INSERT INTO complaint_satisfaction (number, cycle, score) VALUES (?, ?, ?)"
        " ON DUPLICATE KEY UPDATE score = VALUES(score)");
    put.setString(1, after.number);
    put.setInt(2, cycle);
    put.setInt(3, score);
    put.executeUpdate();
  }

  // Removed contributions count against the old month, added ones for the new.
  const ScopedRollup old_rollup = ScopedRollupOf(before), new_rollup = ScopedRollupOf(after);
  if (before.month == after.month) {
    if (after.month) BumpMonthCounts(tx, *after.month, ScopedRollupDiff(old_rollup, new_rollup), 1);
  } else {
    if (before.month) BumpMonthCounts(tx, *before.month, old_rollup, -1);
    if (after.month) BumpMonthCounts(tx, *after.month, new_rollup, 1);
  }
}

Rollup LoadMonthCounts(db::Transaction& tx, int month, const std::string& scope) {
  auto& q = tx.Prepare(
      "SELECT dimension, value, count FROM monthly_counts WHERE month = ? AND scope = ?"
      " AND count <> 0");
  q.setInt(1, month);
  q.setString(2, scope);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  Rollup r;
  while (rs->next())
    r[{std::string(rs->getString(1)), std::string(rs->getString(2))}] = rs->getInt64(3);
  return r;
}

ScopedRollup LoadAllMonthCounts(db::Transaction& tx, int month) {
  auto& q = tx.Prepare(
      "SELECT scope, dimension, value, count FROM monthly_counts WHERE month = ? AND count <> 0");
  q.setInt(1, month);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  ScopedRollup r;
  while (rs->next()) {
    r[rs->getString(1)][{std::string(rs->getString(2)), std::string(rs->getString(3))}] =
        rs->getInt64(4);
  }
  return r;
}

std::map<int, int64_t> LoadSeries(db::Transaction& tx, const std::string& dimension,
                                  const std::string& value, int from, int to,
                                  const std::string& scope) {
  auto& q = tx.Prepare(
      "SELECT month, count FROM monthly_counts WHERE scope = ? AND dimension = ? AND value = ?"
      " AND month BETWEEN ? AND ?");
  q.setString(1, scope);
  q.setString(2, dimension);
  q.setString(3, value);
  q.setInt(4, from);
  q.setInt(5, to);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::map<int, int64_t> out;
  while (rs->next()) out[rs->getInt(1)] = rs->getInt64(2);
  return out;
}

std::vector<std::pair<std::string, int64_t>> LoadDimension(db::Transaction& tx, int month,
                                                           const std::string& dimension) {
  auto& q = tx.Prepare(
      "SELECT value, count FROM monthly_counts WHERE month = ? AND scope = '' AND dimension = ?"
      " AND count > 0 ORDER BY value");
  q.setInt(1, month);
  q.setString(2, dimension);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<std::pair<std::string, int64_t>> out;
  while (rs->next()) out.emplace_back(rs->getString(1), rs->getInt64(2));
  return out;
}

void ScanMonth(db::Transaction& tx, int month, const MonthFilter& filter,
               const std::function<void(const Fact&)>& fn) {
  static const std::string qualified = [] {
    // Every column qualified with the alias f.
    std::string out = "f.", cols = kFactColumns;
    for (char c : cols) {
      if (c == ' ') continue;
      out += c;
      if (c == ',') out += " f.";
    }
    return out;
  }();
  auto& q =
      tx.Prepare("SELECT " + qualified + " FROM complaint_facts f WHERE f.month = ?" + kFilterSql);
  q.setInt(1, month);
  BindFilter(q, 2, filter);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  while (rs->next()) fn(ReadFact(*rs));
}

ScopedRollup RecomputeMonth(db::Transaction& tx, int month, int64_t* facts) {
  // Satisfaction first (grouped per fact), then one locking pass over the facts in key order.
  std::map<std::string, std::map<int, int>> satisfaction;
  auto& sat = tx.Prepare(
      "SELECT s.number, s.cycle, s.score FROM complaint_satisfaction s"
      " JOIN complaint_facts f ON f.number = s.number WHERE f.month = ?");
  sat.setInt(1, month);
  std::unique_ptr<sql::ResultSet> srs(sat.executeQuery());
  while (srs->next()) satisfaction[srs->getString(1)][srs->getInt(2)] = srs->getInt(3);

  auto& q = tx.Prepare(std::string("SELECT ") + kFactColumns +
                       " FROM complaint_facts WHERE month = ? ORDER BY number FOR UPDATE");
  q.setInt(1, month);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  ScopedRollup out;
  *facts = 0;
  while (rs->next()) {
    Fact f = ReadFact(*rs);
    if (auto it = satisfaction.find(f.number); it != satisfaction.end()) {
      f.satisfaction = std::move(it->second);
    }
    for (const auto& [scope, r] : ScopedRollupOf(f)) {
      Rollup& into = out[scope];
      for (const auto& [key, n] : r) into[key] += n;
    }
    ++*facts;
  }
  return out;
}

void ReplaceMonthCounts(db::Transaction& tx, int month, const ScopedRollup& rollup) {
  auto& wipe = tx.Prepare("DELETE FROM monthly_counts WHERE month = ?");
  wipe.setInt(1, month);
  wipe.executeUpdate();
  // In slices of 500 rows, so no statement grows past the server's limit on bound parameters.
  ScopedRollup slice;
  size_t rows = 0;
  for (const auto& [scope, r] : rollup) {
    for (const auto& [key, n] : r) {
      if (n == 0) continue;
      slice[scope][key] = n;
      if (++rows == 500) {
        BumpMonthCounts(tx, month, slice, 1);
        slice.clear();
        rows = 0;
      }
    }
  }
  BumpMonthCounts(tx, month, slice, 1);
}

std::optional<std::string> MonthFilter::scope() const {
  const int set = !project.empty() + (category != 0) + !department_id.empty();
  if (set == 0) return std::string();
  if (set > 1) return std::nullopt;
  if (!project.empty()) return ProjectScope(project);
  if (category != 0) return CategoryScope(category);
  return DepartmentScope(department_id);
}

int64_t CountMonth(db::Transaction& tx, int month, const MonthFilter& filter) {
  auto& q = tx.Prepare(std::string("SELECT COUNT(*) FROM complaint_facts f WHERE f.month = ?") +
                       kFilterSql);
  q.setInt(1, month);
  BindFilter(q, 2, filter);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

std::map<int, int64_t> SatisfactionOf(db::Transaction& tx, int month, const MonthFilter& filter) {
  auto& q =
      tx.Prepare(std::string("SELECT s.score, COUNT(*) FROM complaint_satisfaction s"
                             " JOIN complaint_facts f ON f.number = s.number WHERE f.month = ?") +
                 kFilterSql + " GROUP BY s.score");
  q.setInt(1, month);
  BindFilter(q, 2, filter);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::map<int, int64_t> out;
  while (rs->next()) out[rs->getInt(1)] = rs->getInt64(2);
  return out;
}

bool InsertAlert(db::Transaction& tx, const AlertRow& a) {
  auto& ins = tx.Prepare(
      "INSERT IGNORE INTO spike_alerts (month, dimension, value, count, trailing_mean,"
      " trailing_stddev, threshold, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  ins.setInt(1, a.month);
  ins.setString(2, a.dimension);
  ins.setString(3, a.value);
  ins.setInt64(4, a.count);
  ins.setDouble(5, a.mean);
  ins.setDouble(6, a.stddev);
  ins.setDouble(7, a.threshold);
  ins.setDateTime(8, db::ToSqlDateTime(a.detected_at));
  return ins.executeUpdate() == 1;
}

std::vector<AlertRow> LoadAlerts(db::Transaction& tx, int month) {
  auto& q = tx.Prepare(
      "SELECT month, dimension, value, count, trailing_mean, trailing_stddev, threshold,"
      " detected_at FROM spike_alerts WHERE month = ? ORDER BY dimension, value");
  q.setInt(1, month);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<AlertRow> out;
  while (rs->next()) {
    AlertRow a;
    a.month = rs->getInt(1);
    a.dimension = rs->getString(2);
    a.value = rs->getString(3);
    a.count = rs->getInt64(4);
    a.mean = rs->getDouble(5);
    a.stddev = rs->getDouble(6);
    a.threshold = rs->getDouble(7);
    a.detected_at = db::FromSqlDateTime(rs->getString(8));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace tousu::analytics

namespace tousu::analytics {

std::vector<CaseRow> LoadTypicalCases(db::Transaction& tx, int month, int per_rule) {
  // Each rule is one ORDER BY over the month's facts.
  static const std::pair<const char*, const char*> kRules[] = {
      {"longest_resolution",
       " AND received_at IS NOT NULL AND resolved_at IS NOT NULL"
       " ORDER BY TIMESTAMPDIFF(MICROSECOND, received_at, resolved_at) DESC, number"},
      {"reopened", " AND reopen_count > 0 ORDER BY reopen_count DESC, number"},
      {"critical", " AND severity = 4 ORDER BY received_at DESC, number"},  // SEVERITY_CRITICAL
  };
  std::vector<CaseRow> out;
  for (const auto& [reason, rule] : kRules) {
    auto& q = tx.Prepare(std::string("SELECT ") + kFactColumns +
                         " FROM complaint_facts WHERE month = ?" + rule + " LIMIT ?");
    q.setInt(1, month);
    // Enough rows to find `per_rule` not picked by an earlier rule.
    q.setInt(2, per_rule + static_cast<int>(out.size()));
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    int added = 0;
    while (added < per_rule && rs->next()) {
      Fact f = ReadFact(*rs);
      const bool seen = std::any_of(out.begin(), out.end(),
                                    [&](const CaseRow& c) { return c.fact.number == f.number; });
      if (seen) continue;
      out.push_back({std::move(f), reason});
      ++added;
    }
  }
  return out;
}

bool MonthClosed(db::Transaction& tx, int month) {
  auto& q = tx.Prepare("SELECT 1 FROM month_end_runs WHERE month = ?");
  q.setInt(1, month);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  return rs->next();
}

void RecordMonthClosed(db::Transaction& tx, int month, int spike_alerts, absl::Time at) {
  auto& put = tx.Prepare(
      "INSERT IGNORE INTO month_end_runs (month, spike_alerts, completed_at) VALUES (?, ?, ?)");
  put.setInt(1, month);
  put.setInt(2, spike_alerts);
  put.setDateTime(3, db::ToSqlDateTime(at));
  put.executeUpdate();
}

void SaveReport(db::Transaction& tx, const ReportRow& r) {
  auto& put = tx.Prepare(
      "INSERT INTO monthly_reports (month, html, json, generated_at) VALUES (?, ?, ?, ?)"
      " ON DUPLICATE KEY UPDATE html = VALUES(html), json = VALUES(json),"
      " generated_at = VALUES(generated_at)");
  put.setInt(1, r.month);
  put.setString(2, r.html);
  put.setString(3, r.json);
  put.setDateTime(4, db::ToSqlDateTime(r.generated_at));
  put.executeUpdate();
}

bool LoadReport(db::Transaction& tx, int month, ReportRow* out) {
  auto& q =
      tx.Prepare("SELECT month, html, json, generated_at FROM monthly_reports WHERE month = ?");
  q.setInt(1, month);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return false;
  out->month = rs->getInt(1);
  out->html = rs->getString(2);
  out->json = rs->getString(3);
  out->generated_at = db::FromSqlDateTime(rs->getString(4));
  return true;
}

}  // namespace tousu::analytics
