#include "services/gateway/cors.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tousu::gateway {
namespace {

// What browsers may send: the protocols' own headers, the token and the request id.
constexpr char kAllowedHeaders[] =
    "content-type, connect-protocol-version, connect-timeout-ms, authorization, x-request-id, "
    "x-grpc-web, x-user-agent, grpc-timeout";
// What browser code may read: the gRPC-Web status (trailers-only answers) and the request id.
constexpr char kExposedHeaders[] = "grpc-status, grpc-message, x-request-id, retry-after";
constexpr char kMaxAgeSeconds[] = "7200";  // Chromium caps preflight caching at 2 hours

bool IsOrigin(absl::string_view origin) {
  absl::string_view rest = origin;
  if (!absl::ConsumePrefix(&rest, "https://") && !absl::ConsumePrefix(&rest, "http://")) {
    return false;
  }
  if (rest.empty()) return false;
  for (char c : rest) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    c == ':' || c == '[' || c == ']';
    if (!ok) return false;  // upper case, paths, '*' and anything else a browser never sends
  }
  return true;
}

}  // namespace

absl::StatusOr<CorsPolicy> CorsPolicy::Parse(absl::string_view allowed_origins) {
  CorsPolicy policy;
  for (absl::string_view entry : absl::StrSplit(allowed_origins, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    if (!IsOrigin(entry)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "allowed origin \"", entry, "\" must be an exact lower-case scheme://host[:port]"));
    }
    policy.origins_.emplace(entry);
  }
  return policy;
}

CorsPolicy::Decision CorsPolicy::Decide(absl::string_view origin) const {
  if (origin.empty()) return Decision::kNotCrossOrigin;
  return origins_.count(std::string(origin)) > 0 ? Decision::kAllowed : Decision::kRefused;
}

std::map<std::string, std::string> CorsPolicy::ResponseHeaders(absl::string_view origin) const {
  return {{"Access-Control-Allow-Origin", std::string(origin)},
          {"Access-Control-Expose-Headers", kExposedHeaders},
          {"Vary", "Origin"}};
}

std::map<std::string, std::string> CorsPolicy::PreflightHeaders(absl::string_view origin) const {
  return {{"Access-Control-Allow-Origin", std::string(origin)},
          {"Access-Control-Allow-Methods", "POST, OPTIONS"},
          {"Access-Control-Allow-Headers", kAllowedHeaders},
          {"Access-Control-Max-Age", kMaxAgeSeconds},
          {"Vary", "Origin"}};
}

}  // namespace tousu::gateway
