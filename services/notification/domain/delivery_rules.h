#pragma once
// When and whether a message goes out: quiet hours, the customer's choices and the daily cap,
// retries with backoff. Pure functions of their inputs (the clock is passed in).

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace tousu::notification {

struct DeliveryPolicy {
  // Non-urgent customer messages are held from quiet_start to quiet_end, Beijing time.
  int quiet_start_hour = 22;
  int quiet_end_hour = 8;
  // Non-essential SMS/email messages a customer receives per Beijing day, at most.
  int daily_cap = 5;
  // With the backoff below, about six hours of a provider's outage before a dead letter.
  int max_attempts = 20;
  absl::Duration first_backoff = absl::Seconds(10);
  absl::Duration max_backoff = absl::Minutes(30);
};

// The earliest time a message created at `now` may be sent: `now`, or the end of the quiet hours
// it falls in when it is not urgent.
absl::Time EarliestSend(const DeliveryPolicy& policy, absl::Time now, bool urgent);

// The start of the Beijing day `t` falls in (the daily cap's window).
absl::Time BeijingDayStart(absl::Time t);

// When to try again after `attempts` failed tries: first_backoff doubling, capped at max_backoff.
absl::Duration Backoff(const DeliveryPolicy& policy, int attempts);

// The customer's preferences as stored.
struct CustomerPreferences {
  bool sms = true;
  bool email = true;  // reaches only customers who gave an address
  bool essential_only = false;
};

// Why a channel's message is not sent to a customer ("" = it is sent). A notice the policy
// requires always goes by SMS and to the app; otherwise: "opted_out" (a
// non-essential notice and the customer chose essential only), "daily_cap" (non-essential, and
// `sent_today` non-essential messages already went out today), "channel_off", "no_address".
std::string CustomerSuppression(const DeliveryPolicy& policy, const CustomerPreferences& prefs,
                                const std::string& channel, bool essential, bool has_address,
                                int sent_today);

// The notice's text in Beijing time for people: "2026年12月9日 18:00".
std::string FormatForPeople(absl::Time t);

}  // namespace tousu::notification
