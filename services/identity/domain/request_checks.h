#pragma once
// Every field of every request, checked before any work: INVALID_ARGUMENT naming the field.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "complaints/identity/v1/identity.pb.h"

namespace tousu::identity {

namespace idv1 = ::complaints::identity::v1;

// The number to send to (11 digits).
absl::StatusOr<std::string> CheckRequestSignInCode(const idv1::RequestSignInCodeRequest& req);

struct SignInInput {
  std::string phone;  // 11 digits
  std::string code;
};
absl::StatusOr<SignInInput> CheckSignIn(const idv1::SignInRequest& req);

// A refresh token as NewRefreshToken makes them: 43 characters of base64url.
absl::Status CheckRefreshToken(std::string_view field, std::string_view token);

}  // namespace tousu::identity
