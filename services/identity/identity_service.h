#pragma once
// The identity service: gRPC mapping of the four sign-in RPCs (identity_service.cc) and the
// retention pass. Rules live in domain/, SQL in repository/; codes leave through an SmsSender.

#include <memory>
#include <string>
#include <vector>

#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/identity/v1/identity.grpc.pb.h"
#include "services/identity/domain/sign_in_rules.h"
#include "services/identity/settings.h"
#include "services/identity/sms_sender.h"

namespace tousu::db {
// Generated from services/identity/migrations by tousu_embed_migrations.
const std::vector<MigrationFile>& identity_migrations();
}  // namespace tousu::db

namespace tousu::identity {

namespace idv1 = ::complaints::identity::v1;

inline constexpr char kGrpcServiceName[] = "complaints.identity.v1.CustomerIdentityService";
// gRPC metadata the gateway sets to the customer's network address (and strips from outside).
inline constexpr char kClientAddressHeader[] = "x-tousu-client-address";

// The address per-address limits count by: the gateway's header when it holds a plausible
// address (1-128 printable ASCII characters), else the peer without its port
// ("ipv4:10.0.0.7:51234" -> "ipv4:10.0.0.7").
std::string ClientAddress(const std::string* header, const std::string& peer);

// What one retention pass deleted.
struct RetentionPass {
  int codes = 0;
  int counters = 0;
  int refresh_tokens = 0;
};

class IdentityService final : public idv1::CustomerIdentityService::CallbackService {
 public:
  // Registers the RPCs and the retention pass with `rt` (which must outlive the service). Codes
  // go through `sms`; by default the file sender of settings.sms_outbox_file, or NoSmsSender when
  // that is empty.
  IdentityService(server::ServiceRuntime& rt, Settings settings,
                  std::unique_ptr<SmsSender> sms = nullptr);

  // Deletes codes older than the retention, counters whose window ended and refresh tokens
  // expired over a day ago.
  absl::StatusOr<RetentionPass> RunRetention();

  grpc::ServerUnaryReactor* RequestSignInCode(grpc::CallbackServerContext* ctx,
                                              const idv1::RequestSignInCodeRequest* req,
                                              idv1::RequestSignInCodeResponse* resp) override;
  grpc::ServerUnaryReactor* SignIn(grpc::CallbackServerContext* ctx, const idv1::SignInRequest* req,
                                   idv1::SignInResponse* resp) override;
  grpc::ServerUnaryReactor* RefreshSession(grpc::CallbackServerContext* ctx,
                                           const idv1::RefreshSessionRequest* req,
                                           idv1::RefreshSessionResponse* resp) override;
  grpc::ServerUnaryReactor* SignOut(grpc::CallbackServerContext* ctx,
                                    const idv1::SignOutRequest* req,
                                    idv1::SignOutResponse* resp) override;

 private:
  struct Session {
    std::string access_token;
    absl::Time access_expires_at;
    std::string refresh_token;
    absl::Time refresh_expires_at;
    std::string customer_id;
  };
  // The injected clock's now, in whole microseconds.
  absl::Time Now() const;
  // A new session: an access token, and a refresh token of `family_id` stored in `tx`.
  absl::StatusOr<Session> IssueSession(db::Transaction& tx, const std::string& account_id,
                                       const std::string& phone, const std::string& family_id,
                                       absl::Time now) const;
  absl::Status SendCode(const std::string& phone, const std::string& address,
                        idv1::RequestSignInCodeResponse* resp);
  absl::Status SignInWithCode(const idv1::SignInRequest& req, idv1::SignInResponse* resp);
  absl::Status Refresh(const idv1::RefreshSessionRequest& req, idv1::RefreshSessionResponse* resp);
  absl::Status EndSession(const idv1::SignOutRequest& req);

  server::ServiceRuntime& rt_;
  const Settings settings_;
  const Policy& policy_;
  std::unique_ptr<SmsSender> sms_;

  metrics::CachedCounter code_requests_;
  metrics::CachedCounter sign_ins_;
  metrics::CachedCounter accounts_created_;
  metrics::CachedCounter refreshes_;
  metrics::CachedCounter sign_outs_;
};

}  // namespace tousu::identity
