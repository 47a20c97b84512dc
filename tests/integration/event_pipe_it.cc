// The event pipe between services, end to end with real processes: a producer probe writes notes
// and NoteCreated events (outbox), its relay delivers them to a consumer probe's EventSink (inbox).

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/client/channel.h"
#include "common/events/outbox.h"
#include "complaints/testing/v1/probe.grpc.pb.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace tv1 = complaints::testing::v1;
using testing::ChildProcess;
using testing::ScratchDatabase;

constexpr char kProbe[] = "complaints.testing.v1.ProbeService";
constexpr char kSink[] = "complaints.common.v1.EventSink";

struct Endpoint {
  int grpc_port = testing::FreePort();
  int metrics_port = testing::FreePort();
};

class EventPipe : public ::testing::Test {
 protected:
  void SetUp() override {
    subscriptions_file_ = ::testing::TempDir() + "/subscriptions_" + producer_db_.name() + ".txt";
    std::ofstream(subscriptions_file_) << "# test wiring\nNoteCreated probe-consumer\n";
  }

  std::unique_ptr<ChildProcess> StartConsumer(const std::string& handler_delay) {
    auto env =
        testing::ProbeEnv(consumer_db_.options(), consumer_.grpc_port, consumer_.metrics_port);
    env["TOUSU_PROBE_HANDLER_DELAY"] = handler_delay;
    auto p = std::make_unique<ChildProcess>(
        TOUSU_PROBE_SERVER, env,
        ::testing::TempDir() + "/consumer_" + consumer_db_.name() + ".log");
    EXPECT_TRUE(testing::WaitForHealth(consumer_.grpc_port, kSink, 1, absl::Seconds(30)));
    return p;
  }

  std::unique_ptr<ChildProcess> StartProducer(const Endpoint& at, int relay_workers = 2) {
    auto env = testing::ProbeEnv(producer_db_.options(), at.grpc_port, at.metrics_port);
    env["TOUSU_PROBE_SUBSCRIPTIONS_FILE"] = subscriptions_file_;
    env["TOUSU_PROBE_PEERS"] = absl::StrCat("probe-consumer=127.0.0.1:", consumer_.grpc_port);
    env["TOUSU_PROBE_RELAY_WORKERS"] = absl::StrCat(relay_workers);
    auto p = std::make_unique<ChildProcess>(
        TOUSU_PROBE_SERVER, env,
        absl::StrCat(::testing::TempDir(), "/producer_", producer_db_.name(), "_", at.grpc_port,
                     ".log"));
    EXPECT_TRUE(testing::WaitForHealth(at.grpc_port, kProbe, 1, absl::Seconds(30)));
    return p;
  }

  grpc::Status CreateNote(int port, const std::string& aggregate, int64_t seq, bool fail = false) {
    if (stubs_.find(port) == stubs_.end()) {
      stubs_[port] = tv1::ProbeService::NewStub(grpc::CreateChannel(
          absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    }
    tv1::CreateNoteRequest req;
    req.set_aggregate_id(aggregate);
    req.set_seq(seq);
    req.set_fail_after_write(fail);
    tv1::CreateNoteResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(10));
    return stubs_[port]->CreateNote(ctx.get(), req, &resp);
  }

  int64_t Received() {
    return std::stoll("0" + consumer_db_.QueryScalar("SELECT COUNT(*) FROM received"));
  }
  int64_t DistinctReceived() {
    return std::stoll("0" +
                      consumer_db_.QueryScalar("SELECT COUNT(DISTINCT event_id) FROM received"));
  }
  bool WaitForReceived(int64_t n, absl::Duration timeout) {
    const absl::Time until = absl::Now() + timeout;
    while (absl::Now() < until) {
      if (DistinctReceived() >= n) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }
  // Arrivals of one aggregate whose seq is lower than an earlier arrival's.
  int64_t OutOfOrderArrivals() {
    return std::stoll("0" + consumer_db_.QueryScalar(
                                "SELECT COUNT(*) FROM received a JOIN received b"
                                " ON a.aggregate_id = b.aggregate_id AND a.arrival < b.arrival"
                                " AND a.seq > b.seq"));
  }

  ScratchDatabase producer_db_, consumer_db_;
  Endpoint consumer_;
  std::string subscriptions_file_;
  std::map<int, std::unique_ptr<tv1::ProbeService::Stub>> stubs_;
};

TEST_F(EventPipe, ACommittedEventReachesItsConsumerOnceInOrderAndARolledBackOneNever) {
  auto consumer = StartConsumer("0s");
  Endpoint producer_at;
  auto producer = StartProducer(producer_at);
  for (int seq = 1; seq <= 20; ++seq) {
    for (int agg = 0; agg < 5; ++agg) {
      ASSERT_TRUE(CreateNote(producer_at.grpc_port, absl::StrCat("TS-TEST-", agg), seq).ok());
    }
  }
  auto failed = CreateNote(producer_at.grpc_port, "TS-ROLLED-BACK", 1, /*fail=*/true);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::ABORTED);

  ASSERT_TRUE(WaitForReceived(100, absl::Seconds(30))) << "received " << DistinctReceived();
  absl::SleepFor(absl::Milliseconds(500));  // anything extra would arrive now
  EXPECT_EQ(Received(), 100);
  EXPECT_EQ(DistinctReceived(), 100);
  EXPECT_EQ(OutOfOrderArrivals(), 0);
  EXPECT_EQ(consumer_db_.QueryScalar(
                "SELECT COUNT(*) FROM received WHERE aggregate_id = 'TS-ROLLED-BACK'"),
            "0");
  EXPECT_EQ(
      producer_db_.QueryScalar("SELECT COUNT(*) FROM notes WHERE aggregate_id = 'TS-ROLLED-BACK'"),
      "0");
  EXPECT_EQ(producer_db_.QueryScalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"),
            "0");
}

TEST_F(EventPipe, ARelayKilledMidBatchRedeliversAndTheInboxMakesTheRepeatANoOp) {
  // A slow consumer makes a batch take seconds, so the kill lands inside one.
  auto consumer = StartConsumer("15ms");
  Endpoint producer_at;
  auto producer = StartProducer(producer_at, /*relay_workers=*/1);
  constexpr int kAggregates = 4, kPerAggregate = 50;
  for (int seq = 1; seq <= kPerAggregate; ++seq) {
    for (int agg = 0; agg < kAggregates; ++agg) {
      ASSERT_TRUE(CreateNote(producer_at.grpc_port, absl::StrCat("TS-KILL-", agg), seq).ok());
    }
  }
  ASSERT_TRUE(WaitForReceived(10, absl::Seconds(30)));
  producer->Signal(SIGKILL);
  producer->Wait(absl::Seconds(10));
  const int64_t before_restart = DistinctReceived();
  EXPECT_LT(before_restart, kAggregates * kPerAggregate)
      << "the kill came too late to test anything";

  producer = StartProducer(producer_at, /*relay_workers=*/1);
  ASSERT_TRUE(WaitForReceived(kAggregates * kPerAggregate, absl::Seconds(60)));
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(Received(), kAggregates * kPerAggregate) << "an event took effect twice";
  EXPECT_EQ(OutOfOrderArrivals(), 0);
  // The consumer did see repeats: the batch in flight at the kill was delivered again.
  const std::string metrics = testing::HttpGet(consumer_.metrics_port, "/metrics");
  EXPECT_GT(testing::MetricValue(metrics, "tousu_inbox_duplicates_total", {"NoteCreated"}), 0)
      << metrics;
}

TEST_F(EventPipe, TwoRelaysOnOneOutboxNeverDeliverOneEventAtTheSameTime) {
  auto consumer = StartConsumer("3ms");
  Endpoint a_at, b_at;
  auto a = StartProducer(a_at);
  auto b = StartProducer(b_at);
  constexpr int kAggregates = 32, kPerAggregate = 10;
  for (int seq = 1; seq <= kPerAggregate; ++seq) {
    for (int agg = 0; agg < kAggregates; ++agg) {
      const int port = (agg % 2 == 0) ? a_at.grpc_port : b_at.grpc_port;
      ASSERT_TRUE(CreateNote(port, absl::StrCat("TS-TWO-", agg), seq).ok());
    }
  }
  ASSERT_TRUE(WaitForReceived(kAggregates * kPerAggregate, absl::Seconds(60)));
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(Received(), kAggregates * kPerAggregate);
  EXPECT_EQ(OutOfOrderArrivals(), 0);
  const std::string consumer_metrics = testing::HttpGet(consumer_.metrics_port, "/metrics");
  EXPECT_EQ(testing::MetricValue(consumer_metrics, "tousu_probe_concurrent_deliveries_total", {}),
            0);
  EXPECT_EQ(testing::MetricValue(consumer_metrics, "tousu_inbox_duplicates_total", {"NoteCreated"}),
            -1)
      << "no event should even be delivered twice without a failure";
  // Both relays did share the work.
  const double by_a = testing::MetricValue(testing::HttpGet(a_at.metrics_port, "/metrics"),
                                           "tousu_outbox_delivered_total", {"probe-consumer"});
  const double by_b = testing::MetricValue(testing::HttpGet(b_at.metrics_port, "/metrics"),
                                           "tousu_outbox_delivered_total", {"probe-consumer"});
  EXPECT_GT(by_a, 0);
  EXPECT_GT(by_b, 0);
  EXPECT_EQ(by_a + by_b, kAggregates * kPerAggregate);
}

TEST_F(EventPipe, DifferentComplaintsAreDeliveredInParallelEachInItsOwnOrder) {
  // A slow consumer: one event at a time would leave at most one in flight.
  auto consumer = StartConsumer("20ms");
  Endpoint producer_at;
  auto producer = StartProducer(producer_at, /*relay_workers=*/1);
  constexpr int kAggregates = 40, kPerAggregate = 6;
  for (int seq = 1; seq <= kPerAggregate; ++seq) {
    for (int agg = 0; agg < kAggregates; ++agg) {
      ASSERT_TRUE(CreateNote(producer_at.grpc_port, absl::StrCat("TS-PAR-", agg), seq).ok());
    }
  }
  ASSERT_TRUE(WaitForReceived(kAggregates * kPerAggregate, absl::Seconds(60)));
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(Received(), kAggregates * kPerAggregate);
  EXPECT_EQ(OutOfOrderArrivals(), 0);
  const std::string metrics = testing::HttpGet(consumer_.metrics_port, "/metrics");
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_probe_aggregate_overlaps_total", {}), 0)
      << "two events of one complaint were being applied at once";
  // Delivered one at a time this stays 1; the consumer's own pool (4 connections) caps it.
  EXPECT_GE(testing::MetricValue(metrics, "tousu_probe_max_events_in_flight", {}), 3)
      << "one relay worker should have had several complaints' events in flight";
  EXPECT_EQ(producer_db_.QueryScalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"),
            "0");
}

TEST_F(EventPipe, AnEventThatKeepsFailingHoldsBackOnlyItsOwnComplaint) {
  auto consumer = StartConsumer("0s");
  Endpoint producer_at;
  auto producer = StartProducer(producer_at);
  // The consumer refuses TS-POISON notes. Fill the poison's partition with more events than a
  // relay batch holds, all for other complaints: they must all get through.
  const int partition = events::PartitionOf("TS-POISON");
  for (int seq = 1; seq <= 3; ++seq)
    ASSERT_TRUE(CreateNote(producer_at.grpc_port, "TS-POISON", seq).ok());
  int sent = 0;
  for (int i = 0; sent < 150; ++i) {
    const std::string aggregate = absl::StrCat("TS-NEIGHBOUR-", i);
    if (events::PartitionOf(aggregate) != partition) continue;
    for (int seq = 1; seq <= 5; ++seq)
      ASSERT_TRUE(CreateNote(producer_at.grpc_port, aggregate, seq).ok());
    sent += 5;
  }
  ASSERT_TRUE(WaitForReceived(sent, absl::Seconds(60))) << "received " << DistinctReceived();
  EXPECT_EQ(Received(), sent);
  EXPECT_EQ(OutOfOrderArrivals(), 0);
  EXPECT_EQ(producer_db_.QueryScalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"),
            "3");
  // Only the first poison event was tried; the two behind it wait their turn.
  EXPECT_GT(
      std::stoll(producer_db_.QueryScalar(
          "SELECT attempts FROM outbox WHERE aggregate_id = 'TS-POISON' ORDER BY id LIMIT 1")),
      0);
  EXPECT_EQ(producer_db_.QueryScalar(
                "SELECT MAX(attempts) FROM outbox WHERE aggregate_id = 'TS-POISON'"
                " AND id > (SELECT MIN(id) FROM outbox WHERE aggregate_id = 'TS-POISON')"),
            "0");
}

TEST_F(EventPipe, AnUnreachableConsumerIsRetriedWithBackoffAndCaughtUpLater) {
  Endpoint producer_at;
  auto producer = StartProducer(producer_at);  // consumer not started yet
  for (int seq = 1; seq <= 5; ++seq)
    ASSERT_TRUE(CreateNote(producer_at.grpc_port, "TS-LATE", seq).ok());
  absl::SleepFor(absl::Seconds(2));
  EXPECT_GT(std::stoll(producer_db_.QueryScalar("SELECT MAX(attempts) FROM outbox")), 0);
  const std::string metrics = testing::HttpGet(producer_at.metrics_port, "/metrics");
  EXPECT_GT(testing::MetricValue(metrics, "tousu_outbox_backlog_events", {"probe-consumer"}), 0)
      << metrics;
  auto consumer = StartConsumer("0s");
  ASSERT_TRUE(WaitForReceived(5, absl::Seconds(60)));
  EXPECT_EQ(OutOfOrderArrivals(), 0);
  EXPECT_EQ(Received(), 5);
}

}  // namespace
}  // namespace tousu
