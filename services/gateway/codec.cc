#include "services/gateway/codec.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace tousu::gateway {
namespace {

std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor& type) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  if (prototype == nullptr) return nullptr;
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

}  // namespace

absl::StatusOr<std::string> RequestBytes(Protocol protocol,
                                         const google::protobuf::Descriptor& input,
                                         absl::string_view body) {
  switch (protocol) {
    case Protocol::kConnectProto:
      return std::string(body);
    case Protocol::kGrpcWeb:
      return DecodeUnaryRequestFrame(body);
    case Protocol::kGrpcWebText: {
      auto bytes = DecodeGrpcWebText(body);
      if (!bytes.ok()) return bytes.status();
      return DecodeUnaryRequestFrame(*bytes);
    }
    case Protocol::kConnectJson:
      break;
  }
  auto message = NewMessage(input);
  if (message == nullptr) return absl::InternalError("no message type for the request");
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // a misspelt field is the client's error, said at once
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), message.get(), options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request body: ", std::string(parsed.message().data(), parsed.message().size())));
  }
  std::string bytes;
  if (!message->SerializeToString(&bytes)) {
    return absl::InvalidArgumentError("request body: cannot be encoded");
  }
  return bytes;
}

absl::StatusOr<EncodedBody> ResponseBody(Protocol protocol,
                                         const google::protobuf::Descriptor& output,
                                         absl::string_view bytes) {
  EncodedBody out;
  out.content_type = ResponseContentType(protocol);
  switch (protocol) {
    case Protocol::kConnectProto:
      out.body = std::string(bytes);
      return out;
    case Protocol::kGrpcWeb:
      out.body = EncodeGrpcWebResponse(grpc::Status::OK, bytes);
      return out;
    case Protocol::kGrpcWebText:
      out.body = EncodeGrpcWebText(EncodeGrpcWebResponse(grpc::Status::OK, bytes));
      return out;
    case Protocol::kConnectJson:
      break;
  }
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&output);
  // The answer is short-lived: an arena with a first block on the stack spares most mallocs.
  alignas(8) char first_block[4096];
  google::protobuf::ArenaOptions arena_options;
  arena_options.initial_block = first_block;
  arena_options.initial_block_size = sizeof(first_block);
  google::protobuf::Arena arena(arena_options);
  google::protobuf::Message* message = prototype == nullptr ? nullptr : prototype->New(&arena);
  if (message == nullptr ||
      !message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError("the upstream's answer does not parse as its response type");
  }
  const auto printed = google::protobuf::util::MessageToJsonString(*message, &out.body);
  if (!printed.ok()) return absl::InternalError("the upstream's answer cannot be printed as JSON");
  return out;
}

EncodedBody ErrorBody(Protocol protocol, grpc::StatusCode code, absl::string_view message,
                      int connect_http_status) {
  EncodedBody out;
  out.content_type = ResponseContentType(protocol);
  switch (protocol) {
    case Protocol::kConnectJson:
    case Protocol::kConnectProto:
      // Connect errors are JSON whatever the request's codec.
      out.http_status = connect_http_status != 0 ? connect_http_status : ConnectHttpStatus(code);
      out.content_type = "application/json";
      out.body = ConnectErrorJson(code, message);
      return out;
    case Protocol::kGrpcWeb:
      out.body = EncodeTrailers(code, message);
      return out;
    case Protocol::kGrpcWebText:
      out.body = EncodeGrpcWebText(EncodeTrailers(code, message));
      return out;
  }
  return out;
}

}  // namespace tousu::gateway
