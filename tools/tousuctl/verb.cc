#include "tools/tousuctl/verb.h"

#include <iostream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/validation/text.h"
#include "tools/tousuctl/strings.h"

namespace tousu::ctl {

int UsageError(const Call& c, const absl::Status& s) {
  c.err << "tousuctl: " << s.message() << "\nRun 'tousuctl " << c.verb
        << " --help' for its arguments and flags.\n";
  return kExitUsage;
}

std::string Lower(std::string_view s) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(ToAbsl(s)));
}

std::string Upper(std::string_view s) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(ToAbsl(s)));
}

std::string OneOf(const std::vector<std::string>& names) {
  return absl::StrCat("one of ", absl::StrJoin(names, ", "));
}

absl::StatusOr<std::string> TextValue(const Call& c, const std::string& value) {
  if (value != "-") return value;
  if (c.env.in == nullptr) return absl::InvalidArgumentError("standard input is not available");
  std::string text((std::istreambuf_iterator<char>(*c.env.in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (!validation::Utf8Length(text).has_value()) {
    return absl::InvalidArgumentError("standard input: not UTF-8 text (convert it to UTF-8)");
  }
  return text;
}

absl::StatusOr<std::string> TextFlag(Call& c, std::string_view flag) {
  const std::string value = c.args.GetOr(flag, "");
  if (value != "-") return value;
  if (c.stdin_taken) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", ToAbsl(flag), " -: standard input was already read for another value"));
  }
  c.stdin_taken = true;
  return TextValue(c, value);
}

absl::Status ReadPage(const Call& c, complaints::common::v1::PageRequest* page) {
  auto size = c.args.Int("page-size", 1, 200);
  if (!size.ok()) return size.status();
  if (size->has_value()) page->set_page_size(**size);
  page->set_page_token(c.args.GetOr("page-token", ""));
  return absl::OkStatus();
}

}  // namespace tousu::ctl
