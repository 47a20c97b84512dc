#include "common/server/periodic.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "common/audit/audit.h"
#include "common/log/log.h"

namespace tousu::server {

PeriodicTask::PeriodicTask(std::string name, absl::Duration interval,
                           prometheus::Registry& registry, std::function<bool()> ready,
                           std::function<absl::Status()> pass, FirstPass first)
    : name_(std::move(name)),
      interval_(interval),
      ready_(std::move(ready)),
      pass_(std::move(pass)),
      first_(first),
      passes_(registry, "tousu_timer_passes_total",
              "Timer passes by result: ok, failed, or skipped (the service was not serving).",
              {"timer", "result"}),
      last_success_(registry, "tousu_timer_last_success_timestamp_seconds",
                    "Wall-clock time of the timer's last successful pass (Unix seconds).",
                    {"timer"}) {
  // The counters start at zero; the last-success gauge appears with the first success.
  for (const char* result : {"ok", "failed", "skipped"}) passes_.With({name_, result});
}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void PeriodicTask::Loop() {
  bool succeeded_once = false;
  for (;;) {
    const bool polling = first_ == FirstPass::kOnceReady && !succeeded_once;
    const absl::Duration wait = polling ? std::min(interval_, absl::Milliseconds(500)) : interval_;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, absl::ToChronoMilliseconds(wait), [&] { return stop_; });
      if (stop_) return;
    }
    if (!ready_()) {
      passes_.With({name_, "skipped"}).Increment();
      continue;
    }
    // A pass has no caller: its audit rows name the timer ("system:escalation").
    absl::Status s;
    {
      audit::ScopedSystemActor actor(name_);
      s = pass_();
    }
    if (!s.ok()) {
      passes_.With({name_, "failed"}).Increment();
      log::Warn("timer pass failed", {{"timer", name_}, {"error", s.ToString()}});
      continue;
    }
    succeeded_once = true;
    passes_.With({name_, "ok"}).Increment();
    // Wall time on purpose: this is about the process being alive, not the business clock.
    last_success_.With({name_}).Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  }
}

}  // namespace tousu::server
