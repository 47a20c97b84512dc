#pragma once
// Which RPCs the edge lets through (deploy/gateway/public-rpcs.txt) and where each goes.
//
// The file lists one RPC a line, "package.Service/Method  token|anonymous", '#' starting a
// comment: "token" RPCs need a verified customer or staff token before the call leaves the edge;
// "anonymous" ones go without (a token that is present is still verified). Anything not listed
// (EventSink, AuditTrail, staff and HR administration, health, reflection) does not exist as far
// as the outside can tell.

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tousu::gateway {

enum class RouteAccess { kToken, kAnonymous };

struct PublicRoute {
  std::string service;  // "complaints.intake.v1.IntakeService"
  std::string method;   // "SubmitComplaint"
  RouteAccess access = RouteAccess::kToken;
  std::string upstream_env;  // "INTAKE": the address comes from TOUSU_GATEWAY_INTAKE_ADDR
  std::string path() const { return "/" + service + "/" + method; }
};

// "/package.Service/Method" -> route.
using PublicRoutes = std::map<std::string, PublicRoute>;

// Parses the file's text. InvalidArgument naming the line for a malformed line, an unknown access
// word, a repeated RPC or a package with no upstream (UpstreamEnvFor). Does not look the RPCs up.
absl::StatusOr<PublicRoutes> ParsePublicRpcs(absl::string_view text);
// Every route's RPC exists in the generated descriptor pool, or NotFound naming the first that
// does not (a typo would otherwise be a 404 nobody notices until a customer does).
absl::Status CheckRoutesExist(const PublicRoutes& routes);
// Reads and parses `path`, then CheckRoutesExist.
absl::StatusOr<PublicRoutes> LoadPublicRpcs(const std::string& path);

// The upstream's configuration name for a service's package ("complaints.intake.v1" -> "INTAKE"):
// intake INTAKE, routing ROUTING, casehandling CASE_HANDLING, followup FOLLOW_UP, analytics
// ANALYTICS, staff STAFF_ASSESSMENT, identity IDENTITY. nullopt for anything else.
std::optional<std::string> UpstreamEnvFor(absl::string_view service);

}  // namespace tousu::gateway
