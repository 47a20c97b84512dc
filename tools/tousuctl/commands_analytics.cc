// Analytics (analytics service): analytics summary, trend, alerts, report, check-rollups.

#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/time/proto_time.h"
#include "complaints/analytics/v1/analytics.grpc.pb.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_analytics.h"
#include "tools/tousuctl/service_call.h"
#include "tools/tousuctl/time_text.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

namespace av1 = complaints::analytics::v1;
namespace cv1 = complaints::common::v1;
using AnalyticsStub = av1::AnalyticsService::Stub;

Api<av1::AnalyticsService> AnalyticsApi(const Call& c) {
  // Generating a report replaces the month's stored one and a spike check raises an alert once,
  // so both are safe to repeat, like the reads.
  return {c.options.analytics,
          {"GetMonthlySummary", "GetTrend", "ListAlerts", "RunSpikeCheck", "GenerateMonthlyReport",
           "GetReport", "CheckRollups"}};
}

// --year and --month, both required.
absl::Status ReadMonth(const Call& c, int* year, int* month) {
  auto y = c.args.Int("year", 2000, 2100);
  if (!y.ok()) return y.status();
  auto m = c.args.Int("month", 1, 12);
  if (!m.ok()) return m.status();
  if (!y->has_value() || !m->has_value()) {
    return absl::InvalidArgumentError("--year and --month are required");
  }
  *year = **y;
  *month = **m;
  return absl::OkStatus();
}

int RunSummary(Call& c) {
  av1::GetMonthlySummaryRequest request;
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_month(month);
  request.set_project(c.args.GetOr("project", ""));
  if (auto v = c.args.Get("category"); v.has_value()) {
    auto category = ParseEnumAs<cv1::Category>(*v, "--category");
    if (!category.ok()) return UsageError(c, category.status());
    request.set_category(*category);
  }
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  return CallAndPrint(
      c, AnalyticsApi(c), &AnalyticsStub::GetMonthlySummary, request,
      [](const av1::GetMonthlySummaryResponse& r) { return RenderMonthlySummary(r.summary()); });
}

int RunTrend(Call& c) {
  av1::GetTrendRequest request;
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  request.set_metric(Lower(c.args.GetOr("metric", "count")));
  request.set_dimension(Lower(c.args.positional[0]));
  if (c.args.positional.size() > 1) request.set_value(c.args.positional[1]);
  request.set_end_year(year);
  request.set_end_month(month);
  auto months = c.args.Int("months", 1, 60);
  if (!months.ok()) return UsageError(c, months.status());
  request.set_months(months->value_or(12));
  return CallAndPrint(c, AnalyticsApi(c), &AnalyticsStub::GetTrend, request, RenderTrend);
}

int RunAlerts(Call& c) {
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  if (c.args.Has("check")) {
    av1::RunSpikeCheckRequest request;
    request.set_year(year);
    request.set_month(month);
    return CallAndPrint(c, AnalyticsApi(c), &AnalyticsStub::RunSpikeCheck, request,
                        [](const av1::RunSpikeCheckResponse& response) {
                          return absl::StrCat("Checked: ", response.raised_size(),
                                              " new alert(s).\n", RenderAlerts(response.alerts()));
                        });
  }
  av1::ListAlertsRequest request;
  request.set_year(year);
  request.set_month(month);
  return CallAndPrint(
      c, AnalyticsApi(c), &AnalyticsStub::ListAlerts, request,
      [](const av1::ListAlertsResponse& response) { return RenderAlerts(response.alerts()); });
}

// Writes `text` to `path` whole: to a temporary file first, renamed over the target, so a
// failed write never leaves half a report where the last good one was.
absl::Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", path));
    out << text;
    out.close();
    if (!out) return absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", path));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", path));
  }
  return absl::OkStatus();
}

int RunReport(Call& c) {
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  const std::string path = c.args.GetOr("out", "");
  const std::string format = Lower(c.args.GetOr("format", "html"));
  if (format != "html" && format != "json") {
    return UsageError(c, absl::InvalidArgumentError("--format: html or json"));
  }
  const CallSettings settings{.after_failure = [](std::ostream& err, const grpc::Status& s) {
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
      err << "  (no report of that month is stored yet: --generate makes one now)\n";
    }
  }};
  av1::MonthlyReport report;
  if (c.args.Has("generate")) {
    av1::GenerateMonthlyReportRequest request;
    request.set_year(year);
    request.set_month(month);
    av1::GenerateMonthlyReportResponse response;
    if (!CallService(c, AnalyticsApi(c), &AnalyticsStub::GenerateMonthlyReport, request, &response,
                     settings)) {
      return kExitCallFailed;
    }
    report = response.report();
  } else {
    av1::GetReportRequest request;
    request.set_year(year);
    request.set_month(month);
    av1::GetReportResponse response;
    if (!CallService(c, AnalyticsApi(c), &AnalyticsStub::GetReport, request, &response, settings)) {
      return kExitCallFailed;
    }
    report = response.report();
  }
  const std::string& body = format == "json" ? report.json() : report.html();
  if (auto st = WriteFileAtomically(path, body); !st.ok()) return UsageError(c, st);
  c.out << "Wrote the " << absl::StrFormat("%04d-%02d", year, month) << " report (" << format
        << ", " << body.size() << " bytes, generated "
        << absl::FormatTime("%Y-%m-%d %H:%M", time::FromProto(report.generated_at()), BeijingZone())
        << " Beijing time) to " << path << "\n";
  return kExitOk;
}

int RunCheckRollups(Call& c) {
  av1::CheckRollupsRequest request;
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_month(month);
  request.set_repair(c.args.Has("repair"));
  return CallAndPrint(c, AnalyticsApi(c), &AnalyticsStub::CheckRollups, request, RenderRollupCheck);
}

}  // namespace

std::vector<Verb> AnalyticsVerbs() {
  return {
      {.name = "analytics summary",
       .group = "Analytics (analytics service)",
       .summary = "the figures of one month (policy §8), optionally of one project, category or "
                  "department",
       .description =
           "Counts by category, stage, channel, project and department; handling times (mean,\n"
           "p50, p90); SLA compliance; satisfaction; reopen rate; the change on the month\n"
           "before. Months are months of receipt in Beijing time.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "month", .value_name = "M", .help = "the month, 1..12", .required = true},
                 {.name = "project", .value_name = "TEXT", .help = "only this project"},
                 {.name = "category",
                  .value_name = "CATEGORY",
                  .help = "only this category: " + OneOf(EnumNames<cv1::Category>())},
                 {.name = "department", .value_name = "ID", .help = "only this department"}},
       .examples = {"tousuctl analytics summary --year 2026 --month 11",
                    "tousuctl analytics summary --year 2026 --month 11 --project 翠湖花园"},
       .run = RunSummary},
      {.name = "analytics trend",
       .group = "Analytics (analytics service)",
       .usage_args = "DIMENSION [VALUE]",
       .summary = "a monthly series (complaints, SLA rates, satisfaction, times) of one value",
       .description = "DIMENSION is total, category, stage, channel, project, department or\n"
                      "project_category (VALUE \"<project>|<category>\").",
       .flags =
           {{.name = "year",
             .value_name = "YYYY",
             .help = "the last month's year",
             .required = true},
            {.name = "month", .value_name = "M", .help = "the last month", .required = true},
            {.name = "months", .value_name = "N", .help = "how many months, 1..60 (default 12)"},
            {.name = "metric",
             .value_name = "NAME",
             .help = "count (default), reopen_rate, satisfaction_mean, acknowledgement_sla_rate,\n"
                     "solution_sla_rate, callback_sla_rate, acknowledgement_time_mean|p90,\n"
                     "solution_time_mean|p90, resolution_time_mean|p90 (total, category,\n"
                     "project and department only)"}},
       .min_args = 1,
       .max_args = 2,
       .examples = {"tousuctl analytics trend category product_quality --year 2026 --month 11",
                    "tousuctl analytics trend department engineering --metric "
                    "acknowledgement_sla_rate --year 2026 --month 11"},
       .run = RunTrend},
      {.name = "analytics alerts",
       .group = "Analytics (analytics service)",
       .summary = "the spike alerts of a month; --check runs the spike check now",
       .description =
           "A category (or a project's category) well above its trailing six months raises an\n"
           "alert once. The month-end job checks every month; --check does it now.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "month", .value_name = "M", .help = "the month, 1..12", .required = true},
                 {.name = "check", .help = "run the spike check first"}},
       .examples = {"tousuctl analytics alerts --year 2026 --month 11 --check"},
       .run = RunAlerts},
      {.name = "analytics report",
       .group = "Analytics (analytics service)",
       .summary = "write a month's management report (HTML with charts, or JSON) to a file",
       .description =
           "Fetches the report the month-end job stored, or with --generate builds it now (and\n"
           "stores it in place of the old one). Customers' personal data is masked in it.",
       .flags =
           {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
            {.name = "month", .value_name = "M", .help = "the month, 1..12", .required = true},
            {.name = "out", .value_name = "FILE", .help = "where to write it", .required = true},
            {.name = "format", .value_name = "html|json", .help = "html (default) or json"},
            {.name = "generate",
             .help = "build the report now instead of fetching the stored one"}},
       .examples = {"tousuctl analytics report --year 2026 --month 11 --generate --out "
                    "report-2026-11.html"},
       .run = RunReport},
      {.name = "analytics check-rollups",
       .group = "Analytics (analytics service)",
       .summary = "recompute a month's rollups from its facts; --repair replaces them",
       .description =
           "Lists every rollup entry whose stored count differs from the count recomputed from\n"
           "the month's complaint facts. For ops after an incident.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "month", .value_name = "M", .help = "the month, 1..12", .required = true},
                 {.name = "repair", .help = "replace the stored rollups by the recomputed ones"}},
       .examples = {"tousuctl analytics check-rollups --year 2026 --month 11"},
       .run = RunCheckRollups},
  };
}

}  // namespace tousu::ctl
