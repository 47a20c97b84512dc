#pragma once
// The open-loop schedule: call i is due at start + i / rate, whatever happened to earlier calls.
// Latency is measured from that intended time, so a stall (in the server or in this client) shows
// up as latency of every call that should have been sent during it, instead of silently lowering
// the offered rate (the coordinated-omission mistake of closed-loop timing).

#include <chrono>
#include <cstdint>

namespace tousu::loadgen {

class OpenLoopSchedule {
 public:
  using Clock = std::chrono::steady_clock;
  // `rate` calls per second, > 0.
  OpenLoopSchedule(Clock::time_point start, double rate) : start_(start), rate_(rate) {}

  // When call `index` (0-based) is due.
  Clock::time_point IntendedTime(int64_t index) const;
  // How many calls are due by `now` (calls 0 .. n-1).
  int64_t DueBy(Clock::time_point now) const;
  double rate() const { return rate_; }

 private:
  Clock::time_point start_;
  double rate_;
};

}  // namespace tousu::loadgen
