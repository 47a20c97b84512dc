#include "tools/tousuctl/json.h"

#include "google/protobuf/util/json_util.h"

namespace tousu::ctl {

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string out;
  if (auto s = google::protobuf::util::MessageToJsonString(message, &out, options); !s.ok()) {
    return absl::InternalError(std::string(s.message().data(), s.message().size()));
  }
  return out;  // the printer ends indented output with a newline
}

}  // namespace tousu::ctl
