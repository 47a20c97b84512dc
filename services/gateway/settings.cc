#include "services/gateway/settings.h"

#include "absl/strings/str_cat.h"

namespace tousu::gateway {

absl::StatusOr<Settings> Settings::FromConfig(const config::Config& cfg) {
  Settings s;
  auto http_addr = cfg.Require("HTTP_ADDR");
  if (!http_addr.ok()) return http_addr.status();
  s.http_addr = *http_addr;
  auto threads = cfg.IntInRange("HTTP_THREADS", s.http_threads, 1, 64);
  if (!threads.ok()) return threads.status();
  s.http_threads = static_cast<int>(*threads);

  auto rpcs_file = cfg.Require("PUBLIC_RPCS_FILE");
  if (!rpcs_file.ok()) return rpcs_file.status();
  auto routes = LoadPublicRpcs(*rpcs_file);
  if (!routes.ok()) {
    return absl::Status(routes.status().code(), absl::StrCat(cfg.VariableName("PUBLIC_RPCS_FILE"),
                                                             ": ", routes.status().message()));
  }
  s.routes = std::move(*routes);
  for (const auto& [path, route] : s.routes) {
    if (s.upstreams.count(route.upstream_env)) continue;
    auto addr = cfg.Require(route.upstream_env + "_ADDR");
    if (!addr.ok()) return addr.status();
    s.upstreams[route.upstream_env] = *addr;
  }

  auto cors = CorsPolicy::Parse(cfg.GetOr("ALLOWED_ORIGINS", ""));
  if (!cors.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(cfg.VariableName("ALLOWED_ORIGINS"), ": ", cors.status().message()));
  }
  s.cors = std::move(*cors);

  // The edge never runs open: without keys every "token" route would pass anyone.
  auto keys = cfg.Require("AUTH_KEYS");
  if (!keys.ok()) return keys.status();
  s.verifier.keys_dir = *keys;
  s.verifier.issuer = cfg.GetOr("AUTH_ISSUER", s.verifier.issuer);
  s.verifier.audience = cfg.GetOr("AUTH_AUDIENCE", s.verifier.audience);

  auto body = cfg.IntInRange("MAX_BODY_BYTES", s.max_body_bytes, 1024, 64 << 20, "bytes");
  if (!body.ok()) return body.status();
  s.max_body_bytes = *body;
  auto max_timeout =
      cfg.DurationInRange("MAX_TIMEOUT", s.max_timeout, absl::Milliseconds(100), absl::Minutes(10));
  if (!max_timeout.ok()) return max_timeout.status();
  s.max_timeout = *max_timeout;
  auto default_timeout =
      cfg.DurationInRange("DEFAULT_TIMEOUT", std::min(s.default_timeout, s.max_timeout),
                          absl::Milliseconds(100), s.max_timeout);
  if (!default_timeout.ok()) return default_timeout.status();
  s.default_timeout = *default_timeout;

  auto per_address = cfg.IntInRange("RATE_PER_ADDRESS", s.rate_limits.per_address, 0, 1000000);
  if (!per_address.ok()) return per_address.status();
  s.rate_limits.per_address = *per_address;
  auto per_customer = cfg.IntInRange("RATE_PER_CUSTOMER", s.rate_limits.per_customer, 0, 1000000);
  if (!per_customer.ok()) return per_customer.status();
  s.rate_limits.per_customer = *per_customer;
  auto proxies = TrustedProxies::Parse(cfg.GetOr("TRUSTED_PROXIES", ""));
  if (!proxies.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(cfg.VariableName("TRUSTED_PROXIES"), ": ", proxies.status().message()));
  }
  s.trusted_proxies = std::move(*proxies);

  auto idle = cfg.PositiveDurationOr("IDLE_TIMEOUT", s.idle_timeout);
  if (!idle.ok()) return idle.status();
  s.idle_timeout = *idle;
  auto grace = cfg.DurationOr("HTTP_DRAIN_GRACE", s.drain_grace);
  if (!grace.ok()) return grace.status();
  s.drain_grace = *grace;
  return s;
}

}  // namespace tousu::gateway
