#include "services/gateway/rate_limiter.h"

#include <cppconn/resultset.h>

#include "common/db/transaction.h"
#include "common/log/log.h"

namespace tousu::gateway {
namespace {

constexpr absl::Duration kWindow = absl::Minutes(1);
constexpr absl::Duration kStoreBackoff = absl::Seconds(1);

db::DbOptions ShortTimeouts(db::DbOptions options) {
  options.pool_size = std::min(options.pool_size, 4);
  options.connect_timeout = absl::Seconds(1);
  options.read_timeout = absl::Seconds(2);
  options.acquire_timeout = absl::Milliseconds(200);
  return options;
}

}  // namespace

SqlRateCounterStore::SqlRateCounterStore(const db::DbOptions& options)
    : pool_(std::make_unique<db::ConnectionPool>(ShortTimeouts(options))) {}

absl::StatusOr<int64_t> SqlRateCounterStore::Hit(const std::string& bucket, int64_t window_start) {
  int64_t hits = 0;
  absl::Status s = db::RunInTransaction(*pool_, [&](db::Transaction& tx) -> absl::Status {
    // LAST_INSERT_ID(expr) hands the new count back on this connection: one row touched, no
    // read-modify-write race between replicas.
    auto& hit = tx.Prepare(
        "INSERT INTO rate_limit_hits (bucket, window_start, hits) VALUES (?, ?, LAST_INSERT_ID(1))"
        " ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)");
    hit.setString(1, bucket);
    hit.setInt64(2, window_start);
    hit.executeUpdate();
    std::unique_ptr<sql::ResultSet> rs(tx.Prepare("SELECT LAST_INSERT_ID()").executeQuery());
    if (!rs->next()) return absl::InternalError("LAST_INSERT_ID returned no row");
    hits = rs->getInt64(1);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return hits;
}

absl::StatusOr<int64_t> SqlRateCounterStore::DeleteBefore(int64_t window_start) {
  int64_t deleted = 0;
  absl::Status s = db::RunInTransaction(*pool_, [&](db::Transaction& tx) -> absl::Status {
    auto& del = tx.Prepare("DELETE FROM rate_limit_hits WHERE window_start < ?");
    del.setInt64(1, window_start);
    deleted = del.executeUpdate();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return deleted;
}

RateLimiter::RateLimiter(RateLimits limits, RateCounterStore& store, const time::Clock& clock,
                         prometheus::Registry& registry)
    : limits_(limits),
      store_(store),
      clock_(clock),
      refused_(registry, "tousu_gateway_rate_limited_total",
               "Requests refused by a rate limit, by bucket (address, customer).", {"bucket"}),
      store_errors_(prometheus::BuildCounter()
                        .Name("tousu_gateway_rate_limit_store_errors_total")
                        .Help("Requests let through unchecked because the rate-limit store "
                              "failed or was backing off (fail open).")
                        .Register(registry)
                        .Add({})) {
  refused_.With({"address"});
  refused_.With({"customer"});
}

std::optional<int64_t> RateLimiter::Count(const std::string& bucket, int64_t window) {
  const int64_t now_us = absl::ToUnixMicros(absl::Now());
  if (now_us < store_down_until_us_.load()) {
    store_errors_.Increment();
    return std::nullopt;
  }
  auto hits = store_.Hit(bucket, window);
  if (hits.ok()) return *hits;
  store_errors_.Increment();
  store_down_until_us_ = now_us + absl::ToInt64Microseconds(kStoreBackoff);
  log::Warn("rate-limit store failed; requests pass unchecked for a while",
            {{"error", hits.status().ToString()},
             {"backoff_ms", absl::ToInt64Milliseconds(kStoreBackoff)}});
  return std::nullopt;
}

RateDecision RateLimiter::Check(const std::string& address, const std::string& customer) {
  RateDecision decision;
  const absl::Time now = clock_.Now();
  const int64_t window_seconds = absl::ToInt64Seconds(kWindow);
  const int64_t window = absl::ToUnixSeconds(now) / window_seconds;
  // Whole seconds, rounded up: Retry-After has no fractions.
  const absl::Duration retry_after =
      absl::FromUnixSeconds((window + 1) * window_seconds) - now + absl::Milliseconds(999);
  const auto refuse = [&](const char* bucket) {
    refused_.With({bucket}).Increment();
    decision.allowed = false;
    decision.exceeded = bucket;
    decision.retry_after = absl::Trunc(retry_after, absl::Seconds(1));
    return decision;
  };
  if (limits_.per_address > 0) {
    auto hits = Count("a:" + address, window);
    if (hits && *hits > limits_.per_address) return refuse("address");
  }
  if (limits_.per_customer > 0 && !customer.empty()) {
    auto hits = Count("c:" + customer, window);
    if (hits && *hits > limits_.per_customer) return refuse("customer");
  }
  return decision;
}

absl::Status RateLimiter::DeleteOldWindows() {
  const int64_t window = absl::ToUnixSeconds(clock_.Now()) / absl::ToInt64Seconds(kWindow);
  auto deleted = store_.DeleteBefore(window);
  if (!deleted.ok()) return deleted.status();
  if (*deleted > 0) log::Debug("old rate-limit windows deleted", {{"rows", *deleted}});
  return absl::OkStatus();
}

}  // namespace tousu::gateway
