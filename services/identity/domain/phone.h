#pragma once
// Mainland mobile numbers as the identity service keeps them: 11 digits, 1[3-9]...

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tousu::identity {

// The 11 digits of the mainland mobile number `value`, written with or without a +86 / 86
// prefix and with spaces or dashes anywhere ("+86 138-0013-8000" -> "13800138000"): the form
// intake's phone key and the token's "phone" claim use. INVALID_ARGUMENT naming `field`
// otherwise (landlines included: codes go by SMS).
absl::StatusOr<std::string> CanonicalMobile(std::string_view field, std::string_view value);

}  // namespace tousu::identity
