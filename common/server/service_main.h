#pragma once
// A service process from start to exit, so every main() is the same few lines:
//
//   int main(int argc, char** argv) {
//     using namespace tousu;
//     return server::RunServiceProcess<followup::Settings>(
//         argc, argv, {.name = "follow-up", .env_name = "FOLLOW_UP", ...},
//         [](server::ServiceRuntime& runtime, const followup::Settings& settings)
//             -> absl::StatusOr<server::ServiceParts> {
//           return std::make_shared<followup::FollowUpService>(runtime, settings);
//         });
//   }
//
// In order: the termination signals are blocked (RunUntilSignal waits for them), the
// configuration is read (TOUSU_<env_name>_* and --flags), the runtime is created, the service's
// settings are read with `Settings::FromConfig(cfg)` (absl::StatusOr<Settings>), flags nobody
// asked for are refused, `assemble` builds the service (its constructor registers with the
// runtime), and the process serves until SIGTERM. A start-up error is logged and exits 2.

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/server/server.h"

namespace tousu::server {

// Whatever a main assembled, kept alive until the runtime has shut down.
using ServiceParts = std::shared_ptr<void>;

inline int ExitOnStartUpError(const absl::Status& status) {
  log::Error("start-up failed", {{"error", status.ToString()}});
  return 2;
}

template <typename Settings, typename Assemble>
int RunServiceProcess(int argc, char** argv, RuntimeSpec spec, Assemble assemble) {
  BlockTerminationSignals();
  const auto cfg = config::Config::FromProcess(spec.env_name, argc, argv);
  auto runtime = ServiceRuntime::Create(std::move(spec), cfg);
  if (!runtime.ok()) return ExitOnStartUpError(runtime.status());
  absl::StatusOr<Settings> settings = Settings::FromConfig(cfg);
  if (!settings.ok()) return ExitOnStartUpError(settings.status());
  if (auto s = cfg.CheckArgs(); !s.ok()) return ExitOnStartUpError(s);  // after every key was read
  absl::StatusOr<ServiceParts> parts = assemble(**runtime, *settings);
  if (!parts.ok()) return ExitOnStartUpError(parts.status());
  return (*runtime)->RunUntilSignal();  // shuts the runtime down before `parts` are destroyed
}

}  // namespace tousu::server
