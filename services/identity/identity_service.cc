#include "services/identity/identity_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/caller.h"
#include "common/auth/token_minter.h"
#include "common/db/transaction.h"
#include "common/log/log.h"
#include "common/log/mask.h"
#include "common/status/return_if_error.h"
#include "common/time/proto_time.h"
#include "services/identity/domain/request_checks.h"
#include "services/identity/domain/secrets.h"
#include "services/identity/repository/identity_repository.h"

namespace tousu::identity {

using server::RunUnary;

namespace {

constexpr char kPhoneScope[] = "phone";
constexpr char kAddressScope[] = "address";
// Refresh tokens stay this long after expiry (then retention deletes them).
constexpr absl::Duration kRefreshTokenGrace = absl::Hours(24);
constexpr int kRetentionBatch = 1000;

template <typename Response>
void FillSession(const std::string& access_token, absl::Time access_expires_at,
                 const std::string& refresh_token, absl::Time refresh_expires_at,
                 const std::string& customer_id, Response* out) {
  out->set_access_token(access_token);
  time::ToProto(access_expires_at, out->mutable_access_expires_at());
  out->set_refresh_token(refresh_token);
  time::ToProto(refresh_expires_at, out->mutable_refresh_expires_at());
  out->set_customer_id(customer_id);
}

std::unique_ptr<SmsSender> DefaultSender(const Settings& settings) {
  if (settings.sms_outbox_file.empty()) return std::make_unique<NoSmsSender>();
  return std::make_unique<FileSmsSender>(settings.sms_outbox_file);
}

}  // namespace

std::string ClientAddress(const std::string* header, const std::string& peer) {
  if (header != nullptr && !header->empty() && header->size() <= 128) {
    bool printable = true;
    for (char c : *header) printable = printable && c > 0x20 && c < 0x7F;
    if (printable) return *header;
  }
  const size_t first = peer.find(':');
  const size_t last = peer.rfind(':');
  if (last != std::string::npos && last != first) return peer.substr(0, last);
  return peer;
}

IdentityService::IdentityService(server::ServiceRuntime& rt, Settings settings,
                                 std::unique_ptr<SmsSender> sms)
    : rt_(rt),
      settings_(std::move(settings)),
      policy_(settings_.policy),
      sms_(sms ? std::move(sms) : DefaultSender(settings_)),
      code_requests_(rt.registry(), "tousu_identity_code_requests_total",
                     "Sign-in code requests by outcome: sent, refused by a limit (too_soon, "
                     "phone_limit, address_limit), or send_failed (the SMS did not go out).",
                     {"outcome"}),
      sign_ins_(rt.registry(), "tousu_identity_sign_ins_total",
                "Sign-in tries by outcome (signed_in, wrong_code, code_exhausted, "
                "no_usable_code).",
                {"outcome"}),
      accounts_created_(rt.registry(), "tousu_identity_accounts_created_total",
                        "Customer accounts created by a number's first sign-in.", {}),
      refreshes_(rt.registry(), "tousu_identity_refreshes_total",
                 "Refresh token trades by outcome: rotated, or refused (unknown, expired, "
                 "revoked, reused: a traded token came back and its session was signed out).",
                 {"outcome"}),
      sign_outs_(rt.registry(), "tousu_identity_sign_outs_total",
                 "Sign-outs by outcome (signed_out, unknown).", {"outcome"}) {
  for (const char* o : {"sent", "too_soon", "phone_limit", "address_limit", "send_failed"}) {
    code_requests_.With({o});
  }
  for (const char* o : {"signed_in", "wrong_code", "code_exhausted", "no_usable_code"}) {
    sign_ins_.With({o});
  }
  accounts_created_.With({});
  for (const char* o : {"rotated", "unknown", "revoked", "reused", "expired"}) {
    refreshes_.With({o});
  }
  for (const char* o : {"signed_out", "unknown"}) sign_outs_.With({o});

  rt.AddService(this);
  rt.AddPeriodicTask("identity_retention", settings_.retention_interval,
                     [this] { return RunRetention().status(); });
}

absl::Time IdentityService::Now() const {
  // Microseconds, as the database keeps them: answers and rows then agree exactly.
  return absl::FromUnixMicros(absl::ToUnixMicros(rt_.clock().Now()));
}

absl::StatusOr<IdentityService::Session> IdentityService::IssueSession(
    db::Transaction& tx, const std::string& account_id, const std::string& phone,
    const std::string& family_id, absl::Time now) const {
  // JWT times are whole seconds.
  const absl::Time issued = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  auth::TokenClaims claims;
  claims.subject = account_id;
  claims.role = auth::role::kCustomer;
  claims.phone = phone;
  claims.issuer = settings_.issuer;
  claims.audience = settings_.audience;
  claims.issued_at = issued;
  claims.lifetime = policy_.access_ttl;
  claims.kid = settings_.signing_key_id;
  auto access = auth::MintToken(settings_.signing_key_pem, claims);
  if (!access.ok()) {
    log::Error("access token not minted", {{"error", access.status().ToString()}});
    return absl::InternalError("access token not minted");
  }
  auto refresh = NewRefreshToken();
  if (!refresh.ok()) return refresh.status();
  RefreshRecord record;
  record.family_id = family_id;
  record.account_id = account_id;
  record.phone = phone;
  record.issued_at = now;
  record.expires_at = now + policy_.refresh_ttl;
  InsertRefreshToken(tx, RefreshTokenHash(*refresh), record);
  return Session{*std::move(access), issued + policy_.access_ttl, *std::move(refresh),
                 record.expires_at, account_id};
}

// ---- RPCs
// ----------------------------------------------------------------------------------------

grpc::ServerUnaryReactor* IdentityService::RequestSignInCode(
    grpc::CallbackServerContext* ctx, const idv1::RequestSignInCodeRequest* req,
    idv1::RequestSignInCodeResponse* resp) {
  const auto& metadata = ctx->client_metadata();
  std::string header;
  const auto it = metadata.find(kClientAddressHeader);
  if (it != metadata.end()) header.assign(it->second.data(), it->second.size());
  std::string address = ClientAddress(it != metadata.end() ? &header : nullptr, ctx->peer());
  return RunUnary(ctx, rt_.executor(),
                  [this, req, resp, address = std::move(address)]() -> absl::Status {
                    auto phone = CheckRequestSignInCode(*req);
                    if (!phone.ok()) return phone.status();
                    return SendCode(*phone, address, resp);
                  });
}

grpc::ServerUnaryReactor* IdentityService::SignIn(grpc::CallbackServerContext* ctx,
                                                  const idv1::SignInRequest* req,
                                                  idv1::SignInResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp] { return SignInWithCode(*req, resp); });
}

grpc::ServerUnaryReactor* IdentityService::RefreshSession(grpc::CallbackServerContext* ctx,
                                                          const idv1::RefreshSessionRequest* req,
                                                          idv1::RefreshSessionResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp] { return Refresh(*req, resp); });
}

grpc::ServerUnaryReactor* IdentityService::SignOut(grpc::CallbackServerContext* ctx,
                                                   const idv1::SignOutRequest* req,
                                                   idv1::SignOutResponse*) {
  return RunUnary(ctx, rt_.executor(), [this, req] { return EndSession(*req); });
}

// ---- the work of each RPC
// ------------------------------------------------------------------------

absl::Status IdentityService::SendCode(const std::string& phone, const std::string& address,
                                       idv1::RequestSignInCodeResponse* resp) {
  const absl::Time now = Now();
  std::string code;
  CodeRecord record;
  SendVerdict verdict;
  absl::Status stored = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    SendCounts counts;
    // The number's counter first: its row lock serialises requests for one number.
    counts.phone_sends = CountSend(tx, kPhoneScope, phone, WindowAt(now, policy_.phone_limit.per));
    if (auto last = LoadCode(tx, phone)) counts.last_sent_at = last->sent_at;
    if (policy_.address_limit.count > 0) {
      counts.address_sends =
          CountSend(tx, kAddressScope, address, WindowAt(now, policy_.address_limit.per));
    }
    verdict = JudgeSend(policy_, now, counts);
    if (verdict.refusal) return RefusalStatus(verdict);  // the rollback uncounts this request
    auto fresh = NewSignInCode(Policy::kCodeLength);
    if (!fresh.ok()) return fresh.status();
    code = *std::move(fresh);
    record.code_hash = CodeHash(settings_.code_secret, phone, code);
    record.sent_at = now;
    record.expires_at = now + policy_.code_ttl;
    SaveNewCode(tx, phone, record);
    return absl::OkStatus();
  });
  if (!stored.ok()) {
    if (verdict.refusal && absl::IsResourceExhausted(stored)) {
      const char* limit = SendRefusalLabel(*verdict.refusal);
      code_requests_.With({limit}).Increment();
      log::Info("sign-in code refused", {{"phone", log::MaskPhone(phone)}, {"limit", limit}});
    }
    return stored;
  }
  // Sent only once the code is stored: a code that went out always works.
  if (absl::Status sent = sms_->Send({phone, code, "sign_in", now}); !sent.ok()) {
    code_requests_.With({"send_failed"}).Increment();
    log::Error("sign-in code not sent",
               {{"phone", log::MaskPhone(phone)}, {"error", sent.ToString()}});
    // The code must not work: the gateway may still deliver it to someone late.
    absl::Status forgotten = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      DeleteCode(tx, phone, record.code_hash);
      return absl::OkStatus();
    });
    if (!forgotten.ok()) {
      log::Error("unsent sign-in code not deleted",
                 {{"phone", log::MaskPhone(phone)}, {"error", forgotten.ToString()}});
    }
    return absl::UnavailableError("the sign-in code could not be sent; retry later");
  }
  code_requests_.With({"sent"}).Increment();
  log::Info("sign-in code sent", {{"phone", log::MaskPhone(phone)}});
  time::ToProto(verdict.resend_after, resp->mutable_resend_after());
  resp->set_code_length(Policy::kCodeLength);
  return absl::OkStatus();
}

absl::Status IdentityService::SignInWithCode(const idv1::SignInRequest& req,
                                             idv1::SignInResponse* resp) {
  auto input = CheckSignIn(req);
  if (!input.ok()) return input.status();
  const std::string& phone = input->phone;
  const absl::Time now = Now();
  CodeAttempt attempt;
  Session session;
  bool created = false;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    created = false;
    std::optional<CodeRecord> code = LoadCode(tx, phone);  // locked: one try at a time
    const bool matches =
        code && SameHash(CodeHash(settings_.code_secret, phone, input->code), code->code_hash);
    attempt = TryCode(policy_, code ? &*code : nullptr, matches, now);
    if (attempt.verdict == CodeVerdict::kNoUsableCode) return absl::OkStatus();
    SaveCodeTry(tx, phone, *code);
    // A wrong try commits too: it must count even though the call fails.
    if (attempt.verdict != CodeVerdict::kAccepted) return absl::OkStatus();
    std::optional<std::string> account = FindAccountId(tx, phone);
    if (account) {
      NoteSignIn(tx, *account, now);
    } else {
      auto id = NewCustomerId();
      if (!id.ok()) return id.status();
      InsertAccount(tx, *id, phone, now);
      account = *std::move(id);
      created = true;
    }
    auto family = NewFamilyId();
    if (!family.ok()) return family.status();
    auto issued = IssueSession(tx, *account, phone, *family, now);
    if (!issued.ok()) return issued.status();
    session = *std::move(issued);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  sign_ins_.With({CodeVerdictLabel(attempt.verdict)}).Increment();
  if (attempt.verdict != CodeVerdict::kAccepted) {
    log::Info("sign-in refused",
              {{"phone", log::MaskPhone(phone)}, {"outcome", CodeVerdictLabel(attempt.verdict)}});
    return CodeAttemptStatus(attempt);
  }
  if (created) {
    accounts_created_.With({}).Increment();
    log::Info("customer account created", {{"customer_id", session.customer_id}});
  }
  log::Info("customer signed in", {{"customer_id", session.customer_id}});
  FillSession(session.access_token, session.access_expires_at, session.refresh_token,
              session.refresh_expires_at, session.customer_id, resp);
  return absl::OkStatus();
}

absl::Status IdentityService::Refresh(const idv1::RefreshSessionRequest& req,
                                      idv1::RefreshSessionResponse* resp) {
  RETURN_IF_ERROR(CheckRefreshToken("refresh_token", req.refresh_token()));
  const std::string hash = RefreshTokenHash(req.refresh_token());
  const absl::Time now = Now();
  RefreshVerdict verdict = RefreshVerdict::kUnknown;
  std::optional<RefreshRecord> token;
  Session session;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    token = LoadRefreshToken(tx, hash);
    verdict = JudgeRefresh(token, now);
    if (verdict == RefreshVerdict::kReused) {
      // Whoever holds the newer token may be the thief: end the session for everyone. Committed,
      // though the call fails.
      RevokeFamily(tx, token->family_id, now);
      return absl::OkStatus();
    }
    if (verdict != RefreshVerdict::kValid) return absl::OkStatus();
    MarkRotated(tx, hash, now);
    auto issued = IssueSession(tx, token->account_id, token->phone, token->family_id, now);
    if (!issued.ok()) return issued.status();
    session = *std::move(issued);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  refreshes_.With({RefreshVerdictLabel(verdict)}).Increment();
  if (verdict == RefreshVerdict::kReused) {
    log::Warn("refresh token presented after it was traded: session signed out",
              {{"customer_id", token->account_id}});
  }
  if (verdict != RefreshVerdict::kValid) return InvalidRefreshToken();
  FillSession(session.access_token, session.access_expires_at, session.refresh_token,
              session.refresh_expires_at, session.customer_id, resp);
  return absl::OkStatus();
}

absl::Status IdentityService::EndSession(const idv1::SignOutRequest& req) {
  RETURN_IF_ERROR(CheckRefreshToken("refresh_token", req.refresh_token()));
  const std::string hash = RefreshTokenHash(req.refresh_token());
  const absl::Time now = Now();
  std::optional<RefreshRecord> token;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    token = LoadRefreshToken(tx, hash);
    if (token) RevokeFamily(tx, token->family_id, now);  // again: nothing left to revoke, OK
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  sign_outs_.With({token ? "signed_out" : "unknown"}).Increment();
  if (!token) return InvalidRefreshToken();
  log::Info("customer signed out", {{"customer_id", token->account_id}});
  return absl::OkStatus();
}

absl::StatusOr<RetentionPass> IdentityService::RunRetention() {
  const absl::Time now = Now();
  RetentionPass pass;
  // Small batches, each its own transaction: a large backlog never holds locks for long.
  const auto drain = [&](int* total, auto delete_batch) -> absl::Status {
    for (;;) {
      int deleted = 0;
      RETURN_IF_ERROR(db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
        deleted = delete_batch(tx);
        return absl::OkStatus();
      }));
      *total += deleted;
      if (deleted < kRetentionBatch) return absl::OkStatus();
    }
  };
  RETURN_IF_ERROR(drain(&pass.codes, [&](db::Transaction& tx) {
    return DeleteCodesSentBefore(tx, now - policy_.code_retention, kRetentionBatch);
  }));
  RETURN_IF_ERROR(drain(&pass.counters, [&](db::Transaction& tx) {
    return DeleteCountersEndedBefore(tx, now, kRetentionBatch);
  }));
  RETURN_IF_ERROR(drain(&pass.refresh_tokens, [&](db::Transaction& tx) {
    return DeleteRefreshTokensExpiredBefore(tx, now - kRefreshTokenGrace, kRetentionBatch);
  }));
  if (pass.codes + pass.counters + pass.refresh_tokens > 0) {
    log::Info("identity retention", {{"codes", pass.codes},
                                     {"counters", pass.counters},
                                     {"refresh_tokens", pass.refresh_tokens}});
  }
  return pass;
}

}  // namespace tousu::identity
