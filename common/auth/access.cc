#include "common/auth/access.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace tousu::auth {
namespace {

std::atomic<bool> authentication_required{false};

// Decisions by call, written by the interceptor and read by the handler's entry point. Sharded:
// every call of every service passes through here.
class DecisionRegistry {
 public:
  void Put(const grpc::ServerContextBase* ctx, absl::StatusOr<Caller> decision) {
    Shard& s = ShardFor(ctx);
    std::lock_guard<std::mutex> lock(s.mu);
    s.decisions.insert_or_assign(ctx, std::move(decision));
  }
  void Erase(const grpc::ServerContextBase* ctx) {
    Shard& s = ShardFor(ctx);
    std::lock_guard<std::mutex> lock(s.mu);
    s.decisions.erase(ctx);
  }
  std::optional<absl::StatusOr<Caller>> Get(const grpc::ServerContextBase* ctx) {
    Shard& s = ShardFor(ctx);
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.decisions.find(ctx);
    if (it == s.decisions.end()) return std::nullopt;
    return it->second;
  }

 private:
  struct Shard {
    std::mutex mu;
    std::unordered_map<const grpc::ServerContextBase*, absl::StatusOr<Caller>> decisions;
  };
  Shard& ShardFor(const grpc::ServerContextBase* ctx) {
    return shards_[(reinterpret_cast<uintptr_t>(ctx) >> 6) % shards_.size()];
  }
  std::array<Shard, 16> shards_;
};

DecisionRegistry& Registry() {
  static auto* registry = new DecisionRegistry();
  return *registry;
}

class AuthInterceptor final : public grpc::experimental::Interceptor {
 public:
  AuthInterceptor(AuthInterceptorFactory* factory, grpc::experimental::ServerRpcInfo* info)
      : factory_(factory), info_(info) {}
  ~AuthInterceptor() override { Registry().Erase(info_->server_context()); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      std::string_view authorization;
      if (auto* md = methods->GetRecvInitialMetadata(); md != nullptr) {
        auto it = md->find("authorization");
        if (it != md->end()) authorization = std::string_view(it->second.data(), it->second.size());
      }
      Registry().Put(info_->server_context(), factory_->Decide(info_->method(), authorization));
    }
    methods->Proceed();
  }

 private:
  AuthInterceptorFactory* factory_;
  grpc::experimental::ServerRpcInfo* info_;
};

}  // namespace

AccessTable& AccessTable::Allow(const std::string& service, const std::string& method,
                                std::vector<std::string> roles) {
  auto& entry = roles_[absl::StrCat("/", service, "/", method)];
  entry.insert(roles.begin(), roles.end());
  return *this;
}

AccessTable& AccessTable::AllowAnonymous(const std::string& service, const std::string& method) {
  return Allow(service, method, {kAnonymous});
}

AccessTable& AccessTable::Merge(const AccessTable& other) {
  for (const auto& [method, roles] : other.roles_)
    roles_[method].insert(roles.begin(), roles.end());
  return *this;
}

absl::Status AccessTable::Check(const std::string& method_path, const Caller& caller) const {
  if (caller.unrestricted()) return absl::OkStatus();
  auto it = roles_.find(method_path);
  if (it != roles_.end() && (it->second.count(caller.role) > 0 || it->second.count(kAnonymous) > 0))
    return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("authorization: role ", caller.role, " may not call ", method_path));
}

bool AccessTable::IsAnonymous(const std::string& method_path) const {
  auto it = roles_.find(method_path);
  return it != roles_.end() && it->second.count(kAnonymous) > 0;
}

std::vector<std::string> AccessTable::Unlisted(const std::string& service) const {
  std::vector<std::string> missing;
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  if (descriptor == nullptr) return {absl::StrCat("/", service, "/*")};
  for (int i = 0; i < descriptor->method_count(); ++i) {
    std::string path = absl::StrCat("/", service, "/", descriptor->method(i)->name());
    if (!Lists(path)) missing.push_back(std::move(path));
  }
  return missing;
}

std::set<std::string> AccessTable::RolesFor(const std::string& method_path) const {
  auto it = roles_.find(method_path);
  return it == roles_.end() ? std::set<std::string>{} : it->second;
}

std::vector<std::string> StaffRoles() {
  return {role::kHotlineAgent, role::kReception,  role::kCoordinator, role::kHandler,
          role::kEngineer,     role::kSupervisor, role::kTracker,     role::kCallbackAgent,
          role::kAnalyst,      role::kManager,    role::kHr};
}

std::vector<std::string> StaffAndServiceRoles() {
  std::vector<std::string> roles = StaffRoles();
  roles.emplace_back(role::kService);
  return roles;
}

AccessTable CommonAccessTable() {
  AccessTable table;
  table.Allow("complaints.common.v1.EventSink", "DeliverEvent", {role::kService});
  table.Allow("complaints.common.v1.AuditTrail", "GetAuditTrail",
              {role::kSupervisor, role::kManager});
  return table;
}

bool IsPublicMethod(const std::string& method_path) {
  return absl::StartsWith(method_path, "/grpc.health.v1.Health/") ||
         absl::StartsWith(method_path, "/grpc.reflection.v1alpha.ServerReflection/");
}

Caller AnonymousCaller() {
  Caller caller;
  caller.kind = Caller::Kind::kCustomer;
  caller.role = kAnonymous;
  return caller;
}

void RequireAuthentication(bool required) { authentication_required = required; }
bool AuthenticationRequired() { return authentication_required; }

absl::StatusOr<Caller> CallerOf(const grpc::ServerContextBase* ctx) {
  if (!authentication_required) return Caller::Unrestricted();
  if (auto decision = Registry().Get(ctx)) return *decision;
  // Authentication is on but no decision was made for this call: refuse rather than guess.
  return absl::UnauthenticatedError("authorization: call not authenticated");
}

AuthInterceptorFactory::AuthInterceptorFactory(std::shared_ptr<TokenVerifier> verifier,
                                               AccessTable table, prometheus::Registry& registry)
    : verifier_(std::move(verifier)),
      table_(std::move(table)),
      decisions_(registry, "tousu_auth_decisions_total",
                 "Calls by authentication and authorisation outcome (allowed, unauthenticated, "
                 "permission_denied, public).",
                 {"outcome"}),
      allowed_(decisions_.With({"allowed"})),
      unauthenticated_(decisions_.With({"unauthenticated"})),
      permission_denied_(decisions_.With({"permission_denied"})),
      public_(decisions_.With({"public"})) {}

grpc::experimental::Interceptor* AuthInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AuthInterceptor(this, info);
}

absl::StatusOr<Caller> AuthInterceptorFactory::Decide(const std::string& method_path,
                                                      std::string_view authorization) {
  if (IsPublicMethod(method_path)) {
    public_.Increment();
    return Caller::Unrestricted();
  }
  if (authorization.empty() && table_.IsAnonymous(method_path)) {
    public_.Increment();
    return AnonymousCaller();
  }
  absl::StatusOr<Caller> caller = absl::UnauthenticatedError("authorization: no bearer token");
  constexpr std::string_view kBearer = "bearer ";
  const std::string scheme = absl::AsciiStrToLower(
      std::string(authorization.substr(0, std::min(authorization.size(), kBearer.size()))));
  if (authorization.size() > kBearer.size() && scheme == kBearer) {
    std::string_view token = authorization.substr(kBearer.size());
    while (!token.empty() && absl::ascii_isspace(static_cast<unsigned char>(token.front()))) {
      token.remove_prefix(1);
    }
    while (!token.empty() && absl::ascii_isspace(static_cast<unsigned char>(token.back()))) {
      token.remove_suffix(1);
    }
    caller = verifier_->Verify(token);
  } else if (!authorization.empty()) {
    caller = absl::UnauthenticatedError("authorization: not a bearer token");
  }
  if (!caller.ok()) {
    unauthenticated_.Increment();
    return caller;
  }
  if (absl::Status allowed = table_.Check(method_path, *caller); !allowed.ok()) {
    permission_denied_.Increment();
    return allowed;
  }
  allowed_.Increment();
  return caller;
}

}  // namespace tousu::auth
