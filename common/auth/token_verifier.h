#pragma once
// Verifies callers' JSON Web Tokens (RFC 7519) with libjwt (Debian's libjwt 1.10, OpenSSL build):
// a maintained C library with the two algorithms we accept, no JSON or crypto of our own, and
// a plain API whose every step we can pin down. libjwt 1.10 has no claim validation of its own and
// verifies with whatever algorithm the token's header names, so this class:
//   - takes the algorithm from the KEY, never from the token: a key file holds an RSA key (RS256)
//     or a P-256 key (ES256); a token whose header names anything else — "none", HS256 signed with
//     the public key as an HMAC secret, RS256 against an EC key — is refused before and after
//     libjwt looks at it;
//   - checks exp (required), nbf, iss and aud itself against the injected clock, with a leeway;
//   - maps the claims to a Caller: "sub" (required), "role" (one of caller.h's), "dept" (staff).
//
// Keys: every "*.pem" public key in one directory; a token's "kid" header names the file (without
// ".pem"); without "kid" every key of the matching type is tried. The directory is re-read when
// a file in it changes (checked at most once per `reload_check`), so keys rotate without a
// restart: add the new key, start minting with it, remove the old one after tokens expire.

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/time/clock.h"

namespace tousu::auth {

struct VerifierOptions {
  std::string keys_dir;                       // AUTH_KEYS
  std::string issuer = "tousu";               // AUTH_ISSUER: the "iss" every token must carry
  std::string audience = "tousu";             // AUTH_AUDIENCE: must be "aud" or one of its entries
  absl::Duration leeway = absl::Seconds(30);  // clock skew allowed on exp and nbf
  absl::Duration reload_check = absl::Seconds(1);
  size_t cache_entries = 10000;  // verified tokens remembered (signature checks cost ~50 µs)
};

enum class KeyAlgorithm { kRs256, kEs256 };
const char* AlgorithmName(KeyAlgorithm alg);

class TokenVerifier {
 public:
  // Fails (InvalidArgument naming the file) when the directory is missing, holds no usable key,
  // or holds a key of another type.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(VerifierOptions options,
                                                               const time::Clock& clock);
  ~TokenVerifier();

  // The caller the token proves, or UNAUTHENTICATED "authorization: <reason>". The reason names
  // what was wrong (expired, wrong audience, ...) but never echoes the token.
  absl::StatusOr<Caller> Verify(std::string_view token);

  // Re-reads the key directory now if it changed (Verify does this at most once per
  // reload_check). Errors leave the previous keys in force.
  absl::Status ReloadIfChanged();
  size_t key_count() const;

 private:
  struct Key {
    std::string kid;
    KeyAlgorithm alg;
    std::string pem;
  };
  struct CachedCaller {
    Caller caller;
    absl::Time expires;
  };
  TokenVerifier(VerifierOptions options, const time::Clock& clock);
  absl::StatusOr<Caller> VerifyUncached(const std::string& token, absl::Time now,
                                        absl::Time* expires) const;
  static absl::StatusOr<std::vector<Key>> LoadKeys(const std::string& dir,
                                                   std::string* fingerprint);

  const VerifierOptions options_;
  const time::Clock& clock_;
  // Shared for the cache lookups every call makes; exclusive to add a token or swap the keys.
  mutable std::shared_mutex mu_;
  std::vector<Key> keys_;
  std::string keys_fingerprint_;  // names, sizes and mtimes of the files last loaded
  absl::Time next_reload_check_ = absl::InfinitePast();
  std::unordered_map<std::string, CachedCaller> cache_;
};

// The Caller that the claims describe, or why they describe none (exposed for tests).
absl::StatusOr<Caller> CallerFromClaims(const std::string& subject, const std::string& role,
                                        const std::string& department,
                                        const std::string& phone = "");

}  // namespace tousu::auth
