// Retention of customers' personal data (PIPL) against the real MariaDB: the intake runtime
// in-process with the controllable clock, complaints submitted over gRPC and closed in the
// database, the clock moved past TOUSU_INTAKE_RETENTION_AFTER_CLOSE, and the retention job run.

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/db/sql_time.h"
#include "common/server/server.h"
#include "common/time/clock.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "services/intake/access.h"
#include "services/intake/domain/retention.h"
#include "services/intake/intake_service.h"
#include "services/intake/retention.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace iv1 = complaints::intake::v1;
namespace cv1 = complaints::common::v1;
using testing::ScratchDatabase;

constexpr char kName[] = "欧阳娜娜";
constexpr char kPhone[] = "+86 13800138000";
constexpr char kPhoneKey[] = "13800138000";
constexpr char kEmail[] = "nana.ouyang@example.com";

// One intake replica as main.cc assembles it (its settings read from the configuration, the
// retention job among them), with the clock offset file.
class Replica {
 public:
  Replica(const ScratchDatabase& scratch, const std::string& clock_file,
          const std::vector<std::string>& extra_env = {}) {
    const db::DbOptions db = scratch.options();
    const std::string p = "TOUSU_INTAKE_";
    std::vector<std::string> env = testing::InProcessEnv("INTAKE", db);
    env.insert(env.end(), {
                              p + "SUBSCRIPTIONS_FILE=/dev/null",
                              p + "PEERS=",
                              p + "LOG_LEVEL=info",
                              p + "CLOCK_OFFSET_FILE=" + clock_file,
                              p + "RETENTION_AFTER_CLOSE=30d",
                          });
    env.insert(env.end(), extra_env.begin(), extra_env.end());
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
    auto settings = intake::IntakeSettings::FromConfig(cfg);
    EXPECT_TRUE(settings.ok()) << settings.status();
    service_ = std::make_unique<intake::IntakeService>(*runtime_, *settings);
    const absl::Status started = runtime_->Start();
    EXPECT_TRUE(started.ok()) << started;
    EXPECT_TRUE(runtime_->WaitUntilServing(absl::Seconds(30)));
    intake_ = iv1::IntakeService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", runtime_->grpc_port()), grpc::InsecureChannelCredentials()));
  }

  ~Replica() {
    if (runtime_) runtime_->Shutdown();
    service_.reset();
    runtime_.reset();
  }

  intake::RetentionJob& retention() { return service_->retention(); }
  // Starts the runtime's periodic tasks, the retention job's timer among them.
  void StartTimers() { runtime_->StartPeriodicTasks(); }
  iv1::IntakeService::Stub& intake() { return *intake_; }
  std::string Metrics() { return testing::HttpGet(runtime_->metrics_port(), "/metrics"); }

 private:
  std::unique_ptr<server::ServiceRuntime> runtime_;
  std::unique_ptr<intake::IntakeService> service_;
  std::unique_ptr<iv1::IntakeService::Stub> intake_;
};

class Retention : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_file_ = ::testing::TempDir() + "/retention_clock_" + scratch_.name();
    ASSERT_TRUE(time::OffsetFileClock::WriteOffset(clock_file_, absl::ZeroDuration()));
  }
  void MoveClock(absl::Duration offset) {
    ASSERT_TRUE(time::OffsetFileClock::WriteOffset(clock_file_, offset));
    absl::SleepFor(absl::Milliseconds(120));  // the clock re-reads the file within 50 ms
  }

  std::string Submit(Replica& r, const std::string& request_id) {
    iv1::SubmitComplaintRequest req;
    req.set_request_id(request_id);
    iv1::ComplaintInput& c = *req.mutable_complaint();
    c.set_customer_name(kName);
    c.set_customer_phone(kPhone);
    c.set_customer_email(kEmail);
    c.set_project("翡翠湾·二期");
    c.set_building("3栋");
    c.set_unit("1502室");
    c.set_description(
        absl::StrCat("客厅墙体开裂，请联系", kName, "，电话", kPhoneKey, "，邮箱", kEmail));
    c.set_expected_resolution("尽快维修");
    *c.mutable_occurred_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
        absl::ToUnixSeconds(absl::Now() - absl::Hours(30)));
    c.set_severity(cv1::SEVERITY_HIGH);
    c.set_channel(cv1::CHANNEL_APP);
    c.set_journey_stage(cv1::JOURNEY_STAGE_HANDOVER);
    iv1::SubmitComplaintResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    const grpc::Status s = r.intake().SubmitComplaint(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.complaint().number();
  }

  // Closes `number` in the database as follow-up's ComplaintClosed would, `closed_at` ago on the
  // wall clock, with a satisfaction score and a department; and a timeline line that repeats the
  // customer's phone.
  void Close(const std::string& number, absl::Duration ago) {
    scratch_.Execute(absl::StrCat("UPDATE complaints SET status = ", iv1::COMPLAINT_STATUS_CLOSED,
                                  ", category = ", cv1::CATEGORY_PRODUCT_QUALITY,
                                  ", department_id = 'engineering', owner_staff_id = 'S0021',",
                                  " cycle = 1, satisfaction = 4, closed_at = '",
                                  db::ToSqlDateTime(absl::Now() - ago), "' WHERE number = '",
                                  number, "'"));
    scratch_.Execute(absl::StrCat(
        "INSERT INTO complaint_timeline (complaint_id, occurred_at, event_type, summary)"
        " SELECT id, closed_at, ",
        iv1::TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED, ", '回访完成，已致电 ", kPhoneKey,
        "' FROM complaints WHERE number = '", number, "'"));
  }

  std::string Column(const std::string& number, const std::string& column) {
    return scratch_.QueryScalar(
        absl::StrCat("SELECT ", column, " FROM complaints WHERE number = '", number, "'"));
  }
  // Everything but the personal data, over every complaint: what analytics and reports count.
  std::string Figures() {
    return scratch_.QueryScalar(
        "SELECT GROUP_CONCAT(CONCAT_WS('|', number, status, category, department_id, "
        "owner_staff_id,"
        " severity, channel, journey_stage, project, building, unit, occurred_at, received_at,"
        " updated_at, ack_due, solution_due, closed_at, satisfaction, cycle, request_id,"
        " (SELECT COUNT(*) FROM complaint_timeline t WHERE t.complaint_id = c.id))"
        " ORDER BY id SEPARATOR '\\n') FROM complaints c");
  }
  // Every column and every timeline line: a pass that changes nothing leaves this as it was.
  std::string Everything() {
    return scratch_.QueryScalar(
               "SELECT GROUP_CONCAT(CONCAT_WS('|', number, customer_name, customer_phone,"
               " customer_phone_key, customer_email, input_hash, description, anonymised_at)"
               " ORDER BY id SEPARATOR '\\n') FROM complaints") +
           scratch_.QueryScalar(
               "SELECT GROUP_CONCAT(summary ORDER BY id SEPARATOR '\\n') FROM complaint_timeline");
  }
  static double Anonymised(Replica& r) {
    return testing::MetricValue(r.Metrics(), "tousu_intake_anonymised_total", {});
  }

  ScratchDatabase scratch_;
  std::string clock_file_;
};

TEST_F(Retention, ComplaintsClosedLongerThanTheSettingAreAnonymisedAndNothingElseChanges) {
  Replica r(scratch_, clock_file_);
  const std::string long_closed = Submit(r, "ret-long");
  const std::string recently_closed = Submit(r, "ret-recent");
  const std::string open = Submit(r, "ret-open");
  Close(long_closed, absl::Hours(24 * 2));
  Close(recently_closed, absl::Minutes(1));
  const std::string figures = Figures();
  const std::string open_before = Everything();

  // Closed 2 days and 1 minute ago, 30 days to wait: nothing yet.
  EXPECT_EQ(*r.retention().RunOnce(), 0);
  EXPECT_EQ(Everything(), open_before);

  // 29 days on: the first was closed 31 days ago, the second 29.
  MoveClock(absl::Hours(24 * 29));
  auto done = r.retention().RunOnce();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(*done, 1);
  EXPECT_EQ(Column(long_closed, "customer_name"), intake::kAnonymisedName);
  EXPECT_EQ(Column(long_closed, "customer_phone"), "");
  EXPECT_EQ(Column(long_closed, "customer_phone_key"), "");
  EXPECT_EQ(Column(long_closed, "customer_email"), "");
  EXPECT_EQ(Column(long_closed, "anonymised_at IS NOT NULL"), "1");
  // The customer's own data copied into the text is blanked; the rest of the text stays.
  EXPECT_EQ(Column(long_closed, "description"), "客厅墙体开裂，请联系**，电话**，邮箱**");
  EXPECT_EQ(
      scratch_.QueryScalar(absl::StrCat(
          "SELECT summary FROM complaint_timeline t JOIN complaints c ON c.id = t.complaint_id"
          " WHERE c.number = '",
          long_closed, "' AND t.event_type = ", iv1::TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED)),
      "回访完成，已致电 **");
  for (const std::string& kept : {recently_closed, open}) {
    EXPECT_EQ(Column(kept, "customer_name"), kName) << kept;
    EXPECT_EQ(Column(kept, "customer_phone"), kPhone) << kept;
    EXPECT_EQ(Column(kept, "customer_email"), kEmail) << kept;
    EXPECT_EQ(Column(kept, "anonymised_at IS NULL"), "1") << kept;
  }
  // Every figure, date and count as before.
  EXPECT_EQ(Figures(), figures);
  EXPECT_EQ(scratch_.QueryScalar("SELECT COUNT(*) FROM complaints"), "3");
  EXPECT_EQ(Anonymised(r), 1);

  // A second run changes nothing.
  const std::string after_first = Everything();
  EXPECT_EQ(*r.retention().RunOnce(), 0);
  EXPECT_EQ(Everything(), after_first);
  EXPECT_EQ(Figures(), figures);

  // Two more days: the second one's turn; the open one is kept however long it stays open.
  MoveClock(absl::Hours(24 * 31));
  EXPECT_EQ(*r.retention().RunOnce(), 1);
  EXPECT_EQ(Column(recently_closed, "customer_name"), intake::kAnonymisedName);
  EXPECT_EQ(Column(open, "customer_name"), kName);
  EXPECT_EQ(Figures(), figures);
  EXPECT_EQ(Anonymised(r), 2);

  // The service answers with the anonymised record once the read cache's TTL (1 s) passed.
  absl::SleepFor(absl::Milliseconds(1100));
  iv1::GetComplaintRequest get;
  get.set_number(long_closed);
  iv1::GetComplaintResponse got;
  grpc::ClientContext ctx;
  const grpc::Status s = r.intake().GetComplaint(&ctx, get, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.complaint().input().customer_name(), intake::kAnonymisedName);
  EXPECT_EQ(got.complaint().input().customer_phone(), "");
  EXPECT_EQ(got.complaint().status(), iv1::COMPLAINT_STATUS_CLOSED);
}

TEST_F(Retention, TwoReplicasRunningTheJobAtOnceAnonymiseEachComplaintOnce) {
  const std::vector<std::string> small_batches = {"TOUSU_INTAKE_RETENTION_BATCH=3"};
  Replica a(scratch_, clock_file_, small_batches);
  Replica b(scratch_, clock_file_, small_batches);
  constexpr int kComplaints = 20;
  for (int i = 0; i < kComplaints; ++i)
    Close(Submit(i % 2 ? a : b, absl::StrCat("ret-", i)), absl::Hours(1));
  const std::string figures = Figures();
  MoveClock(absl::Hours(24 * 31));
  absl::StatusOr<int> done_a, done_b;
  std::thread ta([&] { done_a = a.retention().RunOnce(); });
  std::thread tb([&] { done_b = b.retention().RunOnce(); });
  ta.join();
  tb.join();
  ASSERT_TRUE(done_a.ok()) << done_a.status();
  ASSERT_TRUE(done_b.ok()) << done_b.status();
  EXPECT_EQ(*done_a + *done_b, kComplaints);
  EXPECT_EQ(Anonymised(a) + Anonymised(b), kComplaints);
  EXPECT_EQ(scratch_.QueryScalar("SELECT COUNT(*) FROM complaints WHERE anonymised_at IS NOT NULL"
                                 " AND customer_name = '" +
                                 std::string(intake::kAnonymisedName) + "'"),
            absl::StrCat(kComplaints));
  EXPECT_EQ(Figures(), figures);
}

TEST_F(Retention, TheJobRunsByItselfOnTheTimer) {
  Replica r(scratch_, clock_file_, {"TOUSU_INTAKE_RETENTION_CHECK_EVERY=200ms"});
  const std::string number = Submit(r, "ret-timer");
  Close(number, absl::Hours(1));
  r.StartTimers();
  MoveClock(absl::Hours(24 * 31));
  for (int i = 0; i < 50 && Column(number, "anonymised_at IS NULL") == "1"; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(Column(number, "customer_name"), intake::kAnonymisedName);
  EXPECT_EQ(Anonymised(r), 1);
}

TEST(RetentionSettings, ZeroTurnsTheJobOffAndBadValuesNameTheVariable) {
  auto off = intake::RetentionSettings::FromConfig(
      config::Config("INTAKE", {"TOUSU_INTAKE_RETENTION_AFTER_CLOSE=0"}, {}));
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->after_close.has_value());
  auto unset = intake::RetentionSettings::FromConfig(config::Config("INTAKE", {}, {}));
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(unset->after_close, intake::kDefaultRetentionAfterClose);
  EXPECT_EQ(unset->check_every, absl::Hours(1));
  auto bad = intake::RetentionSettings::FromConfig(
      config::Config("INTAKE", {"TOUSU_INTAKE_RETENTION_AFTER_CLOSE=soon"}, {}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("TOUSU_INTAKE_RETENTION_AFTER_CLOSE"), std::string::npos);
}

}  // namespace
}  // namespace tousu
