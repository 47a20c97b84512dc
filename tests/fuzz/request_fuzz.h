#pragma once
// Shared pieces of the request-check harnesses of case-handling, routing, follow-up and analytics:
// a rejection's field path, and independent readings of the documented shapes (complaint
// numbers, ids, typed text) to hold accepted requests against.

#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/validation/text.h"
#include "tests/fuzz/fuzz_check.h"

namespace tousu::fuzz {

// The field path a message starts with, indices folded: "attachments[3].uri: ..." ->
// "attachments[].uri". "" when the message has no "<path>: " prefix.
inline std::string FieldPath(const absl::Status& s) {
  const std::string_view m = Message(s);
  const size_t colon = m.find(": ");
  if (colon == std::string_view::npos || colon == 0) return "";
  std::string path;
  for (size_t i = 0; i < colon; ++i) {
    path.push_back(m[i]);
    if (m[i] == '[') {
      while (i + 1 < colon && m[i + 1] >= '0' && m[i + 1] <= '9') ++i;
    }
  }
  return path;
}

// A rejection as the conventions require: INVALID_ARGUMENT naming one of the request's fields.
inline void CheckRejection(const absl::Status& s, std::initializer_list<std::string_view> fields) {
  FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, s);
  const std::string path = FieldPath(s);
  bool known = false;
  for (std::string_view f : fields) known = known || path == f;
  FUZZ_CHECK(known, "message names no field of the request: " << s);
}

// "TS-YYYYMM-N..." with six to nine digits after the month.
inline bool IsComplaintNumber(std::string_view n) {
  if (n.size() < 16 || n.size() > 19 || n.substr(0, 3) != "TS-" || n[9] != '-') return false;
  for (size_t i = 3; i < n.size(); ++i) {
    if (i != 9 && !(n[i] >= '0' && n[i] <= '9')) return false;
  }
  return true;
}

// 1..max characters of [A-Za-z0-9._:-] (ids that travel between services).
inline bool IsId(std::string_view id, size_t max) {
  if (id.empty() || id.size() > max) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Valid UTF-8 of min..max characters; control characters only as \n, \r, \t and only when
// `newlines`.
inline bool IsText(const std::string& s, size_t min_chars, size_t max_chars, bool newlines) {
  const std::optional<size_t> n = validation::Utf8Length(s);
  if (!n || *n < min_chars || *n > max_chars) return false;
  for (unsigned char c : s) {
    if (c == 0x7f) return false;
    if (c < 0x20 && !(newlines && (c == '\n' || c == '\r' || c == '\t'))) return false;
  }
  return true;
}

}  // namespace tousu::fuzz
