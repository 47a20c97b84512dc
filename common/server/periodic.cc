#include "common/server/periodic.h"

#include "common/log/log.h"

namespace tousu::server {

PeriodicTask::PeriodicTask(std::string name, absl::Duration interval, std::function<bool()> ready,
                           std::function<absl::Status()> pass)
    : name_(std::move(name)), interval_(interval), ready_(std::move(ready)), pass_(std::move(pass)) {}

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
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [&] { return stop_; });
      if (stop_) return;
    }
    if (!ready_()) continue;
    if (absl::Status s = pass_(); !s.ok()) {
      log::Warn("timer pass failed", {{"timer", name_}, {"error", s.ToString()}});
    }
  }
}

}  // namespace tousu::server
