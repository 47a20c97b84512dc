#include "common/client/channel.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/client/outgoing_token.h"
#include "common/metrics/grpc_metrics.h"

namespace tousu::client {

std::string RetryServiceConfig(const ChannelOptions& options) {
  std::vector<std::string> names;
  for (const auto& m : options.idempotent_methods) {
    const size_t slash = m.find('/');
    if (slash == std::string::npos) {
      names.push_back(absl::StrFormat(R"({"service":"%s"})", m));
    } else {
      names.push_back(absl::StrFormat(R"({"service":"%s","method":"%s"})", m.substr(0, slash),
                                      m.substr(slash + 1)));
    }
  }
  if (names.empty()) return "{}";
  return absl::StrFormat(
      R"({"methodConfig":[{"name":[%s],"retryPolicy":{"maxAttempts":%d,"initialBackoff":"%.3fs",)"
      R"("maxBackoff":"%.3fs","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]})",
      absl::StrJoin(names, ","), options.max_attempts,
      absl::ToDoubleSeconds(options.initial_backoff), absl::ToDoubleSeconds(options.max_backoff));
}

namespace {

std::mutex credentials_mu;
std::shared_ptr<grpc::ChannelCredentials>& ChannelCredentialsSlot() {
  static auto* credentials = new std::shared_ptr<grpc::ChannelCredentials>();
  return *credentials;
}

}  // namespace

void SetChannelCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials) {
  std::lock_guard<std::mutex> lock(credentials_mu);
  ChannelCredentialsSlot() = std::move(credentials);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const ChannelOptions& options) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(RetryServiceConfig(options));
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  // Short reconnect backoff: peers restart during rolling deploys.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  std::string resolved = target;
  if (target.find('|') != std::string::npos) {
    // Replicas: "127.0.0.1:A|127.0.0.1:B" -> "ipv4:127.0.0.1:A,127.0.0.1:B", spread round robin
    // over the replicas that are up (a killed one drops out of the pick until it answers again).
    // '|' rather than ',' because PEERS already separates its entries with commas.
    resolved = absl::StrCat("ipv4:", absl::StrJoin(absl::StrSplit(target, '|'), ","));
    args.SetLoadBalancingPolicyName("round_robin");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  {
    std::lock_guard<std::mutex> lock(credentials_mu);
    credentials = ChannelCredentialsSlot();
  }
  const bool secure = credentials != nullptr;
  if (!secure) credentials = grpc::InsecureChannelCredentials();
  if (secure && resolved != target) {
    // With TLS the server's certificate must name the host dialled; the authority of an
    // "ipv4:A,B" target is the whole list, so check against the replicas' common host instead.
    const std::string first = target.substr(0, target.find('|'));
    args.SetSslTargetNameOverride(first.substr(0, first.rfind(':')));
  }
  return grpc::CreateCustomChannel(resolved, credentials, args);
}

std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout,
                                                    const grpc::CallbackServerContext* parent,
                                                    const std::string& request_id) {
  std::unique_ptr<grpc::ClientContext> ctx;
  auto deadline = std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
  std::string rid = request_id;
  if (parent != nullptr) {
    ctx = grpc::ClientContext::FromCallbackServerContext(*parent);
    if (parent->deadline() < deadline) deadline = parent->deadline();
    if (rid.empty()) {
      auto it = parent->client_metadata().find(metrics::kRequestIdHeader);
      if (it != parent->client_metadata().end()) rid.assign(it->second.data(), it->second.size());
    }
  } else {
    ctx = std::make_unique<grpc::ClientContext>();
  }
  ctx->set_deadline(deadline);
  if (!rid.empty()) ctx->AddMetadata(metrics::kRequestIdHeader, rid);
  // This process's own identity (a service token), never the served caller's: the callee
  // decides what a service may do, and a customer's token is not forwarded anywhere.
  AddOutgoingToken(ctx.get());
  return ctx;
}

}  // namespace tousu::client
