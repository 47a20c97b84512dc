#pragma once
// The retention job (PIPL, docs/security.md): a periodic task of the runtime that anonymises
// complaints CLOSED for longer than TOUSU_INTAKE_RETENTION_AFTER_CLOSE (domain/retention.h says
// what changes and what stays). Time is the runtime's clock, so a test or an end-to-end run moves
// it with the clock offset file. Replicas may run it side by side: each batch claims its rows with
// FOR UPDATE SKIP LOCKED and only updates rows still not anonymised, so a row is anonymised once.
//
// GetComplaint's read cache (read_cache.h) is not invalidated: its TTL (READ_CACHE_TTL, at most
// one minute, 1 s by default) bounds how long an anonymised record may still be served from memory.

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "services/intake/settings.h"

namespace tousu::intake {

class RetentionJob {
 public:
  // Registers the job with `rt` as the periodic task "retention" (before rt.Start(); the runtime
  // runs it every settings.check_every once serving); none when retention is off.
  RetentionJob(server::ServiceRuntime& rt, const RetentionSettings& settings);
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

  // One pass: every complaint due now, batch after batch; returns how many were anonymised by
  // this call (0 when off). The timer runs this; tests call it directly.
  absl::StatusOr<int> RunOnce();

 private:
  absl::StatusOr<int> AnonymiseBatch(absl::Time closed_at_or_before, absl::Time now);

  server::ServiceRuntime& rt_;
  const RetentionSettings settings_;
  metrics::CachedCounter anonymised_;
};

}  // namespace tousu::intake
