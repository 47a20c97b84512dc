#include "services/identity/settings.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/token_minter.h"
#include "common/validation/text.h"

namespace tousu::identity {
namespace {

// The whole of a small file (keys and secrets), or why not, naming the variable.
absl::StatusOr<std::string> ReadSecretFile(const config::Config& cfg, const std::string& key,
                                           const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(cfg.VariableName(key) + ": cannot read the file");
  std::ostringstream out;
  out << in.rdbuf();
  std::string content = out.str();
  if (content.size() > 64 * 1024) {
    return absl::InvalidArgumentError(cfg.VariableName(key) + ": file larger than 64 KiB");
  }
  return content;
}

}  // namespace

absl::StatusOr<Settings> Settings::FromConfig(const config::Config& cfg) {
  Settings s;
  Policy& p = s.policy;

  auto key_path = cfg.Require("SIGNING_KEY");
  if (!key_path.ok()) return key_path.status();
  auto pem = ReadSecretFile(cfg, "SIGNING_KEY", *key_path);
  if (!pem.ok()) return pem.status();
  s.signing_key_pem = *std::move(pem);
  s.signing_key_id = cfg.GetOr("SIGNING_KEY_ID", std::filesystem::path(*key_path).stem().string());
  if (!validation::CheckIdentifier("kid", s.signing_key_id).ok()) {
    return absl::InvalidArgumentError(cfg.VariableName("SIGNING_KEY_ID") +
                                      " must be 1-64 of A-Z a-z 0-9 . _ : -");
  }
  s.issuer = cfg.GetOr("AUTH_ISSUER", s.issuer);
  s.audience = cfg.GetOr("AUTH_AUDIENCE", s.audience);
  // A key that cannot sign would fail every sign-in: refuse to start instead.
  auth::TokenClaims probe;
  probe.subject = "C00000000000000000000";
  probe.role = "customer";
  probe.issued_at = absl::UnixEpoch();
  if (!auth::MintToken(s.signing_key_pem, probe).ok()) {
    return absl::InvalidArgumentError(cfg.VariableName("SIGNING_KEY") +
                                      " must be a PEM private key (RSA or P-256)");
  }

  auto secret_path = cfg.Require("CODE_SECRET_FILE");
  if (!secret_path.ok()) return secret_path.status();
  auto secret = ReadSecretFile(cfg, "CODE_SECRET_FILE", *secret_path);
  if (!secret.ok()) return secret.status();
  while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r')) {
    secret->pop_back();
  }
  if (secret->size() < 32) {
    return absl::InvalidArgumentError(cfg.VariableName("CODE_SECRET_FILE") +
                                      " must hold at least 32 bytes");
  }
  s.code_secret = *std::move(secret);

  s.sms_outbox_file = cfg.GetOr("SMS_OUTBOX_FILE", "");

  auto access_ttl =
      cfg.DurationInRange("ACCESS_TTL", p.access_ttl, absl::Minutes(1), absl::Hours(24));
  if (!access_ttl.ok()) return access_ttl.status();
  p.access_ttl = *access_ttl;
  auto refresh_ttl =
      cfg.DurationInRange("REFRESH_TTL", p.refresh_ttl, absl::Hours(1), absl::Hours(24 * 365));
  if (!refresh_ttl.ok()) return refresh_ttl.status();
  p.refresh_ttl = *refresh_ttl;
  auto code_ttl = cfg.DurationInRange("CODE_TTL", p.code_ttl, absl::Minutes(1), absl::Minutes(30));
  if (!code_ttl.ok()) return code_ttl.status();
  p.code_ttl = *code_ttl;
  auto attempts = cfg.IntInRange("CODE_ATTEMPTS", p.max_attempts, 1, 10);
  if (!attempts.ok()) return attempts.status();
  p.max_attempts = static_cast<int>(*attempts);
  auto resend =
      cfg.DurationInRange("RESEND_INTERVAL", p.resend_interval, absl::Seconds(10), absl::Hours(1));
  if (!resend.ok()) return resend.status();
  p.resend_interval = *resend;
  auto daily = cfg.IntInRange("PHONE_DAILY_LIMIT", p.phone_limit.count, 1, 100);
  if (!daily.ok()) return daily.status();
  p.phone_limit.count = static_cast<int>(*daily);
  auto address = cfg.IntInRange("ADDRESS_LIMIT", p.address_limit.count, 0, 100000);
  if (!address.ok()) return address.status();
  p.address_limit.count = static_cast<int>(*address);
  auto window =
      cfg.DurationInRange("ADDRESS_WINDOW", p.address_limit.per, absl::Minutes(1), absl::Hours(24));
  if (!window.ok()) return window.status();
  p.address_limit.per = *window;
  auto retention = cfg.PositiveDurationOr("RETENTION_INTERVAL", s.retention_interval);
  if (!retention.ok()) return retention.status();
  s.retention_interval = *retention;
  return s;
}

}  // namespace tousu::identity
