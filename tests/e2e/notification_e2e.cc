// Notifications end to end: every service and the notification service as real processes, a
// local SMS provider stand-in speaking the provider's signed HTTP API
// (tests/support/provider_standin.py) and a real SMTP server (Debian's aiosmtpd writing a
// Maildir). The test asserts the exact messages that arrived there, in order, once each.

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/client/channel.h"
#include "common/time/beijing_zone.h"
#include "common/time/proto_time.h"
#include "complaints/analytics/v1/events.pb.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/common/v1/events.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/notification/v1/notification.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/e2e/notification_sinks.h"
#include "tests/e2e/stack.h"
#include "tests/support/http_client.h"

namespace tousu {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace nv1 = complaints::notification::v1;

using e2e::Accepts;
using e2e::Eventually;
using e2e::Mails;
using e2e::MailsContaining;
using e2e::RunScript;
using e2e::SmsReceived;
using e2e::Webhooks;

class NotificationE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(::testing::TempDir() + "/notification_e2e_" + std::to_string(getpid()));
    for (const char* sub : {"tmp", "new", "cur"}) {  // a Maildir, as aiosmtpd's handler expects
      std::filesystem::create_directories(*dir_ + "/maildir/" + sub);
    }
    std::ofstream(*dir_ + "/sms-secret") << "e2e-sms-secret-0123456789";
    std::ofstream(*dir_ + "/webhook-url")
        << "http://127.0.0.1:" << provider_port_ << "/webhook/staff";
    const std::string source = TOUSU_SOURCE_DIR;
    provider_ =
        RunScript(
            *dir_, "provider",
            absl::StrCat("/usr/bin/python3 ", source, "/tests/support/provider_standin.py",
                         " --port ", provider_port_, " --state-dir ", *dir_,
                         " --access-key-id LTAI-e2e --access-key-secret-file ", *dir_,
                         "/sms-secret --templates ", source, "/deploy/notification/templates.txt"))
            .release();
    StartMailSink();
    ASSERT_TRUE(Eventually([] { return Accepts(provider_port_) && Accepts(smtp_port_); }))
        << "the SMS provider stand-in or the mail sink did not start; see " << *dir_;

    stack_ = new e2e::Stack();
    stack_->EnableNotifications({
        {"SMS_ENDPOINT", absl::StrCat("http://127.0.0.1:", provider_port_, "/")},
        {"SMS_ACCESS_KEY_ID", "LTAI-e2e"},
        {"SMS_SECRET_FILE", *dir_ + "/sms-secret"},
        {"SMS_SIGN_NAME", "翠湖地产"},
        {"SMTP_URL", absl::StrCat("smtp://127.0.0.1:", smtp_port_)},
        {"STAFF_WEBHOOK_URL_FILE", *dir_ + "/webhook-url"},
        {"FIRST_BACKOFF", "300ms"},
        {"MAX_BACKOFF", "1s"},
        {"MAX_ATTEMPTS", "50"},
        {"MANAGEMENT_EMAILS", "gm@tousu.example, quality.director@tousu.example"},
    });
    stack_->Start();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
    delete provider_;
    delete mail_sink_;
  }

  static void StartMailSink() {
    mail_sink_ =
        RunScript(*dir_, "mail-sink",
                  absl::StrCat("/usr/bin/python3 -m aiosmtpd -n -u -l 127.0.0.1:", smtp_port_,
                               " -c aiosmtpd.handlers.Mailbox ", *dir_, "/maildir"))
            .release();
  }
  static void StopMailSink() {
    mail_sink_->Signal(SIGTERM);
    mail_sink_->Wait(absl::Seconds(10));
    delete mail_sink_;
    mail_sink_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(stack_, nullptr);
    // Ten in the morning, Beijing time, today: outside the quiet hours whatever time CI runs.
    const absl::Time now = absl::Now();
    const absl::CivilDay today = absl::ToCivilDay(now, time::BeijingZone());
    const absl::Time ten = absl::FromCivil(
        absl::CivilHour(today.year(), today.month(), today.day(), 10), time::BeijingZone());
    stack_->SetClockOffset(ten - now);
    ControlProvider(R"({"clear": true})");
    auto channel = [](const std::string& name) {
      return grpc::CreateChannel(stack_->service(name).address(),
                                 grpc::InsecureChannelCredentials());
    };
    intake_ = iv1::IntakeService::NewStub(channel("intake"));
    routing_ = rv1::RoutingService::NewStub(channel("routing"));
    cases_ = chv1::CaseService::NewStub(channel("case-handling"));
    notifications_ = nv1::NotificationService::NewStub(channel("notification"));
  }

  static void ControlProvider(const std::string& json) {
    testing::HttpCall call;
    call.target = "/__control";
    call.headers = {{"Content-Type", "application/json"}};
    call.body = json;
    ASSERT_EQ(testing::SendHttp(provider_port_, call).status, 200) << json;
  }

  static std::unique_ptr<grpc::ClientContext> Ctx() {
    return client::NewCallContext(absl::Seconds(10));
  }

  // A complaint of `severity` (a critical one waits for a supervisor instead of being routed).
  std::string Submit(const std::string& request_id, const std::string& phone,
                     const std::string& email, cv1::Severity severity = cv1::SEVERITY_HIGH) {
    iv1::SubmitComplaintRequest req;
    req.set_request_id(request_id);
    auto* c = req.mutable_complaint();
    c->set_customer_name("陈美玲");
    c->set_customer_phone(phone);
    c->set_customer_email(email);
    c->set_project("翠湖花园");
    c->set_building("3栋");
    c->set_unit("1202");
    c->set_description("卫生间天花板漏水，墙面大面积渗水发霉，已经影响正常使用，请尽快派人维修");
    time::ToProto(absl::Now() - absl::Hours(30), c->mutable_occurred_at());
    c->set_severity(severity);
    c->set_expected_resolution("尽快上门检修并赔偿损失");
    c->set_channel(cv1::CHANNEL_HOTLINE);
    c->set_recorded_by_staff_id("S0005");
    c->set_journey_stage(cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
    iv1::SubmitComplaintResponse submitted;
    auto s = intake_->SubmitComplaint(Ctx().get(), req, &submitted);
    EXPECT_TRUE(s.ok()) << s.error_message();
    const std::string number = submitted.complaint().number();
    const iv1::ComplaintStatus placed = severity == cv1::SEVERITY_CRITICAL
                                            ? iv1::COMPLAINT_STATUS_WITH_SUPERVISOR
                                            : iv1::COMPLAINT_STATUS_ROUTED;
    EXPECT_TRUE(Eventually([&] { return Complaint(number).status() == placed; }));
    return number;
  }

  void Acknowledge(const std::string& number) {
    rv1::AcknowledgeAssignmentRequest ack;
    ack.set_number(number);
    ack.set_department_id("engineering");
    ack.set_owner_staff_id("S0018");
    rv1::AcknowledgeAssignmentResponse acked;
    auto s = routing_->AcknowledgeAssignment(Ctx().get(), ack, &acked);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  iv1::Complaint Complaint(const std::string& number) {
    iv1::GetComplaintRequest req;
    req.set_number(number);
    iv1::GetComplaintResponse resp;
    intake_->GetComplaint(Ctx().get(), req, &resp);
    return resp.complaint();
  }

  std::vector<std::string> TimelineSummaries(const std::string& number) {
    std::vector<std::string> out;
    const iv1::Complaint complaint = Complaint(number);
    for (const auto& e : complaint.timeline()) out.push_back(e.summary());
    return out;
  }

  static inline e2e::Stack* stack_ = nullptr;
  static inline std::string* dir_ = nullptr;
  static inline testing::ChildProcess* provider_ = nullptr;
  static inline testing::ChildProcess* mail_sink_ = nullptr;
  static inline const int provider_port_ = testing::FreePort();
  static inline const int smtp_port_ = testing::FreePort();
  std::unique_ptr<iv1::IntakeService::Stub> intake_;
  std::unique_ptr<rv1::RoutingService::Stub> routing_;
  std::unique_ptr<chv1::CaseService::Stub> cases_;
  std::unique_ptr<nv1::NotificationService::Stub> notifications_;
};

TEST_F(NotificationE2e, TheCustomerHearsEachStepOnceBySmsAndEmailAndTheTimelineSaysSo) {
  const std::string phone = "13922230001";
  const std::string number = Submit("notify-1", phone, "chen.meiling@example.com");
  const size_t webhooks_before = Webhooks(provider_port_).size();
  // Nobody acknowledges within the hour: the supervisor of engineering, 李建国, is told by name.
  const absl::Time now = absl::Now();
  const absl::CivilDay today = absl::ToCivilDay(now, time::BeijingZone());
  const absl::Time ten = absl::FromCivil(
      absl::CivilHour(today.year(), today.month(), today.day(), 10), time::BeijingZone());
  stack_->SetClockOffset(ten - now + absl::Minutes(65));
  ASSERT_TRUE(Eventually([&] {
    return MailsContaining(*dir_ + "/maildir", {"li.jianguo@staff.example.com", number}) == 1;
  })) << "no email to the supervisor 李建国 about "
      << number;
  ASSERT_TRUE(Eventually([&] {
    for (const auto& w : Webhooks(provider_port_)) {
      if (absl::StrContains(w, "@李建国") && absl::StrContains(w, number)) return true;
    }
    return false;
  })) << absl::StrJoin(Webhooks(provider_port_), "\n");
  EXPECT_GT(Webhooks(provider_port_).size(), webhooks_before);

  // The supervisor hands it to engineering as a complex case; engineering acknowledges.
  ASSERT_TRUE(Eventually(
      [&] { return Complaint(number).status() == iv1::COMPLAINT_STATUS_WITH_SUPERVISOR; }));
  rv1::AssignBySupervisorRequest assign;
  assign.set_number(number);
  assign.set_supervisor_staff_id("S0002");
  assign.set_lead_department_id("engineering");
  assign.set_complex(true);
  rv1::AssignBySupervisorResponse assigned;
  auto s = routing_->AssignBySupervisor(Ctx().get(), assign, &assigned);
  ASSERT_TRUE(s.ok()) << s.error_message();
  Acknowledge(number);
  ASSERT_TRUE(Eventually([&] {
    chv1::GetCaseRequest req;
    req.set_number(number);
    chv1::GetCaseResponse resp;
    return cases_->GetCase(Ctx().get(), req, &resp).ok();
  }));

  chv1::ExtendSolutionDeadlineRequest extend;
  extend.set_number(number);
  extend.set_staff_id("S0018");
  extend.set_reason("需委托第三方检测机构出具渗漏检测报告");
  const absl::Time new_due = absl::Now() + absl::Hours(24 * 10);
  time::ToProto(new_due, extend.mutable_new_due());
  extend.set_notice_channel(chv1::CONTACT_CHANNEL_PHONE);
  extend.set_customer_notice("已电话告知客户需第三方检测");
  chv1::ExtendSolutionDeadlineResponse extended;
  s = cases_->ExtendSolutionDeadline(Ctx().get(), extend, &extended);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const absl::CivilMinute due =
      absl::ToCivilMinute(time::FromProto(extended.deadline().due()), time::BeijingZone());

  const std::string sign = "【翠湖地产】";
  const std::vector<std::string> expected = {
      sign + "您的投诉已登记，编号" + number +
          "。可在App中查看进度：https://app.tousu.example/complaints/" + number,
      absl::StrCat(sign, "您的投诉", number, "已由工程质量部受理，将于"),
      absl::StrCat(sign, "您的投诉", number, "情况较复杂，方案期限延至", due.year(), "年",
                   due.month(), "月", due.day(), "日 ",
                   absl::StrFormat("%02d:%02d", due.hour(), due.minute()),
                   "。原因：需委托第三方检测机构出具渗漏检测报告"),
  };
  std::vector<std::string> got;
  ASSERT_TRUE(Eventually([&] {
    got = SmsReceived(provider_port_, phone);
    return got.size() >= expected.size();
  })) << "SMS received: "
      << absl::StrJoin(got, "\n");
  absl::SleepFor(absl::Seconds(1));  // anything doubled would have arrived by now
  got = SmsReceived(provider_port_, phone);
  ASSERT_EQ(got.size(), expected.size()) << absl::StrJoin(got, "\n");
  EXPECT_EQ(got[0], expected[0]);
  EXPECT_TRUE(absl::StartsWith(got[1], expected[1])) << got[1];
  EXPECT_EQ(got[2], expected[2]);

  // The rest of the life: a solution, accepted; a change of plan; resolved; the callback; closed.
  auto expect_next_sms = [&](size_t count, const std::string& text) {
    ASSERT_TRUE(Eventually([&] { return SmsReceived(provider_port_, phone).size() >= count; }))
        << "waiting for: " << text;
    got = SmsReceived(provider_port_, phone);
    ASSERT_EQ(got.size(), count) << absl::StrJoin(got, "\n");
    EXPECT_EQ(got.back(), sign + text);
  };
  chv1::AttachInspectionReportRequest inspect;
  inspect.set_number(number);
  inspect.set_inspector_staff_id("S0019");
  inspect.set_cause("屋面防水层老化开裂，雨水沿管井渗入");
  inspect.set_severity(cv1::SEVERITY_HIGH);
  inspect.set_findings("卫生间顶板及东侧墙面含水率超标，局部霉变");
  inspect.set_recommended_repair("重做屋面防水，墙面铲除重新批荡");
  chv1::AttachInspectionReportResponse inspected;
  ASSERT_TRUE(cases_->AttachInspectionReport(Ctx().get(), inspect, &inspected).ok());
  chv1::ProposeSolutionRequest propose;
  propose.set_number(number);
  propose.set_staff_id("S0018");
  propose.set_solution("重做屋面防水并修复墙面，赔偿受损家具");
  propose.add_planned_actions("重做屋面防水");
  time::ToProto(absl::Now() + absl::Hours(24 * 60), propose.mutable_planned_completion());
  chv1::ProposeSolutionResponse proposed;
  s = cases_->ProposeSolution(Ctx().get(), propose, &proposed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  expect_next_sms(4, "您的投诉" + number +
                         "已有解决方案，请在App中查看并确认是否接受：https://app.tousu.example/"
                         "complaints/" +
                         number + "/decision");
  chv1::RecordCustomerDecisionRequest decide;
  decide.set_number(number);
  decide.set_revision(1);
  decide.set_decision(chv1::CUSTOMER_DECISION_ACCEPTED);
  decide.set_recorded_by_staff_id("S0018");
  chv1::RecordCustomerDecisionResponse decided;
  ASSERT_TRUE(cases_->RecordCustomerDecision(Ctx().get(), decide, &decided).ok());
  chv1::RecordImplementationProgressRequest progress;
  progress.set_number(number);
  progress.set_staff_id("S0018");
  progress.set_note("内部：防水卷材供应商延期");
  progress.set_plan_changed(true);
  progress.set_customer_explanation("防水材料到货推迟，完工时间顺延一周");
  progress.set_explanation_channel(chv1::CONTACT_CHANNEL_PHONE);
  chv1::RecordImplementationProgressResponse progressed;
  s = cases_->RecordImplementationProgress(Ctx().get(), progress, &progressed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  expect_next_sms(
      5, "您的投诉" + number +
             "的实施计划有变更，详情请在App中查看：https://app.tousu.example/complaints/" + number);
  chv1::ResolveCaseRequest resolve;
  resolve.set_number(number);
  resolve.set_staff_id("S0018");
  resolve.set_result("屋面防水已重做，墙面修复完毕，经闭水试验无渗漏");
  chv1::ResolveCaseResponse resolved;
  ASSERT_TRUE(cases_->ResolveCase(Ctx().get(), resolve, &resolved).ok());
  ASSERT_TRUE(Eventually([&] { return SmsReceived(provider_port_, phone).size() >= 7; }));
  got = SmsReceived(provider_port_, phone);
  ASSERT_EQ(got.size(), 7u) << absl::StrJoin(got, "\n");
  // Resolution and the callback's questionnaire come from two services at nearly the same time.
  std::vector<std::string> last_two = {got[5], got[6]};
  std::sort(last_two.begin(), last_two.end());
  std::vector<std::string> expected_two = {
      sign + "您的投诉" + number +
          "已处理完毕，处理结果请在App中查看：https://app.tousu.example/complaints/" + number,
      sign + "您的投诉" + number +
          "已处理完毕，请对处理结果作出评价：https://app.tousu.example/complaints/" + number +
          "/questionnaire"};
  std::sort(expected_two.begin(), expected_two.end());
  EXPECT_EQ(last_two, expected_two);

  // The email carries the full texts the SMS points to: the solution and the internal note never.
  EXPECT_TRUE(Eventually([&] {
    return MailsContaining(*dir_ + "/maildir", {"chen.meiling@example.com",
                                                "重做屋面防水并修复墙面，赔偿受损家具"}) == 1 &&
           MailsContaining(*dir_ + "/maildir",
                           {"chen.meiling@example.com", "防水材料到货推迟，完工时间顺延一周"}) == 1;
  }));
  EXPECT_EQ(MailsContaining(*dir_ + "/maildir", {"内部：防水卷材供应商延期"}), 0);
  EXPECT_TRUE(Eventually([&] {
    return MailsContaining(*dir_ + "/maildir",
                           {"chen.meiling@example.com", "Message-Id: <notification-"}) == 7;
  })) << MailsContaining(*dir_ + "/maildir", {"chen.meiling@example.com"});
  std::cout << "The customer's SMS, as received:\n" << absl::StrJoin(got, "\n") << "\n";

  // The timeline says what was sent.
  ASSERT_TRUE(Eventually([&] {
    int notified = 0;
    for (const auto& line : TimelineSummaries(number)) {
      notified += absl::StartsWith(line, "已短信通知客户") ? 1 : 0;
    }
    return notified == 7;
  })) << absl::StrJoin(TimelineSummaries(number), "\n");
  const auto lines = TimelineSummaries(number);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "已短信通知客户：方案期限延长"), lines.end())
      << absl::StrJoin(lines, "\n");
}

TEST_F(NotificationE2e, AProviderOutageLosesNothingAndDoublesNothing) {
  ControlProvider(R"({"fail_until_cleared": true, "fail_status": 500})");
  const std::string phone = "13922230003";
  const std::string number = Submit("notify-outage", phone, "");
  absl::SleepFor(absl::Seconds(3));  // several tries meet the outage
  EXPECT_TRUE(SmsReceived(provider_port_, phone).empty());
  ControlProvider(R"({"clear": true})");
  ASSERT_TRUE(Eventually([&] { return SmsReceived(provider_port_, phone).size() == 1; }));
  absl::SleepFor(absl::Seconds(2));
  const auto got = SmsReceived(provider_port_, phone);
  ASSERT_EQ(got.size(), 1u) << absl::StrJoin(got, "\n");
  EXPECT_TRUE(absl::StrContains(got[0], number));
}

TEST_F(NotificationE2e, AProvidersRefusalIsADeadLetterThatOperationsCanRetry) {
  ControlProvider(
      R"({"fail_next": 1, "fail_status": 200, "fail_code": "isv.MOBILE_NUMBER_ILLEGAL"})");
  const std::string phone = "13922230006";
  const std::string number = Submit("notify-dead", phone, "");
  nv1::Delivery dead;
  ASSERT_TRUE(Eventually([&] {
    nv1::ListDeliveriesRequest req;
    req.set_state(nv1::DELIVERY_STATE_DEAD);
    nv1::ListDeliveriesResponse resp;
    if (!notifications_->ListDeliveries(Ctx().get(), req, &resp).ok()) return false;
    for (const auto& d : resp.deliveries()) {
      if (d.number() == number && d.channel() == nv1::CHANNEL_SMS) dead = d;
    }
    return !dead.id().empty();
  })) << "the refused SMS is not listed as a dead letter";
  EXPECT_EQ(dead.masked_address(), "139****0006");
  EXPECT_EQ(dead.last_error(), "isv.MOBILE_NUMBER_ILLEGAL");
  EXPECT_EQ(dead.kind(), "received");
  EXPECT_TRUE(SmsReceived(provider_port_, phone).empty());
  // The customer's timeline says what failed.
  ASSERT_TRUE(Eventually([&] {
    const auto lines = TimelineSummaries(number);
    return std::find(lines.begin(), lines.end(), "短信通知发送失败（已尝试 1 次）：投诉已登记") !=
           lines.end();
  })) << absl::StrJoin(TimelineSummaries(number), "\n");

  // Operations put it back in line: it goes out once, and the timeline says so.
  nv1::RetryDeliveryRequest retry;
  retry.set_id(dead.id());
  nv1::RetryDeliveryResponse retried;
  auto s = notifications_->RetryDelivery(Ctx().get(), retry, &retried);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(retried.delivery().state(), nv1::DELIVERY_STATE_PENDING);
  ASSERT_TRUE(Eventually([&] { return SmsReceived(provider_port_, phone).size() == 1; }));
  EXPECT_TRUE(Eventually([&] {
    const auto lines = TimelineSummaries(number);
    return std::find(lines.begin(), lines.end(), "已短信通知客户：投诉已登记") != lines.end();
  }));
  // A delivery that went out cannot be retried; the provider's receipt marks it delivered.
  EXPECT_EQ(notifications_->RetryDelivery(Ctx().get(), retry, &retried).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Eventually([&] {
    nv1::ListDeliveriesRequest req;
    req.set_state(nv1::DELIVERY_STATE_DELIVERED);
    nv1::ListDeliveriesResponse resp;
    if (!notifications_->ListDeliveries(Ctx().get(), req, &resp).ok()) return false;
    for (const auto& d : resp.deliveries()) {
      if (d.id() == dead.id()) return true;
    }
    return false;
  })) << "no delivery receipt recorded";
  retry.set_id("x");
  EXPECT_EQ(notifications_->RetryDelivery(Ctx().get(), retry, &retried).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(NotificationE2e, ASpikeAlertReachesEveryoneOnTheManagementListOnce) {
  // Analytics' event, delivered as its relay would (twice: a relay's retry).
  complaints::analytics::v1::SpikeDetected spike;
  auto* alert = spike.mutable_alert();
  alert->set_year(2026);
  alert->set_month(12);
  alert->set_dimension("project_category");
  alert->set_project("翠湖花园");
  alert->set_category("产品质量");
  alert->set_count(42);
  alert->set_trailing_mean(9.5);
  alert->set_threshold(21.3);
  cv1::DeliverEventRequest deliver;
  auto* event = deliver.mutable_event();
  event->set_event_id("5b0e6a52-8f0c-4d3e-9a6b-1c2d3e4f5a60");
  event->set_event_type("SpikeDetected");
  event->set_aggregate_id("spike-2026-12");
  event->set_producer("analytics");
  event->mutable_payload()->PackFrom(spike);
  auto sink = cv1::EventSink::NewStub(grpc::CreateChannel(stack_->service("notification").address(),
                                                          grpc::InsecureChannelCredentials()));
  for (int i = 0; i < 2; ++i) {
    cv1::DeliverEventResponse delivered;
    auto s = sink->DeliverEvent(Ctx().get(), deliver, &delivered);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(delivered.duplicate(), i == 1);
  }
  const std::string title = "2026年12月 项目「翠湖花园」的「产品质量」投诉明显上升";
  const std::string figures =
      "项目「翠湖花园」的「产品质量」本月已有 42 件投诉，此前月均 9.5 件（警戒线 21.3 件）。";
  for (const char* address : {"gm@tousu.example", "quality.director@tousu.example"}) {
    EXPECT_TRUE(Eventually([&] {
      return MailsContaining(*dir_ + "/maildir", {address, figures}) == 1;
    })) << address;
  }
  ASSERT_TRUE(Eventually([&] {
    int seen = 0;
    for (const auto& w : Webhooks(provider_port_)) seen += absl::StrContains(w, title) ? 1 : 0;
    return seen == 1;
  })) << absl::StrJoin(Webhooks(provider_port_), "\n");
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(MailsContaining(*dir_ + "/maildir", {figures}), 2);
}

TEST_F(NotificationE2e, WithTheMailServerDownEmailWaitsAndSmsGoes) {
  StopMailSink();
  ASSERT_FALSE(Accepts(smtp_port_));
  const std::string phone = "13922230004";
  const std::string number = Submit("notify-smtp-down", phone, "mail.down@example.com");
  ASSERT_TRUE(Eventually([&] { return SmsReceived(provider_port_, phone).size() == 1; }))
      << "SMS held back by the mail server's outage";
  EXPECT_EQ(MailsContaining(*dir_ + "/maildir", {"mail.down@example.com"}), 0);
  StartMailSink();
  ASSERT_TRUE(Eventually([] { return Accepts(smtp_port_); }));
  EXPECT_TRUE(Eventually([&] {
    return MailsContaining(*dir_ + "/maildir", {"mail.down@example.com", number}) == 1;
  })) << "the waiting email was not sent once the server was back";
}

TEST_F(NotificationE2e, QuietHoursHoldRoutineNoticesUntilMorningButNotTheReceipt) {
  // 23:00 Beijing time.
  const absl::Time now = absl::Now();
  const absl::CivilDay today = absl::ToCivilDay(now, time::BeijingZone());
  const absl::Time eleven_pm = absl::FromCivil(
      absl::CivilHour(today.year(), today.month(), today.day(), 23), time::BeijingZone());
  stack_->SetClockOffset(eleven_pm - now);
  const std::string phone = "13922230005";
  const std::string number = Submit("notify-night", phone, "");
  ASSERT_TRUE(Eventually([&] { return SmsReceived(provider_port_, phone).size() == 1; }))
      << "the receipt is urgent: it goes out at night";
  Acknowledge(number);
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(SmsReceived(provider_port_, phone).size(), 1u) << "sent during the quiet hours";
  // 08:05 the next morning.
  stack_->SetClockOffset(eleven_pm - now + absl::Hours(9) + absl::Minutes(5));
  ASSERT_TRUE(Eventually([&] { return SmsReceived(provider_port_, phone).size() == 2; }));
  EXPECT_TRUE(absl::StrContains(SmsReceived(provider_port_, phone)[1], "已由工程质量部受理"));
}

TEST_F(NotificationE2e, AComplaintLeftInTheSupervisorQueueAlertsTheComplaintOfficeManagerOnce) {
  const std::string number = Submit("notify-queue", "13922230006", "", cv1::SEVERITY_CRITICAL);
  // Nobody in the supervisor queue decides within the hour: 王丽华, the supervisor of the
  // complaint office (customer-service), is told by name, by email and in the staff chat.
  const absl::Time now = absl::Now();
  const absl::CivilDay today = absl::ToCivilDay(now, time::BeijingZone());
  const absl::Time ten = absl::FromCivil(
      absl::CivilHour(today.year(), today.month(), today.day(), 10), time::BeijingZone());
  stack_->SetClockOffset(ten - now + absl::Minutes(65));
  const std::vector<std::string> mail = {"wang.lihua@staff.example.com", number,
                                         "转入主管队列（情况危急）"};
  ASSERT_TRUE(Eventually([&] { return MailsContaining(*dir_ + "/maildir", mail) == 1; }))
      << "no email to the complaint office manager 王丽华 about " << number;
  auto chat_alerts = [&] {
    int n = 0;
    for (const auto& w : Webhooks(provider_port_)) {
      n += absl::StrContains(w, "@王丽华") && absl::StrContains(w, number) &&
                   absl::StrContains(w, "主管队列")
               ? 1
               : 0;
    }
    return n;
  };
  ASSERT_TRUE(Eventually([&] { return chat_alerts() == 1; }))
      << absl::StrJoin(Webhooks(provider_port_), "\n");
  // Still waiting hours later, it is not alerted again.
  stack_->SetClockOffset(ten - now + absl::Hours(4));
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(MailsContaining(*dir_ + "/maildir", mail), 1);
  EXPECT_EQ(chat_alerts(), 1);
  EXPECT_EQ(Complaint(number).status(), iv1::COMPLAINT_STATUS_WITH_SUPERVISOR);
}

}  // namespace
}  // namespace tousu
