#pragma once
// SQL of the analytics service: complaint facts, their satisfaction per cycle, the monthly counts
// and the spike alerts. Every function runs in the caller's transaction and throws
// sql::SQLException like any statement.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/db/transaction.h"
#include "services/analytics/domain/rules.h"

namespace tousu::analytics {

// The fact of `number`, locked; created empty when the complaint is new.
Fact LockFact(db::Transaction& tx, const std::string& number);
// Writes `after` and moves the monthly counts from what `before` contributed to what `after` does.
void SaveFact(db::Transaction& tx, const Fact& before, const Fact& after, absl::Time now);

// Every (dimension, value) count of a month in one scope ("" = the whole month).
Rollup LoadMonthCounts(db::Transaction& tx, int month, const std::string& scope = "");
// Every stored count of a month, in every scope.
ScopedRollup LoadAllMonthCounts(db::Transaction& tx, int month);
// Counts of one (dimension, value) for months in [from, to]; months without a row are absent.
std::map<int, int64_t> LoadSeries(db::Transaction& tx, const std::string& dimension,
                                  const std::string& value, int from, int to,
                                  const std::string& scope = "");
// (value, count) of one dimension in a month (whole-month scope).
std::vector<std::pair<std::string, int64_t>> LoadDimension(db::Transaction& tx, int month,
                                                           const std::string& dimension);

struct MonthFilter {
  std::string project;
  int category = 0;
  std::string department_id;
  bool any() const { return !project.empty() || category != 0 || !department_id.empty(); }
  // The rollup scope answering this filter: "" for none, the one filter's scope when exactly one
  // is set, nullopt when two or more are (those scan the matching facts).
  std::optional<std::string> scope() const;
};
// One pass over the month's facts matching the filter (satisfaction not loaded).
void ScanMonth(db::Transaction& tx, int month, const MonthFilter& filter,
               const std::function<void(const Fact&)>& fn);
// The month's rollup recomputed from its facts and their satisfaction (one pass), locking the
// facts so no event moves them until the transaction ends; `facts` gets how many were read.
ScopedRollup RecomputeMonth(db::Transaction& tx, int month, int64_t* facts);
// Replaces every stored rollup entry of the month, in every scope, by `rollup`.
void ReplaceMonthCounts(db::Transaction& tx, int month, const ScopedRollup& rollup);

// How many of the month's facts match the filter.
int64_t CountMonth(db::Transaction& tx, int month, const MonthFilter& filter);
// score -> ratings of the month's facts matching the filter.
std::map<int, int64_t> SatisfactionOf(db::Transaction& tx, int month, const MonthFilter& filter);

struct AlertRow {
  int month = 0;
  std::string dimension, value;
  int64_t count = 0;
  double mean = 0, stddev = 0, threshold = 0;
  absl::Time detected_at;
};
// False when the alert was stored before.
bool InsertAlert(db::Transaction& tx, const AlertRow& a);
std::vector<AlertRow> LoadAlerts(db::Transaction& tx, int month);

// Typical cases of a month for the report, chosen by rule: the `per_rule` longest to resolve,
// the most reopened and the critical ones (newest first); a complaint appears once, under the
// first rule that picks it; each rule adds up to `per_rule` not picked before.
// reason: "longest_resolution", "reopened" or "critical".
struct CaseRow {
  Fact fact;
  std::string reason;
};
std::vector<CaseRow> LoadTypicalCases(db::Transaction& tx, int month, int per_rule);

// Whether the month-end job has closed `month`.
bool MonthClosed(db::Transaction& tx, int month);
// Records that the month-end job closed `month` (once; a second record is ignored).
void RecordMonthClosed(db::Transaction& tx, int month, int spike_alerts, absl::Time at);

struct ReportRow {
  int month = 0;
  std::string html, json;
  absl::Time generated_at;
};
// Stores the report of its month, replacing an earlier one.
void SaveReport(db::Transaction& tx, const ReportRow& r);
// False when no report of `month` is stored.
bool LoadReport(db::Transaction& tx, int month, ReportRow* out);

}  // namespace tousu::analytics
