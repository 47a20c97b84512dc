#include "tools/loadgen/recorder.h"

#include <grpcpp/support/status_code_enum.h>

#include <cstdint>
#include <utility>

namespace tousu::loadgen {

void Recorder::SetWindow(Clock::time_point from, Clock::time_point to) {
  from_ = from;
  to_ = to;
}

void Recorder::Record(const std::string& stream, Clock::time_point intended, int code) {
  if (!InWindow(intended)) return;
  const int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - intended).count();
  std::lock_guard<std::mutex> lock(mu_);
  CallStats& s = streams_[stream];
  ++s.calls;
  if (code == 0) {
    s.ok_ns.push_back(ns);
  } else {
    ++s.errors[StatusCodeName(code)];
    if (code == grpc::StatusCode::RESOURCE_EXHAUSTED) s.refused_ns.push_back(ns);
  }
}

void Recorder::RecordError(const std::string& stream, Clock::time_point intended,
                           const std::string& what) {
  if (!InWindow(intended)) return;
  std::lock_guard<std::mutex> lock(mu_);
  CallStats& s = streams_[stream];
  ++s.calls;
  ++s.errors[what];
}

std::map<std::string, CallStats> Recorder::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(streams_);
}

}  // namespace tousu::loadgen
