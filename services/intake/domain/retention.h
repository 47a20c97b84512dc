#pragma once
// Retention of customers' personal data (PIPL): a set time after a complaint closed, its
// customer's name, phone and email are replaced, and the copies of exactly those values in the
// complaint's free text are blanked. Every figure (status, category, department, dates,
// satisfaction, cycle) stays, so analytics and reports count the same. Pure rules; the job that
// applies them to the database is services/intake/retention.h.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tousu::intake {

// What an anonymised complaint's customer name reads; phone and email become "".
inline constexpr char kAnonymisedName[] = "已匿名";
// What replaces a copy of the customer's own name, phone or email inside free text: two
// characters, never longer than what it replaces, so a bounded column (the timeline's 500) fits.
inline constexpr char kRedactedContact[] = "**";
// 3 years after closing, unless TOUSU_INTAKE_RETENTION_AFTER_CLOSE says otherwise.
inline constexpr absl::Duration kDefaultRetentionAfterClose = absl::Hours(24 * 1095);

// TOUSU_INTAKE_RETENTION_AFTER_CLOSE: "1095d" (whole days) or absl syntax ("26280h", "90m").
// "0" (any zero duration) turns anonymisation off: returns nullopt. Negative, infinite or
// malformed values are an error.
absl::StatusOr<std::optional<absl::Duration>> ParseRetentionAfterClose(std::string_view text);

// The complaints to anonymise now: CLOSED, not yet anonymised, closed at or before this time.
inline absl::Time AnonymiseClosedAtOrBefore(absl::Time now, absl::Duration after_close) {
  return now - after_close;
}
// The same rule for one record (the SQL selection in retention.cc says it again as a WHERE).
bool ShouldAnonymise(bool closed, std::optional<absl::Time> closed_at, bool already_anonymised,
                     absl::Time now, absl::Duration after_close);

struct CustomerContact {
  std::string name, phone, phone_key, email;
};
// `text` with every occurrence of the customer's own name (two characters or more), phone (as
// stored and as its digits-only key, six digits or more) and email replaced by kRedactedContact.
// Other people's data and anything not equal to these values is left as it was: only the
// customer's stored values can be found reliably.
std::string RedactContact(std::string_view text, const CustomerContact& contact);

}  // namespace tousu::intake
