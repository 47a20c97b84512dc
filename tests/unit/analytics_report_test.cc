// The monthly management report (policy §8): the HTML carries every section and chart, bars are
// proportional to counts, inserted text is escaped, personal data is masked, and the JSON parses
// and carries the same figures.

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "services/analytics/report/report.h"

namespace tousu::analytics::report {
namespace {

constexpr char kEvilProject[] = "<script>alert(\"x\")</script>翠湖'天地";

void AddCount(google::protobuf::RepeatedPtrField<av1::Count>* counts, const std::string& v,
              int64_t n) {
  auto* c = counts->Add();
  c->set_value(v);
  c->set_count(n);
}

ReportInputs Sample() {
  ReportInputs in;
  av1::MonthlySummary& s = in.summary;
  s.set_year(2026);
  s.set_month(3);
  s.set_total(40);
  AddCount(s.mutable_by_category(), "product_quality", 20);
  AddCount(s.mutable_by_category(), "property_service", 10);
  AddCount(s.mutable_by_category(), "sales_service", 5);
  AddCount(s.mutable_by_category(), "unspecified", 5);
  AddCount(s.mutable_by_stage(), "pre_sale", 4);
  AddCount(s.mutable_by_stage(), "sale", 8);
  AddCount(s.mutable_by_stage(), "handover", 12);
  AddCount(s.mutable_by_stage(), "property_service", 16);
  AddCount(s.mutable_by_department(), "engineering", 24);
  AddCount(s.mutable_by_department(), "property", 12);
  AddCount(s.mutable_by_department(), "unassigned", 4);
  AddCount(s.mutable_by_project(), kEvilProject, 25);
  AddCount(s.mutable_by_project(), "濱江花園", 15);
  AddCount(s.mutable_by_channel(), "hotline", 40);
  s.mutable_acknowledgement_time()->set_samples(30);
  s.mutable_acknowledgement_time()->set_mean_seconds(2400);
  s.mutable_resolution_time()->set_samples(20);
  s.mutable_resolution_time()->set_mean_seconds(86400 * 3);
  s.mutable_acknowledgement_sla()->set_met(27);
  s.mutable_acknowledgement_sla()->set_missed(9);
  s.mutable_acknowledgement_sla()->set_rate(0.75);
  s.mutable_solution_sla()->set_met(19);
  s.mutable_solution_sla()->set_missed(1);
  s.mutable_solution_sla()->set_rate(0.95);
  s.mutable_callback_sla()->set_met(10);
  s.mutable_callback_sla()->set_missed(5);
  s.mutable_callback_sla()->set_rate(10.0 / 15.0);
  s.set_satisfaction_responses(15);
  s.set_satisfaction_mean(3.2);
  for (int n : {2, 2, 3, 4, 4}) s.add_satisfaction_distribution(n);
  s.set_reopened(6);
  s.set_reopen_rate(0.15);
  s.set_previous_month_total(32);
  s.set_total_change(8);
  s.set_total_change_percent(25);
  for (int m = 202504; m <= 202512; ++m) in.trend_months.push_back(m);
  for (int m = 202601; m <= 202603; ++m) in.trend_months.push_back(m);
  in.category_trend["product_quality"] = {1, 2, 1, 0, 3, 2, 1, 2, 1, 1, 2, 20};
  in.category_trend["property_service"] = {9, 10, 11, 10, 9, 10, 12, 10, 9, 10, 11, 10};
  in.category_trend["sales_service"] = {0, 1, 0, 2, 1, 0, 1, 3, 2, 1, 0, 5};
  in.category_trend["handover"] = std::vector<int64_t>(12, 0);
  in.sla_history = {
      {.yyyymm = 202601, .acknowledgement = 0.9, .solution = 0.8, .callback = 0.7},
      {.yyyymm = 202602, .acknowledgement = 0.85, .solution = -1, .callback = 0.75},
      {.yyyymm = 202603, .acknowledgement = 0.75, .solution = 0.95, .callback = 0.667}};
  av1::SpikeAlert a;
  a.set_year(2026);
  a.set_month(3);
  a.set_dimension("project_category");
  a.set_value(std::string(kEvilProject) + "|product_quality");
  a.set_project(kEvilProject);
  a.set_category("product_quality");
  a.set_count(20);
  a.set_trailing_mean(1.5);
  a.set_threshold(3.2);
  in.alerts.push_back(a);
  in.cases.push_back({.number = "TS-202603-000007",
                      .reason = "longest_resolution",
                      .category = "product_quality",
                      .stage = "handover",
                      .project = kEvilProject,
                      .department = "engineering",
                      .customer_name = "欧阳娜娜",
                      .phone = "13812341234",
                      .room = "3栋1202",
                      .resolution_hours = 312.5,
                      .reopen_count = 1,
                      .critical = false});
  in.cases.push_back({.number = "TS-202603-000011",
                      .reason = "critical",
                      .category = "property_service",
                      .stage = "property_service",
                      .project = "濱江花園",
                      .department = "property",
                      .customer_name = "张三",
                      .phone = "010-12345678",
                      .room = "",
                      .resolution_hours = -1,
                      .reopen_count = 0,
                      .critical = true});
  in.generated_at = absl::FromUnixSeconds(1775000000);
  return in;
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

TEST(MonthlyReportHtml, HasEverySectionAndFiveCharts) {
  const std::string html = RenderMonthlyReportHtml(Sample());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* t : {"总体情况", "各阶段特点", "典型案例", "发现的问题与建议"}) {
    EXPECT_NE(html.find(t), std::string::npos) << t;
  }
  for (const char* t : {"产品质量", "销售服务", "交付", "物业服务", "售前", "销售"}) {
    EXPECT_NE(html.find(t), std::string::npos) << t;
  }
  // Bars by category, department and stage; the 12-month trend; the SLA line.
  EXPECT_EQ(Count(html, "<svg"), 5u);
  EXPECT_EQ(Count(html, "</svg>"), 5u);
  EXPECT_EQ(Count(html, "class=\"chart bar-chart\""), 3u);
  EXPECT_EQ(Count(html, "class=\"chart line-chart\""), 2u);
  // Self-contained: no external resources.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("http://", 0), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(MonthlyReportHtml, BarsAreProportionalToCounts) {
  const std::string html = RenderMonthlyReportHtml(Sample());
  const std::regex bar(R"re(<rect class="bar" data-count="(\d+)"[^>]* width="([0-9.]+)")re");
  // Per bar chart: (count, width) of every bar.
  std::vector<std::vector<std::pair<int64_t, double>>> charts;
  for (size_t p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) {
    const std::string svg = html.substr(p, html.find("</svg>", p) - p);
    if (svg.find("bar-chart") == std::string::npos) continue;
    auto& bars = charts.emplace_back();
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator();
         ++it) {
      bars.emplace_back(std::stoll((*it)[1]), std::stod((*it)[2]));
    }
  }
  ASSERT_EQ(charts.size(), 3u);
  // Categories (4 + unspecified), departments, stages.
  EXPECT_EQ(charts[0].size(), 5u);
  EXPECT_EQ(charts[1].size(), 3u);
  EXPECT_EQ(charts[2].size(), 4u);
  const int64_t max_of[] = {20, 24, 16};
  for (size_t c = 0; c < charts.size(); ++c) {
    for (const auto& [count, width] : charts[c]) {
      EXPECT_NEAR(width, 360.0 * static_cast<double>(count) / static_cast<double>(max_of[c]), 0.01)
          << "chart " << c << " count " << count;
    }
  }
  EXPECT_EQ(charts[0][0], (std::pair<int64_t, double>{20, 360.0}));  // product_quality first
  EXPECT_EQ(charts[0][2].first, 0);                                  // handover: an empty bar
  EXPECT_EQ(charts[0][2].second, 0.0);
}

TEST(MonthlyReportHtml, EscapesInsertedText) {
  const std::string html = RenderMonthlyReportHtml(Sample());
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("alert(\"x\")"), std::string::npos);
  EXPECT_EQ(html.find("翠湖'天地"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;翠湖&#39;天地"),
            std::string::npos);
  EXPECT_EQ(EscapeHtml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

TEST(MonthlyReportHtml, MasksPersonalData) {
  const std::string html = RenderMonthlyReportHtml(Sample());
  const std::string json = RenderMonthlyReportJson(Sample());
  for (const std::string& doc : {html, json}) {
    // No mobile number: 11 digits starting with 1 (not a fraction's digits).
    EXPECT_FALSE(std::regex_search(doc, std::regex("(^|[^0-9.])1[0-9]{10}([^0-9]|$)")));
    EXPECT_EQ(doc.find("13812341234"), std::string::npos);
    EXPECT_EQ(doc.find("12345678"), std::string::npos);
    EXPECT_EQ(doc.find("欧阳娜娜"), std::string::npos);
    EXPECT_EQ(doc.find("张三"), std::string::npos);
    EXPECT_EQ(doc.find("1202"), std::string::npos);
    EXPECT_NE(doc.find("138****1234"), std::string::npos);
    EXPECT_NE(doc.find("欧***"), std::string::npos);
    EXPECT_NE(doc.find("张*"), std::string::npos);
  }
}

TEST(MonthlyReportHtml, ProblemsCiteTheirFigures) {
  const std::string html = RenderMonthlyReportHtml(Sample());
  const size_t problems = html.find("发现的问题与建议");
  ASSERT_NE(problems, std::string::npos);
  const std::string tail = html.substr(problems);
  EXPECT_NE(tail.find("本月 20 件"), std::string::npos);      // the spike alert
  EXPECT_NE(tail.find("75.0%（27/36）"), std::string::npos);  // 1 h acknowledgement
  EXPECT_NE(tail.find("66.7%（10/15）"), std::string::npos);  // callback
  EXPECT_EQ(tail.find("95.0%（19/20）"), std::string::npos);  // solution met its target
  EXPECT_NE(tail.find("15.0%（6/40"), std::string::npos);     // reopen rate
  EXPECT_NE(tail.find("3.20 分"), std::string::npos);         // satisfaction
  EXPECT_EQ(Count(tail, "<li>"), 5u);
  for (const char* n : {"问题 1：", "问题 5：", "建议 5："}) {
    EXPECT_NE(tail.find(n), std::string::npos) << n;
  }
}

TEST(MonthlyReportHtml, EmptyMonthStillRenders) {
  ReportInputs in;
  in.summary.set_year(2026);
  in.summary.set_month(7);
  const std::string html = RenderMonthlyReportHtml(in);
  EXPECT_EQ(Count(html, "<svg"), 5u);
  EXPECT_NE(html.find("本月无符合规则"), std::string::npos);
  google::protobuf::Struct parsed;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(RenderMonthlyReportJson(in), &parsed).ok());
}

TEST(MonthlyReportJson, ParsesAndCarriesTheSameFigures) {
  const ReportInputs in = Sample();
  const std::string json = RenderMonthlyReportJson(in);
  google::protobuf::Struct root;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &root).ok()) << json;
  const auto& f = root.fields();
  EXPECT_EQ(f.at("year").number_value(), 2026);
  EXPECT_EQ(f.at("month").number_value(), 3);
  EXPECT_EQ(f.at("total").number_value(), 40);
  EXPECT_EQ(f.at("previous_month_total").number_value(), 32);
  const auto& cats = f.at("by_category").struct_value().fields();
  EXPECT_EQ(cats.at("product_quality").number_value(), 20);
  EXPECT_EQ(cats.at("handover").number_value(), 0);
  EXPECT_EQ(cats.at("unspecified").number_value(), 5);
  double sum = 0;
  for (const auto& [k, v] : cats) sum += v.number_value();
  EXPECT_EQ(sum, 40);
  EXPECT_EQ(f.at("by_stage").struct_value().fields().at("property_service").number_value(), 16);
  EXPECT_EQ(f.at("by_department").struct_value().fields().at("engineering").number_value(), 24);
  // The escaped-in-HTML project name is carried verbatim in JSON.
  EXPECT_EQ(f.at("by_project").struct_value().fields().at(kEvilProject).number_value(), 25);
  const auto& sla = f.at("sla").struct_value().fields();
  EXPECT_EQ(sla.at("acknowledgement_1h").struct_value().fields().at("met").number_value(), 27);
  EXPECT_DOUBLE_EQ(sla.at("acknowledgement_1h").struct_value().fields().at("rate").number_value(),
                   0.75);
  EXPECT_EQ(f.at("trend").struct_value().fields().at("months").list_value().values_size(), 12);
  EXPECT_EQ(f.at("trend")
                .struct_value()
                .fields()
                .at("by_category")
                .struct_value()
                .fields()
                .at("product_quality")
                .list_value()
                .values(11)
                .number_value(),
            20);
  const auto& hist = f.at("sla_history").list_value();
  ASSERT_EQ(hist.values_size(), 3);
  EXPECT_TRUE(hist.values(1).struct_value().fields().at("solution_2bd").has_null_value());
  EXPECT_EQ(f.at("alerts").list_value().values_size(), 1);
  EXPECT_EQ(f.at("typical_cases").list_value().values_size(), 2);
  EXPECT_EQ(f.at("problems").list_value().values_size(), 5);
  EXPECT_EQ(f.at("reopened").number_value(), 6);
}

TEST(MonthlyReportHtml, NamesTheDepartmentsTheStaffDirectoryNamed) {
  ReportInputs in = Sample();
  in.department_names = {{"engineering", "工程质量部"}};
  const std::string html = RenderMonthlyReportHtml(in);
  const size_t chart = html.find("按责任部门统计");
  ASSERT_NE(chart, std::string::npos);
  const std::string bars = html.substr(chart, html.find("</svg>", chart) - chart);
  EXPECT_NE(bars.find(">工程质量部</text>"), std::string::npos);
  EXPECT_NE(bars.find(">property</text>"), std::string::npos);  // no name known: its id
  EXPECT_NE(bars.find(">未分派</text>"), std::string::npos);
  EXPECT_EQ(bars.find(">engineering</text>"), std::string::npos);
  EXPECT_NE(html.find("<td>工程质量部</td>"), std::string::npos);  // the typical case's department
  // Programs keep the ids.
  EXPECT_NE(RenderMonthlyReportJson(in).find("\"engineering\""), std::string::npos);
}

TEST(MonthlyReportHtml, StatesTheSlaTermsItIsGiven) {
  ReportInputs in = Sample();
  in.sla_terms = {.ack_window = absl::Minutes(30), .solution_days = 3, .callback_days = 5};
  const std::string html = RenderMonthlyReportHtml(in);
  for (const char* t :
       {"30分钟受理达标率", "3个工作日方案达标率", "5个工作日回访达标率", "30 分钟受理达标率 75.0%",
        "确保责任部门 30 分钟内确认", "5 个工作日内回访达标率 66.7%"}) {
    EXPECT_NE(html.find(t), std::string::npos) << t;
  }
  for (const char* t : {"1小时", "1 小时", "2个工作日", "3 个工作日内回访"}) {
    EXPECT_EQ(html.find(t), std::string::npos) << t;
  }
}

}  // namespace
}  // namespace tousu::analytics::report
