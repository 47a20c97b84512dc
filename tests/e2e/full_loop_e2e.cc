// The whole loop of the policy (§2–§7) across every service, each a real process on its own
// database, events flowing through the outboxes, time moved by the controllable clock:
// submit → route → acknowledge → investigate (with an inspection report) → propose → the
// customer rejects → revised → accepts → implement → resolve → callback unsatisfied → reopened
// → resolved again → callback satisfied → closed.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/client/channel.h"
#include "common/time/beijing_zone.h"
#include "common/time/proto_time.h"
#include "complaints/analytics/v1/analytics.grpc.pb.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/common/v1/events.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "tests/e2e/stack.h"

namespace tousu {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;

std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

// Polls `check` until it holds or `timeout` passes; events cross services asynchronously.
bool Eventually(const std::function<bool()>& check, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time until = absl::Now() + timeout;
  while (absl::Now() < until) {
    if (check()) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return check();
}

class FullLoopE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new e2e::Stack();
    stack_->Start();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(stack_, nullptr);
    stack_->SetClockOffset(absl::ZeroDuration());  // whatever a failed test left behind
    intake_ = iv1::IntakeService::NewStub(Channel(stack_->service("intake").address()));
    routing_ = rv1::RoutingService::NewStub(Channel(stack_->service("routing").address()));
    cases_ = chv1::CaseService::NewStub(Channel(stack_->service("case-handling").address()));
    followup_ = fv1::FollowUpService::NewStub(Channel(stack_->service("follow-up").address()));
  }

  static std::unique_ptr<grpc::ClientContext> Ctx() {
    return client::NewCallContext(absl::Seconds(10));
  }

  // A product-quality complaint, routed to engineering and acknowledged by S0018; returns its
  // number.
  std::string SubmitAndAcknowledge(const std::string& request_id, const std::string& phone) {
    iv1::SubmitComplaintRequest req;
    req.set_request_id(request_id);
    auto* c = req.mutable_complaint();
    c->set_customer_name("陈美玲");
    c->set_customer_phone(phone);
    c->set_project("翠湖花园");
    c->set_building("3栋");
    c->set_unit("1202");
    c->set_description("卫生间天花板漏水，墙面大面积渗水发霉，已经影响正常使用，请尽快派人维修");
    time::ToProto(absl::Now() - absl::Hours(30), c->mutable_occurred_at());
    c->set_severity(cv1::SEVERITY_HIGH);
    c->set_expected_resolution("尽快上门检修并赔偿损失");
    c->set_channel(cv1::CHANNEL_APP);
    c->set_journey_stage(cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
    iv1::SubmitComplaintResponse submitted;
    auto s = intake_->SubmitComplaint(Ctx().get(), req, &submitted);
    EXPECT_TRUE(s.ok()) << s.error_message();
    const std::string number = submitted.complaint().number();
    EXPECT_TRUE(
        Eventually([&] { return Complaint(number).status() == iv1::COMPLAINT_STATUS_ROUTED; }));
    rv1::AcknowledgeAssignmentRequest ack;
    ack.set_number(number);
    ack.set_department_id("engineering");
    ack.set_owner_staff_id("S0018");
    rv1::AcknowledgeAssignmentResponse acked;
    s = routing_->AcknowledgeAssignment(Ctx().get(), ack, &acked);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(Eventually([&] { return Case(number).state() == chv1::CASE_STATE_INVESTIGATING; }))
        << "no case opened for " << number;
    return number;
  }

  iv1::Complaint Complaint(const std::string& number) {
    iv1::GetComplaintRequest req;
    req.set_number(number);
    iv1::GetComplaintResponse resp;
    intake_->GetComplaint(Ctx().get(), req, &resp);
    return resp.complaint();
  }

  chv1::Case Case(const std::string& number) {
    chv1::GetCaseRequest req;
    req.set_number(number);
    chv1::GetCaseResponse resp;
    cases_->GetCase(Ctx().get(), req, &resp);
    return resp.case_file();
  }

  fv1::FollowUp FollowUp(const std::string& number) {
    fv1::GetFollowUpRequest req;
    req.set_number(number);
    fv1::GetFollowUpResponse resp;
    followup_->GetFollowUp(Ctx().get(), req, &resp);
    return resp.follow_up();
  }

  grpc::Status Inspect(const std::string& number) {
    chv1::AttachInspectionReportRequest req;
    req.set_number(number);
    req.set_inspector_staff_id("S0019");
    req.set_cause("屋面防水层老化开裂，雨水沿管井渗入");
    req.set_severity(cv1::SEVERITY_HIGH);
    req.set_findings("卫生间顶板及东侧墙面含水率超标，局部霉变");
    req.set_recommended_repair("重做屋面防水，墙面铲除重新批荡");
    chv1::AttachInspectionReportResponse resp;
    return cases_->AttachInspectionReport(Ctx().get(), req, &resp);
  }

  grpc::Status Propose(const std::string& number, const std::string& text) {
    chv1::ProposeSolutionRequest req;
    req.set_number(number);
    req.set_staff_id("S0018");
    req.set_solution(text);
    req.add_planned_actions("重做屋面防水");
    req.add_planned_actions("墙面修复并除霉");
    // Beyond any clock offset a test sets.
    time::ToProto(absl::Now() + absl::Hours(24 * 60), req.mutable_planned_completion());
    chv1::ProposeSolutionResponse resp;
    auto s = cases_->ProposeSolution(Ctx().get(), req, &resp);
    if (!s.ok()) std::cerr << "ProposeSolution: " << s.error_message() << "\n";
    return s;
  }

  grpc::Status Decide(const std::string& number, int revision, bool accept) {
    chv1::RecordCustomerDecisionRequest req;
    req.set_number(number);
    req.set_revision(revision);
    req.set_decision(accept ? chv1::CUSTOMER_DECISION_ACCEPTED : chv1::CUSTOMER_DECISION_REJECTED);
    if (!accept) req.set_reason("只修墙面不够，要求同时赔偿被泡坏的家具");
    req.set_recorded_by_staff_id("S0018");
    chv1::RecordCustomerDecisionResponse resp;
    return cases_->RecordCustomerDecision(Ctx().get(), req, &resp);
  }

  grpc::Status Resolve(const std::string& number) {
    chv1::ResolveCaseRequest req;
    req.set_number(number);
    req.set_staff_id("S0018");
    req.set_result("屋面防水已重做，墙面修复完毕，经闭水试验无渗漏");
    chv1::ResolveCaseResponse resp;
    return cases_->ResolveCase(Ctx().get(), req, &resp);
  }

  grpc::Status Callback(const std::string& number, int satisfaction) {
    auto f = FollowUp(number);
    EXPECT_FALSE(f.callbacks().empty());
    fv1::RecordCallbackRequest req;
    req.set_number(number);
    req.set_cycle(f.cycle());
    req.set_callback_agent_staff_id(
        f.callbacks().empty() ? "S0014"
                              : f.callbacks(f.callbacks_size() - 1).assigned_agent_staff_id());
    req.set_method(fv1::CALLBACK_METHOD_PHONE);
    req.set_satisfaction(satisfaction);
    req.set_comments(satisfaction <= 2 ? "家具赔偿还没落实" : "处理及时，满意");
    fv1::RecordCallbackResponse resp;
    return followup_->RecordCallback(Ctx().get(), req, &resp);
  }

  bool AwaitingCallback(const std::string& number, int cycle) {
    auto f = FollowUp(number);
    return f.state() == fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK && f.cycle() == cycle &&
           !f.callbacks().empty();
  }

  static e2e::Stack* stack_;
  std::unique_ptr<iv1::IntakeService::Stub> intake_;
  std::unique_ptr<rv1::RoutingService::Stub> routing_;
  std::unique_ptr<chv1::CaseService::Stub> cases_;
  std::unique_ptr<fv1::FollowUpService::Stub> followup_;
};

e2e::Stack* FullLoopE2e::stack_ = nullptr;

TEST_F(FullLoopE2e, TheCaseLoopsUntilTheCustomerIsSatisfiedAndTheTimelineShowsEveryStep) {
  const std::string number = SubmitAndAcknowledge("loop-1", "13922220001");
  EXPECT_FALSE(FollowUp(number).tracker_staff_id().empty()) << "every open case has a tracker";

  chv1::AddInvestigationEntryRequest visit;
  visit.set_number(number);
  visit.set_kind(chv1::INVESTIGATION_KIND_SITE_VISIT);
  visit.set_author_staff_id("S0018");
  visit.set_note("现场查看：卫生间顶板渗水，东侧墙面霉变");
  auto* photo = visit.add_attachments();
  photo->set_uri("s3://tousu-evidence/" + number + "/ceiling.jpg");
  photo->set_media_type("image/jpeg");
  photo->set_sha256(std::string(64, 'a'));
  chv1::AddInvestigationEntryResponse visited;
  ASSERT_TRUE(cases_->AddInvestigationEntry(Ctx().get(), visit, &visited).ok());

  // A quality complaint needs its inspection report before a solution.
  EXPECT_EQ(Propose(number, "先修补墙面").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Inspect(number).ok());

  chv1::LogCustomerContactRequest contact;
  contact.set_number(number);
  contact.set_staff_id("S0018");
  contact.set_channel(chv1::CONTACT_CHANNEL_PHONE);
  contact.set_summary("已告知客户检测结果，方案将于两个工作日内提出");
  chv1::LogCustomerContactResponse contacted;
  ASSERT_TRUE(cases_->LogCustomerContact(Ctx().get(), contact, &contacted).ok());

  ASSERT_TRUE(Propose(number, "重做屋面防水并修复墙面").ok());
  ASSERT_TRUE(Decide(number, 1, /*accept=*/false).ok());
  ASSERT_TRUE(Propose(number, "重做屋面防水、修复墙面，并按评估价赔偿受损家具").ok());
  ASSERT_TRUE(Decide(number, 2, /*accept=*/true).ok());

  chv1::RecordImplementationProgressRequest progress;
  progress.set_number(number);
  progress.set_staff_id("S0018");
  progress.set_note("防水层施工完成，等待闭水试验");
  chv1::RecordImplementationProgressResponse progressed;
  ASSERT_TRUE(cases_->RecordImplementationProgress(Ctx().get(), progress, &progressed).ok());
  ASSERT_TRUE(Resolve(number).ok());
  ASSERT_TRUE(Eventually([&] { return AwaitingCallback(number, 1); })) << "no callback scheduled";
  ASSERT_TRUE(
      Eventually([&] { return Complaint(number).status() == iv1::COMPLAINT_STATUS_RESOLVED; }));

  // Unsatisfied: the case goes back to engineering as cycle 2.
  ASSERT_TRUE(Callback(number, 2).ok());
  ASSERT_TRUE(Eventually([&] {
    auto c = Case(number);
    return c.cycle() == 2 && c.state() == chv1::CASE_STATE_INVESTIGATING;
  })) << "the case did not reopen";
  ASSERT_TRUE(
      Eventually([&] { return Complaint(number).status() == iv1::COMPLAINT_STATUS_ACKNOWLEDGED; }));

  // The second cycle, then a satisfied customer closes the complaint.
  Inspect(number);  // a fresh report for the new cycle, if the rules ask for one
  ASSERT_TRUE(Propose(number, "家具赔偿款三日内到账，并回访确认").ok());
  const int revision = Case(number).revision();
  ASSERT_TRUE(Decide(number, revision, /*accept=*/true).ok());
  ASSERT_TRUE(Resolve(number).ok());
  ASSERT_TRUE(Eventually([&] { return AwaitingCallback(number, 2); }));
  ASSERT_TRUE(Callback(number, 5).ok());
  ASSERT_TRUE(
      Eventually([&] { return Complaint(number).status() == iv1::COMPLAINT_STATUS_CLOSED; }));
  EXPECT_TRUE(Eventually([&] { return Case(number).state() == chv1::CASE_STATE_CLOSED; }));

  // The customer's timeline lists every step, each once, in the order it happened.
  const auto timeline = Complaint(number).timeline();
  std::vector<int> types;
  for (const auto& e : timeline) types.push_back(e.type());
  std::string listed;
  for (const auto& e : timeline)
    absl::StrAppend(&listed, iv1::TimelineEventType_Name(e.type()), "\n");
  auto position = [&](const std::string& name, int occurrence = 1) {
    iv1::TimelineEventType t;
    if (!iv1::TimelineEventType_Parse(name, &t)) return -2;
    int seen = 0;
    for (size_t i = 0; i < types.size(); ++i) {
      if (types[i] == t && ++seen == occurrence) return static_cast<int>(i);
    }
    return -1;
  };
  const std::vector<std::pair<std::string, int>> expected_order = {
      {"TIMELINE_EVENT_TYPE_RECEIVED", 1},          {"TIMELINE_EVENT_TYPE_ROUTED", 1},
      {"TIMELINE_EVENT_TYPE_ACKNOWLEDGED", 1},      {"TIMELINE_EVENT_TYPE_CASE_OPENED", 1},
      {"TIMELINE_EVENT_TYPE_SOLUTION_PROPOSED", 1}, {"TIMELINE_EVENT_TYPE_SOLUTION_PROPOSED", 2},
      {"TIMELINE_EVENT_TYPE_CASE_RESOLVED", 1},     {"TIMELINE_EVENT_TYPE_CALLBACK_RECORDED", 1},
      {"TIMELINE_EVENT_TYPE_CASE_REOPENED", 1},     {"TIMELINE_EVENT_TYPE_CASE_RESOLVED", 2},
      {"TIMELINE_EVENT_TYPE_CALLBACK_RECORDED", 2}, {"TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED", 1},
  };
  int last = -1;
  for (const auto& [name, occurrence] : expected_order) {
    const int at = position(name, occurrence);
    EXPECT_GT(at, last) << name << " #" << occurrence << " missing or out of order in:\n" << listed;
    last = std::max(last, at);
  }
  // The second cycle is told once, by its reopening (department, round and deadline).
  EXPECT_EQ(position("TIMELINE_EVENT_TYPE_CASE_REOPENED", 2), -1) << listed;
  EXPECT_EQ(position("TIMELINE_EVENT_TYPE_CASE_OPENED", 2), -1) << listed;

  // Analytics learned the same story from the events: counted, engineering's, reopened once.
  auto analytics = complaints::analytics::v1::AnalyticsService::NewStub(
      Channel(stack_->service("analytics").address()));
  // Counted in the month it was received (Beijing time), which the run may have left since.
  const iv1::Complaint complaint = Complaint(number);
  ASSERT_TRUE(complaint.has_received_at()) << "GetComplaint " << number << " failed";
  const absl::CivilDay received =
      absl::ToCivilDay(time::FromProto(complaint.received_at()), time::BeijingZone());
  EXPECT_TRUE(Eventually([&] {
    complaints::analytics::v1::GetMonthlySummaryRequest req;
    req.set_year(static_cast<int>(received.year()));
    req.set_month(received.month());
    req.set_department_id("engineering");
    complaints::analytics::v1::GetMonthlySummaryResponse resp;
    if (!analytics->GetMonthlySummary(Ctx().get(), req, &resp).ok()) return false;
    return resp.summary().total() >= 1 && resp.summary().reopen_rate() > 0;
  })) << "analytics did not count the reopened complaint";
}

TEST_F(FullLoopE2e, AProposalThreeBusinessDaysLateIsRecordedAsABreach) {
  const std::string number = SubmitAndAcknowledge("late-1", "13922220002");
  ASSERT_TRUE(Inspect(number).ok());
  // Two weeks later: well past acknowledgement + 2 business days, whatever the calendar says.
  stack_->SetClockOffset(absl::Hours(24 * 14));
  EXPECT_TRUE(Eventually([&] { return Case(number).solution_deadline_missed(); }))
      << "deadline not marked missed";
  ASSERT_TRUE(Propose(number, "重做屋面防水并修复墙面").ok());
  stack_->SetClockOffset(absl::ZeroDuration());
  auto c = Case(number);
  ASSERT_FALSE(c.solutions().empty());
  EXPECT_FALSE(c.solutions(0).on_time());
  const std::string metrics =
      testing::HttpGet(stack_->service("case-handling").metrics_port, "/metrics");
  EXPECT_GE(testing::MetricValue(metrics, "tousu_case_handling_solutions_total", {"late"}), 1)
      << metrics;
}

TEST_F(FullLoopE2e, AnUnansweredCallbackGoesOverdue) {
  const std::string number = SubmitAndAcknowledge("overdue-callback-1", "13922220003");
  ASSERT_TRUE(Inspect(number).ok());
  ASSERT_TRUE(Propose(number, "重做屋面防水并修复墙面").ok());
  ASSERT_TRUE(Decide(number, 1, true).ok());
  ASSERT_TRUE(Resolve(number).ok());
  ASSERT_TRUE(Eventually([&] { return AwaitingCallback(number, 1); }));
  stack_->SetClockOffset(absl::Hours(24 * 14));
  EXPECT_TRUE(Eventually([&] {
    auto f = FollowUp(number);
    return !f.callbacks().empty() && f.callbacks(0).overdue();
  })) << "callback not marked overdue";
  stack_->SetClockOffset(absl::ZeroDuration());
}

TEST_F(FullLoopE2e, RepeatingAnyDeliveredEventChangesNothing) {
  const std::string number = SubmitAndAcknowledge("repeat-1", "13922220004");
  ASSERT_TRUE(Inspect(number).ok());
  ASSERT_TRUE(Propose(number, "重做屋面防水并修复墙面").ok());
  ASSERT_TRUE(Eventually(
      [&] { return Complaint(number).status() == iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED; }));
  absl::SleepFor(absl::Milliseconds(500));
  const int timeline_before = Complaint(number).timeline_size();
  const int cases_before =
      std::stoi(stack_->service("case-handling").db->QueryScalar("SELECT COUNT(*) FROM inbox"));

  // Every event any service delivered for this complaint, delivered again to its subscriber.
  int repeated = 0;
  for (const char* producer : {"intake", "routing", "case-handling", "follow-up"}) {
    auto& db = *stack_->service(producer).db;
    const int rows = std::stoi(db.QueryScalar(absl::StrCat(
        "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL AND aggregate_id = '", number,
        "'")));
    for (int i = 0; i < rows; ++i) {
      const std::string where =
          absl::StrCat("FROM outbox WHERE delivered_at IS NOT NULL AND aggregate_id = '", number,
                       "' ORDER BY id LIMIT 1 OFFSET ", i);
      const std::string subscriber = db.QueryScalar("SELECT subscriber " + where);
      const std::string hex = db.QueryScalar("SELECT HEX(envelope) " + where);
      std::string envelope;
      for (size_t k = 0; k + 1 < hex.size(); k += 2) {
        envelope.push_back(static_cast<char>(std::stoi(hex.substr(k, 2), nullptr, 16)));
      }
      cv1::DeliverEventRequest req;
      ASSERT_TRUE(req.mutable_event()->ParseFromString(envelope));
      auto sink = cv1::EventSink::NewStub(Channel(stack_->service(subscriber).address()));
      cv1::DeliverEventResponse resp;
      auto s = sink->DeliverEvent(Ctx().get(), req, &resp);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_TRUE(resp.duplicate()) << req.event().event_type() << " to " << subscriber;
      ++repeated;
    }
  }
  EXPECT_GE(repeated, 6);
  EXPECT_EQ(Complaint(number).timeline_size(), timeline_before);
  EXPECT_EQ(
      std::stoi(stack_->service("case-handling").db->QueryScalar("SELECT COUNT(*) FROM inbox")),
      cases_before);
  EXPECT_EQ(Case(number).solutions_size(), 1);
}

}  // namespace
}  // namespace tousu
