// The audit trail (common/audit) against the real MariaDB: the table refuses UPDATE and DELETE,
// every event a service appends leaves exactly one audit row in the same transaction, a timer's
// work is told apart from a caller's, GetAuditTrail pages over real gRPC and names the field of a
// bad request, and no row holds a customer's name, phone or email.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/audit/audit.h"
#include "common/audit/audit_service.h"
#include "common/auth/caller.h"
#include "common/config/config.h"
#include "common/db/migrations.h"
#include "common/db/transaction.h"
#include "common/server/periodic.h"
#include "common/server/server.h"
#include "common/time/proto_time.h"
#include "complaints/common/v1/audit.grpc.pb.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "services/intake/access.h"
#include "services/intake/intake_service.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
using testing::ScratchDatabase;

constexpr char kName[] = "欧阳娜娜";
constexpr char kPhone[] = "13800138000";
constexpr char kEmail[] = "nana.ouyang@example.com";

int Count(const ScratchDatabase& db, const std::string& sql) {
  int n = -1;
  EXPECT_TRUE(absl::SimpleAtoi(db.QueryScalar(sql), &n)) << sql;
  return n;
}

// A statement through the service's own database user and pool (not the test's admin), in a
// transaction, as repository code runs it.
absl::Status RunAsService(db::ConnectionPool& pool, const std::string& sql) {
  return db::RunInTransaction(pool, [&](db::Transaction& tx) -> absl::Status {
    tx.Prepare(sql).execute();
    return absl::OkStatus();
  });
}

audit::AuditEntry Entry(const std::string& subject, absl::Time at, const std::string& action) {
  return {.occurred_at = at, .action = action, .subject = subject, .detail = "test"};
}

absl::Status RecordOne(db::ConnectionPool& pool, const audit::AuditEntry& e) {
  return db::RunInTransaction(pool, [&](db::Transaction& tx) { return audit::Record(tx, e); });
}

// --- The table is append-only -------------------------------------------------------------------

class AuditTable : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<db::ConnectionPool>(scratch_.options());
    ASSERT_TRUE(db::ApplyMigrations(*pool_, "common", db::common_event_migrations()).ok());
  }
  ScratchDatabase scratch_;
  std::unique_ptr<db::ConnectionPool> pool_;
};

TEST_F(AuditTable, AcceptsNewRowsAndReadsThemBack) {
  const absl::Time at = absl::FromUnixMicros(1'790'000'000'123'456);
  ASSERT_TRUE(RecordOne(*pool_, Entry("TS-202611-000001", at, "read_personal_data")).ok());
  EXPECT_EQ(Count(scratch_, "SELECT COUNT(*) FROM audit_trail"), 1);
  EXPECT_EQ(scratch_.QueryScalar("SELECT action FROM audit_trail"), "read_personal_data");
  // Microseconds survive: the occurred_at is the injected clock's, not the database's.
  EXPECT_EQ(scratch_.QueryScalar("SELECT occurred_at FROM audit_trail"),
            "2026-09-21 14:13:20.123456");
  EXPECT_TRUE(RunAsService(*pool_,
                           "INSERT INTO audit_trail (occurred_at, actor, action, subject)"
                           " VALUES (UTC_TIMESTAMP(6), 'staff:S0001', 'x', 'TS-1')")
                  .ok());
  EXPECT_EQ(Count(scratch_, "SELECT COUNT(*) FROM audit_trail"), 2);
}

TEST_F(AuditTable, RefusesEveryUpdateAndDeleteOfARecordedRow) {
  ASSERT_TRUE(RecordOne(*pool_, Entry("TS-202611-000001", absl::Now(), "ComplaintReceived")).ok());
  const std::string id = scratch_.QueryScalar("SELECT id FROM audit_trail");
  for (const std::string& sql : std::vector<std::string>{
           "UPDATE audit_trail SET actor = 'staff:S9999'",
           "UPDATE audit_trail SET detail = 'rewritten' WHERE id = " + id,
           "DELETE FROM audit_trail",
           "DELETE FROM audit_trail WHERE id = " + id,
           // Both take a row away or change it through the back door of a key clash.
           "REPLACE INTO audit_trail (id, occurred_at, actor, action, subject) VALUES (" + id +
               ", UTC_TIMESTAMP(6), 'staff:S9999', 'forged', 'TS-202611-000001')",
           "INSERT INTO audit_trail (id, occurred_at, actor, action, subject) VALUES (" + id +
               ", UTC_TIMESTAMP(6), 'x', 'x', 'x') ON DUPLICATE KEY UPDATE actor = 'staff:S9999'",
       }) {
    const absl::Status s = RunAsService(*pool_, sql);
    EXPECT_FALSE(s.ok()) << sql;
    // Also through the test's own (root) connection: the trigger binds every DML user.
    EXPECT_ANY_THROW(scratch_.Execute(sql)) << sql;
  }
  EXPECT_EQ(Count(scratch_, "SELECT COUNT(*) FROM audit_trail"), 1);
  EXPECT_EQ(scratch_.QueryScalar("SELECT CONCAT(actor, '|', action, '|', detail) FROM audit_trail"),
            "unrestricted|ComplaintReceived|test");
}

TEST_F(AuditTable, RecordRefusesAnEntryWithoutActionSubjectOrTimeNamingTheField) {
  const absl::Time now = absl::Now();
  EXPECT_TRUE(absl::StartsWith(RecordOne(*pool_, Entry("", now, "x")).message(), "subject"));
  EXPECT_TRUE(absl::StartsWith(RecordOne(*pool_, Entry("S1", now, "")).message(), "action"));
  EXPECT_TRUE(absl::StartsWith(RecordOne(*pool_, Entry("S1", absl::InfinitePast(), "x")).message(),
                               "occurred_at"));
  audit::AuditEntry long_detail = Entry("S1", now, "x");
  long_detail.detail = std::string(256, 'd');
  EXPECT_TRUE(absl::StartsWith(RecordOne(*pool_, long_detail).message(), "detail"));
  EXPECT_EQ(Count(scratch_, "SELECT COUNT(*) FROM audit_trail"), 0);
}

TEST_F(AuditTable, TheActorIsTheCurrentCallerOrTheTimerThatDidTheWork) {
  auth::Caller staff{.kind = auth::Caller::Kind::kStaff,
                     .subject = "S0001",
                     .role = "supervisor",
                     .department = ""};
  {
    auth::ScopedCaller as_staff(staff);
    ASSERT_TRUE(RecordOne(*pool_, Entry("A", absl::Now(), "x")).ok());
  }
  {
    audit::ScopedSystemActor as_timer("escalation");
    ASSERT_TRUE(RecordOne(*pool_, Entry("B", absl::Now(), "x")).ok());
    // A caller made current inside a timer's scope is still the actor.
    auth::ScopedCaller as_staff(staff);
    ASSERT_TRUE(RecordOne(*pool_, Entry("C", absl::Now(), "x")).ok());
  }
  ASSERT_TRUE(RecordOne(*pool_, Entry("D", absl::Now(), "x")).ok());
  EXPECT_EQ(scratch_.QueryScalar(
                "SELECT GROUP_CONCAT(actor ORDER BY subject SEPARATOR ',') FROM audit_trail"),
            "staff:S0001,system:escalation,staff:S0001,unrestricted");
}

TEST_F(AuditTable, ATimerPassIsRecordedAsTheSystemNamingTheTimer) {
  prometheus::Registry registry;
  std::atomic<int> passes{0};
  server::PeriodicTask timer(
      "callback-overdue", absl::Milliseconds(20), registry, [] { return true; },
      [&]() -> absl::Status {
        if (passes.load() > 0) return absl::OkStatus();
        absl::Status s =
            RecordOne(*pool_, Entry("TS-202611-000077", absl::Now(), "CallbackOverdue"));
        ++passes;
        return s;
      });
  timer.Start();
  for (int i = 0; i < 200 && passes.load() == 0; ++i) absl::SleepFor(absl::Milliseconds(20));
  timer.Stop();
  ASSERT_EQ(passes.load(), 1);
  EXPECT_EQ(scratch_.QueryScalar("SELECT actor FROM audit_trail"), "system:callback-overdue");
}

// --- A real service: intake, in-process on the shared runtime -----------------------------------

class IntakeReplica {
 public:
  explicit IntakeReplica(const ScratchDatabase& scratch) {
    const db::DbOptions db = scratch.options();
    const std::string subscriptions =
        ::testing::TempDir() + "/audit_subscriptions_" + scratch.name() + ".txt";
    std::ofstream(subscriptions) << "ComplaintReceived  routing analytics\n";
    const std::string p = "TOUSU_INTAKE_";
    std::vector<std::string> env = testing::InProcessEnv("INTAKE", db);
    env.insert(
        env.end(),
        {
            p + "SUBSCRIPTIONS_FILE=" + subscriptions,
            // Nothing listens there: the outbox rows stay pending, which is what the tests read.
            p + "PEERS=routing=127.0.0.1:" + std::to_string(testing::FreePort()) +
                ",analytics=127.0.0.1:" + std::to_string(testing::FreePort()),
            p + "LOG_LEVEL=error",
        });
    config::Config cfg("INTAKE", env, {});
    auto rt = server::ServiceRuntime::Create({.name = "intake",
                                              .env_name = "INTAKE",
                                              .grpc_services = {intake::kGrpcServiceName},
                                              .migrations = &db::intake_migrations(),
                                              .access = intake::IntakeAccessTable()},
                                             cfg);
    EXPECT_TRUE(rt.ok()) << rt.status();
    if (!rt.ok()) return;
    runtime_ = std::move(*rt);
    service_ = std::make_unique<intake::IntakeService>(*runtime_, intake::IntakeSettings{});
    const absl::Status started = runtime_->Start();
    EXPECT_TRUE(started.ok()) << started;
    EXPECT_TRUE(runtime_->WaitUntilServing(absl::Seconds(30)));
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", runtime_->grpc_port()),
                                       grpc::InsecureChannelCredentials());
    intake_ = iv1::IntakeService::NewStub(channel);
    trail_ = cv1::AuditTrail::NewStub(channel);
  }
  ~IntakeReplica() {
    if (runtime_) runtime_->Shutdown();
    service_.reset();
    runtime_.reset();
  }
  server::ServiceRuntime& runtime() { return *runtime_; }
  iv1::IntakeService::Stub& intake() { return *intake_; }
  cv1::AuditTrail::Stub& trail() { return *trail_; }

 private:
  std::unique_ptr<server::ServiceRuntime> runtime_;
  std::unique_ptr<intake::IntakeService> service_;
  std::unique_ptr<iv1::IntakeService::Stub> intake_;
  std::unique_ptr<cv1::AuditTrail::Stub> trail_;
};

iv1::ComplaintInput Input() {
  iv1::ComplaintInput c;
  c.set_customer_name(kName);
  c.set_customer_phone(kPhone);
  c.set_customer_email(kEmail);
  c.set_project("翡翠湾·二期");
  c.set_building("3栋");
  c.set_unit("1502室");
  c.set_description("客厅墙体开裂，雨天渗水严重");
  c.set_expected_resolution("尽快维修");
  // The same instant every call, so a retry is the same submission.
  static const absl::Time occurred =
      absl::FromUnixMicros(absl::ToUnixMicros(absl::Now() - absl::Hours(30)));
  *c.mutable_occurred_at() = time::ToProto(occurred);
  c.set_severity(cv1::SEVERITY_HIGH);
  c.set_channel(cv1::CHANNEL_APP);
  c.set_journey_stage(cv1::JOURNEY_STAGE_HANDOVER);
  return c;
}

grpc::Status Submit(IntakeReplica& r, const std::string& request_id, std::string* number) {
  iv1::SubmitComplaintRequest req;
  req.set_request_id(request_id);
  *req.mutable_complaint() = Input();
  iv1::SubmitComplaintResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::Status s = r.intake().SubmitComplaint(&ctx, req, &resp);
  if (number != nullptr) *number = resp.complaint().number();
  return s;
}

grpc::Status GetTrail(IntakeReplica& r, const cv1::GetAuditTrailRequest& req,
                      cv1::GetAuditTrailResponse* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return r.trail().GetAuditTrail(&ctx, req, resp);
}

TEST(AuditOfAService, ASubmittedComplaintLeavesExactlyOneAuditRowForItsOneEvent) {
  ScratchDatabase scratch;
  IntakeReplica intake(scratch);
  std::string number;
  ASSERT_TRUE(Submit(intake, "8d0f4a52-8a52-4bbd-9c1f-3a4c2d8e0001", &number).ok());
  ASSERT_FALSE(number.empty());
  // Two subscribers, two outbox rows, one event: one audit row.
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM outbox WHERE aggregate_id = '" + number + "'"), 2);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM audit_trail"), 1);
  EXPECT_EQ(
      scratch.QueryScalar("SELECT CONCAT_WS('|', actor, action, subject, from_state, to_state,"
                          " request_id) FROM audit_trail"),
      absl::StrCat("unrestricted|ComplaintReceived|", number,
                   "||received|8d0f4a52-8a52-4bbd-9c1f-3a4c2d8e0001"));
  // The row names the event it audits, and that event is the one in the outbox.
  EXPECT_EQ(scratch.QueryScalar("SELECT detail FROM audit_trail"),
            "event " + scratch.QueryScalar("SELECT DISTINCT event_id FROM outbox"));
  // Its time is the complaint's receipt time: both come from the service's clock in one go.
  EXPECT_EQ(scratch.QueryScalar("SELECT occurred_at FROM audit_trail"),
            scratch.QueryScalar("SELECT DISTINCT created_at FROM outbox"));

  // A retry with the same request id is refused inside the transaction and rolled back: the
  // complaint is not recorded twice and neither is its audit row.
  ASSERT_TRUE(Submit(intake, "8d0f4a52-8a52-4bbd-9c1f-3a4c2d8e0001", nullptr).ok());
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM complaints"), 1);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM audit_trail"), 1);

  ASSERT_TRUE(Submit(intake, "8d0f4a52-8a52-4bbd-9c1f-3a4c2d8e0002", nullptr).ok());
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM audit_trail"), 2);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(DISTINCT subject) FROM audit_trail"), 2);
}

TEST(AuditOfAService, AnEventWhoseTransactionRollsBackLeavesNoAuditRow) {
  ScratchDatabase scratch;
  IntakeReplica intake(scratch);
  iv1::ComplaintReceived payload;
  payload.set_number("TS-202611-000901");
  auth::Caller staff{.kind = auth::Caller::Kind::kStaff,
                     .subject = "S0006",
                     .role = "hotline_agent",
                     .department = ""};
  auth::ScopedCaller as_staff(staff);
  const absl::Status failed =
      db::RunInTransaction(intake.runtime().pool(), [&](db::Transaction& tx) -> absl::Status {
        intake.runtime().outbox().Append(tx, "TS-202611-000901", payload);
        return absl::FailedPreconditionError("the change behind it was refused");
      });
  ASSERT_EQ(failed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM audit_trail"), 0);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM outbox"), 0);

  // The same append committed: one audit row, with the states the caller gave and its actor.
  ASSERT_TRUE(db::RunInTransaction(intake.runtime().pool(), [&](db::Transaction& tx) {
                intake.runtime().outbox().Append(tx, "TS-202611-000901", payload, "req-1",
                                                 {.from = "draft", .to = "filed"});
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(scratch.QueryScalar("SELECT CONCAT_WS('|', actor, from_state, to_state, request_id)"
                                " FROM audit_trail"),
            "staff:S0006|draft|filed|req-1");
  // An event type nobody subscribes to writes no outbox row, but the change is still audited.
  ASSERT_TRUE(db::RunInTransaction(intake.runtime().pool(), [&](db::Transaction& tx) {
                intake.runtime().outbox().AppendAs(tx, "NobodyListens", "TS-202611-000901",
                                                   payload);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM outbox WHERE event_type = 'NobodyListens'"), 0);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM audit_trail WHERE action = 'NobodyListens'"), 1);
}

TEST(AuditOfAService, NoAuditRowHoldsTheCustomersNamePhoneOrEmail) {
  ScratchDatabase scratch;
  IntakeReplica intake(scratch);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        Submit(intake, absl::StrCat("5b3c1d2e-0000-4000-8000-00000000000", i), nullptr).ok());
  }
  ASSERT_EQ(Count(scratch, "SELECT COUNT(*) FROM audit_trail"), 3);
  const std::string every_column =
      "CONCAT_WS('|', actor, action, subject, from_state, to_state, detail, request_id)";
  // The check itself can see personal data where it is (the complaint row).
  ASSERT_GT(Count(scratch, absl::StrCat("SELECT COUNT(*) FROM complaints WHERE customer_email = '",
                                        kEmail, "'")),
            0);
  for (const std::string& needle :
       std::vector<std::string>{std::string(kName), std::string(kPhone), std::string(kEmail),
                                std::string("欧阳"), std::string("38000"), std::string("@")}) {
    EXPECT_EQ(Count(scratch, absl::StrCat("SELECT COUNT(*) FROM audit_trail WHERE ", every_column,
                                          " LIKE '%", needle, "%'")),
              0)
        << needle;
  }
}

// --- GetAuditTrail over gRPC --------------------------------------------------------------------

class AuditTrailRpc : public ::testing::Test {
 protected:
  void SetUp() override {
    intake_ = std::make_unique<IntakeReplica>(scratch_);
    // Seven entries of one subject a minute apart, interleaved with another subject's.
    for (int i = 0; i < 7; ++i) {
      ASSERT_TRUE(RecordOne(intake_->runtime().pool(),
                            Entry(kSubject, t0_ + absl::Minutes(i), absl::StrCat("step", i)))
                      .ok());
      ASSERT_TRUE(RecordOne(intake_->runtime().pool(),
                            Entry("TS-202611-000002", t0_ + absl::Minutes(i), "other"))
                      .ok());
    }
  }

  cv1::GetAuditTrailRequest Request(int page_size = 0) {
    cv1::GetAuditTrailRequest req;
    req.set_subject(kSubject);
    req.mutable_page()->set_page_size(page_size);
    return req;
  }

  // Follows next_page_token to the end; the actions in the order received.
  std::vector<std::string> AllPages(cv1::GetAuditTrailRequest req, std::vector<int>* sizes) {
    std::vector<std::string> actions;
    uint64_t last_id = 0;
    for (int page = 0; page < 20; ++page) {
      cv1::GetAuditTrailResponse resp;
      grpc::Status s = GetTrail(*intake_, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      sizes->push_back(resp.entries_size());
      for (const auto& e : resp.entries()) {
        EXPECT_GT(e.id(), last_id);
        last_id = e.id();
        EXPECT_EQ(e.subject(), kSubject);
        actions.push_back(e.action());
      }
      if (resp.page().next_page_token().empty()) break;
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    }
    return actions;
  }

  static constexpr char kSubject[] = "TS-202611-000001";
  const absl::Time t0_ = absl::FromUnixSeconds(1'790'000'000);
  ScratchDatabase scratch_;
  std::unique_ptr<IntakeReplica> intake_;
};

TEST_F(AuditTrailRpc, ReturnsOneSubjectsEntriesOldestFirstPageByPage) {
  std::vector<int> sizes;
  const std::vector<std::string> actions = AllPages(Request(3), &sizes);
  EXPECT_EQ(actions, (std::vector<std::string>{"step0", "step1", "step2", "step3", "step4", "step5",
                                               "step6"}));
  EXPECT_EQ(sizes, (std::vector<int>{3, 3, 1}));

  // A page exactly as large as what is left ends the trail: no token to an empty page.
  sizes.clear();
  EXPECT_EQ(AllPages(Request(7), &sizes).size(), 7u);
  EXPECT_EQ(sizes, (std::vector<int>{7}));

  cv1::GetAuditTrailResponse first;
  ASSERT_TRUE(GetTrail(*intake_, Request(1), &first).ok());
  ASSERT_EQ(first.entries_size(), 1);
  EXPECT_EQ(first.entries(0).actor(), "unrestricted");
  EXPECT_EQ(first.entries(0).detail(), "test");
  EXPECT_EQ(time::FromProto(first.entries(0).occurred_at()), t0_);
}

TEST_F(AuditTrailRpc, SinceIsInclusiveAndUntilExclusive) {
  cv1::GetAuditTrailRequest req = Request();
  *req.mutable_since() = time::ToProto(t0_ + absl::Minutes(2));
  *req.mutable_until() = time::ToProto(t0_ + absl::Minutes(5));
  std::vector<int> sizes;
  EXPECT_EQ(AllPages(req, &sizes), (std::vector<std::string>{"step2", "step3", "step4"}));
  // And with paging inside the window.
  req.mutable_page()->set_page_size(2);
  sizes.clear();
  EXPECT_EQ(AllPages(req, &sizes), (std::vector<std::string>{"step2", "step3", "step4"}));
  EXPECT_EQ(sizes, (std::vector<int>{2, 1}));
}

TEST_F(AuditTrailRpc, ASubjectWithNoEntriesHasAnEmptyTrail) {
  cv1::GetAuditTrailRequest req = Request();
  req.set_subject("TS-202611-000999");
  cv1::GetAuditTrailResponse resp;
  ASSERT_TRUE(GetTrail(*intake_, req, &resp).ok());
  EXPECT_EQ(resp.entries_size(), 0);
  EXPECT_TRUE(resp.page().next_page_token().empty());
}

TEST_F(AuditTrailRpc, RefusesABadRequestNamingTheField) {
  cv1::GetAuditTrailResponse first;
  ASSERT_TRUE(GetTrail(*intake_, Request(2), &first).ok());
  const std::string token = first.page().next_page_token();
  ASSERT_FALSE(token.empty());

  struct Case {
    std::string what, field;
    cv1::GetAuditTrailRequest req;
  };
  std::vector<Case> cases;
  cases.push_back({"no subject", "subject", Request()});
  cases.back().req.clear_subject();
  cases.push_back({"subject too long", "subject", Request()});
  cases.back().req.set_subject(std::string(65, 'S'));
  cases.push_back({"subject with a space", "subject", Request()});
  cases.back().req.set_subject("TS 1");
  cases.push_back({"page too large", "page.page_size", Request(501)});
  cases.push_back({"negative page", "page.page_size", Request(-1)});
  cases.push_back({"garbage token", "page.page_token", Request()});
  cases.back().req.mutable_page()->set_page_token("not-a-token");
  cases.push_back({"token of another subject", "page.page_token", Request()});
  cases.back().req.set_subject("TS-202611-000002");
  cases.back().req.mutable_page()->set_page_token(token);
  cases.push_back({"token of another window", "page.page_token", Request()});
  *cases.back().req.mutable_since() = time::ToProto(t0_);
  cases.back().req.mutable_page()->set_page_token(token);
  cases.push_back({"invalid since", "since", Request()});
  cases.back().req.mutable_since()->set_nanos(-1);
  cases.push_back({"since before the year 1000", "since", Request()});
  cases.back().req.mutable_since()->set_seconds(time::kMinTimestampSeconds);
  cases.push_back({"until not after since", "until", Request()});
  *cases.back().req.mutable_since() = time::ToProto(t0_);
  *cases.back().req.mutable_until() = time::ToProto(t0_);
  for (const Case& c : cases) {
    cv1::GetAuditTrailResponse resp;
    grpc::Status s = GetTrail(*intake_, c.req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.what;
    EXPECT_TRUE(absl::StartsWith(s.error_message(), c.field + ":"))
        << c.what << ": " << s.error_message();
  }
  // The same token with its own filters is fine: the checks above refused for their reason.
  cv1::GetAuditTrailRequest good = Request(2);
  good.mutable_page()->set_page_token(token);
  cv1::GetAuditTrailResponse resp;
  EXPECT_TRUE(GetTrail(*intake_, good, &resp).ok());
  EXPECT_EQ(resp.entries_size(), 2);
}

TEST_F(AuditTrailRpc, IsHealthCheckedAndCountedLikeTheServicesOwnApi) {
  EXPECT_EQ(testing::HealthStatus(intake_->runtime().grpc_port(), audit::kAuditTrailServiceName),
            1);
  const std::string before = testing::HttpGet(intake_->runtime().metrics_port(), "/metrics");
  EXPECT_EQ(testing::MetricValue(before, "grpc_server_handled_total",
                                 {"grpc_service=\"complaints.common.v1.AuditTrail\"",
                                  "grpc_method=\"GetAuditTrail\"", "grpc_code=\"OK\""}),
            0);
  cv1::GetAuditTrailResponse resp;
  ASSERT_TRUE(GetTrail(*intake_, Request(), &resp).ok());
  const std::string after = testing::HttpGet(intake_->runtime().metrics_port(), "/metrics");
  EXPECT_EQ(testing::MetricValue(after, "grpc_server_handled_total",
                                 {"grpc_service=\"complaints.common.v1.AuditTrail\"",
                                  "grpc_method=\"GetAuditTrail\"", "grpc_code=\"OK\""}),
            1);
}

}  // namespace
}  // namespace tousu
