#pragma once
// Command-line flags: "--name value", "--name=value", boolean "--name" (or "--name=true|false"),
// "--" ending the flags, "-h" for "--help". Flags and positional arguments may be mixed.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace tousu::ctl {

struct FlagSpec {
  // Without the dashes: "department".
  std::string name{};
  // Shown in help, e.g. "DEPT"; empty for a boolean flag, which takes no separate value.
  std::string value_name{};
  std::string help{};
  // Must be given (checked by the command, which lists every missing one).
  bool required = false;
  // May be given more than once (each value kept, in order); otherwise twice is an error.
  bool repeatable = false;
};

class ParsedArgs {
 public:
  std::vector<std::string> positional;

  bool Has(std::string_view flag) const;
  // The value given (the last one of a repeatable flag); nullopt when absent.
  std::optional<std::string> Get(std::string_view flag) const;
  std::string GetOr(std::string_view flag, std::string_view fallback) const;
  // Every value of a repeatable flag, each also split at commas ("--assist a,b --assist c").
  std::vector<std::string> List(std::string_view flag) const;
  // Every value of a repeatable flag as given, in order, not split (text that may hold commas).
  std::vector<std::string> Values(std::string_view flag) const;
  // A boolean flag: nullopt when absent; true for "--flag", else the value given to "--flag=".
  // INVALID_ARGUMENT for a value other than true/false/yes/no/1/0.
  absl::StatusOr<std::optional<bool>> Bool(std::string_view flag) const;
  // A whole number in [min, max]; nullopt when absent.
  absl::StatusOr<std::optional<int>> Int(std::string_view flag, int min, int max) const;

  void Add(const std::string& flag, std::string value) {
    values_[flag].push_back(std::move(value));
  }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

// INVALID_ARGUMENT for an unknown flag, a missing value, or a flag given twice.
absl::StatusOr<ParsedArgs> ParseFlags(const std::vector<std::string>& args,
                                      const std::vector<FlagSpec>& specs);

}  // namespace tousu::ctl
