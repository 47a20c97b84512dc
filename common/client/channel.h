#pragma once
// Outgoing calls. Every call carries a deadline; a call made while serving another inherits the
// incoming deadline (and cancellation) when that is sooner; only methods declared idempotent
// are retried, by gRPC's own retry policy on UNAVAILABLE.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace tousu::client {

struct ChannelOptions {
  // "package.Service/Method" names that are safe to repeat (reads, and writes carrying an
  // idempotency key such as EventSink/DeliverEvent).
  std::vector<std::string> idempotent_methods;
  int max_attempts = 4;
  absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(2);
};

// `target` is a gRPC target ("127.0.0.1:7101", "dns:///intake:7101"), or replicas of one service
// as IPv4 "address:portA|address:portB|...", which become one channel balancing round robin over
// the replicas that are up.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const ChannelOptions& options);
// Credentials for every channel MakeChannel creates from now on (insecure until set): the
// service's mutual-TLS identity, set once at start-up before any channel is made.
void SetChannelCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials);
// The service config JSON MakeChannel installs (exposed for tests).
std::string RetryServiceConfig(const ChannelOptions& options);

// A context for one outgoing call. With `parent` (the call being served) the deadline is the
// sooner of the parent's and now + `timeout`, cancellation propagates, and the request id is
// passed on; without it, the deadline is now + `timeout`.
std::unique_ptr<grpc::ClientContext> NewCallContext(
    absl::Duration timeout, const grpc::CallbackServerContext* parent = nullptr,
    const std::string& request_id = "");

}  // namespace tousu::client
