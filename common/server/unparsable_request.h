#pragma once
// A request that cannot be parsed into its message (a `string` field holding invalid UTF-8, or
// bytes that are no such message at all) never reaches a handler: protobuf refuses it while gRPC
// reads it. gRPC 1.51 then answers on its own, UNIMPLEMENTED with no message (callback services)
// or INTERNAL (synchronous ones) — both read as the server's fault in the error-rate metrics and
// alerts, although the caller sent the bad request.
//
// This interceptor answers such a call as the caller's error: INVALID_ARGUMENT
// kUnparsableRequestMessage, or the authentication interceptor's refusal when the caller may not
// make the call at all (an unauthenticated caller learns nothing about how its request would
// have been judged, as with every other refused call).
//
// It must be the server's first interceptor: gRPC runs the status hook in the order the
// interceptors were added, so only the ones after it (the call metrics and the call log) see the
// rewritten status.

#include <grpcpp/support/server_interceptor.h>

namespace tousu::server {

// The whole message callers get: it names the request, not a field (none was read), and says
// nothing about the parser.
inline constexpr char kUnparsableRequestMessage[] =
    "request: not a valid message (text must be UTF-8)";

// Routes protobuf's own log messages, which it writes to stderr as plain text (one for every
// request refused for invalid UTF-8), into the service's JSON log: such a refusal at debug level
// (the call's own line already records it), anything else at protobuf's level. Once per process;
// call at start-up.
void LogProtobufMessagesAsJson();

class UnparsableRequestInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace tousu::server
