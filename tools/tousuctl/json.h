#pragma once
// `tousuctl --json`: a response printed as JSON.
//
// The layout is the proto3 JSON mapping, as google::protobuf::util::MessageToJsonString writes
// it: lowerCamelCase field names, enums by their proto name ("CATEGORY_PRODUCT_QUALITY"),
// timestamps in RFC 3339 UTC, 64-bit integers as strings, unset sub-messages left out. Two
// differences make it readable by people and easy for scripts:
// - `bytes` fields, which carry user text in this API (names, projects, descriptions, reasons),
//   are printed as JSON strings of that text, not base64 (a byte sequence that is not valid UTF-8,
//   which the services never return, is shown as U+FFFD);
// - scalar, enum and repeated fields are printed even at their default values ("replayed":
//   false, "assistingDepartmentIds": []), so a script never has to guess a missing key.
// Non-ASCII text is written as UTF-8, not \u escapes; control characters are escaped.

#include <string>
#include <string_view>

#include "google/protobuf/message.h"

namespace tousu::ctl {

// The message as an indented JSON object, ending with a newline.
std::string ToJson(const google::protobuf::Message& message);

// `s` as a JSON string literal, quotes included (invalid UTF-8 becomes U+FFFD).
std::string JsonQuote(std::string_view s);

}  // namespace tousu::ctl
