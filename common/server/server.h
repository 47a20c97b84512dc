#pragma once
// Server bootstrap shared by every service. A service's main() is one call of
// RunServiceProcess (service_main.h), which creates the runtime from the configuration, reads the
// service's settings and lets the service register itself.
//
// The service's constructor registers what it serves with the runtime: AddService(this), its
// event handlers (event_sink().On<Message>(...), then ServeEventSink()) and its periodic tasks
// (AddPeriodicTask). Tests build a runtime with Create and call Start themselves.
//
// What it provides: a callback-API gRPC server with grpc.health.v1 (answering for the service's
// own name: SERVING only after migrations ran and while the database answers), reflection,
// keepalive and a message-size limit; the go-grpc-prometheus interceptor and a /metrics port; a
// bounded executor for database work; the outbox, its relay and the EventSink; and a graceful stop
// on SIGTERM: NOT_SERVING, a drain pause, then Shutdown(deadline).

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/audit/audit_service.h"
#include "common/auth/access.h"
#include "common/auth/token_verifier.h"
#include "common/config/config.h"
#include "common/db/migrations.h"
#include "common/db/pool.h"
#include "common/events/event_sink.h"
#include "common/events/outbox.h"
#include "common/events/relay.h"
#include "common/metrics/grpc_metrics.h"
#include "common/metrics/metrics.h"
#include "common/server/executor.h"
#include "common/server/periodic.h"
#include "common/time/business_calendar.h"
#include "common/time/clock.h"
#include "common/tls/tls.h"

namespace tousu::server {

struct RuntimeSpec {
  std::string name;      // "intake": logs, the outbox producer name, the migration track
  std::string env_name;  // "INTAKE": configuration prefix TOUSU_INTAKE_
  // Fully qualified gRPC services this process serves, e.g. "complaints.intake.v1.IntakeService";
  // health answers for each, and their metrics are created at zero.
  std::vector<std::string> grpc_services;
  const std::vector<db::MigrationFile>* migrations = nullptr;  // the service's own files
  bool needs_calendar = false;
  // Which roles may call each RPC of grpc_services (services/<svc>/access.cc). Every RPC must be
  // listed: Start() refuses a service with an unlisted one. Enforced when AUTH_KEYS is set.
  auth::AccessTable access;
};

// Settings every service reads (TOUSU_<SERVICE>_...):
//   GRPC_ADDR (required), METRICS_ADDR (required), DB_* (see DbOptions), WORKERS (default: pool
//   size), QUEUE (default 256), DRAIN (5s), SHUTDOWN_GRACE (10s), MAX_MESSAGE_BYTES (4 MiB),
//   SUBSCRIPTIONS_FILE, PEERS, RELAY_WORKERS (2), CALENDAR_FILE (when needed), CLOCK_OFFSET_FILE
//   (turns on the controllable clock), LOG_LEVEL (info), TLS_CERT/TLS_KEY/TLS_CA/TLS_RELOAD (mutual
//   TLS for serving and calling, see common/tls/tls.h), AUTH_KEYS (directory of the public keys
//   callers' tokens are verified with; authentication is off without it), AUTH_ISSUER and
//   AUTH_AUDIENCE ("tousu"), AUTH_TOKEN_FILE (this service's own token for its outgoing calls).
class ServiceRuntime {
 public:
  static absl::StatusOr<std::unique_ptr<ServiceRuntime>> Create(RuntimeSpec spec,
                                                                const config::Config& cfg);
  ~ServiceRuntime();

  db::ConnectionPool& pool() { return *pool_; }
  BoundedExecutor& executor() { return *executor_; }
  const time::Clock& clock() const { return *clock_; }
  const time::BusinessCalendar* calendar() const { return calendar_.get(); }
  events::Outbox& outbox() { return *outbox_; }
  events::EventSinkService& event_sink() { return *event_sink_; }
  prometheus::Registry& registry() { return *registry_; }
  events::Relay* relay() { return relay_.get(); }
  const RuntimeSpec& spec() const { return spec_; }

  // Registers a service implementation (before Start).
  void AddService(grpc::Service* service) { services_.push_back(service); }
  // Serves the EventSink (for services that consume events).
  void ServeEventSink() { serve_event_sink_ = true; }
  // A deadline check or job run every `interval` while the service is serving (periodic.h), as
  // "name" in tousu_timer_passes_total. RunUntilSignal starts them after Start; Shutdown stops
  // them first. Register before Start.
  void AddPeriodicTask(std::string name, absl::Duration interval,
                       std::function<absl::Status()> pass,
                       FirstPass first = FirstPass::kAfterInterval);
  // Starts the periodic tasks (RunUntilSignal does; tests that want the timers call it).
  void StartPeriodicTasks();

  // Starts gRPC (NOT_SERVING), metrics, then in the background: migrations (retried until the
  // database answers), SERVING, the relay, and a health watch that follows the database.
  absl::Status Start();
  // Blocks until migrations ran and the service is SERVING, or `timeout` passes.
  bool WaitUntilServing(absl::Duration timeout);
  bool serving() const { return serving_; }
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }

  // NOT_SERVING, wait the drain pause, Shutdown(deadline), stop the relay and the executor.
  void Shutdown();
  // Start, the periodic tasks, wait for SIGTERM or SIGINT, Shutdown. Returns the exit code.
  int RunUntilSignal();

 private:
  ServiceRuntime() = default;
  void SetServing(bool serving);
  void ReadinessLoop();
  struct PoolMetrics;  // the request pool's gauges and counters, refreshed by ReadinessLoop

  RuntimeSpec spec_;
  std::string grpc_addr_, metrics_addr_;
  absl::Duration drain_ = absl::Seconds(5), shutdown_grace_ = absl::Seconds(10);
  int max_message_bytes_ = 4 << 20;
  db::DbOptions db_options_;
  std::optional<tls::TlsFiles> tls_files_;
  std::shared_ptr<auth::TokenVerifier> token_verifier_;  // set when authentication is on  // mutual
                                                         // TLS when set, plaintext otherwise
  std::unique_ptr<time::Clock> clock_;
  std::unique_ptr<time::BusinessCalendar> calendar_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<db::ConnectionPool> migration_pool_;
  std::unique_ptr<db::ConnectionPool> health_pool_;
  std::unique_ptr<PoolMetrics> pool_metrics_;
  std::unique_ptr<BoundedExecutor> executor_;
  std::unique_ptr<events::Outbox> outbox_;
  std::unique_ptr<events::EventSinkService> event_sink_;
  // complaints.common.v1.AuditTrail, served by every service (common/audit).
  std::unique_ptr<audit::AuditTrailService> audit_trail_;
  std::unique_ptr<events::Relay> relay_;
  std::map<std::string, std::string> peers_;
  bool has_subscriptions_ = false;
  events::RelayOptions relay_options_;
  std::vector<grpc::Service*> services_;
  std::vector<std::unique_ptr<PeriodicTask>> periodic_tasks_;
  bool serve_event_sink_ = false;
  std::unique_ptr<grpc::Server> server_;
  int grpc_port_ = 0;
  std::atomic<bool> serving_{false};
  std::atomic<bool> stopping_{false};
  std::thread readiness_;
  std::mutex readiness_mu_;
  std::condition_variable readiness_cv_;
  bool shut_down_ = false;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards; call first
// thing in main(), so that RunUntilSignal can wait for them with sigwait.
void BlockTerminationSignals();

}  // namespace tousu::server
