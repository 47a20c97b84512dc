#pragma once
// The notification service's SQL: notices, deliveries, preferences. Every function runs inside
// the caller's transaction.

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "services/notification/domain/delivery_rules.h"
#include "services/notification/domain/templates.h"

namespace tousu::notification {

struct NoticeRow {
  int64_t id = 0;
  std::string event_id, number, kind, recipient;
  Variables variables;
  absl::Time created_at;
  bool planned = false;
};

struct DeliveryRow {
  int64_t id = 0;
  int64_t notice_id = 0;
  std::string number, kind, recipient;  // from the notice
  std::string channel, state, suppressed_reason, address, recipient_name, subject, body;
  std::string provider_template;
  std::vector<std::pair<std::string, std::string>> provider_params;
  bool essential = true;
  int attempts = 0;
  int settled_attempts = 0;
  absl::Time next_attempt_at, created_at;
  // ClaimDue only: when the row fell due. For an attempt in doubt that is when its lease ran
  // out, within a lease of the moment it was handed over.
  absl::Time fell_due_at;
  std::optional<absl::Time> sent_at;
  std::string last_error, provider_id, receipt;
};

// Delivery states as stored (DeliveryState in notification.proto).
inline constexpr char kPending[] = "pending";
inline constexpr char kSent[] = "sent";
inline constexpr char kDelivered[] = "delivered";
inline constexpr char kDead[] = "dead";
inline constexpr char kSuppressed[] = "suppressed";

// False when (event_id, recipient) exists already.
bool InsertNotice(db::Transaction& tx, const NoticeRow& notice);
// Notices not planned yet whose planning is due at `now`, longest waiting first.
std::vector<NoticeRow> UnplannedNotices(db::Transaction& tx, absl::Time now, int limit);
// Planning failed (a recipient could not be resolved): tried again later, with a growing delay.
// Returns the attempts so far.
int DeferPlanning(db::Transaction& tx, int64_t id, absl::Time now);
int64_t CountUnplanned(db::Transaction& tx);
// The notice, locked; nullopt when gone.
std::optional<NoticeRow> LockNotice(db::Transaction& tx, int64_t id);
void MarkPlanned(db::Transaction& tx, int64_t id, absl::Time at, const std::string& customer_id,
                 const std::string& phone_key);
// False when (notice, channel) exists already.
bool InsertDelivery(db::Transaction& tx, const DeliveryRow& delivery);

// Customer messages (SMS and email, not suppressed) counted against the daily cap: non-essential
// ones to `phone_key` created since `since`.
int CountNonEssentialSince(db::Transaction& tx, const std::string& phone_key, absl::Time since);

// Pending deliveries of `channel` due at `now`, claimed: attempts + 1 and hidden until
// now + lease. SKIP LOCKED: replicas claim different rows.
std::vector<DeliveryRow> ClaimDue(db::Transaction& tx, const std::string& channel, absl::Time now,
                                  absl::Duration lease, int limit);
std::optional<DeliveryRow> LockDelivery(db::Transaction& tx, int64_t id);
// Each records the outcome of the delivery's attempts so far (settled_attempts = attempts).
void MarkSent(db::Transaction& tx, int64_t id, absl::Time at, const std::string& provider_id);
void MarkRetry(db::Transaction& tx, int64_t id, absl::Time next, const std::string& error);
void MarkDead(db::Transaction& tx, int64_t id, const std::string& error);
void ResetForRetry(db::Transaction& tx, int64_t id, absl::Time now);
void RecordReceipt(db::Transaction& tx, int64_t id, const std::string& receipt, absl::Time at);
// Sent SMS without a final receipt, sent after `since`, whose provider id is known (one found
// again by its OutId has none to ask by).
std::vector<DeliveryRow> AwaitingReceipt(db::Transaction& tx, absl::Time since, int limit);

std::vector<DeliveryRow> DeliveriesInState(db::Transaction& tx, const std::string& state,
                                           int limit);
// Per channel: pending deliveries and the creation time of the oldest one that is due (or was
// tried already); one held for the quiet hours is not counted as waiting.
struct PendingStats {
  std::string channel;
  int64_t pending = 0;
  std::optional<absl::Time> oldest;
};
std::vector<PendingStats> PendingByChannel(db::Transaction& tx, absl::Time now);

// The in-app notices of a customer (account id or phone key), newest first, below `before_id`
// (0: from the newest).
struct InAppNotice {
  int64_t id;
  std::string number, kind, text;
  absl::Time created_at;
};
std::vector<InAppNotice> CustomerNotices(db::Transaction& tx, const std::string& customer_id,
                                         const std::string& phone_key, int64_t before_id,
                                         int limit);

std::optional<CustomerPreferences> LoadPreferences(db::Transaction& tx,
                                                   const std::string& phone_key);
void SavePreferences(db::Transaction& tx, const std::string& phone_key,
                     const CustomerPreferences& prefs, absl::Time now);

// Retention: notices created before `cutoff`, their deliveries with them. Returns rows removed.
int64_t DeleteOlderThan(db::Transaction& tx, absl::Time cutoff, int limit);

}  // namespace tousu::notification
