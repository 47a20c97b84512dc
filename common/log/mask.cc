#include "common/log/mask.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/validation/text.h"

namespace tousu::log {
namespace {

using validation::DecodeUtf8;
using validation::Utf8Step;

std::string DigitsOf(std::string_view s) {
  std::string digits;
  for (char c : s) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  return digits;
}

// Length of the area code of a landline given as bare digits (010 and 02X are 3 digits,
// 0[3-9]XX are 4), or 0 when the digits do not look like a landline.
size_t LandlineAreaLength(std::string_view digits) {
  if (digits.size() < 10 || digits.size() > 12 || digits[0] != '0') return 0;
  if (digits[1] == '1' && digits[2] == '0') return 3;
  if (digits[1] == '2') return 3;
  if (digits[1] >= '3') return 4;
  return 0;
}

// A character worth keeping in clear as the first one of a masked value: printable, valid UTF-8.
bool KeepableFirst(const Utf8Step& step) {
  return step.valid && step.code_point > 0x20 &&
         !(step.code_point >= 0x7F && step.code_point <= 0x9F);
}

bool IsPlainDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253 || domain.find('.') == std::string_view::npos) {
    return false;
  }
  for (char c : domain) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::string MaskPhone(std::string_view phone) {
  // Only digits ever reach the output: a phone field may hold anything, including a name.
  std::string digits = DigitsOf(phone);
  // Mobile, possibly with the 86 country prefix: keep the carrier prefix and the last four.
  if (digits.size() == 13 && digits.starts_with("86") && digits[2] == '1') {
    digits.erase(0, 2);
  }
  if (digits.size() == 11 && digits[0] == '1') {
    return absl::StrCat(digits.substr(0, 3), "****", digits.substr(7));
  }
  // Landline: the part up to the first '-' is the area code when there is one; an extension
  // after a second '-' is dropped.
  std::string_view area;
  std::string_view local;
  if (const size_t dash = phone.find('-'); dash != std::string_view::npos) {
    std::string_view head = phone.substr(0, dash);
    std::string_view tail = phone.substr(dash + 1);
    tail = tail.substr(0, tail.find('-'));
    if (head.size() >= 3 && head.size() <= 4 && head[0] == '0' &&
        DigitsOf(head).size() == head.size() && tail.size() >= 7 && tail.size() <= 8 &&
        DigitsOf(tail).size() == tail.size()) {
      area = head;
      local = tail;
    }
  } else if (const size_t area_len = LandlineAreaLength(digits);
             area_len != 0 && digits.size() == phone.size()) {
    area = std::string_view(digits).substr(0, area_len);
    local = std::string_view(digits).substr(area_len);
  }
  if (!area.empty() && local.size() >= 7) {
    // At least four digits stay hidden, as for mobiles: a 7-digit local number keeps only 3.
    std::string out(area);
    out.append("****").append(local.substr(4));
    return out;
  }
  // Anything else: the last four digits only when at least as many stay hidden, so a short
  // value is never shown whole.
  if (digits.size() >= 8) return absl::StrCat("****", digits.substr(digits.size() - 4));
  return "****";
}

std::string MaskEmail(std::string_view email) {
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos) return "***";
  std::string_view local = email.substr(0, at);
  std::string_view domain = email.substr(at + 1);
  std::string out;
  // The first character is kept only when something of the local part stays hidden.
  if (!local.empty()) {
    Utf8Step first = DecodeUtf8(local);
    if (KeepableFirst(first) && first.length < local.size()) {
      out.append(local.substr(0, first.length));
    }
  }
  out.append("***@");
  // Only a plain host name is shown; anything else may be personal data typed in the wrong place.
  out.append(IsPlainDomain(domain) ? domain : "***");
  return out;
}

std::string MaskName(std::string_view name) {
  std::string_view rest = name;
  while (!rest.empty() && absl::ascii_isspace(static_cast<unsigned char>(rest.front()))) {
    rest.remove_prefix(1);
  }
  while (!rest.empty() && absl::ascii_isspace(static_cast<unsigned char>(rest.back()))) {
    rest.remove_suffix(1);
  }
  std::string out;
  bool first = true;
  while (!rest.empty()) {
    Utf8Step step = DecodeUtf8(rest);
    // A one-character name is masked entirely: "张" alone would otherwise be shown in clear.
    if (first && KeepableFirst(step) && step.length < rest.size()) {
      out.append(rest.substr(0, step.length));
    } else {
      out.push_back('*');
    }
    first = false;
    rest.remove_prefix(step.length);
  }
  if (out.empty()) out.push_back('*');  // push_back: GCC 12 -O2 misreports assign() (-Wrestrict)
  return out;
}

}  // namespace tousu::log
