#pragma once
// Signing keys and tokens for development stacks, tools and tests (`tools/token`). Production
// tokens come from the company's identity provider; services only verify (token_verifier.h).

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/token_verifier.h"

namespace tousu::auth {

struct KeyPair {
  std::string private_pem;  // PKCS#8
  std::string public_pem;   // SubjectPublicKeyInfo, what AUTH_KEYS holds
};
absl::StatusOr<KeyPair> GenerateKeyPair(KeyAlgorithm alg);

struct TokenClaims {
  std::string subject;     // "sub"
  std::string role;        // "role"
  std::string department;  // "dept", omitted when empty
  std::string phone = {};  // "phone": a customer's verified mobile number, omitted when empty
  std::string issuer = "tousu";
  std::string audience = "tousu";
  absl::Time issued_at;
  absl::Duration lifetime = absl::Hours(1);
  std::optional<absl::Time> not_before;
  std::string kid;  // header "kid", omitted when empty
};

// A signed compact JWT. The algorithm follows the private key (RSA → RS256, P-256 → ES256).
absl::StatusOr<std::string> MintToken(const std::string& private_pem, const TokenClaims& claims);

}  // namespace tousu::auth
