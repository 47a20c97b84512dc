#pragma once
// Checks for text that users typed. Tousu carries user text in proto `bytes` fields (the gRPC C++
// server would otherwise reject invalid UTF-8 with INTERNAL before our code runs), so every
// service validates it here and answers INVALID_ARGUMENT naming the field.

#include <cstddef>
#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace tousu::validation {

// Number of Unicode code points, or nullopt when `s` is not valid UTF-8 (overlongs, surrogates
// and code points above U+10FFFF are invalid).
std::optional<size_t> Utf8Length(std::string_view s);

// One step of strict UTF-8 decoding at the start of `s` (which must not be empty): the code point
// and its length in bytes, or, when invalid, valid == false and `length` covering the maximal
// ill-formed subpart (Unicode 15 §3.9, at least 1 byte), so that writers replacing bad input with
// U+FFFD do it the way browsers and ICU do. Shared by the log writer and the maskers.
struct Utf8Step {
  char32_t code_point = 0;
  size_t length = 1;
  bool valid = false;
};
Utf8Step DecodeUtf8(std::string_view s);

struct TextRule {
  bool required = true;
  size_t max_chars = 0;         // counted in characters, not bytes; 0 = no limit
  bool allow_newlines = false;  // \n, \r and \t allowed (descriptions)
};

// OK, or INVALID_ARGUMENT with a message naming `field`, e.g.
// "description: must be at most 2000 characters". Rejects invalid UTF-8 and control characters
// (C0 other than allowed newlines/tab, DEL, C1).
absl::Status CheckText(std::string_view field, std::string_view value, const TextRule& rule);

// Mainland China phone numbers: mobiles 1[3-9]xxxxxxxxx (11 digits, optional +86 / 86 prefix)
// and landlines 0AA(A)-NNNNNNN(N) with optional '-' (and optional extension "-NNNN").
absl::Status CheckPhone(std::string_view field, std::string_view value);
// A plain address check: one '@', non-empty local part, a dotted domain, no spaces; <= 254 bytes.
absl::Status CheckEmail(std::string_view field, std::string_view value);

// Ids that travel between services (department "engineering", staff "S0001", request ids):
// 1..max_length characters of [A-Za-z0-9._:-]. Empty is an error unless `required` is false.
absl::Status CheckIdentifier(std::string_view field, std::string_view value, size_t max_length = 64,
                             bool required = true);
// A complaint number "TS-YYYYMM-NNNNNN" (six to nine digits after the month).
absl::Status CheckComplaintNumber(std::string_view field, std::string_view value);

}  // namespace tousu::validation
