// Sending: each channel's pass hands due deliveries to its sender and records the outcome.

#include <openssl/sha.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/auth/caller.h"
#include "common/client/channel.h"
#include "common/log/log.h"
#include "common/log/mask.h"
#include "common/time/proto_time.h"
#include "complaints/analytics/v1/events.pb.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/notification/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/notification/channels/email_sender.h"
#include "services/notification/channels/sms_provider.h"
#include "services/notification/channels/webhook_sender.h"
#include "services/notification/domain/event_notices.h"
#include "services/notification/notification_service.h"
#include "services/notification/service_support.h"

namespace tousu::notification {

namespace iv1 = complaints::intake::v1;
using server::RunUnary;

// ---- sending --------------------------------------------------------------------------------

absl::StatusOr<int> NotificationService::SendDue(const std::string& channel) {
  auto sender_it = channels_.senders.find(channel);
  if (sender_it == channels_.senders.end()) return 0;  // off: its deliveries wait
  int handed_over = 0;
  // Small batches, each inside its lease, for as long as full ones come back (a burst).
  for (int round = 0; round < kSendRoundsPerPass; ++round) {
    std::vector<DeliveryRow> claimed;
    auto s = db::RunInTransaction(rt_.pool(),
                                  [&](db::Transaction& tx) {
                                    claimed = ClaimDue(tx, channel, Now(), settings_.send_lease,
                                                       kSendBatch);
                                    return absl::OkStatus();
                                  },
                                  {.read_committed = true});
    if (!s.ok()) return s;
    for (const auto& d : claimed) {
      if (auto known = AlreadyAccepted(d)) {
        Settle(d, *known);
        continue;
      }
      OutgoingMessage m;
      m.delivery_id = absl::StrCat(d.id);
      m.address = d.channel == kWebhook ? settings_.staff_webhook_url : d.address;
      m.recipient_name = d.recipient_name;
      m.subject = d.subject;
      m.text = d.body;
      m.provider_template = d.provider_template;
      m.template_params = d.provider_params;
      if (d.recipient == kCustomerRecipient) {
        m.unsubscribe_url = absl::StrCat(settings_.app_base_url, "/settings/notifications");
      }
      SendResult result = sender_it->second->Send(m);
      latency_->Add({{"channel", channel}}, prometheus::Histogram::BucketBoundaries{})
          .Observe(absl::ToDoubleSeconds(result.latency));
      Settle(d, result);
    }
    handed_over += static_cast<int>(claimed.size());
    if (static_cast<int>(claimed.size()) < kSendBatch) break;
  }
  if (handed_over > 0) RefreshBacklogGauges();
  return handed_over;
}

std::optional<SendResult> NotificationService::AlreadyAccepted(const DeliveryRow& d) {
  // An earlier attempt was handed over but its outcome never recorded (the sender died or its
  // lease ran out). The SMS provider does not deduplicate: ask it for our OutId first.
  const bool in_doubt = d.attempts - 1 > d.settled_attempts;
  if (!in_doubt || d.channel != kSms || !channels_.sms_find_sent) return std::nullopt;
  auto found = channels_.sms_find_sent(d.address, absl::StrCat(d.id), d.fell_due_at);
  if (!found.ok()) {
    SendResult wait;
    wait.outcome = SendResult::Outcome::kRetryLater;
    wait.error = "in doubt: the provider could not be asked";
    return wait;
  }
  if (!found->has_value()) return std::nullopt;  // it never went out: send it now
  in_doubt_found_.With({d.channel}).Increment();
  SendResult sent;
  sent.outcome = SendResult::Outcome::kAccepted;
  sent.provider_id = **found;
  return sent;
}

void NotificationService::Settle(const DeliveryRow& d, const SendResult& result) {
  const absl::Time now = Now();
  const bool customer = d.recipient == kCustomerRecipient;
  const std::string topic = templates_.Find(d.kind) ? templates_.Find(d.kind)->topic : d.kind;
  std::string outcome;
  auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    auto row = LockDelivery(tx, d.id);
    if (!row || row->state != kPending) return absl::OkStatus();  // settled elsewhere
    if (result.outcome == SendResult::Outcome::kAccepted) {
      MarkSent(tx, d.id, now, result.provider_id);
      outcome = "sent";
      if (customer) {
        complaints::notification::v1::CustomerNotified event;
        event.set_number(d.number);
        event.set_kind(d.kind);
        event.set_channel(ChannelEnum(d.channel));
        event.set_topic(topic);
        time::ToProto(now, event.mutable_at());
        event.set_delivery_id(absl::StrCat(d.id));
        rt_.outbox().Append(tx, d.number, event);
      }
      return absl::OkStatus();
    }
    const bool give_up = result.outcome == SendResult::Outcome::kPermanentFailure ||
                         row->attempts >= settings_.policy.max_attempts;
    if (!give_up) {
      MarkRetry(tx, d.id, now + Backoff(settings_.policy, row->attempts), result.error);
      outcome = "retry";
      return absl::OkStatus();
    }
    MarkDead(tx, d.id, result.error);
    outcome = result.outcome == SendResult::Outcome::kPermanentFailure ? "failed" : "dead";
    if (customer) {
      complaints::notification::v1::CustomerNotificationFailed event;
      event.set_number(d.number);
      event.set_kind(d.kind);
      event.set_channel(ChannelEnum(d.channel));
      event.set_topic(topic);
      time::ToProto(now, event.mutable_at());
      event.set_delivery_id(absl::StrCat(d.id));
      event.set_attempts(row->attempts);
      rt_.outbox().Append(tx, d.number, event);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) {
    // The lease runs out and the delivery is tried again: an SMS is first looked up by its
    // OutId (AlreadyAccepted); an email or chat message may go out twice.
    log::Warn("delivery outcome not recorded", {{"delivery", d.id}, {"error", s.ToString()}});
    return;
  }
  if (outcome.empty()) return;
  deliveries_.With({d.channel, d.kind, outcome}).Increment();
  log::Info("delivery", {{"delivery", d.id},
                         {"channel", d.channel},
                         {"template", d.kind},
                         {"to", MaskedAddress(d)},
                         {"outcome", outcome},
                         {"attempt", d.attempts},
                         {"error", result.error}});
}

absl::StatusOr<int> NotificationService::CheckReceipts() {
  if (!channels_.sms_receipt) return 0;
  std::vector<DeliveryRow> rows;
  auto s = db::RunInTransaction(rt_.pool(),
                                [&](db::Transaction& tx) {
                                  rows = AwaitingReceipt(tx, Now() - absl::Hours(48), 100);
                                  return absl::OkStatus();
                                },
                                {.read_committed = true});
  if (!s.ok()) return s;
  int recorded = 0;
  for (const auto& d : rows) {
    auto receipt = channels_.sms_receipt(d.address, d.provider_id, *d.sent_at);
    if (!receipt.ok() || *receipt == ReceiptState::kWaiting) continue;
    const std::string value = *receipt == ReceiptState::kDelivered ? "delivered" : "undelivered";
    s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      RecordReceipt(tx, d.id, value, Now());
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    ++recorded;
  }
  return recorded;
}

}  // namespace tousu::notification
