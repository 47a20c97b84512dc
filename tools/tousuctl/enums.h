#pragma once
// Command-line names of the API's enums: CATEGORY_PRODUCT_QUALITY is "product-quality".
// Names are derived from the proto descriptors (the value's name without the enum's prefix,
// lower case, '_' as '-'), so a value added to a proto is usable here without a change.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace tousu::ctl {

// "product-quality" for CATEGORY_PRODUCT_QUALITY; "-" for the UNSPECIFIED value (0); a value
// this build does not know (a newer server) is "other(7)", never an error.
std::string EnumName(const google::protobuf::EnumDescriptor* type, int value);

// Every accepted name of a type, UNSPECIFIED excluded, in declaration order.
std::vector<std::string> EnumNames(const google::protobuf::EnumDescriptor* type);

// The value named `text`: the command-line name, case-insensitive, with '-', '_' or nothing
// between words ("walk-in", "WALK_IN", "walkin"), or the full proto name
// ("CATEGORY_PRODUCT_QUALITY"), or the leading words of exactly one name ("property" is the
// property-service stage, "sales" the sales-service category). INVALID_ARGUMENT naming `flag` and
// listing the accepted values otherwise; UNSPECIFIED is never accepted.
absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor* type, std::string_view text,
                              std::string_view flag);

template <typename E>
std::string EnumName(E value) {
  return EnumName(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

template <typename E>
absl::StatusOr<E> ParseEnumAs(std::string_view text, std::string_view flag) {
  auto v = ParseEnum(google::protobuf::GetEnumDescriptor<E>(), text, flag);
  if (!v.ok()) return v.status();
  return static_cast<E>(*v);
}

template <typename E>
std::vector<std::string> EnumNames() {
  return EnumNames(google::protobuf::GetEnumDescriptor<E>());
}

}  // namespace tousu::ctl
