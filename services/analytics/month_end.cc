// The month's closing work (policy §8): the spike check of a month, its management report, and the
// month-end job that runs both once a month is over.

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "complaints/analytics/v1/events.pb.h"
#include "services/analytics/analytics_service.h"
#include "services/analytics/domain/request_checks.h"
#include "services/analytics/report/report.h"
#include "services/analytics/repository/departments.h"
#include "services/analytics/summary.h"

namespace tousu::analytics {

namespace cv1 = complaints::common::v1;

namespace {

constexpr int kReportMonths = 12;
constexpr int kCasesPerRule = 3;

// The trailing months' counts of `value`, one per month from `from` to `to` (zero when none).
std::vector<int64_t> Trailing(db::Transaction& tx, const std::string& dimension,
                              const std::string& value, int from, int to) {
  const auto series = LoadSeries(tx, dimension, value, from, to);
  std::vector<int64_t> out;
  for (int m = from; m <= to; m = AddMonths(m, 1)) {
    auto it = series.find(m);
    out.push_back(it == series.end() ? 0 : it->second);
  }
  return out;
}

report::TypicalCase TypicalCaseOf(const CaseRow& row) {
  const Fact& f = row.fact;
  report::TypicalCase c;
  c.number = f.number;
  c.reason = row.reason;
  c.category = CategoryName(f.category);
  c.stage = StageName(f.stage);
  c.project = f.project;
  c.department = f.department_id.empty() ? kUnassigned : f.department_id;
  if (f.received_at && f.resolved_at && *f.resolved_at >= *f.received_at) {
    c.resolution_hours = absl::ToDoubleHours(*f.resolved_at - *f.received_at);
  }
  c.reopen_count = f.reopen_count;
  c.critical = f.severity == cv1::SEVERITY_CRITICAL;
  return c;
}

// Everything the report of month `ym` shows besides its summary: the category trend and SLA
// history of the twelve months up to it, its alerts, its typical cases and the department names.
void LoadReportHistory(db::Transaction& tx, int ym, report::ReportInputs& in) {
  const int start = AddMonths(ym, -(kReportMonths - 1));
  for (int m = start; m <= ym; m = AddMonths(m, 1)) in.trend_months.push_back(m);
  for (int c : KnownCategories()) {
    const std::string name = CategoryName(c);
    in.category_trend[name] = Trailing(tx, "category", name, start, ym);
  }
  for (int m : in.trend_months) {
    const Rollup counts = LoadMonthCounts(tx, m);
    const report::SlaPoint p{.yyyymm = m,
                             .acknowledgement = SlaRateOf(counts, "sla_ack"),
                             .solution = SlaRateOf(counts, "sla_solution"),
                             .callback = SlaRateOf(counts, "sla_callback")};
    if (p.acknowledgement >= 0 || p.solution >= 0 || p.callback >= 0) {
      in.sla_history.push_back(p);
    }
  }
  for (const auto& a : LoadAlerts(tx, ym)) ToProto(a, &in.alerts.emplace_back());
  for (const auto& row : LoadTypicalCases(tx, ym, kCasesPerRule)) {
    in.cases.push_back(TypicalCaseOf(row));
  }
  in.department_names = LoadDepartmentNames(tx);
}

}  // namespace

absl::Status AnalyticsService::CheckSpikes(int month, av1::RunSpikeCheckResponse* out) {
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    out->Clear();
    const SpikePolicy& policy = settings_.spike;
    int from = AddMonths(month, -policy.trailing_months);
    const int to = AddMonths(month, -1);
    // History starts at the first month with any complaint: months before the service was in
    // use are no "recent level" (they would make every category of its second month a spike).
    const auto totals = LoadSeries(tx, "total", "", from, to);
    while (from <= to && !(totals.count(from) && totals.at(from) > 0)) from = AddMonths(from, 1);
    const absl::Time now = Now();
    for (const std::string dimension : {"category", "project_category"}) {
      for (const auto& [value, count] : LoadDimension(tx, month, dimension)) {
        if (count < policy.min_count || !IsSpikeCandidate(dimension, value)) continue;
        const SpikeDecision d = CheckSpike(count, Trailing(tx, dimension, value, from, to), policy);
        if (!d.spike) continue;
        const AlertRow row{.month = month,
                           .dimension = dimension,
                           .value = value,
                           .count = count,
                           .mean = d.mean,
                           .stddev = d.stddev,
                           .threshold = d.threshold,
                           .detected_at = now};
        if (!InsertAlert(tx, row)) continue;  // raised before
        av1::SpikeDetected ev;
        ToProto(row, ev.mutable_alert());
        *out->add_raised() = ev.alert();
        rt_.outbox().Append(tx, absl::StrCat("spikes-", month), ev);
        tx.OnCommit([this, dimension, value, month] {
          log::Info("spike alert raised",
                    {{"dimension", dimension}, {"value", value}, {"month", absl::StrCat(month)}});
          spike_alerts_.With({dimension}).Increment();
        });
      }
    }
    for (const auto& a : LoadAlerts(tx, month)) ToProto(a, out->add_alerts());
    return absl::OkStatus();
  });
}

absl::Status AnalyticsService::GenerateReport(int year, int month, av1::MonthlyReport* out) {
  if (auto s = CheckMonth(year, month); !s.ok()) return s;
  report::ReportInputs base;
  av1::GetMonthlySummaryRequest sreq;
  sreq.set_year(year);
  sreq.set_month(month);
  if (auto s = Summary(sreq, &base.summary); !s.ok()) return s;
  base.generated_at = Now();
  base.sla_terms = settings_.sla_terms;
  const int ym = year * 100 + month;
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    report::ReportInputs in = base;  // the transaction may run again
    LoadReportHistory(tx, ym, in);
    const ReportRow row{.month = ym,
                        .html = report::RenderMonthlyReportHtml(in),
                        .json = report::RenderMonthlyReportJson(in),
                        .generated_at = in.generated_at};
    SaveReport(tx, row);
    ToProto(row, out);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<int>> AnalyticsService::CloseMonthIfDue() {
  const int due = AddMonths(MonthOf(Now() - settings_.month_end_delay), -1);
  bool closed = false;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    closed = MonthClosed(tx, due);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (closed) return std::optional<int>();
  av1::RunSpikeCheckResponse spikes;
  if (s = CheckSpikes(due, &spikes); !s.ok()) return s;
  av1::MonthlyReport report;
  if (s = GenerateReport(due / 100, due % 100, &report); !s.ok()) return s;
  s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    RecordMonthClosed(tx, due, spikes.alerts_size(), Now());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  months_closed_.With({}).Increment();
  log::Info("month closed", {{"month", absl::StrCat(due)},
                             {"spike_alerts", absl::StrCat(spikes.alerts_size())},
                             {"report_bytes", absl::StrCat(report.html().size())}});
  return std::optional<int>(due);
}

}  // namespace tousu::analytics
