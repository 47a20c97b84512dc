#pragma once
// The retention job (PIPL, docs/security.md): on the shared periodic timer, anonymises complaints
// CLOSED for longer than TOUSU_INTAKE_RETENTION_AFTER_CLOSE (domain/retention.h says what changes
// and what stays). Time is the runtime's clock, so a test or an end-to-end run moves it with the
// clock offset file. Replicas may run it side by side: each batch claims its rows with FOR UPDATE
// SKIP LOCKED and only updates rows still not anonymised, so a row is anonymised once.
//
// GetComplaint's read cache (read_cache.h) is not invalidated: its TTL (READ_CACHE_TTL, at most
// one minute, 1 s by default) bounds how long an anonymised record may still be served from memory.

#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "common/metrics/metrics.h"
#include "common/server/periodic.h"
#include "common/server/server.h"

namespace tousu::intake {

struct RetentionSettings {
  // RETENTION_AFTER_CLOSE: "1095d" (default, 3 years), absl syntax ("26280h"), or "0" for off
  // (nullopt: nothing is ever anonymised; logged at start-up).
  std::optional<absl::Duration> after_close;
  // RETENTION_CHECK_EVERY: how often the job looks (default 1h).
  absl::Duration check_every = absl::Hours(1);
  // RETENTION_BATCH: complaints per transaction (default 200, 1..10000).
  int batch = 200;

  static absl::StatusOr<RetentionSettings> FromConfig(const config::Config& cfg);
};

class RetentionJob {
 public:
  RetentionJob(server::ServiceRuntime& rt, RetentionSettings settings);
  ~RetentionJob();
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

  // Starts the timer ("retention" in tousu_timer_passes_total); no-op when retention is off.
  void Start();
  void Stop();
  // One pass: every complaint due now, batch after batch; returns how many were anonymised by
  // this call (0 when off). The timer runs this; tests call it directly.
  absl::StatusOr<int> RunOnce();

 private:
  absl::StatusOr<int> AnonymiseBatch(absl::Time closed_at_or_before, absl::Time now);

  server::ServiceRuntime& rt_;
  const RetentionSettings settings_;
  metrics::CachedCounter anonymised_;
  std::unique_ptr<server::PeriodicTask> timer_;
};

}  // namespace tousu::intake
