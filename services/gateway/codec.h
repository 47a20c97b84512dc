#pragma once
// Bodies in and out: what a client sent, in its protocol, to the protobuf bytes gRPC forwards;
// the upstream's bytes (or status) back to the client's protocol. Pure: no sockets, no calls.

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/gateway/protocol.h"

namespace tousu::gateway {

// The request message's bytes. Connect JSON is parsed with protobuf's canonical JSON mapping into
// `input` (InvalidArgument "request body: <the parser's words, naming the field>"); Connect proto
// passes through; gRPC-Web takes the one frame out (after base64 for the text variant).
absl::StatusOr<std::string> RequestBytes(Protocol protocol,
                                         const google::protobuf::Descriptor& input,
                                         absl::string_view body);

struct EncodedBody {
  int http_status = 200;
  std::string content_type;
  std::string body;
};
// A successful answer: Connect JSON through the canonical mapping of `output` (INTERNAL if the
// bytes do not parse), Connect proto as is, gRPC-Web as a data frame and an OK trailers frame.
absl::StatusOr<EncodedBody> ResponseBody(Protocol protocol,
                                         const google::protobuf::Descriptor& output,
                                         absl::string_view bytes);
// An error answer: Connect error JSON with its HTTP status (`connect_http_status` overrides the
// table, e.g. 413 for an oversize body), or a gRPC-Web trailers-only body with HTTP 200.
EncodedBody ErrorBody(Protocol protocol, grpc::StatusCode code, absl::string_view message,
                      int connect_http_status = 0);

}  // namespace tousu::gateway
