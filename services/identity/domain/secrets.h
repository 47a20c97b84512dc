#pragma once
// The identity service's random values and hashes. Randomness comes from OpenSSL's CSPRNG
// (RAND_bytes); a failure of it is INTERNAL, never a weaker fallback.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tousu::identity {

// `digits` decimal digits, each value equally likely (rejection sampling, no modulo bias).
absl::StatusOr<std::string> NewSignInCode(int digits);
// What is stored of a code: HMAC-SHA256 under the server's secret of the number and the code,
// hex. Tied to the number, so a row copied to another number matches nothing; useless without
// the secret, so a database dump does not give codes away by trying all million.
std::string CodeHash(std::string_view secret, std::string_view phone, std::string_view code);
// Equality of two hashes in time independent of where they differ.
bool SameHash(std::string_view a, std::string_view b);

// A refresh token: 32 random bytes, base64url without padding (43 characters).
absl::StatusOr<std::string> NewRefreshToken();
inline constexpr size_t kRefreshTokenLength = 43;
// What is stored of a refresh token: its SHA-256, hex (the token is random enough that no secret
// or salt is needed).
std::string RefreshTokenHash(std::string_view token);

// A customer id: "C" and 20 lower-case hex digits (80 random bits).
absl::StatusOr<std::string> NewCustomerId();
// The id of a session family: 32 hex digits.
absl::StatusOr<std::string> NewFamilyId();

}  // namespace tousu::identity
