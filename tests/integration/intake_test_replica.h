#pragma once
// What intake's integration tests share (intake_it.cc, intake_progress_it.cc): one intake replica
// in-process against a scratch database, customer-like input, and calls over loopback gRPC.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/events/outbox.h"
#include "common/server/server.h"
#include "complaints/common/v1/events.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "services/intake/access.h"
#include "services/intake/domain/timestamps.h"
#include "services/intake/intake_service.h"
#include "tests/support/test_env.h"

namespace tousu::intake_testing {

namespace iv1 = complaints::intake::v1;
namespace cv1 = complaints::common::v1;
using intake::ToProto;
using testing::ScratchDatabase;

// Text customers really type, and text that tries to break things.
inline constexpr char kName[] = "欧阳娜娜 O'Brien";
inline constexpr char kPhone[] = "13800138000";
inline constexpr char kEmail[] = "nana.ouyang@example.com";
inline constexpr char kDescription[] =
    "客厅墙体开裂，雨天渗水严重 😢🏠\r\n"
    "物业说\"不归我们管\"；'; DROP TABLE complaints; --\n"
    "\tバックスラッシュ \\ 和 `反引号`  （全角括号）";
inline constexpr char kExpected[] = "尽快维修 & 赔偿损失 <b>不是HTML</b> 👍";

// One intake replica: the runtime and the service, assembled as main.cc does, on port 0, with the
// seed data's department names kept.
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
                              // Nothing listens there: the relay keeps the rows pending, which is
                              // what the tests read.
                              p + "PEERS=routing=127.0.0.1:" + std::to_string(testing::FreePort()),
                              p + "LOG_LEVEL=" + log_level,
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
    service_ = std::make_unique<intake::IntakeService>(*runtime_, settings);
    const absl::Status started = runtime_->Start();
    EXPECT_TRUE(started.ok()) << started;
    EXPECT_TRUE(runtime_->WaitUntilServing(absl::Seconds(30)));
    // The department names intake keeps from the staff directory, as the seed data has them
    // (deploy/seed/staff-assessment.sql).
    scratch.Execute(
        "INSERT IGNORE INTO department_names (id, name, directory_updated_at) VALUES"
        " ('customer-service', '客户服务部', '2026-01-01'), ('engineering', '工程质量部', "
        "'2026-01-01'),"
        " ('sales', '销售部', '2026-01-01'), ('handover', '交付部', '2026-01-01'),"
        " ('property-management', '物业管理部', '2026-01-01')");
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

  intake::IntakeService& service() { return *service_; }
  iv1::IntakeService::Stub& intake() { return *intake_; }
  cv1::EventSink::Stub& sink() { return *sink_; }
  std::string Metrics() { return testing::HttpGet(runtime_->metrics_port(), "/metrics"); }

 private:
  std::unique_ptr<server::ServiceRuntime> runtime_;
  std::unique_ptr<intake::IntakeService> service_;
  std::unique_ptr<iv1::IntakeService::Stub> intake_;
  std::unique_ptr<cv1::EventSink::Stub> sink_;
};

inline iv1::ComplaintInput Input() {
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

inline Submitted Submit(iv1::IntakeService::Stub& stub, const std::string& request_id,
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
inline std::string MustSubmit(iv1::IntakeService::Stub& stub, const std::string& request_id,
                              const iv1::ComplaintInput& input) {
  Submitted s = Submit(stub, request_id, input);
  EXPECT_TRUE(s.status.ok()) << s.status.error_message();
  return s.response.complaint().number();
}

inline std::pair<grpc::Status, iv1::Complaint> Get(iv1::IntakeService::Stub& stub,
                                                   const std::string& number) {
  iv1::GetComplaintRequest req;
  req.set_number(number);
  iv1::GetComplaintResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = stub.GetComplaint(&ctx, req, &resp);
  return {s, resp.complaint()};
}

inline std::pair<grpc::Status, iv1::ListComplaintsResponse> List(
    iv1::IntakeService::Stub& stub, const iv1::ListComplaintsRequest& req) {
  iv1::ListComplaintsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = stub.ListComplaints(&ctx, req, &resp);
  return {s, resp};
}

// Every page of `req`, following next_page_token; `between` runs after each page.
inline std::vector<std::string> ListAll(iv1::IntakeService::Stub& stub,
                                        iv1::ListComplaintsRequest req,
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

inline int Count(const ScratchDatabase& db, const std::string& sql) {
  int n = -1;
  EXPECT_TRUE(absl::SimpleAtoi(db.QueryScalar(sql), &n)) << sql;
  return n;
}

// Rows intake wrote anywhere: complaints, timeline, outbox, number counters.
inline int RowsWritten(const ScratchDatabase& db) {
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
inline bool Deliver(Replica& replica, const cv1::Event& event) {
  cv1::DeliverEventRequest req;
  *req.mutable_event() = event;
  cv1::DeliverEventResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = replica.sink().DeliverEvent(&ctx, req, &resp);
  EXPECT_TRUE(s.ok()) << event.event_type() << ": " << s.error_message();
  return resp.duplicate();
}

}  // namespace tousu::intake_testing
