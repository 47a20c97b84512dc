#include "services/intake/domain/retention.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"

namespace tousu::intake {

absl::StatusOr<std::optional<absl::Duration>> ParseRetentionAfterClose(std::string_view text) {
  const std::string t(absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  absl::Duration d;
  int64_t days = 0;
  if (t.size() > 1 && t.back() == 'd' &&
      absl::SimpleAtoi(absl::string_view(t).substr(0, t.size() - 1), &days)) {
    if (days < 0 || days > int64_t{100} * 366)
      return absl::InvalidArgumentError("must be 0d..36600d");
    d = absl::Hours(24 * days);
  } else if (t == "0") {
    d = absl::ZeroDuration();
  } else if (!absl::ParseDuration(t, &d) || d < absl::ZeroDuration() ||
             d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError("must be a duration such as 1095d or 26280h, or 0 for off");
  }
  if (d == absl::ZeroDuration()) return std::optional<absl::Duration>();
  return std::optional<absl::Duration>(d);
}

bool ShouldAnonymise(bool closed, std::optional<absl::Time> closed_at, bool already_anonymised,
                     absl::Time now, absl::Duration after_close) {
  return closed && closed_at.has_value() && !already_anonymised &&
         *closed_at <= AnonymiseClosedAtOrBefore(now, after_close);
}

namespace {
// Characters, not bytes: a two-character Chinese name is six bytes.
size_t Utf8Length(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
}  // namespace

std::string RedactContact(std::string_view text, const CustomerContact& contact) {
  // Longest first, so a phone as stored ("+86 139-0000-1111") goes before its key's digits.
  std::vector<absl::string_view> values;
  if (Utf8Length(contact.name) >= 2 && contact.name != kAnonymisedName)
    values.emplace_back(contact.name);
  if (contact.email.find('@') != std::string::npos) values.emplace_back(contact.email);
  if (contact.phone.size() >= 6) values.emplace_back(contact.phone);
  if (contact.phone_key.size() >= 6) values.emplace_back(contact.phone_key);
  std::sort(values.begin(), values.end(), [](auto a, auto b) { return a.size() > b.size(); });
  std::string out(text);
  for (absl::string_view v : values) absl::StrReplaceAll({{v, kRedactedContact}}, &out);
  return out;
}

}  // namespace tousu::intake
