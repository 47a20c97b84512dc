#include "services/identity/domain/phone.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace tousu::identity {

absl::StatusOr<std::string> CanonicalMobile(std::string_view field, std::string_view value) {
  if (value.empty())
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": is required"));
  const auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": not a mainland mobile number"));
  };
  if (value.size() > 32) return invalid();
  std::string_view rest = value;
  if (rest.starts_with('+')) {
    if (!rest.starts_with("+86")) return invalid();
    rest.remove_prefix(1);
  }
  std::string digits;
  for (char c : rest) {
    if (c == ' ' || c == '-') continue;
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return invalid();
    digits.push_back(c);
  }
  // "86" before 11 digits is the country code; a bare 11-digit number never starts with 86.
  if (digits.size() == 13 && digits.starts_with("86")) digits.erase(0, 2);
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3' || digits[1] > '9') {
    return invalid();
  }
  return digits;
}

}  // namespace tousu::identity
