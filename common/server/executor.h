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
#include "common/auth/access.h"
#include "common/auth/caller.h"
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

// Runs `work` (returning absl::Status) on `executor`, with the call's verified caller current
// (auth::CurrentCaller), and finishes the call with its status mapped through the one error
// table. Refuses with UNAUTHENTICATED / PERMISSION_DENIED as the authentication interceptor
// decided (common/auth/access.h), with RESOURCE_EXHAUSTED when the executor is full, and with
// DEADLINE_EXCEEDED / CANCELLED if the caller gave up while the call waited in the queue.
template <typename Work>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* ctx, BoundedExecutor& executor,
                                   Work work) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  // Refused callers are answered here, before they cost a queue slot or a connection.
  absl::StatusOr<auth::Caller> caller = auth::CallerOf(ctx);
  if (!caller.ok()) {
    reactor->Finish(status::ToGrpc(caller.status()));
    return reactor;
  }
  const bool accepted = executor.TrySubmit([ctx, reactor, caller = std::move(*caller),
                                            work = std::move(work)]() mutable {
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled before it ran"));
      return;
    }
    if (ctx->deadline() < std::chrono::system_clock::now()) {
      reactor->Finish(
          grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed while queued"));
      return;
    }
    auth::ScopedCaller as_caller(caller);
    absl::Status s = work();
    reactor->Finish(status::ToGrpc(s));
  });
  if (!accepted) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy, retry later"));
  }
  return reactor;
}

// Runs `work` (returning absl::Status) right here on the gRPC callback thread — for CPU-only
// answers with no database, where the executor hop would cost more than the work — behind the
// same authentication gate and with the same current caller as RunUnary.
template <typename Work>
grpc::ServerUnaryReactor* RunInline(grpc::CallbackServerContext* ctx, Work work) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<auth::Caller> caller = auth::CallerOf(ctx);
  if (!caller.ok()) {
    reactor->Finish(status::ToGrpc(caller.status()));
    return reactor;
  }
  absl::Status s;
  {
    auth::ScopedCaller as_caller(*caller);
    s = work();
  }
  reactor->Finish(status::ToGrpc(s));
  return reactor;
}

}  // namespace tousu::server
