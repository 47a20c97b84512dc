// The case-handling service against real MariaDB, in-process over loopback gRPC, with the real
// business calendar and a controllable clock (an offset file). Events arrive through the runtime's
// EventSink as the routing and follow-up relays would deliver them.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/access.h"
#include "common/auth/token_minter.h"
#include "common/client/channel.h"
#include "common/events/outbox.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/case-handling/access.h"
#include "services/case-handling/case_handling_service.h"
#include "tests/support/shanghai_time.h"
#include "tests/support/test_env.h"

namespace tousu::casehandling {
namespace {

namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
namespace fv1 = complaints::followup::v1;

using ::tousu::testing::Shanghai;
absl::Time At(const google::protobuf::Timestamp& ts) { return time::FromProto(ts); }
google::protobuf::Timestamp Ts(absl::Time t) { return time::ToProto(t); }

struct AckOptions {
  cv1::Category category = cv1::CATEGORY_SALES_SERVICE;
  bool complex = false;
  std::string owner = "S-ENG-1";
  std::string event_id = "";  // "" for a new one
};

class CaseHandlingIt : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_file_ = ::testing::TempDir() + "/clock_" + db_.name();
    SetNow(Shanghai(2026, 3, 9, 9));  // a Monday
    replica_a_ = StartReplica();
    stub_ = chv1::CaseService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", replica_a_.runtime->grpc_port()),
                            grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    for (auto* r : {&replica_a_, &replica_b_}) {
      if (r->runtime) r->runtime->Shutdown();
    }
    auth::RequireAuthentication(false);  // process-wide: StartAuthenticatedReplica turned it on
  }

  struct Replica {
    std::unique_ptr<server::ServiceRuntime> runtime;
    std::unique_ptr<CaseHandlingService> service;
  };

  Replica StartReplica() {
    auto o = db_.options(4);
    std::vector<std::string> env = {
        "TOUSU_CASE_HANDLING_GRPC_ADDR=127.0.0.1:0",
        "TOUSU_CASE_HANDLING_METRICS_ADDR=127.0.0.1:0",
        "TOUSU_CASE_HANDLING_DB_HOST=" + o.host,
        absl::StrCat("TOUSU_CASE_HANDLING_DB_PORT=", o.port),
        "TOUSU_CASE_HANDLING_DB_USER=" + o.user,
        "TOUSU_CASE_HANDLING_DB_PASSWORD=" + o.password,
        "TOUSU_CASE_HANDLING_DB_NAME=" + o.database,
        "TOUSU_CASE_HANDLING_DRAIN=0s",
        "TOUSU_CASE_HANDLING_LOG_LEVEL=error",
        "TOUSU_CASE_HANDLING_CLOCK_OFFSET_FILE=" + clock_file_,
        std::string("TOUSU_CASE_HANDLING_CALENDAR_FILE=") + TOUSU_CALENDAR_FILE,
        std::string("TOUSU_CASE_HANDLING_SUBSCRIPTIONS_FILE=") + TOUSU_SUBSCRIPTIONS_FILE};
    if (!auth_keys_dir_.empty()) env.push_back("TOUSU_CASE_HANDLING_AUTH_KEYS=" + auth_keys_dir_);
    config::Config cfg("CASE_HANDLING", env, {});
    Replica r;
    auto rt = server::ServiceRuntime::Create({.name = "case-handling",
                                              .env_name = "CASE_HANDLING",
                                              .grpc_services = {kGrpcServiceName},
                                              .migrations = &db::case_handling_migrations(),
                                              .needs_calendar = true,
                                              .access = casehandling::CaseHandlingAccessTable()},
                                             cfg);
    EXPECT_TRUE(rt.ok()) << rt.status();
    r.runtime = std::move(*rt);
    CaseHandlingSettings settings;
    settings.deadline_check_interval = absl::Hours(1);  // the tests run the passes themselves
    r.service = std::make_unique<CaseHandlingService>(*r.runtime, settings);
    const absl::Status started = r.runtime->Start();
    EXPECT_TRUE(started.ok()) << started;
    EXPECT_TRUE(r.runtime->WaitUntilServing(absl::Seconds(20)));
    r.runtime->StartPeriodicTasks();
    return r;
  }

  // Moves every replica's clock to about `t` (the offset file holds whole seconds).
  void SetNow(absl::Time t) {
    now_ = t;
    ASSERT_TRUE(
        time::OffsetFileClock::WriteOffset(clock_file_, t - absl::Now() + absl::Seconds(1)));
    absl::SleepFor(absl::Milliseconds(120));  // the clock re-reads its file every 50 ms
  }

  void Deliver(const std::string& type, const std::string& number,
               const google::protobuf::Message& payload, std::string event_id = "") {
    cv1::Event e;
    e.set_event_id(event_id.empty() ? events::NewEventId() : event_id);
    e.set_event_type(type);
    e.set_aggregate_id(number);
    e.set_producer(type == "ComplaintAcknowledged" ? "routing" : "follow-up");
    *e.mutable_occurred_at() = Ts(now_);
    e.mutable_payload()->PackFrom(payload);
    auto applied = replica_a_.runtime->event_sink().Apply(e);
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  // Routing's ComplaintAcknowledged at the current time.
  void Acknowledge(const std::string& number, const AckOptions& o = {}) {
    rv1::ComplaintAcknowledged ack;
    ack.set_number(number);
    ack.set_department_id("engineering");
    ack.set_owner_staff_id(o.owner);
    ack.add_assisting_department_ids("property");
    ack.set_category(o.category);
    ack.set_severity(cv1::SEVERITY_HIGH);
    *ack.mutable_acknowledged_at() = Ts(now_);
    ack.set_on_time(true);
    ack.set_complex(o.complex);
    Deliver("ComplaintAcknowledged", number, ack, o.event_id);
  }

  void Unsatisfied(const std::string& number, int cycle, absl::Time at, std::string event_id = "") {
    fv1::CustomerUnsatisfied u;
    u.set_number(number);
    u.set_cycle(cycle);
    u.set_satisfaction(1);
    *u.mutable_at() = Ts(at);
    Deliver("CustomerUnsatisfied", number, u, event_id);
  }

  void Closed(const std::string& number, int cycle) {
    fv1::ComplaintClosed c;
    c.set_number(number);
    c.set_cycle(cycle);
    c.set_satisfaction(5);
    *c.mutable_closed_at() = Ts(now_);
    Deliver("ComplaintClosed", number, c);
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (chv1::CaseService::Stub::*method)(grpc::ClientContext*,
                                                                    const Req&, Resp*),
                    const Req& req, Resp* resp) {
    auto ctx = client::NewCallContext(absl::Seconds(10));
    return (stub_.get()->*method)(ctx.get(), req, resp);
  }

  chv1::Case Get(const std::string& number) {
    chv1::GetCaseRequest req;
    req.set_number(number);
    chv1::GetCaseResponse resp;
    auto s = Call(&chv1::CaseService::Stub::GetCase, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.case_file();
  }

  static chv1::AddInvestigationEntryRequest EntryRequest(const std::string& number) {
    chv1::AddInvestigationEntryRequest req;
    req.set_number(number);
    req.set_kind(chv1::INVESTIGATION_KIND_SITE_VISIT);
    req.set_author_staff_id("S-ENG-1");
    req.set_note("现场查看：卫生间天花板有明显水渍，楼上住户防水层破损");
    auto* a = req.add_attachments();
    a->set_uri("https://files.example.com/cases/ceiling.jpg");
    a->set_media_type("image/jpeg");
    a->set_sha256(std::string(64, 'a'));
    return req;
  }
  static chv1::AttachInspectionReportRequest ReportRequest(const std::string& number) {
    chv1::AttachInspectionReportRequest req;
    req.set_number(number);
    req.set_inspector_staff_id("S-ENG-2");
    req.set_cause("楼上卫生间防水层施工缺陷");
    req.set_severity(cv1::SEVERITY_HIGH);
    req.set_findings("渗水面积约2平方米，石膏板受潮");
    req.set_recommended_repair("重做楼上防水层，更换受潮石膏板");
    return req;
  }
  static chv1::LogCustomerContactRequest ContactRequest(const std::string& number) {
    chv1::LogCustomerContactRequest req;
    req.set_number(number);
    req.set_staff_id("S-ENG-1");
    req.set_channel(chv1::CONTACT_CHANNEL_PHONE);
    req.set_summary("已告知客户：工程师将于明天上午上门检查");
    return req;
  }
  chv1::ProposeSolutionRequest ProposeRequest(const std::string& number) const {
    chv1::ProposeSolutionRequest req;
    req.set_number(number);
    req.set_staff_id("S-ENG-1");
    req.set_solution("由我司负责重做防水并修复天花板，费用由我司承担");
    req.add_planned_actions("重做楼上卫生间防水层");
    req.add_planned_actions("更换受潮石膏板并重新粉刷");
    *req.mutable_planned_completion() = Ts(now_ + absl::Hours(24 * 10));
    return req;
  }
  chv1::ExtendSolutionDeadlineRequest ExtendRequest(const std::string& number,
                                                    absl::Time new_due) const {
    chv1::ExtendSolutionDeadlineRequest req;
    req.set_number(number);
    req.set_staff_id("S-ENG-1");
    req.set_reason("需要与物业、销售两个部门联合核查合同条款");
    *req.mutable_new_due() = Ts(new_due);
    req.set_notice_channel(chv1::CONTACT_CHANNEL_SMS);
    req.set_customer_notice("您的投诉涉及多个部门，方案预计于3月20日前提供");
    return req;
  }
  static chv1::RecordCustomerDecisionRequest DecisionRequest(const std::string& number,
                                                             bool accepted) {
    chv1::RecordCustomerDecisionRequest req;
    req.set_number(number);
    req.set_decision(accepted ? chv1::CUSTOMER_DECISION_ACCEPTED
                              : chv1::CUSTOMER_DECISION_REJECTED);
    if (!accepted) req.set_reason("只修天花板不够，要求赔偿家具损失");
    req.set_recorded_by_staff_id("S-CS-1");
    return req;
  }
  static chv1::RecordImplementationProgressRequest ProgressRequest(const std::string& number) {
    chv1::RecordImplementationProgressRequest req;
    req.set_number(number);
    req.set_staff_id("S-ENG-1");
    req.set_note("防水层已重做，闭水试验48小时无渗漏");
    return req;
  }
  static chv1::ResolveCaseRequest ResolveRequest(const std::string& number) {
    chv1::ResolveCaseRequest req;
    req.set_number(number);
    req.set_staff_id("S-ENG-1");
    req.set_result("防水与天花板已修复，客户现场确认");
    return req;
  }

  grpc::Status Propose(const std::string& number, chv1::ProposeSolutionResponse* resp = nullptr) {
    chv1::ProposeSolutionResponse local;
    return Call(&chv1::CaseService::Stub::ProposeSolution, ProposeRequest(number),
                resp ? resp : &local);
  }
  grpc::Status Decide(const std::string& number, bool accepted) {
    chv1::RecordCustomerDecisionResponse resp;
    return Call(&chv1::CaseService::Stub::RecordCustomerDecision, DecisionRequest(number, accepted),
                &resp);
  }
  grpc::Status Resolve(const std::string& number) {
    chv1::ResolveCaseResponse resp;
    return Call(&chv1::CaseService::Stub::ResolveCase, ResolveRequest(number), &resp);
  }
  grpc::Status Contact(const std::string& number) {
    chv1::LogCustomerContactResponse resp;
    return Call(&chv1::CaseService::Stub::LogCustomerContact, ContactRequest(number), &resp);
  }

  // Events of a type written for a complaint (one per event, whatever the number of subscribers).
  int Events(const std::string& number, const std::string& type) {
    return std::stoi(db_.QueryScalar(
        absl::StrCat("SELECT COUNT(DISTINCT event_id) FROM outbox WHERE aggregate_id = '", number,
                     "' AND event_type = '", type, "'")));
  }
  int Rows(const std::string& table) {
    return std::stoi(db_.QueryScalar("SELECT COUNT(*) FROM " + table));
  }
  // The first event of a type written for a complaint, unpacked from the outbox's envelope.
  template <typename Payload>
  Payload FirstEvent(const std::string& number, const std::string& type) {
    const std::string hex = db_.QueryScalar(
        absl::StrCat("SELECT HEX(envelope) FROM outbox WHERE aggregate_id = '", number,
                     "' AND event_type = '", type, "' ORDER BY id LIMIT 1"));
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    cv1::Event envelope;
    Payload payload;
    EXPECT_TRUE(envelope.ParseFromString(bytes)) << type;
    EXPECT_TRUE(envelope.payload().UnpackTo(&payload)) << type;
    return payload;
  }
  double Metric(const Replica& r, const std::string& name,
                const std::vector<std::string>& labels = {}) {
    return testing::MetricValue(testing::HttpGet(r.runtime->metrics_port(), "/metrics"), name,
                                labels);
  }

  testing::ScratchDatabase db_;
  std::string clock_file_;
  absl::Time now_;
  // Replica B verifying tokens signed with a fresh key (authentication is then on for every
  // server of this process until TearDown), and a stub to it.
  void StartAuthenticatedReplica() {
    auto keys = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
    ASSERT_TRUE(keys.ok()) << keys.status();
    signing_key_ = keys->private_pem;
    auth_keys_dir_ = ::testing::TempDir() + "/keys_" + db_.name();
    std::filesystem::create_directories(auth_keys_dir_);
    std::ofstream(auth_keys_dir_ + "/test.pem") << keys->public_pem;
    replica_b_ = StartReplica();
    auth_stub_ = chv1::CaseService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", replica_b_.runtime->grpc_port()),
                            grpc::InsecureChannelCredentials()));
  }
  // A call to replica B with a token of staff `subject` (`role`, `department`).
  template <typename Req, typename Resp>
  grpc::Status CallAs(const std::string& subject, const std::string& role,
                      const std::string& department,
                      grpc::Status (chv1::CaseService::Stub::*method)(grpc::ClientContext*,
                                                                      const Req&, Resp*),
                      const Req& req, Resp* resp) {
    auto token = auth::MintToken(signing_key_, {.subject = subject,
                                                .role = role,
                                                .department = department,
                                                .issued_at = now_,  // the service's clock
                                                .not_before = std::nullopt,
                                                .kid = ""});
    EXPECT_TRUE(token.ok()) << token.status();
    auto ctx = client::NewCallContext(absl::Seconds(10));
    ctx->AddMetadata("authorization", "Bearer " + *token);
    return (auth_stub_.get()->*method)(ctx.get(), req, resp);
  }

  Replica replica_a_, replica_b_;
  std::unique_ptr<chv1::CaseService::Stub> stub_;
  std::string auth_keys_dir_, signing_key_;
  std::unique_ptr<chv1::CaseService::Stub> auth_stub_;
};

TEST_F(CaseHandlingIt, ACaseOpensOnAcknowledgementWithASolutionDueInTwoBusinessDays) {
  SetNow(Shanghai(2026, 3, 12, 10));  // a Thursday: due across the weekend
  Acknowledge("TS-202603-000001", {.complex = true});
  const chv1::Case c = Get("TS-202603-000001");
  EXPECT_EQ(c.state(), chv1::CASE_STATE_INVESTIGATING);
  EXPECT_EQ(c.cycle(), 1);
  EXPECT_EQ(c.department_id(), "engineering");
  EXPECT_EQ(c.owner_staff_id(), "S-ENG-1");
  ASSERT_EQ(c.assisting_department_ids_size(), 1);
  EXPECT_EQ(c.assisting_department_ids(0), "property");
  EXPECT_EQ(c.category(), cv1::CATEGORY_SALES_SERVICE);
  EXPECT_EQ(c.severity(), cv1::SEVERITY_HIGH);
  EXPECT_TRUE(c.complex());
  EXPECT_EQ(At(c.solution_due()), Shanghai(2026, 3, 16, 10));
  EXPECT_FALSE(c.solution_due_provisional());
  ASSERT_EQ(c.cycles_size(), 1);
  EXPECT_EQ(c.cycles(0).opened_by(), "acknowledged");
  ASSERT_EQ(c.deadlines_size(), 1);
  EXPECT_EQ(c.deadlines(0).kind(), chv1::DEADLINE_KIND_INITIAL);
  EXPECT_EQ(Events("TS-202603-000001", "CaseOpened"), 1);
}

TEST_F(CaseHandlingIt, ARepeatedAcknowledgementChangesNothing) {
  const std::string id = events::NewEventId();
  Acknowledge("TS-202603-000002", {.event_id = id});
  Acknowledge("TS-202603-000002", {.event_id = id});
  SetNow(Shanghai(2026, 3, 10, 9));
  Acknowledge("TS-202603-000002", {.owner = "S-ENG-9"});  // another event id, same complaint
  const chv1::Case c = Get("TS-202603-000002");
  EXPECT_EQ(c.owner_staff_id(), "S-ENG-1");
  EXPECT_EQ(At(c.solution_due()), Shanghai(2026, 3, 11, 9));
  EXPECT_EQ(Events("TS-202603-000002", "CaseOpened"), 1);
  EXPECT_EQ(Rows("deadlines"), 1);
}

TEST_F(CaseHandlingIt, AProductQualityCaseRunsFromInvestigationToClosure) {
  const std::string n = "TS-202603-000003";
  Acknowledge(n, {.category = cv1::CATEGORY_PRODUCT_QUALITY});
  chv1::AddInvestigationEntryResponse entry;
  ASSERT_TRUE(Call(&chv1::CaseService::Stub::AddInvestigationEntry, EntryRequest(n), &entry).ok());
  EXPECT_GT(entry.entry().id(), 0);
  // No solution before the engineering inspection report.
  auto s = Propose(n);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "inspection report")) << s.error_message();
  chv1::AttachInspectionReportResponse report;
  ASSERT_TRUE(
      Call(&chv1::CaseService::Stub::AttachInspectionReport, ReportRequest(n), &report).ok());
  ASSERT_TRUE(Contact(n).ok());
  chv1::ProposeSolutionResponse proposed;
  ASSERT_TRUE(Propose(n, &proposed).ok());
  EXPECT_TRUE(proposed.solution().on_time());
  EXPECT_EQ(proposed.solution().revision(), 1);
  ASSERT_TRUE(Decide(n, true).ok());
  chv1::RecordImplementationProgressRequest progress = ProgressRequest(n);
  progress.set_plan_changed(true);
  progress.set_customer_explanation("石膏板缺货，完工时间推迟两天");
  progress.set_explanation_channel(chv1::CONTACT_CHANNEL_APP);
  chv1::RecordImplementationProgressResponse progressed;
  ASSERT_TRUE(
      Call(&chv1::CaseService::Stub::RecordImplementationProgress, progress, &progressed).ok());
  ASSERT_TRUE(Resolve(n).ok());

  chv1::Case c = Get(n);
  EXPECT_EQ(c.state(), chv1::CASE_STATE_RESOLVED);
  ASSERT_EQ(c.investigation_entries_size(), 1);
  ASSERT_EQ(c.investigation_entries(0).attachments_size(), 1);
  EXPECT_EQ(c.investigation_entries(0).attachments(0).sha256(), std::string(64, 'a'));
  ASSERT_EQ(c.inspection_reports_size(), 1);
  EXPECT_EQ(c.inspection_reports(0).cause(), "楼上卫生间防水层施工缺陷");
  ASSERT_EQ(c.contacts_size(), 2);
  EXPECT_EQ(c.contacts(1).purpose(), chv1::CONTACT_PURPOSE_PLAN_CHANGE);
  ASSERT_EQ(c.solutions_size(), 1);
  ASSERT_EQ(c.solutions(0).planned_actions_size(), 2);
  EXPECT_EQ(c.solutions(0).planned_actions(1), "更换受潮石膏板并重新粉刷");
  ASSERT_EQ(c.decisions_size(), 1);
  EXPECT_EQ(c.decisions(0).decision(), chv1::CUSTOMER_DECISION_ACCEPTED);
  ASSERT_EQ(c.implementation_notes_size(), 1);
  EXPECT_TRUE(c.implementation_notes(0).plan_changed());
  ASSERT_EQ(c.cycles_size(), 1);
  EXPECT_EQ(c.cycles(0).result(), "防水与天花板已修复，客户现场确认");
  for (const char* type :
       {"InvestigationEntryAdded", "InspectionReportAttached", "SolutionProposed",
        "CustomerDecisionRecorded", "ImplementationProgressRecorded", "CaseResolved"}) {
    EXPECT_EQ(Events(n, type), 1) << type;
  }
  EXPECT_EQ(Events(n, "CustomerContacted"), 2);  // the progress contact and the plan change

  Closed(n, 1);
  c = Get(n);
  EXPECT_EQ(c.state(), chv1::CASE_STATE_CLOSED);
  EXPECT_TRUE(c.has_closed_at());
  s = Contact(n);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "case is closed")) << s.error_message();
}

TEST_F(CaseHandlingIt, EveryStepInTheWrongStateIsRefusedSayingWhichStepIsDue) {
  const std::string n = "TS-202603-000004";
  Acknowledge(n);
  auto s = Decide(n, true);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "case is awaiting a solution proposal"))
      << s.error_message();
  chv1::RecordImplementationProgressResponse progressed;
  EXPECT_EQ(
      Call(&chv1::CaseService::Stub::RecordImplementationProgress, ProgressRequest(n), &progressed)
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Resolve(n).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Propose(n).ok());
  s = Propose(n);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "case is awaiting the customer's decision"))
      << s.error_message();
  EXPECT_EQ(Resolve(n).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Decide(n, true).ok());
  s = Decide(n, false);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "implementation")) << s.error_message();
  ASSERT_TRUE(Resolve(n).ok());
  chv1::AddInvestigationEntryResponse entry;
  s = Call(&chv1::CaseService::Stub::AddInvestigationEntry, EntryRequest(n), &entry);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "awaiting the customer's callback"))
      << s.error_message();
  EXPECT_TRUE(Contact(n).ok());  // telling the customer something is still fine
  // Nothing was written by the refusals.
  EXPECT_EQ(Rows("solutions"), 1);
  EXPECT_EQ(Rows("decisions"), 1);
  EXPECT_EQ(Rows("investigation_entries"), 0);
  // An unknown case is NOT_FOUND, not a wrong state.
  EXPECT_EQ(Propose("TS-202603-999999").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CaseHandlingIt, ALateProposalIsRecordedAsAnSlaBreachNamingOwnerAndProposer) {
  const std::string n = "TS-202603-000005";
  Acknowledge(n, {.owner = "S-ENG-7"});
  SetNow(Shanghai(2026, 3, 11, 9, 5));  // five minutes after the deadline
  chv1::ProposeSolutionResponse proposed;
  ASSERT_TRUE(Propose(n, &proposed).ok());
  EXPECT_FALSE(proposed.solution().on_time());
  EXPECT_EQ(proposed.solution().owner_staff_id(), "S-ENG-7");
  EXPECT_EQ(At(proposed.solution().due()), Shanghai(2026, 3, 11, 9));
  EXPECT_EQ(db_.QueryScalar("SELECT on_time FROM solutions WHERE number = '" + n + "'"), "0");
  // The event names the owner and, apart, the colleague who proposed (S-ENG-1 in the request), so
  // the staff assessment can credit the deadline to whoever met or missed it.
  const auto event = FirstEvent<chv1::SolutionProposed>(n, "SolutionProposed");
  EXPECT_EQ(event.owner_staff_id(), "S-ENG-7");
  EXPECT_EQ(event.proposed_by_staff_id(), "S-ENG-1");
  EXPECT_FALSE(event.on_time());
  EXPECT_EQ(Metric(replica_a_, "tousu_case_handling_solutions_total", {"timeliness=\"late\""}), 1);
  EXPECT_EQ(Metric(replica_a_, "tousu_case_handling_solutions_total", {"timeliness=\"on_time\""}),
            0);
}

TEST_F(CaseHandlingIt,
       OnlyAComplexCaseMayExtendItsDeadlineKeepingTheOriginalAndTellingTheCustomer) {
  Acknowledge("TS-202603-000006");
  chv1::ExtendSolutionDeadlineResponse extended;
  auto s = Call(&chv1::CaseService::Stub::ExtendSolutionDeadline,
                ExtendRequest("TS-202603-000006", Shanghai(2026, 3, 20, 18)), &extended);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "complex")) << s.error_message();

  const std::string n = "TS-202603-000007";
  Acknowledge(n, {.complex = true});
  s = Call(&chv1::CaseService::Stub::ExtendSolutionDeadline,
           ExtendRequest(n, Shanghai(2026, 3, 10, 18)), &extended);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("new_due:", 0), 0u) << s.error_message();
  ASSERT_TRUE(Call(&chv1::CaseService::Stub::ExtendSolutionDeadline,
                   ExtendRequest(n, Shanghai(2026, 3, 20, 18)), &extended)
                  .ok());
  EXPECT_EQ(At(extended.previous().due()), Shanghai(2026, 3, 11, 9));
  EXPECT_EQ(extended.notice().purpose(), chv1::CONTACT_PURPOSE_DEADLINE_EXTENSION);

  const chv1::Case c = Get(n);
  EXPECT_EQ(At(c.solution_due()), Shanghai(2026, 3, 20, 18));
  ASSERT_EQ(c.deadlines_size(), 2);
  EXPECT_EQ(c.deadlines(0).kind(), chv1::DEADLINE_KIND_INITIAL);
  EXPECT_EQ(At(c.deadlines(0).due()), Shanghai(2026, 3, 11, 9));
  EXPECT_EQ(c.deadlines(1).kind(), chv1::DEADLINE_KIND_EXTENSION);
  EXPECT_EQ(c.deadlines(1).reason(), "需要与物业、销售两个部门联合核查合同条款");
  ASSERT_EQ(c.contacts_size(), 1);
  EXPECT_EQ(Events(n, "SolutionDeadlineExtended"), 1);
  EXPECT_EQ(Events(n, "CustomerContacted"), 1);
  EXPECT_EQ(Metric(replica_a_, "tousu_case_handling_extensions_total"), 1);
  // A proposal on the original date is on time against the extended one.
  SetNow(Shanghai(2026, 3, 12, 9));
  chv1::ProposeSolutionResponse proposed;
  ASSERT_TRUE(Propose(n, &proposed).ok());
  EXPECT_TRUE(proposed.solution().on_time());
}

TEST_F(CaseHandlingIt, ARejectedSolutionIsRevisedWithinTwoBusinessDays) {
  const std::string n = "TS-202603-000008";
  Acknowledge(n);
  ASSERT_TRUE(Propose(n).ok());
  SetNow(Shanghai(2026, 3, 13, 17));  // rejected on a Friday afternoon
  ASSERT_TRUE(Decide(n, false).ok());
  chv1::Case c = Get(n);
  EXPECT_EQ(c.state(), chv1::CASE_STATE_INVESTIGATING);
  // The rejection's time comes from the service's clock, which SetNow moves to within a second or
  // two.
  EXPECT_LT(absl::AbsDuration(At(c.solution_due()) - Shanghai(2026, 3, 17, 17)), absl::Seconds(3));
  ASSERT_EQ(c.decisions_size(), 1);
  EXPECT_EQ(c.decisions(0).reason(), "只修天花板不够，要求赔偿家具损失");
  EXPECT_EQ(c.decisions(0).revised_solution_due().seconds(), c.solution_due().seconds());
  chv1::ProposeSolutionResponse revised;
  ASSERT_TRUE(Propose(n, &revised).ok());
  EXPECT_EQ(revised.solution().revision(), 2);
  EXPECT_TRUE(revised.solution().on_time());
  // The customer's answer to the outdated first proposal is refused.
  chv1::RecordCustomerDecisionRequest stale = DecisionRequest(n, true);
  stale.set_revision(1);
  chv1::RecordCustomerDecisionResponse resp;
  EXPECT_EQ(Call(&chv1::CaseService::Stub::RecordCustomerDecision, stale, &resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  stale.set_revision(2);
  ASSERT_TRUE(Call(&chv1::CaseService::Stub::RecordCustomerDecision, stale, &resp).ok());
  EXPECT_EQ(Get(n).state(), chv1::CASE_STATE_IMPLEMENTING);
}

TEST_F(CaseHandlingIt, AnUnsatisfiedCustomerReopensTheCaseAsCycleTwoWithItsOwnDeadline) {
  const std::string n = "TS-202609-000009";
  SetNow(Shanghai(2026, 9, 28, 9));
  Acknowledge(n);
  ASSERT_TRUE(Propose(n).ok());
  ASSERT_TRUE(Decide(n, true).ok());
  ASSERT_TRUE(Resolve(n).ok());
  // The callback on Wednesday 09-30; 国庆节 follows, so the new solution is due Friday 10-09.
  SetNow(Shanghai(2026, 9, 30, 10));
  const std::string id = events::NewEventId();
  Unsatisfied(n, 1, Shanghai(2026, 9, 30, 10), id);
  Unsatisfied(n, 1, Shanghai(2026, 9, 30, 10), id);
  Unsatisfied(n, 1, Shanghai(2026, 9, 30, 10));  // another event id for the same callback
  chv1::Case c = Get(n);
  EXPECT_EQ(c.state(), chv1::CASE_STATE_INVESTIGATING);
  EXPECT_EQ(c.cycle(), 2);
  EXPECT_EQ(c.revision(), 0);
  EXPECT_EQ(At(c.solution_due()), Shanghai(2026, 10, 9, 10));
  ASSERT_EQ(c.cycles_size(), 2);
  EXPECT_EQ(c.cycles(1).opened_by(), "reopened");
  EXPECT_EQ(c.cycles(1).reopen_satisfaction(), 1);
  EXPECT_EQ(Events(n, "CaseReopened"), 1);
  EXPECT_EQ(Events(n, "CaseOpened"), 2);
  EXPECT_EQ(Metric(replica_a_, "tousu_case_handling_reopens_total"), 1);
  // The second cycle runs as the first did, its solution numbered from 1 again.
  chv1::ProposeSolutionResponse proposed;
  ASSERT_TRUE(Propose(n, &proposed).ok());
  EXPECT_EQ(proposed.solution().cycle(), 2);
  EXPECT_EQ(proposed.solution().revision(), 1);
}

TEST_F(CaseHandlingIt, AMissedSolutionDeadlineIsMarkedOnceEvenWithTwoReplicas) {
  replica_b_ = StartReplica();
  for (int i = 10; i < 30; ++i) Acknowledge(absl::StrCat("TS-202603-0000", i));
  Acknowledge("TS-202603-000099");
  ASSERT_TRUE(Propose("TS-202603-000099").ok());             // proposed in time: never missed
  EXPECT_EQ(*replica_a_.service->MarkMissedDeadlines(), 0);  // not yet due
  SetNow(Shanghai(2026, 3, 11, 9, 1));
  std::atomic<int> missed{0};
  std::vector<std::thread> passes;
  for (auto* r : {&replica_a_, &replica_b_, &replica_a_, &replica_b_}) {
    passes.emplace_back([&, r] { missed += r->service->MarkMissedDeadlines().value_or(-100); });
  }
  for (auto& t : passes) t.join();
  EXPECT_EQ(missed.load(), 20);
  EXPECT_EQ(*replica_b_.service->MarkMissedDeadlines(), 0);
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(DISTINCT event_id) FROM outbox WHERE event_type = "
                            "'SolutionDeadlineMissed'"),
            "20");
  EXPECT_EQ(Metric(replica_a_, "tousu_case_handling_deadlines_missed_total") +
                Metric(replica_b_, "tousu_case_handling_deadlines_missed_total"),
            20);
  const chv1::Case c = Get("TS-202603-000010");
  EXPECT_TRUE(c.solution_deadline_missed());
  ASSERT_EQ(c.deadlines_size(), 1);
  EXPECT_TRUE(c.deadlines(0).has_missed_at());
  // Still open: 20 investigating and one awaiting the customer's decision.
  EXPECT_EQ(Metric(replica_a_, "tousu_case_handling_cases_open", {"department=\"engineering\""}),
            21);
  // The department may still propose, recorded as late.
  chv1::ProposeSolutionResponse proposed;
  ASSERT_TRUE(Propose("TS-202603-000010", &proposed).ok());
  EXPECT_FALSE(proposed.solution().on_time());
}

TEST_F(CaseHandlingIt, ConcurrentStepsOnOneCaseNeverLoseAWrite) {
  const std::string n = "TS-202603-000030";
  Acknowledge(n);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { ok += Contact(n).ok() ? 1 : 0; });
  }
  for (auto& t : threads) t.join();
  threads.clear();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(Get(n).contacts_size(), 8);
  std::atomic<int> proposed{0}, refused{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto s = Propose(n);
      if (s.ok()) ++proposed;
      if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(proposed.load(), 1);
  EXPECT_EQ(refused.load(), 3);
  EXPECT_EQ(Rows("solutions"), 1);
}

TEST_F(CaseHandlingIt, ListCasesFiltersByDepartmentOwnerAndStateInPages) {
  for (int i = 40; i < 45; ++i) Acknowledge(absl::StrCat("TS-202603-0000", i));
  Acknowledge("TS-202603-000045", {.owner = "S-ENG-2"});
  ASSERT_TRUE(Propose("TS-202603-000041").ok());
  chv1::ListCasesRequest req;
  req.set_department_id("engineering");
  req.set_owner_staff_id("S-ENG-1");
  req.set_state(chv1::CASE_STATE_INVESTIGATING);
  req.mutable_page()->set_page_size(3);
  chv1::ListCasesResponse resp;
  ASSERT_TRUE(Call(&chv1::CaseService::Stub::ListCases, req, &resp).ok());
  ASSERT_EQ(resp.cases_size(), 3);
  EXPECT_EQ(resp.cases(0).number(), "TS-202603-000040");
  EXPECT_EQ(resp.cases(1).number(), "TS-202603-000042");
  EXPECT_EQ(resp.cases(0).investigation_entries_size(), 0);
  ASSERT_FALSE(resp.page().next_page_token().empty());
  req.mutable_page()->set_page_token(resp.page().next_page_token());
  ASSERT_TRUE(Call(&chv1::CaseService::Stub::ListCases, req, &resp).ok());
  ASSERT_EQ(resp.cases_size(), 1);
  EXPECT_EQ(resp.cases(0).number(), "TS-202603-000044");
  EXPECT_TRUE(resp.page().next_page_token().empty());
  req.set_department_id("sales");
  req.clear_page();
  ASSERT_TRUE(Call(&chv1::CaseService::Stub::ListCases, req, &resp).ok());
  EXPECT_EQ(resp.cases_size(), 0);
}

TEST_F(CaseHandlingIt, AHandlerWorksOnlyOnTheirOwnDepartmentsCasesAndARefusalWritesNothing) {
  const std::string n = "TS-202603-000060";
  Acknowledge(n);  // engineering leads, property assists
  Acknowledge("TS-202603-000061");
  StartAuthenticatedReplica();
  const std::string entries = std::to_string(Rows("investigation_entries"));
  const std::string outbox = std::to_string(Rows("outbox"));
  const std::string updated =
      db_.QueryScalar("SELECT updated_at FROM cases WHERE number = '" + n + "'");

  // A sales handler: every step on engineering's case is refused naming the field, nothing else.
  chv1::AddInvestigationEntryResponse entry;
  grpc::Status s = CallAs("S-SAL-1", "handler", "sales",
                          &chv1::CaseService::Stub::AddInvestigationEntry, EntryRequest(n), &entry);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(s.error_message(), "number: belongs to another department");
  chv1::ProposeSolutionResponse proposed;
  s = CallAs("S-SAL-1", "handler", "sales", &chv1::CaseService::Stub::ProposeSolution,
             ProposeRequest(n), &proposed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  chv1::GetCaseRequest get;
  get.set_number(n);
  chv1::GetCaseResponse got;
  s = CallAs("S-SAL-1", "handler", "sales", &chv1::CaseService::Stub::GetCase, get, &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_FALSE(got.has_case_file());
  EXPECT_EQ(std::to_string(Rows("investigation_entries")), entries);
  EXPECT_EQ(std::to_string(Rows("outbox")), outbox);
  EXPECT_EQ(db_.QueryScalar("SELECT updated_at FROM cases WHERE number = '" + n + "'"), updated);

  // Its list is its own department: none of engineering's cases; naming engineering is refused.
  chv1::ListCasesRequest list;
  chv1::ListCasesResponse listed;
  ASSERT_TRUE(
      CallAs("S-SAL-1", "handler", "sales", &chv1::CaseService::Stub::ListCases, list, &listed)
          .ok());
  EXPECT_EQ(listed.cases_size(), 0);
  list.set_department_id("engineering");
  s = CallAs("S-SAL-1", "handler", "sales", &chv1::CaseService::Stub::ListCases, list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "department_id: not your department");

  // Engineering's own handler, an assisting property engineer (investigation only) and a
  // supervisor may.
  EXPECT_TRUE(CallAs("S-ENG-1", "handler", "engineering",
                     &chv1::CaseService::Stub::AddInvestigationEntry, EntryRequest(n), &entry)
                  .ok());
  EXPECT_TRUE(CallAs("S-PRO-1", "engineer", "property",
                     &chv1::CaseService::Stub::AddInvestigationEntry, EntryRequest(n), &entry)
                  .ok());
  s = CallAs("S-PRO-1", "handler", "property", &chv1::CaseService::Stub::ProposeSolution,
             ProposeRequest(n), &proposed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  list.clear_department_id();
  ASSERT_TRUE(CallAs("S-ENG-1", "handler", "engineering", &chv1::CaseService::Stub::ListCases, list,
                     &listed)
                  .ok());
  EXPECT_EQ(listed.cases_size(), 2);
  EXPECT_TRUE(CallAs("S0001", "supervisor", "", &chv1::CaseService::Stub::ProposeSolution,
                     ProposeRequest(n), &proposed)
                  .ok());
}

TEST_F(CaseHandlingIt, ADeadlineInAnUnpublishedYearIsRecordedAsProvisionalAndCounted) {
  SetNow(Shanghai(2026, 12, 31, 10));
  Acknowledge("TS-202612-000001");
  const chv1::Case c = Get("TS-202612-000001");
  EXPECT_EQ(At(c.solution_due()), Shanghai(2027, 1, 4, 10));
  EXPECT_TRUE(c.solution_due_provisional());
  ASSERT_EQ(c.deadlines_size(), 1);
  EXPECT_TRUE(c.deadlines(0).provisional());
  EXPECT_EQ(Metric(replica_a_, "tousu_case_handling_provisional_deadlines_total"), 1);
}

TEST_F(CaseHandlingIt, EveryBadFieldIsRejectedNamingItAndNothingIsWritten) {
  const std::string n = "TS-202603-000050";
  Acknowledge(n, {.category = cv1::CATEGORY_PRODUCT_QUALITY, .complex = true});
  const std::string outbox_before = db_.QueryScalar("SELECT COUNT(*) FROM outbox");
  // Text that is not UTF-8 is refused while the request is parsed, before the service reads any
  // field: the message names the request ("request: not a valid message ...").
  const std::string bad_utf8("\xff\xfe", 2);
  auto expect_bad = [&](const grpc::Status& s, const std::string& field) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << field << ": " << s.error_message();
    EXPECT_EQ(s.error_message().rfind(field + ":", 0), 0u)
        << "expected the message to name " << field << ", got " << s.error_message();
  };
  {
    chv1::AddInvestigationEntryResponse r;
    auto bad = [&](auto mutate, const std::string& field) {
      auto req = EntryRequest(n);
      mutate(req);
      expect_bad(Call(&chv1::CaseService::Stub::AddInvestigationEntry, req, &r), field);
    };
    bad([](auto& q) { q.set_number("TS-2026"); }, "number");
    bad([](auto& q) { q.set_kind(chv1::INVESTIGATION_KIND_UNSPECIFIED); }, "kind");
    bad([](auto& q) { q.set_kind(static_cast<chv1::InvestigationKind>(42)); }, "kind");
    bad([](auto& q) { q.set_author_staff_id(""); }, "author_staff_id");
    bad([](auto& q) { q.set_author_staff_id("S 1"); }, "author_staff_id");
    bad([](auto& q) { q.set_note(""); }, "note");
    bad([&](auto& q) { q.set_note(bad_utf8); }, "request");
    bad([](auto& q) { q.set_note(std::string(4001, 'x')); }, "note");
    bad([](auto& q) { q.mutable_attachments(0)->set_uri("ftp://x/y.jpg"); }, "attachments[0].uri");
    bad([](auto& q) { q.mutable_attachments(0)->set_uri("https://files.example.com/a b.jpg"); },
        "attachments[0].uri");
    bad([](auto& q) { q.mutable_attachments(0)->set_media_type("jpeg"); },
        "attachments[0].media_type");
    bad([](auto& q) { q.mutable_attachments(0)->set_sha256("abc"); }, "attachments[0].sha256");
    bad([](auto& q) { q.mutable_attachments(0)->set_sha256(std::string(64, 'G')); },
        "attachments[0].sha256");
    bad(
        [](auto& q) {
          for (int i = 0; i < 20; ++i) *q.add_attachments() = q.attachments(0);
        },
        "attachments");
  }
  {
    chv1::AttachInspectionReportResponse r;
    auto bad = [&](auto mutate, const std::string& field) {
      auto req = ReportRequest(n);
      mutate(req);
      expect_bad(Call(&chv1::CaseService::Stub::AttachInspectionReport, req, &r), field);
    };
    bad([](auto& q) { q.set_inspector_staff_id(""); }, "inspector_staff_id");
    bad([](auto& q) { q.set_cause(""); }, "cause");
    bad([](auto& q) { q.set_severity(cv1::SEVERITY_UNSPECIFIED); }, "severity");
    bad([&](auto& q) { q.set_findings(bad_utf8); }, "request");
    bad([](auto& q) { q.set_recommended_repair(std::string("a\x01", 2)); }, "recommended_repair");
  }
  {
    chv1::LogCustomerContactResponse r;
    auto bad = [&](auto mutate, const std::string& field) {
      auto req = ContactRequest(n);
      mutate(req);
      expect_bad(Call(&chv1::CaseService::Stub::LogCustomerContact, req, &r), field);
    };
    bad([](auto& q) { q.set_staff_id(std::string(33, 'S')); }, "staff_id");
    bad([](auto& q) { q.set_channel(chv1::CONTACT_CHANNEL_UNSPECIFIED); }, "channel");
    bad([](auto& q) { q.set_summary(std::string(1001, 'x')); }, "summary");
  }
  {
    chv1::ProposeSolutionResponse r;
    auto bad = [&](auto mutate, const std::string& field) {
      auto req = ProposeRequest(n);
      mutate(req);
      expect_bad(Call(&chv1::CaseService::Stub::ProposeSolution, req, &r), field);
    };
    bad([](auto& q) { q.set_solution(""); }, "solution");
    bad([](auto& q) { q.clear_planned_actions(); }, "planned_actions");
    bad([](auto& q) { q.set_planned_actions(0, "第一步\n第二步"); }, "planned_actions[0]");
    bad([](auto& q) { q.clear_planned_completion(); }, "planned_completion");
    bad([&](auto& q) { *q.mutable_planned_completion() = Ts(now_ - absl::Hours(1)); },
        "planned_completion");
    bad([](auto& q) { q.mutable_planned_completion()->set_nanos(-1); }, "planned_completion");
  }
  {
    chv1::ExtendSolutionDeadlineResponse r;
    auto bad = [&](auto mutate, const std::string& field) {
      auto req = ExtendRequest(n, Shanghai(2026, 3, 20, 18));
      mutate(req);
      expect_bad(Call(&chv1::CaseService::Stub::ExtendSolutionDeadline, req, &r), field);
    };
    bad([](auto& q) { q.set_reason("x"); }, "reason");
    bad([](auto& q) { q.clear_new_due(); }, "new_due");
    bad([](auto& q) { *q.mutable_new_due() = Ts(Shanghai(2026, 3, 10, 9)); }, "new_due");
    bad([](auto& q) { q.set_notice_channel(static_cast<chv1::ContactChannel>(9)); },
        "notice_channel");
    bad([](auto& q) { q.set_customer_notice(""); }, "customer_notice");
  }
  {
    chv1::RecordImplementationProgressResponse r;
    chv1::RecordImplementationProgressRequest req = ProgressRequest(n);
    req.set_plan_changed(true);
    expect_bad(Call(&chv1::CaseService::Stub::RecordImplementationProgress, req, &r),
               "customer_explanation");
    req = ProgressRequest(n);
    req.set_customer_explanation("没有变更");
    expect_bad(Call(&chv1::CaseService::Stub::RecordImplementationProgress, req, &r),
               "customer_explanation");
    req = ProgressRequest(n);
    req.set_note("");
    expect_bad(Call(&chv1::CaseService::Stub::RecordImplementationProgress, req, &r), "note");
  }
  {
    chv1::RecordCustomerDecisionResponse r;
    chv1::RecordCustomerDecisionRequest req = DecisionRequest(n, false);
    req.set_reason("");
    expect_bad(Call(&chv1::CaseService::Stub::RecordCustomerDecision, req, &r), "reason");
    req = DecisionRequest(n, true);
    req.set_decision(chv1::CUSTOMER_DECISION_UNSPECIFIED);
    expect_bad(Call(&chv1::CaseService::Stub::RecordCustomerDecision, req, &r), "decision");
    req = DecisionRequest(n, true);
    req.set_revision(-1);
    expect_bad(Call(&chv1::CaseService::Stub::RecordCustomerDecision, req, &r), "revision");
  }
  {
    chv1::ResolveCaseRequest req = ResolveRequest(n);
    req.set_result(bad_utf8);
    chv1::ResolveCaseResponse r;
    expect_bad(Call(&chv1::CaseService::Stub::ResolveCase, req, &r), "request");
  }
  {
    chv1::ListCasesRequest req;
    chv1::ListCasesResponse r;
    req.mutable_page()->set_page_size(201);
    expect_bad(Call(&chv1::CaseService::Stub::ListCases, req, &r), "page.page_size");
    req.mutable_page()->set_page_size(10);
    req.mutable_page()->set_page_token("'; DROP TABLE cases; --");
    expect_bad(Call(&chv1::CaseService::Stub::ListCases, req, &r), "page.page_token");
    req.clear_page();
    req.set_state(static_cast<chv1::CaseState>(77));
    expect_bad(Call(&chv1::CaseService::Stub::ListCases, req, &r), "state");
  }
  chv1::GetCaseResponse got;
  chv1::GetCaseRequest get;
  get.set_number("ts-202603-000050");
  expect_bad(Call(&chv1::CaseService::Stub::GetCase, get, &got), "number");

  for (const char* table : {"investigation_entries", "attachments", "inspection_reports",
                            "contacts", "solutions", "decisions", "implementation_notes"}) {
    EXPECT_EQ(Rows(table), 0) << table;
  }
  EXPECT_EQ(Rows("deadlines"), 1);
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM outbox"), outbox_before);
  const chv1::Case c = Get(n);
  EXPECT_EQ(c.state(), chv1::CASE_STATE_INVESTIGATING);
  EXPECT_EQ(At(c.solution_due()), Shanghai(2026, 3, 11, 9));
}

}  // namespace
}  // namespace tousu::casehandling
