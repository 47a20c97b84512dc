// The analytics service against real MariaDB, in-process over loopback gRPC. Events arrive through
// the runtime's EventSink as the other services' relays would deliver them: a realistic series for
// ~45 complaints over three months. Every figure of GetMonthlySummary is checked against counts
// the test computes itself from the complaints it made up.

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/events/outbox.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "complaints/staff/v1/staff.pb.h"
#include "services/analytics/access.h"
#include "services/analytics/analytics_service.h"
#include "tests/support/shanghai_time.h"
#include "tests/support/test_env.h"

namespace tousu::analytics {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;

constexpr char kRising[] = "翠湖天地";
constexpr char kFlat[] = "濱江花園";

using ::tousu::testing::Shanghai;
google::protobuf::Timestamp Ts(absl::Time t) { return time::ToProto(t); }

// One made-up complaint and everything that happens to it.
struct Complaint {
  std::string number;
  int month = 0;  // yyyymm of receipt in Shanghai
  std::string project;
  int category = 0;  // 0: never classified
  int channel = 0, stage = 0;
  std::string department;  // "" : never routed
  bool via_supervisor = false;
  absl::Time received;
  std::optional<absl::Time> acked;
  bool ack_on_time = false;
  bool ack_overdue = false;  // AcknowledgementOverdue delivered
  std::optional<absl::Time> solution;
  bool solution_on_time = false;
  bool solution_missed = false;        // SolutionDeadlineMissed delivered
  std::optional<absl::Time> resolved;  // the last resolution
  bool callback = false, callback_on_time = false;
  std::map<int, int> satisfaction;  // cycle -> score
  bool reopened = false;
};

std::vector<Complaint> MakeComplaints() {
  std::vector<Complaint> out;
  int seq = 0;
  auto add = [&](int y, int mo, int k, const std::string& project, int category,
                 std::optional<absl::Time> received = std::nullopt) {
    const int i = seq++;
    Complaint c;
    c.number = absl::StrFormat("TS-%04d%02d-%06d", y, mo, i + 1);
    c.project = project;
    c.category = category;
    c.channel = 1 + i % 5;
    c.stage = 1 + (i / 2) % 4;
    c.received = received.value_or(Shanghai(y, mo, 1 + k % 27, 9 + i % 8, (i * 7) % 60));
    c.month = y * 100 + mo;
    if (category != 0) {
      c.department = category == cv1::CATEGORY_PRODUCT_QUALITY ? "engineering" : "property";
      if (i % 7 == 0) {
        c.department = "customer-service";
        c.via_supervisor = true;
      }
    }
    if (category != 0 && i % 6 != 5) {
      const int delay = 10 + (i * 17) % 90;  // minutes
      c.acked = c.received + absl::Minutes(delay);
      c.ack_on_time = delay <= 60;
      c.ack_overdue = !c.ack_on_time;
    } else if (category != 0) {
      c.ack_overdue = true;  // never acknowledged
    }
    if (c.acked && i % 5 != 4) {
      const int hours = 4 + (i * 13) % 60;
      c.solution = *c.acked + absl::Hours(hours);
      c.solution_on_time = hours <= 48;
      c.solution_missed = !c.solution_on_time;
    } else if (c.acked) {
      c.solution_missed = true;
    }
    if (c.solution && i % 4 != 3) {
      c.resolved = *c.solution + absl::Hours(24 * (1 + i % 5));
      c.callback = true;
      c.callback_on_time = i % 3 != 0;
      c.satisfaction[1] = 1 + (i * 7) % 5;
      if (c.satisfaction[1] <= 2) {
        c.reopened = true;
        c.satisfaction[2] = 4;
        c.resolved = *c.resolved + absl::Hours(24 * 5);
      }
    }
    out.push_back(c);
  };
  // The rising project's product quality: 1, 2, then 12 a month; the flat project's property
  // service: 10 a month; three unclassified March complaints; one received at 00:10 on 1 April in
  // Shanghai (still March in UTC).
  add(2026, 1, 0, kRising, cv1::CATEGORY_PRODUCT_QUALITY);
  for (int k = 0; k < 2; ++k) add(2026, 2, k, kRising, cv1::CATEGORY_PRODUCT_QUALITY);
  for (int k = 0; k < 12; ++k) add(2026, 3, k, kRising, cv1::CATEGORY_PRODUCT_QUALITY);
  for (int mo = 1; mo <= 3; ++mo) {
    for (int k = 0; k < 10; ++k) add(2026, mo, k + 3, kFlat, cv1::CATEGORY_PROPERTY_SERVICE);
  }
  for (int k = 0; k < 3; ++k) add(2026, 3, 20 + k, kFlat, 0);
  add(2026, 4, 0, kFlat, cv1::CATEGORY_HANDOVER, Shanghai(2026, 4, 1, 0, 10));
  // One at 23:30 on 31 March in Shanghai.
  add(2026, 3, 0, kRising, cv1::CATEGORY_SALES_SERVICE, Shanghai(2026, 3, 31, 23, 30));
  return out;
}

double NearestRank(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::max<size_t>(rank, 1) - 1];
}

std::string Lower(const std::string& s, size_t prefix) {
  std::string out = s.substr(prefix);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Whole seconds, kept to three significant digits from 1000 s (the proto's documented precision).
double Bucket(double seconds) {
  auto s = static_cast<int64_t>(std::floor(seconds));
  int64_t scale = 1;
  while (s / scale >= 1000) scale *= 10;
  return static_cast<double>(s / scale * scale);
}

void ExpectDurations(const std::vector<double>& v, const av1::Durations& got, const char* what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(got.samples(), static_cast<int64_t>(v.size()));
  double sum_ms = 0;
  std::vector<double> buckets;
  for (double x : v) {
    sum_ms += std::floor(x * 1000 + 1e-6);
    buckets.push_back(Bucket(x));
  }
  EXPECT_NEAR(got.mean_seconds(), v.empty() ? 0 : sum_ms / 1000 / static_cast<double>(v.size()),
              1e-6);
  EXPECT_NEAR(got.p50_seconds(), NearestRank(buckets, 0.5), 1e-6);
  EXPECT_NEAR(got.p90_seconds(), NearestRank(buckets, 0.9), 1e-6);
}

std::map<std::string, int64_t> AsMap(const google::protobuf::RepeatedPtrField<av1::Count>& counts) {
  std::map<std::string, int64_t> m;
  for (const auto& c : counts) m[c.value()] = c.count();
  return m;
}

void ExpectSla(int64_t met, int64_t missed, const av1::SlaCompliance& got, const char* what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(got.met(), met);
  EXPECT_EQ(got.missed(), missed);
  EXPECT_NEAR(got.rate(), met + missed == 0 ? 0.0 : double(met) / double(met + missed), 1e-9);
}

// Every figure of `got`, computed from `month` (the complaints of the month that match the
// filter) and `previous` (those of the month before).
void ExpectSummary(const std::vector<Complaint>& month, size_t previous,
                   const av1::MonthlySummary& got) {
  EXPECT_EQ(got.total(), static_cast<int64_t>(month.size()));
  std::map<std::string, int64_t> cat, stage, channel, project, dept;
  std::vector<double> ack, sol, res;
  int64_t ack_met = 0, ack_missed = 0, sol_met = 0, sol_missed = 0, cb_met = 0, cb_missed = 0;
  int64_t reopened = 0, responses = 0, score_sum = 0;
  std::vector<int64_t> dist(5, 0);
  for (const auto& c : month) {
    cat[c.category == 0 ? "unspecified"
                        : Lower(cv1::Category_Name(static_cast<cv1::Category>(c.category)), 9)]++;
    stage[Lower(cv1::JourneyStage_Name(static_cast<cv1::JourneyStage>(c.stage)), 14)]++;
    channel[Lower(cv1::Channel_Name(static_cast<cv1::Channel>(c.channel)), 8)]++;
    project[c.project]++;
    dept[c.department.empty() ? "unassigned" : c.department]++;
    if (c.acked) ack.push_back(absl::ToDoubleSeconds(*c.acked - c.received));
    if (c.acked && c.solution) sol.push_back(absl::ToDoubleSeconds(*c.solution - *c.acked));
    if (c.resolved) res.push_back(absl::ToDoubleSeconds(*c.resolved - c.received));
    if (c.ack_overdue) {
      ++ack_missed;
    } else if (c.acked) {
      ++ack_met;
    }
    if (c.solution_missed) {
      ++sol_missed;
    } else if (c.solution) {
      ++sol_met;
    }
    if (c.callback) (c.callback_on_time ? cb_met : cb_missed)++;
    if (c.reopened) ++reopened;
    for (const auto& [cycle, score] : c.satisfaction) {
      dist[score - 1]++;
      responses++;
      score_sum += score;
    }
  }
  EXPECT_EQ(AsMap(got.by_category()), cat);
  EXPECT_EQ(AsMap(got.by_stage()), stage);
  EXPECT_EQ(AsMap(got.by_channel()), channel);
  EXPECT_EQ(AsMap(got.by_project()), project);
  EXPECT_EQ(AsMap(got.by_department()), dept);
  ExpectDurations(ack, got.acknowledgement_time(), "acknowledgement");
  ExpectDurations(sol, got.solution_time(), "solution");
  ExpectDurations(res, got.resolution_time(), "resolution");
  EXPECT_EQ(got.satisfaction_responses(), responses);
  EXPECT_NEAR(got.satisfaction_mean(), responses == 0 ? 0 : double(score_sum) / double(responses),
              1e-9);
  EXPECT_EQ(std::vector<int64_t>(got.satisfaction_distribution().begin(),
                                 got.satisfaction_distribution().end()),
            dist);
  ExpectSla(ack_met, ack_missed, got.acknowledgement_sla(), "1 h");
  ExpectSla(sol_met, sol_missed, got.solution_sla(), "2 business days");
  ExpectSla(cb_met, cb_missed, got.callback_sla(), "3 business days");
  EXPECT_EQ(got.reopened(), reopened);
  EXPECT_NEAR(got.reopen_rate(), month.empty() ? 0 : double(reopened) / double(month.size()), 1e-9);
  EXPECT_EQ(got.previous_month_total(), static_cast<int64_t>(previous));
  EXPECT_EQ(got.total_change(),
            static_cast<int64_t>(month.size()) - static_cast<int64_t>(previous));
  EXPECT_NEAR(
      got.total_change_percent(),
      previous == 0 ? 0 : 100.0 * (double(month.size()) - double(previous)) / double(previous),
      1e-9);
}

class AnalyticsIt : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_file_ = ::testing::TempDir() + "/clock_" + db_.name();
    time::OffsetFileClock::WriteOffset(clock_file_, absl::ZeroDuration());
    auto o = db_.options(4);
    std::vector<std::string> env = {
        "TOUSU_ANALYTICS_GRPC_ADDR=127.0.0.1:0",
        "TOUSU_ANALYTICS_METRICS_ADDR=127.0.0.1:0",
        "TOUSU_ANALYTICS_DB_HOST=" + o.host,
        absl::StrCat("TOUSU_ANALYTICS_DB_PORT=", o.port),
        "TOUSU_ANALYTICS_DB_USER=" + o.user,
        "TOUSU_ANALYTICS_DB_PASSWORD=" + o.password,
        "TOUSU_ANALYTICS_DB_NAME=" + o.database,
        "TOUSU_ANALYTICS_DRAIN=0s",
        "TOUSU_ANALYTICS_LOG_LEVEL=error",
        std::string("TOUSU_ANALYTICS_CALENDAR_FILE=") + TOUSU_CALENDAR_FILE,
        "TOUSU_ANALYTICS_CLOCK_OFFSET_FILE=" + clock_file_,
        std::string("TOUSU_ANALYTICS_SUBSCRIPTIONS_FILE=") + TOUSU_SUBSCRIPTIONS_FILE};
    config::Config cfg("ANALYTICS", env, {});
    auto rt = server::ServiceRuntime::Create({.name = "analytics",
                                              .env_name = "ANALYTICS",
                                              .grpc_services = {kGrpcServiceName},
                                              .migrations = &db::analytics_migrations(),
                                              .needs_calendar = true,
                                              .access = analytics::AnalyticsAccessTable()},
                                             cfg);
    ASSERT_TRUE(rt.ok()) << rt.status();
    rt_ = std::move(*rt);
    ASSERT_NE(rt_->calendar(), nullptr);
    service_ = std::make_unique<AnalyticsService>(*rt_, Settings{});
    ASSERT_TRUE(rt_->Start().ok());
    ASSERT_TRUE(rt_->WaitUntilServing(absl::Seconds(20)));
    stub_ = av1::AnalyticsService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", rt_->grpc_port()), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (rt_) rt_->Shutdown();
  }

  void Deliver(const std::string& type, const std::string& number,
               const google::protobuf::Message& payload, absl::Time at) {
    cv1::Event e;
    e.set_event_id(events::NewEventId());
    e.set_event_type(type);
    e.set_aggregate_id(number);
    e.set_producer("test");
    *e.mutable_occurred_at() = Ts(at);
    e.mutable_payload()->PackFrom(payload);
    auto applied = rt_->event_sink().Apply(e);
    ASSERT_TRUE(applied.ok()) << applied.status();
    EXPECT_FALSE(*applied) << type;
    delivered_.push_back(e);
  }

  // Every event of one complaint, as intake, routing, case-handling and follow-up publish them.
  void DeliverAll(const Complaint& c, int i) {
    const std::string& n = c.number;
    iv1::ComplaintReceived rec;
    rec.set_number(n);
    rec.set_channel(static_cast<cv1::Channel>(c.channel));
    rec.set_journey_stage(static_cast<cv1::JourneyStage>(c.stage));
    rec.set_severity(cv1::SEVERITY_MEDIUM);
    rec.set_project(c.project);
    rec.set_description("牆身裂縫");
    *rec.mutable_received_at() = Ts(c.received);
    const absl::Time routed_at = c.received + absl::Minutes(5);
    auto route = [&] {
      if (c.category == 0) return;
      if (c.via_supervisor) {
        rv1::ComplaintSentToSupervisor sup;
        sup.set_number(n);
        sup.set_category(static_cast<cv1::Category>(c.category));
        *sup.mutable_at() = Ts(routed_at);
        Deliver("ComplaintSentToSupervisor", n, sup, routed_at);
        rv1::ComplaintAssignedBySupervisor as;
        as.set_number(n);
        as.set_lead_department_id(c.department);
        *as.mutable_at() = Ts(routed_at + absl::Minutes(2));
        Deliver("ComplaintAssignedBySupervisor", n, as, routed_at + absl::Minutes(2));
      } else {
        rv1::ComplaintRouted r;
        r.set_number(n);
        r.set_category(static_cast<cv1::Category>(c.category));
        r.set_department_id(c.department);
        *r.mutable_routed_at() = Ts(routed_at);
        Deliver("ComplaintRouted", n, r, routed_at);
      }
    };
    // Relays of different producers do not keep order between each other.
    if (i % 11 == 0) {
      route();
      Deliver("ComplaintReceived", n, rec, c.received);
    } else {
      Deliver("ComplaintReceived", n, rec, c.received);
      route();
    }
    if (c.ack_overdue) {
      rv1::AcknowledgementOverdue o;
      o.set_number(n);
      o.set_department_id(c.department);
      Deliver("AcknowledgementOverdue", n, o, c.received + absl::Hours(1));
    }
    if (!c.acked) return;
    rv1::ComplaintAcknowledged ack;
    ack.set_number(n);
    ack.set_department_id(c.department);
    ack.set_category(static_cast<cv1::Category>(c.category));
    ack.set_severity(cv1::SEVERITY_HIGH);
    *ack.mutable_acknowledged_at() = Ts(*c.acked);
    ack.set_on_time(c.ack_on_time);
    Deliver("ComplaintAcknowledged", n, ack, *c.acked);
    chv1::CaseOpened opened;
    opened.set_number(n);
    opened.set_cycle(1);
    opened.set_department_id(c.department);
    opened.set_category(static_cast<cv1::Category>(c.category));
    *opened.mutable_opened_at() = Ts(*c.acked);
    Deliver("CaseOpened", n, opened, *c.acked);
    if (c.solution_missed) {
      chv1::SolutionDeadlineMissed m;
      m.set_number(n);
      m.set_cycle(1);
      Deliver("SolutionDeadlineMissed", n, m, *c.acked + absl::Hours(48));
    }
    if (!c.solution) return;
    auto propose = [&](int cycle, absl::Time at, bool on_time) {
      chv1::SolutionProposed p;
      p.set_number(n);
      p.set_cycle(cycle);
      p.set_revision(1);
      *p.mutable_proposed_at() = Ts(at);
      p.set_on_time(on_time);
      Deliver("SolutionProposed", n, p, at);
    };
    propose(1, *c.solution, c.solution_on_time);
    if (!c.resolved) return;
    auto resolve = [&](int cycle, absl::Time at) {
      chv1::CaseResolved r;
      r.set_number(n);
      r.set_cycle(cycle);
      r.set_department_id(c.department);
      r.set_category(static_cast<cv1::Category>(c.category));
      *r.mutable_resolved_at() = Ts(at);
      Deliver("CaseResolved", n, r, at);
    };
    auto call_back = [&](int cycle, absl::Time at, bool on_time) {
      if (!on_time) {
        fv1::CallbackOverdue o;
        o.set_number(n);
        o.set_cycle(cycle);
        Deliver("CallbackOverdue", n, o, at - absl::Hours(1));
      }
      fv1::CallbackRecorded cb;
      cb.set_number(n);
      cb.set_cycle(cycle);
      cb.set_method("phone");
      cb.set_satisfaction(c.satisfaction.at(cycle));
      *cb.mutable_at() = Ts(at);
      cb.set_on_time(on_time);
      Deliver("CallbackRecorded", n, cb, at);
    };
    auto close = [&](int cycle, absl::Time at) {
      fv1::ComplaintClosed cl;
      cl.set_number(n);
      cl.set_cycle(cycle);
      cl.set_satisfaction(c.satisfaction.at(cycle));
      *cl.mutable_closed_at() = Ts(at);
      Deliver("ComplaintClosed", n, cl, at);
    };
    const absl::Time first_resolved = c.reopened ? *c.resolved - absl::Hours(24 * 5) : *c.resolved;
    resolve(1, first_resolved);
    call_back(1, first_resolved + absl::Hours(48), c.callback_on_time);
    if (!c.reopened) {
      close(1, first_resolved + absl::Hours(48));
      return;
    }
    fv1::CustomerUnsatisfied u;
    u.set_number(n);
    u.set_cycle(1);
    u.set_satisfaction(c.satisfaction.at(1));
    Deliver("CustomerUnsatisfied", n, u, first_resolved + absl::Hours(48));
    chv1::CaseReopened re;
    re.set_number(n);
    re.set_cycle(2);
    re.set_department_id(c.department);
    *re.mutable_reopened_at() = Ts(first_resolved + absl::Hours(49));
    Deliver("CaseReopened", n, re, first_resolved + absl::Hours(49));
    propose(2, first_resolved + absl::Hours(60), true);
    resolve(2, *c.resolved);
    call_back(2, *c.resolved + absl::Hours(24), true);
    close(2, *c.resolved + absl::Hours(24));
  }

  av1::MonthlySummary Summary(int year, int month, const std::string& project = "",
                              int category = 0, const std::string& department = "") {
    av1::GetMonthlySummaryRequest req;
    req.set_year(year);
    req.set_month(month);
    req.set_project(project);
    req.set_category(static_cast<cv1::Category>(category));
    req.set_department_id(department);
    av1::GetMonthlySummaryResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->GetMonthlySummary(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.summary();
  }

  av1::RunSpikeCheckResponse SpikeCheck(int year, int month) {
    av1::RunSpikeCheckRequest req;
    req.set_year(year);
    req.set_month(month);
    av1::RunSpikeCheckResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->RunSpikeCheck(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  // Checks every figure of every month (and some filters) against the made-up complaints.
  void CheckAllFigures(const std::vector<Complaint>& all) {
    auto of = [&](int month, const std::function<bool(const Complaint&)>& keep) {
      std::vector<Complaint> out;
      for (const auto& c : all) {
        if (c.month == month && keep(c)) out.push_back(c);
      }
      return out;
    };
    auto any = [](const Complaint&) { return true; };
    for (int m : {202601, 202602, 202603, 202604}) {
      SCOPED_TRACE(m);
      ExpectSummary(of(m, any), of(AddMonths(m, -1), any).size(), Summary(m / 100, m % 100));
    }
    {
      SCOPED_TRACE("project filter");
      auto keep = [](const Complaint& c) { return c.project == kRising; };
      ExpectSummary(of(202603, keep), of(202602, keep).size(), Summary(2026, 3, kRising));
    }
    {
      SCOPED_TRACE("category filter");
      auto keep = [](const Complaint& c) { return c.category == cv1::CATEGORY_PRODUCT_QUALITY; };
      ExpectSummary(of(202603, keep), of(202602, keep).size(),
                    Summary(2026, 3, "", cv1::CATEGORY_PRODUCT_QUALITY));
    }
    {
      SCOPED_TRACE("department filter");
      auto keep = [](const Complaint& c) { return c.department == "property"; };
      ExpectSummary(of(202603, keep), of(202602, keep).size(), Summary(2026, 3, "", 0, "property"));
    }
    {
      SCOPED_TRACE("category and department filter");
      auto keep = [](const Complaint& c) {
        return c.category == cv1::CATEGORY_PROPERTY_SERVICE && c.department == "property";
      };
      ExpectSummary(of(202603, keep), of(202602, keep).size(),
                    Summary(2026, 3, "", cv1::CATEGORY_PROPERTY_SERVICE, "property"));
    }
  }

  testing::ScratchDatabase db_;
  std::unique_ptr<server::ServiceRuntime> rt_;
  std::unique_ptr<AnalyticsService> service_;
  std::unique_ptr<av1::AnalyticsService::Stub> stub_;
  std::vector<cv1::Event> delivered_;
  std::string clock_file_;
};

TEST_F(AnalyticsIt, MonthlyFiguresFollowTheEventsAndRepeatsChangeNothing) {
  const std::vector<Complaint> all = MakeComplaints();
  ASSERT_GE(all.size(), 40u);
  for (size_t i = 0; i < all.size(); ++i) DeliverAll(all[i], static_cast<int>(i));
  // Sanity of the made-up data: March has every kind of outcome.
  const av1::MonthlySummary march = Summary(2026, 3);
  EXPECT_EQ(march.total(), 12 + 10 + 3 + 1);
  EXPECT_GT(march.acknowledgement_sla().missed(), 0);
  EXPECT_GT(march.reopened(), 0);
  CheckAllFigures(all);

  // The 00:10 on 1 April (Shanghai) complaint belongs to April, though it is March in UTC.
  EXPECT_EQ(Summary(2026, 4).total(), 1);

  // Repeats (the same event ids) are dropped by the inbox...
  for (const auto& e : delivered_) {
    auto applied = rt_->event_sink().Apply(e);
    ASSERT_TRUE(applied.ok());
    EXPECT_TRUE(*applied);
  }
  // ...and the same facts announced again under new ids change nothing either.
  for (auto e : delivered_) {
    e.set_event_id(events::NewEventId());
    ASSERT_TRUE(rt_->event_sink().Apply(e).ok());
  }
  CheckAllFigures(all);

  // The trend of product quality, and of the whole.
  av1::GetTrendRequest req;
  req.set_metric("count");
  req.set_dimension("category");
  req.set_value("product_quality");
  req.set_end_year(2026);
  req.set_end_month(3);
  req.set_months(4);
  av1::GetTrendResponse trend;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetTrend(&ctx, req, &trend).ok());
  ASSERT_EQ(trend.points_size(), 4);
  EXPECT_EQ(trend.points(0).year(), 2025);
  EXPECT_EQ(trend.points(0).month(), 12);
  std::vector<double> values;
  for (const auto& p : trend.points()) values.push_back(p.value());
  EXPECT_EQ(values, (std::vector<double>{0, 1, 2, 12}));
}

TEST_F(AnalyticsIt, ClassificationMovesTheComplaintBetweenCategories) {
  iv1::ComplaintReceived rec;
  rec.set_number("TS-202603-000900");
  rec.set_channel(cv1::CHANNEL_APP);
  rec.set_journey_stage(cv1::JOURNEY_STAGE_SALE);
  rec.set_project(kFlat);
  rec.set_staff_category(cv1::CATEGORY_SALES_SERVICE);
  const absl::Time t = Shanghai(2026, 3, 10, 10);
  *rec.mutable_received_at() = Ts(t);
  Deliver("ComplaintReceived", rec.number(), rec, t);
  auto s = Summary(2026, 3);
  EXPECT_EQ(AsMap(s.by_category()), (std::map<std::string, int64_t>{{"sales_service", 1}}));
  EXPECT_EQ(AsMap(s.by_department()), (std::map<std::string, int64_t>{{"unassigned", 1}}));
  rv1::ComplaintRouted r;
  r.set_number(rec.number());
  r.set_category(cv1::CATEGORY_HANDOVER);
  r.set_department_id("handover");
  Deliver("ComplaintRouted", r.number(), r, t + absl::Minutes(3));
  s = Summary(2026, 3);
  EXPECT_EQ(s.total(), 1);
  EXPECT_EQ(AsMap(s.by_category()), (std::map<std::string, int64_t>{{"handover", 1}}));
  EXPECT_EQ(AsMap(s.by_department()), (std::map<std::string, int64_t>{{"handover", 1}}));
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM monthly_counts WHERE dimension='category' AND "
                            "value='sales_service' AND count<>0"),
            "0");
}

TEST_F(AnalyticsIt, SpikeAlertFiresOnceForTheRisingProjectCategoryOnly) {
  const std::vector<Complaint> all = MakeComplaints();
  for (size_t i = 0; i < all.size(); ++i) DeliverAll(all[i], static_cast<int>(i));

  const auto first = SpikeCheck(2026, 3);
  std::map<std::string, std::string> raised;  // value -> dimension
  for (const auto& a : first.raised()) raised[a.value()] = a.dimension();
  const std::string rising = std::string(kRising) + "|product_quality";
  const std::string flat = std::string(kFlat) + "|property_service";
  EXPECT_EQ(raised, (std::map<std::string, std::string>{{"product_quality", "category"},
                                                        {rising, "project_category"}}));
  for (const auto& a : first.raised()) {
    EXPECT_EQ(a.count(), 12);
    EXPECT_EQ(a.category(), "product_quality");
    if (a.dimension() == "project_category") {
      EXPECT_EQ(a.project(), kRising);
    }
    // History starts at January, the first month with complaints: 1, 2.
    EXPECT_NEAR(a.trailing_mean(), 1.5, 1e-9);
    EXPECT_GT(a.count(), a.threshold());
  }
  // January, the first month with complaints, has no recent level to rise above: no alert,
  // though its flat category alone has 10.
  EXPECT_EQ(SpikeCheck(2026, 1).alerts_size(), 0);
  // Again: nothing new, the same two stored alerts.
  const auto second = SpikeCheck(2026, 3);
  EXPECT_EQ(second.raised_size(), 0);
  EXPECT_EQ(second.alerts_size(), 2);
  av1::ListAlertsRequest lreq;
  lreq.set_year(2026);
  lreq.set_month(3);
  av1::ListAlertsResponse alerts;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListAlerts(&ctx, lreq, &alerts).ok());
  ASSERT_EQ(alerts.alerts_size(), 2);
  for (const auto& a : alerts.alerts()) {
    EXPECT_NE(a.value(), flat);
    EXPECT_NE(a.value(), "property_service");
  }
  const std::string metrics = testing::HttpGet(rt_->metrics_port(), "/metrics");
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_analytics_spike_alerts_total",
                                 {"dimension=\"project_category\""}),
            1);
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_analytics_spike_alerts_total",
                                 {"dimension=\"category\""}),
            1);
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM spike_alerts"), "2");
}

TEST_F(AnalyticsIt, BadRequestsNameTheField) {
  auto summary = [&](int y, int m, int category, const std::string& project) {
    av1::GetMonthlySummaryRequest req;
    req.set_year(y);
    req.set_month(m);
    req.set_category(static_cast<cv1::Category>(category));
    req.set_project(project);
    av1::GetMonthlySummaryResponse resp;
    grpc::ClientContext ctx;
    return stub_->GetMonthlySummary(&ctx, req, &resp);
  };
  auto expect_invalid = [](const grpc::Status& s, const std::string& field) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_TRUE(absl::StartsWith(s.error_message(), field + ":")) << s.error_message();
  };
  expect_invalid(summary(2026, 13, 0, ""), "month");
  expect_invalid(summary(1999, 3, 0, ""), "year");
  expect_invalid(summary(2026, 3, 99, ""), "category");
  expect_invalid(summary(2026, 3, 0, std::string(201, 'x')), "project");
  {
    av1::GetMonthlySummaryRequest req;
    req.set_year(2026);
    req.set_month(3);
    req.set_department_id(std::string(65, 'd'));
    av1::GetMonthlySummaryResponse resp;
    grpc::ClientContext ctx;
    expect_invalid(stub_->GetMonthlySummary(&ctx, req, &resp), "department_id");
  }

  auto trend = [&](const std::string& metric, const std::string& dim, const std::string& value,
                   int months, int end_month) {
    av1::GetTrendRequest req;
    req.set_metric(metric);
    req.set_dimension(dim);
    req.set_value(value);
    req.set_end_year(2026);
    req.set_end_month(end_month);
    req.set_months(months);
    av1::GetTrendResponse resp;
    grpc::ClientContext ctx;
    return stub_->GetTrend(&ctx, req, &resp);
  };
  expect_invalid(trend("mean", "category", "handover", 3, 3), "metric");
  expect_invalid(trend("count", "colour", "red", 3, 3), "dimension");
  expect_invalid(trend("count", "category", "", 3, 3), "value");
  expect_invalid(trend("count", "category", "handover", 0, 3), "months");
  expect_invalid(trend("count", "category", "handover", 61, 3), "months");
  expect_invalid(trend("count", "category", "handover", 3, 0), "end_month");
  EXPECT_TRUE(trend("count", "total", "", 3, 3).ok());

  av1::RunSpikeCheckRequest sreq;
  sreq.set_year(2026);
  sreq.set_month(0);
  av1::RunSpikeCheckResponse sresp;
  grpc::ClientContext sctx;
  expect_invalid(stub_->RunSpikeCheck(&sctx, sreq, &sresp), "month");
  av1::ListAlertsRequest lreq;
  lreq.set_month(3);
  av1::ListAlertsResponse lresp;
  grpc::ClientContext lctx;
  expect_invalid(stub_->ListAlerts(&lctx, lreq, &lresp), "year");
}

TEST_F(AnalyticsIt, MonthlyReportIsGeneratedStoredAndFetched) {
  const std::vector<Complaint> all = MakeComplaints();
  for (size_t i = 0; i < all.size(); ++i) DeliverAll(all[i], static_cast<int>(i));
  SpikeCheck(2026, 3);

  {  // Nothing stored yet.
    av1::GetReportRequest req;
    req.set_year(2026);
    req.set_month(3);
    av1::GetReportResponse resp;
    grpc::ClientContext ctx;
    EXPECT_EQ(stub_->GetReport(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  auto generate = [&] {
    av1::GenerateMonthlyReportRequest req;
    req.set_year(2026);
    req.set_month(3);
    av1::GenerateMonthlyReportResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->GenerateMonthlyReport(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.report();
  };
  generate();
  const av1::MonthlyReport generated = generate();  // again: replaces the first
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM monthly_reports"), "1");

  av1::GetReportRequest req;
  req.set_year(2026);
  req.set_month(3);
  av1::GetReportResponse fetched;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetReport(&ctx, req, &fetched).ok());
  EXPECT_EQ(fetched.report().SerializeAsString(), generated.SerializeAsString());
  EXPECT_EQ(fetched.report().year(), 2026);
  EXPECT_EQ(fetched.report().month(), 3);

  const std::string& html = generated.html();
  for (const char* t : {"总体情况", "各阶段特点", "典型案例", "发现的问题与建议", "产品质量",
                        "物业服务", "重开案件", kRising}) {
    EXPECT_TRUE(absl::StrContains(html, t)) << t;
  }
  size_t charts = 0;
  for (size_t p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) ++charts;
  EXPECT_EQ(charts, 5u);
  // The spike alert of the rising project is cited among the problems.
  EXPECT_TRUE(absl::StrContains(html.substr(html.find("发现的问题与建议")), "本月 12 件"));

  google::protobuf::Struct json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(generated.json(), &json).ok());
  const av1::MonthlySummary s = Summary(2026, 3);
  EXPECT_EQ(json.fields().at("total").number_value(), static_cast<double>(s.total()));
  EXPECT_EQ(
      json.fields().at("by_category").struct_value().fields().at("product_quality").number_value(),
      12);
  EXPECT_EQ(json.fields().at("alerts").list_value().values_size(), 2);
  EXPECT_GT(json.fields().at("typical_cases").list_value().values_size(), 0);

  {  // Bad month: named field.
    av1::GenerateMonthlyReportRequest bad;
    bad.set_year(2026);
    bad.set_month(13);
    av1::GenerateMonthlyReportResponse resp;
    grpc::ClientContext bctx;
    const grpc::Status st = stub_->GenerateMonthlyReport(&bctx, bad, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(absl::StartsWith(st.error_message(), "month:")) << st.error_message();
  }
}

}  // namespace
}  // namespace tousu::analytics

namespace tousu::analytics {
namespace {

TEST_F(AnalyticsIt, RollupsCheckAgainstTheFactsAndRepairAfterTampering) {
  const std::vector<Complaint> all = MakeComplaints();
  for (size_t i = 0; i < all.size(); ++i) DeliverAll(all[i], static_cast<int>(i));
  auto check = [&](bool repair) {
    av1::CheckRollupsRequest req;
    req.set_year(2026);
    req.set_month(3);
    req.set_repair(repair);
    av1::CheckRollupsResponse resp;
    grpc::ClientContext ctx;
    const grpc::Status s = stub_->CheckRollups(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  };
  // Maintained as the events arrived, the rollups equal a recomputation from the facts.
  av1::CheckRollupsResponse clean = check(false);
  EXPECT_EQ(clean.facts(), 26);
  EXPECT_EQ(clean.differences_size(), 0);
  EXPECT_TRUE(clean.repaired());

  // Damage two entries (one inflated, one lost) behind the service's back.
  db_.Execute(
      "UPDATE monthly_counts SET count = count + 5"
      " WHERE month = 202603 AND scope = '' AND dimension = 'total'");
  db_.Execute(
      "DELETE FROM monthly_counts"
      " WHERE month = 202603 AND scope = '' AND dimension = 'resolution_ms_sum'");
  av1::CheckRollupsResponse damaged = check(false);
  ASSERT_EQ(damaged.differences_size(), 2);
  std::map<std::string, std::pair<int64_t, int64_t>> diff;
  for (const auto& d : damaged.differences()) {
    EXPECT_EQ(d.scope(), "");
    diff[d.dimension()] = {d.stored(), d.from_facts()};
  }
  EXPECT_EQ(diff["total"], std::make_pair(int64_t{31}, int64_t{26}));
  EXPECT_EQ(diff["resolution_ms_sum"].first, 0);
  EXPECT_GT(diff["resolution_ms_sum"].second, 0);
  EXPECT_FALSE(damaged.repaired());
  EXPECT_EQ(Summary(2026, 3).total(), 31);  // the summary reads the (damaged) rollups

  EXPECT_TRUE(check(true).repaired());
  EXPECT_EQ(check(false).differences_size(), 0);
  CheckAllFigures(all);
}

TEST_F(AnalyticsIt, MonthEndJobClosesTheLastMonthOnceWithItsSpikeCheckAndReport) {
  const std::vector<Complaint> all = MakeComplaints();
  for (size_t i = 0; i < all.size(); ++i) DeliverAll(all[i], static_cast<int>(i));
  auto move_clock_to = [&](absl::Time t) {
    ASSERT_TRUE(time::OffsetFileClock::WriteOffset(clock_file_, t - absl::Now()));
    absl::SleepFor(absl::Milliseconds(120));  // the clock re-reads its file every 50 ms
  };
  // 00:30 on 1 April: March ended, but not an hour ago (the default delay): nothing due...
  move_clock_to(Shanghai(2026, 4, 1, 0, 30));
  auto closed = service_->CloseMonthIfDue();
  ASSERT_TRUE(closed.ok()) << closed.status();
  // ...except February, the month before the current one of the delayed clock.
  ASSERT_TRUE(closed->has_value());
  EXPECT_EQ(**closed, 202602);
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM spike_alerts WHERE month = 202603"), "0");

  move_clock_to(Shanghai(2026, 4, 1, 1, 30));
  closed = service_->CloseMonthIfDue();
  ASSERT_TRUE(closed.ok()) << closed.status();
  ASSERT_TRUE(closed->has_value());
  EXPECT_EQ(**closed, 202603);
  // March's spike (the rising project's product quality) is raised and its report stored.
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM spike_alerts WHERE month = 202603"), "2");
  av1::GetReportRequest req;
  req.set_year(2026);
  req.set_month(3);
  av1::GetReportResponse report;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetReport(&ctx, req, &report).ok());
  EXPECT_TRUE(absl::StrContains(report.report().html(), "发现的问题与建议"));

  // Once: a later pass in April closes nothing more.
  move_clock_to(Shanghai(2026, 4, 20, 9, 0));
  closed = service_->CloseMonthIfDue();
  ASSERT_TRUE(closed.ok());
  EXPECT_FALSE(closed->has_value());
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM month_end_runs"), "2");
  EXPECT_EQ(db_.QueryScalar("SELECT spike_alerts FROM month_end_runs WHERE month = 202603"), "2");
}

}  // namespace
}  // namespace tousu::analytics

namespace tousu::analytics {
namespace {

TEST_F(AnalyticsIt, TrendsOfRatesAndTimesMatchEachMonthsSummary) {
  const std::vector<Complaint> all = MakeComplaints();
  for (size_t i = 0; i < all.size(); ++i) DeliverAll(all[i], static_cast<int>(i));
  auto trend = [&](const std::string& metric, const std::string& dimension,
                   const std::string& value) {
    av1::GetTrendRequest req;
    req.set_metric(metric);
    req.set_dimension(dimension);
    req.set_value(value);
    req.set_end_year(2026);
    req.set_end_month(3);
    req.set_months(3);
    av1::GetTrendResponse resp;
    grpc::ClientContext ctx;
    const grpc::Status s = stub_->GetTrend(&ctx, req, &resp);
    std::vector<double> values;
    for (const auto& p : resp.points()) values.push_back(p.value());
    return std::make_pair(s, values);
  };
  auto [ok, ack_rates] = trend("acknowledgement_sla_rate", "total", "");
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  auto [ok2, resolution_p90] = trend("resolution_time_p90", "category", "product_quality");
  ASSERT_TRUE(ok2.ok()) << ok2.error_message();
  auto [ok3, satisfaction] = trend("satisfaction_mean", "department", "property");
  ASSERT_TRUE(ok3.ok()) << ok3.error_message();
  ASSERT_EQ(ack_rates.size(), 3u);
  for (int m = 1; m <= 3; ++m) {
    SCOPED_TRACE(m);
    EXPECT_DOUBLE_EQ(ack_rates[m - 1], Summary(2026, m).acknowledgement_sla().rate());
    EXPECT_DOUBLE_EQ(
        resolution_p90[m - 1],
        Summary(2026, m, "", cv1::CATEGORY_PRODUCT_QUALITY).resolution_time().p90_seconds());
    EXPECT_DOUBLE_EQ(satisfaction[m - 1], Summary(2026, m, "", 0, "property").satisfaction_mean());
  }
  EXPECT_GT(ack_rates[2], 0);  // March has acknowledgements, met and missed

  // Metrics other than count exist only for the scoped dimensions; names are checked.
  auto [bad_dimension, unused1] = trend("reopen_rate", "channel", "app");
  EXPECT_EQ(bad_dimension.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(bad_dimension.error_message(), "dimension:"));
  auto [bad_metric, unused2] = trend("happiness", "total", "");
  EXPECT_EQ(bad_metric.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(bad_metric.error_message(), "metric:"));
  auto [bad_category, unused3] = trend("reopen_rate", "category", "plumbing");
  EXPECT_EQ(bad_category.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace tousu::analytics

namespace tousu::analytics {
namespace {

TEST_F(AnalyticsIt, TheReportNamesDepartmentsAsTheStaffDirectoryDoesAndShowsIdsOtherwise) {
  const std::vector<Complaint> all = MakeComplaints();
  for (size_t i = 0; i < all.size(); ++i) DeliverAll(all[i], static_cast<int>(i));
  namespace sv1 = complaints::staff::v1;
  sv1::Department engineering;
  engineering.set_id("engineering");
  engineering.set_name("工程部");
  Deliver("DepartmentUpserted", "engineering", engineering, Shanghai(2026, 3, 1, 9));
  engineering.set_name("工程质量部");  // renamed later
  Deliver("DepartmentUpserted", "engineering", engineering, Shanghai(2026, 3, 2, 9));
  sv1::Department nameless;  // can never apply: skipped, not refused
  nameless.set_id("property");
  Deliver("DepartmentUpserted", "property", nameless, Shanghai(2026, 3, 2, 9));
  EXPECT_EQ(testing::MetricValue(testing::HttpGet(rt_->metrics_port(), "/metrics"),
                                 "tousu_analytics_events_skipped_total",
                                 {"event_type=\"DepartmentUpserted\"", "reason=\"malformed\""}),
            1);

  av1::GenerateMonthlyReportRequest req;
  req.set_year(2026);
  req.set_month(3);
  av1::GenerateMonthlyReportResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GenerateMonthlyReport(&ctx, req, &resp).ok());
  const std::string& html = resp.report().html();
  const size_t chart = html.find("按责任部门统计");
  ASSERT_NE(chart, std::string::npos);
  const std::string departments = html.substr(chart, html.find("</svg>", chart) - chart);
  EXPECT_TRUE(absl::StrContains(departments, ">工程质量部</text>")) << departments;
  EXPECT_FALSE(absl::StrContains(departments, ">工程部</text>"));
  EXPECT_FALSE(absl::StrContains(departments, ">engineering</text>"));
  EXPECT_TRUE(absl::StrContains(departments, ">property</text>"));  // no name known
  // Programs keep the ids.
  google::protobuf::Struct json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(resp.report().json(), &json).ok());
  EXPECT_TRUE(json.fields().at("by_department").struct_value().fields().count("engineering"));
}

}  // namespace
}  // namespace tousu::analytics
