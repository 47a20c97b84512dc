#pragma once
// `tousuctl --json`: a response printed as protobuf's own proto3 JSON mapping, indented:
// lowerCamelCase field names, enums by their proto name ("CATEGORY_PRODUCT_QUALITY"), timestamps
// in RFC 3339 UTC, 64-bit integers as strings, unset sub-messages left out. Scalar, enum and
// repeated fields are printed even at their default values ("replayed": false,
// "assistingDepartmentIds": []), so a script never has to guess a missing key. Text is UTF-8;
// control characters (and '<', '>') are written as \u escapes.

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace tousu::ctl {

// The message as an indented JSON object, ending with a newline.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

}  // namespace tousu::ctl
