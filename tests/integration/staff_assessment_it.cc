// The assessment API (complaints.staff.v1.AssessmentService) against the real MariaDB: the service
// runs in-process beside the directory on the shared runtime; a hand-built quarter of routing,
// case-handling and follow-up events arrives through the runtime's EventSink as the relays would
// deliver it, and every person's figures and grade are checked against values computed by hand.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/events/outbox.h"
#include "common/server/server.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "complaints/staff/v1/assessment.grpc.pb.h"
#include "services/staff-assessment/access.h"
#include "services/staff-assessment/assessment_service.h"
#include "services/staff-assessment/staff_service.h"
#include "tests/support/shanghai_time.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace v1 = complaints::staff::v1;
namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
using testing::ScratchDatabase;
using ::testing::StartsWith;

using ::tousu::testing::Shanghai;
google::protobuf::Timestamp Ts(absl::Time t) { return time::ToProto(t); }

class StaffAssessment : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDatabase();
    const db::DbOptions db = scratch_->options();
    // A listener for the two events this API writes, so the outbox keeps rows to inspect.
    const std::string subscriptions =
        ::testing::TempDir() + "/assessment_subscriptions_" + scratch_->name() + ".txt";
    std::ofstream(subscriptions) << "AssessmentCompleted     listener\n"
                                 << "AccountabilityRecorded  listener\n";
    const std::string p = "TOUSU_STAFF_ASSESSMENT_";
    const std::vector<std::string> env = {
        p + "GRPC_ADDR=127.0.0.1:0",
        p + "METRICS_ADDR=127.0.0.1:0",
        p + "DB_HOST=" + db.host,
        p + "DB_PORT=" + std::to_string(db.port),
        p + "DB_USER=" + db.user,
        p + "DB_PASSWORD=" + db.password,
        p + "DB_NAME=" + db.database,
        p + "DRAIN=0s",
        p + "SUBSCRIPTIONS_FILE=" + subscriptions,
        p + "PEERS=listener=127.0.0.1:" + std::to_string(testing::FreePort()),
        p + "LOG_LEVEL=error",
    };
    config::Config cfg("STAFF_ASSESSMENT", env, {});
    auto rt = server::ServiceRuntime::Create(
        {.name = "staff-assessment",
         .env_name = "STAFF_ASSESSMENT",
         .grpc_services = {staff::kGrpcServiceName, staff::kAssessmentGrpcServiceName},
         .migrations = &db::staff_assessment_migrations(),
         .access = staff::StaffAccessTable()},
        cfg);
    ASSERT_TRUE(rt.ok()) << rt.status();
    runtime_ = rt->release();
    auto settings = staff::Settings::FromConfig(cfg);
    ASSERT_TRUE(settings.ok()) << settings.status();
    directory_ = new staff::StaffService(*runtime_);
    service_ = new staff::AssessmentService(*runtime_, *settings);
    const absl::Status started = runtime_->Start();
    ASSERT_TRUE(started.ok()) << started;
    ASSERT_TRUE(runtime_->WaitUntilServing(absl::Seconds(30)));
    // The reference data: departments, staff S0001..S0032, courses and plans.
    testing::LoadSqlFile(*scratch_, TOUSU_STAFF_SEED);
    stub_ = v1::AssessmentService::NewStub(
                grpc::CreateChannel(absl::StrCat("127.0.0.1:", runtime_->grpc_port()),
                                    grpc::InsecureChannelCredentials()))
                .release();
    DeliverQuarter();
  }

  static void TearDownTestSuite() {
    delete stub_;
    if (runtime_ != nullptr) runtime_->Shutdown();
    delete service_;
    delete directory_;
    delete runtime_;
    delete scratch_;
  }

  void SetUp() override { ASSERT_NE(stub_, nullptr) << "the service did not start"; }

  static std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return ctx;
  }

  // Delivers one event as a relay would; returns its "<type>:<id>".
  static std::string Deliver(const std::string& type, const std::string& number,
                             const google::protobuf::Message& payload, absl::Time at) {
    cv1::Event e;
    e.set_event_id(events::NewEventId());
    e.set_event_type(type);
    e.set_aggregate_id(number);
    e.set_producer("test");
    *e.mutable_occurred_at() = Ts(at);
    e.mutable_payload()->PackFrom(payload);
    auto applied = runtime_->event_sink().Apply(e);
    EXPECT_TRUE(applied.ok()) << applied.status();
    EXPECT_FALSE(applied.ok() && *applied) << type << " counted as a repeat";
    last_event_ = e;
    return type + ":" + e.event_id();
  }

  // ---- one complaint's events, as routing, case-handling and follow-up publish them ----

  static void Routed(const std::string& n, cv1::Category category, const std::string& department,
                     absl::Time at) {
    rv1::ComplaintRouted ev;
    ev.set_number(n);
    ev.set_category(category);
    ev.set_department_id(department);
    *ev.mutable_routed_at() = Ts(at);
    *ev.mutable_ack_due() = Ts(at + absl::Hours(1));
    Deliver("ComplaintRouted", n, ev, at);
  }
  static std::string Acknowledged(const std::string& n, const std::string& owner,
                                  const std::string& department, cv1::Category category,
                                  absl::Time routed, absl::Time at) {
    rv1::ComplaintAcknowledged ev;
    ev.set_number(n);
    ev.set_department_id(department);
    ev.set_owner_staff_id(owner);
    ev.set_category(category);
    *ev.mutable_routed_at() = Ts(routed);
    *ev.mutable_ack_due() = Ts(routed + absl::Hours(1));
    *ev.mutable_acknowledged_at() = Ts(at);
    ev.set_on_time(at <= routed + absl::Hours(1));
    return Deliver("ComplaintAcknowledged", n, ev, at);
  }
  static std::string AckOverdue(const std::string& n, const std::string& department,
                                absl::Time routed) {
    rv1::AcknowledgementOverdue ev;
    ev.set_number(n);
    ev.set_department_id(department);
    *ev.mutable_ack_due() = Ts(routed + absl::Hours(1));
    *ev.mutable_escalated_at() = Ts(routed + absl::Minutes(61));
    return Deliver("AcknowledgementOverdue", n, ev, routed + absl::Minutes(61));
  }
  static void Opened(const std::string& n, int cycle, const std::string& owner,
                     const std::string& department, cv1::Category category, absl::Time at) {
    chv1::CaseOpened ev;
    ev.set_number(n);
    ev.set_cycle(cycle);
    ev.set_owner_staff_id(owner);
    ev.set_department_id(department);
    ev.set_category(category);
    *ev.mutable_opened_at() = Ts(at);
    *ev.mutable_solution_due() = Ts(at + absl::Hours(48));
    Deliver("CaseOpened", n, ev, at);
  }
  // `proposed_by` empty: an event from before case-handling named the proposer.
  static void Proposed(const std::string& n, int cycle, const std::string& owner, absl::Time due,
                       absl::Time at, const std::string& proposed_by = "") {
    chv1::SolutionProposed ev;
    ev.set_number(n);
    ev.set_cycle(cycle);
    ev.set_revision(1);
    ev.set_owner_staff_id(owner);
    ev.set_proposed_by_staff_id(proposed_by);
    ev.set_solution("更换窗框密封条");
    *ev.mutable_proposed_at() = Ts(at);
    *ev.mutable_due() = Ts(due);
    ev.set_on_time(at <= due);
    Deliver("SolutionProposed", n, ev, at);
  }
  static void SolutionMissed(const std::string& n, int cycle, const std::string& owner,
                             const std::string& department, absl::Time due) {
    chv1::SolutionDeadlineMissed ev;
    ev.set_number(n);
    ev.set_cycle(cycle);
    ev.set_owner_staff_id(owner);
    ev.set_department_id(department);
    *ev.mutable_due() = Ts(due);
    *ev.mutable_detected_at() = Ts(due + absl::Minutes(1));
    Deliver("SolutionDeadlineMissed", n, ev, due + absl::Minutes(1));
  }
  static void Resolved(const std::string& n, int cycle, const std::string& owner,
                       const std::string& department, cv1::Category category, absl::Time at) {
    chv1::CaseResolved ev;
    ev.set_number(n);
    ev.set_cycle(cycle);
    ev.set_owner_staff_id(owner);
    ev.set_department_id(department);
    ev.set_category(category);
    ev.set_result("已修复");
    *ev.mutable_resolved_at() = Ts(at);
    Deliver("CaseResolved", n, ev, at);
  }
  static void Reopened(const std::string& n, int cycle, const std::string& owner,
                       const std::string& department, absl::Time at) {
    fv1::CustomerUnsatisfied unsatisfied;
    unsatisfied.set_number(n);
    unsatisfied.set_cycle(cycle - 1);
    unsatisfied.set_satisfaction(2);
    *unsatisfied.mutable_at() = Ts(at);
    Deliver("CustomerUnsatisfied", n, unsatisfied, at);
    chv1::CaseReopened ev;
    ev.set_number(n);
    ev.set_cycle(cycle);
    ev.set_owner_staff_id(owner);
    ev.set_department_id(department);
    *ev.mutable_reopened_at() = Ts(at + absl::Minutes(1));
    Deliver("CaseReopened", n, ev, at + absl::Minutes(1));
  }
  static void Tracker(const std::string& n, const std::string& tracker, absl::Time at) {
    fv1::TrackerAssigned ev;
    ev.set_number(n);
    ev.set_tracker_staff_id(tracker);
    ev.set_how("rule");
    *ev.mutable_at() = Ts(at);
    Deliver("TrackerAssigned", n, ev, at);
  }
  static void Progress(const std::string& n, const std::string& tracker, absl::Time due,
                       absl::Time at) {
    fv1::ProgressUpdateRecorded ev;
    ev.set_number(n);
    ev.set_tracker_staff_id(tracker);
    *ev.mutable_due() = Ts(due);
    *ev.mutable_at() = Ts(at);
    ev.set_on_time(at <= due);
    Deliver("ProgressUpdateRecorded", n, ev, at);
  }
  static void ProgressOverdue(const std::string& n, const std::string& tracker, absl::Time due) {
    fv1::ProgressUpdateOverdue ev;
    ev.set_number(n);
    ev.set_tracker_staff_id(tracker);
    *ev.mutable_due() = Ts(due);
    *ev.mutable_detected_at() = Ts(due + absl::Minutes(1));
    Deliver("ProgressUpdateOverdue", n, ev, due + absl::Minutes(1));
  }
  static void CallbackLate(const std::string& n, int cycle, const std::string& agent,
                           absl::Time due) {
    fv1::CallbackOverdue ev;
    ev.set_number(n);
    ev.set_cycle(cycle);
    ev.set_callback_agent_staff_id(agent);
    *ev.mutable_due() = Ts(due);
    *ev.mutable_detected_at() = Ts(due + absl::Minutes(1));
    Deliver("CallbackOverdue", n, ev, due + absl::Minutes(1));
  }
  static void Callback(const std::string& n, int cycle, const std::string& agent, int score,
                       absl::Time due, absl::Time at) {
    fv1::CallbackRecorded ev;
    ev.set_number(n);
    ev.set_cycle(cycle);
    ev.set_callback_agent_staff_id(agent);
    ev.set_method("phone");
    ev.set_satisfaction(score);
    *ev.mutable_at() = Ts(at);
    *ev.mutable_due() = Ts(due);
    ev.set_on_time(at <= due);
    Deliver("CallbackRecorded", n, ev, at);
  }

  // 2026 Q1, five complaints (seeded staff):
  //  1 (quality, engineering): S0021 on time throughout, tracker S0012 updates on time, callback
  //    S0014 on time, 5.
  //  2 (quality, engineering): S0021 on time, callback S0014 on time, 4.
  //  3 (quality, engineering): acknowledgement overdue, S0022 acknowledges late; the solution
  //    deadline is missed and the proposal late; resolved; the callback (S0015) is overdue, then
  //    made with 2; reopened; resolved again; S0015 calls back on time, 3.
  //  4 (quality, engineering): S0022 acknowledges on time, misses the solution deadline; tracker
  //    S0013 misses a progress update; unresolved at the quarter's end.
  //  5 (sales service, sales): S0023 on time, resolved (upheld); callback S0014 on time, 5.
  static void DeliverQuarter() {
    const auto q = cv1::CATEGORY_PRODUCT_QUALITY;
    const auto sales = cv1::CATEGORY_SALES_SERVICE;
    {
      const std::string n = kCase1;
      const absl::Time r = Shanghai(2026, 1, 12, 9);
      Routed(n, q, "engineering", r);
      Acknowledged(n, "S0021", "engineering", q, r, r + absl::Minutes(20));
      Opened(n, 1, "S0021", "engineering", q, r + absl::Minutes(20));
      Tracker(n, "S0012", r + absl::Minutes(21));
      Progress(n, "S0012", Shanghai(2026, 1, 15, 9), Shanghai(2026, 1, 14, 16));
      Proposed(n, 1, "S0021", Shanghai(2026, 1, 14, 9, 20), Shanghai(2026, 1, 13, 15));
      Resolved(n, 1, "S0021", "engineering", q, Shanghai(2026, 1, 20, 10));
      Callback(n, 1, "S0014", 5, Shanghai(2026, 1, 23, 10), Shanghai(2026, 1, 21, 10));
    }
    {
      const std::string n = kCase2;
      const absl::Time r = Shanghai(2026, 2, 2, 10);
      Routed(n, q, "engineering", r);
      Acknowledged(n, "S0021", "engineering", q, r, r + absl::Minutes(45));
      Proposed(n, 1, "S0021", Shanghai(2026, 2, 4, 10, 45), Shanghai(2026, 2, 3, 11));
      Resolved(n, 1, "S0021", "engineering", q, Shanghai(2026, 2, 9, 10));
      Callback(n, 1, "S0014", 4, Shanghai(2026, 2, 12, 10), Shanghai(2026, 2, 10, 10));
    }
    {
      const std::string n = kCase3;
      const absl::Time r = Shanghai(2026, 2, 16, 9);
      Routed(n, q, "engineering", r);
      case3_ack_overdue_ = AckOverdue(n, "engineering", r);
      case3_ack_ = Acknowledged(n, "S0022", "engineering", q, r, r + absl::Minutes(95));
      const absl::Time due = Shanghai(2026, 2, 18, 10, 35);
      SolutionMissed(n, 1, "S0022", "engineering", due);
      Proposed(n, 1, "S0022", due, Shanghai(2026, 2, 19, 9));
      Resolved(n, 1, "S0022", "engineering", q, Shanghai(2026, 2, 25, 9));
      CallbackLate(n, 1, "S0015", Shanghai(2026, 3, 2, 9));
      Callback(n, 1, "S0015", 2, Shanghai(2026, 3, 2, 9), Shanghai(2026, 3, 3, 9));
      Reopened(n, 2, "S0022", "engineering", Shanghai(2026, 3, 3, 9, 1));
      Resolved(n, 2, "S0022", "engineering", q, Shanghai(2026, 3, 10, 9));
      Callback(n, 2, "S0015", 3, Shanghai(2026, 3, 13, 9), Shanghai(2026, 3, 11, 9));
    }
    {
      const std::string n = kCase4;
      const absl::Time r = Shanghai(2026, 3, 9, 14);
      Routed(n, q, "engineering", r);
      Acknowledged(n, "S0022", "engineering", q, r, r + absl::Minutes(30));
      Tracker(n, "S0013", r + absl::Minutes(31));
      SolutionMissed(n, 1, "S0022", "engineering", Shanghai(2026, 3, 11, 14, 30));
      ProgressOverdue(n, "S0013", Shanghai(2026, 3, 12, 14, 30));
    }
    {
      const std::string n = kCase5;
      const absl::Time r = Shanghai(2026, 3, 16, 9);
      Routed(n, sales, "sales", r);
      Acknowledged(n, "S0023", "sales", sales, r, r + absl::Minutes(10));
      Proposed(n, 1, "S0023", Shanghai(2026, 3, 18, 9, 10), Shanghai(2026, 3, 17, 9));
      Resolved(n, 1, "S0023", "sales", sales, Shanghai(2026, 3, 20, 9));
      Callback(n, 1, "S0014", 5, Shanghai(2026, 3, 25, 9), Shanghai(2026, 3, 23, 9));
    }
    // A repeat of the last event changes nothing.
    auto repeat = runtime_->event_sink().Apply(last_event_);
    ASSERT_TRUE(repeat.ok());
    EXPECT_TRUE(*repeat);
  }

  static v1::RunQuarterlyAssessmentResponse Run(int year, int quarter) {
    v1::RunQuarterlyAssessmentRequest req;
    req.set_year(year);
    req.set_quarter(quarter);
    v1::RunQuarterlyAssessmentResponse resp;
    auto ctx = Ctx();
    const grpc::Status s = stub_->RunQuarterlyAssessment(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  static std::map<std::string, v1::Assessment> ByStaff(
      const google::protobuf::RepeatedPtrField<v1::Assessment>& list) {
    std::map<std::string, v1::Assessment> out;
    for (const auto& a : list) out[a.staff_id()] = a;
    return out;
  }

  static std::vector<v1::Enrolment> Enrolments(const std::string& staff_id) {
    v1::ListTrainingStatusRequest req;
    req.set_staff_id(staff_id);
    v1::ListTrainingStatusResponse resp;
    auto ctx = Ctx();
    const grpc::Status s = stub_->ListTrainingStatus(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (resp.people_size() != 1) return {};
    return {resp.people(0).enrolments().begin(), resp.people(0).enrolments().end()};
  }

  static inline const char* kCase1 = "TS-202601-000001";
  static inline const char* kCase2 = "TS-202602-000002";
  static inline const char* kCase3 = "TS-202602-000003";
  static inline const char* kCase4 = "TS-202603-000004";
  static inline const char* kCase5 = "TS-202603-000005";
  static inline std::string case3_ack_overdue_, case3_ack_;
  static inline cv1::Event last_event_;
  static inline ScratchDatabase* scratch_ = nullptr;
  static inline server::ServiceRuntime* runtime_ = nullptr;
  static inline staff::StaffService* directory_ = nullptr;
  static inline staff::AssessmentService* service_ = nullptr;
  static inline v1::AssessmentService::Stub* stub_ = nullptr;
};

struct Expected {
  int cases, checks, met, responses;
  double satisfaction;
  int resolved, clean;
  double score;
  v1::Grade grade;
};

void ExpectFigures(const v1::Assessment& a, const Expected& e) {
  SCOPED_TRACE(a.staff_id());
  EXPECT_EQ(a.cases_touched(), e.cases);
  EXPECT_EQ(a.sla_checks(), e.checks);
  EXPECT_EQ(a.sla_met(), e.met);
  EXPECT_NEAR(a.timeliness_rate(), e.checks == 0 ? 0 : double(e.met) / e.checks, 1e-9);
  EXPECT_EQ(a.satisfaction_responses(), e.responses);
  EXPECT_NEAR(a.average_satisfaction(), e.satisfaction, 1e-9);
  EXPECT_EQ(a.cases_resolved(), e.resolved);
  EXPECT_EQ(a.resolved_without_reopening(), e.clean);
  EXPECT_NEAR(a.score(), e.score, 1e-4);
  EXPECT_EQ(a.grade(), e.grade);
  EXPECT_EQ(a.reward(), e.grade == v1::GRADE_EXCELLENT);
  EXPECT_EQ(a.role_review(), e.grade == v1::GRADE_BELOW_BAR);
}

// Everything below runs against the one quarter delivered in SetUpTestSuite, in order: the first
// run, the re-run, then accountability.
TEST_F(StaffAssessment, AQuartersEventsGiveEachPersonTheirHandComputedFiguresAndGrade) {
  const auto run = Run(2026, 1);
  EXPECT_EQ(run.run_number(), 1);
  EXPECT_FALSE(run.replaced_previous_run());
  EXPECT_DOUBLE_EQ(run.weight_timeliness(), 0.4);
  EXPECT_DOUBLE_EQ(run.pass_threshold(), 60);
  const auto by = ByStaff(run.assessments());
  EXPECT_EQ(by.size(), 7u);
  // S0021: 4/4 deadlines, satisfaction (5 + 4) / 2 = 4.5, 2/2 clean:
  //   100 × (0.4 × 1 + 0.3 × 0.875 + 0.3 × 1) = 96.25
  ExpectFigures(by.at("S0021"), {2, 4, 4, 2, 4.5, 2, 2, 96.25, v1::GRADE_EXCELLENT});
  // S0022: case 3 acknowledgement and solution missed, case 4 acknowledgement met and solution
  //   missed: 1/4; case 3's last score 3; case 3 resolved but reopened: 0/1:
  //   100 × (0.4 × 0.25 + 0.3 × 0.5 + 0.3 × 0) = 25
  ExpectFigures(by.at("S0022"), {2, 4, 1, 1, 3.0, 1, 0, 25.0, v1::GRADE_BELOW_BAR});
  // S0023: 2/2, 5, 1/1: 100.
  ExpectFigures(by.at("S0023"), {1, 2, 2, 1, 5.0, 1, 1, 100.0, v1::GRADE_EXCELLENT});
  // S0012 (tracker of case 1): 1/1, 5, 1/1: 100.
  ExpectFigures(by.at("S0012"), {1, 1, 1, 1, 5.0, 1, 1, 100.0, v1::GRADE_EXCELLENT});
  // S0013 (tracker of case 4): 0/1, nothing else: 0.
  ExpectFigures(by.at("S0013"), {1, 1, 0, 0, 0.0, 0, 0, 0.0, v1::GRADE_BELOW_BAR});
  // S0014 (callbacks of 1, 2, 5): 3/3, 14/3, 3/3:
  //   100 × (0.4 + 0.3 × (14/3 − 1) / 4 + 0.3) = 100 × (0.4 + 0.275 + 0.3) = 97.5
  ExpectFigures(by.at("S0014"), {3, 3, 3, 3, 14.0 / 3.0, 3, 3, 97.5, v1::GRADE_EXCELLENT});
  // S0015 (callbacks of 3): the overdue one and its late call are one missed deadline, the second
  //   on time: 1/2; last score 3; reopened: 0/1: 100 × (0.2 + 0.15 + 0) = 35
  ExpectFigures(by.at("S0015"), {1, 2, 1, 1, 3.0, 1, 0, 35.0, v1::GRADE_BELOW_BAR});
  // Role and department come from the directory.
  EXPECT_EQ(by.at("S0022").role(), v1::STAFF_ROLE_HANDLER);
  EXPECT_EQ(by.at("S0022").department_id(), "engineering");
  EXPECT_EQ(by.at("S0014").role(), v1::STAFF_ROLE_CALLBACK_AGENT);
  EXPECT_EQ(by.at("S0014").department_id(), "customer-service");
}

TEST_F(StaffAssessment, BelowTheBarEnrolsInTheRolesPlanAndFlagsARoleReview) {
  v1::GetAssessmentRequest req;
  req.set_year(2026);
  req.set_quarter(1);
  req.set_staff_id("S0022");
  v1::GetAssessmentResponse resp;
  auto ctx = Ctx();
  ASSERT_TRUE(stub_->GetAssessment(ctx.get(), req, &resp).ok());
  EXPECT_TRUE(resp.assessment().role_review());
  EXPECT_EQ(resp.assessment().enrolled_plan_id(), "plan-handler");
  const auto enrolments = Enrolments("S0022");
  ASSERT_EQ(enrolments.size(), 2u);
  std::set<std::string> courses;
  for (const auto& e : enrolments) {
    courses.insert(e.course_id());
    EXPECT_EQ(e.plan_id(), "plan-handler");
    EXPECT_EQ(e.reason(), "assessment");
    EXPECT_EQ(e.assessment_quarter(), "2026Q1");
    EXPECT_FALSE(e.completed());
  }
  EXPECT_EQ(courses,
            (std::set<std::string>{"handler-customer-communication", "handler-investigation"}));
  EXPECT_EQ(Enrolments("S0015").size(), 1u);  // plan-callback-agent
  EXPECT_TRUE(Enrolments("S0021").empty());   // excellent: no targeted training
}

TEST_F(StaffAssessment, ARerunReplacesTheQuartersResultsAndSaysSo) {
  const auto run = Run(2026, 1);
  EXPECT_EQ(run.run_number(), 2);
  EXPECT_TRUE(run.replaced_previous_run());
  const auto by = ByStaff(run.assessments());
  EXPECT_EQ(by.size(), 7u);
  ExpectFigures(by.at("S0021"), {2, 4, 4, 2, 4.5, 2, 2, 96.25, v1::GRADE_EXCELLENT});
  EXPECT_EQ(scratch_->QueryScalar("SELECT COUNT(*) FROM assessments WHERE year = 2026"), "7");
  EXPECT_EQ(Enrolments("S0022").size(), 2u);  // not enrolled twice
  // The outbox announced both runs.
  EXPECT_EQ(
      scratch_->QueryScalar("SELECT COUNT(*) FROM outbox WHERE aggregate_id = 'assessment-2026Q1'"),
      "2");

  v1::ListAssessmentsRequest list;
  list.set_year(2026);
  list.set_quarter(1);
  list.set_grade(v1::GRADE_BELOW_BAR);
  v1::ListAssessmentsResponse below;
  auto ctx = Ctx();
  ASSERT_TRUE(stub_->ListAssessments(ctx.get(), list, &below).ok());
  std::vector<std::string> ids;
  for (const auto& a : below.assessments()) ids.push_back(a.staff_id());
  EXPECT_EQ(ids, (std::vector<std::string>{"S0013", "S0015", "S0022"}));
  list.set_grade(v1::GRADE_UNSPECIFIED);
  list.set_department_id("engineering");
  v1::ListAssessmentsResponse engineering;
  auto ctx2 = Ctx();
  ASSERT_TRUE(stub_->ListAssessments(ctx2.get(), list, &engineering).ok());
  ids.clear();
  for (const auto& a : engineering.assessments()) ids.push_back(a.staff_id());
  EXPECT_EQ(ids, (std::vector<std::string>{"S0021", "S0022"}));

  const std::string metrics = testing::HttpGet(runtime_->metrics_port(), "/metrics");
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_staff_assessment_assessments_run_total",
                                 {"outcome=\"replaced\""}),
            1);
  EXPECT_EQ(testing::MetricValue(
                metrics, "tousu_staff_assessment_grades",
                {"quarter=\"2026Q1\"", "department=\"engineering\"", "grade=\"BELOW_BAR\""}),
            1);
}

TEST_F(StaffAssessment, ExplainListsTheCasesAndEventsBehindEveryFigure) {
  v1::ExplainAssessmentRequest req;
  req.set_year(2026);
  req.set_quarter(1);
  req.set_staff_id("S0022");
  v1::ExplainAssessmentResponse resp;
  auto ctx = Ctx();
  ASSERT_TRUE(stub_->ExplainAssessment(ctx.get(), req, &resp).ok());
  int sla = 0, met = 0, touch = 0, satisfaction = 0, resolution = 0;
  std::set<std::string> cases;
  bool found_late_ack = false;
  for (const auto& e : resp.evidence()) {
    cases.insert(e.number());
    if (e.kind() == "touch") ++touch;
    if (e.kind() == "satisfaction") {
      ++satisfaction;
      EXPECT_EQ(e.satisfaction(), 3);
    }
    if (e.kind() == "resolution") ++resolution;
    if (e.kind() == "sla") {
      ++sla;
      if (e.met()) ++met;
      if (e.number() == kCase3 && e.sla() == "acknowledgement") {
        found_late_ack = true;
        EXPECT_FALSE(e.met());
        EXPECT_THAT(e.events(), ::testing::ElementsAre(case3_ack_overdue_, case3_ack_));
      }
    }
  }
  EXPECT_TRUE(found_late_ack);
  EXPECT_EQ(cases, (std::set<std::string>{kCase3, kCase4}));
  EXPECT_EQ(touch, resp.assessment().cases_touched());
  EXPECT_EQ(sla, resp.assessment().sla_checks());
  EXPECT_EQ(met, resp.assessment().sla_met());
  EXPECT_EQ(satisfaction, resp.assessment().satisfaction_responses());
  EXPECT_EQ(resolution, resp.assessment().cases_resolved());
}

TEST_F(StaffAssessment, ALateAcknowledgementSuggestsItsOwnerAndAConfirmationShowsInTheAssessment) {
  v1::ListAccountabilitySuggestionsRequest list;
  list.set_number(kCase3);
  v1::ListAccountabilitySuggestionsResponse pending;
  auto ctx = Ctx();
  ASSERT_TRUE(stub_->ListAccountabilitySuggestions(ctx.get(), list, &pending).ok());
  const v1::AccountabilitySuggestion* late = nullptr;
  std::set<std::string> rules;
  for (const auto& s : pending.suggestions()) {
    rules.insert(s.rule());
    if (s.rule() == "late_acknowledgement") late = &s;
  }
  EXPECT_EQ(rules, (std::set<std::string>{"late_acknowledgement", "solution_deadline_missed",
                                          "callback_overdue"}));
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->staff_id(), "S0022");
  EXPECT_EQ(late->department_id(), "engineering");
  EXPECT_EQ(late->cause(), v1::ACCOUNTABILITY_CAUSE_DELAY);
  EXPECT_EQ(late->status(), v1::SUGGESTION_STATUS_PENDING);
  EXPECT_EQ(late->event(), case3_ack_);

  // Nothing is applied by itself: no record yet.
  EXPECT_EQ(scratch_->QueryScalar("SELECT COUNT(*) FROM accountability_records"), "0");

  v1::RecordAccountabilityRequest confirm;
  confirm.set_suggestion_id(late->id());
  confirm.set_measure(v1::ACCOUNTABILITY_MEASURE_CRITICISM_AND_EDUCATION);
  confirm.set_decided_by_staff_id("S0002");
  *confirm.mutable_decided_at() = Ts(Shanghai(2026, 3, 20, 15));
  confirm.set_note("首次超時，批評教育");
  v1::RecordAccountabilityResponse recorded;
  auto ctx2 = Ctx();
  const grpc::Status s = stub_->RecordAccountability(ctx2.get(), confirm, &recorded);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(recorded.record().staff_id(), "S0022");
  EXPECT_EQ(recorded.record().number(), kCase3);
  EXPECT_EQ(recorded.record().cause(), v1::ACCOUNTABILITY_CAUSE_DELAY);
  EXPECT_EQ(recorded.record().suggestion_id(), late->id());
  EXPECT_EQ(recorded.record().note(), "首次超時，批評教育");
  EXPECT_EQ(scratch_->QueryScalar(
                std::string("SELECT COUNT(*) FROM outbox WHERE aggregate_id = '") + kCase3 + "'"),
            "1");

  // A second confirmation of the same suggestion is refused.
  v1::RecordAccountabilityResponse again;
  auto ctx3 = Ctx();
  const grpc::Status twice = stub_->RecordAccountability(ctx3.get(), confirm, &again);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(twice.error_message(), StartsWith("suggestion_id:"));

  v1::GetAssessmentRequest get;
  get.set_year(2026);
  get.set_quarter(1);
  get.set_staff_id("S0022");
  v1::GetAssessmentResponse assessment;
  auto ctx4 = Ctx();
  ASSERT_TRUE(stub_->GetAssessment(ctx4.get(), get, &assessment).ok());
  ASSERT_EQ(assessment.assessment().accountability_size(), 1);
  EXPECT_EQ(assessment.assessment().accountability(0).id(), recorded.record().id());

  // The suggestion is no longer pending.
  list.set_status(v1::SUGGESTION_STATUS_CONFIRMED);
  v1::ListAccountabilitySuggestionsResponse confirmed;
  auto ctx5 = Ctx();
  ASSERT_TRUE(stub_->ListAccountabilitySuggestions(ctx5.get(), list, &confirmed).ok());
  ASSERT_EQ(confirmed.suggestions_size(), 1);
  EXPECT_EQ(confirmed.suggestions(0).record_id(), recorded.record().id());
}

TEST_F(StaffAssessment, AnUpheldSalesComplaintSuggestsTheSalesDepartmentAndThePersonNamesTheStaff) {
  v1::ListAccountabilitySuggestionsRequest list;
  list.set_number(kCase5);
  v1::ListAccountabilitySuggestionsResponse pending;
  auto ctx = Ctx();
  ASSERT_TRUE(stub_->ListAccountabilitySuggestions(ctx.get(), list, &pending).ok());
  ASSERT_EQ(pending.suggestions_size(), 1);
  const auto& s = pending.suggestions(0);
  EXPECT_EQ(s.rule(), "sales_complaint_upheld");
  EXPECT_EQ(s.staff_id(), "");
  EXPECT_EQ(s.department_id(), "sales");
  EXPECT_EQ(s.cause(), v1::ACCOUNTABILITY_CAUSE_FALSE_ADVERTISING);

  v1::RecordAccountabilityRequest confirm;
  confirm.set_suggestion_id(s.id());
  confirm.set_staff_id("S0024");
  confirm.set_measure(v1::ACCOUNTABILITY_MEASURE_BONUS_DEDUCTION);
  confirm.set_decided_by_staff_id("S0003");
  *confirm.mutable_decided_at() = Ts(Shanghai(2026, 3, 27, 10));
  v1::RecordAccountabilityResponse recorded;
  auto ctx2 = Ctx();
  ASSERT_TRUE(stub_->RecordAccountability(ctx2.get(), confirm, &recorded).ok());
  EXPECT_EQ(recorded.record().staff_id(), "S0024");
  EXPECT_EQ(recorded.record().department_id(), "sales");
  EXPECT_EQ(recorded.record().severity(), v1::ACCOUNTABILITY_SEVERITY_SERIOUS);

  v1::ListAccountabilityRequest by_department;
  by_department.set_department_id("sales");
  v1::ListAccountabilityResponse records;
  auto ctx3 = Ctx();
  ASSERT_TRUE(stub_->ListAccountability(ctx3.get(), by_department, &records).ok());
  ASSERT_EQ(records.records_size(), 1);
  EXPECT_EQ(records.records(0).measure(), v1::ACCOUNTABILITY_MEASURE_BONUS_DEDUCTION);
}

TEST_F(StaffAssessment, TrainingCompletionIsRecordedWithDateAndResultAndShownPerDepartment) {
  v1::RecordTrainingCompletionRequest done;
  done.set_staff_id("S0022");
  done.set_course_id("handler-investigation");
  *done.mutable_completed_at() = Ts(Shanghai(2026, 4, 20, 17));
  done.set_result(v1::TRAINING_RESULT_PASSED);
  v1::RecordTrainingCompletionResponse resp;
  auto ctx = Ctx();
  const grpc::Status s = stub_->RecordTrainingCompletion(ctx.get(), done, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(resp.enrolment().completed());
  EXPECT_EQ(resp.enrolment().result(), v1::TRAINING_RESULT_PASSED);

  v1::ListTrainingStatusRequest req;
  req.set_department_id("engineering");
  v1::ListTrainingStatusResponse status;
  auto ctx2 = Ctx();
  ASSERT_TRUE(stub_->ListTrainingStatus(ctx2.get(), req, &status).ok());
  bool seen = false;
  for (const auto& p : status.people()) {
    EXPECT_EQ(p.department_id(), "engineering");
    if (p.staff_id() != "S0022") continue;
    seen = true;
    EXPECT_EQ(p.completed(), 1);
    EXPECT_EQ(p.passed(), 1);
    EXPECT_EQ(p.open(), 1);
  }
  EXPECT_TRUE(seen);
  EXPECT_GE(status.people_size(), 5);  // everyone in the department, enrolled or not

  // Not enrolled: the wrong state.
  done.set_staff_id("S0021");
  auto ctx3 = Ctx();
  EXPECT_EQ(stub_->RecordTrainingCompletion(ctx3.get(), done, &resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  const std::string metrics = testing::HttpGet(runtime_->metrics_port(), "/metrics");
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_staff_assessment_training_completions_total",
                                 {"result=\"passed\""}),
            1);
}

TEST_F(StaffAssessment, ManualEnrolmentIsIdempotentAndPlansAreSeeded) {
  v1::ListTrainingPlansRequest plans_req;
  plans_req.set_role(v1::STAFF_ROLE_ENGINEER);
  v1::ListTrainingPlansResponse plans;
  auto ctx = Ctx();
  ASSERT_TRUE(stub_->ListTrainingPlans(ctx.get(), plans_req, &plans).ok());
  ASSERT_EQ(plans.plans_size(), 1);
  EXPECT_THAT(plans.plans(0).course_ids(),
              ::testing::ElementsAre("engineer-defect-inspection", "engineer-defect-repair"));

  v1::EnrolRequest enrol;
  enrol.set_staff_id("S0018");
  enrol.set_plan_id("plan-engineer");
  v1::EnrolResponse first, second;
  auto ctx2 = Ctx();
  ASSERT_TRUE(stub_->Enrol(ctx2.get(), enrol, &first).ok());
  EXPECT_EQ(first.newly_enrolled(), 2);
  auto ctx3 = Ctx();
  ASSERT_TRUE(stub_->Enrol(ctx3.get(), enrol, &second).ok());
  EXPECT_EQ(second.newly_enrolled(), 0);
  EXPECT_EQ(second.enrolments_size(), 2);
}

// Each bad request is answered INVALID_ARGUMENT with a message starting with the field's name.
TEST_F(StaffAssessment, BadRequestsNameTheField) {
  auto expect = [](const grpc::Status& s, const std::string& field) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(s.error_message(), StartsWith(field + ":"));
  };
  {
    v1::RunQuarterlyAssessmentRequest req;
    req.set_year(2026);
    req.set_quarter(5);
    v1::RunQuarterlyAssessmentResponse resp;
    auto ctx = Ctx();
    expect(stub_->RunQuarterlyAssessment(ctx.get(), req, &resp), "quarter");
    req.set_year(1990);
    req.set_quarter(1);
    auto ctx2 = Ctx();
    expect(stub_->RunQuarterlyAssessment(ctx2.get(), req, &resp), "year");
  }
  {
    v1::GetAssessmentRequest req;
    req.set_year(2026);
    req.set_quarter(1);
    v1::GetAssessmentResponse resp;
    auto ctx = Ctx();
    expect(stub_->GetAssessment(ctx.get(), req, &resp), "staff_id");
    req.set_staff_id("S0031");  // in the directory, touched no case
    auto ctx2 = Ctx();
    EXPECT_EQ(stub_->GetAssessment(ctx2.get(), req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    v1::RecordAccountabilityRequest req;
    req.set_number(kCase4);
    req.set_staff_id("S0022");
    req.set_cause(v1::ACCOUNTABILITY_CAUSE_DELAY);
    req.set_severity(v1::ACCOUNTABILITY_SEVERITY_MINOR);
    req.set_decided_by_staff_id("S0002");
    *req.mutable_decided_at() = Ts(Shanghai(2026, 3, 20));
    v1::RecordAccountabilityResponse resp;
    auto ctx = Ctx();
    expect(stub_->RecordAccountability(ctx.get(), req, &resp), "measure");
    req.set_measure(v1::ACCOUNTABILITY_MEASURE_WARNING);
    // Not UTF-8: refused while the request is parsed, before any field is read.
    req.set_note(std::string("\xff\xfe", 2));
    auto ctx2 = Ctx();
    expect(stub_->RecordAccountability(ctx2.get(), req, &resp), "request");
    req.clear_note();
    *req.mutable_decided_at() = Ts(absl::Now() + absl::Hours(48));
    auto ctx3 = Ctx();
    expect(stub_->RecordAccountability(ctx3.get(), req, &resp), "decided_at");
    *req.mutable_decided_at() = Ts(Shanghai(2026, 3, 20));
    req.set_number("TS-1");
    auto ctx4 = Ctx();
    expect(stub_->RecordAccountability(ctx4.get(), req, &resp), "number");
  }
  {
    v1::EnrolRequest req;
    req.set_staff_id("S0018");
    req.set_plan_id("plan-engineer");
    req.set_course_id("engineer-defect-repair");
    v1::EnrolResponse resp;
    auto ctx = Ctx();
    expect(stub_->Enrol(ctx.get(), req, &resp), "plan_id");
  }
  {
    v1::UpsertTrainingCourseRequest req;
    auto* c = req.mutable_course();
    c->set_id("new-course");
    c->set_title("新課程");
    c->set_topic("溝通");
    c->set_target_role(v1::STAFF_ROLE_TRACKER);
    c->set_hours(0);
    v1::UpsertTrainingCourseResponse resp;
    auto ctx = Ctx();
    expect(stub_->UpsertTrainingCourse(ctx.get(), req, &resp), "course.hours");
  }
  {
    v1::RecordTrainingCompletionRequest req;
    req.set_staff_id("S0022");
    req.set_course_id("handler-investigation");
    *req.mutable_completed_at() = Ts(Shanghai(2026, 4, 1));
    v1::RecordTrainingCompletionResponse resp;
    auto ctx = Ctx();
    expect(stub_->RecordTrainingCompletion(ctx.get(), req, &resp), "result");
  }
}

// 2026 Q2, its own complaint: S0022 owns case 6 and acknowledges it on time; S0021 stands in and
// proposes the solution late. The missed solution deadline is S0021's, not the owner's.
TEST_F(StaffAssessment, TheSolutionDeadlineIsCreditedToWhoeverProposedNotTheOwner) {
  const auto q = cv1::CATEGORY_PRODUCT_QUALITY;
  const std::string n = "TS-202604-000006";
  const absl::Time r = Shanghai(2026, 4, 13, 9);
  Routed(n, q, "engineering", r);
  Acknowledged(n, "S0022", "engineering", q, r, r + absl::Minutes(10));
  Opened(n, 1, "S0022", "engineering", q, r + absl::Minutes(10));
  Proposed(n, 1, "S0022", Shanghai(2026, 4, 15, 9, 10), Shanghai(2026, 4, 16, 9), "S0021");

  const auto by = ByStaff(Run(2026, 2).assessments());
  ASSERT_EQ(by.size(), 2u);
  // S0022: the acknowledgement only, met: 100.
  ExpectFigures(by.at("S0022"), {1, 1, 1, 0, 0.0, 0, 0, 100.0, v1::GRADE_EXCELLENT});
  // S0021: the late proposal, 0/1: 0.
  ExpectFigures(by.at("S0021"), {1, 1, 0, 0, 0.0, 0, 0, 0.0, v1::GRADE_BELOW_BAR});

  v1::ExplainAssessmentRequest req;
  req.set_year(2026);
  req.set_quarter(2);
  req.set_staff_id("S0021");
  v1::ExplainAssessmentResponse explained;
  auto ctx = Ctx();
  ASSERT_TRUE(stub_->ExplainAssessment(ctx.get(), req, &explained).ok());
  int solution_checks = 0;
  for (const auto& e : explained.evidence()) {
    if (e.kind() != "sla") continue;
    EXPECT_EQ(e.sla(), "solution");
    EXPECT_FALSE(e.met());
    ++solution_checks;
  }
  EXPECT_EQ(solution_checks, 1);
}

}  // namespace
}  // namespace tousu
