#pragma once
// Delivering events: the relay reads the outbox and calls each subscriber's EventSink.
//
// - At least once: a row is marked delivered only after the subscriber answered OK, and the mark
//   commits with the batch; a relay killed mid-batch leaves the batch to be delivered again (the
//   consumer's inbox turns the repeat into a no-op).
// - In order per aggregate: a lane (partition = hash of the aggregate, and one subscriber) is
//   delivered by one relay at a time, in id order; when an event fails, later events of the same
//   aggregate and subscriber wait behind it. Subscribers have separate lanes, so a slow one does
//   not hold back the others.
// - Never the same batch twice at once: a relay claims a lane with
//   SELECT ... FOR UPDATE SKIP LOCKED and holds that lock until its batch commits, so another
//   replica's relay skips to other lanes.
// - Backoff: a failed row is retried after base * 2^attempts (capped), with jitter. A subscriber
//   that times out or is unreachable is skipped for a backoff of its own, so a dead consumer
//   costs the workers one timeout, not one per lane, and the other subscribers keep flowing.
// - Throughput: within a batch, different (aggregate, subscriber) chains are delivered
//   concurrently (up to max_in_flight calls), each chain strictly in order: one event of a chain
//   is sent only after the previous one was acknowledged. Delivering one event at a time made the
//   relay the slowest stage of the whole pipeline (a round trip plus the consumer's commit per
//   event, ~200 complaints/s end to end).

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/pool.h"
#include "common/metrics/metrics.h"
#include "common/time/clock.h"
#include "complaints/common/v1/events.grpc.pb.h"

namespace tousu::events {

struct RelayOptions {
  int workers = 2;
  int batch_size = 256;
  // Calls in flight per worker (each to a different aggregate or subscriber).
  int max_in_flight = 32;
  absl::Duration idle_poll = absl::Milliseconds(200);
  absl::Duration rpc_timeout = absl::Seconds(5);
  absl::Duration backoff_base = absl::Milliseconds(200);
  absl::Duration backoff_max = absl::Seconds(30);
  absl::Duration backlog_refresh = absl::Seconds(1);
  // Delivered rows are kept this long for audit, then pruned.
  absl::Duration retention = absl::Hours(24 * 7);
};

class Relay {
 public:
  // `peers`: subscriber name -> address. The relay opens its own small connection pool, so its
  // long batches never starve request handlers.
  Relay(std::string producer, const db::DbOptions& db, std::map<std::string, std::string> peers,
        const time::Clock& clock, prometheus::Registry& registry, RelayOptions options = {});
  ~Relay();

  void Start();
  void Stop();
  // Wakes an idle worker (called after a commit that wrote outbox rows).
  void Notify();

  // One pass: claims at most one lane with due work and delivers a batch of it. Returns the
  // number of events delivered (0 when there was nothing to do or every lane was claimed).
  absl::StatusOr<int> DeliverOnce();
  // Recomputes the backlog gauges; returns the number of undelivered rows.
  absl::StatusOr<int64_t> RefreshBacklog();

 private:
  struct PendingRow;
  struct Chain;
  class Round;
  void Work(int worker);
  absl::StatusOr<int> DeliverLane(int partition, const std::string& subscriber, bool& claimed);
  // Adds the claim rows of every (partition, subscriber) this relay delivers to (once).
  absl::Status EnsureLanes();
  // Delivers every chain, each in order, many chains at once; sets each row's outcome. Returns
  // true when the subscriber proved unreachable (the rest of the batch was not sent).
  bool DeliverChains(std::vector<Chain>& chains);
  // Subscribers found unreachable are skipped for a growing backoff.
  bool Paused(const std::string& subscriber);
  void SetReachable(const std::string& subscriber, bool reachable);
  complaints::common::v1::EventSink::Stub* StubFor(const std::string& subscriber);
  absl::Duration Backoff(int attempts);
  void PruneDelivered();

  std::string producer_;
  db::DbOptions db_options_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::map<std::string, std::string> peers_;
  const time::Clock& clock_;
  RelayOptions options_;

  std::mutex stubs_mu_;
  std::map<std::string, std::unique_ptr<complaints::common::v1::EventSink::Stub>> stubs_;

  metrics::CachedCounter delivered_;
  metrics::CachedCounter failures_;
  metrics::CachedGauge backlog_;
  metrics::CachedGauge oldest_age_;
  // 1 while the backlog query (every backlog_refresh) reaches the database, 0 once it fails: the
  // "database down" signal for alerts, from every replica of every service.
  metrics::CachedGauge db_up_;
  std::mutex backlog_mu_;
  std::vector<std::string> backlog_subscribers_seen_;
  std::set<std::string> unknown_subscribers_logged_;

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  uint64_t wake_seq_ = 0;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::atomic<uint32_t> rotation_{0};
  std::atomic<bool> lanes_ready_{false};
  struct Pause {
    int failures = 0;
    absl::Time until = absl::InfinitePast();
  };
  std::mutex pause_mu_;
  std::map<std::string, Pause> paused_;
};

}  // namespace tousu::events
