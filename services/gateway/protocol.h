#pragma once
// The two browser-friendly protocols the edge speaks, as pure functions (no sockets, no gRPC
// calls), so the unit tests pin them down:
//   - Connect unary (connectrpc.com/docs/protocol): POST /<package>.<Service>/<Method> with a
//     JSON or binary body; errors are {"code":"invalid_argument","message":"..."} with an HTTP
//     status per code.
//   - gRPC-Web (github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md): 5-byte length-prefixed
//     frames, the status in a trailers frame (flag 0x80) at the end of the body, HTTP 200; the
//     "-text" variant is the same bytes in base64.

#include <grpcpp/support/status.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tousu::gateway {

enum class Protocol { kConnectJson, kConnectProto, kGrpcWeb, kGrpcWebText };
// "connect_json", "connect_proto", "grpc_web", "grpc_web_text": the metrics' protocol label.
const char* ProtocolLabel(Protocol p);
// The protocol a request's Content-Type names (parameters such as "; charset=utf-8" ignored), or
// nullopt for anything else (answered 415).
std::optional<Protocol> ProtocolFromContentType(absl::string_view content_type);
// The Content-Type of a successful response in `p`.
const char* ResponseContentType(Protocol p);
inline bool IsGrpcWeb(Protocol p) { return p == Protocol::kGrpcWeb || p == Protocol::kGrpcWebText; }

// Connect's name of a gRPC code: "invalid_argument", "unauthenticated", ...; "ok" for OK.
const char* ConnectCodeName(grpc::StatusCode code);
// The HTTP status Connect answers an error with (canceled 499, unknown 500, invalid_argument 400,
// deadline_exceeded 504, not_found 404, already_exists 409, permission_denied 403,
// resource_exhausted 429, failed_precondition 400, aborted 409, out_of_range 400,
// unimplemented 501, internal 500, unavailable 503, data_loss 500, unauthenticated 401).
int ConnectHttpStatus(grpc::StatusCode code);
// The code a Connect name stands for (the inverse of ConnectCodeName), or nullopt.
std::optional<grpc::StatusCode> CodeFromConnectName(absl::string_view name);
// {"code":"...","message":"..."} (message omitted when empty), valid JSON whatever the text.
std::string ConnectErrorJson(grpc::StatusCode code, absl::string_view message);

// What a client may read of an upstream status: INTERNAL, UNKNOWN and DATA_LOSS messages (and
// UNAVAILABLE ones, which gRPC fills with addresses when it cannot connect) become a fixed text;
// every other message was written for clients and is kept.
std::string ClientFacingMessage(grpc::StatusCode code, absl::string_view message);

// The connect-timeout-ms header: 1 to 10 ASCII digits, in milliseconds (0 is allowed and means
// already expired). InvalidArgument naming the header otherwise.
absl::StatusOr<absl::Duration> ParseConnectTimeoutMs(absl::string_view value);
// The grpc-timeout header: 1 to 8 ASCII digits and a unit (H, M, S, m, u, n).
absl::StatusOr<absl::Duration> ParseGrpcTimeout(absl::string_view value);
// The deadline a forwarded call gets: what the client asked for (nullopt: `default_timeout`),
// never more than `max_timeout`.
absl::Duration EffectiveTimeout(std::optional<absl::Duration> requested,
                                absl::Duration default_timeout, absl::Duration max_timeout);

// --- gRPC-Web framing ---
inline constexpr unsigned char kDataFrame = 0x00;
inline constexpr unsigned char kCompressedFlag = 0x01;
inline constexpr unsigned char kTrailersFrame = 0x80;
// One frame: flag byte, 4-byte big-endian length, payload.
std::string EncodeFrame(unsigned char flag, absl::string_view payload);
// The trailers frame: "grpc-status:<n>\r\ngrpc-message:<percent-encoded>\r\n".
std::string EncodeTrailers(grpc::StatusCode code, absl::string_view message);
// A whole unary response body: the message frame (on OK) and the trailers frame.
std::string EncodeGrpcWebResponse(const grpc::Status& status, absl::string_view message);
// The message of a unary request body: exactly one uncompressed data frame, nothing after it.
// InvalidArgument describing what is wrong (truncated frame, trailing bytes, ...), Unimplemented
// for a compressed frame.
absl::StatusOr<std::string> DecodeUnaryRequestFrame(absl::string_view body);
// A decoded response body, for clients (tests): the message (if any) and the trailers' status.
struct GrpcWebResponse {
  std::optional<std::string> message;
  int status = -1;
  std::string status_message;  // percent-decoded
};
absl::StatusOr<GrpcWebResponse> DecodeGrpcWebResponse(absl::string_view body);

// grpc-message's percent-encoding (bytes outside printable ASCII, and '%', as %XX) and back.
std::string PercentEncode(absl::string_view s);
std::string PercentDecode(absl::string_view s);

// grpc-web-text bodies: standard base64; a client may send several padded chunks one after the
// other ("AAA=AAA="), so decoding goes chunk by chunk. InvalidArgument for anything else.
absl::StatusOr<std::string> DecodeGrpcWebText(absl::string_view text);
std::string EncodeGrpcWebText(absl::string_view bytes);

}  // namespace tousu::gateway
