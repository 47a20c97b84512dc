#pragma once
// Database work must not block gRPC's callback threads, so handlers hand it to a bounded executor
// sized to the connection pool. When the queue is full the call is refused at once with
// RESOURCE_EXHAUSTED instead of piling up (overload stays cheap and memory stays bounded).

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "common/status/status_map.h"

namespace tousu::server {

class BoundedExecutor {
 public:
  BoundedExecutor(int threads, int max_queue);
  ~BoundedExecutor();
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // False when the queue is full or the executor is shut down; the task is then not run.
  bool TrySubmit(std::function<void()> task);
  // Runs what is queued, then joins the threads. Idempotent.
  void Shutdown();
  size_t queued() const;

 private:
  void Work();
  const size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Runs `work` (returning absl::Status) on `executor` and finishes the call with its status mapped
// through the one error table. Refuses with RESOURCE_EXHAUSTED when the executor is full and with
// DEADLINE_EXCEEDED / CANCELLED if the caller gave up while the call waited in the queue.
template <typename Work>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* ctx, BoundedExecutor& executor,
                                   Work work) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  const bool accepted = executor.TrySubmit([ctx, reactor, work = std::move(work)]() mutable {
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled before it ran"));
      return;
    }
    if (ctx->deadline() < std::chrono::system_clock::now()) {
      reactor->Finish(
          grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed while queued"));
      return;
    }
    absl::Status s = work();
    reactor->Finish(status::ToGrpc(s));
  });
  if (!accepted) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy, retry later"));
  }
  return reactor;
}

}  // namespace tousu::server
