#pragma once
// The sign-in rules, pure and clock-free (the caller passes `now` from the injected clock):
// when a code may be sent, what one try of a code does, and what a refresh token presented is
// worth. The handlers load rows, ask these functions, and save what they changed.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace tousu::identity {

// At most `count` sends per fixed window of `per`; count 0 = no limit.
struct SendLimit {
  int count = 0;
  absl::Duration per = absl::Hours(1);
};

struct Policy {
  static constexpr int kCodeLength = 6;
  absl::Duration code_ttl = absl::Minutes(5);
  int max_attempts = 5;                               // wrong tries that kill a code
  absl::Duration resend_interval = absl::Minutes(1);  // between two codes to one number
  SendLimit phone_limit{10, absl::Hours(24)};         // per number, per Beijing day
  SendLimit address_limit{20, absl::Hours(1)};        // per client address
  absl::Duration access_ttl = absl::Minutes(15);
  absl::Duration refresh_ttl = absl::Hours(24 * 30);
  absl::Duration code_retention = absl::Hours(24);  // then the code row is deleted
};

// A fixed counting window [start, end).
struct Window {
  absl::Time start;
  absl::Time end;
};
// The window of length `per` holding `now`. Windows are aligned to midnight in Beijing
// (UTC+8), so a one-day limit is a calendar day there, and hours start on the hour.
Window WindowAt(absl::Time now, absl::Duration per);

// ---- sending codes

// What the database says about a send about to happen.
struct SendCounts {
  std::optional<absl::Time> last_sent_at;  // the number's newest code, if any
  int phone_sends = 0;                     // codes to the number in its window, this one included
  int address_sends = 0;  // codes from the address in its window, this one included
};

enum class SendRefusal { kTooSoon, kPhoneLimit, kAddressLimit };
const char* SendRefusalLabel(SendRefusal refusal);  // "too_soon", "phone_limit", "address_limit"

struct SendVerdict {
  std::optional<SendRefusal> refusal;
  absl::Duration retry_after;  // refused: how long until a request can succeed
  absl::Time resend_after;     // allowed: the earliest time the next code can be sent
};
// Checks the resend interval, then the number's limit, then the address's.
SendVerdict JudgeSend(const Policy& policy, absl::Time now, const SendCounts& counts);
// RESOURCE_EXHAUSTED saying how long to wait (whole seconds, rounded up). The words depend only
// on the limit hit, never on whether the number has an account.
absl::Status RefusalStatus(const SendVerdict& verdict);

// ---- trying a code

// The stored state of a number's newest code.
struct CodeRecord {
  std::string code_hash;
  absl::Time sent_at;
  absl::Time expires_at;
  int attempts = 0;  // wrong tries so far
  std::optional<absl::Time> used_at;
};
bool IsUsable(const Policy& policy, const CodeRecord& code, absl::Time now);

enum class CodeVerdict {
  kAccepted,
  kWrong,              // wrong; tries are left
  kWrongAndExhausted,  // wrong, and that was the last try
  kNoUsableCode,       // none sent, expired, used, or out of tries: nothing was counted
};
const char* CodeVerdictLabel(CodeVerdict verdict);  // metrics: signed_in, wrong_code, ...

struct CodeAttempt {
  CodeVerdict verdict = CodeVerdict::kNoUsableCode;
  int attempts_left = 0;
};
// One try: `matches` says whether the code sent hashes to the stored one. Updates `code`
// (attempts, or used_at when accepted); a null `code` is kNoUsableCode.
CodeAttempt TryCode(const Policy& policy, CodeRecord* code, bool matches, absl::Time now);
// The error a failed try is answered with (OK for kAccepted): UNAUTHENTICATED for a wrong code
// with tries left, FAILED_PRECONDITION ("request a new code") otherwise.
absl::Status CodeAttemptStatus(const CodeAttempt& attempt);

// ---- refresh tokens

struct RefreshRecord {
  std::string family_id;
  std::string account_id;
  std::string phone;  // the account's
  absl::Time issued_at;
  absl::Time expires_at;
  std::optional<absl::Time> rotated_at;  // traded for a newer token
  std::optional<absl::Time> revoked_at;  // its family signed out (or caught reused)
};

enum class RefreshVerdict {
  kValid,
  kUnknown,
  kRevoked,
  kReused,  // already traded: someone else holds a copy; revoke the family
  kExpired,
};
const char* RefreshVerdictLabel(RefreshVerdict verdict);  // "rotated", "unknown", ...
RefreshVerdict JudgeRefresh(const std::optional<RefreshRecord>& token, absl::Time now);
// The one answer to every refresh token that does not work, whatever the reason.
absl::Status InvalidRefreshToken();

}  // namespace tousu::identity
