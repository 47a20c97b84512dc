#include "services/gateway/gateway.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/client/channel.h"
#include "common/log/log.h"

namespace tousu::gateway {
namespace {

namespace http = boost::beast::http;

constexpr char kRequestIdHeader[] = "x-request-id";
constexpr char kClientAddressHeader[] = "x-tousu-client-address";
constexpr char kPlainText[] = "text/plain; charset=utf-8";

// A client's own request id is kept when it is a plain token; anything else is replaced.
bool UsableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != ':') {
      return false;
    }
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrFormat("gw-%016x%016x", random(), random());
}

// Addresses are personal data: logs keep the network, not the host.
std::string MaskAddress(absl::string_view address) {
  const size_t cut =
      address.find(':') == absl::string_view::npos ? address.rfind('.') : address.rfind(':');
  if (cut == absl::string_view::npos) return "*";
  return absl::StrCat(address.substr(0, cut + 1), "*");
}

absl::string_view Header(const HttpRequest& req, absl::string_view name) {
  auto it = req.find(boost::beast::string_view(name.data(), name.size()));
  if (it == req.end()) return {};
  return absl::string_view(it->value().data(), it->value().size());
}

// A list header sent as several fields is their values joined with commas (RFC 9110, 5.3).
std::string ListHeader(const HttpRequest& req, absl::string_view name) {
  std::string joined;
  auto [begin, end] = req.equal_range(boost::beast::string_view(name.data(), name.size()));
  for (auto it = begin; it != end; ++it) {
    if (!joined.empty()) joined += ',';
    joined.append(it->value().data(), it->value().size());
  }
  return joined;
}

}  // namespace

struct Gateway::Call {
  absl::Time started = absl::Now();
  Responder respond;
  unsigned http_version = 11;
  bool keep_alive = true;
  std::string request_id;
  std::string peer;  // the client's address: the TCP peer, or what trusted proxies say it is
  std::map<std::string, std::string> headers;  // CORS, Retry-After, Allow: added to the answer
  std::string route_label = "other";
  std::string protocol_label = "http";
  Protocol protocol = Protocol::kConnectJson;
  const Route* route = nullptr;
  std::optional<absl::Duration> timeout;
  std::string authorization;  // the verified "Bearer ..." value, passed on unchanged
  std::string subject;        // the verified token's subject (customer rate limit)
  std::string request_bytes;
  grpc::ClientContext context;
  grpc::ByteBuffer request_buffer, response_buffer;
  bool answered = false;
};

Gateway::Gateway(server::ServiceRuntime& runtime, const Settings& settings)
    : runtime_(runtime),
      settings_(settings),
      requests_(runtime.registry(), "tousu_gateway_http_requests_total",
                "HTTP requests answered by the edge, by route (package.Service/Method, unknown, "
                "other), protocol and code (Connect code; the HTTP status for non-RPC answers).",
                {"route", "protocol", "code"}),
      duration_family_(prometheus::BuildHistogram()
                           .Name("tousu_gateway_http_request_duration_seconds")
                           .Help("Time from a request's last byte read to its answer, by route "
                                 "and protocol.")
                           .Register(runtime.registry())),
      rate_check_skipped_(prometheus::BuildCounter()
                              .Name("tousu_gateway_rate_check_skipped_total")
                              .Help("Requests let through unchecked because the rate-limit "
                                    "workers' queue was full (fail open).")
                              .Register(runtime.registry())
                              .Add({})) {}

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Create(server::ServiceRuntime& runtime,
                                                         const Settings& settings) {
  auto gateway = std::unique_ptr<Gateway>(new Gateway(runtime, settings));
  Gateway& g = *gateway;
  auto verifier = auth::TokenVerifier::Create(settings.verifier, runtime.clock());
  if (!verifier.ok()) return verifier.status();
  g.verifier_ = std::move(*verifier);

  for (const auto& [env, target] : settings.upstreams) {
    g.channels_[env] = client::MakeChannel(target, {});  // no retries: writes are not idempotent
    g.stubs_[env] = std::make_unique<grpc::GenericStub>(g.channels_[env]);
  }
  const prometheus::Histogram::BucketBoundaries buckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15};
  const Protocol protocols[] = {Protocol::kConnectJson, Protocol::kConnectProto, Protocol::kGrpcWeb,
                                Protocol::kGrpcWebText};
  for (const auto& [path, spec] : settings.routes) {
    Route route{spec, nullptr, g.stubs_.at(spec.upstream_env).get()};
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(spec.service);
    route.method = service != nullptr ? service->FindMethodByName(spec.method) : nullptr;
    if (route.method == nullptr) return absl::NotFoundError(absl::StrCat("no RPC ", path));
    const std::string label = path.substr(1);
    for (Protocol p : protocols) {
      g.requests_.With({label, ProtocolLabel(p), "ok"});
      g.durations_[{label, ProtocolLabel(p)}] =
          &g.duration_family_.Add({{"route", label}, {"protocol", ProtocolLabel(p)}}, buckets);
    }
    g.routes_.emplace(path, std::move(route));
  }
  for (Protocol p : protocols) {
    g.durations_[{"unknown", ProtocolLabel(p)}] =
        &g.duration_family_.Add({{"route", "unknown"}, {"protocol", ProtocolLabel(p)}}, buckets);
  }
  g.durations_[{"other", "http"}] =
      &g.duration_family_.Add({{"route", "other"}, {"protocol", "http"}}, buckets);

  g.rate_executor_ = std::make_unique<server::BoundedExecutor>(4, 1024);
  if (settings.rate_limits.per_address > 0 || settings.rate_limits.per_customer > 0) {
    g.rate_store_ = std::make_unique<SqlRateCounterStore>(runtime.pool().options());
    g.limiter_ = std::make_unique<RateLimiter>(settings.rate_limits, *g.rate_store_,
                                               runtime.clock(), runtime.registry());
    runtime.AddPeriodicTask("gateway_rate_windows", absl::Minutes(1),
                            [limiter = g.limiter_.get()] { return limiter->DeleteOldWindows(); });
  }

  auto http = HttpServer::Start({.address = settings.http_addr,
                                 .threads = settings.http_threads,
                                 .max_body_bytes = settings.max_body_bytes,
                                 .idle_timeout = settings.idle_timeout},
                                [&g](IncomingRequest request, Responder respond) {
                                  g.Handle(std::move(request), std::move(respond));
                                });
  if (!http.ok()) return http.status();
  g.http_ = std::move(*http);
  log::Info("HTTP listening", {{"http_port", g.http_->port()},
                               {"public_rpcs", static_cast<int64_t>(g.routes_.size())},
                               {"origins", static_cast<int64_t>(settings.cors.origins().size())},
                               {"trusted_proxy_ranges",
                                static_cast<int64_t>(settings.trusted_proxies.ranges().size())}});
  return gateway;
}

Gateway::~Gateway() {
  draining_ = true;
  if (http_) {
    log::Info("HTTP draining", {{"in_flight", http_->in_flight()}});
    http_->Stop(settings_.drain_grace, [this] { CancelInFlight(); });
  }
  if (rate_executor_) rate_executor_->Shutdown();
}

bool Gateway::ready() const {
  if (runtime_.serving()) served_once_ = true;
  // Once the migrations ran, a database outage does not take the edge out of rotation: only the
  // rate limits depend on it, and they fail open.
  return served_once_ && !draining_;
}

void Gateway::CancelInFlight() {
  std::lock_guard<std::mutex> lock(calls_mu_);
  cancelled_ = true;
  for (grpc::ClientContext* ctx : upstream_calls_) ctx->TryCancel();
}

void Gateway::Handle(IncomingRequest in, Responder respond) {
  auto call = std::make_shared<Call>();
  call->respond = std::move(respond);
  const HttpRequest& req = in.message;
  call->http_version = req.version();
  call->keep_alive = req.keep_alive();
  call->peer = settings_.trusted_proxies.empty()
                   ? std::move(in.peer_address)
                   : settings_.trusted_proxies.ClientAddress(in.peer_address,
                                                             ListHeader(req, "x-forwarded-for"));
  const absl::string_view client_id = Header(req, kRequestIdHeader);
  call->request_id = UsableRequestId(client_id) ? std::string(client_id) : NewRequestId();

  const absl::string_view origin = Header(req, "origin");
  const CorsPolicy::Decision cors = settings_.cors.Decide(origin);
  if (cors == CorsPolicy::Decision::kRefused) {
    return FinishPlain(*call, 403, kPlainText, "origin not allowed\n");
  }
  if (cors == CorsPolicy::Decision::kAllowed)
    call->headers = settings_.cors.ResponseHeaders(origin);

  const absl::string_view target(req.target().data(), req.target().size());
  const std::string path(target.substr(0, target.find('?')));
  if (req.method() == http::verb::options) {
    if (cors == CorsPolicy::Decision::kAllowed) {
      call->headers = settings_.cors.PreflightHeaders(origin);
    } else {
      call->headers["Allow"] = "POST, OPTIONS";
    }
    return FinishPlain(*call, 204, "", "");
  }
  if (req.method() == http::verb::get && path == "/healthz") {
    return FinishPlain(*call, 200, "application/json", R"({"status":"alive"})");
  }
  if (req.method() == http::verb::get && path == "/readyz") {
    return ready() ? FinishPlain(*call, 200, "application/json", R"({"status":"serving"})")
                   : FinishPlain(*call, 503, "application/json", R"({"status":"not_serving"})");
  }
  auto route = routes_.find(path);
  if (req.method() != http::verb::post) {
    if (route == routes_.end()) return FinishPlain(*call, 404, kPlainText, "not found\n");
    call->headers["Allow"] = "POST";
    return FinishPlain(*call, 405, kPlainText, "method not allowed\n");
  }
  auto protocol = ProtocolFromContentType(Header(req, "content-type"));
  if (!protocol) return FinishPlain(*call, 415, kPlainText, "unsupported content type\n");
  call->protocol = *protocol;
  call->protocol_label = ProtocolLabel(*protocol);
  if (route == routes_.end()) {
    // Not public, or not there at all: the outside cannot tell the two apart.
    call->route_label = "unknown";
    return FinishError(*call, grpc::StatusCode::UNIMPLEMENTED, "no such RPC", 404);
  }
  call->route = &route->second;
  call->route_label = path.substr(1);
  if (in.body_too_large) {
    return FinishError(
        *call, grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("request body larger than ", settings_.max_body_bytes, " bytes"), 413);
  }
  HandleRpc(std::move(call), req);
}

void Gateway::HandleRpc(std::shared_ptr<Call> call, const HttpRequest& req) {
  const bool grpc_web = IsGrpcWeb(call->protocol);
  if (!grpc_web) {
    const absl::string_view version = Header(req, "connect-protocol-version");
    if (!version.empty() && version != "1") {
      return FinishError(*call, grpc::StatusCode::INVALID_ARGUMENT,
                         "connect-protocol-version: must be 1");
    }
  }
  const absl::string_view encoding = Header(req, grpc_web ? "grpc-encoding" : "content-encoding");
  if (!encoding.empty() && encoding != "identity") {
    return FinishError(*call, grpc::StatusCode::UNIMPLEMENTED,
                       "compressed requests are not supported");
  }
  const absl::string_view timeout_header =
      Header(req, grpc_web ? "grpc-timeout" : "connect-timeout-ms");
  if (!timeout_header.empty()) {
    auto timeout =
        grpc_web ? ParseGrpcTimeout(timeout_header) : ParseConnectTimeoutMs(timeout_header);
    if (!timeout.ok()) {
      return FinishError(*call, grpc::StatusCode::INVALID_ARGUMENT, timeout.status().message());
    }
    call->timeout = *timeout;
  }

  const absl::string_view authorization = Header(req, "authorization");
  if (!authorization.empty()) {
    absl::string_view token = authorization;
    if (token.size() < 7 || !absl::EqualsIgnoreCase(token.substr(0, 7), "Bearer ")) {
      return FinishError(*call, grpc::StatusCode::UNAUTHENTICATED,
                         "authorization: must be \"Bearer <token>\"");
    }
    token.remove_prefix(7);
    auto caller = verifier_->Verify(std::string_view(token.data(), token.size()));
    if (!caller.ok()) {
      return FinishError(*call, grpc::StatusCode::UNAUTHENTICATED, caller.status().message());
    }
    call->authorization = std::string(authorization);
    call->subject = caller->subject;
  } else if (call->route->spec.access == RouteAccess::kToken) {
    return FinishError(*call, grpc::StatusCode::UNAUTHENTICATED,
                       "authorization: a Bearer token is required");
  }

  auto bytes = RequestBytes(call->protocol, *call->route->method->input_type(), req.body());
  if (!bytes.ok()) {
    return FinishError(*call, static_cast<grpc::StatusCode>(bytes.status().code()),
                       bytes.status().message());
  }
  call->request_bytes = std::move(*bytes);
  CheckRateThenForward(std::move(call));
}

void Gateway::CheckRateThenForward(std::shared_ptr<Call> call) {
  if (limiter_ == nullptr) return Forward(std::move(call));
  // The counter statements run off the io threads; a full queue means the store is slow: pass.
  const bool queued = rate_executor_->TrySubmit([this, call] {
    const RateDecision decision = limiter_->Check(call->peer, call->subject);
    if (decision.allowed) return Forward(call);
    call->headers["Retry-After"] =
        absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(decision.retry_after)));
    FinishError(*call, grpc::StatusCode::RESOURCE_EXHAUSTED,
                absl::StrCat("rate limit reached for this ", decision.exceeded, "; retry later"));
  });
  if (!queued) {
    rate_check_skipped_.Increment();
    Forward(std::move(call));
  }
}

void Gateway::Forward(std::shared_ptr<Call> call) {
  {
    std::lock_guard<std::mutex> lock(calls_mu_);
    if (cancelled_) {
      return FinishError(*call, grpc::StatusCode::UNAVAILABLE, "shutting down; try again");
    }
    upstream_calls_.insert(&call->context);
  }
  const absl::Duration timeout =
      EffectiveTimeout(call->timeout, settings_.default_timeout, settings_.max_timeout);
  call->context.set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoMilliseconds(timeout));
  // Only these leave the edge: the token as received, the request id and the client's address
  // (set here from the peer or trusted proxies' X-Forwarded-For, so a client cannot choose the
  // address its limits are counted under).
  if (!call->authorization.empty()) call->context.AddMetadata("authorization", call->authorization);
  call->context.AddMetadata(kRequestIdHeader, call->request_id);
  call->context.AddMetadata(kClientAddressHeader, call->peer);
  grpc::Slice slice(call->request_bytes);
  call->request_buffer = grpc::ByteBuffer(&slice, 1);
  call->route->stub->UnaryCall(&call->context, call->route->spec.path(), grpc::StubOptions(),
                               &call->request_buffer, &call->response_buffer,
                               [this, call](grpc::Status status) { OnUpstreamDone(call, status); });
}

void Gateway::OnUpstreamDone(std::shared_ptr<Call> call, const grpc::Status& status) {
  bool cancelled_by_drain = false;
  {
    std::lock_guard<std::mutex> lock(calls_mu_);
    upstream_calls_.erase(&call->context);
    cancelled_by_drain = cancelled_ && status.error_code() == grpc::StatusCode::CANCELLED;
  }
  if (cancelled_by_drain) {
    // Our stop, not the client's doing: another replica can take the retry.
    return FinishError(*call, grpc::StatusCode::UNAVAILABLE, "shutting down; try again");
  }
  if (!status.ok()) {
    const grpc::StatusCode code = status.error_code();
    const std::string shown = ClientFacingMessage(code, status.error_message());
    if (shown != status.error_message()) {
      log::Warn("upstream error hidden from the client", {{"method", call->route_label},
                                                          {"code", ConnectCodeName(code)},
                                                          {"request_id", call->request_id},
                                                          {"error", status.error_message()}});
    }
    return FinishError(*call, code, shown);
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (call->response_buffer.Dump(&slices).ok()) {
    for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  auto body = ResponseBody(call->protocol, *call->route->method->output_type(), bytes);
  if (!body.ok()) {
    log::Error("upstream answer not encodable",
               {{"method", call->route_label}, {"error", body.status().ToString()}});
    return FinishError(*call, grpc::StatusCode::INTERNAL, "internal error");
  }
  Finish(*call, *body, "ok");
}

void Gateway::FinishPlain(Call& call, int http_status, std::string content_type, std::string body) {
  EncodedBody out{http_status, std::move(content_type), std::move(body)};
  Finish(call, out, absl::StrCat(http_status));
}

void Gateway::FinishError(Call& call, grpc::StatusCode code, absl::string_view message,
                          int connect_http_status) {
  Finish(call, ErrorBody(call.protocol, code, message, connect_http_status), ConnectCodeName(code));
}

prometheus::Histogram& Gateway::DurationFor(const std::string& route, const std::string& protocol) {
  auto it = durations_.find({route, protocol});
  if (it == durations_.end()) it = durations_.find({"other", "http"});
  return *it->second;
}

void Gateway::Finish(Call& call, const EncodedBody& body, const std::string& code_label) {
  if (call.answered) return;
  call.answered = true;
  HttpResponse res{static_cast<http::status>(body.http_status), call.http_version};
  res.keep_alive(call.keep_alive);
  if (!body.content_type.empty()) res.set(http::field::content_type, body.content_type);
  res.set(kRequestIdHeader, call.request_id);
  for (const auto& [name, value] : call.headers) res.set(name, value);
  res.body() = body.body;
  res.prepare_payload();

  const double seconds = absl::ToDoubleSeconds(absl::Now() - call.started);
  requests_.With({call.route_label, call.protocol_label, code_label}).Increment();
  DurationFor(call.route_label, call.protocol_label).Observe(seconds);
  // Probes and preflights come every few seconds: only RPCs are worth a line at info.
  const log::Level level = call.route_label == "other" ? log::Level::kDebug : log::Level::kInfo;
  log::Write(level, "request",
             {{"method", call.route_label},
              {"protocol", call.protocol_label},
              {"code", code_label},
              {"http_status", body.http_status},
              {"duration_ms", seconds * 1000},
              {"request_id", call.request_id},
              {"client", MaskAddress(call.peer)}});
  call.respond(std::move(res));
}

}  // namespace tousu::gateway
