#pragma once
// Rate limits that hold across gateway replicas: fixed one-minute windows counted in a MariaDB
// MEMORY table of the gateway's own schema (migrations/0001_rate_limit_hits.sql), one
// INSERT ... ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1) per bucket and request.
//
// Two buckets per request: the client's network address, and the customer (the verified token's
// subject) when there is one. A limit of 0 turns that bucket off. When the store cannot be
// reached the request passes (fail open: the edge must not go down with a counter table), the
// failure is counted in tousu_gateway_rate_limit_store_errors_total and logged, and the store is
// left alone for a second so a dead database costs each request nothing.

#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/pool.h"
#include "common/metrics/metrics.h"
#include "common/time/clock.h"

namespace tousu::gateway {

// Where the counters live (the SQL store; tests may stand in).
class RateCounterStore {
 public:
  virtual ~RateCounterStore() = default;
  // Adds one hit to (bucket, window_start) and returns the hits counted there so far.
  virtual absl::StatusOr<int64_t> Hit(const std::string& bucket, int64_t window_start) = 0;
  // Deletes every window that started before `window_start`; returns how many rows went.
  virtual absl::StatusOr<int64_t> DeleteBefore(int64_t window_start) = 0;
};

class SqlRateCounterStore final : public RateCounterStore {
 public:
  // Its own small pool with short timeouts (from `options`): a slow database must cost a request
  // milliseconds, not the request pool's seconds.
  explicit SqlRateCounterStore(const db::DbOptions& options);
  absl::StatusOr<int64_t> Hit(const std::string& bucket, int64_t window_start) override;
  absl::StatusOr<int64_t> DeleteBefore(int64_t window_start) override;

 private:
  std::unique_ptr<db::ConnectionPool> pool_;
};

struct RateLimits {
  int64_t per_address = 600;   // RATE_PER_ADDRESS, requests a minute; 0 = off
  int64_t per_customer = 120;  // RATE_PER_CUSTOMER, requests a minute; 0 = off
};

struct RateDecision {
  bool allowed = true;
  std::string exceeded;        // "address" or "customer" when refused
  absl::Duration retry_after;  // until the current window ends, when refused
};

class RateLimiter {
 public:
  RateLimiter(RateLimits limits, RateCounterStore& store, const time::Clock& clock,
              prometheus::Registry& registry);
  // Counts this request against the address's bucket and (if `customer` is not empty) the
  // customer's, and says whether it may pass.
  RateDecision Check(const std::string& address, const std::string& customer);
  // Deletes windows older than the current one (the periodic sweep).
  absl::Status DeleteOldWindows();
  bool enabled() const { return limits_.per_address > 0 || limits_.per_customer > 0; }

 private:
  // The hits so far, or nullopt when the store failed (then the request passes).
  std::optional<int64_t> Count(const std::string& bucket, int64_t window);

  const RateLimits limits_;
  RateCounterStore& store_;
  const time::Clock& clock_;
  metrics::CachedCounter refused_;
  prometheus::Counter& store_errors_;
  std::atomic<int64_t> store_down_until_us_{0};  // unix micros; skip the store before then
};

}  // namespace tousu::gateway
