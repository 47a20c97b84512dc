#pragma once
// The identity service's settings (TOUSU_IDENTITY_*), read once at start-up.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "services/identity/domain/sign_in_rules.h"

namespace tousu::identity {

struct Settings {
  Policy policy;
  // Customers' access tokens: the PEM private key they are signed with and its "kid" (the name
  // of the public key file, without ".pem", in the services' AUTH_KEYS directories).
  std::string signing_key_pem;
  std::string signing_key_id;
  std::string issuer = "tousu";
  std::string audience = "tousu";
  // The HMAC key sign-in codes are stored under (at least 32 bytes).
  std::string code_secret;
  // The development SMS sender's file (sms_sender.h); empty: no sender yet, every code request
  // is UNAVAILABLE (deployments before an SMS provider is wired in).
  std::string sms_outbox_file;
  absl::Duration retention_interval = absl::Hours(1);

  // SIGNING_KEY (required: a PEM private key file, RSA or P-256), SIGNING_KEY_ID (the file's
  // stem), AUTH_ISSUER and AUTH_AUDIENCE ("tousu"), CODE_SECRET_FILE (required), SMS_OUTBOX_FILE
  // (none), ACCESS_TTL (15m, 1m..24h), REFRESH_TTL (720h, 1h..8760h), CODE_TTL (5m, 1m..30m),
  // CODE_ATTEMPTS (5, 1..10), RESEND_INTERVAL (1m, 10s..1h), PHONE_DAILY_LIMIT (10, 1..100),
  // ADDRESS_LIMIT (20, 0..100000; 0 = off), ADDRESS_WINDOW (1h, 1m..24h), RETENTION_INTERVAL
  // (1h, positive). An error names the variable and never repeats a secret.
  static absl::StatusOr<Settings> FromConfig(const config::Config& cfg);
};

}  // namespace tousu::identity
