// The monthly report as a self-contained Chinese HTML document: inline CSS and server-drawn SVG
// charts, in four sections (overall figures, stages, typical cases, problems and
// recommendations). Inserted text is escaped and personal data masked.

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/mask.h"
#include "common/time/beijing_zone.h"
#include "services/analytics/report/charts.h"
#include "services/analytics/report/figures.h"
#include "services/analytics/report/report.h"
#include "services/analytics/report/text.h"

namespace tousu::analytics::report {
namespace {

const char kStyle[] =
    "body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;"
    "margin:24px auto;max-width:1100px;color:#222;line-height:1.6}"
    "h1{border-bottom:3px solid #c0392b;padding-bottom:8px}"
    "h2{color:#c0392b;margin-top:32px}"
    "table{border-collapse:collapse;margin:8px 0}"
    "td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}"
    "th{background:#f4f4f4}"
    ".chart{display:block;margin:12px 0;background:#fafafa;border:1px solid #eee}"
    ".ct{font-size:15px;font-weight:bold}.lb{font-size:13px}.vl{font-size:12px}"
    ".ax{font-size:11px;fill:#666}.grid{stroke:#e3e3e3}"
    ".kpi{display:inline-block;margin:4px 16px 4px 0;padding:8px 14px;background:#f7f1f0;"
    "border-radius:6px}.kpi b{font-size:20px}"
    ".muted{color:#777;font-size:13px}";

std::string CaseReason(const std::string& reason) {
  if (reason == "longest_resolution") return "处理时间最长";
  if (reason == "reopened") return "重开案件";
  if (reason == "critical") return "严重程度为紧急";
  return reason;
}

// The SLA figures' short names: "1小时受理", "2个工作日方案", "3个工作日回访".
struct SlaNames {
  std::string acknowledgement, solution, callback;
};
SlaNames SlaNamesOf(const SlaTerms& terms) {
  return {absl::StrCat(AckWindowText(terms, /*spaced=*/false), "受理"),
          absl::StrCat(BusinessDaysText(terms.solution_days, false), "方案"),
          absl::StrCat(BusinessDaysText(terms.callback_days, false), "回访")};
}

void AppendTrendCharts(const ReportInputs& in, const SlaNames& sla, std::string& h) {
  std::vector<Series> categories;
  for (int c : KnownCategories()) {
    const std::string name = CategoryName(c);
    Series ser{CategoryLabel(name), {}};
    auto it = in.category_trend.find(name);
    for (size_t i = 0; i < in.trend_months.size(); ++i) {
      ser.values.push_back(it == in.category_trend.end() || i >= it->second.size()
                               ? 0.0
                               : static_cast<double>(it->second[i]));
    }
    categories.push_back(std::move(ser));
  }
  h += LineChart("近12个月各类别投诉趋势（件）", in.trend_months, categories, false);

  std::vector<int> months;
  std::vector<Series> rates = {{sla.acknowledgement, {}}, {sla.solution, {}}, {sla.callback, {}}};
  for (const auto& p : in.sla_history) {
    months.push_back(p.yyyymm);
    rates[0].values.push_back(p.acknowledgement);
    rates[1].values.push_back(p.solution);
    rates[2].values.push_back(p.callback);
  }
  h += LineChart("时限达标率走势", months, rates, true);
}

// 一、总体情况
void AppendOverall(const ReportInputs& in, std::string& h) {
  const av1::MonthlySummary& s = in.summary;
  const SlaNames sla = SlaNamesOf(in.sla_terms);
  h += "<section id=\"overall\">\n<h2>一、总体情况</h2>\n";
  const std::string change =
      s.previous_month_total() == 0
          ? std::string("上月无投诉")
          : absl::StrFormat("环比%s%.1f%%", s.total_change() >= 0 ? "增加" : "减少",
                            std::fabs(s.total_change_percent()));
  absl::StrAppend(&h, "<p>本月共受理投诉 <b>", s.total(), "</b> 件，上月 ",
                  s.previous_month_total(), " 件，", change, "。</p>\n<div>");
  auto kpi = [&](const std::string& name, const std::string& value) {
    absl::StrAppend(&h, "<span class=\"kpi\">", EscapeHtml(name), "<br><b>", EscapeHtml(value),
                    "</b></span>");
  };
  kpi("投诉总数", absl::StrCat(s.total()));
  auto sla_pct = [](const av1::SlaCompliance& c) {
    return c.met() + c.missed() == 0 ? std::string("—") : Pct(c.rate());
  };
  kpi(sla.acknowledgement + "达标率", sla_pct(s.acknowledgement_sla()));
  kpi(sla.solution + "达标率", sla_pct(s.solution_sla()));
  kpi(sla.callback + "达标率", sla_pct(s.callback_sla()));
  kpi("重开率", Pct(s.reopen_rate()));
  kpi("平均满意度", s.satisfaction_responses() == 0 ? "—" : Num(s.satisfaction_mean()));
  h += "</div>\n<table>\n<tr><th>处理时长（小时）</th><th>样本数</th><th>平均</th><th>中位数</th>"
       "<th>90分位</th></tr>\n";
  auto dur = [&](const char* name, const av1::Durations& d) {
    absl::StrAppend(&h, "<tr><td>", name, "</td><td>", d.samples(), "</td><td>",
                    Hours(d.mean_seconds()), "</td><td>", Hours(d.p50_seconds()), "</td><td>",
                    Hours(d.p90_seconds()), "</td></tr>\n");
  };
  dur("受理（接收→确认）", s.acknowledgement_time());
  dur("方案（确认→首个方案）", s.solution_time());
  dur("解决（接收→解决）", s.resolution_time());
  h += "</table>\n";
  h += BarChart("按投诉类别统计（件）", ByCategory(s), CategoryLabel);
  h += BarChart("按责任部门统计（件）", ByDepartment(s),
                [&](const std::string& id) { return DepartmentLabel(id, in.department_names); });
  AppendTrendCharts(in, sla, h);
  h += "</section>\n";
}

// 二、各阶段特点
void AppendStages(const ReportInputs& in, std::string& h) {
  const av1::MonthlySummary& s = in.summary;
  h += "<section id=\"stages\">\n<h2>二、各阶段特点</h2>\n";
  const Pairs stages = ByStage(s);
  h += BarChart("按客户旅程阶段统计（件）", stages, StageLabel);
  h += "<ul>\n";
  for (const auto& [stage, n] : stages) {
    const double share =
        s.total() == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(s.total());
    absl::StrAppend(&h, "<li><b>", EscapeHtml(StageLabel(stage)), "</b>：", n, " 件，占 ",
                    Pct(share), "。</li>\n");
  }
  h += "</ul>\n";
  const Pairs cats = ByCategory(s);
  auto top = std::max_element(cats.begin(), cats.end(),
                              [](const auto& a, const auto& b) { return a.second < b.second; });
  if (top != cats.end() && top->second > 0) {
    absl::StrAppend(&h, "<p>本月投诉最多的类别为「", EscapeHtml(CategoryLabel(top->first)),
                    "」，共 ", top->second, " 件。</p>\n");
  }
  h += "</section>\n";
}

// 三、典型案例
void AppendCases(const ReportInputs& in, std::string& h) {
  h += "<section id=\"cases\">\n<h2>三、典型案例</h2>\n";
  if (in.cases.empty()) {
    h += "<p>本月无符合规则（处理时间最长、重开、紧急）的典型案例。</p>\n";
    h += "</section>\n";
    return;
  }
  h += "<table>\n<tr><th>编号</th><th>入选原因</th><th>类别</th><th>阶段</th><th>楼盘</th>"
       "<th>房号</th><th>客户</th><th>电话</th><th>责任部门</th><th>解决用时（小时）</th>"
       "<th>重开次数</th></tr>\n";
  for (const auto& c : in.cases) {
    auto cell = [&](const std::string& v) {
      absl::StrAppend(&h, "<td>", v.empty() ? "—" : EscapeHtml(v), "</td>");
    };
    h += "<tr>";
    cell(c.number);
    cell(CaseReason(c.reason));
    cell(CategoryLabel(c.category));
    cell(StageLabel(c.stage));
    cell(c.project);
    cell(c.room.empty() ? "" : log::MaskName(c.room));
    cell(c.customer_name.empty() ? "" : log::MaskName(c.customer_name));
    cell(c.phone.empty() ? "" : log::MaskPhone(c.phone));
    cell(c.department.empty() ? "" : DepartmentLabel(c.department, in.department_names));
    cell(c.resolution_hours < 0 ? "未解决" : absl::StrFormat("%.1f", c.resolution_hours));
    cell(absl::StrCat(c.reopen_count));
    h += "</tr>\n";
  }
  h += "</table>\n";
  h += "</section>\n";
}

// 四、发现的问题与建议
void AppendProblems(const ReportInputs& in, std::string& h) {
  h += "<section id=\"problems\">\n<h2>四、发现的问题与建议</h2>\n";
  const std::vector<Problem> problems = Problems(in);
  if (problems.empty()) {
    h += "<p>本月各项时限达标率、重开率和满意度均在目标范围内，未触发异常预警。</p>\n";
  } else {
    h += "<ol>\n";
    for (size_t i = 0; i < problems.size(); ++i) {
      absl::StrAppend(&h, "<li><p><b>问题 ", i + 1, "：</b>", EscapeHtml(problems[i].finding),
                      "</p><p><b>建议 ", i + 1, "：</b>", EscapeHtml(problems[i].recommendation),
                      "</p></li>\n");
    }
    h += "</ol>\n";
  }
  h += "</section>\n";
}

}  // namespace

std::string RenderMonthlyReportHtml(const ReportInputs& in) {
  const av1::MonthlySummary& s = in.summary;
  const std::string title = absl::StrFormat("%d年%d月投诉处理月度报告", s.year(), s.month());
  std::string h;
  absl::StrAppend(&h, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n",
                  "<title>", EscapeHtml(title), "</title>\n<style>", kStyle,
                  "</style>\n</head>\n<body>\n<h1>", EscapeHtml(title), "</h1>\n");
  absl::StrAppend(
      &h, "<p class=\"muted\">生成时间：",
      EscapeHtml(absl::FormatTime("%Y-%m-%d %H:%M:%S", in.generated_at, time::BeijingZone())),
      "（北京时间）。客户个人信息已脱敏。</p>\n");
  AppendOverall(in, h);
  AppendStages(in, h);
  AppendCases(in, h);
  AppendProblems(in, h);
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace tousu::analytics::report
