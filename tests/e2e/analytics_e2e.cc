// Policy §8 end to end: two simulated months of complaints driven through the real services
// (tools/simulate), and analytics' monthly figures, spike alert and management report checked
// against figures this test computes itself from what the simulator recorded, never from
// analytics.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/client/channel.h"
#include "common/time/beijing_zone.h"
#include "complaints/analytics/v1/analytics.grpc.pb.h"
#include "tests/e2e/stack.h"
#include "tools/simulate/driver.h"
#include "tools/simulate/plan.h"

namespace tousu {
namespace {

namespace av1 = complaints::analytics::v1;
namespace cv1 = complaints::common::v1;
using simulate::ComplaintRecord;
using simulate::SlaOutcome;

constexpr int kPerMonth = 30;
constexpr char kSpikeProject[] = "翠湖花园";

int MonthOf(absl::Time t) {
  const absl::CivilDay day = absl::ToCivilDay(t, time::BeijingZone());
  return static_cast<int>(day.year()) * 100 + day.month();
}

std::string Lower(std::string s, size_t prefix) {
  s = s.substr(prefix);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}
std::string CategoryName(cv1::Category c) {
  return Lower(cv1::Category_Name(c), sizeof("CATEGORY_") - 1);
}
std::string StageName(cv1::JourneyStage s) {
  return Lower(cv1::JourneyStage_Name(s), sizeof("JOURNEY_STAGE_") - 1);
}
std::string ChannelName(cv1::Channel c) {
  return Lower(cv1::Channel_Name(c), sizeof("CHANNEL_") - 1);
}

// The policy's rounding of handling times for percentiles: whole seconds, and from 1000 s on
// three significant digits, rounded down (12345 -> 12300).
int64_t ThreeSignificantDigitsDown(int64_t seconds) {
  int64_t divisor = 1;
  for (int64_t rest = seconds; rest >= 1000; rest /= 10) divisor *= 10;
  return seconds / divisor * divisor;
}

void ExpectedDurations(const std::vector<absl::Duration>& durations, av1::Durations* out) {
  out->set_samples(static_cast<int64_t>(durations.size()));
  if (durations.empty()) return;
  int64_t sum_ms = 0;
  std::vector<int64_t> rounded;
  for (absl::Duration d : durations) {
    const int64_t ms = absl::ToInt64Milliseconds(d);  // truncated
    sum_ms += ms;
    rounded.push_back(ThreeSignificantDigitsDown(ms / 1000));
  }
  std::sort(rounded.begin(), rounded.end());
  const double n = static_cast<double>(durations.size());
  out->set_mean_seconds(static_cast<double>(sum_ms) / n / 1000.0);
  auto nearest_rank = [&](double p) {
    const auto rank =
        std::clamp<int64_t>(static_cast<int64_t>(std::ceil(p * n)), 1, static_cast<int64_t>(n));
    return static_cast<double>(rounded[static_cast<size_t>(rank - 1)]);
  };
  out->set_p50_seconds(nearest_rank(0.5));
  out->set_p90_seconds(nearest_rank(0.9));
}

void ExpectedSla(const std::vector<SlaOutcome>& outcomes, av1::SlaCompliance* out) {
  for (SlaOutcome o : outcomes) {
    if (o == SlaOutcome::kMet) out->set_met(out->met() + 1);
    if (o == SlaOutcome::kMissed) out->set_missed(out->missed() + 1);
  }
  const int64_t known = out->met() + out->missed();
  out->set_rate(known == 0 ? 0.0 : static_cast<double>(out->met()) / static_cast<double>(known));
}

// GetMonthlySummary's optional filters; empty / unspecified = all.
struct Filter {
  std::string project;
  cv1::Category category = cv1::CATEGORY_UNSPECIFIED;
  std::string department_id;
  bool Matches(const ComplaintRecord& c) const {
    return (project.empty() || c.project == project) &&
           (category == cv1::CATEGORY_UNSPECIFIED || c.category == category) &&
           (department_id.empty() || c.department_id == department_id);
  }
  std::string Describe() const {
    return absl::StrCat("project=", project, " category=", CategoryName(category),
                        " department=", department_id);
  }
};

// The month's summary as the policy defines it, from the simulator's record alone.
av1::MonthlySummary ExpectedSummary(const std::vector<ComplaintRecord>& record, int yyyymm,
                                    const Filter& filter = {}) {
  av1::MonthlySummary s;
  s.set_year(yyyymm / 100);
  s.set_month(yyyymm % 100);
  std::map<std::string, int64_t> category, stage, channel, project, department;
  std::vector<absl::Duration> ack, solution, resolution;
  std::vector<SlaOutcome> ack_sla, solution_sla, callback_sla;
  std::vector<int64_t> scores(5, 0);
  int64_t previous = 0, reopened = 0;
  const int previous_month =
      MonthOf(simulate::MonthStart(yyyymm / 100, yyyymm % 100) - absl::Seconds(1));
  for (const ComplaintRecord& c : record) {
    if (!filter.Matches(c)) continue;
    const int month = MonthOf(c.received_at);
    if (month == previous_month) ++previous;
    if (month != yyyymm) continue;
    s.set_total(s.total() + 1);
    ++category[CategoryName(c.category)];
    ++stage[StageName(c.stage)];
    ++channel[ChannelName(c.channel)];
    ++project[c.project];
    ++department[c.department_id.empty() ? "unassigned" : c.department_id];
    if (c.acknowledged_at) ack.push_back(*c.acknowledged_at - c.received_at);
    if (c.acknowledged_at && c.first_solution_at)
      solution.push_back(*c.first_solution_at - *c.acknowledged_at);
    if (c.resolved_at) resolution.push_back(*c.resolved_at - c.received_at);
    for (int score : c.satisfaction) ++scores[static_cast<size_t>(score - 1)];
    ack_sla.push_back(c.ack_sla);
    solution_sla.push_back(c.solution_sla);
    callback_sla.push_back(c.callback_sla);
    reopened += c.reopen_count > 0;
  }
  auto fill = [](const std::map<std::string, int64_t>& counts, auto* out) {
    for (const auto& [value, n] : counts) {
      auto* c = out->Add();
      c->set_value(value);
      c->set_count(n);
    }
  };
  fill(category, s.mutable_by_category());
  fill(stage, s.mutable_by_stage());
  fill(channel, s.mutable_by_channel());
  fill(project, s.mutable_by_project());
  fill(department, s.mutable_by_department());
  ExpectedDurations(ack, s.mutable_acknowledgement_time());
  ExpectedDurations(solution, s.mutable_solution_time());
  ExpectedDurations(resolution, s.mutable_resolution_time());
  int64_t responses = 0, score_sum = 0;
  for (int i = 0; i < 5; ++i) {
    s.add_satisfaction_distribution(scores[static_cast<size_t>(i)]);
    responses += scores[static_cast<size_t>(i)];
    score_sum += scores[static_cast<size_t>(i)] * (i + 1);
  }
  s.set_satisfaction_responses(responses);
  s.set_satisfaction_mean(
      responses == 0 ? 0.0 : static_cast<double>(score_sum) / static_cast<double>(responses));
  ExpectedSla(ack_sla, s.mutable_acknowledgement_sla());
  ExpectedSla(solution_sla, s.mutable_solution_sla());
  ExpectedSla(callback_sla, s.mutable_callback_sla());
  s.set_reopened(reopened);
  s.set_reopen_rate(
      s.total() == 0 ? 0.0 : static_cast<double>(reopened) / static_cast<double>(s.total()));
  s.set_previous_month_total(previous);
  s.set_total_change(s.total() - previous);
  s.set_total_change_percent(previous == 0 ? 0.0
                                           : 100.0 * static_cast<double>(s.total() - previous) /
                                                 static_cast<double>(previous));
  return s;
}

std::map<std::string, int64_t> Counts(
    const google::protobuf::RepeatedPtrField<av1::Count>& counts) {
  std::map<std::string, int64_t> out;
  for (const auto& c : counts) out[c.value()] += c.count();
  return out;
}

std::string Show(const std::map<std::string, int64_t>& counts) {
  std::string out;
  for (const auto& [v, n] : counts) absl::StrAppend(&out, v, "=", n, " ");
  return out;
}

bool Close(double expected, double actual) {
  return std::abs(expected - actual) <= 1e-6 * std::max(1.0, std::abs(expected));
}

// Every field of the summary that differs, one line each; empty when they agree.
std::string Differences(const av1::MonthlySummary& want, const av1::MonthlySummary& got) {
  std::string out;
  auto integer = [&](const char* field, int64_t w, int64_t g) {
    if (w != g) absl::StrAppend(&out, field, ": expected ", w, ", analytics says ", g, "\n");
  };
  auto real = [&](const char* field, double w, double g) {
    if (!Close(w, g)) absl::StrAppend(&out, field, ": expected ", w, ", analytics says ", g, "\n");
  };
  auto counts = [&](const char* field, const auto& w, const auto& g) {
    if (Counts(w) != Counts(g)) {
      absl::StrAppend(&out, field, ": expected ", Show(Counts(w)), ", analytics says ",
                      Show(Counts(g)), "\n");
    }
  };
  auto durations = [&](const std::string& field, const av1::Durations& w, const av1::Durations& g) {
    integer((field + ".samples").c_str(), w.samples(), g.samples());
    real((field + ".mean_seconds").c_str(), w.mean_seconds(), g.mean_seconds());
    real((field + ".p50_seconds").c_str(), w.p50_seconds(), g.p50_seconds());
    real((field + ".p90_seconds").c_str(), w.p90_seconds(), g.p90_seconds());
  };
  auto sla = [&](const std::string& field, const av1::SlaCompliance& w,
                 const av1::SlaCompliance& g) {
    integer((field + ".met").c_str(), w.met(), g.met());
    integer((field + ".missed").c_str(), w.missed(), g.missed());
    real((field + ".rate").c_str(), w.rate(), g.rate());
  };
  integer("year", want.year(), got.year());
  integer("month", want.month(), got.month());
  integer("total", want.total(), got.total());
  counts("by_category", want.by_category(), got.by_category());
  counts("by_stage", want.by_stage(), got.by_stage());
  counts("by_channel", want.by_channel(), got.by_channel());
  counts("by_project", want.by_project(), got.by_project());
  counts("by_department", want.by_department(), got.by_department());
  durations("acknowledgement_time", want.acknowledgement_time(), got.acknowledgement_time());
  durations("solution_time", want.solution_time(), got.solution_time());
  durations("resolution_time", want.resolution_time(), got.resolution_time());
  integer("satisfaction_responses", want.satisfaction_responses(), got.satisfaction_responses());
  real("satisfaction_mean", want.satisfaction_mean(), got.satisfaction_mean());
  std::vector<int64_t> wd(want.satisfaction_distribution().begin(),
                          want.satisfaction_distribution().end());
  std::vector<int64_t> gd(got.satisfaction_distribution().begin(),
                          got.satisfaction_distribution().end());
  if (wd != gd) {
    absl::StrAppend(&out, "satisfaction_distribution: expected ", absl::StrJoin(wd, ","),
                    ", analytics says ", absl::StrJoin(gd, ","), "\n");
  }
  sla("acknowledgement_sla", want.acknowledgement_sla(), got.acknowledgement_sla());
  sla("solution_sla", want.solution_sla(), got.solution_sla());
  sla("callback_sla", want.callback_sla(), got.callback_sla());
  integer("reopened", want.reopened(), got.reopened());
  real("reopen_rate", want.reopen_rate(), got.reopen_rate());
  integer("previous_month_total", want.previous_month_total(), got.previous_month_total());
  integer("total_change", want.total_change(), got.total_change());
  real("total_change_percent", want.total_change_percent(), got.total_change_percent());
  return out;
}

class AnalyticsE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new e2e::Stack();
    stack_->Start();
    if (::testing::Test::HasFatalFailure()) return;
    auto calendar = time::BusinessCalendar::LoadFile(TOUSU_CALENDAR_FILE);
    ASSERT_TRUE(calendar.ok()) << calendar.status();

    // The two months after the current one: the simulated clock only moves forward.
    const absl::CivilMonth now = absl::ToCivilMonth(absl::Now(), time::BeijingZone());
    const absl::CivilMonth first = now + 1, second = now + 2;
    months_ = {static_cast<int>(first.year()) * 100 + first.month(),
               static_cast<int>(second.year()) * 100 + second.month()};
    simulate::PlanOptions options;
    // Another period to try: TOUSU_E2E_SIMULATE_SEED=<n>.
    const char* seed = std::getenv("TOUSU_E2E_SIMULATE_SEED");
    options.seed = seed != nullptr ? std::strtoull(seed, nullptr, 10) : 20260901;
    std::cerr << "simulation seed " << options.seed << "\n";
    options.months = {
        {.year = static_cast<int>(first.year()), .month = first.month(), .complaints = kPerMonth},
        {.year = static_cast<int>(second.year()),
         .month = second.month(),
         .complaints = kPerMonth}};
    options.spike = true;
    options.spike_project = kSpikeProject;
    options.spike_extra = 12;
    auto plan = simulate::GeneratePlan(options, *calendar);
    ASSERT_TRUE(plan.ok()) << plan.status();

    simulate::Driver driver(
        {.intake = stack_->service("intake").address(),
         .routing = stack_->service("routing").address(),
         .case_handling = stack_->service("case-handling").address(),
         .follow_up = stack_->service("follow-up").address()},
        {.clock_file = stack_->clock_file(),
         .wait_timeout = absl::Seconds(30),
         .call_timeout = absl::Seconds(10),
         .progress = [](const std::string& line) { std::cerr << "simulate: " << line << "\n"; }});
    const absl::Time started = absl::Now();
    auto record = driver.Run(*plan);
    ASSERT_TRUE(record.ok()) << record.status();
    std::cerr << "simulated " << plan->complaints.size() << " complaints in "
              << absl::Now() - started << "\n";
    record_ = new std::vector<ComplaintRecord>(record->complaints);
  }
  static void TearDownTestSuite() {
    delete record_;
    record_ = nullptr;
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(record_, nullptr) << "the simulation did not run";
    analytics_ = av1::AnalyticsService::NewStub(grpc::CreateChannel(
        stack_->service("analytics").address(), grpc::InsecureChannelCredentials()));
  }

  static std::unique_ptr<grpc::ClientContext> Ctx() {
    return client::NewCallContext(absl::Seconds(20));
  }

  av1::MonthlySummary Summary(int yyyymm, const Filter& filter = {}) {
    av1::GetMonthlySummaryRequest req;
    req.set_year(yyyymm / 100);
    req.set_month(yyyymm % 100);
    req.set_project(filter.project);
    req.set_category(filter.category);
    req.set_department_id(filter.department_id);
    av1::GetMonthlySummaryResponse resp;
    auto s = analytics_->GetMonthlySummary(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.summary();
  }

  static e2e::Stack* stack_;
  static std::vector<ComplaintRecord>* record_;
  static std::vector<int> months_;
  std::unique_ptr<av1::AnalyticsService::Stub> analytics_;
};

e2e::Stack* AnalyticsE2e::stack_ = nullptr;
std::vector<ComplaintRecord>* AnalyticsE2e::record_ = nullptr;
std::vector<int> AnalyticsE2e::months_;

TEST_F(AnalyticsE2e, TheSimulationLeftEveryKindOfStoryToCount) {
  std::map<simulate::Stop, int> stops;
  int ack_missed = 0, solution_missed = 0, callback_missed = 0, reopened = 0, late_night = 0;
  for (const auto& c : *record_) {
    ++stops[c.stop];
    ack_missed += c.ack_sla == SlaOutcome::kMissed;
    solution_missed += c.solution_sla == SlaOutcome::kMissed;
    callback_missed += c.callback_sla == SlaOutcome::kMissed;
    reopened += c.reopen_count > 0;
    const int hour = absl::ToCivilHour(c.received_at, time::BeijingZone()).hour();
    late_night += hour < 8 || hour >= 19;
    EXPECT_FALSE(c.number.empty());
    if (c.stop == simulate::Stop::kClosed) {
      EXPECT_TRUE(c.acknowledged_at && c.first_solution_at && c.resolved_at && c.callback_at &&
                  c.closed_at)
          << c.number;
      EXPECT_EQ(c.satisfaction.size(), static_cast<size_t>(c.reopen_count + 1)) << c.number;
    }
  }
  for (auto stop : {simulate::Stop::kNotAcknowledged, simulate::Stop::kInvestigating,
                    simulate::Stop::kAwaitingCallback, simulate::Stop::kClosed}) {
    EXPECT_GT(stops[stop], 0) << simulate::StopName(stop);
  }
  EXPECT_GT(ack_missed, 0);
  EXPECT_GT(solution_missed, 0);
  EXPECT_GT(callback_missed, 0);
  EXPECT_GT(reopened, 0);
  EXPECT_GT(late_night, 0);
}

TEST_F(AnalyticsE2e, EachMonthsSummaryEqualsTheFiguresOfWhatWasSimulated) {
  for (int yyyymm : months_) {
    const av1::MonthlySummary want = ExpectedSummary(*record_, yyyymm);
    ASSERT_GT(want.total(), 0);
    std::cerr << "month " << yyyymm << " expected: " << want.ShortDebugString() << "\n";
    // Events reach analytics asynchronously (deadline timers fire after the last clock move).
    std::string differences;
    const absl::Time until = absl::Now() + absl::Seconds(60);
    do {
      differences = Differences(want, Summary(yyyymm));
      if (differences.empty()) break;
      absl::SleepFor(absl::Milliseconds(250));
    } while (absl::Now() < until);
    EXPECT_EQ(differences, "") << "month " << yyyymm;
  }
}

TEST_F(AnalyticsE2e, FilteredSummariesEqualTheFiguresOfTheMatchingComplaints) {
  const std::vector<Filter> filters = {
      {.project = kSpikeProject, .category = cv1::CATEGORY_UNSPECIFIED, .department_id = ""},
      {.project = "", .category = cv1::CATEGORY_PRODUCT_QUALITY, .department_id = ""},
      {.project = "",
       .category = cv1::CATEGORY_UNSPECIFIED,
       .department_id = "property-management"},
      {.project = kSpikeProject, .category = cv1::CATEGORY_PRODUCT_QUALITY, .department_id = ""},
      {.project = "金沙湾畔",
       .category = cv1::CATEGORY_UNSPECIFIED,
       .department_id = "engineering"},
  };
  for (int yyyymm : months_) {
    for (const Filter& filter : filters) {
      const av1::MonthlySummary want = ExpectedSummary(*record_, yyyymm, filter);
      std::string differences;
      const absl::Time until = absl::Now() + absl::Seconds(30);
      do {
        differences = Differences(want, Summary(yyyymm, filter));
        if (differences.empty()) break;
        absl::SleepFor(absl::Milliseconds(250));
      } while (absl::Now() < until);
      EXPECT_EQ(differences, "") << "month " << yyyymm << " " << filter.Describe();
    }
  }
}

TEST_F(AnalyticsE2e, TheSpikingProjectsQualityComplaintsRaiseAnAlertInTheSecondMonth) {
  const int month = months_[1];
  // Counted first, so the check sees the whole month.
  const std::string value = absl::StrCat(kSpikeProject, "|product_quality");
  int64_t expected_count = 0;
  for (const auto& c : *record_) {
    expected_count += MonthOf(c.received_at) == month && c.project == kSpikeProject &&
                      c.category == cv1::CATEGORY_PRODUCT_QUALITY;
  }
  ASSERT_GE(expected_count, 10);
  av1::RunSpikeCheckRequest req;
  req.set_year(month / 100);
  req.set_month(month % 100);
  av1::RunSpikeCheckResponse resp;
  auto s = analytics_->RunSpikeCheck(Ctx().get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  auto find = [&](const auto& alerts) -> const av1::SpikeAlert* {
    for (const auto& a : alerts) {
      if (a.dimension() == "project_category" && a.value() == value) return &a;
    }
    return nullptr;
  };
  const av1::SpikeAlert* alert = find(resp.alerts());
  ASSERT_NE(alert, nullptr) << resp.DebugString();
  EXPECT_EQ(alert->project(), kSpikeProject);
  EXPECT_EQ(alert->category(), "product_quality");
  EXPECT_EQ(alert->count(), expected_count);

  av1::ListAlertsRequest list;
  list.set_year(month / 100);
  list.set_month(month % 100);
  av1::ListAlertsResponse listed;
  ASSERT_TRUE(analytics_->ListAlerts(Ctx().get(), list, &listed).ok());
  EXPECT_NE(find(listed.alerts()), nullptr) << listed.DebugString();
}

TEST_F(AnalyticsE2e, TheSecondMonthsReportHasEverySectionAndChartAndNoCustomersPhone) {
  const int month = months_[1];
  av1::GenerateMonthlyReportRequest req;
  req.set_year(month / 100);
  req.set_month(month % 100);
  av1::GenerateMonthlyReportResponse resp;
  auto s = analytics_->GenerateMonthlyReport(Ctx().get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string& html = resp.report().html();
  const std::string& json = resp.report().json();
  for (const char* section :
       {"一、总体情况", "二、各阶段特点", "三、典型案例", "四、发现的问题与建议"}) {
    EXPECT_NE(html.find(section), std::string::npos) << section;
  }
  for (const char* chart :
       {"按投诉类别统计（件）", "按责任部门统计（件）", "按客户旅程阶段统计（件）",
        "近12个月各类别投诉趋势（件）", "时限达标率走势"}) {
    EXPECT_NE(html.find(absl::StrCat("aria-label=\"", chart, "\"")), std::string::npos) << chart;
  }
  size_t charts = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1))
    ++charts;
  EXPECT_GE(charts, 5u);
  EXPECT_NE(json.find("by_category"), std::string::npos);
  for (const auto& c : *record_) {
    EXPECT_EQ(html.find(c.customer_phone), std::string::npos)
        << "unmasked phone in the HTML: " << c.customer_phone;
    EXPECT_EQ(json.find(c.customer_phone), std::string::npos)
        << "unmasked phone in the JSON: " << c.customer_phone;
  }
}

}  // namespace
}  // namespace tousu
