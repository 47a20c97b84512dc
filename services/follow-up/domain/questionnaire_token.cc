#include "services/follow-up/domain/questionnaire_token.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <stdexcept>

#include "absl/strings/escaping.h"

namespace tousu::followup {

namespace {
constexpr size_t kTokenBytes = 32;
constexpr size_t kTokenChars = 43;  // ceil(32 * 4 / 3), no padding
}  // namespace

std::string NewQuestionnaireToken() {
  std::array<unsigned char, kTokenBytes> bytes{};
  // A token that is not unpredictable would be worse than failing the call.
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string QuestionnaireTokenHash(std::string_view token) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

bool IsWellFormedQuestionnaireToken(std::string_view token) {
  if (token.size() != kTokenChars) return false;
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace tousu::followup
