#pragma once
// A service's timer: one pass of work every interval on its own thread, skipped while the
// service is not serving (migrations not applied yet, or the database down). The passes are
// the services' deadline checks (escalations, missed solution deadlines, overdue follow-ups,
// the month-end job); each is idempotent, so replicas may run them side by side.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"

namespace tousu::server {

// When a task's first pass runs: one interval after Start (deadline checks: nothing is due at
// start-up), or as soon as the service is ready, polling every half second until a pass succeeds
// (gauges a dashboard needs from the first scrape).
enum class FirstPass { kAfterInterval, kOnceReady };

class PeriodicTask {
 public:
  // `name` names the pass in logs and metrics ("escalation"); `ready` says whether a pass may
  // run now. Passes are counted in `registry` (tousu_timer_passes_total{timer, result} and
  // tousu_timer_last_success_timestamp_seconds{timer}), so a stalled timer shows on the dashboard.
  PeriodicTask(std::string name, absl::Duration interval, prometheus::Registry& registry,
               std::function<bool()> ready, std::function<absl::Status()> pass,
               FirstPass first = FirstPass::kAfterInterval);
  ~PeriodicTask();  // stops
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Starts the thread; the first pass runs as `first` says. Starting twice is a no-op.
  void Start();
  // Wakes the thread, lets a running pass finish and joins. Safe to call more than once.
  void Stop();

 private:
  void Loop();

  const std::string name_;
  const absl::Duration interval_;
  const std::function<bool()> ready_;
  const std::function<absl::Status()> pass_;
  const FirstPass first_;
  metrics::CachedCounter passes_;
  metrics::CachedGauge last_success_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tousu::server
