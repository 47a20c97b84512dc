// The follow-up service (policy §7) against real MariaDB, in-process over loopback gRPC, with the
// real business calendar and subscriptions. The staff directory is a small in-test StaffService;
// case-handling's events are delivered straight to the EventSink as its relay would.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/access.h"
#include "common/auth/token_minter.h"
#include "common/client/channel.h"
#include "common/events/outbox.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "services/follow-up/access.h"
#include "services/follow-up/domain/questionnaire_token.h"
#include "services/follow-up/follow_up_service.h"
#include "tests/support/shanghai_time.h"
#include "tests/support/test_env.h"

namespace tousu::followup {
namespace {

using ::tousu::testing::Shanghai;

namespace cv1 = complaints::common::v1;
namespace chv1 = complaints::casehandling::v1;
namespace sv1 = complaints::staff::v1;

// The directory the tests need: trackers and callback agents of customer service, and some who
// must never be picked.
class FakeDirectory final : public sv1::StaffService::CallbackService {
 public:
  FakeDirectory() {
    Add("S-TRK-2", "customer-service", sv1::STAFF_ROLE_TRACKER, true);
    Add("S-TRK-1", "customer-service", sv1::STAFF_ROLE_TRACKER, true);
    Add("S-TRK-0", "customer-service", sv1::STAFF_ROLE_TRACKER, false);  // left: never picked
    Add("S-TRK-ENG", "engineering", sv1::STAFF_ROLE_TRACKER, true);      // another department
    Add("S-CB-1", "customer-service", sv1::STAFF_ROLE_CALLBACK_AGENT, true);
    Add("S-CB-2", "customer-service", sv1::STAFF_ROLE_CALLBACK_AGENT, true);
    Add("S-CB-0", "customer-service", sv1::STAFF_ROLE_CALLBACK_AGENT, false);
    Add("S-ENG-1", "engineering", sv1::STAFF_ROLE_ENGINEER, true);
  }
  grpc::ServerUnaryReactor* GetStaff(grpc::CallbackServerContext* ctx,
                                     const sv1::GetStaffRequest* req,
                                     sv1::GetStaffResponse* resp) override {
    auto* r = ctx->DefaultReactor();
    auto it = staff_.find(req->staff_id());
    if (it == staff_.end()) {
      r->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such staff"));
    } else {
      *resp->mutable_staff() = it->second;
      r->Finish(grpc::Status::OK);
    }
    return r;
  }
  // Ordered by id and paged by the last id, as the real directory does; one per page here, so the
  // service must follow the pages.
  grpc::ServerUnaryReactor* ListStaff(grpc::CallbackServerContext* ctx,
                                      const sv1::ListStaffRequest* req,
                                      sv1::ListStaffResponse* resp) override {
    ++list_calls;
    auto* r = ctx->DefaultReactor();
    for (auto it = staff_.upper_bound(req->page().page_token()); it != staff_.end(); ++it) {
      const auto& s = it->second;
      if (!req->department_id().empty() && s.department_id() != req->department_id()) continue;
      if (req->role() != sv1::STAFF_ROLE_UNSPECIFIED && s.role() != req->role()) continue;
      if (req->has_active() && s.active() != req->active()) continue;
      *resp->add_staff() = s;
      resp->mutable_page()->set_next_page_token(s.id());
      break;
    }
    r->Finish(grpc::Status::OK);
    return r;
  }
  std::atomic<int> list_calls{0};

 private:
  void Add(const std::string& id, const std::string& dep, sv1::StaffRole role, bool active) {
    sv1::Staff s;
    s.set_id(id);
    s.set_department_id(dep);
    s.set_role(role);
    s.set_active(active);
    staff_[id] = s;
  }
  std::map<std::string, sv1::Staff> staff_;
};

class FollowUpIt : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &directory_port_);
    b.RegisterService(&directory_);
    directory_server_ = b.BuildAndStart();
    clock_file_ = ::testing::TempDir() + "/clock_" + db_.name();
    start_offset_ = FixtureStart() - absl::Now();
    MoveClock(absl::ZeroDuration());
    a_ = StartReplica();
    stub_ = fv1::FollowUpService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", a_.runtime->grpc_port()), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    for (auto* r : {&a_, &b_}) {
      if (r->runtime) r->runtime->Shutdown();
    }
    directory_server_->Shutdown(std::chrono::system_clock::now());
    auth::RequireAuthentication(false);  // process-wide: StartAuthenticatedReplica turned it on
  }

  struct Replica {
    std::unique_ptr<server::ServiceRuntime> runtime;
    std::unique_ptr<FollowUpService> service;
  };

  Replica StartReplica() {
    auto o = db_.options(4);
    std::vector<std::string> env = {"TOUSU_FOLLOW_UP_GRPC_ADDR=127.0.0.1:0",
                                    "TOUSU_FOLLOW_UP_METRICS_ADDR=127.0.0.1:0",
                                    "TOUSU_FOLLOW_UP_DB_HOST=" + o.host,
                                    absl::StrCat("TOUSU_FOLLOW_UP_DB_PORT=", o.port),
                                    "TOUSU_FOLLOW_UP_DB_USER=" + o.user,
                                    "TOUSU_FOLLOW_UP_DB_PASSWORD=" + o.password,
                                    "TOUSU_FOLLOW_UP_DB_NAME=" + o.database,
                                    "TOUSU_FOLLOW_UP_DRAIN=0s",
                                    "TOUSU_FOLLOW_UP_LOG_LEVEL=error",
                                    "TOUSU_FOLLOW_UP_CALENDAR_FILE=" TOUSU_CALENDAR_FILE,
                                    "TOUSU_FOLLOW_UP_CLOCK_OFFSET_FILE=" + clock_file_,
                                    "TOUSU_FOLLOW_UP_SUBSCRIPTIONS_FILE=" TOUSU_SUBSCRIPTIONS_FILE};
    if (!auth_keys_dir_.empty()) env.push_back("TOUSU_FOLLOW_UP_AUTH_KEYS=" + auth_keys_dir_);
    config::Config cfg("FOLLOW_UP", env, {});
    Replica r;
    auto rt = server::ServiceRuntime::Create({.name = "follow-up",
                                              .env_name = "FOLLOW_UP",
                                              .grpc_services = {kGrpcServiceName},
                                              .migrations = &db::follow_up_migrations(),
                                              .needs_calendar = true,
                                              .access = followup::FollowUpAccessTable()},
                                             cfg);
    EXPECT_TRUE(rt.ok()) << rt.status();
    r.runtime = std::move(*rt);
    Settings settings;
    settings.staff_assessment_addr = absl::StrCat("127.0.0.1:", directory_port_);
    settings.check_interval = absl::Hours(1);  // the tests run the overdue passes themselves
    r.service = std::make_unique<FollowUpService>(*r.runtime, settings);
    EXPECT_TRUE(r.runtime->Start().ok());
    EXPECT_TRUE(r.runtime->WaitUntilServing(absl::Seconds(20)));
    return r;
  }

  // Microseconds, as the database keeps them.
  absl::Time Now() const {
    return absl::FromUnixMicros(absl::ToUnixMicros(a_.runtime->clock().Now()));
  }
  absl::Time BusinessDaysAfter(absl::Time t, int n) const {
    auto d = a_.runtime->calendar()->AddBusinessDays(t, n);
    EXPECT_TRUE(d.ok()) << d.status();
    return d->at;
  }
  // Every test starts on a fixed working day of a published year, whatever the real date, so
  // that deadlines and their order do not depend on the day the suite runs (an instant on a
  // weekend or holiday counts from the next working morning, which would tie opened times).
  static absl::Time FixtureStart() { return Shanghai(2026, 3, 10, 10); }  // a Tuesday
  // Moves every replica's clock (they share the offset file) `offset` past the test's own time,
  // which runs on from FixtureStart().
  void MoveClock(absl::Duration offset) {
    time::OffsetFileClock::WriteOffset(clock_file_, start_offset_ + offset);
    absl::SleepFor(absl::Milliseconds(120));  // the clock re-reads its file every 50 ms
  }

  template <class M>
  cv1::Event Envelope(const std::string& type, const std::string& number, const M& payload,
                      const std::string& id = "") {
    cv1::Event e;
    e.set_event_id(id.empty() ? events::NewEventId() : id);
    e.set_event_type(type);
    e.set_aggregate_id(number);
    e.set_producer("case-handling");
    time::ToProto(Now(), e.mutable_occurred_at());
    e.mutable_payload()->PackFrom(payload);
    return e;
  }
  void Deliver(const cv1::Event& e) {
    auto applied = a_.runtime->event_sink().Apply(e);
    ASSERT_TRUE(applied.ok()) << applied.status();
  }
  cv1::Event Opened(const std::string& number, absl::Time at, const std::string& id = "",
                    int cycle = 1) {
    chv1::CaseOpened m;
    m.set_number(number);
    m.set_cycle(cycle);
    m.set_department_id("engineering");
    m.set_owner_staff_id("S-ENG-1");
    m.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
    m.set_severity(cv1::SEVERITY_MEDIUM);
    time::ToProto(at, m.mutable_opened_at());
    return Envelope("CaseOpened", number, m, id);
  }
  cv1::Event Resolved(const std::string& number, int cycle, absl::Time at) {
    chv1::CaseResolved m;
    m.set_number(number);
    m.set_cycle(cycle);
    m.set_department_id("engineering");
    m.set_owner_staff_id("S-ENG-1");
    m.set_result("已更换窗框并做淋水试验");
    time::ToProto(at, m.mutable_resolved_at());
    return Envelope("CaseResolved", number, m);
  }
  cv1::Event Reopened(const std::string& number, int cycle, absl::Time at) {
    chv1::CaseReopened m;
    m.set_number(number);
    m.set_cycle(cycle);
    m.set_department_id("engineering");
    m.set_owner_staff_id("S-ENG-1");
    time::ToProto(at, m.mutable_reopened_at());
    return Envelope("CaseReopened", number, m);
  }
  cv1::Event Contacted(const std::string& number, int cycle, absl::Time at) {
    chv1::CustomerContacted m;
    m.set_number(number);
    m.set_cycle(cycle);
    m.set_staff_id("S-ENG-1");
    m.set_channel("phone");
    m.set_summary("已安排师傅周五上门");
    time::ToProto(at, m.mutable_at());
    return Envelope("CustomerContacted", number, m);
  }

  // Replica B verifying tokens signed with a fresh key (authentication is then on for every
  // server of this process until TearDown), and a stub to it.
  void StartAuthenticatedReplica() {
    auto keys = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
    ASSERT_TRUE(keys.ok()) << keys.status();
    signing_key_ = keys->private_pem;
    auth_keys_dir_ = ::testing::TempDir() + "/keys_" + db_.name();
    std::filesystem::create_directories(auth_keys_dir_);
    std::ofstream(auth_keys_dir_ + "/test.pem") << keys->public_pem;
    b_ = StartReplica();
    auth_stub_ = fv1::FollowUpService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", b_.runtime->grpc_port()), grpc::InsecureChannelCredentials()));
  }
  // A call context carrying a token of staff `subject` (`role`, `department`).
  std::unique_ptr<grpc::ClientContext> As(const std::string& subject, const std::string& role,
                                          const std::string& department) {
    auto token = auth::MintToken(signing_key_, {.subject = subject,
                                                .role = role,
                                                .department = department,
                                                .issued_at = Now(),  // the service's clock
                                                .not_before = std::nullopt,
                                                .kid = ""});
    EXPECT_TRUE(token.ok()) << token.status();
    auto ctx = client::NewCallContext(absl::Seconds(5));
    ctx->AddMetadata("authorization", "Bearer " + *token);
    return ctx;
  }
  std::string auth_keys_dir_, signing_key_;
  std::unique_ptr<fv1::FollowUpService::Stub> auth_stub_;

  fv1::FollowUp Get(const std::string& number) {
    fv1::GetFollowUpRequest req;
    req.set_number(number);
    fv1::GetFollowUpResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    auto s = stub_->GetFollowUp(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.follow_up();
  }
  grpc::Status Update(const std::string& number, const std::string& tracker,
                      const std::string& summary,
                      fv1::RecordProgressUpdateResponse* resp = nullptr) {
    fv1::RecordProgressUpdateRequest req;
    req.set_number(number);
    req.set_tracker_staff_id(tracker);
    req.set_summary(summary);
    fv1::RecordProgressUpdateResponse local;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    return stub_->RecordProgressUpdate(ctx.get(), req, resp ? resp : &local);
  }
  grpc::Status Reassign(const std::string& number, const std::string& tracker,
                        const std::string& reason) {
    fv1::ReassignTrackerRequest req;
    req.set_number(number);
    req.set_tracker_staff_id(tracker);
    req.set_reason(reason);
    fv1::ReassignTrackerResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    return stub_->ReassignTracker(ctx.get(), req, &resp);
  }
  fv1::RecordCallbackRequest CallbackRequest(const std::string& number, int satisfaction) {
    fv1::RecordCallbackRequest req;
    req.set_number(number);
    req.set_callback_agent_staff_id("S-CB-1");
    req.set_method(fv1::CALLBACK_METHOD_PHONE);
    req.set_satisfaction(satisfaction);
    req.set_comments("师傅态度很好");
    req.set_suggestions("希望下次提前电话联系");
    return req;
  }
  grpc::Status Callback(const fv1::RecordCallbackRequest& req,
                        fv1::RecordCallbackResponse* resp = nullptr) {
    fv1::RecordCallbackResponse local;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    return stub_->RecordCallback(ctx.get(), req, resp ? resp : &local);
  }
  grpc::Status IssueLink(const std::string& number, const std::string& staff, std::string* token) {
    fv1::IssueQuestionnaireLinkRequest req;
    req.set_number(number);
    req.set_issued_by_staff_id(staff);
    fv1::IssueQuestionnaireLinkResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    auto s = stub_->IssueQuestionnaireLink(ctx.get(), req, &resp);
    if (token) *token = resp.token();
    return s;
  }
  grpc::Status Submit(const std::string& token, int satisfaction,
                      const std::string& comments = "") {
    fv1::SubmitQuestionnaireRequest req;
    req.set_token(token);
    req.set_satisfaction(satisfaction);
    req.set_comments(comments);
    fv1::SubmitQuestionnaireResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    return stub_->SubmitQuestionnaire(ctx.get(), req, &resp);
  }
  grpc::Status List(const fv1::ListDueTasksRequest& req, fv1::ListDueTasksResponse* resp) {
    auto ctx = client::NewCallContext(absl::Seconds(5));
    return stub_->ListDueTasks(ctx.get(), req, resp);
  }

  // Events in the outbox for intake (every follow-up event goes there once).
  int Events(const std::string& number, const std::string& type) {
    return std::stoi(
        db_.QueryScalar(absl::StrCat("SELECT COUNT(*) FROM outbox WHERE aggregate_id = '", number,
                                     "' AND event_type = '", type, "' AND subscriber = 'intake'")));
  }
  int EventsOfType(const std::string& type) {
    return std::stoi(db_.QueryScalar(absl::StrCat(
        "SELECT COUNT(*) FROM outbox WHERE event_type = '", type, "' AND subscriber = 'intake'")));
  }
  // The payloads of one complaint's events of `type`, oldest first.
  template <class M>
  std::vector<M> Payloads(const std::string& number, const std::string& type) {
    const std::string hex = db_.QueryScalar(
        absl::StrCat("SELECT GROUP_CONCAT(HEX(envelope) ORDER BY id SEPARATOR ',') FROM outbox "
                     "WHERE aggregate_id = '",
                     number, "' AND event_type = '", type, "' AND subscriber = 'intake'"));
    std::vector<M> out;
    for (absl::string_view h : absl::StrSplit(hex, ',', absl::SkipEmpty())) {
      cv1::Event e;
      EXPECT_TRUE(e.ParseFromString(absl::HexStringToBytes(h)));
      M m;
      EXPECT_TRUE(e.payload().UnpackTo(&m));
      out.push_back(m);
    }
    return out;
  }
  double Metric(const std::string& name, const std::vector<std::string>& labels) {
    return testing::MetricValue(testing::HttpGet(a_.runtime->metrics_port(), "/metrics"), name,
                                labels);
  }

  testing::ScratchDatabase db_;
  FakeDirectory directory_;
  int directory_port_ = 0;
  std::unique_ptr<grpc::Server> directory_server_;
  std::string clock_file_;
  absl::Duration start_offset_;  // real time to FixtureStart(), fixed when the test starts
  Replica a_, b_;
  std::unique_ptr<fv1::FollowUpService::Stub> stub_;
};

absl::Time At(const google::protobuf::Timestamp& ts) { return time::FromProto(ts); }

TEST_F(FollowUpIt, EveryOpenCaseGetsTheActiveTrackerWithTheFewestOpenCasesTiesByStaffId) {
  const absl::Time opened = Now();
  Deliver(Opened("TS-202611-000001", opened));
  Deliver(Opened("TS-202611-000002", opened));
  Deliver(Opened("TS-202611-000003", opened));
  // Ties go to the lower id; inactive trackers and other departments' trackers are never picked.
  EXPECT_EQ(Get("TS-202611-000001").tracker_staff_id(), "S-TRK-1");
  EXPECT_EQ(Get("TS-202611-000002").tracker_staff_id(), "S-TRK-2");
  EXPECT_EQ(Get("TS-202611-000003").tracker_staff_id(), "S-TRK-1");
  auto assigned = Payloads<fv1::TrackerAssigned>("TS-202611-000002", "TrackerAssigned");
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].tracker_staff_id(), "S-TRK-2");
  EXPECT_EQ(assigned[0].how(), "rule");

  auto f = Get("TS-202611-000001");
  EXPECT_EQ(f.state(), fv1::FOLLOW_UP_STATE_OPEN);
  EXPECT_EQ(f.cycle(), 1);
  EXPECT_EQ(f.department_id(), "engineering");
  EXPECT_EQ(At(f.next_progress_due()), BusinessDaysAfter(opened, 3));
  EXPECT_FALSE(f.progress_overdue());
}

TEST_F(FollowUpIt, FollowUpsAreWorkedByTheirDepartmentsOnlyAndARefusalWritesNothing) {
  const std::string n = "TS-202611-000080";
  Deliver(Opened(n, Now()));  // engineering's case, tracked by customer service
  const std::string tracker = Get(n).tracker_staff_id();
  StartAuthenticatedReplica();  // from here on every call carries a token
  const std::string updates = db_.QueryScalar("SELECT COUNT(*) FROM progress_updates");
  const std::string outbox = db_.QueryScalar("SELECT COUNT(*) FROM outbox");

  // A tracker outside the tracker department (customer-service) cannot give the update.
  fv1::RecordProgressUpdateRequest update;
  update.set_number(n);
  update.set_tracker_staff_id(tracker);
  update.set_summary("已电话告知客户施工进度");
  fv1::RecordProgressUpdateResponse updated;
  grpc::Status s = auth_stub_->RecordProgressUpdate(As("S-TRK-ENG", "tracker", "engineering").get(),
                                                    update, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(s.error_message(), "number: belongs to another department");
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM progress_updates"), updates);
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM outbox"), outbox);

  // Reading: the case's own department may, another department's handler may not.
  fv1::GetFollowUpRequest get;
  get.set_number(n);
  fv1::GetFollowUpResponse got;
  s = auth_stub_->GetFollowUp(As("S-SAL-1", "handler", "sales").get(), get, &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_FALSE(got.has_follow_up());
  EXPECT_TRUE(
      auth_stub_->GetFollowUp(As("S-ENG-1", "handler", "engineering").get(), get, &got).ok());

  // Task lists are the tracker and callback departments'.
  fv1::ListDueTasksRequest tasks;
  tasks.set_staff_id("S-TRK-ENG");
  fv1::ListDueTasksResponse listed;
  s = auth_stub_->ListDueTasks(As("S-TRK-ENG", "tracker", "engineering").get(), tasks, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();

  // The case's tracker of customer service gives it.
  s = auth_stub_->RecordProgressUpdate(
      As(update.tracker_staff_id(), "tracker", "customer-service").get(), update, &updated);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(FollowUpIt, ATrackerIsReassignedOnlyToAnActiveTrackerOfTheDepartment) {
  Deliver(Opened("TS-202611-000010", Now()));
  ASSERT_EQ(Get("TS-202611-000010").tracker_staff_id(), "S-TRK-1");
  for (const char* who : {"S-CB-1", "S-TRK-0", "S-TRK-ENG", "S-NOBODY"}) {
    auto s = Reassign("TS-202611-000010", who, "原跟进人员休假");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << who;
    EXPECT_EQ(s.error_message().rfind("tracker_staff_id:", 0), 0u) << s.error_message();
  }
  EXPECT_EQ(Reassign("TS-202611-999999", "S-TRK-2", "原跟进人员休假").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Events("TS-202611-000010", "TrackerAssigned"), 1);

  ASSERT_TRUE(Reassign("TS-202611-000010", "S-TRK-2", "原跟进人员休假").ok());
  EXPECT_EQ(Get("TS-202611-000010").tracker_staff_id(), "S-TRK-2");
  auto assigned = Payloads<fv1::TrackerAssigned>("TS-202611-000010", "TrackerAssigned");
  ASSERT_EQ(assigned.size(), 2u);
  EXPECT_EQ(assigned[1].how(), "reassigned");
  // A retry changes nothing.
  ASSERT_TRUE(Reassign("TS-202611-000010", "S-TRK-2", "原跟进人员休假").ok());
  EXPECT_EQ(Events("TS-202611-000010", "TrackerAssigned"), 2);
  // The old tracker can no longer record updates for the case.
  EXPECT_EQ(Update("TS-202611-000010", "S-TRK-1", "进展").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(FollowUpIt, AProgressUpdateIsDueEveryThreeBusinessDaysAndAMissedOneIsOverdueOnce) {
  const std::string n = "TS-202611-000020";
  const absl::Time opened = Now();
  Deliver(Opened(n, opened));
  const absl::Time first_due = BusinessDaysAfter(opened, 3);

  fv1::RecordProgressUpdateResponse resp;
  ASSERT_TRUE(Update(n, "S-TRK-1", "维修方案已确定，等待材料到货", &resp).ok());
  EXPECT_TRUE(resp.update().on_time());
  EXPECT_EQ(At(resp.update().due()), first_due);
  const absl::Time second_due = At(resp.next_due());
  EXPECT_EQ(second_due, BusinessDaysAfter(At(resp.update().at()), 3));
  EXPECT_EQ(At(Get(n).next_progress_due()), second_due);
  EXPECT_EQ(Events(n, "ProgressUpdateRecorded"), 1);

  // Not yet due: nothing to report.
  EXPECT_EQ(a_.service->CheckOverdue()->progress_updates, 0);
  MoveClock(absl::Hours(24 * 20));
  EXPECT_EQ(a_.service->CheckOverdue()->progress_updates, 1);
  EXPECT_EQ(a_.service->CheckOverdue()->progress_updates, 0);  // once
  auto overdue = Payloads<fv1::ProgressUpdateOverdue>(n, "ProgressUpdateOverdue");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(At(overdue[0].due()), second_due);
  EXPECT_EQ(overdue[0].tracker_staff_id(), "S-TRK-1");
  EXPECT_TRUE(Get(n).progress_overdue());

  // The missed update, given late, is recorded as late and the cadence restarts from it.
  ASSERT_TRUE(Update(n, "S-TRK-1", "材料已到，下周二施工", &resp).ok());
  EXPECT_FALSE(resp.update().on_time());
  auto f = Get(n);
  EXPECT_FALSE(f.progress_overdue());
  EXPECT_EQ(At(f.next_progress_due()), BusinessDaysAfter(At(resp.update().at()), 3));
  EXPECT_EQ(f.progress_updates_size(), 2);
  EXPECT_EQ(Metric("tousu_follow_up_progress_updates_total", {"timeliness=\"on_time\""}), 1);
  EXPECT_EQ(Metric("tousu_follow_up_progress_updates_total", {"timeliness=\"overdue\""}), 1);
  EXPECT_EQ(Metric("tousu_follow_up_overdue_total", {"kind=\"progress_update\""}), 1);
  MoveClock(absl::ZeroDuration());
}

TEST_F(FollowUpIt, TheDepartmentContactingTheCustomerAlsoCountsAsAProgressUpdate) {
  const std::string n = "TS-202611-000030";
  const absl::Time opened = Now() - absl::Hours(1);
  Deliver(Opened(n, opened));
  const absl::Time contact = Now();
  Deliver(Contacted(n, 1, contact));
  auto f = Get(n);
  EXPECT_EQ(At(f.next_progress_due()), BusinessDaysAfter(contact, 3));
  EXPECT_EQ(At(f.last_informed_at()), contact);
  ASSERT_EQ(f.progress_updates_size(), 1);
  EXPECT_EQ(f.progress_updates(0).source(), "department");
  // An older contact arriving later never moves the due date back.
  Deliver(Contacted(n, 1, opened + absl::Minutes(1)));
  EXPECT_EQ(At(Get(n).next_progress_due()), BusinessDaysAfter(contact, 3));
}

TEST_F(FollowUpIt, UpdatesStopWhenTheCaseIsResolvedAndResumeWhenItIsReopened) {
  const std::string n = "TS-202611-000040";
  Deliver(Opened(n, Now()));
  Deliver(Resolved(n, 1, Now()));
  auto f = Get(n);
  EXPECT_EQ(f.state(), fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK);
  EXPECT_FALSE(f.has_next_progress_due());
  EXPECT_EQ(Update(n, "S-TRK-1", "进展").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  fv1::ListDueTasksRequest list;
  list.set_staff_id("S-TRK-1");
  fv1::ListDueTasksResponse tasks;
  ASSERT_TRUE(List(list, &tasks).ok());
  EXPECT_EQ(tasks.tasks_size(), 0);

  ASSERT_TRUE(Callback(CallbackRequest(n, 1)).ok());
  const absl::Time reopened = Now();
  Deliver(Reopened(n, 2, reopened));
  f = Get(n);
  EXPECT_EQ(f.state(), fv1::FOLLOW_UP_STATE_OPEN);
  EXPECT_EQ(f.cycle(), 2);
  EXPECT_EQ(f.tracker_staff_id(), "S-TRK-1");  // the same tracker follows the new cycle
  EXPECT_EQ(At(f.next_progress_due()), BusinessDaysAfter(reopened, 3));
  ASSERT_TRUE(Update(n, "S-TRK-1", "已重新安排维修").ok());
}

TEST_F(FollowUpIt, AnUnsatisfiedCustomerSendsTheCaseBackUntilSatisfiedThenTheComplaintCloses) {
  const std::string n = "TS-202611-000050";
  Deliver(Opened(n, Now()));
  const absl::Time resolved = Now();
  Deliver(Resolved(n, 1, resolved));
  auto scheduled = Payloads<fv1::CallbackScheduled>(n, "CallbackScheduled");
  ASSERT_EQ(scheduled.size(), 1u);
  EXPECT_EQ(scheduled[0].callback_agent_staff_id(), "S-CB-1");
  EXPECT_EQ(At(scheduled[0].due()), BusinessDaysAfter(resolved, 3));

  // A colleague may make the callback; inactive agents and other roles may not.
  auto req = CallbackRequest(n, 2);
  req.set_callback_agent_staff_id("S-CB-0");
  EXPECT_EQ(Callback(req).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  req.set_callback_agent_staff_id("S-TRK-1");
  EXPECT_EQ(Callback(req).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  req.set_callback_agent_staff_id("S-CB-2");
  fv1::RecordCallbackResponse resp;
  ASSERT_TRUE(Callback(req, &resp).ok());
  EXPECT_EQ(resp.state(), fv1::FOLLOW_UP_STATE_REOPENING);
  EXPECT_TRUE(resp.callback().on_time());
  EXPECT_TRUE(resp.callback().unsatisfied());
  auto unsatisfied = Payloads<fv1::CustomerUnsatisfied>(n, "CustomerUnsatisfied");
  ASSERT_EQ(unsatisfied.size(), 1u);
  EXPECT_EQ(unsatisfied[0].satisfaction(), 2);
  EXPECT_EQ(unsatisfied[0].cycle(), 1);
  // Case-handling, a subscriber of CustomerUnsatisfied, gets it too.
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM outbox WHERE event_type = 'CustomerUnsatisfied'"
                            " AND subscriber = 'case-handling'"),
            "1");
  auto recorded = Payloads<fv1::CallbackRecorded>(n, "CallbackRecorded");
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].method(), "phone");
  EXPECT_EQ(recorded[0].callback_agent_staff_id(), "S-CB-2");
  // Once per cycle.
  EXPECT_EQ(Callback(CallbackRequest(n, 5)).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Events(n, "ComplaintClosed"), 0);

  // Case-handling reopens; the loop runs again.
  Deliver(Reopened(n, 2, Now()));
  EXPECT_EQ(Callback(CallbackRequest(n, 5)).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // not resolved
  Deliver(Resolved(n, 2, Now()));
  req = CallbackRequest(n, 4);
  req.set_cycle(1);  // a stale screen
  EXPECT_EQ(Callback(req).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  req.set_cycle(2);
  req.set_method(fv1::CALLBACK_METHOD_VISIT);
  ASSERT_TRUE(Callback(req, &resp).ok());
  EXPECT_EQ(resp.state(), fv1::FOLLOW_UP_STATE_CLOSED);
  auto closed = Payloads<fv1::ComplaintClosed>(n, "ComplaintClosed");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].cycle(), 2);
  EXPECT_EQ(closed[0].satisfaction(), 4);

  auto f = Get(n);
  EXPECT_EQ(f.state(), fv1::FOLLOW_UP_STATE_CLOSED);
  ASSERT_EQ(f.callbacks_size(), 2);
  EXPECT_EQ(f.callbacks(0).cycle(), 1);
  EXPECT_EQ(f.callbacks(0).satisfaction(), 2);
  EXPECT_EQ(f.callbacks(0).comments(), "师傅态度很好");
  EXPECT_EQ(f.callbacks(1).cycle(), 2);
  EXPECT_EQ(f.callbacks(1).satisfaction(), 4);
  EXPECT_EQ(f.callbacks(1).method(), fv1::CALLBACK_METHOD_VISIT);
  EXPECT_TRUE(f.has_closed_at());
  EXPECT_EQ(Metric("tousu_follow_up_callbacks_total", {"timeliness=\"on_time\""}), 2);
  EXPECT_EQ(Metric("tousu_follow_up_satisfaction_bucket", {"le=\"2\""}), 1);
  EXPECT_EQ(Metric("tousu_follow_up_satisfaction_count", {}), 2);
  ASSERT_TRUE(a_.service->CheckOverdue().ok());
  EXPECT_EQ(Metric("tousu_follow_up_open_cases", {}), 0);
}

TEST_F(FollowUpIt, TheUnsatisfiedThresholdIsInclusiveAndAThreeCloses) {
  const std::string n = "TS-202611-000055";
  Deliver(Opened(n, Now()));
  Deliver(Resolved(n, 1, Now()));
  fv1::RecordCallbackResponse resp;
  ASSERT_TRUE(Callback(CallbackRequest(n, 3), &resp).ok());
  EXPECT_EQ(resp.state(), fv1::FOLLOW_UP_STATE_CLOSED);
  EXPECT_EQ(Events(n, "CustomerUnsatisfied"), 0);
  EXPECT_EQ(Events(n, "ComplaintClosed"), 1);
}

TEST_F(FollowUpIt, AnUnansweredCallbackGoesOverdueOnceEvenWithTwoReplicas) {
  b_ = StartReplica();
  for (int i = 60; i < 70; ++i) {
    const std::string n = absl::StrCat("TS-202611-0000", i);
    Deliver(Opened(n, Now()));
    Deliver(Resolved(n, 1, Now()));
  }
  // The agents share the callbacks, fewest scheduled first.
  EXPECT_EQ(
      db_.QueryScalar("SELECT COUNT(*) FROM callbacks WHERE assigned_agent_staff_id = 'S-CB-1'"),
      "5");
  EXPECT_EQ(a_.service->CheckOverdue()->callbacks, 0);  // not yet due
  MoveClock(absl::Hours(24 * 20));
  std::atomic<int> callbacks{0}, progress{0};
  std::vector<std::thread> passes;
  for (auto* r : {&a_, &b_, &a_, &b_}) {
    passes.emplace_back([&, r] {
      auto pass = r->service->CheckOverdue();
      ASSERT_TRUE(pass.ok()) << pass.status();
      callbacks += pass->callbacks;
      progress += pass->progress_updates;
    });
  }
  for (auto& t : passes) t.join();
  EXPECT_EQ(callbacks.load(), 10);
  EXPECT_EQ(progress.load(), 0);  // resolved cases owe no progress updates
  EXPECT_EQ(EventsOfType("CallbackOverdue"), 10);
  auto f = Get("TS-202611-000060");
  ASSERT_EQ(f.callbacks_size(), 1);
  EXPECT_TRUE(f.callbacks(0).overdue());
  // Made late, the callback still counts, as late.
  fv1::RecordCallbackResponse resp;
  ASSERT_TRUE(Callback(CallbackRequest("TS-202611-000060", 5), &resp).ok());
  EXPECT_FALSE(resp.callback().on_time());
  EXPECT_FALSE(
      Payloads<fv1::CallbackRecorded>("TS-202611-000060", "CallbackRecorded")[0].on_time());
  EXPECT_EQ(Metric("tousu_follow_up_callbacks_total", {"timeliness=\"overdue\""}), 1);
  MoveClock(absl::ZeroDuration());
}

TEST_F(FollowUpIt, TheQuestionnaireLinkRecordsTheCustomersOwnAnswerOnlyOnce) {
  const std::string n = "TS-202611-000080";
  Deliver(Opened(n, Now()));
  Deliver(Resolved(n, 1, Now()));
  std::string first, token;
  EXPECT_EQ(IssueLink(n, "S-TRK-1", &first).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // not an agent
  ASSERT_TRUE(IssueLink(n, "S-CB-1", &first).ok());
  ASSERT_TRUE(IssueLink(n, "S-CB-1", &token).ok());  // issuing again replaces the link
  ASSERT_TRUE(IsWellFormedQuestionnaireToken(token));
  EXPECT_NE(first, token);
  // Only the hash is stored.
  EXPECT_EQ(db_.QueryScalar("SELECT token_sha256 FROM callbacks WHERE number = '" + n + "'"),
            QuestionnaireTokenHash(token));
  EXPECT_EQ(Submit(first, 5).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Submit(NewQuestionnaireToken(), 5).error_code(), grpc::StatusCode::NOT_FOUND);

  ASSERT_TRUE(Submit(token, 5, "满意").ok());
  auto recorded = Payloads<fv1::CallbackRecorded>(n, "CallbackRecorded");
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].method(), "questionnaire");
  EXPECT_EQ(recorded[0].callback_agent_staff_id(), "");
  EXPECT_EQ(Events(n, "ComplaintClosed"), 1);
  // The link works once.
  EXPECT_EQ(Submit(token, 1).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Events(n, "CallbackRecorded"), 1);
  EXPECT_EQ(Callback(CallbackRequest(n, 1)).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  auto f = Get(n);
  EXPECT_EQ(f.callbacks(0).satisfaction(), 5);
  EXPECT_EQ(f.callbacks(0).method(), fv1::CALLBACK_METHOD_QUESTIONNAIRE);
}

TEST_F(FollowUpIt, ListDueTasksShowsAStaffMembersTasksSoonestFirstPageByPage) {
  // Six cases opened at different times: S-TRK-1 gets 1st, 3rd and 5th (fewest open, ties by id).
  const absl::Time base = Now();
  const std::vector<std::pair<std::string, absl::Duration>> cases = {
      {"TS-202611-000091", absl::Minutes(-10)}, {"TS-202611-000092", absl::Minutes(-20)},
      {"TS-202611-000093", absl::Minutes(-30)}, {"TS-202611-000094", absl::Minutes(-40)},
      {"TS-202611-000095", absl::Minutes(-5)},  {"TS-202611-000096", absl::Minutes(-50)}};
  for (const auto& [n, offset] : cases) Deliver(Opened(n, base + offset));
  Deliver(Resolved("TS-202611-000096", 1, base));

  fv1::ListDueTasksRequest req;
  req.set_staff_id("S-TRK-1");
  req.mutable_page()->set_page_size(2);
  fv1::ListDueTasksResponse page1, page2;
  ASSERT_TRUE(List(req, &page1).ok());
  ASSERT_EQ(page1.tasks_size(), 2);
  EXPECT_EQ(page1.tasks(0).number(), "TS-202611-000093");  // opened earliest: due first
  EXPECT_EQ(page1.tasks(1).number(), "TS-202611-000091");
  EXPECT_EQ(page1.tasks(0).kind(), fv1::TASK_KIND_PROGRESS_UPDATE);
  ASSERT_FALSE(page1.page().next_page_token().empty());
  req.mutable_page()->set_page_token(page1.page().next_page_token());
  ASSERT_TRUE(List(req, &page2).ok());
  ASSERT_EQ(page2.tasks_size(), 1);
  EXPECT_EQ(page2.tasks(0).number(), "TS-202611-000095");
  EXPECT_TRUE(page2.page().next_page_token().empty());
  // A token only works with the filters it came from.
  req.set_kind(fv1::TASK_KIND_CALLBACK);
  auto s = List(req, &page2);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("page.page_token:", 0), 0u) << s.error_message();

  // The callback agent sees the callback; a tracker filtering on callbacks sees none.
  fv1::ListDueTasksRequest agent;
  agent.set_staff_id("S-CB-1");
  fv1::ListDueTasksResponse callbacks;
  ASSERT_TRUE(List(agent, &callbacks).ok());
  ASSERT_EQ(callbacks.tasks_size(), 1);
  EXPECT_EQ(callbacks.tasks(0).kind(), fv1::TASK_KIND_CALLBACK);
  EXPECT_EQ(callbacks.tasks(0).number(), "TS-202611-000096");
  EXPECT_EQ(At(callbacks.tasks(0).due()), BusinessDaysAfter(base, 3));
  req.clear_page();
  ASSERT_TRUE(List(req, &page2).ok());
  EXPECT_EQ(page2.tasks_size(), 0);
}

TEST_F(FollowUpIt, RepeatedEventsChangeNothing) {
  const std::string n = "TS-202611-000100";
  const absl::Time opened = Now();
  const std::string id = events::NewEventId();
  Deliver(Opened(n, opened, id));
  Deliver(Opened(n, opened, id));  // the same delivery again
  Deliver(Opened(n, opened));      // another event id, same case
  const int directory_calls = directory_.list_calls.load();
  EXPECT_EQ(Events(n, "TrackerAssigned"), 1);
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM tracker_history WHERE number = '" + n + "'"),
            "1");
  const auto before = Get(n);

  const absl::Time resolved = Now();
  Deliver(Resolved(n, 1, resolved));
  Deliver(Resolved(n, 1, resolved + absl::Minutes(1)));
  EXPECT_EQ(Events(n, "CallbackScheduled"), 1);
  EXPECT_EQ(At(Get(n).callbacks(0).due()), BusinessDaysAfter(resolved, 3));
  Deliver(Opened(n, opened));  // a late repeat of the opening does not reopen the cadence
  EXPECT_EQ(Get(n).state(), fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK);

  ASSERT_TRUE(Callback(CallbackRequest(n, 1)).ok());
  // Case-handling announces a reopened cycle twice: CaseReopened, then CaseOpened of cycle 2.
  const absl::Time reopened_at = Now();
  Deliver(Reopened(n, 2, reopened_at));
  const auto reopened = Get(n);
  Deliver(Opened(n, reopened_at + absl::Minutes(5), "", 2));
  Deliver(Reopened(n, 2, Now() + absl::Hours(1)));
  Deliver(Opened(n, opened));
  EXPECT_EQ(Get(n).DebugString(), reopened.DebugString());
  EXPECT_EQ(before.tracker_staff_id(), reopened.tracker_staff_id());
  // Repeats of a resolution already scheduled do not even ask the directory.
  EXPECT_EQ(directory_.list_calls.load(),
            directory_calls + 3);  // one listing of two agents, a page each
}

TEST_F(FollowUpIt, EveryBadFieldIsRefusedNamingItAndNothingIsWritten) {
  const std::string n = "TS-202611-000110";
  Deliver(Opened(n, Now()));
  Deliver(Resolved(n, 1, Now()));
  Deliver(Opened("TS-202611-000111", Now()));
  const std::string count_sql =
      "SELECT CONCAT((SELECT COUNT(*) FROM outbox), '/', (SELECT COUNT(*) FROM progress_updates), "
      "'/',"
      " (SELECT COUNT(*) FROM callbacks WHERE status <> 1 OR token_sha256 IS NOT NULL), '/',"
      " (SELECT COUNT(*) FROM tracker_history))";
  const std::string before = db_.QueryScalar(count_sql);
  // Text that is not UTF-8 is refused while the request is parsed, before the service reads any
  // field: the message names the request ("request: not a valid message ...").
  const std::string bad_utf8("\xff\xfe", 2);
  const std::string long_text(1001, 'x');

  auto expect_invalid = [](const grpc::Status& s, const std::string& field) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << field << ": " << s.error_message();
    EXPECT_EQ(s.error_message().rfind(field + ":", 0), 0u) << s.error_message();
  };

  expect_invalid(Update("TS-2026", "S-TRK-1", "进展"), "number");
  expect_invalid(Update("TS-202611-000111", "", "进展"), "tracker_staff_id");
  expect_invalid(Update("TS-202611-000111", "S TRK", "进展"), "tracker_staff_id");
  expect_invalid(Update("TS-202611-000111", "S-TRK-1", ""), "summary");
  expect_invalid(Update("TS-202611-000111", "S-TRK-1", bad_utf8), "request");
  expect_invalid(Update("TS-202611-000111", "S-TRK-1", long_text), "summary");
  expect_invalid(Update("TS-202611-000111", "S-TRK-1", std::string("a\x01") + "b"), "summary");

  expect_invalid(Reassign("bad", "S-TRK-2", "休假"), "number");
  expect_invalid(Reassign("TS-202611-000111", "", "休假"), "tracker_staff_id");
  expect_invalid(Reassign("TS-202611-000111", "S-TRK-2", "休"), "reason");
  expect_invalid(Reassign("TS-202611-000111", "S-TRK-2", bad_utf8), "request");

  auto req = CallbackRequest(n, 4);
  req.set_number("");
  expect_invalid(Callback(req), "number");
  req = CallbackRequest(n, 4);
  req.set_cycle(-1);
  expect_invalid(Callback(req), "cycle");
  req = CallbackRequest(n, 4);
  req.set_callback_agent_staff_id("");
  expect_invalid(Callback(req), "callback_agent_staff_id");
  req = CallbackRequest(n, 4);
  req.set_method(fv1::CALLBACK_METHOD_UNSPECIFIED);
  expect_invalid(Callback(req), "method");
  req.set_method(static_cast<fv1::CallbackMethod>(9));
  expect_invalid(Callback(req), "method");
  for (int score : {0, 6, -1}) expect_invalid(Callback(CallbackRequest(n, score)), "satisfaction");
  req = CallbackRequest(n, 4);
  req.set_comments(bad_utf8);
  expect_invalid(Callback(req), "request");
  req = CallbackRequest(n, 4);
  req.set_suggestions(long_text);
  expect_invalid(Callback(req), "suggestions");

  expect_invalid(IssueLink("TS-1", "S-CB-1", nullptr), "number");
  expect_invalid(IssueLink(n, "", nullptr), "issued_by_staff_id");
  expect_invalid(Submit("not-a-token", 5), "token");
  expect_invalid(Submit("", 5), "token");
  expect_invalid(Submit(NewQuestionnaireToken(), 0), "satisfaction");
  expect_invalid(Submit(NewQuestionnaireToken(), 4, bad_utf8), "request");

  fv1::ListDueTasksRequest list;
  fv1::ListDueTasksResponse tasks;
  expect_invalid(List(list, &tasks), "staff_id");
  list.set_staff_id("S-TRK-1");
  list.set_kind(static_cast<fv1::TaskKind>(7));
  expect_invalid(List(list, &tasks), "kind");
  list.set_kind(fv1::TASK_KIND_UNSPECIFIED);
  list.mutable_page()->set_page_size(201);
  expect_invalid(List(list, &tasks), "page.page_size");
  list.mutable_page()->set_page_size(0);
  list.mutable_page()->set_page_token("%%%");
  expect_invalid(List(list, &tasks), "page.page_token");

  fv1::GetFollowUpRequest get;
  get.set_number("TS-202611-12");
  fv1::GetFollowUpResponse got;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  expect_invalid(stub_->GetFollowUp(ctx.get(), get, &got), "number");
  get.set_number("TS-202611-999999");
  auto ctx2 = client::NewCallContext(absl::Seconds(5));
  EXPECT_EQ(stub_->GetFollowUp(ctx2.get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_EQ(db_.QueryScalar(count_sql), before);
  EXPECT_EQ(Get(n).state(), fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK);
}

}  // namespace
}  // namespace tousu::followup
