#include "services/analytics/report/report.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/mask.h"
#include "common/time/beijing_zone.h"

namespace tousu::analytics::report {
namespace {

using Pairs = std::vector<std::pair<std::string, int64_t>>;

const char* const kCategories[] = {"product_quality", "sales_service", "handover",
                                   "property_service"};
const char* const kStages[] = {"pre_sale", "sale", "handover", "property_service"};
const char* const kColours[] = {"#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#d35400", "#7f8c8d"};

// Targets the recommendations compare against.
constexpr double kAckTarget = 0.95, kSolutionTarget = 0.90, kCallbackTarget = 0.90;
constexpr double kReopenLimit = 0.10, kSatisfactionFloor = 4.0;

std::string Pct(double rate) { return absl::StrFormat("%.1f%%", 100.0 * rate); }
std::string Num(double v) { return absl::StrFormat("%.2f", v); }
std::string Hours(double seconds) { return absl::StrFormat("%.1f", seconds / 3600.0); }
std::string MonthLabel(int yyyymm) {
  return absl::StrFormat("%d/%02d", yyyymm / 100, yyyymm % 100);
}

std::string DepartmentLabel(const std::string& d) { return d == "unassigned" ? "未分派" : d; }

Pairs Ordered(const google::protobuf::RepeatedPtrField<av1::Count>& counts,
              const char* const* fixed, size_t n_fixed) {
  std::map<std::string, int64_t> m;
  for (const auto& c : counts) m[c.value()] += c.count();
  Pairs out;
  for (size_t i = 0; i < n_fixed; ++i) {
    auto it = m.find(fixed[i]);
    out.emplace_back(fixed[i], it == m.end() ? 0 : it->second);
    if (it != m.end()) m.erase(it);
  }
  for (const auto& [k, v] : m) out.emplace_back(k, v);  // e.g. "unspecified"
  return out;
}

Pairs ByCategory(const av1::MonthlySummary& s) { return Ordered(s.by_category(), kCategories, 4); }
Pairs ByStage(const av1::MonthlySummary& s) { return Ordered(s.by_stage(), kStages, 4); }
Pairs ByDepartment(const av1::MonthlySummary& s) {
  Pairs out = Ordered(s.by_department(), nullptr, 0);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

// ---- problems and recommendations ------------------------------------------------------------

struct Problem {
  std::string finding, recommendation;
};

std::string RecommendationFor(const std::string& category) {
  if (category == "product_quality")
    return "组织工程部门对相关楼盘开展质量专项排查，追溯施工与材料问题，并向施工单位追责。";
  if (category == "sales_service")
    return "复核销售宣传材料与承诺，加强销售人员培训，对虚假宣传追究责任。";
  if (category == "handover") return "核查交付进度与交付标准，补齐交付资料，提前告知业主延期原因。";
  if (category == "property_service")
    return "督促物业公司整改环境卫生、安保与维修响应，复核收费标准。";
  return "尽快完成分类并分派责任部门。";
}

std::vector<Problem> Problems(const ReportInputs& in) {
  const av1::MonthlySummary& s = in.summary;
  std::vector<Problem> out;
  for (const auto& a : in.alerts) {
    const std::string what =
        a.project().empty() ? CategoryLabel(a.category())
                            : absl::StrCat(a.project(), "「", CategoryLabel(a.category()), "」");
    out.push_back(
        {absl::StrCat(what, "类投诉本月 ", a.count(), " 件，明显高于近期水平（近期月均 ",
                      Num(a.trailing_mean()), " 件，预警阈值 ", Num(a.threshold()), " 件）。"),
         RecommendationFor(a.category())});
  }
  auto sla = [&](const av1::SlaCompliance& c, double target, const char* name, const char* rec) {
    const int64_t known = c.met() + c.missed();
    if (known == 0 || c.rate() >= target) return;
    out.push_back({absl::StrCat(name, "达标率 ", Pct(c.rate()), "（", c.met(), "/", known,
                                "），低于 ", Pct(target), " 的目标，超时 ", c.missed(), " 件。"),
                   rec});
  };
  sla(s.acknowledgement_sla(), kAckTarget, "1 小时受理",
      "检查值班与分派安排，确保责任部门 1 小时内确认并指定负责人；对超时部门通报。");
  sla(s.solution_sla(), kSolutionTarget, "2 个工作日内提出解决方案",
      "复杂投诉及时申请延期并告知客户；对长期超时的处理人员安排针对性培训。");
  sla(s.callback_sla(), kCallbackTarget, "3 个工作日内回访",
      "增加回访人手，结案后即排期回访，并跟踪逾期回访清单。");
  if (s.total() > 0 && s.reopen_rate() > kReopenLimit) {
    out.push_back({absl::StrCat("重开率 ", Pct(s.reopen_rate()), "（", s.reopened(), "/", s.total(),
                                " 件），客户对首次处理结果不满意。"),
                   "对重开案件逐件复盘根因，解决方案须经客户确认后再实施。"});
  }
  if (s.satisfaction_responses() > 0 && s.satisfaction_mean() < kSatisfactionFloor) {
    out.push_back({absl::StrCat("客户满意度平均 ", Num(s.satisfaction_mean()), " 分（",
                                s.satisfaction_responses(), " 份回访），低于 ",
                                Num(kSatisfactionFloor), " 分。"),
                   "分析低分回访意见，改进沟通频次与处理质量。"});
  }
  return out;
}

std::string CaseReason(const std::string& reason) {
  if (reason == "longest_resolution") return "处理时间最长";
  if (reason == "reopened") return "重开案件";
  if (reason == "critical") return "严重程度为紧急";
  return reason;
}

// ---- SVG charts ------------------------------------------------------------------------------

// Horizontal bars; every bar's width is count / max * kBarMax.
constexpr double kBarMax = 360.0;

std::string BarChart(const std::string& title, const Pairs& rows,
                     std::string (*label)(const std::string&)) {
  int64_t max = 0;
  for (const auto& r : rows) max = std::max(max, r.second);
  const int row_h = 28, top = 30;
  const int height = top + row_h * static_cast<int>(std::max<size_t>(rows.size(), 1)) + 10;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart bar-chart\" width=\"620\" "
      "height=\"%d\" viewBox=\"0 0 620 %d\" role=\"img\" aria-label=\"%s\">\n"
      "<text x=\"10\" y=\"20\" class=\"ct\">%s</text>\n",
      height, height, EscapeHtml(title), EscapeHtml(title));
  int y = top;
  size_t i = 0;
  for (const auto& [name, count] : rows) {
    const double w =
        max == 0 ? 0.0 : kBarMax * static_cast<double>(count) / static_cast<double>(max);
    absl::StrAppendFormat(
        &svg,
        "<text x=\"150\" y=\"%d\" text-anchor=\"end\" class=\"lb\">%s</text>"
        "<rect class=\"bar\" data-count=\"%d\" x=\"160\" y=\"%d\" width=\"%.2f\" height=\"18\" "
        "fill=\"%s\"/><text x=\"%.2f\" y=\"%d\" class=\"vl\">%d</text>\n",
        y + 14, EscapeHtml(label(name)), count, y, w, kColours[i % 4], 160 + w + 6, y + 14, count);
    y += row_h;
    ++i;
  }
  svg += "</svg>\n";
  return svg;
}

struct Series {
  std::string name;
  std::vector<double> values;  // < 0: no value that month
};

// Lines over the months; y from 0 to y_max (percent when `percent`).
std::string LineChart(const std::string& title, const std::vector<int>& months,
                      const std::vector<Series>& series, bool percent) {
  const double left = 50, right = 600, top = 40, bottom = 240;
  double y_max = 1.0;  // percent: 100%
  if (!percent) {
    for (const auto& s : series)
      for (double v : s.values) y_max = std::max(y_max, v);
    y_max = std::ceil(y_max * 1.1);
  }
  const size_t n = months.size();
  auto x_of = [&](size_t i) {
    return n <= 1 ? (left + right) / 2
                  : left + (right - left) * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  auto y_of = [&](double v) { return bottom - (bottom - top) * v / y_max; };
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart line-chart\" width=\"640\" "
      "height=\"290\" viewBox=\"0 0 640 290\" role=\"img\" aria-label=\"%s\">\n"
      "<text x=\"10\" y=\"20\" class=\"ct\">%s</text>\n",
      EscapeHtml(title), EscapeHtml(title));
  for (int k = 0; k <= 4; ++k) {
    const double v = y_max * k / 4.0;
    const double y = y_of(v);
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" class=\"ax\">%s</text>\n",
        left, y, right, y, left - 4, y + 4,
        percent ? absl::StrFormat("%.0f%%", 100 * v) : absl::StrFormat("%.0f", v));
  }
  for (size_t i = 0; i < n; ++i) {
    absl::StrAppendFormat(
        &svg, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"ax\">%s</text>\n",
        x_of(i), bottom + 16, MonthLabel(months[i]));
  }
  for (size_t s = 0; s < series.size(); ++s) {
    const char* colour = kColours[s % 6];
    std::string points;
    for (size_t i = 0; i < series[s].values.size() && i < n; ++i) {
      const double v = series[s].values[i];
      if (v < 0) continue;
      absl::StrAppendFormat(&points, "%s%.1f,%.1f", points.empty() ? "" : " ", x_of(i), y_of(v));
      absl::StrAppendFormat(&svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x_of(i),
                            y_of(v), colour);
    }
    absl::StrAppendFormat(&svg,
                          "\n<polyline class=\"line\" fill=\"none\" stroke=\"%s\" "
                          "stroke-width=\"2\" points=\"%s\"/>\n",
                          colour, points);
    const double lx = left + 140.0 * static_cast<double>(s);
    absl::StrAppendFormat(&svg,
                          "<rect x=\"%.1f\" y=\"270\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                          "<text x=\"%.1f\" y=\"281\" class=\"lb\">%s</text>\n",
                          lx, colour, lx + 16, EscapeHtml(series[s].name));
  }
  svg += "</svg>\n";
  return svg;
}

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

// ---- JSON helpers ----------------------------------------------------------------------------

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

Value Str(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}
Value Number(double d) {
  Value v;
  v.set_number_value(d);
  return v;
}
Value Obj(Struct s) {
  Value v;
  *v.mutable_struct_value() = std::move(s);
  return v;
}
Value List(std::vector<Value> items) {
  Value v;
  for (auto& i : items) *v.mutable_list_value()->add_values() = std::move(i);
  return v;
}
void Put(Struct& s, const std::string& key, Value v) { (*s.mutable_fields())[key] = std::move(v); }

Value CountsJson(const Pairs& rows) {
  Struct s;
  for (const auto& [k, n] : rows) Put(s, k, Number(static_cast<double>(n)));
  return Obj(std::move(s));
}
Value SlaJson(const av1::SlaCompliance& c) {
  Struct s;
  Put(s, "met", Number(static_cast<double>(c.met())));
  Put(s, "missed", Number(static_cast<double>(c.missed())));
  Put(s, "rate", Number(c.rate()));
  return Obj(std::move(s));
}
Value DurationsJson(const av1::Durations& d) {
  Struct s;
  Put(s, "samples", Number(static_cast<double>(d.samples())));
  Put(s, "mean_seconds", Number(d.mean_seconds()));
  Put(s, "p50_seconds", Number(d.p50_seconds()));
  Put(s, "p90_seconds", Number(d.p90_seconds()));
  return Obj(std::move(s));
}
Value RateOrNull(double r) {
  if (r < 0) {
    Value v;
    v.set_null_value(google::protobuf::NULL_VALUE);
    return v;
  }
  return Number(r);
}

}  // namespace

std::string CategoryLabel(const std::string& name) {
  if (name == "product_quality") return "产品质量";
  if (name == "sales_service") return "销售服务";
  if (name == "handover") return "交付";
  if (name == "property_service") return "物业服务";
  if (name == "unspecified") return "未分类";
  return name;
}

std::string StageLabel(const std::string& name) {
  if (name == "pre_sale") return "售前";
  if (name == "sale") return "销售";
  if (name == "handover") return "交付";
  if (name == "property_service") return "物业服务";
  if (name == "unspecified") return "未注明";
  return name;
}

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

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

  // 一、总体情况
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
  kpi("1小时受理达标率", sla_pct(s.acknowledgement_sla()));
  kpi("2个工作日方案达标率", sla_pct(s.solution_sla()));
  kpi("3个工作日回访达标率", sla_pct(s.callback_sla()));
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
  h += BarChart("按责任部门统计（件）", ByDepartment(s), DepartmentLabel);
  {
    std::vector<Series> series;
    for (const char* c : kCategories) {
      Series ser{CategoryLabel(c), {}};
      auto it = in.category_trend.find(c);
      for (size_t i = 0; i < in.trend_months.size(); ++i) {
        ser.values.push_back(it == in.category_trend.end() || i >= it->second.size()
                                 ? 0.0
                                 : static_cast<double>(it->second[i]));
      }
      series.push_back(std::move(ser));
    }
    h += LineChart("近12个月各类别投诉趋势（件）", in.trend_months, series, false);
  }
  {
    std::vector<int> months;
    std::vector<Series> series = {{"1小时受理", {}}, {"2个工作日方案", {}}, {"3个工作日回访", {}}};
    for (const auto& p : in.sla_history) {
      months.push_back(p.yyyymm);
      series[0].values.push_back(p.acknowledgement);
      series[1].values.push_back(p.solution);
      series[2].values.push_back(p.callback);
    }
    h += LineChart("时限达标率走势", months, series, true);
  }
  h += "</section>\n";

  // 二、各阶段特点
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
  {
    const Pairs cats = ByCategory(s);
    auto top = std::max_element(cats.begin(), cats.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    if (top != cats.end() && top->second > 0) {
      absl::StrAppend(&h, "<p>本月投诉最多的类别为「", EscapeHtml(CategoryLabel(top->first)),
                      "」，共 ", top->second, " 件。</p>\n");
    }
  }
  h += "</section>\n";

  // 三、典型案例
  h += "<section id=\"cases\">\n<h2>三、典型案例</h2>\n";
  if (in.cases.empty()) {
    h += "<p>本月无符合规则（处理时间最长、重开、紧急）的典型案例。</p>\n";
  } else {
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
      cell(c.department.empty() ? "" : DepartmentLabel(c.department));
      cell(c.resolution_hours < 0 ? "未解决" : absl::StrFormat("%.1f", c.resolution_hours));
      cell(absl::StrCat(c.reopen_count));
      h += "</tr>\n";
    }
    h += "</table>\n";
  }
  h += "</section>\n";

  // 四、发现的问题与建议
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
  h += "</section>\n</body>\n</html>\n";
  return h;
}

std::string RenderMonthlyReportJson(const ReportInputs& in) {
  const av1::MonthlySummary& s = in.summary;
  Struct root;
  Put(root, "year", Number(s.year()));
  Put(root, "month", Number(s.month()));
  Put(root, "generated_at",
      Str(absl::FormatTime(absl::RFC3339_full, in.generated_at, absl::UTCTimeZone())));
  Put(root, "total", Number(static_cast<double>(s.total())));
  Put(root, "previous_month_total", Number(static_cast<double>(s.previous_month_total())));
  Put(root, "total_change", Number(static_cast<double>(s.total_change())));
  Put(root, "total_change_percent", Number(s.total_change_percent()));
  Put(root, "by_category", CountsJson(ByCategory(s)));
  Put(root, "by_stage", CountsJson(ByStage(s)));
  Put(root, "by_department", CountsJson(ByDepartment(s)));
  Put(root, "by_channel", CountsJson(Ordered(s.by_channel(), nullptr, 0)));
  Put(root, "by_project", CountsJson(Ordered(s.by_project(), nullptr, 0)));
  {
    Struct d;
    Put(d, "acknowledgement", DurationsJson(s.acknowledgement_time()));
    Put(d, "solution", DurationsJson(s.solution_time()));
    Put(d, "resolution", DurationsJson(s.resolution_time()));
    Put(root, "durations", Obj(std::move(d)));
  }
  {
    Struct sla;
    Put(sla, "acknowledgement_1h", SlaJson(s.acknowledgement_sla()));
    Put(sla, "solution_2bd", SlaJson(s.solution_sla()));
    Put(sla, "callback_3bd", SlaJson(s.callback_sla()));
    Put(root, "sla", Obj(std::move(sla)));
  }
  {
    Struct sat;
    Put(sat, "responses", Number(static_cast<double>(s.satisfaction_responses())));
    Put(sat, "mean", Number(s.satisfaction_mean()));
    std::vector<Value> dist;
    for (int64_t n : s.satisfaction_distribution()) dist.push_back(Number(static_cast<double>(n)));
    Put(sat, "distribution", List(std::move(dist)));
    Put(root, "satisfaction", Obj(std::move(sat)));
  }
  Put(root, "reopened", Number(static_cast<double>(s.reopened())));
  Put(root, "reopen_rate", Number(s.reopen_rate()));
  {
    Struct trend;
    std::vector<Value> months;
    for (int m : in.trend_months) months.push_back(Str(MonthLabel(m)));
    Put(trend, "months", List(std::move(months)));
    Struct series;
    for (const auto& [cat, values] : in.category_trend) {
      std::vector<Value> v;
      for (int64_t n : values) v.push_back(Number(static_cast<double>(n)));
      Put(series, cat, List(std::move(v)));
    }
    Put(trend, "by_category", Obj(std::move(series)));
    Put(root, "trend", Obj(std::move(trend)));
  }
  {
    std::vector<Value> hist;
    for (const auto& p : in.sla_history) {
      Struct o;
      Put(o, "month", Str(MonthLabel(p.yyyymm)));
      Put(o, "acknowledgement_1h", RateOrNull(p.acknowledgement));
      Put(o, "solution_2bd", RateOrNull(p.solution));
      Put(o, "callback_3bd", RateOrNull(p.callback));
      hist.push_back(Obj(std::move(o)));
    }
    Put(root, "sla_history", List(std::move(hist)));
  }
  {
    std::vector<Value> alerts;
    for (const auto& a : in.alerts) {
      Struct o;
      Put(o, "dimension", Str(a.dimension()));
      Put(o, "value", Str(a.value()));
      Put(o, "project", Str(a.project()));
      Put(o, "category", Str(a.category()));
      Put(o, "count", Number(static_cast<double>(a.count())));
      Put(o, "trailing_mean", Number(a.trailing_mean()));
      Put(o, "threshold", Number(a.threshold()));
      alerts.push_back(Obj(std::move(o)));
    }
    Put(root, "alerts", List(std::move(alerts)));
  }
  {
    std::vector<Value> cases;
    for (const auto& c : in.cases) {
      Struct o;
      Put(o, "number", Str(c.number));
      Put(o, "reason", Str(c.reason));
      Put(o, "category", Str(c.category));
      Put(o, "stage", Str(c.stage));
      Put(o, "project", Str(c.project));
      Put(o, "department", Str(c.department));
      if (!c.room.empty()) Put(o, "room", Str(log::MaskName(c.room)));
      if (!c.customer_name.empty()) Put(o, "customer_name", Str(log::MaskName(c.customer_name)));
      if (!c.phone.empty()) Put(o, "phone", Str(log::MaskPhone(c.phone)));
      Put(o, "resolution_hours", RateOrNull(c.resolution_hours));
      Put(o, "reopen_count", Number(c.reopen_count));
      Put(o, "critical", [&] {
        Value v;
        v.set_bool_value(c.critical);
        return v;
      }());
      cases.push_back(Obj(std::move(o)));
    }
    Put(root, "typical_cases", List(std::move(cases)));
  }
  {
    std::vector<Value> problems;
    int no = 0;
    for (const auto& p : Problems(in)) {
      Struct o;
      Put(o, "no", Number(++no));
      Put(o, "finding", Str(p.finding));
      Put(o, "recommendation", Str(p.recommendation));
      problems.push_back(Obj(std::move(o)));
    }
    Put(root, "problems", List(std::move(problems)));
  }
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = false;
  opts.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(root, &out, opts);
  return out;
}

}  // namespace tousu::analytics::report
