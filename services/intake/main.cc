// The intake service: assembles the shared runtime, the intake API and its routing-event sink.

#include "common/config/config.h"
#include "common/log/log.h"
#include "common/server/server.h"
#include "services/intake/access.h"
#include "services/intake/intake_service.h"
#include "services/intake/retention.h"

int main(int argc, char** argv) {
  using namespace tousu;
  server::BlockTerminationSignals();
  auto cfg = config::Config::FromProcess("INTAKE", argc, argv);
  auto rt = server::ServiceRuntime::Create({.name = "intake",
                                            .env_name = "INTAKE",
                                            .grpc_services = {intake::kGrpcServiceName},
                                            .migrations = &db::intake_migrations(),
                                            .access = intake::IntakeAccessTable()},
                                           cfg);
  if (!rt.ok()) {
    log::Error("configuration", {{"error", rt.status().ToString()}});
    return 2;
  }
  intake::IntakeSettings settings;
  auto block = cfg.IntOr("NUMBER_BLOCK", settings.number_block);
  if (!block.ok() || *block < 1 || *block > 1000) {
    log::Error("configuration",
               {{"error", block.ok() ? cfg.VariableName("NUMBER_BLOCK") + " must be 1..1000"
                                     : block.status().ToString()}});
    return 2;
  }
  settings.number_block = static_cast<int>(*block);
  auto cache_entries = cfg.IntOr("READ_CACHE_ENTRIES", settings.read_cache_entries);
  if (!cache_entries.ok() || *cache_entries < 0 || *cache_entries > 1000000) {
    log::Error("configuration",
               {{"error", cache_entries.ok()
                              ? cfg.VariableName("READ_CACHE_ENTRIES") + " must be 0..1000000"
                              : cache_entries.status().ToString()}});
    return 2;
  }
  settings.read_cache_entries = static_cast<int>(*cache_entries);
  auto cache_ttl = cfg.DurationOr("READ_CACHE_TTL", settings.read_cache_ttl);
  if (!cache_ttl.ok() || *cache_ttl > absl::Minutes(1)) {
    log::Error("configuration",
               {{"error", cache_ttl.ok() ? cfg.VariableName("READ_CACHE_TTL") + " must be 0s..1m"
                                         : cache_ttl.status().ToString()}});
    return 2;
  }
  settings.read_cache_ttl = *cache_ttl;
  for (auto [key, limit] : {std::pair{"RATE_PER_CUSTOMER", &settings.per_customer},
                            std::pair{"RATE_PER_SOURCE", &settings.per_source}}) {
    if (auto text = cfg.Get(key); text && !text->empty()) {
      auto parsed = intake::ParseRateLimit(cfg.VariableName(key), *text);
      if (!parsed.ok()) {
        log::Error("configuration", {{"error", parsed.status().ToString()}});
        return 2;
      }
      *limit = *parsed;
    }
  }
  auto retention = intake::RetentionSettings::FromConfig(cfg);  // RETENTION_* (retention.h)
  if (!retention.ok()) {
    log::Error("configuration", {{"error", retention.status().ToString()}});
    return 2;
  }
  if (auto s = cfg.CheckArgs(); !s.ok()) {  // after every key was read
    log::Error("configuration", {{"error", s.ToString()}});
    return 2;
  }
  auto& runtime = **rt;
  intake::IntakeService service(runtime, settings);
  service.RegisterEventHandlers(runtime.event_sink());
  runtime.ServeEventSink();
  runtime.AddService(&service);
  intake::RetentionJob retention_job(runtime, *retention);
  retention_job.Start();
  return runtime.RunUntilSignal();
}
