// The routing service against real MariaDB, in-process over loopback gRPC. The staff directory is
// a small in-test StaffService (the whole-stack test uses the real one).

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/auth/access.h"
#include "common/auth/token_minter.h"
#include "common/client/channel.h"
#include "common/client/staff_directory.h"
#include "common/events/outbox.h"
#include "common/server/unparsable_request.h"
#include "common/time/clock.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/routing/access.h"
#include "services/routing/routing_service.h"
#include "tests/support/test_env.h"

namespace tousu::routing {
namespace {

namespace cv1 = complaints::common::v1;
namespace sv1 = complaints::staff::v1;

// The directory the tests need: two departments' staff and a supervisor.
class FakeDirectory final : public sv1::StaffService::CallbackService {
 public:
  FakeDirectory() {
    Add("S-ENG-1", "engineering", sv1::STAFF_ROLE_ENGINEER, true);
    Add("S-ENG-OLD", "engineering", sv1::STAFF_ROLE_ENGINEER, false);
    Add("S-PROP-1", "property", sv1::STAFF_ROLE_HANDLER, true);
    Add("S-HAND-1", "handover", sv1::STAFF_ROLE_HANDLER, true);
    Add("S-SALES-1", "sales", sv1::STAFF_ROLE_HANDLER, true);
    Add("S-SUP-1", "customer-service", sv1::STAFF_ROLE_SUPERVISOR, true);
    for (const char* d : {"engineering", "property", "handover", "sales", "customer-service"})
      departments_.insert(d);
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
  grpc::ServerUnaryReactor* GetDepartment(grpc::CallbackServerContext* ctx,
                                          const sv1::GetDepartmentRequest* req,
                                          sv1::GetDepartmentResponse* resp) override {
    auto* r = ctx->DefaultReactor();
    if (!departments_.contains(req->department_id())) {
      r->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such department"));
    } else {
      resp->mutable_department()->set_id(req->department_id());
      resp->mutable_department()->set_active(true);
      r->Finish(grpc::Status::OK);
    }
    return r;
  }

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
  std::set<std::string> departments_;
};

class RoutingIt : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &directory_port_);
    b.RegisterService(&directory_);
    directory_server_ = b.BuildAndStart();
    clock_file_ = ::testing::TempDir() + "/clock_" + db_.name();
    time::OffsetFileClock::WriteOffset(clock_file_, absl::ZeroDuration());
    subscriptions_ = ::testing::TempDir() + "/subs_" + db_.name();
    std::ofstream(subscriptions_)
        << "ComplaintRouted intake\nComplaintSentToSupervisor intake\n"
           "ComplaintAssignedBySupervisor intake\nComplaintAcknowledged intake\n"
           "AssignmentRejected intake\nAcknowledgementOverdue intake\n"
           "SupervisorQueueOverdue notification\n";
    replica_a_ = StartReplica();
    stub_ = complaints::routing::v1::RoutingService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", replica_a_.runtime->grpc_port()),
                            grpc::InsecureChannelCredentials()));
    for (auto [category, department] : std::vector<std::pair<cv1::Category, std::string>>{
             {cv1::CATEGORY_PRODUCT_QUALITY, "engineering"},
             {cv1::CATEGORY_SALES_SERVICE, "sales"},
             {cv1::CATEGORY_HANDOVER, "handover"},
             {cv1::CATEGORY_PROPERTY_SERVICE, "property"}}) {
      complaints::routing::v1::UpsertRoutingRuleRequest req;
      req.mutable_rule()->set_category(category);
      req.mutable_rule()->set_department_id(department);
      complaints::routing::v1::UpsertRoutingRuleResponse resp;
      auto ctx = client::NewCallContext(absl::Seconds(5));
      ASSERT_TRUE(stub_->UpsertRoutingRule(ctx.get(), req, &resp).ok());
    }
  }
  void TearDown() override {
    for (auto* r : {&replica_a_, &replica_b_}) {
      if (r->runtime) r->runtime->Shutdown();
    }
    directory_server_->Shutdown(std::chrono::system_clock::now());
    auth::RequireAuthentication(false);  // process-wide: StartAuthenticatedReplica turned it on
  }

  struct Replica {
    std::unique_ptr<server::ServiceRuntime> runtime;
    std::unique_ptr<RoutingService> service;
  };

  Replica StartReplica() {
    auto o = db_.options(4);
    std::vector<std::string> env = {"TOUSU_ROUTING_GRPC_ADDR=127.0.0.1:0",
                                    "TOUSU_ROUTING_METRICS_ADDR=127.0.0.1:0",
                                    "TOUSU_ROUTING_DB_HOST=" + o.host,
                                    absl::StrCat("TOUSU_ROUTING_DB_PORT=", o.port),
                                    "TOUSU_ROUTING_DB_USER=" + o.user,
                                    "TOUSU_ROUTING_DB_PASSWORD=" + o.password,
                                    "TOUSU_ROUTING_DB_NAME=" + o.database,
                                    "TOUSU_ROUTING_DRAIN=0s",
                                    "TOUSU_ROUTING_LOG_LEVEL=error",
                                    "TOUSU_ROUTING_CLOCK_OFFSET_FILE=" + clock_file_,
                                    "TOUSU_ROUTING_SUBSCRIPTIONS_FILE=" + subscriptions_};
    if (!auth_keys_dir_.empty()) env.push_back("TOUSU_ROUTING_AUTH_KEYS=" + auth_keys_dir_);
    config::Config cfg("ROUTING", env, {});
    Replica r;
    auto rt =
        server::ServiceRuntime::Create({.name = "routing",
                                        .env_name = "ROUTING",
                                        .grpc_services = {"complaints.routing.v1.RoutingService"},
                                        .migrations = &db::routing_migrations(),
                                        .access = routing::RoutingAccessTable()},
                                       cfg);
    EXPECT_TRUE(rt.ok()) << rt.status();
    r.runtime = std::move(*rt);
    auto examples = LoadLabelledExamples(TOUSU_ROUTING_EXAMPLES);
    EXPECT_TRUE(examples.ok()) << examples.status();
    auto classifier = Classifier::Train(*examples);
    EXPECT_TRUE(classifier.ok()) << classifier.status();
    RoutingSettings settings;
    settings.escalation_interval = absl::Hours(1);  // the tests run escalation passes themselves
    r.service = std::make_unique<RoutingService>(
        *r.runtime, std::move(*classifier),
        client::StaffDirectory(absl::StrCat("127.0.0.1:", directory_port_), settings.staff_timeout),
        settings);
    EXPECT_TRUE(r.runtime->Start().ok());
    EXPECT_TRUE(r.runtime->WaitUntilServing(absl::Seconds(20)));
    return r;
  }

  // Delivers a ComplaintReceived to routing's EventSink, as intake's relay would.
  void Receive(const std::string& number, const std::string& description,
               cv1::Category staff_category = cv1::CATEGORY_UNSPECIFIED,
               cv1::Severity severity = cv1::SEVERITY_MEDIUM, std::string event_id = "",
               absl::Time received_at = absl::Now()) {
    complaints::intake::v1::ComplaintReceived received;
    received.set_number(number);
    received.set_channel(cv1::CHANNEL_APP);
    received.set_journey_stage(cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
    received.set_severity(severity);
    received.set_staff_category(staff_category);
    received.set_project("翠湖花园");
    received.set_description(description);
    received.mutable_received_at()->set_seconds(absl::ToUnixSeconds(received_at));
    cv1::Event e;
    e.set_event_id(event_id.empty() ? events::NewEventId() : event_id);
    e.set_event_type("ComplaintReceived");
    e.set_aggregate_id(number);
    e.set_producer("intake");
    e.mutable_payload()->PackFrom(received);
    auto applied = replica_a_.runtime->event_sink().Apply(e);
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  complaints::routing::v1::Assignment Get(const std::string& number) {
    complaints::routing::v1::GetAssignmentRequest req;
    req.set_number(number);
    complaints::routing::v1::GetAssignmentResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    auto s = stub_->GetAssignment(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.assignment();
  }

  grpc::Status Acknowledge(const std::string& number, const std::string& department,
                           const std::string& owner) {
    complaints::routing::v1::AcknowledgeAssignmentRequest req;
    req.set_number(number);
    req.set_department_id(department);
    req.set_owner_staff_id(owner);
    complaints::routing::v1::AcknowledgeAssignmentResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    return stub_->AcknowledgeAssignment(ctx.get(), req, &resp);
  }

  grpc::Status Reject(const std::string& number, const std::string& department,
                      const std::string& staff, const std::string& reroute = "") {
    complaints::routing::v1::RejectAssignmentRequest req;
    req.set_number(number);
    req.set_department_id(department);
    req.set_staff_id(staff);
    req.set_reason("不属于本部门处理范围");
    req.set_reroute_to_department_id(reroute);
    complaints::routing::v1::RejectAssignmentResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    return stub_->RejectAssignment(ctx.get(), req, &resp);
  }

  // Moves the clock `offset` ahead and runs escalation passes on both replicas at once, twice
  // each (replica_b_ must be started); how many assignments they escalated in all.
  int EscalateOnBothReplicasAfter(absl::Duration offset) {
    time::OffsetFileClock::WriteOffset(clock_file_, offset);
    absl::SleepFor(absl::Milliseconds(120));  // the clock re-reads its file every 50 ms
    std::atomic<int> escalated{0};
    std::vector<std::thread> passes;
    for (auto* r : {&replica_a_, &replica_b_, &replica_a_, &replica_b_}) {
      passes.emplace_back([&, r] { escalated += *r->service->EscalateOverdue(); });
    }
    for (auto& t : passes) t.join();
    return escalated.load();
  }

  std::string Outbox(const std::string& number, const std::string& type) {
    return db_.QueryScalar(absl::StrCat("SELECT COUNT(*) FROM outbox WHERE aggregate_id = '",
                                        number, "' AND event_type = '", type, "'"));
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
    replica_b_ = StartReplica();
    auth_stub_ = complaints::routing::v1::RoutingService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", replica_b_.runtime->grpc_port()),
                            grpc::InsecureChannelCredentials()));
  }
  // A call context carrying a token of staff `subject` (`role`, `department`).
  std::unique_ptr<grpc::ClientContext> As(const std::string& subject, const std::string& role,
                                          const std::string& department) {
    auto token = auth::MintToken(signing_key_, {.subject = subject,
                                                .role = role,
                                                .department = department,
                                                .issued_at = absl::Now(),
                                                .not_before = std::nullopt,
                                                .kid = ""});
    EXPECT_TRUE(token.ok()) << token.status();
    auto ctx = client::NewCallContext(absl::Seconds(5));
    ctx->AddMetadata("authorization", "Bearer " + *token);
    return ctx;
  }

  std::string auth_keys_dir_, signing_key_;
  std::unique_ptr<complaints::routing::v1::RoutingService::Stub> auth_stub_;
  testing::ScratchDatabase db_;
  FakeDirectory directory_;
  int directory_port_ = 0;
  std::unique_ptr<grpc::Server> directory_server_;
  std::string clock_file_, subscriptions_;
  Replica replica_a_, replica_b_;
  std::unique_ptr<complaints::routing::v1::RoutingService::Stub> stub_;
};

constexpr char kLeak[] = "卫生间天花板漏水，墙面大面积渗水发霉，已经影响正常使用，请尽快派人维修";

TEST_F(RoutingIt, AClearComplaintIsRoutedToItsDepartmentWithAOneHourDeadline) {
  const absl::Time before = absl::Now();
  Receive("TS-202611-000001", kLeak);
  auto a = Get("TS-202611-000001");
  EXPECT_EQ(a.state(), complaints::routing::v1::ASSIGNMENT_STATE_ROUTED);
  EXPECT_EQ(a.category(), cv1::CATEGORY_PRODUCT_QUALITY);
  EXPECT_EQ(a.category_source(), "classifier");
  EXPECT_EQ(a.department_id(), "engineering");
  const absl::Time due = absl::FromUnixSeconds(a.ack_due().seconds());
  EXPECT_GE(due, before + absl::Hours(1) - absl::Seconds(1));
  EXPECT_LE(due, absl::Now() + absl::Hours(1));
  EXPECT_EQ(Outbox("TS-202611-000001", "ComplaintRouted"), "1");
  ASSERT_EQ(a.hops_size(), 1);
  EXPECT_EQ(a.hops(0).action(), "routed");
}

TEST_F(RoutingIt, AHandlerSeesAndActsOnlyOnTheirOwnDepartmentsAssignmentsAndARefusalWritesNothing) {
  namespace rv1 = complaints::routing::v1;
  const std::string n = "TS-202611-000070";
  Receive(n, kLeak);  // routed to engineering
  StartAuthenticatedReplica();
  const std::string hops = db_.QueryScalar("SELECT COUNT(*) FROM hops");
  const std::string outbox = db_.QueryScalar("SELECT COUNT(*) FROM outbox");

  rv1::GetAssignmentRequest get;
  get.set_number(n);
  rv1::GetAssignmentResponse got;
  grpc::Status s = auth_stub_->GetAssignment(As("S-SALES-1", "handler", "sales").get(), get, &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(s.error_message(), "number: belongs to another department");
  EXPECT_FALSE(got.has_assignment());

  // Sales' handler sending engineering's complaint back, in sales' name: refused under the lock.
  rv1::RejectAssignmentRequest reject;
  reject.set_number(n);
  reject.set_department_id("sales");
  reject.set_staff_id("S-SALES-1");
  reject.set_reason("不属于本部门处理范围");
  rv1::RejectAssignmentResponse rejected;
  s = auth_stub_->RejectAssignment(As("S-SALES-1", "handler", "sales").get(), reject, &rejected);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(s.error_message(), "number: belongs to another department");
  // ... or acknowledging it in engineering's name.
  rv1::AcknowledgeAssignmentRequest ack;
  ack.set_number(n);
  ack.set_department_id("engineering");
  ack.set_owner_staff_id("S-ENG-1");
  rv1::AcknowledgeAssignmentResponse acked;
  s = auth_stub_->AcknowledgeAssignment(As("S-SALES-1", "handler", "sales").get(), ack, &acked);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(s.error_message(), "department_id: belongs to another department");
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM hops"), hops);
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM outbox"), outbox);
  ASSERT_TRUE(auth_stub_->GetAssignment(As("S-SUP-1", "supervisor", "").get(), get, &got).ok());
  EXPECT_EQ(got.assignment().state(), rv1::ASSIGNMENT_STATE_ROUTED);

  // Queues: a handler's own (none named: theirs), never another's; the supervisor queue is not
  // theirs at all.
  rv1::ListDepartmentQueueRequest queue;
  rv1::ListDepartmentQueueResponse listed;
  ASSERT_TRUE(
      auth_stub_->ListDepartmentQueue(As("S-SALES-1", "handler", "sales").get(), queue, &listed)
          .ok());
  EXPECT_EQ(listed.assignments_size(), 0);
  ASSERT_TRUE(
      auth_stub_
          ->ListDepartmentQueue(As("S-ENG-1", "engineer", "engineering").get(), queue, &listed)
          .ok());
  EXPECT_EQ(listed.assignments_size(), 1);
  queue.set_department_id("engineering");
  s = auth_stub_->ListDepartmentQueue(As("S-SALES-1", "handler", "sales").get(), queue, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Engineering itself acknowledges.
  s = auth_stub_->AcknowledgeAssignment(As("S-ENG-2", "handler", "engineering").get(), ack, &acked);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(RoutingIt, TheHourRunsFromReceiptEvenWhenTheEventArrivesLate) {
  // Intake received it 40 minutes ago; the event reaches routing only now (a relay backlog).
  const absl::Time received =
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())) - absl::Minutes(40);
  Receive("TS-202611-000009", kLeak, cv1::CATEGORY_UNSPECIFIED, cv1::SEVERITY_MEDIUM, "", received);
  const auto a = Get("TS-202611-000009");
  EXPECT_EQ(absl::FromUnixSeconds(a.ack_due().seconds()), received + absl::Hours(1));
}

TEST_F(RoutingIt, TheCategoryStaffChoseIsUsedAsIs) {
  Receive("TS-202611-000002", kLeak, cv1::CATEGORY_PROPERTY_SERVICE);
  auto a = Get("TS-202611-000002");
  EXPECT_EQ(a.category_source(), "staff");
  EXPECT_EQ(a.department_id(), "property");
}

TEST_F(RoutingIt, ARepeatedComplaintReceivedRoutesOnce) {
  const std::string id = events::NewEventId();
  Receive("TS-202611-000003", kLeak, cv1::CATEGORY_UNSPECIFIED, cv1::SEVERITY_MEDIUM, id);
  Receive("TS-202611-000003", kLeak, cv1::CATEGORY_UNSPECIFIED, cv1::SEVERITY_MEDIUM, id);
  Receive("TS-202611-000003", kLeak);  // another event id, same complaint
  EXPECT_EQ(Outbox("TS-202611-000003", "ComplaintRouted"), "1");
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM hops WHERE number = 'TS-202611-000003'"), "1");
}

TEST_F(RoutingIt, OnlyActiveStaffOfTheDepartmentCanAcknowledgeAndTheTimeIsRecorded) {
  Receive("TS-202611-000004", kLeak);
  EXPECT_EQ(Acknowledge("TS-202611-000004", "engineering", "S-PROP-1").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Acknowledge("TS-202611-000004", "engineering", "S-ENG-OLD").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Acknowledge("TS-202611-000004", "engineering", "S-NOBODY").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Acknowledge("TS-202611-000004", "property", "S-PROP-1").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Acknowledge("TS-202611-000004", "engineering", "").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Outbox("TS-202611-000004", "ComplaintAcknowledged"), "0");

  ASSERT_TRUE(Acknowledge("TS-202611-000004", "engineering", "S-ENG-1").ok());
  auto a = Get("TS-202611-000004");
  EXPECT_EQ(a.state(), complaints::routing::v1::ASSIGNMENT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(a.owner_staff_id(), "S-ENG-1");
  EXPECT_TRUE(a.acknowledged_on_time());
  EXPECT_EQ(Outbox("TS-202611-000004", "ComplaintAcknowledged"), "1");
  // A second acknowledgement is refused: the complaint is no longer waiting.
  EXPECT_EQ(Acknowledge("TS-202611-000004", "engineering", "S-ENG-1").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RoutingIt, AnUnacknowledgedComplaintEscalatesOnceAfterTheHourEvenWithTwoReplicas) {
  replica_b_ = StartReplica();
  for (int i = 10; i < 30; ++i) Receive(absl::StrCat("TS-202611-0000", i), kLeak);
  EXPECT_EQ(*replica_a_.service->EscalateOverdue(), 0);  // not yet due
  EXPECT_EQ(EscalateOnBothReplicasAfter(absl::Minutes(61)), 20);
  EXPECT_EQ(
      db_.QueryScalar("SELECT COUNT(*) FROM outbox WHERE event_type = 'AcknowledgementOverdue'"),
      "20");
  auto a = Get("TS-202611-000010");
  EXPECT_EQ(a.state(), complaints::routing::v1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
  EXPECT_EQ(a.supervisor_reason(), "acknowledgement_overdue");
  EXPECT_TRUE(a.escalated());
  // The department may still take it, recorded as late.
  ASSERT_TRUE(Acknowledge("TS-202611-000010", "engineering", "S-ENG-1").ok());
  EXPECT_FALSE(Get("TS-202611-000010").acknowledged_on_time());
  time::OffsetFileClock::WriteOffset(clock_file_, absl::ZeroDuration());
}

TEST_F(RoutingIt, AMisroutedComplaintIsReroutedKeepingEveryHopThenGoesToTheSupervisor) {
  Receive("TS-202611-000040", kLeak, cv1::CATEGORY_PROPERTY_SERVICE);
  ASSERT_EQ(Get("TS-202611-000040").department_id(), "property");
  // The next likely department.
  ASSERT_TRUE(Reject("TS-202611-000040", "property", "S-PROP-1").ok());
  auto a = Get("TS-202611-000040");
  EXPECT_EQ(a.state(), complaints::routing::v1::ASSIGNMENT_STATE_ROUTED);
  EXPECT_NE(a.department_id(), "property");
  const std::string second = a.department_id();
  EXPECT_EQ(a.bounces(), 1);
  // A coordinator names the department.
  const std::string named = second == "handover" ? "sales" : "handover";
  const std::string rejecter = second == "engineering" ? "S-ENG-1"
                               : second == "handover"  ? "S-HAND-1"
                                                       : "S-SALES-1";
  ASSERT_TRUE(Reject("TS-202611-000040", second, rejecter, named).ok());
  EXPECT_EQ(Get("TS-202611-000040").department_id(), named);
  // A third bounce (max 2) goes to the supervisor.
  ASSERT_TRUE(Reject("TS-202611-000040", named, named == "sales" ? "S-SALES-1" : "S-HAND-1").ok());
  a = Get("TS-202611-000040");
  EXPECT_EQ(a.state(), complaints::routing::v1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
  EXPECT_EQ(a.supervisor_reason(), "too_many_bounces");
  EXPECT_EQ(a.hops_size(), 7);  // routed, (rejected, routed) x2, rejected, sent_to_supervisor
  EXPECT_EQ(Outbox("TS-202611-000040", "AssignmentRejected"), "3");
}

TEST_F(RoutingIt, ACriticalComplaintLandsWithTheSupervisorWhoAssignsIt) {
  Receive("TS-202611-000050", kLeak, cv1::CATEGORY_UNSPECIFIED, cv1::SEVERITY_CRITICAL);
  auto a = Get("TS-202611-000050");
  EXPECT_EQ(a.state(), complaints::routing::v1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
  EXPECT_EQ(a.supervisor_reason(), "critical_severity");

  complaints::routing::v1::ListSupervisorQueueRequest list;
  complaints::routing::v1::ListSupervisorQueueResponse queue;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  ASSERT_TRUE(stub_->ListSupervisorQueue(ctx.get(), list, &queue).ok());
  ASSERT_EQ(queue.assignments_size(), 1);

  complaints::routing::v1::AssignBySupervisorRequest req;
  req.set_number("TS-202611-000050");
  req.set_supervisor_staff_id("S-ENG-1");  // not a supervisor
  req.set_lead_department_id("engineering");
  req.add_assisting_department_ids("property");
  req.set_complex(true);
  complaints::routing::v1::AssignBySupervisorResponse resp;
  auto ctx2 = client::NewCallContext(absl::Seconds(5));
  EXPECT_EQ(stub_->AssignBySupervisor(ctx2.get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  req.set_supervisor_staff_id("S-SUP-1");
  auto ctx3 = client::NewCallContext(absl::Seconds(5));
  ASSERT_TRUE(stub_->AssignBySupervisor(ctx3.get(), req, &resp).ok());
  a = Get("TS-202611-000050");
  EXPECT_EQ(a.state(), complaints::routing::v1::ASSIGNMENT_STATE_ROUTED);
  EXPECT_EQ(a.department_id(), "engineering");
  ASSERT_EQ(a.assisting_department_ids_size(), 1);
  EXPECT_TRUE(a.complex());
  EXPECT_EQ(Outbox("TS-202611-000050", "ComplaintAssignedBySupervisor"), "1");
}

TEST_F(RoutingIt, AComplaintLeftInTheSupervisorQueueEscalatesOnceEvenWithTwoReplicas) {
  replica_b_ = StartReplica();
  Receive("TS-202611-000060", kLeak, cv1::CATEGORY_UNSPECIFIED, cv1::SEVERITY_CRITICAL);
  auto a = Get("TS-202611-000060");
  ASSERT_EQ(a.state(), complaints::routing::v1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
  ASSERT_TRUE(a.has_queue_due());
  EXPECT_EQ(a.queue_due().seconds() - a.queued_at().seconds(), 3600);
  EXPECT_FALSE(a.queue_overdue());
  // The queue's deadline travels with the event that put it there.
  EXPECT_EQ(Outbox("TS-202611-000060", "ComplaintSentToSupervisor"), "1");
  EXPECT_EQ(*replica_a_.service->EscalateOverdue(), 0);

  EXPECT_EQ(EscalateOnBothReplicasAfter(absl::Minutes(61)), 1);
  EXPECT_EQ(Outbox("TS-202611-000060", "SupervisorQueueOverdue"), "1");
  a = Get("TS-202611-000060");
  EXPECT_EQ(a.state(), complaints::routing::v1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
  EXPECT_TRUE(a.queue_overdue());
  ASSERT_GE(a.hops_size(), 2);
  EXPECT_EQ(a.hops(a.hops_size() - 1).action(), "supervisor_queue_overdue");
  EXPECT_EQ(a.hops(a.hops_size() - 1).reason(), "critical_severity");

  // Hours later it has not escalated again.
  time::OffsetFileClock::WriteOffset(clock_file_, absl::Hours(5));
  absl::SleepFor(absl::Milliseconds(120));
  EXPECT_EQ(*replica_b_.service->EscalateOverdue(), 0);
  EXPECT_EQ(Outbox("TS-202611-000060", "SupervisorQueueOverdue"), "1");

  // A supervisor's decision takes it out of the queue and off the queue's clock.
  complaints::routing::v1::AssignBySupervisorRequest req;
  req.set_number("TS-202611-000060");
  req.set_supervisor_staff_id("S-SUP-1");
  req.set_lead_department_id("engineering");
  complaints::routing::v1::AssignBySupervisorResponse resp;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  ASSERT_TRUE(stub_->AssignBySupervisor(ctx.get(), req, &resp).ok());
  EXPECT_FALSE(resp.assignment().has_queue_due());
  EXPECT_FALSE(resp.assignment().queue_overdue());
  time::OffsetFileClock::WriteOffset(clock_file_, absl::ZeroDuration());
}

TEST_F(RoutingIt, ClassifyComplaintSuggestsACategoryAndRejectsBadText) {
  complaints::routing::v1::ClassifyComplaintRequest req;
  req.set_text("售楼处承诺的学区名额没有兑现，销售人员态度恶劣，属于虚假宣传");
  complaints::routing::v1::ClassifyComplaintResponse resp;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  ASSERT_TRUE(stub_->ClassifyComplaint(ctx.get(), req, &resp).ok());
  EXPECT_EQ(resp.category(), cv1::CATEGORY_SALES_SERVICE);
  EXPECT_GT(resp.confidence(), 0.5);
  req.set_text(std::string("\xff\xfe bad", 6));
  auto ctx2 = client::NewCallContext(absl::Seconds(5));
  auto s = stub_->ClassifyComplaint(ctx2.get(), req, &resp);
  // Refused while the request is parsed, before the service reads it.
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), server::kUnparsableRequestMessage);
}

TEST_F(RoutingIt, BadRequestsNameTheFieldAndChangeNothing) {
  EXPECT_EQ(Acknowledge("TS-2026", "engineering", "S-ENG-1").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Acknowledge("TS-202611-999999", "engineering", "S-ENG-1").error_code(),
            grpc::StatusCode::NOT_FOUND);
  complaints::routing::v1::UpsertRoutingRuleRequest rule;
  rule.mutable_rule()->set_category(cv1::CATEGORY_HANDOVER);
  rule.mutable_rule()->set_department_id("no-such-department");
  complaints::routing::v1::UpsertRoutingRuleResponse resp;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  auto s = stub_->UpsertRoutingRule(ctx.get(), rule, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(db_.QueryScalar(
                "SELECT department_id FROM routing_rules WHERE category = 3 AND project = ''"),
            "handover");
}

}  // namespace
}  // namespace tousu::routing
