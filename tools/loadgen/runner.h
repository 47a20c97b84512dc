#pragma once
// One load generator run over gRPC's callback client API: a closed loop (each of --concurrency
// slots sends its next call when the last one ended) or an open loop (calls sent at their
// intended times whatever is still in flight, latency counted from those times); "routed" calls
// watched until intake shows the complaint routed; lifecycles on threads of their own.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench/v1/hello.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "tools/loadgen/mix.h"
#include "tools/loadgen/recorder.h"

namespace tousu::loadgen {

// What the flags of the same names ask for (main.cc holds the defaults).
struct Options {
  std::string target, routing, case_handling, follow_up;
  bool open_loop = false;
  int concurrency = 0;
  double rate = 0;
  double duration_s = 0, warmup_s = 0, deadline_s = 0;
  int prepare = 0;   // complaints submitted before a run that gets or lists
  int channels = 0;  // connections, so one HTTP/2 connection's ordering is not the bottleneck
  int max_in_flight = 0;
  std::string label;
  bool json = false;
};

class Runner {
 public:
  // `options` checked by the caller: positive counts and times; a lifecycle mix names routing,
  // case-handling and follow-up; a get mix prepares at least one complaint.
  Runner(Options options, Mix mix);

  // Complaints for get to read and list to page through, submitted before the clock starts.
  // False when a get mix has none to read.
  bool Prepare();
  // Warm-up, the measured window, the drain; then the results (FormatResults).
  std::string Run();

 private:
  using SteadyClock = std::chrono::steady_clock;

  // A routed call's complaint, polled until intake's timeline shows it routed.
  struct Watched {
    std::string number;
    SteadyClock::time_point intended;
    int64_t index;
    bool polling;
    std::function<void()> then;
    SteadyClock::time_point last_poll{};
  };

  void RunClosedLoop();
  void Next();
  void RunOpenLoop(SteadyClock::time_point begin);
  void Finished();
  void WaitIdle();
  complaints::intake::v1::IntakeService::Stub& Intake(int64_t index);
  void Issue(CallKind kind, int64_t index, SteadyClock::time_point intended,
             std::function<void()> then);
  void WatchRouted();
  void Poll(Watched* w);
  void RunLifecycles();
  std::string Report();

  Options o_;
  Mix mix_;
  std::string run_id_;
  std::vector<std::unique_ptr<complaints::intake::v1::IntakeService::Stub>> intake_;
  std::vector<std::unique_ptr<tousu::bench::v1::HelloService::Stub>> hello_;
  std::vector<std::string> prepared_;
  Recorder recorder_;
  SteadyClock::time_point end_;
  std::atomic<int64_t> next_index_{0};
  std::atomic<int> in_flight_{0};
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::mutex watch_mu_;
  std::list<Watched> watching_;
  std::atomic<bool> stop_watching_{false};
};

}  // namespace tousu::loadgen
