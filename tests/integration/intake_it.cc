// The intake service (complaints.intake.v1.IntakeService) against the real MariaDB: each test runs
// the service in-process on the shared runtime (migrations, executor, outbox, EventSink, metrics
// endpoint), in a scratch database of its own, and calls it over real loopback gRPC.

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/events/outbox.h"
#include "common/log/log.h"
#include "common/server/server.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/common/v1/events.grpc.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/intake/access.h"
#include "services/intake/domain/complaint_number.h"
#include "services/intake/domain/progress.h"
#include "services/intake/domain/timestamps.h"
#include "services/intake/intake_service.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace iv1 = complaints::intake::v1;
namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
using google::protobuf::util::MessageDifferencer;
using intake::FromProto;
using intake::ToProto;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScratchDatabase;
using ::testing::StartsWith;

// Text customers really type, and text that tries to break things.
constexpr char kName[] = "欧阳娜娜 O'Brien";
constexpr char kPhone[] = "13800138000";
constexpr char kEmail[] = "nana.ouyang@example.com";
constexpr char kDescription[] =
    "客厅墙体开裂，雨天渗水严重 😢🏠\r\n"
    "物业说\"不归我们管\"；'; DROP TABLE complaints; --\n"
    "\tバックスラッシュ \\ 和 `反引号`  （全角括号）";
constexpr char kExpected[] = "尽快维修 & 赔偿损失 <b>不是HTML</b> 👍";

// One intake replica: the runtime and the service, assembled as main.cc does, on port 0.
class Replica {
 public:
  Replica(const ScratchDatabase& scratch, const std::string& log_level = "error",
          intake::IntakeSettings settings = {}) {
    const db::DbOptions db = scratch.options();
    const std::string subscriptions =
        ::testing::TempDir() + "/intake_subscriptions_" + scratch.name() + ".txt";
    std::ofstream(subscriptions) << "ComplaintReceived  routing\n";
    const std::string p = "TOUSU_INTAKE_";
    std::vector<std::string> env = testing::InProcessEnv("INTAKE", db);
    env.insert(env.end(), {
        p + "DB_POOL_SIZE=8",
        p + "SUBSCRIPTIONS_FILE=" + subscriptions,
        // Nothing listens there: the relay keeps the rows pending, which is what the tests read.
        p + "PEERS=routing=127.0.0.1:" + std::to_string(testing::FreePort()),
        p + "LOG_LEVEL=" + log_level,
    });
    config::Config cfg("INTAKE", env, {});
    auto rt = server::ServiceRuntime::Create(
        {.name = "intake",
         .env_name = "INTAKE",
         .grpc_services = {intake::kGrpcServiceName},
         .migrations = &db::intake_migrations(),
         .access = intake::IntakeAccessTable()},
        cfg);
    EXPECT_TRUE(rt.ok()) << rt.status();
    if (!rt.ok()) return;
    runtime_ = std::move(*rt);
    service_ = std::make_unique<intake::IntakeService>(*runtime_, settings);
    service_->RegisterEventHandlers(runtime_->event_sink());
    runtime_->ServeEventSink();
    runtime_->AddService(service_.get());
    const absl::Status started = runtime_->Start();
    EXPECT_TRUE(started.ok()) << started;
    EXPECT_TRUE(runtime_->WaitUntilServing(absl::Seconds(30)));
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", runtime_->grpc_port()),
                                       grpc::InsecureChannelCredentials());
    intake_ = iv1::IntakeService::NewStub(channel);
    sink_ = cv1::EventSink::NewStub(channel);
  }

  ~Replica() {
    // The server stops before the service it calls into goes away.
    if (runtime_) runtime_->Shutdown();
    service_.reset();
    runtime_.reset();
  }

  iv1::IntakeService::Stub& intake() { return *intake_; }
  cv1::EventSink::Stub& sink() { return *sink_; }
  std::string Metrics() { return testing::HttpGet(runtime_->metrics_port(), "/metrics"); }

 private:
  std::unique_ptr<server::ServiceRuntime> runtime_;
  std::unique_ptr<intake::IntakeService> service_;
  std::unique_ptr<iv1::IntakeService::Stub> intake_;
  std::unique_ptr<cv1::EventSink::Stub> sink_;
};

iv1::ComplaintInput Input() {
  iv1::ComplaintInput c;
  c.set_customer_name(kName);
  c.set_customer_phone(kPhone);
  c.set_customer_email(kEmail);
  c.set_project("翡翠湾·二期");
  c.set_building("3栋");
  c.set_unit("1502室");
  c.set_description(kDescription);
  // Whole microseconds: what DATETIME(6) keeps.
  *c.mutable_occurred_at() =
      ToProto(absl::FromUnixMicros(absl::ToUnixMicros(absl::Now() - absl::Hours(30))));
  c.set_severity(cv1::SEVERITY_HIGH);
  c.set_expected_resolution(kExpected);
  c.set_channel(cv1::CHANNEL_APP);
  c.set_journey_stage(cv1::JOURNEY_STAGE_HANDOVER);
  return c;
}

struct Submitted {
  grpc::Status status;
  iv1::SubmitComplaintResponse response;
};

Submitted Submit(iv1::IntakeService::Stub& stub, const std::string& request_id,
                 const iv1::ComplaintInput& input) {
  iv1::SubmitComplaintRequest req;
  req.set_request_id(request_id);
  *req.mutable_complaint() = input;
  Submitted out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  out.status = stub.SubmitComplaint(&ctx, req, &out.response);
  return out;
}

// Submits and expects success; returns the number.
std::string MustSubmit(iv1::IntakeService::Stub& stub, const std::string& request_id,
                       const iv1::ComplaintInput& input) {
  Submitted s = Submit(stub, request_id, input);
  EXPECT_TRUE(s.status.ok()) << s.status.error_message();
  return s.response.complaint().number();
}

std::pair<grpc::Status, iv1::Complaint> Get(iv1::IntakeService::Stub& stub,
                                            const std::string& number) {
  iv1::GetComplaintRequest req;
  req.set_number(number);
  iv1::GetComplaintResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = stub.GetComplaint(&ctx, req, &resp);
  return {s, resp.complaint()};
}

std::pair<grpc::Status, iv1::ListComplaintsResponse> List(iv1::IntakeService::Stub& stub,
                                                          const iv1::ListComplaintsRequest& req) {
  iv1::ListComplaintsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = stub.ListComplaints(&ctx, req, &resp);
  return {s, resp};
}

// Every page of `req`, following next_page_token; `between` runs after each page.
std::vector<std::string> ListAll(iv1::IntakeService::Stub& stub, iv1::ListComplaintsRequest req,
                                 const std::function<void()>& between = {}) {
  std::vector<std::string> numbers;
  for (int page = 0; page < 100; ++page) {
    auto [s, resp] = List(stub, req);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) break;
    for (const auto& c : resp.complaints()) numbers.push_back(c.number());
    if (resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
    if (between) between();
  }
  return numbers;
}

int Count(const ScratchDatabase& db, const std::string& sql) {
  int n = -1;
  EXPECT_TRUE(absl::SimpleAtoi(db.QueryScalar(sql), &n)) << sql;
  return n;
}

// Rows intake wrote anywhere: complaints, timeline, outbox, number counters.
int RowsWritten(const ScratchDatabase& db) {
  return Count(db, "SELECT COUNT(*) FROM complaints") +
         Count(db, "SELECT COUNT(*) FROM complaint_timeline") +
         Count(db, "SELECT COUNT(*) FROM outbox") +
         Count(db, "SELECT COUNT(*) FROM complaint_number_sequences");
}

template <typename Message>
cv1::Event ProducerEvent(const std::string& producer, const std::string& type,
                         const std::string& number, const Message& m) {
  cv1::Event e;
  e.set_event_id(events::NewEventId());
  e.set_event_type(type);
  e.set_aggregate_id(number);
  e.set_producer(producer);
  *e.mutable_occurred_at() = ToProto(absl::Now());
  e.mutable_payload()->PackFrom(m);
  return e;
}

template <typename Message>
cv1::Event RoutingEvent(const std::string& type, const std::string& number, const Message& m) {
  return ProducerEvent("routing", type, number, m);
}
template <typename Message>
cv1::Event CaseEvent(const std::string& type, const std::string& number, const Message& m) {
  return ProducerEvent("case-handling", type, number, m);
}
template <typename Message>
cv1::Event FollowUpEvent(const std::string& type, const std::string& number, const Message& m) {
  return ProducerEvent("follow-up", type, number, m);
}

// Delivers `event` as the routing relay would; returns whether it was a repeat.
bool Deliver(Replica& replica, const cv1::Event& event) {
  cv1::DeliverEventRequest req;
  *req.mutable_event() = event;
  cv1::DeliverEventResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = replica.sink().DeliverEvent(&ctx, req, &resp);
  EXPECT_TRUE(s.ok()) << event.event_type() << ": " << s.error_message();
  return resp.duplicate();
}

// --- Submitting ------------------------------------------------------------------------------

TEST(Submit, WhatTheCustomerWroteComesBackByteForByte) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ComplaintInput input = Input();
  input.set_channel(cv1::CHANNEL_HOTLINE);
  input.set_recorded_by_staff_id("S0001");
  input.set_staff_category(cv1::CATEGORY_PRODUCT_QUALITY);
  const absl::Time before = absl::Now();
  Submitted submitted = Submit(intake.intake(), "req-roundtrip", input);
  ASSERT_TRUE(submitted.status.ok()) << submitted.status.error_message();
  EXPECT_FALSE(submitted.response.replayed());
  const iv1::Complaint& made = submitted.response.complaint();
  EXPECT_TRUE(intake::CheckNumber("number", made.number()).ok()) << made.number();

  auto [status, got] = Get(intake.intake(), made.number());
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::string diff;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(input, got.input())) << diff;
  EXPECT_EQ(got.input().description(), kDescription);  // the bytes, not just "equal"
  EXPECT_TRUE(MessageDifferencer::Equals(made, got));
  EXPECT_EQ(got.status(), iv1::COMPLAINT_STATUS_RECEIVED);
  EXPECT_EQ(got.category(), cv1::CATEGORY_PRODUCT_QUALITY);  // the staff's until routing's
  EXPECT_FALSE(got.has_ack_due());
  EXPECT_FALSE(got.has_solution_due());
  EXPECT_GE(FromProto(got.received_at()), before - absl::Seconds(1));
  EXPECT_LE(FromProto(got.received_at()), absl::Now());
  EXPECT_EQ(intake::MonthOfReceipt(FromProto(got.received_at())), made.number().substr(3, 6));
  ASSERT_EQ(got.timeline_size(), 1);
  EXPECT_EQ(got.timeline(0).type(), iv1::TIMELINE_EVENT_TYPE_RECEIVED);
  EXPECT_EQ(got.timeline(0).summary(), "您的投诉已通过客服热线受理");
  EXPECT_EQ(got.timeline(0).actor_id(), "S0001");
  EXPECT_TRUE(MessageDifferencer::Equals(got.timeline(0).at(), got.received_at()));
  // The column really holds the text as UTF-8 (utf8mb4), not mangled through latin1.
  EXPECT_EQ(scratch.QueryScalar("SELECT HEX(customer_name) FROM complaints"),
            absl::AsciiStrToUpper(absl::BytesToHexString(kName)));
}

TEST(Submit, EachInvalidFieldIsRefusedNamingItAndNothingIsWritten) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  using Change = std::function<void(iv1::SubmitComplaintRequest*)>;
  const std::vector<std::pair<std::string, Change>> cases = {
      {"request_id", [](auto* r) { r->set_request_id("has spaces"); }},
      {"complaint.customer_name", [](auto* r) { r->mutable_complaint()->clear_customer_name(); }},
      {"complaint.customer_name",
       [](auto* r) { r->mutable_complaint()->set_customer_name(std::string(51, 'x')); }},
      {"complaint.customer_phone",
       [](auto* r) { r->mutable_complaint()->set_customer_phone("12345"); }},
      {"complaint.customer_email",
       [](auto* r) { r->mutable_complaint()->set_customer_email("not-an-email"); }},
      {"complaint.project", [](auto* r) { r->mutable_complaint()->set_project("\xff\xfe"); }},
      {"complaint.building", [](auto* r) { r->mutable_complaint()->set_building("3\n栋"); }},
      {"complaint.unit", [](auto* r) { r->mutable_complaint()->clear_unit(); }},
      {"complaint.description", [](auto* r) { r->mutable_complaint()->set_description("漏水"); }},
      {"complaint.occurred_at",
       [](auto* r) {
         *r->mutable_complaint()->mutable_occurred_at() = ToProto(absl::Now() + absl::Hours(1));
       }},
      {"complaint.severity",
       [](auto* r) { r->mutable_complaint()->set_severity(static_cast<cv1::Severity>(9)); }},
      {"complaint.expected_resolution",
       [](auto* r) { r->mutable_complaint()->clear_expected_resolution(); }},
      {"complaint.channel", [](auto* r) { r->mutable_complaint()->clear_channel(); }},
      {"complaint.journey_stage",
       [](auto* r) {
         r->mutable_complaint()->set_journey_stage(static_cast<cv1::JourneyStage>(77));
       }},
      {"complaint.recorded_by_staff_id",
       [](auto* r) { r->mutable_complaint()->set_channel(cv1::CHANNEL_WALK_IN); }},
      {"complaint.staff_category",
       [](auto* r) { r->mutable_complaint()->set_staff_category(static_cast<cv1::Category>(12)); }},
  };
  for (const auto& [field, change] : cases) {
    iv1::SubmitComplaintRequest req;
    req.set_request_id("req-invalid");
    *req.mutable_complaint() = Input();
    change(&req);
    iv1::SubmitComplaintResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = intake.intake().SubmitComplaint(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(s.error_message(), StartsWith(field + ": "));
  }
  EXPECT_EQ(RowsWritten(scratch), 0);
  const std::string metrics = intake.Metrics();
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_validation_failures_total",
                                 {"field=\"complaint.customer_name\""}),
            2);
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_validation_failures_total",
                                 {"field=\"request_id\""}),
            1);
}

TEST(Submit, ARetryReturnsTheSameComplaintAndWritesNothingNew) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const iv1::ComplaintInput input = Input();
  Submitted first = Submit(intake.intake(), "req-retry", input);
  ASSERT_TRUE(first.status.ok());
  const int rows = RowsWritten(scratch);
  Submitted again = Submit(intake.intake(), "req-retry", input);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_TRUE(again.response.replayed());
  EXPECT_EQ(again.response.complaint().number(), first.response.complaint().number());
  EXPECT_TRUE(MessageDifferencer::Equals(again.response.complaint(), first.response.complaint()));
  EXPECT_EQ(RowsWritten(scratch), rows);
  // Nor does it reserve numbers: the shared counter still stands at the end of the first block.
  EXPECT_EQ(scratch.QueryScalar("SELECT MAX(last_value) FROM complaint_number_sequences"), "100");
  EXPECT_EQ(testing::MetricValue(intake.Metrics(), "tousu_intake_submission_replays_total", {}), 1);
}

TEST(Submit, TheSameRequestIdWithDifferentContentIsRefused) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ComplaintInput input = Input();
  ASSERT_FALSE(MustSubmit(intake.intake(), "req-reused", input).empty());
  const int rows = RowsWritten(scratch);
  input.set_unit("1503室");
  Submitted reused = Submit(intake.intake(), "req-reused", input);
  EXPECT_EQ(reused.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(reused.status.error_message(), StartsWith("request_id: "));
  EXPECT_EQ(RowsWritten(scratch), rows);
}

TEST(Submit, ConcurrentRetriesOfOneSubmissionMakeOneComplaint) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const iv1::ComplaintInput input = Input();
  constexpr int kCallers = 8;
  std::vector<Submitted> results(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back(
        [&, i] { results[i] = Submit(intake.intake(), "req-double-click", input); });
  }
  for (auto& t : callers) t.join();
  std::set<std::string> numbers;
  int fresh = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    numbers.insert(r.response.complaint().number());
    if (!r.response.replayed()) ++fresh;
  }
  EXPECT_EQ(numbers.size(), 1u);
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM complaints"), 1);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM complaint_timeline"), 1);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM outbox"), 1);
}

// --- Numbers -----------------------------------------------------------------------------------

TEST(Numbering, TwentyConcurrentSubmissionsGetTwentyDistinctNumbers) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  constexpr int kCallers = 20;
  std::vector<Submitted> results(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back(
        [&, i] { results[i] = Submit(intake.intake(), absl::StrCat("req-burst-", i), Input()); });
  }
  for (auto& t : callers) t.join();
  std::set<std::string> numbers;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    numbers.insert(r.response.complaint().number());
  }
  EXPECT_EQ(numbers.size(), 20u);
  // Nothing failed, so nothing was skipped either: the counters are 1..20.
  std::set<int> counters;
  for (const auto& n : numbers) counters.insert(std::stoi(n.substr(10)));
  EXPECT_EQ(*counters.begin(), 1);
  EXPECT_EQ(*counters.rbegin(), 20);
}

TEST(Numbering, TwoReplicasOnOneDatabaseNeverRepeatANumber) {
  ScratchDatabase scratch;
  // Blocks of three: the replicas take turns on the shared counter many times over.
  const intake::IntakeSettings small_blocks{.number_block = 3};
  Replica a(scratch, "error", small_blocks), b(scratch, "error", small_blocks);
  constexpr int kPerReplica = 15;
  std::vector<Submitted> results(2 * kPerReplica);
  std::vector<std::thread> callers;
  for (int i = 0; i < 2 * kPerReplica; ++i) {
    Replica& replica = i % 2 == 0 ? a : b;
    callers.emplace_back([&, i] {
      results[i] = Submit(replica.intake(), absl::StrCat("req-replica-", i), Input());
    });
  }
  for (auto& t : callers) t.join();
  std::set<std::string> numbers;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    numbers.insert(r.response.complaint().number());
  }
  EXPECT_EQ(numbers.size(), 30u);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(DISTINCT number) FROM complaints"), 30);
  // Every block handed out was used up: ten blocks of three, no gap.
  EXPECT_EQ(scratch.QueryScalar("SELECT MAX(last_value) FROM complaint_number_sequences"), "30");
}

TEST(Numbering, AMalformedNumberIsInvalidAndAnUnknownOneIsNotFound) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  auto [malformed, _] = Get(intake.intake(), "TS-2026-1");
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(malformed.error_message(), StartsWith("number: "));
  auto [unknown, unused] = Get(intake.intake(), "TS-209912-000001");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
}

// --- The event routing acts on -------------------------------------------------------------------

TEST(Outbox, EachSubmissionWritesOneComplaintReceivedEventAndAFailedOneNone) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ComplaintInput input = Input();
  input.set_staff_category(cv1::CATEGORY_HANDOVER);
  const std::string first = MustSubmit(intake.intake(), "req-event-1", input);
  const std::string second = MustSubmit(intake.intake(), "req-event-2", Input());
  iv1::ComplaintInput invalid = Input();
  invalid.set_customer_phone("not a phone");
  EXPECT_FALSE(Submit(intake.intake(), "req-event-3", invalid).status.ok());

  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM outbox"), 2);
  EXPECT_EQ(Count(scratch,
                  "SELECT COUNT(*) FROM outbox WHERE event_type = 'ComplaintReceived'"
                  " AND subscriber = 'routing'"),
            2);
  for (const std::string& number : {first, second}) {
    EXPECT_EQ(Count(scratch, absl::StrCat("SELECT COUNT(*) FROM outbox WHERE aggregate_id = '",
                                          number, "'")),
              1);
  }
  std::string envelope;
  ASSERT_TRUE(absl::Base64Unescape(
      scratch.QueryScalar(absl::StrCat(
          "SELECT TO_BASE64(envelope) FROM outbox WHERE aggregate_id = '", first, "'")),
      &envelope));
  cv1::Event event;
  ASSERT_TRUE(event.ParseFromString(envelope));
  EXPECT_EQ(event.producer(), "intake");
  EXPECT_EQ(event.request_id(), "req-event-1");
  iv1::ComplaintReceived received;
  ASSERT_TRUE(event.payload().UnpackTo(&received));
  EXPECT_EQ(received.number(), first);
  EXPECT_EQ(received.description(), kDescription);
  EXPECT_EQ(received.project(), input.project());
  EXPECT_EQ(received.staff_category(), cv1::CATEGORY_HANDOVER);
  EXPECT_EQ(received.channel(), cv1::CHANNEL_APP);
  EXPECT_TRUE(MessageDifferencer::Equals(received.occurred_at(), input.occurred_at()));
}

// --- Listing -------------------------------------------------------------------------------------

TEST(List, FiltersFindTheComplaintsTheyNameAndNoOthers) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ComplaintInput mine = Input();
  mine.set_customer_phone("+86 13900001111");
  const std::string a = MustSubmit(intake.intake(), "req-list-a", mine);
  iv1::ComplaintInput other_project = Input();
  other_project.set_project("云栖苑");
  other_project.set_channel(cv1::CHANNEL_WEB);
  const std::string b = MustSubmit(intake.intake(), "req-list-b", other_project);
  Submitted c_submitted = Submit(intake.intake(), "req-list-c", Input());
  ASSERT_TRUE(c_submitted.status.ok());
  const std::string c = c_submitted.response.complaint().number();
  const std::string d = MustSubmit(intake.intake(), "req-list-d", Input());

  iv1::ListComplaintsRequest by_phone;
  by_phone.set_customer_phone("13900001111");  // written differently from the submission
  EXPECT_EQ(ListAll(intake.intake(), by_phone), std::vector<std::string>({a}));

  iv1::ListComplaintsRequest by_project;
  by_project.set_project("云栖苑");
  EXPECT_EQ(ListAll(intake.intake(), by_project), std::vector<std::string>({b}));

  iv1::ListComplaintsRequest by_channel;
  by_channel.set_channel(cv1::CHANNEL_APP);
  EXPECT_EQ(ListAll(intake.intake(), by_channel), std::vector<std::string>({d, c, a}));

  iv1::ListComplaintsRequest from_c;
  *from_c.mutable_received_from() = c_submitted.response.complaint().received_at();
  EXPECT_EQ(ListAll(intake.intake(), from_c), std::vector<std::string>({d, c}));
  iv1::ListComplaintsRequest before_c;
  *before_c.mutable_received_to() = c_submitted.response.complaint().received_at();
  EXPECT_EQ(ListAll(intake.intake(), before_c), std::vector<std::string>({b, a}));

  rv1::ComplaintRouted routed;
  routed.set_number(b);
  routed.set_department_id("sales");
  Deliver(intake, RoutingEvent(intake::kComplaintRouted, b, routed));
  iv1::ListComplaintsRequest by_status;
  by_status.set_status(iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(ListAll(intake.intake(), by_status), std::vector<std::string>({b}));
  by_status.set_status(iv1::COMPLAINT_STATUS_RECEIVED);
  by_status.set_channel(cv1::CHANNEL_WEB);
  EXPECT_TRUE(ListAll(intake.intake(), by_status).empty());

  // A summary carries enough to show a row.
  auto [s, everything] = List(intake.intake(), {});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(everything.complaints_size(), 4);
  const iv1::ComplaintSummary& newest = everything.complaints(0);
  EXPECT_EQ(newest.number(), d);
  EXPECT_EQ(newest.project(), Input().project());
  EXPECT_EQ(newest.description_preview(),
            "客厅墙体开裂，雨天渗水严重 😢🏠\r\n物业说\"不归我们管\"；'; DROP TAB");
  EXPECT_TRUE(everything.page().next_page_token().empty());
}

TEST(List, InvalidFiltersAreRefusedNamingTheFilter) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ListComplaintsRequest req;
  req.set_customer_phone("555");
  EXPECT_THAT(List(intake.intake(), req).first.error_message(), StartsWith("customer_phone: "));
  req = {};
  req.mutable_page()->set_page_size(201);
  auto [s, _] = List(intake.intake(), req);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("page.page_size: "));
  req = {};
  req.mutable_page()->set_page_token("garbage");
  EXPECT_THAT(List(intake.intake(), req).first.error_message(), StartsWith("page.page_token: "));
}

TEST(List, TimeBoundsAtTheEdgesOfTheCalendarAreNotErrors) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = MustSubmit(intake.intake(), "req-edges", Input());
  iv1::ListComplaintsRequest req;
  req.mutable_received_from()->set_seconds(intake::kMinTimestampSeconds);
  req.mutable_received_to()->set_seconds(intake::kMaxTimestampSeconds);
  EXPECT_EQ(ListAll(intake.intake(), req), std::vector<std::string>({number}));
  req.mutable_received_from()->set_seconds(intake::kMaxTimestampSeconds - 1);
  EXPECT_TRUE(ListAll(intake.intake(), req).empty());
}

TEST(List, PagesNeitherRepeatNorSkipWhileNewComplaintsArrive) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  std::vector<std::string> existing;
  for (int i = 0; i < 10; ++i) {
    existing.push_back(MustSubmit(intake.intake(), absl::StrCat("req-page-", i), Input()));
  }
  std::reverse(existing.begin(), existing.end());  // newest first
  iv1::ListComplaintsRequest req;
  req.mutable_page()->set_page_size(3);
  int arrivals = 0;
  const std::vector<std::string> listed = ListAll(intake.intake(), req, [&] {
    MustSubmit(intake.intake(), absl::StrCat("req-arrival-", arrivals++), Input());
  });
  EXPECT_EQ(listed, existing);
  EXPECT_EQ(arrivals, 3);  // four pages: 3 + 3 + 3 + 1

  // A token cannot be carried over to other filters.
  auto [s, first] = List(intake.intake(), req);
  ASSERT_FALSE(first.page().next_page_token().empty());
  iv1::ListComplaintsRequest other;
  other.set_channel(cv1::CHANNEL_WEB);
  other.mutable_page()->set_page_size(3);
  other.mutable_page()->set_page_token(first.page().next_page_token());
  auto [refused, _] = List(intake.intake(), other);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), StartsWith("page.page_token: "));
}

// --- Routing's events on the customer's record
// ----------------------------------------------------

TEST(RoutingEvents, EachChangesStatusAndTimelineExactlyOnce) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = MustSubmit(intake.intake(), "req-events", Input());
  // Whole seconds, after the receipt: the event times routing would send.
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 1);

  rv1::ComplaintRouted routed;
  routed.set_number(number);
  routed.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  routed.set_category_source("classifier");
  routed.set_department_id("engineering");
  *routed.mutable_routed_at() = ToProto(now);
  *routed.mutable_ack_due() = ToProto(now + absl::Hours(1));
  routed.set_hop(1);
  const cv1::Event routed_event = RoutingEvent(intake::kComplaintRouted, number, routed);
  EXPECT_FALSE(Deliver(intake, routed_event));
  EXPECT_TRUE(Deliver(intake, routed_event));  // the relay delivered it twice: no effect

  auto [s1, after_routing] = Get(intake.intake(), number);
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(after_routing.status(), iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(after_routing.category(), cv1::CATEGORY_PRODUCT_QUALITY);
  EXPECT_EQ(after_routing.department_id(), "engineering");
  EXPECT_EQ(FromProto(after_routing.ack_due()), now + absl::Hours(1));
  EXPECT_GE(FromProto(after_routing.updated_at()), FromProto(after_routing.received_at()));
  ASSERT_EQ(after_routing.timeline_size(), 2);
  EXPECT_EQ(after_routing.timeline(1).type(), iv1::TIMELINE_EVENT_TYPE_ROUTED);
  EXPECT_EQ(FromProto(after_routing.timeline(1).at()), now);
  EXPECT_EQ(after_routing.timeline(1).department_id(), "engineering");
  EXPECT_THAT(after_routing.timeline(1).summary(), HasSubstr("已分派至责任部门"));

  rv1::AssignmentRejected rejected;
  rejected.set_number(number);
  rejected.set_department_id("engineering");
  rejected.set_staff_id("S0007");
  rejected.set_reason("应由物业处理");
  Deliver(intake, RoutingEvent(intake::kAssignmentRejected, number, rejected));
  auto [s2, after_rejection] = Get(intake.intake(), number);
  EXPECT_EQ(after_rejection.status(), iv1::COMPLAINT_STATUS_RECEIVED);
  EXPECT_EQ(after_rejection.department_id(), "");
  EXPECT_FALSE(after_rejection.has_ack_due());

  rv1::ComplaintSentToSupervisor sent;
  sent.set_number(number);
  sent.set_reason("several_departments");
  Deliver(intake, RoutingEvent(intake::kComplaintSentToSupervisor, number, sent));
  EXPECT_EQ(Get(intake.intake(), number).second.status(), iv1::COMPLAINT_STATUS_WITH_SUPERVISOR);

  rv1::ComplaintAssignedBySupervisor assigned;
  assigned.set_number(number);
  assigned.set_supervisor_staff_id("S0009");
  assigned.set_lead_department_id("property");
  *assigned.mutable_ack_due() = ToProto(now + absl::Hours(2));
  Deliver(intake, RoutingEvent(intake::kComplaintAssignedBySupervisor, number, assigned));
  auto [s3, after_assignment] = Get(intake.intake(), number);
  EXPECT_EQ(after_assignment.status(), iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(after_assignment.department_id(), "property");
  EXPECT_EQ(FromProto(after_assignment.ack_due()), now + absl::Hours(2));

  rv1::AcknowledgementOverdue overdue;
  overdue.set_number(number);
  overdue.set_department_id("property");
  Deliver(intake, RoutingEvent(intake::kAcknowledgementOverdue, number, overdue));
  EXPECT_EQ(Get(intake.intake(), number).second.status(), iv1::COMPLAINT_STATUS_WITH_SUPERVISOR);

  rv1::ComplaintAcknowledged acknowledged;
  acknowledged.set_number(number);
  acknowledged.set_department_id("property");
  acknowledged.set_owner_staff_id("S0042");
  acknowledged.set_category(cv1::CATEGORY_PROPERTY_SERVICE);
  const cv1::Event ack_event = RoutingEvent(intake::kComplaintAcknowledged, number, acknowledged);
  EXPECT_FALSE(Deliver(intake, ack_event));
  EXPECT_TRUE(Deliver(intake, ack_event));
  auto [s4, handled] = Get(intake.intake(), number);
  EXPECT_EQ(handled.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(handled.owner_staff_id(), "S0042");
  EXPECT_EQ(handled.department_id(), "property");
  EXPECT_EQ(handled.category(), cv1::CATEGORY_PROPERTY_SERVICE);

  std::vector<iv1::TimelineEventType> types;
  for (const auto& e : handled.timeline()) types.push_back(e.type());
  EXPECT_EQ(types, std::vector<iv1::TimelineEventType>(
                       {iv1::TIMELINE_EVENT_TYPE_RECEIVED, iv1::TIMELINE_EVENT_TYPE_ROUTED,
                        iv1::TIMELINE_EVENT_TYPE_ASSIGNMENT_REJECTED,
                        iv1::TIMELINE_EVENT_TYPE_SENT_TO_SUPERVISOR,
                        iv1::TIMELINE_EVENT_TYPE_ASSIGNED_BY_SUPERVISOR,
                        iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGEMENT_OVERDUE,
                        iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGED}));
  EXPECT_EQ(handled.timeline(6).actor_id(), "S0042");
  // The department's internal reason for the rejection is not shown to the customer.
  for (const auto& e : handled.timeline()) EXPECT_THAT(e.summary(), Not(HasSubstr("物业处理")));
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM inbox"), 6);
}

TEST(RoutingEvents, AnEventForAnUnknownComplaintIsAcknowledgedWithoutEffect) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  rv1::ComplaintRouted routed;
  routed.set_number("TS-209912-000001");
  routed.set_department_id("engineering");
  EXPECT_FALSE(Deliver(intake, RoutingEvent(intake::kComplaintRouted, routed.number(), routed)));
  // A payload of the wrong type cannot block the relay either.
  rv1::ComplaintAcknowledged wrong;
  wrong.set_number("TS-209912-000001");
  EXPECT_FALSE(Deliver(intake, RoutingEvent(intake::kComplaintRouted, wrong.number(), wrong)));
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM complaint_timeline"), 0);
  const std::string metrics = intake.Metrics();
  EXPECT_EQ(
      testing::MetricValue(metrics, "tousu_intake_events_skipped_total",
                           {"event_type=\"ComplaintRouted\"", "reason=\"unknown_complaint\""}),
      1);
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_events_skipped_total",
                                 {"event_type=\"ComplaintRouted\"", "reason=\"malformed\""}),
            1);
}

// --- Case handling's and follow-up's events: the whole loop on the customer's record -----------

// Whole seconds after the receipt: the times the other services would send.
absl::Time EventTime() { return absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 1); }

iv1::Complaint MustGet(Replica& intake, const std::string& number) {
  auto [s, complaint] = Get(intake.intake(), number);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return complaint;
}

// Delivers `event` as a relay would, then again as a relay retrying would: the first applies, the
// repeat is reported as one and changes nothing on the record.
void DeliverTwice(Replica& intake, const std::string& number, const cv1::Event& event) {
  EXPECT_FALSE(Deliver(intake, event)) << event.event_type();
  const iv1::Complaint once = MustGet(intake, number);
  EXPECT_TRUE(Deliver(intake, event)) << event.event_type();
  EXPECT_TRUE(MessageDifferencer::Equals(once, MustGet(intake, number))) << event.event_type();
}

// A complaint routed to engineering and acknowledged by S0042: where case handling starts.
std::string AcknowledgedComplaint(Replica& intake, const std::string& request_id) {
  const std::string number = MustSubmit(intake.intake(), request_id, Input());
  rv1::ComplaintRouted routed;
  routed.set_number(number);
  routed.set_department_id("engineering");
  routed.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  routed.set_hop(1);
  Deliver(intake, RoutingEvent(intake::kComplaintRouted, number, routed));
  rv1::ComplaintAcknowledged acknowledged;
  acknowledged.set_number(number);
  acknowledged.set_department_id("engineering");
  acknowledged.set_owner_staff_id("S0042");
  Deliver(intake, RoutingEvent(intake::kComplaintAcknowledged, number, acknowledged));
  return number;
}

chv1::CaseOpened Opened(const std::string& number, int cycle, absl::Time at) {
  chv1::CaseOpened m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_department_id("engineering");
  m.set_owner_staff_id("S0042");
  m.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  m.set_severity(cv1::SEVERITY_HIGH);
  *m.mutable_opened_at() = ToProto(at);
  *m.mutable_solution_due() = ToProto(at + absl::Hours(48));
  return m;
}

chv1::SolutionProposed Proposal(const std::string& number, int cycle, int revision,
                                const std::string& text, absl::Time at) {
  chv1::SolutionProposed m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_revision(revision);
  m.set_owner_staff_id("S0042");
  m.set_solution(text);
  *m.mutable_planned_completion() = ToProto(at + absl::Hours(24 * 7));
  *m.mutable_proposed_at() = ToProto(at);
  m.set_on_time(true);
  return m;
}

chv1::CustomerDecisionRecorded Decision(const std::string& number, int cycle, int revision,
                                        bool accepted, absl::Time at) {
  chv1::CustomerDecisionRecorded m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_revision(revision);
  m.set_accepted(accepted);
  *m.mutable_at() = ToProto(at);
  if (!accepted) {
    m.set_reason("方案不彻底");
    *m.mutable_revised_solution_due() = ToProto(at + absl::Hours(48));
  }
  return m;
}

chv1::CaseResolved Resolved(const std::string& number, int cycle, const std::string& result,
                            absl::Time at) {
  chv1::CaseResolved m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_department_id("engineering");
  m.set_owner_staff_id("S0042");
  m.set_result(result);
  *m.mutable_resolved_at() = ToProto(at);
  m.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  return m;
}

fv1::CallbackScheduled Scheduled(const std::string& number, int cycle, absl::Time due) {
  fv1::CallbackScheduled m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_callback_agent_staff_id("S0080");
  *m.mutable_due() = ToProto(due);
  return m;
}

fv1::CallbackRecorded Callback(const std::string& number, int cycle, int satisfaction,
                               absl::Time at) {
  fv1::CallbackRecorded m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_callback_agent_staff_id("S0080");
  m.set_method("phone");
  m.set_satisfaction(satisfaction);
  m.set_comments("客户意见：墙面颜色不一致");
  *m.mutable_at() = ToProto(at);
  m.set_on_time(true);
  return m;
}

std::vector<iv1::TimelineEventType> Types(const iv1::Complaint& c) {
  std::vector<iv1::TimelineEventType> types;
  for (const auto& e : c.timeline()) types.push_back(e.type());
  return types;
}

TEST(CaseHandlingEvents, EachShowsOnTheRecordAndTheTimelineExactlyOnce) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = AcknowledgedComplaint(intake, "req-case-events");
  const absl::Time t = EventTime();
  int entries = MustGet(intake, number).timeline_size();  // received, routed, acknowledged
  ASSERT_EQ(entries, 3);
  const auto last_entry = [&](iv1::TimelineEventType type) {
    iv1::Complaint c = MustGet(intake, number);
    EXPECT_EQ(c.timeline_size(), ++entries) << iv1::TimelineEventType_Name(type);
    EXPECT_EQ(c.timeline(c.timeline_size() - 1).type(), type);
    return c;
  };

  chv1::CaseOpened opened = Opened(number, 1, t);
  opened.set_solution_due_provisional(true);
  DeliverTwice(intake, number, CaseEvent(intake::kCaseOpened, number, opened));
  iv1::Complaint c = last_entry(iv1::TIMELINE_EVENT_TYPE_CASE_OPENED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(c.cycle(), 1);
  EXPECT_EQ(FromProto(c.solution_due()), t + absl::Hours(48));
  EXPECT_TRUE(c.solution_due_provisional());
  EXPECT_FALSE(c.solution_due_extended());
  EXPECT_EQ(c.owner_staff_id(), "S0042");
  const iv1::TimelineEntry& opened_entry = c.timeline(3);
  EXPECT_EQ(FromProto(opened_entry.at()), t);
  EXPECT_THAT(opened_entry.summary(), StartsWith("工程质量部已立案处理，将于 "));
  EXPECT_EQ(opened_entry.actor_id(), "S0042");
  EXPECT_EQ(opened_entry.department_id(), "engineering");

  chv1::InvestigationEntryAdded investigated;
  investigated.set_number(number);
  investigated.set_cycle(1);
  investigated.set_kind("site_visit");
  investigated.set_author_staff_id("S0050");
  *investigated.mutable_at() = ToProto(t + absl::Minutes(1));
  DeliverTwice(intake, number, CaseEvent(intake::kInvestigationEntryAdded, number, investigated));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_INVESTIGATION_ENTRY_ADDED);
  EXPECT_EQ(c.timeline(4).summary(), "工程质量部已安排人员到现场勘查");
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);

  chv1::InspectionReportAttached inspected;
  inspected.set_number(number);
  inspected.set_cycle(1);
  inspected.set_inspector_staff_id("S0060");
  inspected.set_severity(cv1::SEVERITY_HIGH);
  DeliverTwice(intake, number, CaseEvent(intake::kInspectionReportAttached, number, inspected));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_INSPECTION_REPORT_ATTACHED);
  EXPECT_EQ(c.timeline(5).actor_id(), "S0060");

  chv1::CustomerContacted contacted;
  contacted.set_number(number);
  contacted.set_cycle(1);
  contacted.set_staff_id("S0042");
  contacted.set_channel("phone");
  contacted.set_summary("检测结果已出，外墙防水层老化，周五给出方案 👍");
  DeliverTwice(intake, number, CaseEvent(intake::kCustomerContacted, number, contacted));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_CONTACTED);
  EXPECT_EQ(c.timeline(6).summary(),
            "工程质量部已通过电话与您沟通处理进展：检测结果已出，外墙防水层老化，周五给出方案 👍");

  chv1::SolutionDeadlineExtended extended;
  extended.set_number(number);
  extended.set_cycle(1);
  extended.set_staff_id("S0042");
  extended.set_reason("需第三方复检");
  *extended.mutable_original_due() = ToProto(t + absl::Hours(48));
  *extended.mutable_new_due() = ToProto(t + absl::Hours(120));
  DeliverTwice(intake, number, CaseEvent(intake::kSolutionDeadlineExtended, number, extended));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_EXTENDED);
  EXPECT_EQ(FromProto(c.solution_due()), t + absl::Hours(120));
  EXPECT_TRUE(c.solution_due_extended());
  EXPECT_EQ(FromProto(c.original_solution_due()), t + absl::Hours(48));
  EXPECT_FALSE(c.solution_due_provisional());
  EXPECT_THAT(c.timeline(7).summary(), HasSubstr(intake::CustomerTime(t + absl::Hours(120))));
  EXPECT_THAT(c.timeline(7).summary(), Not(HasSubstr("第三方")));

  chv1::SolutionDeadlineMissed missed;
  missed.set_number(number);
  missed.set_cycle(1);
  missed.set_department_id("engineering");
  missed.set_owner_staff_id("S0042");
  *missed.mutable_due() = ToProto(t + absl::Hours(120));
  DeliverTwice(intake, number, CaseEvent(intake::kSolutionDeadlineMissed, number, missed));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_MISSED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);

  DeliverTwice(intake, number,
               CaseEvent(intake::kSolutionProposed, number,
                         Proposal(number, 1, 1, "重做外墙防水\n并重新粉刷", t + absl::Hours(1))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_SOLUTION_PROPOSED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
  EXPECT_EQ(c.solution(), "重做外墙防水\n并重新粉刷");
  EXPECT_EQ(FromProto(c.planned_completion()), t + absl::Hours(1 + 24 * 7));
  EXPECT_THAT(c.timeline(9).summary(),
              StartsWith("工程质量部已提出解决方案，请确认：重做外墙防水 并重新粉刷"));

  DeliverTwice(intake, number,
               CaseEvent(intake::kCustomerDecisionRecorded, number,
                         Decision(number, 1, 1, false, t + absl::Hours(2))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_DECISION_RECORDED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);  // a revised solution is due
  EXPECT_EQ(FromProto(c.solution_due()), t + absl::Hours(50));
  EXPECT_FALSE(c.solution_due_extended());
  EXPECT_FALSE(c.has_original_solution_due());

  DeliverTwice(intake, number,
               CaseEvent(intake::kSolutionProposed, number,
                         Proposal(number, 1, 2, "整面外墙重做", t + absl::Hours(3))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_SOLUTION_PROPOSED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
  EXPECT_EQ(c.solution(), "整面外墙重做");
  EXPECT_THAT(c.timeline(11).summary(), HasSubstr("修订后的解决方案"));

  DeliverTwice(intake, number,
               CaseEvent(intake::kCustomerDecisionRecorded, number,
                         Decision(number, 1, 2, true, t + absl::Hours(4))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_DECISION_RECORDED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION);

  chv1::ImplementationProgressRecorded progressed;
  progressed.set_number(number);
  progressed.set_cycle(1);
  progressed.set_staff_id("S0042");
  progressed.set_note("内部：施工队调整");
  progressed.set_plan_changed(true);
  DeliverTwice(intake, number,
               CaseEvent(intake::kImplementationProgressRecorded, number, progressed));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_IMPLEMENTATION_PROGRESS_RECORDED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION);
  EXPECT_THAT(c.timeline(13).summary(), Not(HasSubstr("施工队")));

  DeliverTwice(intake, number,
               CaseEvent(intake::kCaseResolved, number,
                         Resolved(number, 1, "外墙已重做，淋水试验无渗漏", t + absl::Hours(5))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CASE_RESOLVED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_EQ(c.resolution(), "外墙已重做，淋水试验无渗漏");
  EXPECT_THAT(c.timeline(14).summary(), HasSubstr("外墙已重做，淋水试验无渗漏"));

  chv1::CaseReopened reopened;
  reopened.set_number(number);
  reopened.set_cycle(2);
  reopened.set_department_id("engineering");
  reopened.set_owner_staff_id("S0043");
  *reopened.mutable_reopened_at() = ToProto(t + absl::Hours(6));
  *reopened.mutable_solution_due() = ToProto(t + absl::Hours(54));
  DeliverTwice(intake, number, CaseEvent(intake::kCaseReopened, number, reopened));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CASE_REOPENED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(c.cycle(), 2);
  EXPECT_EQ(c.owner_staff_id(), "S0043");
  EXPECT_EQ(FromProto(c.solution_due()), t + absl::Hours(54));
  EXPECT_EQ(c.solution(), "");
  EXPECT_EQ(c.resolution(), "");
  EXPECT_FALSE(c.has_planned_completion());
  EXPECT_THAT(c.timeline(15).summary(), HasSubstr("第2轮"));

  // Every entry reads as Chinese for the customer; none leaks the internal texts.
  for (const auto& e : c.timeline()) {
    EXPECT_FALSE(e.summary().empty());
    for (const char* internal : {"方案不彻底", "第三方", "施工队", "内部"}) {
      EXPECT_THAT(e.summary(), Not(HasSubstr(internal)));
    }
  }
  // Each event recorded once in the inbox: 2 routing + 13 case handling.
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM inbox"), 15);
}

TEST(FollowUpEvents, EachShowsOnTheRecordAndTheTimelineExactlyOnce) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = AcknowledgedComplaint(intake, "req-followup-events");
  const absl::Time t = EventTime();
  Deliver(intake, CaseEvent(intake::kCaseOpened, number, Opened(number, 1, t)));
  const int base = MustGet(intake, number).timeline_size();

  fv1::TrackerAssigned tracker;
  tracker.set_number(number);
  tracker.set_tracker_staff_id("S0070");
  tracker.set_how("rule");
  *tracker.mutable_at() = ToProto(t);
  DeliverTwice(intake, number, FollowUpEvent(intake::kTrackerAssigned, number, tracker));
  iv1::Complaint c = MustGet(intake, number);
  EXPECT_EQ(c.tracker_staff_id(), "S0070");
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);

  fv1::ProgressUpdateRecorded update;
  update.set_number(number);
  update.set_tracker_staff_id("S0070");
  DeliverTwice(intake, number, FollowUpEvent(intake::kProgressUpdateRecorded, number, update));
  fv1::ProgressUpdateOverdue update_overdue;
  update_overdue.set_number(number);
  update_overdue.set_tracker_staff_id("S0070");
  DeliverTwice(intake, number,
               FollowUpEvent(intake::kProgressUpdateOverdue, number, update_overdue));
  EXPECT_EQ(MustGet(intake, number).status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);

  Deliver(intake, CaseEvent(intake::kCaseResolved, number,
                            Resolved(number, 1, "已修复", t + absl::Hours(1))));
  fv1::CallbackScheduled scheduled = Scheduled(number, 1, t + absl::Hours(72));
  scheduled.set_due_provisional(true);
  DeliverTwice(intake, number, FollowUpEvent(intake::kCallbackScheduled, number, scheduled));
  c = MustGet(intake, number);
  EXPECT_EQ(FromProto(c.callback_due()), t + absl::Hours(72));
  EXPECT_TRUE(c.callback_due_provisional());
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_RESOLVED);

  fv1::CallbackOverdue callback_overdue;
  callback_overdue.set_number(number);
  callback_overdue.set_cycle(1);
  callback_overdue.set_callback_agent_staff_id("S0080");
  DeliverTwice(intake, number, FollowUpEvent(intake::kCallbackOverdue, number, callback_overdue));
  EXPECT_TRUE(MustGet(intake, number).has_callback_due());  // still owed

  DeliverTwice(intake, number,
               FollowUpEvent(intake::kCallbackRecorded, number,
                             Callback(number, 1, 2, t + absl::Hours(80))));
  c = MustGet(intake, number);
  EXPECT_EQ(c.satisfaction(), 2);
  EXPECT_FALSE(c.has_callback_due());
  EXPECT_FALSE(c.callback_due_provisional());
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_RESOLVED);

  fv1::CustomerUnsatisfied unsatisfied;
  unsatisfied.set_number(number);
  unsatisfied.set_cycle(1);
  unsatisfied.set_satisfaction(2);
  DeliverTwice(intake, number, FollowUpEvent(intake::kCustomerUnsatisfied, number, unsatisfied));
  EXPECT_EQ(MustGet(intake, number).status(), iv1::COMPLAINT_STATUS_RESOLVED);  // until reopened

  fv1::ComplaintClosed closed;
  closed.set_number(number);
  closed.set_cycle(1);
  closed.set_satisfaction(4);
  *closed.mutable_closed_at() = ToProto(t + absl::Hours(90));
  DeliverTwice(intake, number, FollowUpEvent(intake::kComplaintClosed, number, closed));
  c = MustGet(intake, number);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ(FromProto(c.closed_at()), t + absl::Hours(90));
  EXPECT_EQ(c.satisfaction(), 4);

  std::vector<iv1::TimelineEventType> types = Types(c);
  types.erase(types.begin(), types.begin() + base);
  EXPECT_EQ(
      types,
      std::vector<iv1::TimelineEventType>(
          {iv1::TIMELINE_EVENT_TYPE_TRACKER_ASSIGNED,
           iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_RECORDED,
           iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_OVERDUE, iv1::TIMELINE_EVENT_TYPE_CASE_RESOLVED,
           iv1::TIMELINE_EVENT_TYPE_CALLBACK_SCHEDULED, iv1::TIMELINE_EVENT_TYPE_CALLBACK_OVERDUE,
           iv1::TIMELINE_EVENT_TYPE_CALLBACK_RECORDED,
           iv1::TIMELINE_EVENT_TYPE_CUSTOMER_UNSATISFIED,
           iv1::TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED}));
  EXPECT_EQ(c.timeline(base + 6).summary(), "已完成电话回访，您的满意度评分：2分（满分5分）");
  EXPECT_EQ(c.timeline(base + 6).actor_id(), "S0080");
  for (const auto& e : c.timeline()) EXPECT_THAT(e.summary(), Not(HasSubstr("墙面颜色")));
  EXPECT_EQ(testing::MetricValue(intake.Metrics(), "tousu_intake_complaints_closed_total", {}), 1);
}

TEST(TheLoop, RunsAgainAfterAnUnsatisfiedCallbackUntilTheCustomerIsSatisfied) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = MustSubmit(intake.intake(), "req-loop", Input());
  absl::Time t = EventTime();
  const auto next = [&] { return t += absl::Minutes(10); };
  std::vector<cv1::Event> sent;
  std::vector<iv1::ComplaintStatus> statuses;
  const auto deliver = [&](cv1::Event e) {
    // The producer's clock at the change: the latest step's time.
    *e.mutable_occurred_at() = ToProto(t);
    sent.push_back(e);
    EXPECT_FALSE(Deliver(intake, e)) << e.event_type();
    statuses.push_back(MustGet(intake, number).status());
  };

  rv1::ComplaintRouted routed;
  routed.set_number(number);
  routed.set_department_id("engineering");
  routed.set_hop(1);
  *routed.mutable_routed_at() = ToProto(next());
  deliver(RoutingEvent(intake::kComplaintRouted, number, routed));
  rv1::ComplaintAcknowledged acknowledged;
  acknowledged.set_number(number);
  acknowledged.set_department_id("engineering");
  acknowledged.set_owner_staff_id("S0042");
  *acknowledged.mutable_acknowledged_at() = ToProto(next());
  deliver(RoutingEvent(intake::kComplaintAcknowledged, number, acknowledged));
  // Cycle 1.
  deliver(CaseEvent(intake::kCaseOpened, number, Opened(number, 1, next())));
  fv1::TrackerAssigned tracker;
  tracker.set_number(number);
  tracker.set_tracker_staff_id("S0070");
  *tracker.mutable_at() = ToProto(next());
  deliver(FollowUpEvent(intake::kTrackerAssigned, number, tracker));
  deliver(
      CaseEvent(intake::kSolutionProposed, number, Proposal(number, 1, 1, "局部修补裂缝", next())));
  deliver(
      CaseEvent(intake::kCustomerDecisionRecorded, number, Decision(number, 1, 1, true, next())));
  deliver(CaseEvent(intake::kCaseResolved, number, Resolved(number, 1, "裂缝已修补", next())));
  const absl::Time first_callback_due = t + absl::Hours(72);
  deliver(
      FollowUpEvent(intake::kCallbackScheduled, number, Scheduled(number, 1, first_callback_due)));
  EXPECT_EQ(FromProto(MustGet(intake, number).callback_due()), first_callback_due);
  deliver(FollowUpEvent(intake::kCallbackRecorded, number, Callback(number, 1, 1, next())));
  fv1::CustomerUnsatisfied unsatisfied;
  unsatisfied.set_number(number);
  unsatisfied.set_cycle(1);
  unsatisfied.set_satisfaction(1);
  *unsatisfied.mutable_at() = ToProto(next());
  deliver(FollowUpEvent(intake::kCustomerUnsatisfied, number, unsatisfied));
  // Cycle 2: the department takes it back.
  chv1::CaseReopened reopened;
  reopened.set_number(number);
  reopened.set_cycle(2);
  reopened.set_department_id("engineering");
  reopened.set_owner_staff_id("S0042");
  *reopened.mutable_reopened_at() = ToProto(next());
  *reopened.mutable_solution_due() = ToProto(t + absl::Hours(48));
  deliver(CaseEvent(intake::kCaseReopened, number, reopened));
  iv1::Complaint reopened_record = MustGet(intake, number);
  EXPECT_EQ(reopened_record.cycle(), 2);
  EXPECT_EQ(reopened_record.satisfaction(), 1);  // the latest callback's, until the next one
  EXPECT_EQ(reopened_record.solution(), "");
  deliver(CaseEvent(intake::kCaseOpened, number, Opened(number, 2, next())));
  deliver(CaseEvent(intake::kSolutionProposed, number,
                    Proposal(number, 2, 1, "整面墙体加固并重新粉刷", next())));
  deliver(
      CaseEvent(intake::kCustomerDecisionRecorded, number, Decision(number, 2, 1, true, next())));
  deliver(CaseEvent(intake::kCaseResolved, number,
                    Resolved(number, 2, "墙体已加固，经检测合格", next())));
  deliver(
      FollowUpEvent(intake::kCallbackScheduled, number, Scheduled(number, 2, t + absl::Hours(72))));
  deliver(FollowUpEvent(intake::kCallbackRecorded, number, Callback(number, 2, 5, next())));
  fv1::ComplaintClosed closed;
  closed.set_number(number);
  closed.set_cycle(2);
  closed.set_satisfaction(5);
  const absl::Time closed_at = next();
  *closed.mutable_closed_at() = ToProto(closed_at);
  deliver(FollowUpEvent(intake::kComplaintClosed, number, closed));

  using S = iv1::ComplaintStatus;
  EXPECT_EQ(statuses,
            std::vector<S>(
                {iv1::COMPLAINT_STATUS_ROUTED, iv1::COMPLAINT_STATUS_ACKNOWLEDGED,
                 iv1::COMPLAINT_STATUS_ACKNOWLEDGED, iv1::COMPLAINT_STATUS_ACKNOWLEDGED,
                 iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION,
                 iv1::COMPLAINT_STATUS_RESOLVED, iv1::COMPLAINT_STATUS_RESOLVED,
                 iv1::COMPLAINT_STATUS_RESOLVED, iv1::COMPLAINT_STATUS_RESOLVED,
                 iv1::COMPLAINT_STATUS_ACKNOWLEDGED, iv1::COMPLAINT_STATUS_ACKNOWLEDGED,
                 iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION,
                 iv1::COMPLAINT_STATUS_RESOLVED, iv1::COMPLAINT_STATUS_RESOLVED,
                 iv1::COMPLAINT_STATUS_RESOLVED, iv1::COMPLAINT_STATUS_CLOSED}));

  const iv1::Complaint done = MustGet(intake, number);
  EXPECT_EQ(done.status(), iv1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ(done.cycle(), 2);
  EXPECT_EQ(done.satisfaction(), 5);
  EXPECT_EQ(FromProto(done.closed_at()), closed_at);
  EXPECT_EQ(done.solution(), "整面墙体加固并重新粉刷");
  EXPECT_EQ(done.resolution(), "墙体已加固，经检测合格");
  EXPECT_EQ(done.tracker_staff_id(), "S0070");
  EXPECT_FALSE(done.has_callback_due());
  ASSERT_EQ(done.timeline_size(), 1 + static_cast<int>(sent.size()));
  EXPECT_EQ(done.timeline(0).type(), iv1::TIMELINE_EVENT_TYPE_RECEIVED);
  EXPECT_EQ(done.timeline(done.timeline_size() - 1).type(),
            iv1::TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED);
  // Timeline times are the events' own, in the order they happened.
  for (int i = 2; i < done.timeline_size(); ++i) {
    EXPECT_LE(FromProto(done.timeline(i - 1).at()), FromProto(done.timeline(i).at())) << i;
  }

  // The whole loop delivered again (a relay replaying its outbox) changes nothing at all.
  for (const cv1::Event& e : sent) EXPECT_TRUE(Deliver(intake, e)) << e.event_type();
  EXPECT_TRUE(MessageDifferencer::Equals(done, MustGet(intake, number)));
  // Closed once, counted once.
  EXPECT_EQ(testing::MetricValue(intake.Metrics(), "tousu_intake_complaints_closed_total", {}), 1);
}

TEST(TheLoop, EventsOvertakingOneAnotherNeverMoveTheStatusBack) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = MustSubmit(intake.intake(), "req-overtaking", Input());
  const absl::Time t = EventTime();
  // Case handling's relay is faster than routing's: the case opens before routing's news.
  Deliver(intake, CaseEvent(intake::kCaseOpened, number, Opened(number, 1, t)));
  EXPECT_EQ(MustGet(intake, number).status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  rv1::ComplaintRouted routed;
  routed.set_number(number);
  routed.set_department_id("sales");
  routed.set_hop(1);
  Deliver(intake, RoutingEvent(intake::kComplaintRouted, number, routed));
  iv1::Complaint c = MustGet(intake, number);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(c.department_id(), "engineering");  // routing's late news is history only
  EXPECT_EQ(c.owner_staff_id(), "S0042");
  EXPECT_EQ(c.timeline(c.timeline_size() - 1).type(), iv1::TIMELINE_EVENT_TYPE_ROUTED);

  // Follow-up's close overtakes case handling's resolution; the resolution still brings its
  // result but the complaint stays closed.
  fv1::ComplaintClosed closed;
  closed.set_number(number);
  closed.set_cycle(1);
  closed.set_satisfaction(5);
  Deliver(intake, FollowUpEvent(intake::kComplaintClosed, number, closed));
  Deliver(intake, CaseEvent(intake::kCaseResolved, number, Resolved(number, 1, "已修复", t)));
  c = MustGet(intake, number);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ(c.resolution(), "已修复");
  EXPECT_TRUE(c.has_closed_at());
  // A second close (another event id) neither moves closed_at nor counts again.
  const google::protobuf::Timestamp first_closed_at = c.closed_at();
  *closed.mutable_closed_at() = ToProto(t + absl::Hours(5));
  Deliver(intake, FollowUpEvent(intake::kComplaintClosed, number, closed));
  EXPECT_TRUE(MessageDifferencer::Equals(MustGet(intake, number).closed_at(), first_closed_at));
  EXPECT_EQ(testing::MetricValue(intake.Metrics(), "tousu_intake_complaints_closed_total", {}), 1);
}

TEST(TheLoop, MalformedOrUnknownEventsOfTheLoopAreAcknowledgedWithoutEffect) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = AcknowledgedComplaint(intake, "req-loop-malformed");
  const iv1::Complaint before = MustGet(intake, number);
  // For a number intake never issued.
  EXPECT_FALSE(Deliver(intake, CaseEvent(intake::kCaseOpened, "TS-209912-000001",
                                         Opened("TS-209912-000001", 1, EventTime()))));
  // Cycle 0, and a payload of the wrong type.
  EXPECT_FALSE(
      Deliver(intake, CaseEvent(intake::kCaseOpened, number, Opened(number, 0, EventTime()))));
  EXPECT_FALSE(Deliver(
      intake, FollowUpEvent(intake::kComplaintClosed, number, Opened(number, 1, EventTime()))));
  EXPECT_TRUE(MessageDifferencer::Equals(before, MustGet(intake, number)));
  const std::string metrics = intake.Metrics();
  const std::string name = "tousu_intake_events_skipped_total";
  EXPECT_EQ(testing::MetricValue(metrics, name,
                                 {"event_type=\"CaseOpened\"", "reason=\"unknown_complaint\""}),
            1);
  EXPECT_EQ(
      testing::MetricValue(metrics, name, {"event_type=\"CaseOpened\"", "reason=\"malformed\""}),
      1);
  EXPECT_EQ(testing::MetricValue(metrics, name,
                                 {"event_type=\"ComplaintClosed\"", "reason=\"malformed\""}),
            1);
  // Every event type intake follows has its series from the start.
  EXPECT_EQ(testing::MetricValue(metrics, name,
                                 {"event_type=\"CallbackOverdue\"", "reason=\"malformed\""}),
            0);
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_complaints_closed_total", {}), 0);
}

// --- Metrics and logs ---------------------------------------------------------------------------

TEST(Observability, ComplaintsAreCountedByChannelAndCategoryAndLogsHoldNoPersonalData) {
  ScratchDatabase scratch;
  std::string logs;
  log::SetSinkForTesting(&logs);
  {
    Replica intake(scratch, "info");
    iv1::ComplaintInput staffed = Input();
    staffed.set_channel(cv1::CHANNEL_HOTLINE);
    staffed.set_recorded_by_staff_id("S0001");
    staffed.set_staff_category(cv1::CATEGORY_PRODUCT_QUALITY);
    MustSubmit(intake.intake(), "req-metrics-1", staffed);
    MustSubmit(intake.intake(), "req-metrics-2", Input());
    MustSubmit(intake.intake(), "req-metrics-3", Input());
    iv1::ComplaintInput bad = Input();
    bad.set_customer_email("nana.ouyang@");
    EXPECT_FALSE(Submit(intake.intake(), "req-metrics-4", bad).status.ok());

    const std::string metrics = intake.Metrics();
    const std::string name = "tousu_intake_complaints_received_total";
    EXPECT_EQ(testing::MetricValue(metrics, name,
                                   {"channel=\"hotline\"", "category=\"product_quality\""}),
              1);
    EXPECT_EQ(testing::MetricValue(metrics, name, {"channel=\"app\"", "category=\"unclassified\""}),
              2);
    EXPECT_EQ(testing::MetricValue(metrics, name, {"channel=\"email\"", "category=\"handover\""}),
              0);  // created at zero
    EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_validation_failures_total",
                                   {"field=\"complaint.customer_email\""}),
              1);
  }
  log::SetSinkForTesting(nullptr);
  EXPECT_THAT(logs, HasSubstr("complaint received"));
  EXPECT_THAT(logs, HasSubstr("138****8000"));
  for (const std::string& secret :
       {std::string(kPhone), std::string("欧阳"), std::string("O'Brien"),
        std::string("nana.ouyang"), std::string("渗水"), std::string("DROP TABLE"),
        std::string("赔偿")}) {
    EXPECT_FALSE(absl::StrContains(logs, secret)) << secret;
  }
}

}  // namespace
}  // namespace tousu
