// The shared checks of user text and identifiers (common/validation/text.*), which every
// service's request validation is built from, fed arbitrary bytes.
//
// Input: the first byte picks the rule (required, allow_newlines, max_chars 0..63); the rest is
// the value.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - DecodeUtf8 steps are 1..4 bytes and never run past the input; a valid step is a scalar
//     value (no surrogates, <= U+10FFFF) in its shortest encoding, so re-encoding the valid steps
//     gives back the input exactly; Utf8Length counts them, or says "invalid" iff one is;
//   - every rejection is INVALID_ARGUMENT with a message "<field>: ...";
//   - whatever a check accepts has the shape it promises: CheckText valid UTF-8, within
//     max_chars, no control characters beyond allowed line breaks and tabs, non-empty when
//     required; CheckPhone digits and + - space only; CheckEmail one '@', <= 254 bytes, valid
//     UTF-8, no blanks or controls; CheckIdentifier [A-Za-z0-9._:-] within the length;
//     CheckComplaintNumber "TS-" 6 digits "-" 6..9 digits.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/validation/text.h"
#include "tests/fuzz/fuzz_check.h"

namespace v = tousu::validation;

namespace {

void Encode(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

void CheckRejection(const absl::Status& s, std::string_view field) {
  if (s.ok()) return;
  FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, s);
  const std::string_view m = tousu::fuzz::Message(s);
  FUZZ_CHECK(m.size() > field.size() + 2 && m.substr(0, field.size()) == field &&
                 m.substr(field.size(), 2) == ": ",
             "message does not name " << field << ": " << s);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view value(reinterpret_cast<const char*>(data + 1), size - 1);

  // UTF-8 decoding.
  std::string reencoded;
  size_t valid_steps = 0;
  bool all_valid = true;
  for (std::string_view rest = value; !rest.empty();) {
    const v::Utf8Step step = v::DecodeUtf8(rest);
    FUZZ_CHECK(step.length >= 1 && step.length <= 4 && step.length <= rest.size(),
               "step length " << step.length << " of " << rest.size());
    if (step.valid) {
      FUZZ_CHECK(
          step.code_point <= 0x10FFFF && !(step.code_point >= 0xD800 && step.code_point <= 0xDFFF),
          "code point " << static_cast<uint32_t>(step.code_point));
      std::string one;
      Encode(step.code_point, one);
      FUZZ_CHECK(one == rest.substr(0, step.length), "not the shortest encoding");
      reencoded += one;
      ++valid_steps;
    } else {
      all_valid = false;
    }
    rest.remove_prefix(step.length);
  }
  const std::optional<size_t> length = v::Utf8Length(value);
  FUZZ_CHECK(length.has_value() == all_valid, "Utf8Length disagrees with DecodeUtf8");
  if (all_valid) {
    FUZZ_CHECK(*length == valid_steps && reencoded == value, "round trip");
  }

  // CheckText under the rule the first byte picks.
  const v::TextRule rule{.required = (mode & 1) != 0,
                         .max_chars = static_cast<size_t>(mode >> 2),
                         .allow_newlines = (mode & 2) != 0};
  const absl::Status text = v::CheckText("complaint.description", value, rule);
  CheckRejection(text, "complaint.description");
  if (text.ok()) {
    FUZZ_CHECK(all_valid, "accepted invalid UTF-8");
    FUZZ_CHECK(!rule.required || !value.empty(), "accepted an empty required text");
    FUZZ_CHECK(rule.max_chars == 0 || *length <= rule.max_chars, "accepted too long a text");
    for (std::string_view rest = value; !rest.empty();) {
      const v::Utf8Step step = v::DecodeUtf8(rest);
      const char32_t c = step.code_point;
      const bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
      FUZZ_CHECK(!control || (rule.allow_newlines && (c == '\n' || c == '\r' || c == '\t')),
                 "accepted control character " << static_cast<uint32_t>(c));
      rest.remove_prefix(step.length);
    }
  }

  const absl::Status phone = v::CheckPhone("complaint.customer_phone", value);
  CheckRejection(phone, "complaint.customer_phone");
  if (phone.ok()) {
    size_t digits = 0;
    for (char c : value) {
      FUZZ_CHECK(IsDigit(c) || c == '+' || c == '-' || c == ' ', "accepted phone " << value);
      digits += IsDigit(c);
    }
    FUZZ_CHECK(digits >= 10 && digits <= 20, "accepted phone " << value);
  }

  const absl::Status email = v::CheckEmail("complaint.customer_email", value);
  CheckRejection(email, "complaint.customer_email");
  if (email.ok()) {
    FUZZ_CHECK(all_valid && value.size() <= 254, "accepted email");
    FUZZ_CHECK(value.find('@') != std::string_view::npos && value.find('@') == value.rfind('@'),
               "accepted email " << value);
    for (char c : value) {
      const auto u = static_cast<unsigned char>(c);
      FUZZ_CHECK(u > 0x20 && u != 0x7F, "accepted email with blank or control " << value);
    }
  }

  const size_t max_id = 1 + (mode % 64);
  const bool id_required = (mode & 0x40) != 0;
  const absl::Status id = v::CheckIdentifier("staff_id", value, max_id, id_required);
  CheckRejection(id, "staff_id");
  if (id.ok()) {
    FUZZ_CHECK(value.size() <= max_id && (!id_required || !value.empty()), "accepted id");
    for (char c : value) {
      FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '.' ||
                     c == '_' || c == ':' || c == '-',
                 "accepted id " << value);
    }
  }

  const absl::Status number = v::CheckComplaintNumber("number", value);
  CheckRejection(number, "number");
  if (number.ok()) {
    bool shape =
        value.size() >= 16 && value.size() <= 19 && value.substr(0, 3) == "TS-" && value[9] == '-';
    for (size_t i = 3; shape && i < value.size(); ++i) shape = i == 9 || IsDigit(value[i]);
    FUZZ_CHECK(shape, "accepted number " << value);
  }
  return 0;
}
