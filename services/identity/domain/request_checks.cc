#include "services/identity/domain/request_checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/identity/domain/phone.h"
#include "services/identity/domain/secrets.h"
#include "services/identity/domain/sign_in_rules.h"

namespace tousu::identity {

absl::StatusOr<std::string> CheckRequestSignInCode(const idv1::RequestSignInCodeRequest& req) {
  return CanonicalMobile("phone", req.phone());
}

absl::StatusOr<SignInInput> CheckSignIn(const idv1::SignInRequest& req) {
  auto phone = CanonicalMobile("phone", req.phone());
  if (!phone.ok()) return phone.status();
  const std::string& code = req.code();
  if (code.empty()) return absl::InvalidArgumentError("code: is required");
  bool digits = code.size() == static_cast<size_t>(Policy::kCodeLength);
  for (char c : code) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!digits) {
    return absl::InvalidArgumentError(
        absl::StrCat("code: must be ", Policy::kCodeLength, " digits"));
  }
  return SignInInput{*std::move(phone), code};
}

absl::Status CheckRefreshToken(std::string_view field, std::string_view token) {
  if (token.empty())
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": is required"));
  bool ok = token.size() == kRefreshTokenLength;
  for (char c : token) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  }
  if (!ok)
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": not a refresh token"));
  return absl::OkStatus();
}

}  // namespace tousu::identity
