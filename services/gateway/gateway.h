#pragma once
// The edge: the only process reachable from outside the cluster. Web and app frontends and WeChat
// mini programs call the suite's public RPCs here over HTTP/1.1, in Connect (JSON or binary) or
// gRPC-Web; the gateway checks the call against the allow-list (public_rpcs.h), the browser
// origin (cors.h), the caller's token and the rate limits (rate_limiter.h), and forwards it over
// gRPC to the service that owns it, with a deadline and nothing but the token, the request id and
// the client's address. Upstream answers go back in the client's protocol; internal error text
// never leaves.
//
// Runs on the services' skeleton (server::ServiceRuntime: its gRPC port serves health, its
// metrics port /metrics, its schema tousu_gateway holds the rate-limit counters) plus the HTTP
// listener (http_server.h). GET /healthz answers while the process is up; GET /readyz once the
// runtime has been serving (migrations ran) and until the HTTP drain begins.

#include <grpcpp/generic/generic_stub.h>
#include <prometheus/histogram.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "common/auth/token_verifier.h"
#include "common/metrics/metrics.h"
#include "common/server/executor.h"
#include "common/server/server.h"
#include "services/gateway/codec.h"
#include "services/gateway/http_server.h"
#include "services/gateway/settings.h"

namespace tousu::db {
// The gateway's migrations (the rate-limit table), compiled in by tousu_embed_migrations.
const std::vector<MigrationFile>& gateway_migrations();
}  // namespace tousu::db

namespace tousu::gateway {

class Gateway {
 public:
  // Registers the rate-limit sweep with the runtime and starts the HTTP listener.
  static absl::StatusOr<std::unique_ptr<Gateway>> Create(server::ServiceRuntime& runtime,
                                                         const Settings& settings);
  // Drains HTTP (stop accepting, answer what is in flight, then close).
  ~Gateway();

  int http_port() const { return http_->port(); }
  bool ready() const;

 private:
  struct Route {
    PublicRoute spec;
    const google::protobuf::MethodDescriptor* method = nullptr;
    grpc::GenericStub* stub = nullptr;
  };
  struct Call;

  Gateway(server::ServiceRuntime& runtime, const Settings& settings);
  void Handle(IncomingRequest request, Responder respond);
  void HandleRpc(std::shared_ptr<Call> call, const HttpRequest& request);
  void CheckRateThenForward(std::shared_ptr<Call> call);
  void Forward(std::shared_ptr<Call> call);
  void OnUpstreamDone(std::shared_ptr<Call> call, const grpc::Status& status);
  // Answers with a plain HTTP status (no protocol: health, preflight, refused origins).
  void FinishPlain(Call& call, int http_status, std::string content_type, std::string body);
  void FinishError(Call& call, grpc::StatusCode code, absl::string_view message,
                   int connect_http_status = 0);
  void Finish(Call& call, const EncodedBody& body, const std::string& code_label);
  prometheus::Histogram& DurationFor(const std::string& route, const std::string& protocol);
  void CancelInFlight();

  server::ServiceRuntime& runtime_;
  const Settings settings_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;  // by upstream env
  std::map<std::string, std::unique_ptr<grpc::GenericStub>> stubs_;
  std::map<std::string, Route> routes_;  // by "/package.Service/Method"
  std::unique_ptr<SqlRateCounterStore> rate_store_;
  std::unique_ptr<RateLimiter> limiter_;
  // Its own threads for the counter statements: the runtime's executor stops before the HTTP
  // drain ends, and a slow database must not hold the io threads.
  std::unique_ptr<server::BoundedExecutor> rate_executor_;

  metrics::CachedCounter requests_;
  prometheus::Family<prometheus::Histogram>& duration_family_;
  // Built once for every route and protocol (and "unknown"/"other"): read without a lock.
  std::map<std::pair<std::string, std::string>, prometheus::Histogram*> durations_;
  prometheus::Counter& rate_check_skipped_;

  std::mutex calls_mu_;
  std::set<grpc::ClientContext*> upstream_calls_;  // in flight, for cancelling at the end
  bool cancelled_ = false;
  mutable std::atomic<bool> served_once_{false};
  std::atomic<bool> draining_{false};

  std::unique_ptr<HttpServer> http_;  // last: stopped first
};

}  // namespace tousu::gateway
