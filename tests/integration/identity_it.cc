// The identity service against real MariaDB, in-process over loopback gRPC, with authentication
// on (every RPC is called without a token unless a test says otherwise). Codes are read from the
// development SMS sender's file, as a local stack's users would. The clock is the runtime's
// offset-file clock, starting on a fixed morning in Beijing.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/access.h"
#include "common/auth/token_minter.h"
#include "common/auth/token_verifier.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "services/identity/access.h"
#include "services/identity/identity_service.h"
#include "services/identity/sms_sender.h"
#include "tests/support/test_env.h"

namespace tousu::identity {
namespace {

namespace fs = std::filesystem;

// Test numbers only (the 138 0013 8xxx block of the examples in Chinese documentation).
constexpr char kPhone[] = "13800138000";
constexpr char kOtherPhone[] = "13800138001";

absl::Time Beijing(int y, int mo, int d, int h, int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::FixedTimeZone(8 * 3600));
}

// The file sender, or a gateway that is down while `fail` is set.
class SwitchableSender final : public SmsSender {
 public:
  explicit SwitchableSender(std::string path) : file_(std::move(path)) {}
  absl::Status Send(const SmsCode& message) override {
    if (fail) return absl::UnavailableError("gateway down");
    return file_.Send(message);
  }
  std::atomic<bool> fail{false};

 private:
  FileSmsSender file_;
};

class IdentityIt : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("identity_it_" + db_.name());
    fs::create_directories(dir_ / "keys");
    auto keys = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
    ASSERT_TRUE(keys.ok()) << keys.status();
    std::ofstream(dir_ / "customers.key") << keys->private_pem;
    std::ofstream(dir_ / "keys" / "customers.pem") << keys->public_pem;
    std::ofstream(dir_ / "code-secret") << std::string(48, 'q') << "\n";
    outbox_ = (dir_ / "sms.jsonl").string();
    clock_file_ = (dir_ / "clock").string();
    start_offset_ = FixtureStart() - absl::Now();
    MoveClock(absl::ZeroDuration());

    const std::string p = "TOUSU_IDENTITY_";
    std::vector<std::string> env = testing::InProcessEnv("IDENTITY", db_.options(4));
    env.insert(env.end(),
               {p + "CLOCK_OFFSET_FILE=" + clock_file_, p + "AUTH_KEYS=" + (dir_ / "keys").string(),
                p + "SIGNING_KEY=" + (dir_ / "customers.key").string(),
                p + "CODE_SECRET_FILE=" + (dir_ / "code-secret").string(),
                p + "SMS_OUTBOX_FILE=" + outbox_});
    config::Config cfg("IDENTITY", env, {});
    auto rt = server::ServiceRuntime::Create({.name = "identity",
                                              .env_name = "IDENTITY",
                                              .grpc_services = {kGrpcServiceName},
                                              .migrations = &db::identity_migrations(),
                                              .access = IdentityAccessTable()},
                                             cfg);
    ASSERT_TRUE(rt.ok()) << rt.status();
    runtime_ = std::move(*rt);
    auto settings = Settings::FromConfig(cfg);  // as main.cc reads them
    ASSERT_TRUE(settings.ok()) << settings.status();
    auto sender = std::make_unique<SwitchableSender>(outbox_);
    sender_ = sender.get();
    service_ = std::make_unique<IdentityService>(*runtime_, *settings, std::move(sender));
    ASSERT_TRUE(runtime_->Start().ok());
    ASSERT_TRUE(runtime_->WaitUntilServing(absl::Seconds(30)));
    stub_ = idv1::CustomerIdentityService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", runtime_->grpc_port()), grpc::InsecureChannelCredentials()));
    auth::VerifierOptions options;
    options.keys_dir = (dir_ / "keys").string();
    auto verifier = auth::TokenVerifier::Create(options, runtime_->clock());
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = std::move(*verifier);
  }

  void TearDown() override {
    if (runtime_) runtime_->Shutdown();
    service_.reset();
    runtime_.reset();
    auth::RequireAuthentication(false);  // process-wide: the runtime turned it on
    fs::remove_all(dir_);
  }

  static absl::Time FixtureStart() { return Beijing(2026, 3, 10, 10); }
  // Moves the service's clock to `offset` past FixtureStart() (plus the real time passed).
  void MoveClock(absl::Duration offset) {
    time::OffsetFileClock::WriteOffset(clock_file_, start_offset_ + offset);
    absl::SleepFor(absl::Milliseconds(120));  // the clock re-reads its file every 50 ms
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& address = "",
                                               const std::string& bearer = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!address.empty()) ctx->AddMetadata(kClientAddressHeader, address);
    if (!bearer.empty()) ctx->AddMetadata("authorization", "Bearer " + bearer);
    return ctx;
  }

  grpc::Status RequestCode(const std::string& phone, idv1::RequestSignInCodeResponse* resp,
                           const std::string& address = "", const std::string& bearer = "") {
    idv1::RequestSignInCodeRequest req;
    req.set_phone(phone);
    return stub_->RequestSignInCode(Context(address, bearer).get(), req, resp);
  }
  grpc::Status RequestCode(const std::string& phone, const std::string& address = "") {
    idv1::RequestSignInCodeResponse resp;
    return RequestCode(phone, &resp, address);
  }
  grpc::Status SignIn(const std::string& phone, const std::string& code,
                      idv1::SignInResponse* resp) {
    idv1::SignInRequest req;
    req.set_phone(phone);
    req.set_code(code);
    return stub_->SignIn(Context().get(), req, resp);
  }
  grpc::Status Refresh(const std::string& token, idv1::RefreshSessionResponse* resp) {
    idv1::RefreshSessionRequest req;
    req.set_refresh_token(token);
    return stub_->RefreshSession(Context().get(), req, resp);
  }
  grpc::Status SignOut(const std::string& token) {
    idv1::SignOutRequest req;
    req.set_refresh_token(token);
    idv1::SignOutResponse resp;
    return stub_->SignOut(Context().get(), req, &resp);
  }

  // Every code the SMS file holds for `phone`, oldest first.
  std::vector<std::string> CodesSentTo(const std::string& phone) const {
    std::vector<std::string> codes;
    std::ifstream in(outbox_);
    const std::string key = absl::StrCat("\"phone\":\"", phone, "\",\"code\":\"");
    for (std::string line; std::getline(in, line);) {
      const size_t at = line.find(key);
      if (at != std::string::npos) codes.push_back(line.substr(at + key.size(), 6));
    }
    return codes;
  }
  std::string LastCode(const std::string& phone) const {
    auto codes = CodesSentTo(phone);
    EXPECT_FALSE(codes.empty());
    return codes.empty() ? "" : codes.back();
  }
  // A code of the right shape that is not `code`.
  static std::string WrongCode(const std::string& code) {
    std::string wrong = code;
    wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
    return wrong;
  }
  // Requests a code and signs in with it.
  idv1::SignInResponse SignedIn(const std::string& phone) {
    EXPECT_TRUE(RequestCode(phone).ok());
    idv1::SignInResponse session;
    const grpc::Status s = SignIn(phone, LastCode(phone), &session);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return session;
  }
  absl::Time Now() const { return runtime_->clock().Now(); }
  double Metric(const std::string& name, const std::vector<std::string>& labels) {
    return testing::MetricValue(testing::HttpGet(runtime_->metrics_port(), "/metrics"), name,
                                labels);
  }
  // The seconds of "retry in 40s" (a wait under a minute) in `message`, or -1.
  static int RetrySeconds(const std::string& message) {
    std::smatch m;
    if (!std::regex_search(message, m, std::regex("retry in ([0-9]+)s$"))) return -1;
    return std::stoi(m[1]);
  }

  testing::ScratchDatabase db_;
  fs::path dir_;
  std::string outbox_;
  std::string clock_file_;
  absl::Duration start_offset_;
  std::unique_ptr<server::ServiceRuntime> runtime_;
  std::unique_ptr<IdentityService> service_;
  SwitchableSender* sender_ = nullptr;
  std::unique_ptr<idv1::CustomerIdentityService::Stub> stub_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
};

TEST_F(IdentityIt, ACodeFromTheSmsSignsInAndTheTokenNamesTheCustomerAndTheirPhone) {
  idv1::RequestSignInCodeResponse sent;
  const absl::Time asked = Now();
  grpc::Status s = RequestCode("+86 138-0013-8000", &sent);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(sent.code_length(), 6);
  const absl::Duration resend_in = time::FromProto(sent.resend_after()) - asked;
  EXPECT_GE(resend_in, absl::Seconds(59));
  EXPECT_LE(resend_in, absl::Seconds(61));
  ASSERT_EQ(CodesSentTo(kPhone).size(), 1u);  // the number as 11 digits
  const std::string code = LastCode(kPhone);

  idv1::SignInResponse session;
  s = SignIn("138 0013 8000", code, &session);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(std::regex_match(session.customer_id(), std::regex("C[0-9a-f]{20}")));
  EXPECT_EQ(session.refresh_token().size(), 43u);
  const absl::Duration access_ttl = time::FromProto(session.access_expires_at()) - Now();
  EXPECT_GT(access_ttl, absl::Minutes(14));
  EXPECT_LE(access_ttl, absl::Minutes(15));
  const absl::Duration refresh_ttl = time::FromProto(session.refresh_expires_at()) - Now();
  EXPECT_GT(refresh_ttl, absl::Hours(24 * 30) - absl::Minutes(1));
  EXPECT_LE(refresh_ttl, absl::Hours(24 * 30));

  auto caller = verifier_->Verify(session.access_token());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->is_customer());
  EXPECT_EQ(caller->role, auth::role::kCustomer);
  EXPECT_EQ(caller->subject, session.customer_id());
  EXPECT_TRUE(caller->verified_phone == kPhone);  // not EXPECT_EQ: a failure would log the number

  // A code works once.
  idv1::SignInResponse again;
  s = SignIn(kPhone, code, &again);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "request a new code")) << s.error_message();

  // Neither the code nor the refresh token is stored as such.
  const std::string stored_code = db_.QueryScalar("SELECT code_hash FROM sign_in_codes");
  EXPECT_EQ(stored_code.size(), 64u);
  EXPECT_FALSE(absl::StrContains(stored_code, code));
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = '" +
                            session.refresh_token() + "'"),
            "0");
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM refresh_tokens"), "1");
  EXPECT_EQ(Metric("tousu_identity_code_requests_total", {"outcome=\"sent\""}), 1);
  EXPECT_EQ(Metric("tousu_identity_sign_ins_total", {"outcome=\"signed_in\""}), 1);
  EXPECT_EQ(Metric("tousu_identity_sign_ins_total", {"outcome=\"no_usable_code\""}), 1);
  EXPECT_EQ(Metric("tousu_identity_accounts_created_total", {}), 1);
}

TEST_F(IdentityIt, TheSameNumberSignsInToTheSameAccount) {
  const idv1::SignInResponse first = SignedIn(kPhone);
  MoveClock(absl::Minutes(1));
  const idv1::SignInResponse second = SignedIn(kPhone);
  EXPECT_EQ(second.customer_id(), first.customer_id());
  EXPECT_NE(second.refresh_token(), first.refresh_token());
  MoveClock(absl::Minutes(2));
  const idv1::SignInResponse other = SignedIn(kOtherPhone);
  EXPECT_NE(other.customer_id(), first.customer_id());
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM accounts"), "2");
  EXPECT_EQ(Metric("tousu_identity_accounts_created_total", {}), 2);
  EXPECT_EQ(Metric("tousu_identity_sign_ins_total", {"outcome=\"signed_in\""}), 3);
}

TEST_F(IdentityIt, FiveWrongCodesKillTheCodeAndANewOneWorks) {
  ASSERT_TRUE(RequestCode(kPhone).ok());
  const std::string code = LastCode(kPhone);
  idv1::SignInResponse session;
  for (int left = 4; left >= 1; --left) {
    grpc::Status s = SignIn(kPhone, WrongCode(code), &session);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_TRUE(
        absl::StrContains(s.error_message(), absl::StrCat(left, left == 1 ? " try" : " tries")))
        << s.error_message();
  }
  grpc::Status fifth = SignIn(kPhone, WrongCode(code), &session);
  EXPECT_EQ(fifth.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(fifth.error_message(), "request a new code"));
  // Dead: the right code no longer works either.
  grpc::Status right = SignIn(kPhone, code, &session);
  EXPECT_EQ(right.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(right.error_message(), "request a new code"));
  EXPECT_EQ(db_.QueryScalar("SELECT attempts FROM sign_in_codes"), "5");
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM accounts"), "0");

  MoveClock(absl::Minutes(1));
  ASSERT_TRUE(RequestCode(kPhone).ok());
  grpc::Status fresh = SignIn(kPhone, LastCode(kPhone), &session);
  EXPECT_TRUE(fresh.ok()) << fresh.error_message();
  EXPECT_EQ(Metric("tousu_identity_sign_ins_total", {"outcome=\"wrong_code\""}), 4);
  EXPECT_EQ(Metric("tousu_identity_sign_ins_total", {"outcome=\"code_exhausted\""}), 1);
}

TEST_F(IdentityIt, ACodeExpiresAfterFiveMinutes) {
  ASSERT_TRUE(RequestCode(kPhone).ok());
  MoveClock(absl::Minutes(5) + absl::Seconds(1));
  idv1::SignInResponse session;
  grpc::Status s = SignIn(kPhone, LastCode(kPhone), &session);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(IdentityIt, AResendWithinAMinuteIsRefusedSayingHowLongToWaitWhoeverTheNumberIs) {
  SignedIn(kPhone);  // kPhone has an account, kOtherPhone none
  MoveClock(absl::Minutes(1));
  ASSERT_TRUE(RequestCode(kPhone).ok());
  ASSERT_TRUE(RequestCode(kOtherPhone).ok());
  MoveClock(absl::Minutes(1) + absl::Seconds(20));
  grpc::Status with_account = RequestCode(kPhone);
  grpc::Status without = RequestCode(kOtherPhone);
  EXPECT_EQ(with_account.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(without.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  const int wait = RetrySeconds(with_account.error_message());
  EXPECT_GE(wait, 35) << with_account.error_message();
  EXPECT_LE(wait, 40) << with_account.error_message();
  // The same words for both numbers: an answer never tells whether a number has an account.
  std::regex seconds("[0-9]+s$");
  EXPECT_EQ(std::regex_replace(with_account.error_message(), seconds, "Ns"),
            std::regex_replace(without.error_message(), seconds, "Ns"));
  EXPECT_EQ(CodesSentTo(kPhone).size(), 2u);  // the refused request sent nothing

  MoveClock(absl::Minutes(2));
  ASSERT_TRUE(RequestCode(kPhone).ok());
  const std::vector<std::string> codes = CodesSentTo(kPhone);
  ASSERT_EQ(codes.size(), 3u);
  idv1::SignInResponse session;
  if (codes[1] != codes[2]) {  // the replaced code stops working (unless the draw repeated)
    EXPECT_EQ(SignIn(kPhone, codes[1], &session).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_TRUE(SignIn(kPhone, codes[2], &session).ok());
  EXPECT_EQ(Metric("tousu_identity_code_requests_total", {"outcome=\"too_soon\""}), 2);
}

TEST_F(IdentityIt, RequestsArrivingTogetherSendOneCode) {
  std::vector<std::thread> callers;
  std::atomic<int> sent{0};
  std::atomic<int> refused{0};
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      const grpc::StatusCode code = RequestCode(kPhone).error_code();
      if (code == grpc::StatusCode::OK) ++sent;
      // ABORTED: the database's deadlock detection picked this one, after the retries.
      if (code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::ABORTED) {
        ++refused;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(sent, 1);
  EXPECT_EQ(refused, 3);
  EXPECT_EQ(CodesSentTo(kPhone).size(), 1u);
  EXPECT_EQ(db_.QueryScalar("SELECT sends FROM send_counters WHERE scope = 'phone'"), "1");
}

TEST_F(IdentityIt, TheEleventhCodeOfADayWaitsUntilTomorrowInBeijing) {
  idv1::RequestSignInCodeResponse resp;
  for (int i = 0; i < 10; ++i) {
    MoveClock(absl::Minutes(i));
    grpc::Status s = RequestCode(kPhone, &resp);
    ASSERT_TRUE(s.ok()) << i << ": " << s.error_message();
  }
  // The tenth says when the next can go: tomorrow.
  EXPECT_EQ(time::FromProto(resp.resend_after()), Beijing(2026, 3, 11, 0));
  MoveClock(absl::Minutes(10));
  grpc::Status eleventh = RequestCode(kPhone, &resp);
  EXPECT_EQ(eleventh.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(absl::StrContains(eleventh.error_message(), "today; retry in 13h4"))
      << eleventh.error_message();
  EXPECT_EQ(CodesSentTo(kPhone).size(), 10u);
  // Another number is not affected.
  EXPECT_TRUE(RequestCode(kOtherPhone).ok());

  MoveClock(absl::Hours(14));  // 00:00 in Beijing, the next day
  EXPECT_TRUE(RequestCode(kPhone).ok());
  EXPECT_EQ(Metric("tousu_identity_code_requests_total", {"outcome=\"phone_limit\""}), 1);
}

TEST_F(IdentityIt, AnAddressGetsTwentyCodesAnHour) {
  for (int i = 0; i < 20; ++i) {
    grpc::Status s = RequestCode(absl::StrCat("1390013", 9000 + i), "198.51.100.7");
    ASSERT_TRUE(s.ok()) << i << ": " << s.error_message();
  }
  grpc::Status refused = RequestCode("13900139999", "198.51.100.7");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(absl::StrContains(refused.error_message(), "from this address"))
      << refused.error_message();
  EXPECT_TRUE(RequestCode("13900139999", "198.51.100.8").ok());
  MoveClock(absl::Hours(1));
  EXPECT_TRUE(RequestCode("13900139998", "198.51.100.7").ok());
}

TEST_F(IdentityIt, ARefreshRotatesAndAReusedTokenSignsTheSessionOut) {
  const idv1::SignInResponse first = SignedIn(kPhone);
  MoveClock(absl::Minutes(10));
  idv1::RefreshSessionResponse second;
  grpc::Status s = Refresh(first.refresh_token(), &second);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(second.refresh_token(), first.refresh_token());
  EXPECT_EQ(second.customer_id(), first.customer_id());
  auto caller = verifier_->Verify(second.access_token());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->subject, first.customer_id());
  EXPECT_TRUE(caller->verified_phone == kPhone);
  EXPECT_GT(time::FromProto(second.refresh_expires_at()),
            time::FromProto(first.refresh_expires_at()));

  // Another device's session of the same customer.
  MoveClock(absl::Minutes(11));
  const idv1::SignInResponse other_device = SignedIn(kPhone);

  // The traded token again: someone holds a copy. The whole session ends, for both holders.
  idv1::RefreshSessionResponse stolen;
  s = Refresh(first.refresh_token(), &stolen);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "refresh_token: not valid; sign in again");
  idv1::RefreshSessionResponse third;
  s = Refresh(second.refresh_token(), &third);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "refresh_token: not valid; sign in again");
  // The other session is untouched.
  s = Refresh(other_device.refresh_token(), &third);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Metric("tousu_identity_refreshes_total", {"outcome=\"reused\""}), 1);
  EXPECT_EQ(Metric("tousu_identity_refreshes_total", {"outcome=\"revoked\""}), 1);
  EXPECT_EQ(Metric("tousu_identity_refreshes_total", {"outcome=\"rotated\""}), 2);
}

TEST_F(IdentityIt, ARefreshTokenExpiresAfterThirtyDays) {
  const idv1::SignInResponse session = SignedIn(kPhone);
  MoveClock(absl::Hours(24 * 30) + absl::Seconds(1));
  idv1::RefreshSessionResponse next;
  grpc::Status s = Refresh(session.refresh_token(), &next);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "refresh_token: not valid; sign in again");
}

TEST_F(IdentityIt, SigningOutEndsTheSessionAndMayBeRepeated) {
  const idv1::SignInResponse session = SignedIn(kPhone);
  idv1::RefreshSessionResponse next;
  ASSERT_TRUE(Refresh(session.refresh_token(), &next).ok());
  grpc::Status s = SignOut(next.refresh_token());
  EXPECT_TRUE(s.ok()) << s.error_message();
  idv1::RefreshSessionResponse after;
  EXPECT_EQ(Refresh(next.refresh_token(), &after).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(SignOut(next.refresh_token()).ok());
  EXPECT_TRUE(SignOut(session.refresh_token()).ok());  // any token of the session
  s = SignOut(std::string(43, 'A'));                   // well-formed, never issued
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "refresh_token: not valid; sign in again");
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM refresh_tokens WHERE revoked_at IS NULL"), "0");
  EXPECT_EQ(Metric("tousu_identity_sign_outs_total", {"outcome=\"signed_out\""}), 3);
  EXPECT_EQ(Metric("tousu_identity_sign_outs_total", {"outcome=\"unknown\""}), 1);
}

TEST_F(IdentityIt, InvalidFieldsAreRefusedNamingTheFieldAndNothingIsWritten) {
  struct Case {
    grpc::Status status;
    std::string message;
  };
  idv1::SignInResponse session;
  idv1::RefreshSessionResponse refreshed;
  for (const Case& c : std::vector<Case>{
           {RequestCode(""), "phone: is required"},
           {RequestCode("010-12345678"), "phone: not a mainland mobile number"},
           {RequestCode("1380013800"), "phone: not a mainland mobile number"},
           {SignIn("", "123456", &session), "phone: is required"},
           {SignIn(kPhone, "", &session), "code: is required"},
           {SignIn(kPhone, "12a456", &session), "code: must be 6 digits"},
           {SignIn(kPhone, "1234567", &session), "code: must be 6 digits"},
           {Refresh("", &refreshed), "refresh_token: is required"},
           {Refresh("abc", &refreshed), "refresh_token: not a refresh token"},
           {SignOut(""), "refresh_token: is required"},
           {SignOut(std::string(43, '!')), "refresh_token: not a refresh token"},
       }) {
    EXPECT_EQ(c.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.message;
    EXPECT_EQ(c.status.error_message(), c.message);
  }
  EXPECT_FALSE(fs::exists(outbox_));
  for (const char* table : {"accounts", "sign_in_codes", "send_counters", "refresh_tokens"}) {
    EXPECT_EQ(db_.QueryScalar(absl::StrCat("SELECT COUNT(*) FROM ", table)), "0") << table;
  }
}

TEST_F(IdentityIt, ATokenThatIsSentMustVerifyEvenWhereNoneIsNeeded) {
  idv1::RequestSignInCodeResponse resp;
  grpc::Status s = RequestCode(kPhone, &resp, "", "not-a-token");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(fs::exists(outbox_));
  const idv1::SignInResponse session = SignedIn(kPhone);
  MoveClock(absl::Minutes(1));
  s = RequestCode(kPhone, &resp, "", session.access_token());
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(IdentityIt, ACodeThatCouldNotBeSentIsUnavailableAndNeverWorks) {
  sender_->fail = true;
  grpc::Status s = RequestCode(kPhone);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM sign_in_codes"), "0");
  sender_->fail = false;
  // No minute to wait: nothing reached the customer.
  s = RequestCode(kPhone);
  EXPECT_TRUE(s.ok()) << s.error_message();
  idv1::SignInResponse session;
  EXPECT_TRUE(SignIn(kPhone, LastCode(kPhone), &session).ok());
  EXPECT_EQ(Metric("tousu_identity_code_requests_total", {"outcome=\"send_failed\""}), 1);
}

TEST_F(IdentityIt, RetentionDeletesCodesAfterADayAndEndedCounters) {
  ASSERT_TRUE(RequestCode(kPhone).ok());
  auto pass = service_->RunRetention();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->codes, 0);
  MoveClock(absl::Hours(25));
  pass = service_->RunRetention();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->codes, 1);
  EXPECT_EQ(pass->counters, 2);  // the number's day and the address's hour
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM sign_in_codes"), "0");
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM send_counters"), "0");
}

}  // namespace
}  // namespace tousu::identity
