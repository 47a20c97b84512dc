#pragma once
// Intake's settings (TOUSU_INTAKE_<KEY>, or --<key> flags), read once at start-up.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "services/intake/domain/rate_limit.h"
#include "services/intake/domain/retention.h"

namespace tousu::intake {

struct RetentionSettings {
  // RETENTION_AFTER_CLOSE: "1095d" (default, 3 years), absl syntax ("26280h"), or "0" for off
  // (nullopt: nothing is ever anonymised; logged at start-up).
  std::optional<absl::Duration> after_close = kDefaultRetentionAfterClose;
  // RETENTION_CHECK_EVERY: how often the job looks (default 1h, at least 100ms).
  absl::Duration check_every = absl::Hours(1);
  // RETENTION_BATCH: complaints per transaction (default 200, 1..10000).
  int batch = 200;

  static absl::StatusOr<RetentionSettings> FromConfig(const config::Config& cfg);
};

struct IntakeSettings {
  // NUMBER_BLOCK: complaint numbers reserved per round trip to the shared counter (1..1000). A
  // stopped replica leaves the rest of its block unissued, so this is also the largest gap one
  // restart can leave in a month's numbers.
  int number_block = 100;
  // READ_CACHE_ENTRIES (0 = off, at most 1000000) and READ_CACHE_TTL (at most 1m): GetComplaint's
  // cache of records (read_cache.h); the TTL bounds how stale a read can be when several replicas
  // apply events.
  int read_cache_entries = 10000;
  absl::Duration read_cache_ttl = absl::Seconds(1);
  // RATE_PER_CUSTOMER and RATE_PER_SOURCE ("20/1h", "0" = off): SubmitComplaint calls allowed per
  // customer account (customers' own submissions; staff are not limited by it) and per
  // connection peer address. The source limit is off by default: behind a load balancer every
  // call's peer is the balancer, so it belongs where clients connect directly (or at the gateway).
  RateLimit per_customer{.count = 30, .per = absl::Hours(1)};
  RateLimit per_source{.count = 0, .per = absl::Minutes(1)};
  // RETENTION_*: the retention job (retention.h).
  RetentionSettings retention{};
  // STAFF_ASSESSMENT_ADDR: the staff directory, whose department names the timeline uses
  // (department_sync.h); empty: not asked (names already kept stay, others read as "责任部门").
  // STAFF_TIMEOUT (default 2s) bounds each call; DEPARTMENT_SYNC_EVERY (default 1m, 1s..24h) is
  // how often the names are read again.
  std::string staff_assessment_addr{};
  absl::Duration staff_timeout = absl::Seconds(2);
  absl::Duration department_sync_every = absl::Minutes(1);

  static absl::StatusOr<IntakeSettings> FromConfig(const config::Config& cfg);
};

}  // namespace tousu::intake
