#include "services/analytics/domain/request_checks.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "common/validation/text.h"
#include "services/analytics/domain/rules.h"

namespace tousu::analytics {

namespace cv1 = ::complaints::common::v1;

namespace {

constexpr std::array<std::string_view, 12> kTrendMetricNames = {
    "count",
    "reopen_rate",
    "satisfaction_mean",
    "acknowledgement_sla_rate",
    "solution_sla_rate",
    "callback_sla_rate",
    "acknowledgement_time_mean",
    "acknowledgement_time_p90",
    "solution_time_mean",
    "solution_time_p90",
    "resolution_time_mean",
    "resolution_time_p90",
};

constexpr std::array<std::string_view, 7> kTrendDimensions = {
    "total", "category", "stage", "channel", "project", "department", "project_category"};

// Filters and values are matched against stored names, never shown back: bytes of valid UTF-8.
bool IsBoundedUtf8(const std::string& value, size_t max_bytes) {
  return value.size() <= max_bytes && validation::Utf8Length(value).has_value();
}

}  // namespace

absl::Status CheckMonth(int year, int month) {
  if (year < kMinYear || year > kMaxYear)
    return absl::InvalidArgumentError("year: must be 2000..2100");
  if (month < 1 || month > 12) return absl::InvalidArgumentError("month: must be 1..12");
  return absl::OkStatus();
}

absl::Status CheckGetMonthlySummary(const av1::GetMonthlySummaryRequest& req) {
  if (auto s = CheckMonth(req.year(), req.month()); !s.ok()) return s;
  if (!IsBoundedUtf8(req.project(), kMaxProjectBytes)) {
    return absl::InvalidArgumentError("project: must be valid UTF-8 of at most 200 bytes");
  }
  if (!cv1::Category_IsValid(req.category())) {
    return absl::InvalidArgumentError("category: unknown value");
  }
  if (!IsBoundedUtf8(req.department_id(), kMaxDepartmentBytes)) {
    return absl::InvalidArgumentError("department_id: must be at most 64 bytes");
  }
  return absl::OkStatus();
}

bool IsTrendMetric(const std::string& metric) {
  return std::find(kTrendMetricNames.begin(), kTrendMetricNames.end(), metric) !=
         kTrendMetricNames.end();
}

absl::StatusOr<TrendQuery> CheckGetTrend(const av1::GetTrendRequest& req) {
  if (!IsTrendMetric(req.metric())) {
    return absl::InvalidArgumentError(
        "metric: must be count, reopen_rate, satisfaction_mean, acknowledgement_sla_rate, "
        "solution_sla_rate, callback_sla_rate, or acknowledgement|solution|resolution_time_"
        "mean|p90");
  }
  const std::string& d = req.dimension();
  if (std::find(kTrendDimensions.begin(), kTrendDimensions.end(), d) == kTrendDimensions.end()) {
    return absl::InvalidArgumentError(
        "dimension: must be total, category, stage, channel, project, department or "
        "project_category");
  }
  if (!IsBoundedUtf8(req.value(), kMaxValueBytes)) {
    return absl::InvalidArgumentError("value: must be valid UTF-8 of at most 300 bytes");
  }
  if (d != "total" && req.value().empty()) {
    return absl::InvalidArgumentError("value: required for this dimension");
  }
  if (req.end_year() < kMinYear || req.end_year() > kMaxYear) {
    return absl::InvalidArgumentError("end_year: must be 2000..2100");
  }
  if (req.end_month() < 1 || req.end_month() > 12) {
    return absl::InvalidArgumentError("end_month: must be 1..12");
  }
  if (req.months() < 1 || req.months() > kMaxTrendMonths) {
    return absl::InvalidArgumentError("months: must be 1..60");
  }
  TrendQuery q;
  q.counting = req.metric() == "count";
  q.end = req.end_year() * 100 + req.end_month();
  q.start = AddMonths(q.end, -(req.months() - 1));
  q.value = d == "total" ? "" : req.value();
  // Rates, means and percentiles come from the month's summary in the value's scope, so only the
  // dimensions kept as scopes have them.
  if (!q.counting) {
    if (d == "project") {
      q.scope = ProjectScope(q.value);
    } else if (d == "department") {
      q.scope = DepartmentScope(q.value);
    } else if (d == "category") {
      const std::optional<int> category = CategoryFromName(q.value);
      if (!category || *category == 0) {
        return absl::InvalidArgumentError("value: not a category name (e.g. product_quality)");
      }
      q.scope = CategoryScope(*category);
    } else if (d != "total") {
      return absl::InvalidArgumentError(
          "dimension: only total, category, project and department have metrics other than "
          "count");
    }
  }
  return q;
}

absl::Status CheckListAlerts(const av1::ListAlertsRequest& req) {
  return CheckMonth(req.year(), req.month());
}
absl::Status CheckRunSpikeCheck(const av1::RunSpikeCheckRequest& req) {
  return CheckMonth(req.year(), req.month());
}
absl::Status CheckCheckRollups(const av1::CheckRollupsRequest& req) {
  return CheckMonth(req.year(), req.month());
}
absl::Status CheckGenerateMonthlyReport(const av1::GenerateMonthlyReportRequest& req) {
  return CheckMonth(req.year(), req.month());
}
absl::Status CheckGetReport(const av1::GetReportRequest& req) {
  return CheckMonth(req.year(), req.month());
}

}  // namespace tousu::analytics
