#include "common/validation/text.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace tousu::validation {
namespace {

// Debian builds Abseil with its own absl::string_view, which std::string_view does not convert to,
// so std::string_view is handled with std operations here.
bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (!s->starts_with(prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}

bool InRange(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// C0 controls, DEL and C1 controls: Unicode general category Cc.
bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Characters that render as nothing or as blank space; a required field made only of these
// (an IME's full-width space U+3000 is the usual one) is as empty as "".
bool IsBlank(char32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\v':
    case '\f':
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200B;
  }
}

absl::Status Invalid(std::string_view field, std::string_view what) {
  std::string message(field);
  message.append(": ").append(what);
  return absl::InvalidArgumentError(message);
}

// 1[3-9] and nine more digits, after an optional +86 / 86 country prefix (which may be followed
// by one space or dash, as people copy it from contact cards).
bool IsMobile(std::string_view s) {
  if (ConsumePrefix(&s, "+86") || ConsumePrefix(&s, "86")) {
    if (!ConsumePrefix(&s, " ")) ConsumePrefix(&s, "-");
  }
  return s.size() == 11 && AllDigits(s) && s[0] == '1' && s[1] >= '3' && s[1] <= '9';
}

// Area code 010 or 02X (3 digits) or 0[3-9]XX (4 digits), optional '-', a local number of 7-8
// digits not starting with 0 (that would be a second trunk prefix), optional "-<extension>".
bool IsLandline(std::string_view s) {
  if (s.size() < 3 || s[0] != '0' || !AllDigits(s.substr(0, 3))) return false;
  size_t area_len;
  if (s[1] == '1') {
    if (s[2] != '0') return false;  // 010 is the only 01X area code
    area_len = 3;
  } else if (s[1] == '2') {
    area_len = 3;
  } else if (s[1] >= '3') {
    area_len = 4;
  } else {
    return false;
  }
  if (s.size() < area_len || !AllDigits(s.substr(0, area_len))) return false;
  s.remove_prefix(area_len);
  ConsumePrefix(&s, "-");
  std::string_view local = s;
  std::string_view extension;
  if (size_t dash = s.find('-'); dash != std::string_view::npos) {
    local = s.substr(0, dash);
    extension = s.substr(dash + 1);
    if (extension.empty() || extension.size() > 6 || !AllDigits(extension)) return false;
  }
  return (local.size() == 7 || local.size() == 8) && AllDigits(local) && local[0] != '0';
}

// RFC 5322 "specials" and quoting characters that a plain (unquoted) local part cannot hold.
bool IsLocalPartChar(unsigned char c) {
  if (c >= 0x80) return true;  // internationalised addresses (RFC 6531); UTF-8 checked separately
  if (c <= 0x20 || c == 0x7F) return false;
  return std::string_view("\"(),:;<>@[\\]").find(static_cast<char>(c)) == std::string_view::npos;
}

bool IsDomainChar(unsigned char c) { return c >= 0x80 || absl::ascii_isalnum(c) || c == '-'; }

bool IsPlainLocalPart(std::string_view local) {
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return false;
  for (char c : local) {
    if (!IsLocalPartChar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsDottedDomain(std::string_view domain) {
  if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!IsDomainChar(static_cast<unsigned char>(c))) return false;
    }
    start = dot + 1;
  }
  return true;
}

}  // namespace

Utf8Step DecodeUtf8(std::string_view s) {
  Utf8Step step;
  if (s.empty()) return step;
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1, true};
  // Unicode Table 3-7: the lead byte fixes the length and the range of the second byte; the
  // narrowed ranges after E0, ED, F0 and F4 are what exclude overlongs, surrogates and values
  // above U+10FFFF. C0, C1 and F5..FF never start a sequence.
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  char32_t cp;
  if (InRange(b0, 0xC2, 0xDF)) {
    need = 2;
    cp = b0 & 0x1F;
  } else if (InRange(b0, 0xE0, 0xEF)) {
    need = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (InRange(b0, 0xF0, 0xF4)) {
    need = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return step;  // stray continuation byte or a byte that never occurs in UTF-8
  }
  for (size_t i = 1; i < need; ++i) {
    if (i >= s.size()) return {0, i, false};  // truncated
    const auto b = static_cast<unsigned char>(s[i]);
    if (!InRange(b, lo, hi)) return {0, i, false};
    cp = (cp << 6) | (b & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  return {cp, need, true};
}

std::optional<size_t> Utf8Length(std::string_view s) {
  size_t count = 0;
  while (!s.empty()) {
    Utf8Step step = DecodeUtf8(s);
    if (!step.valid) return std::nullopt;
    s.remove_prefix(step.length);
    ++count;
  }
  return count;
}

absl::Status CheckText(std::string_view field, std::string_view value, const TextRule& rule) {
  // One pass: validity, control characters, blankness and length together.
  size_t chars = 0;
  bool blank = true;
  bool bad_control = false;
  for (std::string_view rest = value; !rest.empty();) {
    Utf8Step step = DecodeUtf8(rest);
    if (!step.valid) return Invalid(field, "must be valid UTF-8");
    rest.remove_prefix(step.length);
    ++chars;
    const char32_t cp = step.code_point;
    if (!IsBlank(cp)) blank = false;
    if (IsControl(cp) && !(rule.allow_newlines && (cp == '\n' || cp == '\r' || cp == '\t'))) {
      bad_control = true;
    }
  }
  if (value.empty()) {
    return rule.required ? Invalid(field, "is required") : absl::OkStatus();
  }
  if (bad_control) {
    return Invalid(field, rule.allow_newlines
                              ? "must not contain control characters"
                              : "must not contain line breaks, tabs or control characters");
  }
  if (blank && rule.required) return Invalid(field, "must not be blank");
  if (rule.max_chars != 0 && chars > rule.max_chars) {
    return Invalid(field, absl::StrCat("must be at most ", rule.max_chars, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckPhone(std::string_view field, std::string_view value) {
  if (value.empty()) return Invalid(field, "is required");
  if (value.size() > 32 || !(IsMobile(value) || IsLandline(value))) {
    return Invalid(field, "not a valid mainland mobile or landline number");
  }
  return absl::OkStatus();
}

absl::Status CheckEmail(std::string_view field, std::string_view value) {
  if (value.empty()) return Invalid(field, "is required");
  if (value.size() > 254) return Invalid(field, "must be at most 254 bytes");
  if (!Utf8Length(value).has_value()) return Invalid(field, "must be valid UTF-8");
  const size_t at = value.find('@');
  if (at == std::string_view::npos || value.find('@', at + 1) != std::string_view::npos ||
      !IsPlainLocalPart(value.substr(0, at)) || !IsDottedDomain(value.substr(at + 1))) {
    return Invalid(field, "not a valid email address");
  }
  // Non-ASCII is allowed (RFC 6531), but not control or blank characters hiding in it.
  for (std::string_view rest = value; !rest.empty();) {
    Utf8Step step = DecodeUtf8(rest);
    if (IsControl(step.code_point) || IsBlank(step.code_point)) {
      return Invalid(field, "not a valid email address");
    }
    rest.remove_prefix(step.length);
  }
  return absl::OkStatus();
}

absl::Status CheckIdentifier(std::string_view field, std::string_view value, size_t max_length,
                             bool required) {
  if (value.empty()) {
    return required ? absl::InvalidArgumentError(std::string(field) + ": required")
                    : absl::OkStatus();
  }
  if (value.size() > max_length) {
    return absl::InvalidArgumentError(std::string(field) + ": must be at most " +
                                      std::to_string(max_length) + " characters");
  }
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(std::string(field) +
                                        ": only letters, digits and . _ : - are allowed");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckComplaintNumber(std::string_view field, std::string_view value) {
  // TS-YYYYMM-NNNNNN; the counter grows a seventh digit in a month past 999999.
  bool ok =
      value.size() >= 16 && value.size() <= 19 && value.substr(0, 3) == "TS-" && value[9] == '-';
  for (size_t i = 3; ok && i < value.size(); ++i) {
    if (i == 9) continue;
    ok = value[i] >= '0' && value[i] <= '9';
  }
  if (!ok)
    return absl::InvalidArgumentError(std::string(field) + ": must look like TS-202611-000123");
  return absl::OkStatus();
}

}  // namespace tousu::validation
