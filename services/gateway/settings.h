#pragma once
// The gateway's settings (TOUSU_GATEWAY_*), read once at start-up.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/token_verifier.h"
#include "common/config/config.h"
#include "services/gateway/client_address.h"
#include "services/gateway/cors.h"
#include "services/gateway/public_rpcs.h"
#include "services/gateway/rate_limiter.h"

namespace tousu::gateway {

struct Settings {
  std::string http_addr;  // "0.0.0.0:8080"; port 0 picks a free one
  int http_threads = 2;
  PublicRoutes routes;
  std::map<std::string, std::string> upstreams;  // env name ("INTAKE") -> gRPC target
  CorsPolicy cors;
  auth::VerifierOptions verifier;
  int64_t max_body_bytes = 1 << 20;
  absl::Duration default_timeout = absl::Seconds(10);
  absl::Duration max_timeout = absl::Seconds(15);
  RateLimits rate_limits;
  TrustedProxies trusted_proxies;  // whose X-Forwarded-For names the client (none: the TCP peer)
  absl::Duration idle_timeout = absl::Seconds(60);  // a keep-alive connection with no request
  absl::Duration drain_grace = absl::Seconds(10);   // in-flight requests' time to finish at stop

  // HTTP_ADDR (required), HTTP_THREADS (2, 1..64), PUBLIC_RPCS_FILE (required; every RPC must
  // exist), <ENV>_ADDR for every upstream a listed RPC needs (required), ALLOWED_ORIGINS (none),
  // AUTH_KEYS (required: the edge never runs open), AUTH_ISSUER/AUTH_AUDIENCE ("tousu"),
  // MAX_BODY_BYTES (1 MiB), DEFAULT_TIMEOUT (10s), MAX_TIMEOUT (15s), RATE_PER_ADDRESS (600 a
  // minute, 0 = off), RATE_PER_CUSTOMER (120, 0 = off), TRUSTED_PROXIES (comma-separated CIDRs,
  // none), IDLE_TIMEOUT (60s), HTTP_DRAIN_GRACE (10s). An error names the variable.
  static absl::StatusOr<Settings> FromConfig(const config::Config& cfg);
};

}  // namespace tousu::gateway
