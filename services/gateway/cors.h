#pragma once
// Cross-origin rules for browser frontends. Only the exact origins configured
// (TOUSU_GATEWAY_ALLOWED_ORIGINS, "https://tousu.example.com,https://m.tousu.example.com") may call
// from a browser; a request from another origin is refused outright (403, no CORS headers), so a
// page elsewhere cannot even learn the answer's status. Requests without Origin (apps, WeChat mini
// programs, servers) are not browser cross-origin calls and pass.

#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tousu::gateway {

class CorsPolicy {
 public:
  CorsPolicy() = default;
  // Comma-separated exact origins ("scheme://host[:port]", no path, no '*'). InvalidArgument
  // naming the entry for anything else.
  static absl::StatusOr<CorsPolicy> Parse(absl::string_view allowed_origins);

  enum class Decision { kNotCrossOrigin, kAllowed, kRefused };
  // `origin` is the request's Origin header ("" when absent).
  Decision Decide(absl::string_view origin) const;

  // Headers for an allowed origin's actual (non-preflight) request.
  std::map<std::string, std::string> ResponseHeaders(absl::string_view origin) const;
  // Headers answering an allowed origin's preflight (OPTIONS).
  std::map<std::string, std::string> PreflightHeaders(absl::string_view origin) const;

  const std::set<std::string>& origins() const { return origins_; }

 private:
  std::set<std::string> origins_;
};

}  // namespace tousu::gateway
