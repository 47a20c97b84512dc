// The overdue pass: progress updates and callbacks whose deadline passed unmet are reported once
// each (ProgressUpdateOverdue, CallbackOverdue), whichever replica finds them first.

#include "services/follow-up/follow_up_messages.h"
#include "services/follow-up/follow_up_service.h"

namespace tousu::followup {

namespace {

constexpr int kTimerBatch = 100;

}  // namespace

absl::StatusOr<int> FollowUpService::ReportOverdueProgress() {
  int reported = 0;
  // Row locks with SKIP LOCKED: a replica running the same pass takes other rows, and the flag set
  // here makes a later pass find nothing.
  auto s = db::RunInTransaction(
      rt_.pool(),
      [&](db::Transaction& tx) -> absl::Status {
        reported = 0;
        const absl::Time now = rules_.Now();
        for (const auto& number : ClaimOverdueProgress(tx, now, kTimerBatch)) {
          auto fu = LoadFollowUp(tx, number, /*for_update=*/true);
          if (!fu || !FollowUpRules::MarkProgressOverdue(*fu, now)) continue;
          UpdateFollowUp(tx, *fu);
          rt_.outbox().Append(tx, number, ProgressUpdateOverdueEvent(*fu, now));
          ++reported;
        }
        return absl::OkStatus();
      },
      {.read_committed = true});
  if (!s.ok()) return s;
  return reported;
}

absl::StatusOr<int> FollowUpService::ReportOverdueCallbacks() {
  int reported = 0;
  auto s = db::RunInTransaction(
      rt_.pool(),
      [&](db::Transaction& tx) -> absl::Status {
        reported = 0;
        const absl::Time now = rules_.Now();
        for (const auto& [number, cycle] : ClaimOverdueCallbacks(tx, now, kTimerBatch)) {
          auto cb = LoadCallback(tx, number, cycle, /*for_update=*/true);
          if (!cb || !FollowUpRules::MarkCallbackOverdue(*cb, now)) continue;
          UpdateCallback(tx, *cb);
          rt_.outbox().Append(tx, number, CallbackOverdueEvent(*cb, now));
          ++reported;
        }
        return absl::OkStatus();
      },
      {.read_committed = true});
  if (!s.ok()) return s;
  return reported;
}

absl::StatusOr<OverduePass> FollowUpService::CheckOverdue() {
  OverduePass pass;
  auto progress = ReportOverdueProgress();
  if (!progress.ok()) return progress.status();
  pass.progress_updates = *progress;
  auto callbacks = ReportOverdueCallbacks();
  if (!callbacks.ok()) return callbacks.status();
  pass.callbacks = *callbacks;
  if (pass.progress_updates > 0) {
    overdue_.With({"progress_update"}).Increment(pass.progress_updates);
  }
  if (pass.callbacks > 0) overdue_.With({"callback"}).Increment(pass.callbacks);
  int64_t open = 0;
  auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    open = CountNotClosed(tx);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  open_cases_.With({}).Set(static_cast<double>(open));
  return pass;
}

}  // namespace tousu::followup
