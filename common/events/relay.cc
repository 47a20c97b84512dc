#include "common/events/relay.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/client/channel.h"
#include "common/db/errors.h"
#include "common/db/sql_time.h"
#include "common/db/transaction.h"
#include "common/events/outbox.h"
#include "common/log/log.h"

namespace tousu::events {

namespace cv1 = complaints::common::v1;

namespace {
// At most `max_bytes` of `s`, cut on a character boundary (a split character would be refused by
// the strict SQL mode and roll back the whole batch).
std::string Utf8Prefix(const std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}
}  // namespace

struct Relay::PendingRow {
  uint64_t id;
  std::string subscriber;
  std::string aggregate_id;
  std::string envelope;
  int attempts;
  absl::Time next_attempt_at;
  // Set by DeliverChains: whether it was sent, and the subscriber's answer.
  bool attempted = false;
  absl::Status outcome;
};

// The rows of one (aggregate, subscriber) in id order: delivered one after another.
struct Relay::Chain {
  std::vector<PendingRow*> rows;
};

// One batch's concurrent deliveries: which chain goes next, how many calls are out.
class Relay::Round {
 public:
  Round(Relay& relay, std::vector<Chain>& chains) : relay_(relay), chains_(chains) {}

  // True once a call failed in a way that says the subscriber itself is unreachable or too slow
  // (UNAVAILABLE, DEADLINE_EXCEEDED): the round then starts no further chains.
  bool subscriber_unreachable() {
    std::lock_guard<std::mutex> lock(mu_);
    return unreachable_;
  }

  void Run(int max_in_flight) {
    std::vector<size_t> first;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (in_flight_ < max_in_flight && next_chain_ < chains_.size()) {
        first.push_back(next_chain_++);
        ++in_flight_;
      }
    }
    for (size_t c : first) Send(c, 0);
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return in_flight_ == 0; });
  }

 private:
  struct Call {
    std::unique_ptr<grpc::ClientContext> ctx;
    cv1::DeliverEventRequest request;
    cv1::DeliverEventResponse response;
  };

  // Sends row `r` of chain `c`; its answer continues the chain or frees the slot for another.
  void Send(size_t c, size_t r) {
    PendingRow& row = *chains_[c].rows[r];
    row.attempted = true;
    auto* stub = relay_.StubFor(row.subscriber);
    if (stub == nullptr) {
      log::Error("no address configured for subscriber", {{"subscriber", row.subscriber}});
      Finished(c, r,
               absl::FailedPreconditionError(
                   absl::StrCat("no address for subscriber ", row.subscriber)));
      return;
    }
    auto call = std::make_shared<Call>();
    if (!call->request.mutable_event()->ParseFromString(row.envelope)) {
      Finished(c, r, absl::DataLossError("outbox envelope does not parse"));
      return;
    }
    call->ctx = client::NewCallContext(relay_.options_.rpc_timeout, nullptr,
                                       call->request.event().request_id());
    stub->async()->DeliverEvent(
        call->ctx.get(), &call->request, &call->response,
        [this, call, c, r](const grpc::Status& st) {
          Finished(c, r,
                   st.ok() ? absl::OkStatus()
                           : absl::Status(static_cast<absl::StatusCode>(st.error_code()),
                                          st.error_message()));
        });
  }

  void Finished(size_t c, size_t r, absl::Status outcome) {
    const bool unreachable = outcome.code() == absl::StatusCode::kUnavailable ||
                             outcome.code() == absl::StatusCode::kDeadlineExceeded;
    chains_[c].rows[r]->outcome = std::move(outcome);
    const bool ok = chains_[c].rows[r]->outcome.ok();
    size_t next_c = 0, next_r = 0;
    bool more = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      // One timed-out call per slot is enough to know: sending the rest of the batch to a
      // subscriber that is down would hold this worker for rpc_timeout per round of calls.
      if (unreachable) unreachable_ = true;
      if (!relay_.stopping_ && !unreachable_) {
        if (ok && r + 1 < chains_[c].rows.size()) {
          // The chain goes on: its next event only now, after this one was acknowledged.
          next_c = c, next_r = r + 1, more = true;
        } else if (next_chain_ < chains_.size()) {
          // A failed event holds back the rest of its chain; the slot goes to another chain.
          next_c = next_chain_++, next_r = 0, more = true;
        }
      }
      if (!more && --in_flight_ == 0) done_.notify_all();
    }
    if (more) Send(next_c, next_r);
  }

  Relay& relay_;
  std::vector<Chain>& chains_;
  std::mutex mu_;
  std::condition_variable done_;
  size_t next_chain_ = 0;
  int in_flight_ = 0;
  bool unreachable_ = false;
};

Relay::Relay(std::string producer, const db::DbOptions& db,
             std::map<std::string, std::string> peers, const time::Clock& clock,
             prometheus::Registry& registry, RelayOptions options)
    : producer_(std::move(producer)),
      db_options_(db),
      peers_(std::move(peers)),
      clock_(clock),
      options_(options),
      delivered_(registry, "tousu_outbox_delivered_total", "Events delivered to a subscriber.",
                 {"subscriber"}),
      failures_(registry, "tousu_outbox_delivery_failures_total",
                "Delivery attempts that failed and will be retried.", {"subscriber"}),
      backlog_(registry, "tousu_outbox_backlog_events", "Events not yet delivered, by subscriber.",
               {"subscriber"}),
      oldest_age_(registry, "tousu_outbox_oldest_pending_age_seconds",
                  "Age of the oldest undelivered event, by subscriber.", {"subscriber"}),
      db_up_(registry, "tousu_db_up",
             "1 if the last database round trip of the outbox relay (every second) succeeded.",
             {}) {
  db::DbOptions relay_db = db;
  relay_db.pool_size = options_.workers + 1;
  pool_ = std::make_unique<db::ConnectionPool>(relay_db);
  for (const auto& [name, address] : peers_) {
    backlog_.With({name}).Set(0);
    oldest_age_.With({name}).Set(0);
  }
  db_up_.With({}).Set(0);  // unknown until the first round trip after the migrations
}

Relay::~Relay() { Stop(); }

void Relay::Start() {
  stopping_ = false;
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this, i] { Work(i); });
}

void Relay::Stop() {
  stopping_ = true;
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    ++wake_seq_;
  }
  wake_cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void Relay::Notify() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    ++wake_seq_;
  }
  wake_cv_.notify_one();
}

void Relay::Work(int worker) {
  absl::Time next_backlog = absl::InfinitePast();
  absl::Time next_prune = absl::Now() + absl::Minutes(1);
  while (!stopping_) {
    uint64_t seen;
    {
      std::lock_guard<std::mutex> lock(wake_mu_);
      seen = wake_seq_;
    }
    auto delivered = DeliverOnce();
    if (!delivered.ok()) {
      log::Warn("outbox relay pass failed", {{"error", delivered.status().ToString()}});
    }
    if (worker == 0 && absl::Now() >= next_backlog) {
      (void)RefreshBacklog();
      next_backlog = absl::Now() + options_.backlog_refresh;
    }
    if (worker == 0 && absl::Now() >= next_prune) {
      next_prune = absl::Now() + absl::Minutes(1);
      PruneDelivered();
    }
    if (delivered.ok() && *delivered > 0) continue;  // more may be waiting
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.idle_poll),
                      [&] { return stopping_ || wake_seq_ != seen; });
  }
}

absl::Status Relay::EnsureLanes() {
  if (lanes_ready_) return absl::OkStatus();
  absl::Status s = db::RunInTransaction(
      *pool_,
      [&](db::Transaction& tx) {
        auto& insert =
            tx.Prepare("INSERT IGNORE INTO outbox_lanes (partition_no, subscriber) VALUES (?, ?)");
        for (const auto& [subscriber, address] : peers_) {
          for (int p = 0; p < kOutboxPartitions; ++p) {
            insert.clearParameters();
            insert.setInt(1, p);
            insert.setString(2, subscriber);
            insert.executeUpdate();
          }
        }
        return absl::OkStatus();
      },
      {.read_committed = true});
  if (s.ok()) lanes_ready_ = true;
  return s;
}

absl::StatusOr<int> Relay::DeliverOnce() {
  if (absl::Status s = EnsureLanes(); !s.ok()) return s;
  // Which lanes have undelivered work? A plain read (a loose scan of ix_outbox_lane, not of every
  // undelivered row): the claim below is what guards against races, and a lane whose events all
  // wait out a backoff simply delivers nothing.
  std::vector<std::pair<int, std::string>> lanes;
  absl::Status s = db::RunInTransaction(
      *pool_,
      [&](db::Transaction& tx) {
        auto& q = tx.Prepare(
            "SELECT DISTINCT partition_no, subscriber FROM outbox FORCE INDEX (ix_outbox_lane)"
            " WHERE delivered_at IS NULL");
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        while (rs->next()) lanes.emplace_back(rs->getInt(1), rs->getString(2));
        return absl::OkStatus();
      },
      {.read_committed = true});
  if (!s.ok()) return s;
  if (lanes.empty()) return 0;
  // Workers and replicas start at different lanes, so they spread out instead of colliding.
  std::rotate(lanes.begin(), lanes.begin() + (rotation_++ % lanes.size()), lanes.end());
  // A claimed lane may have nothing deliverable after all (its rows wait behind a failed one), so
  // keep going until one delivers or every candidate was tried.
  for (const auto& [partition, subscriber] : lanes) {
    // A subscriber found down is left alone for a backoff, so the workers serve the others
    // instead of waiting out a timeout in each of its lanes.
    if (Paused(subscriber)) continue;
    if (!peers_.contains(subscriber)) {
      // No lane row either, so these events stay in the backlog: say so, once per subscriber.
      std::lock_guard<std::mutex> lock(backlog_mu_);
      if (unknown_subscribers_logged_.insert(subscriber).second) {
        log::Error("outbox events for a subscriber with no configured address wait undelivered",
                   {{"subscriber", subscriber}});
      }
      continue;
    }
    bool claimed = false;
    auto n = DeliverLane(partition, subscriber, claimed);
    if (!n.ok()) return n.status();
    if (claimed && *n > 0) return *n;
  }
  return 0;
}

void Relay::PruneDelivered() {
  const std::string cutoff = db::ToSqlDateTime(clock_.Now() - options_.retention);
  // Small batches under READ COMMITTED: no gap locks in the way of producers and other relays.
  for (int round = 0; round < 1000 && !stopping_; ++round) {
    int deleted = 0;
    absl::Status s = db::RunInTransaction(
        *pool_,
        [&](db::Transaction& tx) {
          auto& del = tx.Prepare(
              "DELETE FROM outbox WHERE delivered_at < ? ORDER BY delivered_at LIMIT 1000");
          del.setDateTime(1, cutoff);
          deleted = del.executeUpdate();
          return absl::OkStatus();
        },
        {.read_committed = true});
    if (!s.ok() || deleted < 1000) return;
  }
}

absl::StatusOr<int> Relay::DeliverLane(int partition, const std::string& subscriber,
                                       bool& claimed) {
  int delivered_count = 0;
  absl::Status s = db::RunInTransaction(
      *pool_,
      [&](db::Transaction& tx) -> absl::Status {
        delivered_count = 0;
        auto& claim = tx.Prepare(
            "SELECT partition_no FROM outbox_lanes WHERE partition_no = ? AND subscriber = ?"
            " FOR UPDATE SKIP LOCKED");
        claim.setInt(1, partition);
        claim.setString(2, subscriber);
        {
          std::unique_ptr<sql::ResultSet> rs(claim.executeQuery());
          claimed = rs->next();
        }
        if (!claimed) return absl::OkStatus();

        std::vector<PendingRow> rows;
        // Only rows that may go now: due, and not queued behind an earlier row of the same
        // aggregate and subscriber that is waiting out its backoff. Otherwise one slow subscriber
        // or one failing event would fill every batch of its partition with rows that cannot move.
        const std::string now_text = db::ToSqlDateTime(clock_.Now());
        auto& pending = tx.Prepare(
            "SELECT o.id, o.subscriber, o.aggregate_id, o.envelope, o.attempts, o.next_attempt_at"
            // The lane's index gives its rows in id order, so LIMIT stops early whatever the
            // optimiser guesses from statistics taken while the backlog was empty.
            " FROM outbox o FORCE INDEX (ix_outbox_lane)"
            " WHERE o.delivered_at IS NULL AND o.partition_no = ? AND o.subscriber = ?"
            " AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)"
            " AND NOT EXISTS (SELECT 1 FROM outbox w WHERE w.aggregate_id = o.aggregate_id"
            "   AND w.subscriber = o.subscriber AND w.delivered_at IS NULL AND w.id < o.id"
            "   AND w.next_attempt_at > ?)"
            " ORDER BY o.id LIMIT ?");
        pending.setInt(1, partition);
        pending.setString(2, subscriber);
        pending.setDateTime(3, now_text);
        pending.setDateTime(4, now_text);
        pending.setInt(5, options_.batch_size);
        {
          std::unique_ptr<sql::ResultSet> rs(pending.executeQuery());
          while (rs->next()) {
            PendingRow r;
            r.id = rs->getUInt64(1);
            r.subscriber = rs->getString(2);
            r.aggregate_id = rs->getString(3);
            r.envelope = rs->getString(4);
            r.attempts = rs->getInt(5);
            r.next_attempt_at =
                rs->isNull(6) ? absl::InfinitePast() : db::FromSqlDateTime(rs->getString(6));
            rows.push_back(std::move(r));
          }
        }

        // Chains in the order of their first row; the query left out every row queued behind
        // one that waits out its backoff, so every row here may go now.
        std::vector<Chain> chains;
        std::map<std::pair<std::string, std::string>, size_t> chain_of;
        for (auto& r : rows) {
          auto [it, added] =
              chain_of.try_emplace(std::make_pair(r.aggregate_id, r.subscriber), chains.size());
          if (added) chains.emplace_back();
          chains[it->second].rows.push_back(&r);
        }
        const bool unreachable = DeliverChains(chains);
        if (!rows.empty()) SetReachable(subscriber, !unreachable);

        // Delivered rows are marked in groups of kMarkGroup ids (one statement shape: a short
        // group repeats its last id).
        constexpr size_t kMarkGroup = 64;
        std::vector<uint64_t> done_ids;
        for (const auto& r : rows) {
          if (r.attempted && r.outcome.ok()) done_ids.push_back(r.id);
        }
        if (!done_ids.empty()) {
          std::string sql =
              "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL"
              " WHERE id IN (?";
          for (size_t i = 1; i < kMarkGroup; ++i) sql += ", ?";
          sql += ")";
          auto& mark_done = tx.Prepare(sql);
          const std::string delivered_at = db::ToSqlDateTime(clock_.Now());
          for (size_t from = 0; from < done_ids.size(); from += kMarkGroup) {
            mark_done.clearParameters();
            mark_done.setDateTime(1, delivered_at);
            for (size_t i = 0; i < kMarkGroup; ++i) {
              mark_done.setUInt64(static_cast<int>(i) + 2,
                                  done_ids[std::min(from + i, done_ids.size() - 1)]);
            }
            mark_done.executeUpdate();
          }
        }
        for (const auto& r : rows) {
          if (!r.attempted) continue;  // behind a failure in its chain, or the relay is stopping
          if (r.outcome.ok()) {
            delivered_.With({r.subscriber}).Increment();
            ++delivered_count;
            continue;
          }
          failures_.With({r.subscriber}).Increment();
          auto& mark_failed = tx.Prepare(
              "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
              " WHERE id = ?");
          mark_failed.setDateTime(1, db::ToSqlDateTime(clock_.Now() + Backoff(r.attempts + 1)));
          mark_failed.setString(2, Utf8Prefix(std::string(r.outcome.message()), 250));
          mark_failed.setUInt64(3, r.id);
          mark_failed.executeUpdate();
          log::Warn("event delivery failed", {{"subscriber", r.subscriber},
                                              {"attempts", r.attempts + 1},
                                              {"error", r.outcome.ToString()}});
        }
        return absl::OkStatus();
      },
      {.max_attempts = 1, .read_committed = true});
  if (!s.ok()) return s;
  return delivered_count;
}

cv1::EventSink::Stub* Relay::StubFor(const std::string& subscriber) {
  std::lock_guard<std::mutex> lock(stubs_mu_);
  auto it = stubs_.find(subscriber);
  if (it != stubs_.end()) return it->second.get();
  auto addr = peers_.find(subscriber);
  if (addr == peers_.end()) return nullptr;
  client::ChannelOptions opts;
  opts.idempotent_methods = {"complaints.common.v1.EventSink/DeliverEvent"};
  auto stub = cv1::EventSink::NewStub(client::MakeChannel(addr->second, opts));
  return stubs_.emplace(subscriber, std::move(stub)).first->second.get();
}

bool Relay::DeliverChains(std::vector<Chain>& chains) {
  if (chains.empty()) return false;
  Round round(*this, chains);
  round.Run(std::max(1, options_.max_in_flight));
  return round.subscriber_unreachable();
}

bool Relay::Paused(const std::string& subscriber) {
  std::lock_guard<std::mutex> lock(pause_mu_);
  auto it = paused_.find(subscriber);
  return it != paused_.end() && absl::Now() < it->second.until;
}

void Relay::SetReachable(const std::string& subscriber, bool reachable) {
  std::lock_guard<std::mutex> lock(pause_mu_);
  if (reachable) {
    paused_.erase(subscriber);
    return;
  }
  Pause& p = paused_[subscriber];
  p.until = absl::Now() + Backoff(++p.failures);
}

absl::Duration Relay::Backoff(int attempts) {
  absl::Duration d = options_.backoff_base;
  for (int i = 1; i < attempts && d < options_.backoff_max; ++i) d *= 2;
  d = std::min(d, options_.backoff_max);
  thread_local std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return d * jitter(rng);
}

absl::StatusOr<int64_t> Relay::RefreshBacklog() {
  int64_t total = 0;
  std::map<std::string, std::pair<int64_t, absl::Time>> by_subscriber;
  absl::Status s = db::RunInTransaction(
      *pool_,
      [&](db::Transaction& tx) {
        auto& q = tx.Prepare(
            "SELECT subscriber, COUNT(*), MIN(created_at) FROM outbox WHERE delivered_at IS NULL"
            " GROUP BY subscriber");
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        while (rs->next()) {
          by_subscriber[rs->getString(1)] = {rs->getInt64(2),
                                             db::FromSqlDateTime(rs->getString(3))};
        }
        return absl::OkStatus();
      },
      {.read_committed = true});
  db_up_.With({}).Set(s.ok() ? 1 : 0);
  if (!s.ok()) return s;
  const absl::Time now = clock_.Now();
  std::lock_guard<std::mutex> lock(backlog_mu_);
  for (const auto& name : backlog_subscribers_seen_) {
    if (!by_subscriber.contains(name)) {
      backlog_.With({name}).Set(0);
      oldest_age_.With({name}).Set(0);
    }
  }
  for (const auto& [name, count_oldest] : by_subscriber) {
    backlog_.With({name}).Set(static_cast<double>(count_oldest.first));
    oldest_age_.With({name}).Set(std::max(0.0, absl::ToDoubleSeconds(now - count_oldest.second)));
    total += count_oldest.first;
    if (std::find(backlog_subscribers_seen_.begin(), backlog_subscribers_seen_.end(), name) ==
        backlog_subscribers_seen_.end()) {
      backlog_subscribers_seen_.push_back(name);
    }
  }
  return total;
}

}  // namespace tousu::events
