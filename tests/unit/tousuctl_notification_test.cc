// tousuctl deliveries list|retry: the tables made from fixed deliveries, and whole command lines
// against a fake NotificationService on loopback (what is sent, what is printed, what is refused
// before anything is sent, and how the service's errors are shown).

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "complaints/notification/v1/notification.grpc.pb.h"
#include "tests/unit/tousuctl_harness.h"
#include "tools/tousuctl/commands.h"
#include "tools/tousuctl/render_notification.h"
#include "tools/tousuctl/table.h"

namespace tousu {
namespace {

namespace nv1 = complaints::notification::v1;

// 2026-11-18 07:00:00 UTC, 15:00 in Beijing.
constexpr int64_t kCreated = 1'794'985'200;

nv1::Delivery DeadSms() {
  nv1::Delivery d;
  d.set_id("42");
  d.set_number("TS-202611-000001");
  d.set_kind("solution_proposed");
  d.set_channel(nv1::CHANNEL_SMS);
  d.set_state(nv1::DELIVERY_STATE_DEAD);
  d.set_masked_address("138****8000");
  d.set_attempts(20);
  d.set_last_error("provider: isv.BUSINESS_LIMIT_CONTROL");
  d.mutable_created_at()->set_seconds(kCreated);
  return d;
}

// The dead SMS, as RetryDelivery answers: pending, attempts reset, next tried at once.
nv1::Delivery RetriedSms() {
  nv1::Delivery d = DeadSms();
  d.set_state(nv1::DELIVERY_STATE_PENDING);
  d.set_attempts(0);
  d.mutable_next_attempt_at()->set_seconds(kCreated + 3600);  // 16:00 Beijing
  return d;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// --- Tables from fixed deliveries ----------------------------------------------------------------

TEST(DeliveriesRenderTest, ListShowsEveryColumnOfEachDelivery) {
  nv1::ListDeliveriesResponse response;
  *response.add_deliveries() = DeadSms();
  nv1::Delivery* email = response.add_deliveries();
  email->set_id("43");
  email->set_number("TS-202611-000002");
  email->set_kind("received");
  email->set_channel(nv1::CHANNEL_EMAIL);
  email->set_state(nv1::DELIVERY_STATE_DEAD);
  email->set_masked_address("w***@example.com");
  email->set_attempts(1);
  email->set_last_error("smtp 550: mailbox unavailable");
  email->mutable_created_at()->set_seconds(kCreated + 60);
  const std::string text = ctl::RenderDeliveries(response, nv1::DELIVERY_STATE_DEAD, /*limit=*/0);
  const std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 3u) << text;
  for (const char* header : {"ID", "NUMBER", "TEMPLATE", "CHANNEL", "STATE", "ADDRESS", "ATTEMPTS",
                             "LAST ERROR", "CREATED (BEIJING)", "NEXT ATTEMPT"}) {
    EXPECT_TRUE(absl::StrContains(lines[0], header)) << header << " not in " << lines[0];
  }
  for (const char* cell :
       {"42", "TS-202611-000001", "solution_proposed", "sms", "dead", "138****8000", "20",
        "provider: isv.BUSINESS_LIMIT_CONTROL", "2026-11-18 15:00"}) {
    EXPECT_TRUE(absl::StrContains(lines[1], cell)) << cell << " not in " << lines[1];
  }
  for (const char* cell :
       {"43", "received", "email", "w***@example.com", "smtp 550", "2026-11-18 15:01"}) {
    EXPECT_TRUE(absl::StrContains(lines[2], cell)) << cell << " not in " << lines[2];
  }
  // A dead delivery is not tried again: its NEXT ATTEMPT cell is empty.
  EXPECT_TRUE(absl::EndsWith(lines[1], "-")) << lines[1];
  // Under the default limit of 100 nothing was left out, so no note about more.
  EXPECT_FALSE(absl::StrContains(text, "--limit")) << text;
}

TEST(DeliveriesRenderTest, ASuppressedDeliverySaysWhyItWasNotSent) {
  nv1::ListDeliveriesResponse response;
  nv1::Delivery* d = response.add_deliveries();
  *d = DeadSms();
  d->set_kind("progress");
  d->set_state(nv1::DELIVERY_STATE_SUPPRESSED);
  d->set_attempts(0);
  d->clear_last_error();
  d->set_suppressed_reason("opted_out");
  const std::vector<std::string> lines =
      Lines(ctl::RenderDeliveries(response, nv1::DELIVERY_STATE_SUPPRESSED, 0));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(absl::StrContains(lines[1], "not sent: opted_out")) << lines[1];
  EXPECT_TRUE(absl::StrContains(lines[1], "suppressed")) << lines[1];
}

TEST(DeliveriesRenderTest, NoneInTheStateSaysSoAndAFullAnswerSaysHowToSeeMore) {
  EXPECT_EQ(ctl::RenderDeliveries({}, nv1::DELIVERY_STATE_DEAD, 0), "No dead deliveries.\n");
  nv1::ListDeliveriesResponse two;
  *two.add_deliveries() = DeadSms();
  *two.add_deliveries() = DeadSms();
  EXPECT_TRUE(absl::StrContains(ctl::RenderDeliveries(two, nv1::DELIVERY_STATE_DEAD, 2),
                                "The oldest 2 shown; --limit 500 shows more."));
  EXPECT_FALSE(
      absl::StrContains(ctl::RenderDeliveries(two, nv1::DELIVERY_STATE_DEAD, 3), "oldest"));
}

TEST(DeliveriesRenderTest, ARetriedDeliveryIsShownBackInLinePending) {
  nv1::RetryDeliveryResponse response;
  *response.mutable_delivery() = RetriedSms();
  const std::string text = ctl::RenderRetriedDelivery(response);
  EXPECT_TRUE(absl::StartsWith(text, "Delivery 42 is back in line")) << text;
  const std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 3u) << text;
  for (const char* cell : {"42", "pending", "138****8000", "2026-11-18 16:00"}) {
    EXPECT_TRUE(absl::StrContains(lines[2], cell)) << cell << " not in " << lines[2];
  }
}

// --- Whole command lines -------------------------------------------------------------------------

// Answers ListDeliveries with the dead SMS and RetryDelivery for id 42 only, as the real service's
// words for the others; remembers every request.
class FakeNotification final : public nv1::NotificationService::Service {
 public:
  grpc::Status ListDeliveries(grpc::ServerContext*, const nv1::ListDeliveriesRequest* request,
                              nv1::ListDeliveriesResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    lists_.push_back(*request);
    if (request->state() == nv1::DELIVERY_STATE_DEAD) *response->add_deliveries() = DeadSms();
    return grpc::Status::OK;
  }
  grpc::Status RetryDelivery(grpc::ServerContext*, const nv1::RetryDeliveryRequest* request,
                             nv1::RetryDeliveryResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    retries_.push_back(*request);
    if (request->id() == "7") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "id: only a dead-lettered delivery can be retried");
    }
    if (request->id() != "42") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "id: no such delivery");
    }
    *response->mutable_delivery() = RetriedSms();
    return grpc::Status::OK;
  }
  std::vector<nv1::ListDeliveriesRequest> lists() {
    std::lock_guard<std::mutex> lock(mu_);
    return lists_;
  }
  std::vector<nv1::RetryDeliveryRequest> retries() {
    std::lock_guard<std::mutex> lock(mu_);
    return retries_;
  }

 private:
  std::mutex mu_;
  std::vector<nv1::ListDeliveriesRequest> lists_;
  std::vector<nv1::RetryDeliveryRequest> retries_;
};

class DeliveriesCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { ctl_.Start(&fake_, absl::FromUnixSeconds(kCreated)); }
  int Run(const std::vector<std::string>& args) { return ctl_.Run(args); }
  std::string address() const { return ctl_.address(); }

  FakeNotification fake_;
  testing::CtlHarness ctl_;  // after fake_: its server stops before fake_ goes
};

TEST_F(DeliveriesCommandTest, ListAsksForTheStateAndLimitAndPrintsTheTable) {
  ASSERT_EQ(
      Run({"deliveries", "list", "--state", "dead", "--limit", "20", "--notification", address()}),
      ctl::kExitOk)
      << ctl_.err();
  const auto lists = fake_.lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].state(), nv1::DELIVERY_STATE_DEAD);
  EXPECT_EQ(lists[0].limit(), 20);
  const std::string out = ctl_.out();
  for (const char* text : {"LAST ERROR", "42", "TS-202611-000001", "solution_proposed", "sms",
                           "138****8000", "isv.BUSINESS_LIMIT_CONTROL"}) {
    EXPECT_TRUE(absl::StrContains(out, text)) << text << " not in " << out;
  }
}

TEST_F(DeliveriesCommandTest, TheAddressComesFromTheEnvironmentAndWithoutLimitTheServerChooses) {
  ctl_.SetEnv("TOUSU_CTL_NOTIFICATION_ADDR", address());
  ASSERT_EQ(Run({"deliveries", "list", "--state", "PENDING"}), ctl::kExitOk) << ctl_.err();
  ASSERT_EQ(fake_.lists().size(), 1u);
  EXPECT_EQ(fake_.lists()[0].state(), nv1::DELIVERY_STATE_PENDING);
  EXPECT_EQ(fake_.lists()[0].limit(), 0);
  EXPECT_EQ(ctl_.out(), "No pending deliveries.\n");
}

TEST_F(DeliveriesCommandTest, JsonIsProtobufsMappingOfTheResponse) {
  ctl_.SetEnv("TOUSU_CTL_NOTIFICATION_ADDR", address());
  ASSERT_EQ(Run({"deliveries", "list", "--state", "dead", "--json"}), ctl::kExitOk) << ctl_.err();
  const std::string out = ctl_.out();
  EXPECT_TRUE(absl::StrContains(out, "\"maskedAddress\": \"138****8000\"")) << out;
  EXPECT_TRUE(absl::StrContains(out, "\"state\": \"DELIVERY_STATE_DEAD\"")) << out;
  nv1::ListDeliveriesResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &parsed).ok()) << out;
  nv1::ListDeliveriesResponse expected;
  *expected.add_deliveries() = DeadSms();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, expected))
      << parsed.DebugString();
}

TEST_F(DeliveriesCommandTest, RetrySendsTheIdAndPrintsTheDeliveryBackPending) {
  ctl_.SetEnv("TOUSU_CTL_NOTIFICATION_ADDR", address());
  ASSERT_EQ(Run({"deliveries", "retry", "--id", " 42 "}), ctl::kExitOk) << ctl_.err();
  ASSERT_EQ(fake_.retries().size(), 1u);
  EXPECT_EQ(fake_.retries()[0].id(), "42");
  const std::string out = ctl_.out();
  EXPECT_TRUE(absl::StrContains(out, "Delivery 42 is back in line")) << out;
  EXPECT_TRUE(absl::StrContains(out, "pending")) << out;

  ASSERT_EQ(Run({"deliveries", "retry", "--id", "42", "--json"}), ctl::kExitOk) << ctl_.err();
  nv1::RetryDeliveryResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ctl_.out(), &parsed).ok()) << ctl_.out();
  EXPECT_EQ(parsed.delivery().state(), nv1::DELIVERY_STATE_PENDING);
  EXPECT_EQ(parsed.delivery().attempts(), 0);
}

TEST_F(DeliveriesCommandTest, TheServicesRefusalIsPrintedInItsOwnWords) {
  ctl_.SetEnv("TOUSU_CTL_NOTIFICATION_ADDR", address());
  EXPECT_EQ(Run({"deliveries", "retry", "--id", "7"}), ctl::kExitCallFailed);
  EXPECT_EQ(ctl_.out(), "");
  EXPECT_TRUE(absl::StrContains(ctl_.err(),
                                "tousuctl: deliveries retry: FAILED_PRECONDITION: id: only a "
                                "dead-lettered delivery can be retried"))
      << ctl_.err();
  EXPECT_EQ(Run({"deliveries", "retry", "--id", "999"}), ctl::kExitCallFailed);
  EXPECT_TRUE(
      absl::StrContains(ctl_.err(), "tousuctl: deliveries retry: NOT_FOUND: id: no such delivery"))
      << ctl_.err();
}

TEST_F(DeliveriesCommandTest, AnUnreachableServiceNamesItsFlagAndVariable) {
  EXPECT_EQ(Run({"deliveries", "list", "--state", "dead", "--notification", "127.0.0.1:1",
                 "--timeout", "3s"}),
            ctl::kExitCallFailed);
  const std::string err = ctl_.err();
  EXPECT_TRUE(absl::StrContains(err, "UNAVAILABLE")) << err;
  EXPECT_TRUE(absl::StrContains(err, "notification service running at 127.0.0.1:1")) << err;
  EXPECT_TRUE(absl::StrContains(err, "--notification or TOUSU_CTL_NOTIFICATION_ADDR")) << err;
}

TEST_F(DeliveriesCommandTest, BadFlagsAreUsageErrorsNamingTheFlagAndSendNothing) {
  ctl_.SetEnv("TOUSU_CTL_NOTIFICATION_ADDR", address());
  EXPECT_EQ(Run({"deliveries", "list", "--state", "lost"}), ctl::kExitUsage);
  EXPECT_TRUE(
      absl::StrContains(ctl_.err(),
                        "--state: unknown value \"lost\"; one of pending, sent, delivered, dead, "
                        "suppressed"))
      << ctl_.err();
  EXPECT_TRUE(absl::StrContains(ctl_.err(), "Run 'tousuctl deliveries list --help'")) << ctl_.err();
  EXPECT_EQ(Run({"deliveries", "list", "--state", "unspecified"}), ctl::kExitUsage);
  EXPECT_TRUE(absl::StrContains(ctl_.err(), "--state")) << ctl_.err();
  EXPECT_EQ(Run({"deliveries", "list"}), ctl::kExitUsage);
  EXPECT_TRUE(absl::StrContains(ctl_.err(), "deliveries list needs --state")) << ctl_.err();
  for (const char* limit : {"0", "501", "ten"}) {
    EXPECT_EQ(Run({"deliveries", "list", "--state", "dead", "--limit", limit}), ctl::kExitUsage)
        << limit;
    EXPECT_TRUE(absl::StrContains(ctl_.err(), "--limit: expected a whole number from 1 to 500"))
        << ctl_.err();
  }
  EXPECT_EQ(Run({"deliveries", "list", "--state", "dead", "extra"}), ctl::kExitUsage);
  EXPECT_EQ(Run({"deliveries", "retry"}), ctl::kExitUsage);
  EXPECT_TRUE(absl::StrContains(ctl_.err(), "deliveries retry needs --id")) << ctl_.err();
  EXPECT_EQ(Run({"deliveries", "retry", "42"}), ctl::kExitUsage);
  EXPECT_TRUE(fake_.lists().empty());
  EXPECT_TRUE(fake_.retries().empty());
}

TEST_F(DeliveriesCommandTest, HelpListsTheVerbsAndTheNotificationAddress) {
  ASSERT_EQ(Run({"help"}), ctl::kExitOk);
  const std::string help = ctl_.out();
  for (const char* text :
       {"Notification deliveries (notification service):", "deliveries list", "deliveries retry",
        "--notification HOST:PORT", "TOUSU_CTL_NOTIFICATION_ADDR", "127.0.0.1:7109"}) {
    EXPECT_TRUE(absl::StrContains(help, text)) << text;
  }
  for (const std::string& line : Lines(help)) EXPECT_LE(ctl::DisplayWidth(line), 100u) << line;
  EXPECT_EQ(Run({"deliveries"}), ctl::kExitUsage);
  EXPECT_TRUE(absl::StrContains(ctl_.err(), "deliveries needs a second word")) << ctl_.err();
  ASSERT_EQ(Run({"deliveries", "list", "--help"}), ctl::kExitOk);
  EXPECT_TRUE(absl::StrContains(ctl_.out(), "Usage: tousuctl deliveries list --state STATE"))
      << ctl_.out();
  EXPECT_TRUE(absl::StrContains(ctl_.out(), "pending, sent, delivered, dead, suppressed"))
      << ctl_.out();
  ASSERT_EQ(Run({"help", "deliveries", "retry"}), ctl::kExitOk);
  EXPECT_TRUE(absl::StrContains(ctl_.out(), "Usage: tousuctl deliveries retry --id ID"))
      << ctl_.out();
  for (const std::string& line : Lines(ctl_.out())) {
    EXPECT_LE(ctl::DisplayWidth(line), 100u) << line;
  }
}

}  // namespace
}  // namespace tousu
