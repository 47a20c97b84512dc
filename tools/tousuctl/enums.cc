#include "tools/tousuctl/enums.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/proto/enum_labels.h"
#include "tools/tousuctl/strings.h"

namespace tousu::ctl {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

// The value's label (common/proto/enum_labels.h) as typed on a command line: "walk-in".
std::string CommandLineName(const EnumDescriptor* type, const EnumValueDescriptor* value) {
  std::string name =
      proto::EnumValueLabel(type, value->number()).value_or(absl::AsciiStrToLower(value->name()));
  absl::StrReplaceAll({{"_", "-"}}, &name);
  return name;
}

// Lower case without separators: "Walk_In", "walk-in" and "walkin" are all "walkin".
std::string Squashed(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out += absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  return out;
}

}  // namespace

std::string EnumName(const EnumDescriptor* type, int value) {
  if (value == 0) return "-";
  const EnumValueDescriptor* v = type->FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat("other(", value, ")");
  return CommandLineName(type, v);
}

std::vector<std::string> EnumNames(const EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    const EnumValueDescriptor* v = type->value(i);
    if (v->number() == 0) continue;
    names.push_back(CommandLineName(type, v));
  }
  return names;
}

absl::StatusOr<int> ParseEnum(const EnumDescriptor* type, std::string_view text,
                              std::string_view flag) {
  const std::string squashed = Squashed(text);
  std::string dashed = absl::AsciiStrToLower(ToAbsl(text));
  absl::StrReplaceAll({{"_", "-"}, {" ", "-"}}, &dashed);
  const EnumValueDescriptor* prefix_match = nullptr;
  int prefix_matches = 0;
  for (int i = 0; i < type->value_count(); ++i) {
    const EnumValueDescriptor* v = type->value(i);
    if (v->number() == 0) continue;
    const std::string name = CommandLineName(type, v);
    if (!squashed.empty() && (squashed == Squashed(name) || squashed == Squashed(v->name()))) {
      return v->number();
    }
    if (!dashed.empty() && absl::StartsWith(name, dashed + "-")) {
      prefix_match = v;
      ++prefix_matches;
    }
  }
  if (prefix_matches == 1) return prefix_match->number();
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(flag), ": unknown value \"", ToAbsl(text),
                                                 "\"; one of ",
                                                 absl::StrJoin(EnumNames(type), ", ")));
}

}  // namespace tousu::ctl
