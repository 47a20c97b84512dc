// Token verification, key rotation, access tables and the interceptor's decisions
// (common/auth). Keys are generated per test; time is a FakeClock.

#include <gtest/gtest.h>
#include <jwt.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/auth/access.h"
#include "common/auth/token_minter.h"
#include "common/auth/token_verifier.h"
#include "common/time/clock.h"
#include "complaints/intake/v1/intake.pb.h"

namespace tousu::auth {
namespace {

namespace fs = std::filesystem;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tousu-auth-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto ec = GenerateKeyPair(KeyAlgorithm::kEs256);
    auto rsa = GenerateKeyPair(KeyAlgorithm::kRs256);
    ASSERT_TRUE(ec.ok() && rsa.ok());
    ec_ = *ec;
    rsa_ = *rsa;
    WriteFile(dir_ / "ec1.pem", ec_.public_pem);
    WriteFile(dir_ / "rsa1.pem", rsa_.public_pem);
    clock_.Set(kNow);
    VerifierOptions options;
    options.keys_dir = dir_.string();
    auto v = TokenVerifier::Create(options, clock_);
    ASSERT_TRUE(v.ok()) << v.status();
    verifier_ = std::move(*v);
  }
  void TearDown() override { fs::remove_all(dir_); }

  TokenClaims Handler() const {
    TokenClaims c;
    c.subject = "S0007";
    c.role = role::kHandler;
    c.department = "D-ENG";
    c.issued_at = kNow;
    return c;
  }
  std::string Mint(const KeyPair& key, const TokenClaims& claims) {
    auto token = MintToken(key.private_pem, claims);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }
  // A token as an attacker would build it: header and payload JSON of their choosing, with
  // `signature` appended as is.
  static std::string Handmade(const std::string& header, const std::string& payload,
                              const std::string& signature = "") {
    return absl::WebSafeBase64Escape(header) + "." + absl::WebSafeBase64Escape(payload) + "." +
           signature;
  }
  void ExpectRefused(const std::string& token, const std::string& reason) {
    auto caller = verifier_->Verify(token);
    ASSERT_FALSE(caller.ok()) << "accepted: " << reason;
    EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_NE(caller.status().message().find(reason), std::string::npos) << caller.status();
  }

  fs::path dir_;
  KeyPair ec_, rsa_;
  time::FakeClock clock_{kNow};
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(AuthTest, AcceptsEs256AndRs256TokensAndReadsTheCaller) {
  for (const KeyPair* key : {&ec_, &rsa_}) {
    auto caller = verifier_->Verify(Mint(*key, Handler()));
    ASSERT_TRUE(caller.ok()) << caller.status();
    EXPECT_TRUE(caller->is_staff());
    EXPECT_EQ(caller->subject, "S0007");
    EXPECT_EQ(caller->role, "handler");
    EXPECT_EQ(caller->department, "D-ENG");
    EXPECT_EQ(caller->Describe(), "staff:S0007");
  }
  TokenClaims customer = Handler();
  customer.subject = "C000042";
  customer.role = role::kCustomer;
  customer.department.clear();
  auto caller = verifier_->Verify(Mint(ec_, customer));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->is_customer());
  EXPECT_TRUE(caller->MaySeeCustomer("C000042"));
  EXPECT_FALSE(caller->MaySeeCustomer("C000043"));
}

TEST_F(AuthTest, RefusesExpiredFutureAndMisaddressedTokens) {
  TokenClaims expired = Handler();
  expired.issued_at = kNow - absl::Hours(2);
  ExpectRefused(Mint(ec_, expired), "expired");

  TokenClaims future = Handler();
  future.not_before = kNow + absl::Minutes(10);
  ExpectRefused(Mint(ec_, future), "nbf");

  TokenClaims issuer = Handler();
  issuer.issuer = "someone-else";
  ExpectRefused(Mint(ec_, issuer), "issuer");

  TokenClaims audience = Handler();
  audience.audience = "another-app";
  ExpectRefused(Mint(ec_, audience), "audience");

  // Within the leeway a token is still good; past it, refused even after a cached success.
  TokenClaims fresh = Handler();
  fresh.lifetime = absl::Minutes(5);
  const std::string token = Mint(ec_, fresh);
  ASSERT_TRUE(verifier_->Verify(token).ok());
  clock_.Set(kNow + absl::Minutes(5) + absl::Seconds(20));
  EXPECT_TRUE(verifier_->Verify(token).ok());
  clock_.Set(kNow + absl::Minutes(6));
  ExpectRefused(token, "expired");
}

TEST_F(AuthTest, RefusesForgedAndAlgorithmSwappedTokens) {
  // Signed by a key nobody configured.
  auto stranger = GenerateKeyPair(KeyAlgorithm::kEs256);
  ASSERT_TRUE(stranger.ok());
  ExpectRefused(Mint(*stranger, Handler()), "signature");

  // A valid token whose payload was edited (role raised to supervisor).
  const std::string good = Mint(ec_, Handler());
  const size_t dot1 = good.find('.'), dot2 = good.rfind('.');
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(good.substr(dot1 + 1, dot2 - dot1 - 1), &payload));
  const size_t at = payload.find("handler");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 7, "supervisor");
  ExpectRefused(good.substr(0, dot1 + 1) + absl::WebSafeBase64Escape(payload) + good.substr(dot2),
                "signature");

  // alg "none", with and without a signature part.
  const std::string claims =
      absl::StrCat(R"({"sub":"S0007","role":"supervisor","iss":"tousu","aud":"tousu","exp":)",
                   absl::ToUnixSeconds(kNow + absl::Hours(1)), "}");
  ExpectRefused(Handmade(R"({"alg":"none","typ":"JWT"})", claims), "algorithm");
  ExpectRefused(Handmade(R"({"alg":"none"})", claims, "AAAA"), "algorithm");

  // HS256 "signed" with the RSA public key as the HMAC secret: the classic key confusion.
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_new(&jwt), 0);
  ASSERT_EQ(jwt_add_grants_json(jwt, claims.c_str()), 0);
  ASSERT_EQ(jwt_set_alg(jwt, JWT_ALG_HS256,
                        reinterpret_cast<const unsigned char*>(rsa_.public_pem.data()),
                        static_cast<int>(rsa_.public_pem.size())),
            0);
  char* confused = jwt_encode_str(jwt);
  jwt_free(jwt);
  ASSERT_NE(confused, nullptr);
  ExpectRefused(confused, "algorithm");
  free(confused);

  // RS256 in the header over an EC key's signature: no RSA key of that kid.
  TokenClaims kid = Handler();
  kid.kid = "ec1";
  const std::string ec_token = Mint(ec_, kid);
  std::string header;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(ec_token.substr(0, ec_token.find('.')), &header));
  const size_t alg = header.find("ES256");
  ASSERT_NE(alg, std::string::npos);
  header.replace(alg, 5, "RS256");
  ExpectRefused(absl::WebSafeBase64Escape(header) + ec_token.substr(ec_token.find('.')), "no key");

  ExpectRefused("", "no bearer token");
  ExpectRefused("not-a-token", "malformed");
  ExpectRefused(std::string(9000, 'a'), "too long");
}

TEST_F(AuthTest, RefusesUnknownRolesAndDepartmentalRolesWithoutDepartment) {
  TokenClaims unknown = Handler();
  unknown.role = "root";
  ExpectRefused(Mint(ec_, unknown), "role");
  TokenClaims no_dept = Handler();
  no_dept.department.clear();
  ExpectRefused(Mint(ec_, no_dept), "dept");
  TokenClaims supervisor = Handler();
  supervisor.role = role::kSupervisor;
  supervisor.department.clear();
  auto caller = verifier_->Verify(Mint(ec_, supervisor));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->MayActForDepartment("D-ANY"));
}

TEST_F(AuthTest, KeysRotateWithoutRestart) {
  auto next = GenerateKeyPair(KeyAlgorithm::kEs256);
  ASSERT_TRUE(next.ok());
  TokenClaims claims = Handler();
  claims.kid = "ec2";
  const std::string new_token = Mint(*next, claims);
  ExpectRefused(new_token, "no key");

  WriteFile(dir_ / "ec2.pem", next->public_pem);
  clock_.Set(kNow + absl::Seconds(2));  // past the reload check interval
  EXPECT_TRUE(verifier_->Verify(new_token).ok());
  EXPECT_EQ(verifier_->key_count(), 3u);

  // Retiring the old key stops its tokens, including ones verified (and cached) before.
  const std::string old_token = Mint(ec_, Handler());
  EXPECT_TRUE(verifier_->Verify(old_token).ok());
  fs::remove(dir_ / "ec1.pem");
  clock_.Set(kNow + absl::Seconds(4));
  ExpectRefused(old_token, "signature");
  EXPECT_TRUE(verifier_->Verify(new_token).ok());

  // A broken edit keeps the keys in force.
  WriteFile(dir_ / "broken.pem", "not a key");
  clock_.Set(kNow + absl::Seconds(6));
  EXPECT_TRUE(verifier_->Verify(new_token).ok());
}

TEST(AccessTableTest, ListsRolesAndNamesWhatIsMissing) {
  // Links intake's generated descriptors into this binary, where Unlisted looks methods up.
  ASSERT_NE(complaints::intake::v1::SubmitComplaintRequest::descriptor(), nullptr);
  AccessTable table;
  table.Allow("complaints.intake.v1.IntakeService", "SubmitComplaint", {role::kCustomer});
  Caller customer{Caller::Kind::kCustomer, "C1", role::kCustomer, ""};
  Caller handler{Caller::Kind::kStaff, "S1", role::kHandler, "D1"};
  EXPECT_TRUE(table.Check("/complaints.intake.v1.IntakeService/SubmitComplaint", customer).ok());
  auto denied = table.Check("/complaints.intake.v1.IntakeService/SubmitComplaint", handler);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(table.Check("/complaints.intake.v1.IntakeService/GetComplaint", customer).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(table.Check("/x.Y/Z", Caller::Unrestricted()).ok());
  auto missing = table.Unlisted("complaints.intake.v1.IntakeService");
  EXPECT_EQ(missing, (std::vector<std::string>{
                         "/complaints.intake.v1.IntakeService/GetComplaint",
                         "/complaints.intake.v1.IntakeService/ListComplaints",
                         "/complaints.intake.v1.IntakeService/CheckCustomerOwnsComplaint"}));
}

TEST(CallerTest, DepartmentRules) {
  Caller handler{Caller::Kind::kStaff, "S1", role::kHandler, "D1"};
  Caller supervisor{Caller::Kind::kStaff, "S2", role::kSupervisor, ""};
  Caller customer{Caller::Kind::kCustomer, "C1", role::kCustomer, ""};
  Caller service{Caller::Kind::kService, "routing", role::kService, ""};
  EXPECT_TRUE(handler.MayActForDepartment("D1"));
  EXPECT_FALSE(handler.MayActForDepartment("D2"));
  EXPECT_FALSE(handler.MayActForDepartment(""));
  EXPECT_TRUE(supervisor.MayActForDepartment("D2"));
  EXPECT_FALSE(customer.MayActForDepartment("D1"));
  EXPECT_TRUE(service.MayActForDepartment("D1"));
  EXPECT_TRUE(Caller::Unrestricted().MayActForDepartment("D9"));
  EXPECT_EQ(&CurrentCaller(), &CurrentCaller());
  EXPECT_TRUE(CurrentCaller().unrestricted());
  {
    ScopedCaller as(handler);
    EXPECT_EQ(CurrentCaller().Describe(), "staff:S1");
    {
      ScopedCaller inner(customer);
      EXPECT_EQ(CurrentCaller().Describe(), "customer:C1");
    }
    EXPECT_EQ(CurrentCaller().Describe(), "staff:S1");
  }
  EXPECT_TRUE(CurrentCaller().unrestricted());
}

TEST_F(AuthTest, InterceptorDecisionsFollowTheTable) {
  prometheus::Registry registry;
  AccessTable table = CommonAccessTable();
  table.Allow("complaints.intake.v1.IntakeService", "SubmitComplaint", {role::kCustomer});
  AuthInterceptorFactory factory(std::shared_ptr<TokenVerifier>(std::move(verifier_)), table,
                                 registry);
  const std::string submit = "/complaints.intake.v1.IntakeService/SubmitComplaint";
  TokenClaims customer = Handler();
  customer.role = role::kCustomer;
  customer.subject = "C1";
  customer.department.clear();
  const std::string customer_token = Mint(ec_, customer);

  EXPECT_TRUE(factory.Decide("/grpc.health.v1.Health/Check", "").ok());
  EXPECT_EQ(factory.Decide(submit, "").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(factory.Decide(submit, "Basic dXNlcjpwYXNz").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(factory.Decide(submit, "Bearer " + customer_token).ok());
  EXPECT_TRUE(factory.Decide(submit, "bearer " + customer_token).ok());
  auto staff = factory.Decide(submit, "Bearer " + Mint(ec_, Handler()));
  EXPECT_EQ(staff.status().code(), absl::StatusCode::kPermissionDenied);
  // EventSink is for services only.
  EXPECT_EQ(
      factory.Decide("/complaints.common.v1.EventSink/DeliverEvent", "Bearer " + customer_token)
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  TokenClaims service = customer;
  service.role = role::kService;
  service.subject = "routing";
  EXPECT_TRUE(
      factory.Decide("/complaints.common.v1.EventSink/DeliverEvent", "Bearer " + Mint(ec_, service))
          .ok());
}

TEST_F(AuthTest, ReadsACustomersVerifiedPhoneAndRefusesItElsewhere) {
  TokenClaims customer = Handler();
  customer.subject = "C0123456789abcdef0123";
  customer.role = role::kCustomer;
  customer.department.clear();
  customer.phone = "13800138000";
  auto caller = verifier_->Verify(Mint(ec_, customer));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->is_customer());
  EXPECT_EQ(caller->verified_phone, "13800138000");

  // Only a customer proves a phone, and only an 11-digit mainland mobile number.
  TokenClaims staff_with_phone = Handler();
  staff_with_phone.phone = "13800138000";
  ExpectRefused(Mint(ec_, staff_with_phone), "phone on a token that is not a customer's");
  for (const char* bad :
       {"1380013800", "138001380001", "+8613800138000", "23800138000", "1380013800x"}) {
    TokenClaims malformed = customer;
    malformed.phone = bad;
    ExpectRefused(Mint(ec_, malformed), "phone is not an 11-digit mobile number");
  }
  // A customer token without the claim still works (tokens minted before phone sign-in).
  customer.phone.clear();
  caller = verifier_->Verify(Mint(ec_, customer));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->verified_phone.empty());
}

}  // namespace
}  // namespace tousu::auth
