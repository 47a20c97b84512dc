#pragma once
// What a valid analytics request looks like (policy §8): every RPC's field checks, run before the
// database is touched. Pure: no server, no database.
//
// Every rejection is INVALID_ARGUMENT with a message starting with the field's name and ": ",
// e.g. "months: must be 1..60". Fields are checked in a fixed order and the first invalid one is
// reported.

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "complaints/analytics/v1/analytics.pb.h"

namespace tousu::analytics {

namespace av1 = ::complaints::analytics::v1;

inline constexpr int kMinYear = 2000;
inline constexpr int kMaxYear = 2100;
inline constexpr size_t kMaxProjectBytes = 200;
inline constexpr size_t kMaxDepartmentBytes = 64;
inline constexpr size_t kMaxValueBytes = 300;
inline constexpr int kMaxTrendMonths = 60;

// A report month: year 2000..2100 (field "year"), month 1..12 (field "month").
absl::Status CheckMonth(int year, int month);

absl::Status CheckGetMonthlySummary(const av1::GetMonthlySummaryRequest& req);

// The metrics GetTrend offers: "count" and the rates, means and percentiles of a summary.
bool IsTrendMetric(const std::string& metric);

// A checked GetTrend: months start..end (yyyymm, inclusive), the dimension's value ("" for
// total), and for metrics other than count the rollup scope they are read from.
struct TrendQuery {
  bool counting = false;
  int start = 0;
  int end = 0;
  std::string value;
  std::string scope;
};
absl::StatusOr<TrendQuery> CheckGetTrend(const av1::GetTrendRequest& req);

absl::Status CheckListAlerts(const av1::ListAlertsRequest& req);
absl::Status CheckRunSpikeCheck(const av1::RunSpikeCheckRequest& req);
absl::Status CheckCheckRollups(const av1::CheckRollupsRequest& req);
absl::Status CheckGenerateMonthlyReport(const av1::GenerateMonthlyReportRequest& req);
absl::Status CheckGetReport(const av1::GetReportRequest& req);

}  // namespace tousu::analytics
