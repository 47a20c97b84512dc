#include "services/identity/domain/secrets.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace tousu::identity {
namespace {

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return absl::InternalError("the random number generator failed");
  }
  return out;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), n));
}

}  // namespace

absl::StatusOr<std::string> NewSignInCode(int digits) {
  uint64_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  // The largest multiple of `modulus` that fits: values at or above it would favour small codes.
  const uint64_t limit = (uint64_t{1} << 32) / modulus * modulus;
  for (;;) {
    auto bytes = RandomBytes(4);
    if (!bytes.ok()) return bytes.status();
    uint64_t value = 0;
    for (unsigned char b : *bytes) value = (value << 8) | b;
    if (value >= limit) continue;
    std::string code = absl::StrCat(value % modulus);
    return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
  }
}

std::string CodeHash(std::string_view secret, std::string_view phone, std::string_view code) {
  const std::string message =
      absl::StrCat("tousu.identity.sign_in_code/1\n", std::string(phone), "\n", std::string(code));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return Hex(mac, length);
}

bool SameHash(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::StatusOr<std::string> NewRefreshToken() {
  auto bytes = RandomBytes(32);
  if (!bytes.ok()) return bytes.status();
  return absl::WebSafeBase64Escape(*bytes);  // unpadded
}

std::string RefreshTokenHash(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr);
  return Hex(digest, length);
}

absl::StatusOr<std::string> NewCustomerId() {
  auto bytes = RandomBytes(10);
  if (!bytes.ok()) return bytes.status();
  return absl::StrCat("C", absl::BytesToHexString(*bytes));
}

absl::StatusOr<std::string> NewFamilyId() {
  auto bytes = RandomBytes(16);
  if (!bytes.ok()) return bytes.status();
  return absl::BytesToHexString(*bytes);
}

}  // namespace tousu::identity
