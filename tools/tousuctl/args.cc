#include "tools/tousuctl/args.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/validation/text.h"
#include "tools/tousuctl/strings.h"

namespace tousu::ctl {
namespace {

// The services refuse a request holding text that is not UTF-8 before reading it, naming no
// field; said here instead, naming the flag or argument (a terminal in GBK is the usual cause).
absl::Status CheckUtf8(const std::string& what, const std::string& value) {
  if (validation::Utf8Length(value).has_value()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": not UTF-8 text (is the terminal set to UTF-8?)"));
}

absl::Status AddPositional(ParsedArgs& parsed, const std::string& arg) {
  if (auto s = CheckUtf8(absl::StrCat("argument ", parsed.positional.size() + 1), arg); !s.ok()) {
    return s;
  }
  parsed.positional.push_back(arg);
  return absl::OkStatus();
}

}  // namespace

bool ParsedArgs::Has(std::string_view flag) const { return values_.find(flag) != values_.end(); }

std::optional<std::string> ParsedArgs::Get(std::string_view flag) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string ParsedArgs::GetOr(std::string_view flag, std::string_view fallback) const {
  auto v = Get(flag);
  return v.has_value() ? *v : std::string(fallback);
}

std::vector<std::string> ParsedArgs::List(std::string_view flag) const {
  std::vector<std::string> out;
  auto it = values_.find(flag);
  if (it == values_.end()) return out;
  for (const std::string& v : it->second) {
    for (absl::string_view part : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
      out.emplace_back(ToStd(absl::StripAsciiWhitespace(part)));
    }
  }
  return out;
}

std::vector<std::string> ParsedArgs::Values(std::string_view flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<std::optional<bool>> ParsedArgs::Bool(std::string_view flag) const {
  auto v = Get(flag);
  if (!v.has_value()) return std::nullopt;
  const std::string lower = absl::AsciiStrToLower(*v);
  if (lower.empty() || lower == "true" || lower == "yes" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "0") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("--", ToAbsl(flag), ": expected true or false, not \"", *v, "\""));
}

absl::StatusOr<std::optional<int>> ParsedArgs::Int(std::string_view flag, int min, int max) const {
  auto v = Get(flag);
  if (!v.has_value()) return std::nullopt;
  int n = 0;
  if (!absl::SimpleAtoi(*v, &n) || n < min || n > max) {
    return absl::InvalidArgumentError(absl::StrCat("--", ToAbsl(flag),
                                                   ": expected a whole number from ", min, " to ",
                                                   max, ", not \"", *v, "\""));
  }
  return n;
}

absl::StatusOr<ParsedArgs> ParseFlags(const std::vector<std::string>& args,
                                      const std::vector<FlagSpec>& specs) {
  ParsedArgs parsed;
  auto find = [&](std::string_view name) -> const FlagSpec* {
    auto it =
        std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) { return s.name == name; });
    return it == specs.end() ? nullptr : &*it;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      for (size_t j = i + 1; j < args.size(); ++j) {
        if (auto s = AddPositional(parsed, args[j]); !s.ok()) return s;
      }
      break;
    }
    if (arg == "-h") {
      parsed.Add("help", "");
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {  // "-" alone is an argument (standard input)
      if (auto s = AddPositional(parsed, arg); !s.ok()) return s;
      continue;
    }
    if (arg[1] != '-') {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag ", arg, " (flags are spelled --name)"));
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = find(name);
    if (spec == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    if (!value.has_value()) {
      if (spec->value_name.empty()) {
        value = "";
      } else if (i + 1 < args.size() &&
                 !(args[i + 1].size() > 2 && args[i + 1].starts_with("--"))) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value (",
                                                       spec->value_name, "); write --", name,
                                                       "=VALUE for a value starting with --"));
      }
    }
    if (auto s = CheckUtf8(absl::StrCat("--", name), *value); !s.ok()) return s;
    if (parsed.Has(name) && !spec->repeatable) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " given more than once"));
    }
    parsed.Add(name, std::move(*value));
  }
  return parsed;
}

}  // namespace tousu::ctl
