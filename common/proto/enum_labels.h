#pragma once
// Labels of the API's enum values, by one rule for every service and tool: the value's name
// without the prefix its type's values share, in lower case (CHANNEL_WALK_IN -> "walk_in",
// CATEGORY_PRODUCT_QUALITY -> "product_quality"), taken from the proto descriptor so a new value
// needs no code. The zero value (<PREFIX>UNSPECIFIED, the API's convention) and a number the type
// does not have get no label: the caller says what stands for them where they show.

#include <google/protobuf/descriptor.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace tousu::proto {

inline std::optional<std::string> EnumValueLabel(const google::protobuf::EnumDescriptor* type,
                                                 int number) {
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByNumber(number);
  const google::protobuf::EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (number == 0 || value == nullptr || zero == nullptr) return std::nullopt;
  const std::string& zero_name = zero->name();  // "CATEGORY_UNSPECIFIED"
  const std::string prefix = zero_name.substr(0, zero_name.rfind("UNSPECIFIED"));
  std::string name = value->name();
  if (absl::StartsWith(name, prefix)) name.erase(0, prefix.size());
  return absl::AsciiStrToLower(name);
}

// Every value of `type` but the zero one, in the order the proto declares them.
inline std::vector<int> LabelledValues(const google::protobuf::EnumDescriptor* type) {
  std::vector<int> numbers;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) numbers.push_back(type->value(i)->number());
  }
  return numbers;
}

}  // namespace tousu::proto
