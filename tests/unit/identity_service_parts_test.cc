// The identity service's parts that need no database: settings (TOUSU_IDENTITY_*), the access
// table (every RPC anonymous, a token sent must still verify), the client address, and the
// development SMS sender's file.

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/auth/access.h"
#include "common/auth/token_minter.h"
#include "common/time/clock.h"
#include "services/identity/access.h"
#include "services/identity/identity_service.h"
#include "services/identity/settings.h"
#include "services/identity/sms_sender.h"

namespace tousu::identity {
namespace {

namespace fs = std::filesystem;

class IdentityParts : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("identity_parts_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    auto keys = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
    ASSERT_TRUE(keys.ok()) << keys.status();
    keys_ = *keys;
    Write("customers-2026.key", keys_.private_pem);
    Write("secret", std::string(40, 'k') + "\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  absl::StatusOr<Settings> From(std::vector<std::string> env, bool required = true) {
    if (required) {
      env.push_back("TOUSU_IDENTITY_SIGNING_KEY=" + Path("customers-2026.key"));
      env.push_back("TOUSU_IDENTITY_CODE_SECRET_FILE=" + Path("secret"));
      env.push_back("TOUSU_IDENTITY_SMS_OUTBOX_FILE=" + Path("sms.jsonl"));
    }
    return Settings::FromConfig(config::Config("IDENTITY", env, {}));
  }

  fs::path dir_;
  auth::KeyPair keys_;
};

TEST_F(IdentityParts, SettingsDefaultsFollowThePolicy) {
  auto s = From({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->signing_key_pem, keys_.private_pem);
  EXPECT_EQ(s->signing_key_id, "customers-2026");   // the key file's stem
  EXPECT_EQ(s->code_secret, std::string(40, 'k'));  // without the file's newline
  EXPECT_EQ(s->sms_outbox_file, Path("sms.jsonl"));
  EXPECT_EQ(s->issuer, "tousu");
  EXPECT_EQ(s->audience, "tousu");
  EXPECT_EQ(s->policy.access_ttl, absl::Minutes(15));
  EXPECT_EQ(s->policy.refresh_ttl, absl::Hours(720));
  EXPECT_EQ(s->policy.code_ttl, absl::Minutes(5));
  EXPECT_EQ(s->policy.max_attempts, 5);
  EXPECT_EQ(s->policy.resend_interval, absl::Minutes(1));
  EXPECT_EQ(s->policy.phone_limit.count, 10);
  EXPECT_EQ(s->policy.phone_limit.per, absl::Hours(24));
  EXPECT_EQ(s->policy.address_limit.count, 20);
  EXPECT_EQ(s->policy.address_limit.per, absl::Hours(1));
  EXPECT_EQ(s->retention_interval, absl::Hours(1));
}

TEST_F(IdentityParts, WithoutAnSmsOutboxFileNoCodeCanBeSent) {
  auto s = Settings::FromConfig(
      config::Config("IDENTITY",
                     {"TOUSU_IDENTITY_SIGNING_KEY=" + Path("customers-2026.key"),
                      "TOUSU_IDENTITY_CODE_SECRET_FILE=" + Path("secret")},
                     {}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->sms_outbox_file, "");
  NoSmsSender none;
  EXPECT_EQ(none.Send({"13800138000", "111111", "sign_in", absl::UnixEpoch()}).code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(IdentityParts, SettingsTakeGoodValues) {
  auto s = From({"TOUSU_IDENTITY_SIGNING_KEY_ID=k2", "TOUSU_IDENTITY_AUTH_ISSUER=tousu-test",
                 "TOUSU_IDENTITY_ACCESS_TTL=5m", "TOUSU_IDENTITY_REFRESH_TTL=24h",
                 "TOUSU_IDENTITY_CODE_TTL=10m", "TOUSU_IDENTITY_CODE_ATTEMPTS=3",
                 "TOUSU_IDENTITY_RESEND_INTERVAL=30s", "TOUSU_IDENTITY_PHONE_DAILY_LIMIT=5",
                 "TOUSU_IDENTITY_ADDRESS_LIMIT=0", "TOUSU_IDENTITY_ADDRESS_WINDOW=10m",
                 "TOUSU_IDENTITY_RETENTION_INTERVAL=5m"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->signing_key_id, "k2");
  EXPECT_EQ(s->issuer, "tousu-test");
  EXPECT_EQ(s->policy.access_ttl, absl::Minutes(5));
  EXPECT_EQ(s->policy.refresh_ttl, absl::Hours(24));
  EXPECT_EQ(s->policy.code_ttl, absl::Minutes(10));
  EXPECT_EQ(s->policy.max_attempts, 3);
  EXPECT_EQ(s->policy.resend_interval, absl::Seconds(30));
  EXPECT_EQ(s->policy.phone_limit.count, 5);
  EXPECT_EQ(s->policy.address_limit.count, 0);
  EXPECT_EQ(s->policy.address_limit.per, absl::Minutes(10));
  EXPECT_EQ(s->retention_interval, absl::Minutes(5));
}

TEST_F(IdentityParts, SettingsRefuseWhatCannotWorkNamingTheVariable) {
  auto missing = From({}, /*required=*/false);
  EXPECT_TRUE(absl::StrContains(missing.status().message(), "TOUSU_IDENTITY_SIGNING_KEY"));
  Write("not-a-key", "hello");
  Write("short", "too short\n");
  struct Case {
    std::vector<std::string> env;
    std::string names;
  };
  for (const Case& c : std::vector<Case>{
           {{"TOUSU_IDENTITY_SIGNING_KEY=" + Path("not-a-key")}, "TOUSU_IDENTITY_SIGNING_KEY"},
           {{"TOUSU_IDENTITY_SIGNING_KEY=" + Path("absent")}, "TOUSU_IDENTITY_SIGNING_KEY"},
           {{"TOUSU_IDENTITY_CODE_SECRET_FILE=" + Path("short")},
            "TOUSU_IDENTITY_CODE_SECRET_FILE"},
           {{"TOUSU_IDENTITY_SIGNING_KEY_ID=a b"}, "TOUSU_IDENTITY_SIGNING_KEY_ID"},
           {{"TOUSU_IDENTITY_ACCESS_TTL=30s"}, "TOUSU_IDENTITY_ACCESS_TTL"},
           {{"TOUSU_IDENTITY_CODE_ATTEMPTS=0"}, "TOUSU_IDENTITY_CODE_ATTEMPTS"},
           {{"TOUSU_IDENTITY_PHONE_DAILY_LIMIT=0"}, "TOUSU_IDENTITY_PHONE_DAILY_LIMIT"},
           {{"TOUSU_IDENTITY_ADDRESS_LIMIT=-1"}, "TOUSU_IDENTITY_ADDRESS_LIMIT"},
           {{"TOUSU_IDENTITY_RETENTION_INTERVAL=0s"}, "TOUSU_IDENTITY_RETENTION_INTERVAL"},
       }) {
    // The case's entries come first: the first of a name wins, as with getenv.
    auto s = From(c.env);
    ASSERT_FALSE(s.ok()) << c.names;
    EXPECT_TRUE(absl::StrContains(s.status().message(), c.names)) << s.status();
    EXPECT_FALSE(absl::StrContains(s.status().message(), "too short")) << s.status();
  }
}

TEST_F(IdentityParts, EveryRpcIsListedAndAnonymous) {
  const auth::AccessTable table = IdentityAccessTable();
  EXPECT_TRUE(table.Unlisted(kGrpcServiceName).empty());
  for (const char* m : {"RequestSignInCode", "SignIn", "RefreshSession", "SignOut"}) {
    EXPECT_TRUE(table.IsAnonymous(std::string("/") + kGrpcServiceName + "/" + m)) << m;
  }
}

TEST_F(IdentityParts, SignInNeedsNoTokenButASentTokenMustVerify) {
  fs::create_directories(dir_ / "keys");
  Write("keys/test.pem", keys_.public_pem);
  time::FakeClock clock(absl::Now());
  auth::VerifierOptions options;
  options.keys_dir = Path("keys");
  auto verifier = auth::TokenVerifier::Create(options, clock);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  prometheus::Registry registry;
  auth::AuthInterceptorFactory factory(std::shared_ptr<auth::TokenVerifier>(std::move(*verifier)),
                                       IdentityAccessTable(), registry);
  const std::string sign_in = std::string("/") + kGrpcServiceName + "/SignIn";

  auto anonymous = factory.Decide(sign_in, "");
  ASSERT_TRUE(anonymous.ok()) << anonymous.status();
  // Not the unrestricted caller: a customer of no account, who owns nothing.
  EXPECT_FALSE(anonymous->unrestricted());
  EXPECT_EQ(anonymous->role, auth::kAnonymous);
  EXPECT_FALSE(anonymous->MaySeeCustomer(""));
  EXPECT_FALSE(anonymous->MayActForDepartment("engineering"));

  EXPECT_EQ(factory.Decide(sign_in, "Bearer not-a-token").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(factory.Decide(sign_in, "Basic dXNlcjpwYXNz").status().code(),
            absl::StatusCode::kUnauthenticated);
  auth::TokenClaims claims;
  claims.subject = "S0001";
  claims.role = "handler";
  claims.department = "engineering";
  claims.issued_at = clock.Now();
  auto token = auth::MintToken(keys_.private_pem, claims);
  ASSERT_TRUE(token.ok());
  auto staff = factory.Decide(sign_in, "Bearer " + *token);
  ASSERT_TRUE(staff.ok()) << staff.status();
  EXPECT_EQ(staff->subject, "S0001");

  // Other services' RPCs still need a token; the anonymous caller may call nothing else.
  EXPECT_EQ(
      factory.Decide("/complaints.intake.v1.IntakeService/SubmitComplaint", "").status().code(),
      absl::StatusCode::kUnauthenticated);
  auth::AccessTable intake;
  intake.Allow("complaints.intake.v1.IntakeService", "GetComplaint", {auth::role::kCustomer});
  EXPECT_EQ(
      intake.Check("/complaints.intake.v1.IntakeService/GetComplaint", auth::AnonymousCaller())
          .code(),
      absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityParts, TheClientAddressIsTheGatewaysHeaderElseThePeer) {
  const std::string header = "203.0.113.7";
  EXPECT_EQ(ClientAddress(&header, "ipv4:10.0.0.2:51234"), "203.0.113.7");
  EXPECT_EQ(ClientAddress(nullptr, "ipv4:10.0.0.2:51234"), "ipv4:10.0.0.2");
  EXPECT_EQ(ClientAddress(nullptr, "ipv6:[::1]:443"), "ipv6:[::1]");
  EXPECT_EQ(ClientAddress(nullptr, "unix:/run/x.sock"), "unix:/run/x.sock");
  for (const std::string& bad :
       {std::string(), std::string(129, '1'), std::string("a b"), std::string("1.2.3.4\n")}) {
    EXPECT_EQ(ClientAddress(&bad, "ipv4:10.0.0.2:51234"), "ipv4:10.0.0.2");
  }
}

TEST_F(IdentityParts, TheDevelopmentSenderAppendsOneJsonLinePerCode) {
  const absl::Time at =
      absl::FromCivil(absl::CivilSecond(2026, 12, 7, 10, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(SmsOutboxLine({"13800138000", "012345", "sign_in", at}),
            "{\"at\":\"2026-12-07T10:00:00Z\",\"phone\":\"13800138000\",\"code\":\"012345\","
            "\"purpose\":\"sign_in\"}\n");
  FileSmsSender sender(Path("sms.jsonl"));
  ASSERT_TRUE(sender.Send({"13800138000", "111111", "sign_in", at}).ok());
  ASSERT_TRUE(sender.Send({"13900139000", "222222", "sign_in", at}).ok());
  std::ifstream in(Path("sms.jsonl"));
  std::stringstream all;
  all << in.rdbuf();
  EXPECT_EQ(all.str(), SmsOutboxLine({"13800138000", "111111", "sign_in", at}) +
                           SmsOutboxLine({"13900139000", "222222", "sign_in", at}));
  EXPECT_EQ(fs::status(Path("sms.jsonl")).permissions() & fs::perms::others_read, fs::perms::none);

  FileSmsSender broken(Path("no-such-dir/sms.jsonl"));
  EXPECT_EQ(broken.Send({"13800138000", "111111", "sign_in", at}).code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace tousu::identity
