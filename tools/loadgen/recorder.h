#pragma once
// Every result stream's calls, by stream name ("submit", "routed_visible", ...): only calls whose
// intended start falls in the measured window count, so warm-up and the drain after it do not.

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "tools/loadgen/stats.h"

namespace tousu::loadgen {

class Recorder {
 public:
  using Clock = std::chrono::steady_clock;

  // Calls intended in [from, to) are measured.
  void SetWindow(Clock::time_point from, Clock::time_point to);
  bool InWindow(Clock::time_point t) const { return t >= from_ && t < to_; }
  // A call intended at `intended` that ended now with gRPC status `code`.
  void Record(const std::string& stream, Clock::time_point intended, int code);
  // A call that failed without a status code of its own ("NOT_ROUTED_IN_30S", "submit:ABORTED").
  void RecordError(const std::string& stream, Clock::time_point intended, const std::string& what);
  // The streams recorded so far, leaving none.
  std::map<std::string, CallStats> Take();

 private:
  Clock::time_point from_, to_;
  std::mutex mu_;
  std::map<std::string, CallStats> streams_;
};

}  // namespace tousu::loadgen
