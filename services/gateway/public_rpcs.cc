#include "services/gateway/public_rpcs.h"

#include <google/protobuf/descriptor.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tousu::gateway {

std::optional<std::string> UpstreamEnvFor(absl::string_view service) {
  // complaints.<area>.v1.<Service>
  const std::vector<absl::string_view> parts = absl::StrSplit(service, '.');
  if (parts.size() != 4 || parts[0] != "complaints") return std::nullopt;
  static const auto* const kByArea = new std::map<absl::string_view, std::string>{
      {"intake", "INTAKE"},
      {"routing", "ROUTING"},
      {"casehandling", "CASE_HANDLING"},
      {"followup", "FOLLOW_UP"},
      {"analytics", "ANALYTICS"},
      {"staff", "STAFF_ASSESSMENT"},
      {"identity", "IDENTITY"},
      {"notification", "NOTIFICATION"},
  };
  auto it = kByArea->find(parts[1]);
  if (it == kByArea->end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<PublicRoutes> ParsePublicRpcs(absl::string_view text) {
  PublicRoutes routes;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = line.substr(0, line.find('#'));
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    const auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("public RPCs line ", line_number, ": ", why));
    };
    const std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.size() != 2) return bad("want \"package.Service/Method  token|anonymous\"");
    const std::vector<absl::string_view> name = absl::StrSplit(words[0], '/');
    if (name.size() != 2 || name[0].empty() || name[1].empty()) {
      return bad("the RPC must be written package.Service/Method");
    }
    PublicRoute route;
    route.service = std::string(name[0]);
    route.method = std::string(name[1]);
    if (words[1] == "token") {
      route.access = RouteAccess::kToken;
    } else if (words[1] == "anonymous") {
      route.access = RouteAccess::kAnonymous;
    } else {
      return bad(absl::StrCat("access must be token or anonymous, not \"", words[1], "\""));
    }
    auto env = UpstreamEnvFor(route.service);
    if (!env) return bad(absl::StrCat("no upstream serves ", route.service));
    route.upstream_env = *env;
    const std::string path = route.path();
    if (!routes.emplace(path, std::move(route)).second) {
      return bad(absl::StrCat(words[0], " is listed twice"));
    }
  }
  return routes;
}

absl::Status CheckRoutesExist(const PublicRoutes& routes) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& [path, route] : routes) {
    const auto* service = pool->FindServiceByName(route.service);
    if (service == nullptr || service->FindMethodByName(route.method) == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("public RPC ", route.service, "/", route.method, " does not exist"));
    }
    const auto* method = service->FindMethodByName(route.method);
    if (method->client_streaming() || method->server_streaming()) {
      return absl::InvalidArgumentError(
          absl::StrCat("public RPC ", route.service, "/", route.method, " is streaming"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PublicRoutes> LoadPublicRpcs(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read public RPCs file ", path));
  std::stringstream text;
  text << in.rdbuf();
  auto routes = ParsePublicRpcs(text.str());
  if (!routes.ok()) return routes.status();
  if (auto s = CheckRoutesExist(*routes); !s.ok()) return s;
  return routes;
}

}  // namespace tousu::gateway
