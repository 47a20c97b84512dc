// The identity service's pure rules (services/identity/domain): numbers, codes, send limits and
// refresh tokens, on a fake clock.

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "common/time/clock.h"
#include "services/identity/domain/phone.h"
#include "services/identity/domain/request_checks.h"
#include "services/identity/domain/secrets.h"
#include "services/identity/domain/sign_in_rules.h"

namespace tousu::identity {
namespace {

// 2026-03-10 10:00 in Beijing (02:00 UTC).
const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 3, 10, 2, 0, 0), absl::UTCTimeZone());

absl::Time Beijing(int y, int mo, int d, int h, int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::FixedTimeZone(8 * 3600));
}

SendCounts Counts(std::optional<absl::Time> last_sent_at, int phone_sends, int address_sends) {
  SendCounts counts;
  counts.last_sent_at = last_sent_at;
  counts.phone_sends = phone_sends;
  counts.address_sends = address_sends;
  return counts;
}

RefreshRecord Token(absl::Time expires_at) {
  RefreshRecord t;
  t.family_id = "f";
  t.account_id = "C1";
  t.phone = "13800138000";
  t.issued_at = kStart;
  t.expires_at = expires_at;
  return t;
}

bool AllDigits(const std::string& s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// ---- numbers

TEST(IdentityPhone, MobilesInEveryUsualSpellingBecomeElevenDigits) {
  for (const char* spelling :
       {"13800138000", "+8613800138000", "+86 13800138000", "8613800138000", "86-13800138000",
        "138-0013-8000", "138 0013 8000", "+86 138-0013-8000"}) {
    auto phone = CanonicalMobile("phone", spelling);
    ASSERT_TRUE(phone.ok()) << phone.status();
    EXPECT_EQ(*phone, "13800138000");
  }
  EXPECT_TRUE(CanonicalMobile("phone", "19912345678").ok());
}

TEST(IdentityPhone, LandlinesForeignNumbersAndJunkAreRefusedNamingTheField) {
  for (const char* bad : {"010-12345678", "12800138000", "1380013800", "138001380000",
                          "+1 4155550100", "1380013800a", "13800138000\n", "１３８００１３８０００",
                          "+85213800138000", "86 1380013800", "0013800138000"}) {
    auto phone = CanonicalMobile("phone", bad);
    ASSERT_FALSE(phone.ok()) << bad;
    EXPECT_EQ(phone.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(phone.status().message(), "phone: ")) << phone.status();
  }
  EXPECT_EQ(CanonicalMobile("phone", "").status().message(), "phone: is required");
  EXPECT_FALSE(CanonicalMobile("phone", std::string(40, '1')).ok());
}

// ---- requests

TEST(IdentityRequests, ACodeIsExactlySixDigits) {
  idv1::SignInRequest req;
  req.set_phone("13800138000");
  req.set_code("012345");
  auto in = CheckSignIn(req);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->phone, "13800138000");
  EXPECT_EQ(in->code, "012345");
  for (const char* bad : {"", "12345", "1234567", "12345a", " 12345", "１２３４５６"}) {
    req.set_code(bad);
    auto s = CheckSignIn(req).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(s.message(), "code: ")) << s;
  }
  req.set_code("123456");
  req.set_phone("010-12345678");
  EXPECT_TRUE(absl::StartsWith(CheckSignIn(req).status().message(), "phone: "));
}

TEST(IdentityRequests, ARefreshTokenIsFortyThreeBase64UrlCharacters) {
  auto token = NewRefreshToken();
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(CheckRefreshToken("refresh_token", *token).ok());
  EXPECT_EQ(CheckRefreshToken("refresh_token", "").message(), "refresh_token: is required");
  for (const std::string& bad : {token->substr(1), *token + "A", std::string(43, '+'),
                                 std::string(42, 'A') + "=", std::string(43, ' ')}) {
    auto s = CheckRefreshToken("refresh_token", bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), "refresh_token: not a refresh token");
  }
}

// ---- secrets

TEST(IdentitySecrets, CodesAreSixRandomDigitsWithLeadingZerosKept) {
  std::set<std::string> seen;
  bool leading_zero = false;
  for (int i = 0; i < 2000; ++i) {
    auto code = NewSignInCode(Policy::kCodeLength);
    ASSERT_TRUE(code.ok());
    ASSERT_EQ(code->size(), 6u);
    ASSERT_TRUE(AllDigits(*code)) << *code;
    leading_zero = leading_zero || (*code)[0] == '0';
    seen.insert(*code);
  }
  EXPECT_GT(seen.size(), 1990u);  // a million values: repeats in 2000 draws are rare
  EXPECT_TRUE(leading_zero);      // about 200 of 2000 start with 0
}

TEST(IdentitySecrets, ACodeHashDependsOnTheSecretTheNumberAndTheCode) {
  const std::string secret(32, 's');
  const std::string h = CodeHash(secret, "13800138000", "123456");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, CodeHash(secret, "13800138000", "123456"));
  EXPECT_NE(h, CodeHash(std::string(32, 't'), "13800138000", "123456"));
  EXPECT_NE(h, CodeHash(secret, "13900139000", "123456"));
  EXPECT_NE(h, CodeHash(secret, "13800138000", "123457"));
  EXPECT_TRUE(SameHash(h, CodeHash(secret, "13800138000", "123456")));
  EXPECT_FALSE(SameHash(h, CodeHash(secret, "13800138000", "123457")));
  EXPECT_FALSE(SameHash(h, h.substr(1)));
}

TEST(IdentitySecrets, RefreshTokensAreRandomAndStoredAsTheirSha256) {
  auto a = NewRefreshToken();
  auto b = NewRefreshToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), kRefreshTokenLength);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(RefreshTokenHash(*a).size(), 64u);
  EXPECT_NE(RefreshTokenHash(*a), RefreshTokenHash(*b));
  // SHA-256("abc")
  EXPECT_EQ(RefreshTokenHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(IdentitySecrets, CustomerIdsAreCAndTwentyLowerCaseHexDigits) {
  auto id = NewCustomerId();
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(id->size(), 21u);
  EXPECT_EQ((*id)[0], 'C');
  for (char c : id->substr(1)) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << *id;
  EXPECT_NE(*id, *NewCustomerId());
  EXPECT_EQ(NewFamilyId()->size(), 32u);
}

// ---- windows and send limits

TEST(IdentityLimits, ADayWindowIsTheCalendarDayInBeijing) {
  const Window w = WindowAt(Beijing(2026, 3, 10, 23, 59), absl::Hours(24));
  EXPECT_EQ(w.start, Beijing(2026, 3, 10, 0));
  EXPECT_EQ(w.end, Beijing(2026, 3, 11, 0));
  EXPECT_EQ(WindowAt(Beijing(2026, 3, 11, 0), absl::Hours(24)).start, Beijing(2026, 3, 11, 0));
  const Window h = WindowAt(Beijing(2026, 3, 10, 14, 25), absl::Hours(1));
  EXPECT_EQ(h.start, Beijing(2026, 3, 10, 14));
  EXPECT_EQ(h.end, Beijing(2026, 3, 10, 15));
}

TEST(IdentityLimits, TheFirstCodeGoesAndTheNextMayFollowAfterTheInterval) {
  time::FakeClock clock(kStart);
  const Policy policy;
  SendVerdict v = JudgeSend(policy, clock.Now(), Counts(std::nullopt, 1, 1));
  EXPECT_FALSE(v.refusal.has_value());
  EXPECT_EQ(v.resend_after, kStart + absl::Minutes(1));
  EXPECT_TRUE(RefusalStatus(v).ok());
}

TEST(IdentityLimits, AResendWithinAMinuteWaitsForTheRestOfIt) {
  time::FakeClock clock(kStart);
  const Policy policy;
  clock.Advance(absl::Seconds(20));
  SendVerdict v = JudgeSend(policy, clock.Now(), Counts(kStart, 2, 2));
  ASSERT_TRUE(v.refusal.has_value());
  EXPECT_EQ(*v.refusal, SendRefusal::kTooSoon);
  EXPECT_EQ(v.retry_after, absl::Seconds(40));
  const absl::Status s = RefusalStatus(v);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(s.message(), "retry in 40s")) << s;
  clock.Advance(absl::Seconds(40));
  EXPECT_FALSE(JudgeSend(policy, clock.Now(), Counts(kStart, 2, 2)).refusal.has_value());
}

TEST(IdentityLimits, TheEleventhCodeOfADayWaitsUntilMidnightInBeijing) {
  const Policy policy;
  const absl::Time now = Beijing(2026, 3, 10, 22, 30);
  const SendCounts tenth{
      .last_sent_at = now - absl::Hours(1), .phone_sends = 10, .address_sends = 1};
  SendVerdict v = JudgeSend(policy, now, tenth);
  ASSERT_FALSE(v.refusal.has_value());
  // The tenth went: the next can only go tomorrow, and the answer says so.
  EXPECT_EQ(v.resend_after, Beijing(2026, 3, 11, 0));
  SendCounts eleventh = tenth;
  eleventh.phone_sends = 11;
  v = JudgeSend(policy, now, eleventh);
  ASSERT_TRUE(v.refusal.has_value());
  EXPECT_EQ(*v.refusal, SendRefusal::kPhoneLimit);
  EXPECT_EQ(v.retry_after, absl::Minutes(90));
  EXPECT_TRUE(absl::StrContains(RefusalStatus(v).message(), "retry in 1h30m")) << RefusalStatus(v);
}

TEST(IdentityLimits, AnAddressMaySendItsLimitPerWindowAndZeroTurnsTheLimitOff) {
  Policy policy;
  const absl::Time now = Beijing(2026, 3, 10, 14, 45);
  SendVerdict v = JudgeSend(policy, now, Counts(std::nullopt, 1, 20));
  EXPECT_FALSE(v.refusal.has_value());
  EXPECT_EQ(v.resend_after, Beijing(2026, 3, 10, 15));
  v = JudgeSend(policy, now, Counts(std::nullopt, 1, 21));
  ASSERT_TRUE(v.refusal.has_value());
  EXPECT_EQ(*v.refusal, SendRefusal::kAddressLimit);
  EXPECT_EQ(v.retry_after, absl::Minutes(15));
  policy.address_limit.count = 0;
  EXPECT_FALSE(JudgeSend(policy, now, Counts(std::nullopt, 1, 500)).refusal);
}

TEST(IdentityLimits, RefusalsNameTheLimitAndNeverTheAccount) {
  const Policy policy;
  const absl::Time now = kStart;
  for (const SendCounts& counts :
       {Counts(now, 1, 1), Counts(std::nullopt, 11, 1), Counts(std::nullopt, 1, 21)}) {
    const absl::Status s = RefusalStatus(JudgeSend(policy, now, counts));
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_TRUE(absl::StrContains(s.message(), "retry in")) << s;
    EXPECT_FALSE(absl::StrContains(s.message(), "account")) << s;
    EXPECT_FALSE(absl::StrContains(s.message(), "complaint")) << s;
    EXPECT_FALSE(absl::StrContains(s.message(), "registered")) << s;
  }
}

TEST(IdentityLimits, TooSoonIsCheckedBeforeTheDailyLimit) {
  const Policy policy;
  SendVerdict v = JudgeSend(policy, kStart, Counts(kStart - absl::Seconds(30), 11, 0));
  ASSERT_TRUE(v.refusal.has_value());
  EXPECT_EQ(*v.refusal, SendRefusal::kTooSoon);
}

// ---- trying codes

CodeRecord FreshCode(absl::Time now) {
  CodeRecord code;
  code.code_hash = "h";
  code.sent_at = now;
  code.expires_at = now + absl::Minutes(5);
  return code;
}

TEST(IdentityCodes, TheRightCodeSignsInOnce) {
  time::FakeClock clock(kStart);
  const Policy policy;
  CodeRecord code = FreshCode(clock.Now());
  clock.Advance(absl::Minutes(4));
  CodeAttempt a = TryCode(policy, &code, true, clock.Now());
  EXPECT_EQ(a.verdict, CodeVerdict::kAccepted);
  EXPECT_EQ(code.used_at, clock.Now());
  EXPECT_TRUE(CodeAttemptStatus(a).ok());
  EXPECT_EQ(TryCode(policy, &code, true, clock.Now()).verdict, CodeVerdict::kNoUsableCode);
}

TEST(IdentityCodes, FiveWrongTriesKillTheCode) {
  time::FakeClock clock(kStart);
  const Policy policy;
  CodeRecord code = FreshCode(clock.Now());
  for (int i = 1; i <= 4; ++i) {
    CodeAttempt a = TryCode(policy, &code, false, clock.Now());
    EXPECT_EQ(a.verdict, CodeVerdict::kWrong);
    EXPECT_EQ(a.attempts_left, 5 - i);
    EXPECT_EQ(code.attempts, i);
    EXPECT_EQ(CodeAttemptStatus(a).code(), absl::StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(CodeAttemptStatus(TryCode(policy, &code, false, clock.Now())).message(),
            "code: wrong sign-in code and no tries left; request a new code");
  EXPECT_EQ(code.attempts, 5);
  // Dead even for the right code, and later tries count nothing.
  CodeAttempt after = TryCode(policy, &code, true, clock.Now());
  EXPECT_EQ(after.verdict, CodeVerdict::kNoUsableCode);
  EXPECT_EQ(code.attempts, 5);
  EXPECT_FALSE(code.used_at.has_value());
  EXPECT_EQ(CodeAttemptStatus(after).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(CodeAttemptStatus(after).message(), "request a new code"));
}

TEST(IdentityCodes, ACodeExpiresAfterFiveMinutes) {
  time::FakeClock clock(kStart);
  const Policy policy;
  CodeRecord code = FreshCode(clock.Now());
  clock.Advance(absl::Minutes(5));
  EXPECT_FALSE(IsUsable(policy, code, clock.Now()));
  EXPECT_EQ(TryCode(policy, &code, true, clock.Now()).verdict, CodeVerdict::kNoUsableCode);
  EXPECT_EQ(TryCode(policy, &code, false, clock.Now()).verdict, CodeVerdict::kNoUsableCode);
  EXPECT_EQ(code.attempts, 0);
  EXPECT_EQ(TryCode(policy, nullptr, false, clock.Now()).verdict, CodeVerdict::kNoUsableCode);
}

// ---- refresh tokens

TEST(IdentityRefresh, ATokenWorksOnceUntilItExpires) {
  time::FakeClock clock(kStart);
  RefreshRecord t = Token(kStart + absl::Hours(720));
  EXPECT_EQ(JudgeRefresh(t, clock.Now()), RefreshVerdict::kValid);
  EXPECT_EQ(JudgeRefresh(std::nullopt, clock.Now()), RefreshVerdict::kUnknown);
  clock.Advance(absl::Hours(720));
  EXPECT_EQ(JudgeRefresh(t, clock.Now()), RefreshVerdict::kExpired);
}

TEST(IdentityRefresh, ATradedTokenPresentedAgainIsReuseEvenAfterExpiry) {
  RefreshRecord t = Token(kStart + absl::Hours(1));
  t.rotated_at = kStart;
  EXPECT_EQ(JudgeRefresh(t, kStart + absl::Minutes(1)), RefreshVerdict::kReused);
  EXPECT_EQ(JudgeRefresh(t, kStart + absl::Hours(2)), RefreshVerdict::kReused);
  t.revoked_at = kStart + absl::Minutes(1);  // the family already ended
  EXPECT_EQ(JudgeRefresh(t, kStart + absl::Minutes(2)), RefreshVerdict::kRevoked);
}

TEST(IdentityRefresh, EveryUselessTokenGetsTheSameAnswer) {
  const absl::Status s = InvalidRefreshToken();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(s.message(), "refresh_token: not valid; sign in again");
}

}  // namespace
}  // namespace tousu::identity
