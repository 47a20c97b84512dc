#include "common/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <pthread.h>
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/client/channel.h"
#include "common/client/outgoing_token.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/server/unparsable_request.h"

namespace tousu::server {
namespace {

log::Level ParseLevel(const std::string& s) {
  if (s == "debug") return log::Level::kDebug;
  if (s == "warn") return log::Level::kWarn;
  if (s == "error") return log::Level::kError;
  return log::Level::kInfo;
}

}  // namespace

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// The request pool as Prometheus sees it: sampled once a second by the readiness loop (a pool
// that is always full, or callers waiting, means the pool or the database is the bottleneck).
struct ServiceRuntime::PoolMetrics {
  explicit PoolMetrics(prometheus::Registry& registry)
      : connections(registry, "tousu_db_pool_connections",
                    "Connections of the request pool, by state (in_use, idle).", {"state"}),
        size(registry, "tousu_db_pool_size", "The most connections the request pool opens.", {}),
        waiters(registry, "tousu_db_pool_waiters",
                "Callers waiting for a connection of the request pool.", {}),
        acquired(registry, "tousu_db_pool_acquired_total", "Connections lent by the request pool.",
                 {}),
        timeouts(registry, "tousu_db_pool_acquire_timeouts_total",
                 "Callers refused because every connection stayed busy.", {}) {}

  void Export(const db::PoolStats& s) {
    connections.With({"in_use"}).Set(s.open - s.idle);
    connections.With({"idle"}).Set(s.idle);
    size.With({}).Set(s.size);
    waiters.With({}).Set(s.waiting);
    // The pool counts since start; the counters move by what happened since the last sample.
    acquired.With({}).Increment(static_cast<double>(s.acquired - last_acquired));
    timeouts.With({}).Increment(static_cast<double>(s.acquire_timeouts - last_timeouts));
    last_acquired = s.acquired;
    last_timeouts = s.acquire_timeouts;
  }

  metrics::CachedGauge connections, size, waiters;
  metrics::CachedCounter acquired, timeouts;
  int64_t last_acquired = 0, last_timeouts = 0;
};

absl::StatusOr<std::unique_ptr<ServiceRuntime>> ServiceRuntime::Create(RuntimeSpec spec,
                                                                       const config::Config& cfg) {
  log::Init(spec.name, ParseLevel(cfg.GetOr("LOG_LEVEL", "info")));
  LogProtobufMessagesAsJson();
  auto rt = std::unique_ptr<ServiceRuntime>(new ServiceRuntime());
  rt->spec_ = std::move(spec);

  auto grpc_addr = cfg.Require("GRPC_ADDR");
  if (!grpc_addr.ok()) return grpc_addr.status();
  rt->grpc_addr_ = *grpc_addr;
  auto metrics_addr = cfg.Require("METRICS_ADDR");
  if (!metrics_addr.ok()) return metrics_addr.status();
  rt->metrics_addr_ = *metrics_addr;
  auto drain = cfg.DurationOr("DRAIN", rt->drain_);
  if (!drain.ok()) return drain.status();
  rt->drain_ = *drain;
  auto grace = cfg.DurationOr("SHUTDOWN_GRACE", rt->shutdown_grace_);
  if (!grace.ok()) return grace.status();
  rt->shutdown_grace_ = *grace;
  auto max_msg = cfg.IntOr("MAX_MESSAGE_BYTES", rt->max_message_bytes_);
  if (!max_msg.ok()) return max_msg.status();
  rt->max_message_bytes_ = static_cast<int>(*max_msg);

  auto tls_files = tls::TlsFilesFromConfig(cfg);
  if (!tls_files.ok()) return tls_files.status();
  rt->tls_files_ = std::move(*tls_files);
  if (rt->tls_files_) {
    // Outgoing calls (relay, directory lookups) present the same identity as the server.
    client::SetChannelCredentials(tls::ChannelCredentialsFor(rt->tls_files_));
    log::Info("mutual TLS on", {{"cert", rt->tls_files_->cert},
                                {"key", rt->tls_files_->key},
                                {"ca", rt->tls_files_->ca},
                                {"reload", absl::FormatDuration(rt->tls_files_->reload)}});
  } else {
    log::Info("TLS off: gRPC serves and calls in plaintext");
  }

  auto db = db::DbOptions::FromConfig(cfg);
  if (!db.ok()) return db.status();
  rt->db_options_ = *db;

  if (auto offset_file = cfg.Get("CLOCK_OFFSET_FILE"); offset_file && !offset_file->empty()) {
    rt->clock_ = std::make_unique<time::OffsetFileClock>(*offset_file);
    log::Warn("controllable clock is ON: time follows the offset file (test and demo stacks only)",
              {{"file", *offset_file}});
  } else {
    rt->clock_ = std::make_unique<time::SystemClock>();
  }

  rt->spec_.access.Merge(auth::CommonAccessTable());
  if (auto keys = cfg.Get("AUTH_KEYS"); keys && !keys->empty()) {
    auth::VerifierOptions verifier;
    verifier.keys_dir = *keys;
    verifier.issuer = cfg.GetOr("AUTH_ISSUER", verifier.issuer);
    verifier.audience = cfg.GetOr("AUTH_AUDIENCE", verifier.audience);
    auto created = auth::TokenVerifier::Create(verifier, *rt->clock_);
    if (!created.ok()) return created.status();
    rt->token_verifier_ = std::move(*created);
    auth::RequireAuthentication(true);
    log::Info(
        "authentication on",
        {{"keys", *keys}, {"key_count", static_cast<int64_t>(rt->token_verifier_->key_count())}});
  } else {
    log::Warn("authentication OFF: every caller is trusted (set AUTH_KEYS outside local stacks)");
  }
  if (auto token_file = cfg.Get("AUTH_TOKEN_FILE"); token_file && !token_file->empty()) {
    client::SetOutgoingTokenFile(*token_file);
  } else if (rt->token_verifier_) {
    log::Warn("AUTH_TOKEN_FILE unset: this service's own calls carry no token");
  }

  if (rt->spec_.needs_calendar) {
    auto path = cfg.Require("CALENDAR_FILE");
    if (!path.ok()) return path.status();
    auto cal = time::BusinessCalendar::LoadFile(*path);
    if (!cal.ok()) return cal.status();
    rt->calendar_ = std::make_unique<time::BusinessCalendar>(std::move(*cal));
  }

  events::Subscriptions subs;
  if (auto path = cfg.Get("SUBSCRIPTIONS_FILE"); path && !path->empty()) {
    auto loaded = events::Subscriptions::LoadFile(*path);
    if (!loaded.ok()) return loaded.status();
    subs = std::move(*loaded);
    rt->has_subscriptions_ = true;
  }
  auto peers = events::ParsePeers(cfg.GetOr("PEERS", ""));
  if (!peers.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(cfg.VariableName("PEERS"), ": ", peers.status().message()));
  }
  rt->peers_ = std::move(*peers);
  auto relay_workers = cfg.IntOr("RELAY_WORKERS", rt->relay_options_.workers);
  if (!relay_workers.ok()) return relay_workers.status();
  rt->relay_options_.workers = static_cast<int>(std::clamp<int64_t>(*relay_workers, 1, 16));

  auto workers = cfg.IntOr("WORKERS", rt->db_options_.pool_size);
  if (!workers.ok()) return workers.status();
  auto queue = cfg.IntOr("QUEUE", 256);
  if (!queue.ok()) return queue.status();

  rt->registry_ = std::make_shared<prometheus::Registry>();
  rt->pool_ = std::make_unique<db::ConnectionPool>(rt->db_options_);
  // Migrations may run long DDL; health checks must answer fast. Each has its own connection.
  db::DbOptions migration_db = rt->db_options_;
  migration_db.pool_size = 1;
  migration_db.read_timeout = absl::Hours(1);
  rt->migration_pool_ = std::make_unique<db::ConnectionPool>(migration_db);
  db::DbOptions health_db = rt->db_options_;
  health_db.pool_size = 1;
  health_db.read_timeout = absl::Seconds(3);
  health_db.connect_timeout = absl::Seconds(2);
  health_db.acquire_timeout = absl::Seconds(1);
  rt->health_pool_ = std::make_unique<db::ConnectionPool>(health_db);
  rt->executor_ =
      std::make_unique<BoundedExecutor>(static_cast<int>(std::clamp<int64_t>(*workers, 1, 256)),
                                        static_cast<int>(std::clamp<int64_t>(*queue, 1, 100000)));
  rt->outbox_ = std::make_unique<events::Outbox>(rt->spec_.name, std::move(subs), *rt->clock_);
  rt->event_sink_ = std::make_unique<events::EventSinkService>(rt->spec_.name, *rt->pool_,
                                                               *rt->executor_, *rt->registry_);
  rt->audit_trail_ = std::make_unique<audit::AuditTrailService>(*rt->pool_, *rt->executor_);
  rt->pool_metrics_ = std::make_unique<PoolMetrics>(*rt->registry_);
  rt->pool_metrics_->Export(rt->pool_->Stats());
  return rt;
}

ServiceRuntime::~ServiceRuntime() { Shutdown(); }

absl::Status ServiceRuntime::Start() {
  auto endpoint = metrics::MetricsEndpoint::Start(metrics_addr_, registry_);
  if (!endpoint.ok()) return endpoint.status();
  metrics_ = std::move(*endpoint);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(grpc_addr_, tls::ServerCredentialsFor(tls_files_), &grpc_port_);
  for (auto* s : services_) builder.RegisterService(s);
  if (serve_event_sink_) builder.RegisterService(event_sink_.get());
  builder.RegisterService(audit_trail_.get());
  builder.SetMaxReceiveMessageSize(max_message_bytes_);
  builder.SetMaxSendMessageSize(max_message_bytes_);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  // Let clients ping every 10 s without data (their keepalive), not more often.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 15 * 60 * 1000);

  auto grpc_metrics = std::make_unique<metrics::GrpcServerMetrics>(*registry_);
  for (const auto& name : spec_.grpc_services) {
    if (!grpc_metrics->PreRegister(name)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown gRPC service ", name));
    }
  }
  if (serve_event_sink_) grpc_metrics->PreRegister("complaints.common.v1.EventSink");
  grpc_metrics->PreRegister(audit::kAuditTrailServiceName);
  // A service cannot start with an RPC its access table forgets (it would be closed to everyone
  // with authentication on, and nobody would have decided who may call it).
  std::vector<std::string> unlisted;
  for (const auto& name : spec_.grpc_services) {
    for (auto& method : spec_.access.Unlisted(name)) unlisted.push_back(std::move(method));
  }
  if (!unlisted.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("access table lists no roles for ", absl::StrJoin(unlisted, ", ")));
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  // First: the status a call ends with is rewritten there, and the metrics must count that one.
  interceptors.push_back(std::make_unique<UnparsableRequestInterceptorFactory>());
  interceptors.push_back(std::move(grpc_metrics));
  if (token_verifier_) {
    interceptors.push_back(
        std::make_unique<auth::AuthInterceptorFactory>(token_verifier_, spec_.access, *registry_));
  }
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  // The relay and the outbox's wake-up exist before the first call can arrive.
  relay_ = std::make_unique<events::Relay>(spec_.name, db_options_, peers_, *clock_, *registry_,
                                           relay_options_);
  outbox_->SetCommitListener([relay = relay_.get()] { relay->Notify(); });

  server_ = builder.BuildAndStart();
  if (server_ == nullptr)
    return absl::UnavailableError(absl::StrCat("cannot listen on ", grpc_addr_));
  SetServing(false);
  log::Info("listening", {{"grpc_port", grpc_port_}, {"metrics_port", metrics_port()}});

  readiness_ = std::thread([this] { ReadinessLoop(); });
  return absl::OkStatus();
}

void ServiceRuntime::SetServing(bool serving) {
  if (server_ == nullptr) return;
  auto* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  bool changed = false;
  {
    // Under the lock: a readiness check finishing late must not turn SERVING back on after
    // Shutdown began, and WaitUntilServing must not miss the change.
    std::lock_guard<std::mutex> lock(readiness_mu_);
    if (serving && stopping_) return;
    health->SetServingStatus("", serving);
    for (const auto& name : spec_.grpc_services) health->SetServingStatus(name, serving);
    if (serve_event_sink_) health->SetServingStatus("complaints.common.v1.EventSink", serving);
    health->SetServingStatus(audit::kAuditTrailServiceName, serving);
    changed = serving_.exchange(serving) != serving;
  }
  if (changed) {
    log::Info(serving ? "health: SERVING" : "health: NOT_SERVING");
    readiness_cv_.notify_all();
  }
}

void ServiceRuntime::ReadinessLoop() {
  bool migrated = false;
  absl::Duration wait = absl::Milliseconds(200);
  while (!stopping_) {
    if (!migrated) {
      auto common = db::ApplyMigrations(*migration_pool_, "common", db::common_event_migrations());
      absl::Status s = common.status();
      if (s.ok() && spec_.migrations != nullptr)
        s = db::ApplyMigrations(*migration_pool_, spec_.name, *spec_.migrations).status();
      if (s.ok()) {
        migrated = true;
        std::lock_guard<std::mutex> lock(readiness_mu_);
        if (!stopping_) relay_->Start();  // never after Shutdown stopped it
      } else {
        log::Warn("migrations not applied yet; retrying", {{"error", s.ToString()}});
        if (s.code() == absl::StatusCode::kFailedPrecondition ||
            s.code() == absl::StatusCode::kInvalidArgument) {
          // An edited or malformed migration will not fix itself: stay NOT_SERVING, say why loudly.
          log::Error("migrations refused; the service stays NOT_SERVING",
                     {{"error", s.ToString()}});
          wait = absl::Seconds(30);
        }
      }
    }
    if (migrated) {
      // Its own connection: a pool busy with requests must not make a healthy service look down.
      const bool db_ok = health_pool_->Ping().ok();
      SetServing(db_ok);
      pool_metrics_->Export(pool_->Stats());
      wait = db_ok ? absl::Seconds(1) : absl::Milliseconds(250);
    }
    std::unique_lock<std::mutex> lock(readiness_mu_);
    readiness_cv_.wait_for(lock, absl::ToChronoMilliseconds(wait),
                           [&] { return stopping_.load(); });
  }
}

bool ServiceRuntime::WaitUntilServing(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(readiness_mu_);
  return readiness_cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                                [&] { return serving_.load(); });
}

void ServiceRuntime::AddPeriodicTask(std::string name, absl::Duration interval,
                                     std::function<absl::Status()> pass, FirstPass first) {
  periodic_tasks_.push_back(std::make_unique<PeriodicTask>(
      std::move(name), interval, *registry_, [this] { return serving(); }, std::move(pass), first));
}

void ServiceRuntime::StartPeriodicTasks() {
  for (auto& task : periodic_tasks_) task->Start();
}

void ServiceRuntime::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(readiness_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    stopping_ = true;
  }
  readiness_cv_.notify_all();
  // A pass in progress finishes first: it holds database connections the executor's stop and
  // the drain do not wait for.
  for (auto& task : periodic_tasks_) task->Stop();
  // NOT_SERVING and the drain come first: the readiness thread may be stuck on a hung database,
  // and the orchestrator's grace period is running.
  if (server_ != nullptr) {
    SetServing(false);
    log::Info("draining", {{"drain_ms", absl::ToInt64Milliseconds(drain_)}});
    absl::SleepFor(drain_);
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(shutdown_grace_));
  }
  if (relay_) relay_->Stop();
  if (executor_) executor_->Shutdown();
  if (server_ != nullptr) server_->Wait();
  if (readiness_.joinable()) readiness_.join();
  log::Info("stopped");
}

int ServiceRuntime::RunUntilSignal() {
  if (auto s = Start(); !s.ok()) {
    log::Error("start-up failed", {{"error", s.ToString()}});
    return 1;
  }
  StartPeriodicTasks();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  log::Info("signal received, shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  Shutdown();
  return 0;
}

}  // namespace tousu::server
