#include "services/identity/domain/sign_in_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace tousu::identity {
namespace {

// 1970-01-01 00:00 in Beijing: the origin every window counts from.
const absl::Time kWindowOrigin = absl::UnixEpoch() - absl::Hours(8);

std::string Wait(absl::Duration d) {
  return absl::FormatDuration(absl::Ceil(std::max(d, absl::Seconds(1)), absl::Seconds(1)));
}

}  // namespace

Window WindowAt(absl::Time now, absl::Duration per) {
  const absl::Time start = kWindowOrigin + absl::Floor(now - kWindowOrigin, per);
  return {start, start + per};
}

const char* SendRefusalLabel(SendRefusal refusal) {
  switch (refusal) {
    case SendRefusal::kTooSoon:
      return "too_soon";
    case SendRefusal::kPhoneLimit:
      return "phone_limit";
    case SendRefusal::kAddressLimit:
      return "address_limit";
  }
  return "unknown";
}

SendVerdict JudgeSend(const Policy& policy, absl::Time now, const SendCounts& counts) {
  SendVerdict v;
  if (counts.last_sent_at && now < *counts.last_sent_at + policy.resend_interval) {
    v.refusal = SendRefusal::kTooSoon;
    v.retry_after = *counts.last_sent_at + policy.resend_interval - now;
    return v;
  }
  const SendLimit& phone = policy.phone_limit;
  if (phone.count > 0 && counts.phone_sends > phone.count) {
    v.refusal = SendRefusal::kPhoneLimit;
    v.retry_after = WindowAt(now, phone.per).end - now;
    return v;
  }
  const SendLimit& address = policy.address_limit;
  if (address.count > 0 && counts.address_sends > address.count) {
    v.refusal = SendRefusal::kAddressLimit;
    v.retry_after = WindowAt(now, address.per).end - now;
    return v;
  }
  // The next code: after the interval, and after the window of any limit this send used up.
  v.resend_after = now + policy.resend_interval;
  if (phone.count > 0 && counts.phone_sends >= phone.count) {
    v.resend_after = std::max(v.resend_after, WindowAt(now, phone.per).end);
  }
  if (address.count > 0 && counts.address_sends >= address.count) {
    v.resend_after = std::max(v.resend_after, WindowAt(now, address.per).end);
  }
  return v;
}

absl::Status RefusalStatus(const SendVerdict& verdict) {
  if (!verdict.refusal) return absl::OkStatus();
  const std::string wait = Wait(verdict.retry_after);
  switch (*verdict.refusal) {
    case SendRefusal::kTooSoon:
      return absl::ResourceExhaustedError(absl::StrCat(
          "rate limit: a sign-in code was sent to this number moments ago; retry in ", wait));
    case SendRefusal::kPhoneLimit:
      return absl::ResourceExhaustedError(absl::StrCat(
          "rate limit: too many sign-in codes for this number today; retry in ", wait));
    case SendRefusal::kAddressLimit:
      return absl::ResourceExhaustedError(absl::StrCat(
          "rate limit: too many sign-in codes requested from this address; retry in ", wait));
  }
  return absl::ResourceExhaustedError(absl::StrCat("rate limit: retry in ", wait));
}

bool IsUsable(const Policy& policy, const CodeRecord& code, absl::Time now) {
  return !code.used_at && now < code.expires_at && code.attempts < policy.max_attempts;
}

const char* CodeVerdictLabel(CodeVerdict verdict) {
  switch (verdict) {
    case CodeVerdict::kAccepted:
      return "signed_in";
    case CodeVerdict::kWrong:
      return "wrong_code";
    case CodeVerdict::kWrongAndExhausted:
      return "code_exhausted";
    case CodeVerdict::kNoUsableCode:
      return "no_usable_code";
  }
  return "unknown";
}

CodeAttempt TryCode(const Policy& policy, CodeRecord* code, bool matches, absl::Time now) {
  if (code == nullptr || !IsUsable(policy, *code, now)) return {CodeVerdict::kNoUsableCode, 0};
  if (matches) {
    code->used_at = now;
    return {CodeVerdict::kAccepted, policy.max_attempts - code->attempts};
  }
  ++code->attempts;
  const int left = policy.max_attempts - code->attempts;
  return {left > 0 ? CodeVerdict::kWrong : CodeVerdict::kWrongAndExhausted, left};
}

absl::Status CodeAttemptStatus(const CodeAttempt& attempt) {
  switch (attempt.verdict) {
    case CodeVerdict::kAccepted:
      return absl::OkStatus();
    case CodeVerdict::kWrong:
      return absl::UnauthenticatedError(
          absl::StrCat("code: wrong sign-in code; ", attempt.attempts_left,
                       attempt.attempts_left == 1 ? " try" : " tries", " left"));
    case CodeVerdict::kWrongAndExhausted:
      return absl::FailedPreconditionError(
          "code: wrong sign-in code and no tries left; request a new code");
    case CodeVerdict::kNoUsableCode:
      break;
  }
  return absl::FailedPreconditionError(
      "code: no usable sign-in code for this number (expired, used or too many wrong tries); "
      "request a new code");
}

const char* RefreshVerdictLabel(RefreshVerdict verdict) {
  switch (verdict) {
    case RefreshVerdict::kValid:
      return "rotated";
    case RefreshVerdict::kUnknown:
      return "unknown";
    case RefreshVerdict::kRevoked:
      return "revoked";
    case RefreshVerdict::kReused:
      return "reused";
    case RefreshVerdict::kExpired:
      return "expired";
  }
  return "unknown";
}

RefreshVerdict JudgeRefresh(const std::optional<RefreshRecord>& token, absl::Time now) {
  if (!token) return RefreshVerdict::kUnknown;
  if (token->revoked_at) return RefreshVerdict::kRevoked;
  // Before expiry: a traded token presented again means a copy exists, however old it is.
  if (token->rotated_at) return RefreshVerdict::kReused;
  if (now >= token->expires_at) return RefreshVerdict::kExpired;
  return RefreshVerdict::kValid;
}

absl::Status InvalidRefreshToken() {
  return absl::UnauthenticatedError("refresh_token: not valid; sign in again");
}

}  // namespace tousu::identity
