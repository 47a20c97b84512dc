#include "services/notification/domain/delivery_rules.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "common/time/beijing_zone.h"
#include "services/notification/domain/notice_kinds.h"

namespace tousu::notification {

absl::Time EarliestSend(const DeliveryPolicy& policy, absl::Time now, bool urgent) {
  if (urgent || policy.quiet_start_hour == policy.quiet_end_hour) return now;
  const auto& zone = time::BeijingZone();
  const absl::CivilSecond local = absl::ToCivilSecond(now, zone);
  const int hour = local.hour();
  // The quiet window may wrap midnight (22 -> 8) or not (1 -> 6).
  const bool wraps = policy.quiet_start_hour > policy.quiet_end_hour;
  const bool quiet = wraps ? (hour >= policy.quiet_start_hour || hour < policy.quiet_end_hour)
                           : (hour >= policy.quiet_start_hour && hour < policy.quiet_end_hour);
  if (!quiet) return now;
  absl::CivilDay day = absl::CivilDay(local);
  if (wraps && hour >= policy.quiet_start_hour) day += 1;  // evening: the next morning
  return absl::FromCivil(absl::CivilHour(day.year(), day.month(), day.day(), policy.quiet_end_hour),
                         zone);
}

absl::Time BeijingDayStart(absl::Time t) {
  const auto& zone = time::BeijingZone();
  return absl::FromCivil(absl::CivilDay(absl::ToCivilSecond(t, zone)), zone);
}

absl::Duration Backoff(const DeliveryPolicy& policy, int attempts) {
  absl::Duration d = policy.first_backoff;
  for (int i = 1; i < attempts && d < policy.max_backoff; ++i) d *= 2;
  return std::min(d, policy.max_backoff);
}

std::string CustomerSuppression(const DeliveryPolicy& policy, const CustomerPreferences& prefs,
                                const std::string& channel, bool essential, bool has_address,
                                int sent_today) {
  if (channel == kInApp) return "";  // the app's notices are the record: always kept
  // What the policy requires reaches the customer's phone whatever they chose.
  if (channel == kSms && !prefs.sms && !essential) return "channel_off";
  if (channel == kEmail && !prefs.email) return "channel_off";
  if (!has_address) return "no_address";
  if (essential) return "";
  if (prefs.essential_only) return "opted_out";
  if (sent_today >= policy.daily_cap) return "daily_cap";
  return "";
}

std::string FormatForPeople(absl::Time t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t, time::BeijingZone());
  return absl::StrFormat("%d年%d月%d日 %02d:%02d", c.year(), c.month(), c.day(), c.hour(),
                         c.minute());
}

}  // namespace tousu::notification
