#include "services/gateway/protocol.h"

#include <array>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log/log.h"

namespace tousu::gateway {
namespace {

struct CodeRow {
  grpc::StatusCode code;
  const char* connect_name;
  int http_status;
};

// Connect's table (connect-go's codeToHTTP), indexed by the gRPC code number.
constexpr std::array<CodeRow, 17> kCodes = {{
    {grpc::StatusCode::OK, "ok", 200},
    {grpc::StatusCode::CANCELLED, "canceled", 499},
    {grpc::StatusCode::UNKNOWN, "unknown", 500},
    {grpc::StatusCode::INVALID_ARGUMENT, "invalid_argument", 400},
    {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline_exceeded", 504},
    {grpc::StatusCode::NOT_FOUND, "not_found", 404},
    {grpc::StatusCode::ALREADY_EXISTS, "already_exists", 409},
    {grpc::StatusCode::PERMISSION_DENIED, "permission_denied", 403},
    {grpc::StatusCode::RESOURCE_EXHAUSTED, "resource_exhausted", 429},
    {grpc::StatusCode::FAILED_PRECONDITION, "failed_precondition", 400},
    {grpc::StatusCode::ABORTED, "aborted", 409},
    {grpc::StatusCode::OUT_OF_RANGE, "out_of_range", 400},
    {grpc::StatusCode::UNIMPLEMENTED, "unimplemented", 501},
    {grpc::StatusCode::INTERNAL, "internal", 500},
    {grpc::StatusCode::UNAVAILABLE, "unavailable", 503},
    {grpc::StatusCode::DATA_LOSS, "data_loss", 500},
    {grpc::StatusCode::UNAUTHENTICATED, "unauthenticated", 401},
}};

const CodeRow& RowOf(grpc::StatusCode code) {
  const int n = static_cast<int>(code);
  if (n < 0 || n >= static_cast<int>(kCodes.size())) return kCodes[2];  // unknown
  return kCodes[n];
}

// The media type without parameters, lower case.
std::string MediaType(absl::string_view content_type) {
  absl::string_view type = content_type.substr(0, content_type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(type));
}

uint32_t ReadBigEndian32(absl::string_view bytes) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(bytes[0])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[3]));
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

bool IsBase64Char(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
}

}  // namespace

const char* ProtocolLabel(Protocol p) {
  switch (p) {
    case Protocol::kConnectJson:
      return "connect_json";
    case Protocol::kConnectProto:
      return "connect_proto";
    case Protocol::kGrpcWeb:
      return "grpc_web";
    case Protocol::kGrpcWebText:
      return "grpc_web_text";
  }
  return "unknown";
}

std::optional<Protocol> ProtocolFromContentType(absl::string_view content_type) {
  const std::string type = MediaType(content_type);
  if (type == "application/json") return Protocol::kConnectJson;
  if (type == "application/proto") return Protocol::kConnectProto;
  if (type == "application/grpc-web" || type == "application/grpc-web+proto")
    return Protocol::kGrpcWeb;
  if (type == "application/grpc-web-text" || type == "application/grpc-web-text+proto")
    return Protocol::kGrpcWebText;
  return std::nullopt;
}

const char* ResponseContentType(Protocol p) {
  switch (p) {
    case Protocol::kConnectJson:
      return "application/json";
    case Protocol::kConnectProto:
      return "application/proto";
    case Protocol::kGrpcWeb:
      return "application/grpc-web+proto";
    case Protocol::kGrpcWebText:
      return "application/grpc-web-text+proto";
  }
  return "application/octet-stream";
}

const char* ConnectCodeName(grpc::StatusCode code) { return RowOf(code).connect_name; }

int ConnectHttpStatus(grpc::StatusCode code) { return RowOf(code).http_status; }

std::optional<grpc::StatusCode> CodeFromConnectName(absl::string_view name) {
  for (const auto& row : kCodes) {
    if (name == row.connect_name) return row.code;
  }
  return std::nullopt;
}

std::string ConnectErrorJson(grpc::StatusCode code, absl::string_view message) {
  std::string out = absl::StrCat(R"({"code":")", ConnectCodeName(code), "\"");
  if (!message.empty())
    absl::StrAppend(&out, R"(,"message":")",
                    log::JsonEscape(std::string_view(message.data(), message.size())), "\"");
  out += "}";
  return out;
}

std::string ClientFacingMessage(grpc::StatusCode code, absl::string_view message) {
  switch (code) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      return "internal error";
    case grpc::StatusCode::UNAVAILABLE:
      return "service unavailable; try again later";
    default:
      return std::string(message);
  }
}

absl::StatusOr<absl::Duration> ParseConnectTimeoutMs(absl::string_view value) {
  int64_t ms = 0;
  if (value.size() > 10 || !AllDigits(value) || !absl::SimpleAtoi(value, &ms)) {
    return absl::InvalidArgumentError("connect-timeout-ms: must be 1 to 10 digits (milliseconds)");
  }
  return absl::Milliseconds(ms);
}

absl::StatusOr<absl::Duration> ParseGrpcTimeout(absl::string_view value) {
  const auto invalid = [] {
    return absl::InvalidArgumentError("grpc-timeout: must be 1 to 8 digits and a unit (HMSmun)");
  };
  if (value.size() < 2 || value.size() > 9) return invalid();
  const absl::string_view digits = value.substr(0, value.size() - 1);
  int64_t n = 0;
  if (!AllDigits(digits) || !absl::SimpleAtoi(digits, &n)) return invalid();
  switch (value.back()) {
    case 'H':
      return absl::Hours(n);
    case 'M':
      return absl::Minutes(n);
    case 'S':
      return absl::Seconds(n);
    case 'm':
      return absl::Milliseconds(n);
    case 'u':
      return absl::Microseconds(n);
    case 'n':
      return absl::Nanoseconds(n);
    default:
      return invalid();
  }
}

absl::Duration EffectiveTimeout(std::optional<absl::Duration> requested,
                                absl::Duration default_timeout, absl::Duration max_timeout) {
  const absl::Duration wanted = requested.value_or(default_timeout);
  return std::min(wanted, max_timeout);
}

std::string EncodeFrame(unsigned char flag, absl::string_view payload) {
  std::string out;
  out.reserve(5 + payload.size());
  const auto n = static_cast<uint32_t>(payload.size());
  out.push_back(static_cast<char>(flag));
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(payload.data(), payload.size());
  return out;
}

std::string EncodeTrailers(grpc::StatusCode code, absl::string_view message) {
  return EncodeFrame(kTrailersFrame,
                     absl::StrCat("grpc-status:", static_cast<int>(code),
                                  "\r\ngrpc-message:", PercentEncode(message), "\r\n"));
}

std::string EncodeGrpcWebResponse(const grpc::Status& status, absl::string_view message) {
  std::string out;
  if (status.ok()) out = EncodeFrame(kDataFrame, message);
  out += EncodeTrailers(status.error_code(), status.error_message());
  return out;
}

absl::StatusOr<std::string> DecodeUnaryRequestFrame(absl::string_view body) {
  if (body.size() < 5) return absl::InvalidArgumentError("grpc-web: body shorter than one frame");
  const auto flag = static_cast<unsigned char>(body[0]);
  if (flag & kTrailersFrame) return absl::InvalidArgumentError("grpc-web: trailers in a request");
  if (flag & kCompressedFlag) {
    return absl::UnimplementedError("grpc-web: compressed frames are not supported");
  }
  if (flag != kDataFrame) return absl::InvalidArgumentError("grpc-web: unknown frame flag");
  const uint32_t length = ReadBigEndian32(body.substr(1, 4));
  if (body.size() - 5 < length) return absl::InvalidArgumentError("grpc-web: truncated frame");
  if (body.size() - 5 > length) {
    return absl::InvalidArgumentError("grpc-web: a unary call carries exactly one message");
  }
  return std::string(body.substr(5));
}

absl::StatusOr<GrpcWebResponse> DecodeGrpcWebResponse(absl::string_view body) {
  GrpcWebResponse out;
  while (!body.empty()) {
    if (body.size() < 5) return absl::InvalidArgumentError("truncated frame header");
    const auto flag = static_cast<unsigned char>(body[0]);
    const uint32_t length = ReadBigEndian32(body.substr(1, 4));
    if (body.size() - 5 < length) return absl::InvalidArgumentError("truncated frame");
    const absl::string_view payload = body.substr(5, length);
    body.remove_prefix(5 + length);
    if (flag == kDataFrame) {
      if (out.message) return absl::InvalidArgumentError("more than one message");
      out.message = std::string(payload);
      continue;
    }
    if (flag != kTrailersFrame) return absl::InvalidArgumentError("unknown frame flag");
    // "name:value\r\n" lines; names are lower case.
    absl::string_view rest = payload;
    while (!rest.empty()) {
      const size_t end = rest.find("\r\n");
      absl::string_view line = rest.substr(0, end);
      rest = end == absl::string_view::npos ? absl::string_view() : rest.substr(end + 2);
      const size_t colon = line.find(':');
      if (colon == absl::string_view::npos) continue;
      const std::string name = absl::AsciiStrToLower(line.substr(0, colon));
      const absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
      if (name == "grpc-status" && !absl::SimpleAtoi(value, &out.status)) {
        return absl::InvalidArgumentError("grpc-status is not a number");
      }
      if (name == "grpc-message") out.status_message = PercentDecode(value);
    }
    if (!body.empty()) return absl::InvalidArgumentError("bytes after the trailers");
  }
  if (out.status < 0) return absl::InvalidArgumentError("no grpc-status trailer");
  return out;
}

std::string PercentEncode(absl::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c <= 0x7e && c != '%') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string PercentDecode(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() &&
        absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

absl::StatusOr<std::string> DecodeGrpcWebText(absl::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    // A chunk runs to the end of its padding (or of the text).
    size_t end = i;
    while (end < text.size() && text[end] != '=') {
      if (!IsBase64Char(text[end])) return absl::InvalidArgumentError("grpc-web-text: not base64");
      ++end;
    }
    while (end < text.size() && text[end] == '=') ++end;
    const absl::string_view chunk = text.substr(i, end - i);
    const bool padded = chunk.back() == '=';
    if ((padded && chunk.size() % 4 != 0) || chunk.size() % 4 == 1) {
      return absl::InvalidArgumentError("grpc-web-text: not base64");
    }
    std::string decoded;
    if (!absl::Base64Unescape(chunk, &decoded)) {
      return absl::InvalidArgumentError("grpc-web-text: not base64");
    }
    out += decoded;
    i = end;
  }
  return out;
}

std::string EncodeGrpcWebText(absl::string_view bytes) { return absl::Base64Escape(bytes); }

}  // namespace tousu::gateway
