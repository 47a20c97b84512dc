#pragma once
// Authentication and the per-service access tables, enforced for every call.
//
// A service lists, for each of its RPCs, the roles that may call it (services/<svc>/access.cc);
// an RPC missing from the table cannot be called by anyone once authentication is on, and the
// runtime refuses to start when one of its services' RPCs is missing (so a new RPC cannot
// ship open). The server interceptor reads "authorization: Bearer <JWT>", verifies it and
// checks the table with the method it sees; server::RunUnary then finishes a refused call with
// that status before any work, or runs the work with the caller current (caller.h).
//
// gRPC 1.51's C++ server interceptors cannot finish a call themselves, hence this split: the
// interceptor decides, the handler entry point (RunUnary, the only way handlers run) enforces.
// The health service is public (orchestrators probe it without tokens); reflection is public too
// (it describes the API, whose .proto files are published to frontends anyway) and serves no data.

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "common/auth/token_verifier.h"
#include "common/metrics/metrics.h"

namespace tousu::auth {

// The table entry of an RPC anyone may call (customers signing in have no token yet): a call
// without a token runs as AnonymousCaller(); a token that is sent must still verify, and then any
// role may call.
inline constexpr char kAnonymous[] = "anonymous";

class AccessTable {
 public:
  // `service` is the fully qualified gRPC service ("complaints.intake.v1.IntakeService"),
  // `method` its RPC ("SubmitComplaint").
  AccessTable& Allow(const std::string& service, const std::string& method,
                     std::vector<std::string> roles);
  // Lists `method` as callable by anyone, with or without a token (kAnonymous).
  AccessTable& AllowAnonymous(const std::string& service, const std::string& method);
  // Adds every entry of `other`.
  AccessTable& Merge(const AccessTable& other);

  // OK when `caller` may call "/package.Service/Method"; PERMISSION_DENIED naming the method
  // otherwise (also for a method the table does not list).
  absl::Status Check(const std::string& method_path, const Caller& caller) const;
  bool Lists(const std::string& method_path) const { return roles_.count(method_path) > 0; }
  // Whether anyone may call `method_path` (AllowAnonymous).
  bool IsAnonymous(const std::string& method_path) const;
  // Methods of `service` (from the generated descriptor pool) the table does not list.
  std::vector<std::string> Unlisted(const std::string& service) const;
  // The roles that may call `method_path` (empty when unlisted).
  std::set<std::string> RolesFor(const std::string& method_path) const;

 private:
  std::map<std::string, std::set<std::string>> roles_;  // "/pkg.Svc/Method" -> roles
};

// Every staff role (caller.h), for RPCs any member of staff may call.
std::vector<std::string> StaffRoles();
// StaffRoles() and role::kService.
std::vector<std::string> StaffAndServiceRoles();

// The tables' shared entries: EventSink (services only) and the audit trail (supervisors,
// managers).
AccessTable CommonAccessTable();

// Whether "/package.Service/Method" is callable without a token by every server (health,
// reflection). A service's own token-less RPCs are AccessTable::AllowAnonymous entries instead.
bool IsPublicMethod(const std::string& method_path);

// Who calls an anonymous RPC without a token: a customer of no account, role kAnonymous, so that
// every ownership rule answers "not yours" (never the Unrestricted caller of authentication off).
Caller AnonymousCaller();

// Turns authentication on for calls of this process's servers (set once at start-up).
void RequireAuthentication(bool required);
bool AuthenticationRequired();

// The verified caller of the call `ctx`, or the status to finish it with (UNAUTHENTICATED,
// PERMISSION_DENIED). Unrestricted when authentication is off.
absl::StatusOr<Caller> CallerOf(const grpc::ServerContextBase* ctx);

// The interceptor factory a server installs when authentication is on.
class AuthInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  AuthInterceptorFactory(std::shared_ptr<TokenVerifier> verifier, AccessTable table,
                         prometheus::Registry& registry);
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // The decision for one call (exposed for tests): its method and "authorization" value.
  absl::StatusOr<Caller> Decide(const std::string& method_path, std::string_view authorization);

 private:
  std::shared_ptr<TokenVerifier> verifier_;
  const AccessTable table_;
  metrics::CachedCounter decisions_;
  // Resolved once: every call counts one, and looking a series up by its labels takes a lock.
  prometheus::Counter& allowed_;
  prometheus::Counter& unauthenticated_;
  prometheus::Counter& permission_denied_;
  prometheus::Counter& public_;
};

}  // namespace tousu::auth
