#include "services/notification/notification_service.h"

#include <openssl/sha.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
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

namespace tousu::notification {

namespace iv1 = complaints::intake::v1;
using server::RunUnary;

namespace {

constexpr int kPlanBatch = 50;
constexpr int kSendBatch = 20;
// The address a staff webhook delivery carries: the URL itself is a secret kept in settings.
constexpr char kStaffWebhookAddress[] = "staff-webhook";

// 11 digits starting with 1 when `phone` is a mainland mobile in any accepted spelling ("+86
// 138-0013-8000"); empty otherwise (a landline receives no SMS).
std::string MobileDigits(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (absl::ascii_isdigit(c)) digits.push_back(c);
  }
  if (digits.size() == 13 && digits.starts_with("86")) digits.erase(0, 2);
  if (digits.size() != 11 || digits[0] != '1') return "";
  return digits;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  std::string out;
  for (unsigned char c : md) absl::StrAppendFormat(&out, "%02x", c);
  return out;
}

std::string MaskedAddress(const DeliveryRow& d) {
  if (d.channel == kSms) return log::MaskPhone(d.address);
  if (d.channel == kEmail) return log::MaskEmail(d.address);
  if (d.channel == kWebhook) return d.address;
  return absl::StrCat("app:", d.number);
}

nv1::Channel ChannelEnum(const std::string& channel) {
  if (channel == kSms) return nv1::CHANNEL_SMS;
  if (channel == kEmail) return nv1::CHANNEL_EMAIL;
  if (channel == kInApp) return nv1::CHANNEL_IN_APP;
  if (channel == kWebhook) return nv1::CHANNEL_WEBHOOK;
  return nv1::CHANNEL_UNSPECIFIED;
}

nv1::DeliveryState StateEnum(const std::string& state) {
  if (state == kPending) return nv1::DELIVERY_STATE_PENDING;
  if (state == kSent) return nv1::DELIVERY_STATE_SENT;
  if (state == kDelivered) return nv1::DELIVERY_STATE_DELIVERED;
  if (state == kDead) return nv1::DELIVERY_STATE_DEAD;
  if (state == kSuppressed) return nv1::DELIVERY_STATE_SUPPRESSED;
  return nv1::DELIVERY_STATE_UNSPECIFIED;
}

void ToProto(const DeliveryRow& d, nv1::Delivery* out) {
  out->set_id(absl::StrCat(d.id));
  out->set_number(d.number);
  out->set_kind(d.kind);
  out->set_channel(ChannelEnum(d.channel));
  out->set_state(StateEnum(d.state));
  out->set_masked_address(MaskedAddress(d));
  out->set_attempts(d.attempts);
  out->set_last_error(d.last_error);
  time::ToProto(d.created_at, out->mutable_created_at());
  if (d.state == kPending) time::ToProto(d.next_attempt_at, out->mutable_next_attempt_at());
}

// The customer behind a customer token: their account id and the key of their verified phone.
struct CustomerKeys {
  std::string customer_id, phone_key;
};
absl::StatusOr<CustomerKeys> CallerKeys() {
  const auth::Caller& caller = auth::CurrentCaller();
  CustomerKeys keys{caller.subject, ""};
  if (!caller.verified_phone.empty())
    keys.phone_key = Sha256Hex(MobileDigits(caller.verified_phone));
  return keys;
}

}  // namespace

Channels Channels::FromSettings(const Settings& settings) {
  Channels c;
  if (!settings.sms.endpoint.empty()) {
    auto sms = std::make_shared<SmsProvider>(settings.sms);
    c.senders[kSms] = sms;
    c.sms_receipt = [sms](const std::string& phone, const std::string& biz_id, absl::Time at) {
      return sms->QueryReceipt(phone, biz_id, at);
    };
  }
  if (!settings.email.smtp_url.empty()) {
    c.senders[kEmail] = std::make_shared<EmailSender>(settings.email);
  }
  if (!settings.staff_webhook_url.empty()) {
    c.senders[kWebhook] = std::make_shared<WebhookSender>(WebhookConfig{});
  }
  return c;
}

NotificationService::NotificationService(server::ServiceRuntime& rt, Settings settings,
                                         TemplateSet templates, Channels channels)
    : rt_(rt),
      settings_(std::move(settings)),
      templates_(std::move(templates)),
      channels_(std::move(channels)),
      directory_(settings_.staff_assessment_addr, settings_.call_timeout),
      deliveries_(rt.registry(), "tousu_notification_deliveries_total",
                  "Delivery outcomes by channel and template (the notice's event): sent, retry "
                  "(a failed try that will be repeated), failed (given up on a permanent "
                  "error), dead (given up after every attempt), suppressed (the customer's "
                  "choice or the daily cap).",
                  {"channel", "template", "outcome"}),
      pending_(rt.registry(), "tousu_notification_pending",
               "Deliveries waiting to be sent, by channel (quiet hours, backoff, a channel "
               "that is down or not configured).",
               {"channel"}),
      oldest_pending_(rt.registry(), "tousu_notification_oldest_pending_seconds",
                      "Age of the oldest delivery still waiting, by channel (0 when none).",
                      {"channel"}) {
  latency_ = &prometheus::BuildHistogram()
                  .Name("tousu_notification_provider_latency_seconds")
                  .Help("Time the SMS provider, mail server or webhook took to answer a send.")
                  .Register(rt.registry());
  client::ChannelOptions intake_options;
  intake_options.idempotent_methods = {"complaints.intake.v1.IntakeService/GetComplaint"};
  intake_ = iv1::IntakeService::NewStub(client::MakeChannel(settings_.intake_addr, intake_options));

  for (const char* channel : {kSms, kEmail, kWebhook, kInApp}) {
    pending_.With({channel});
    oldest_pending_.With({channel});
    latency_->Add({{"channel", channel}}, prometheus::Histogram::BucketBoundaries{
                                              0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
    for (const auto& kind : NoticeKinds()) {
      if (!templates_.Find(kind.name) || !templates_.Find(kind.name)->channels.contains(channel)) {
        continue;
      }
      for (const char* outcome : {"sent", "retry", "failed", "dead", "suppressed"}) {
        deliveries_.With({channel, kind.name, outcome});
      }
    }
  }

  auto& sink = rt.event_sink();
  auto on_any = [this](db::Transaction& tx, const complaints::common::v1::Event& event) {
    const absl::Time now = Now();
    for (const auto& request : NoticesFor(event)) {
      NoticeRow notice;
      notice.event_id = event.event_id();
      notice.number = request.variables.contains("number") ? request.variables.at("number") : "";
      notice.kind = request.kind;
      notice.recipient = request.recipient;
      notice.variables = request.variables;
      notice.created_at = now;
      InsertNotice(tx, notice);
    }
    tx.OnCommit([this] { rt_.executor().TrySubmit([this] { (void)PlanPending(); }); });
    return absl::OkStatus();
  };
  auto any = [on_any](db::Transaction& tx, const auto&, const complaints::common::v1::Event& e) {
    return on_any(tx, e);
  };
  sink.On<iv1::ComplaintReceived>(any);
  sink.On<complaints::routing::v1::AcknowledgementOverdue>(any);
  sink.On<complaints::casehandling::v1::CaseOpened>(any);
  sink.On<complaints::casehandling::v1::SolutionDeadlineExtended>(any);
  sink.On<complaints::casehandling::v1::SolutionProposed>(any);
  sink.On<complaints::casehandling::v1::SolutionDeadlineMissed>(any);
  sink.On<complaints::casehandling::v1::ImplementationProgressRecorded>(any);
  sink.On<complaints::casehandling::v1::CaseResolved>(any);
  sink.On<complaints::casehandling::v1::CaseReopened>(any);
  sink.On<complaints::followup::v1::ProgressUpdateRecorded>(any);
  sink.On<complaints::followup::v1::CallbackScheduled>(any);
  sink.On<complaints::followup::v1::CallbackOverdue>(any);
  sink.On<complaints::followup::v1::ComplaintClosed>(any);
  sink.On<complaints::analytics::v1::SpikeDetected>(any);
  rt.ServeEventSink();
  rt.AddService(this);

  rt.AddPeriodicTask("notification_plan", settings_.plan_interval,
                     [this] { return PlanPending().status(); });
  for (const char* channel : {kSms, kEmail, kWebhook}) {
    rt.AddPeriodicTask(absl::StrCat("notification_send_", channel), settings_.send_interval,
                       [this, channel] { return SendDue(channel).status(); });
  }
  rt.AddPeriodicTask("notification_receipts", settings_.receipt_interval,
                     [this] { return CheckReceipts().status(); });
  rt.AddPeriodicTask("notification_retention", absl::Hours(1), [this]() -> absl::Status {
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      DeleteOlderThan(tx, Now() - settings_.retention, 1000);
      return absl::OkStatus();
    });
  });
}

absl::Time NotificationService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(rt_.clock().Now()));
}

// ---- planning -------------------------------------------------------------------------------

absl::StatusOr<std::string> NotificationService::DepartmentName(const std::string& department_id) {
  if (department_id.empty()) return std::string();
  auto dept = directory_.GetDepartment(department_id);
  if (dept.ok()) return dept->name();
  if (absl::IsNotFound(dept.status())) return department_id;
  return dept.status();
}

absl::StatusOr<NotificationService::Recipient> NotificationService::ResolveCustomer(
    const NoticeRow& notice) {
  Recipient r;
  iv1::GetComplaintRequest req;
  req.set_number(notice.number);
  iv1::GetComplaintResponse resp;
  auto call = client::NewCallContext(settings_.call_timeout);
  const grpc::Status s = intake_->GetComplaint(call.get(), req, &resp);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
      s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return r;  // nobody to tell
  }
  if (!s.ok()) return absl::UnavailableError(absl::StrCat("intake: code ", s.error_code()));
  const auto& input = resp.complaint().input();
  r.found = true;
  r.name = input.customer_name();
  r.mobile = MobileDigits(input.customer_phone());
  r.email = input.customer_email();
  r.customer_id = input.customer_id();
  if (!r.mobile.empty()) r.phone_key = Sha256Hex(r.mobile);
  const std::string link = absl::StrCat(settings_.app_base_url, "/complaints/", notice.number);
  r.variables = {{"customer_name", r.name},
                 {"app_link", link},
                 {"decision_link", link + "/decision"},
                 {"questionnaire_link", link + "/questionnaire"}};
  if (auto it = notice.variables.find("department_id"); it != notice.variables.end()) {
    auto name = DepartmentName(it->second);
    if (!name.ok()) return name.status();
    r.variables["department_name"] = *name;
  }
  return r;
}

absl::StatusOr<NotificationService::Recipient> NotificationService::ResolveStaff(
    const NoticeRow& notice) {
  Recipient r;
  if (notice.recipient == kManagementRecipient) {
    r.found = !settings_.management_emails.empty() || channels_.senders.contains(kWebhook);
    r.name = "管理层";
    r.extra_emails = settings_.management_emails;
    r.variables["staff_name"] = r.name;
    return r;
  }
  const size_t colon = notice.recipient.find(':');
  const std::string how = notice.recipient.substr(0, colon);
  const std::string ref = notice.recipient.substr(colon + 1);
  std::string staff_id;
  if (how == "staff") {
    staff_id = ref;
  } else if (how == "supervisor" || how == "lead_of") {
    std::string department_id = ref;
    if (how == "lead_of") {
      auto member = directory_.GetStaff(ref);
      if (absl::IsNotFound(member.status())) return r;
      if (!member.ok()) return member.status();
      department_id = member->department_id();
    }
    auto dept = directory_.GetDepartment(department_id);
    if (absl::IsNotFound(dept.status())) return r;
    if (!dept.ok()) return dept.status();
    staff_id = dept->supervisor_staff_id();
  }
  if (staff_id.empty()) return r;  // a department without a supervisor: logged by the caller
  auto staff = directory_.GetStaff(staff_id);
  if (absl::IsNotFound(staff.status())) return r;
  if (!staff.ok()) return staff.status();
  r.found = true;
  r.name = staff->name();
  r.email = staff->email();
  r.variables["staff_name"] = r.name;
  if (auto it = notice.variables.find("department_id"); it != notice.variables.end()) {
    auto name = DepartmentName(it->second);
    if (!name.ok()) return name.status();
    r.variables["department_name"] = *name;
  }
  if (auto it = notice.variables.find("agent_id"); it != notice.variables.end()) {
    auto agent = directory_.GetStaff(it->second);
    r.variables["agent_name"] = agent.ok() ? agent->name() : it->second;
  }
  return r;
}

absl::StatusOr<NotificationService::Recipient> NotificationService::Resolve(
    const NoticeRow& notice) {
  if (notice.recipient == kCustomerRecipient) return ResolveCustomer(notice);
  return ResolveStaff(notice);
}

void NotificationService::PlanOne(db::Transaction& tx, const NoticeRow& notice,
                                  const Recipient& recipient) {
  const absl::Time now = Now();
  MarkPlanned(tx, notice.id, now, recipient.customer_id, recipient.phone_key);
  const KindTemplates* meta = templates_.Find(notice.kind);
  if (!recipient.found || meta == nullptr) {
    log::Warn("notice has nobody to reach", {{"kind", notice.kind}, {"number", notice.number}});
    return;
  }
  Variables vars = notice.variables;
  for (const auto& [k, v] : recipient.variables) vars[k] = v;
  const bool customer = meta->kind->audience == Audience::kCustomer;

  CustomerPreferences prefs;
  int sent_today = 0;
  if (customer && !recipient.phone_key.empty()) {
    if (auto stored = LoadPreferences(tx, recipient.phone_key)) prefs = *stored;
    sent_today = CountNonEssentialSince(tx, recipient.phone_key, BeijingDayStart(now));
  }
  for (const auto& channel : templates_.ChannelsOf(notice.kind)) {
    auto rendered = templates_.Render(notice.kind, channel, vars);
    DeliveryRow d;
    d.notice_id = notice.id;
    d.channel = channel;
    d.recipient_name = recipient.name;
    d.subject = rendered->subject;
    d.body = rendered->text;
    d.provider_template = rendered->provider_template;
    d.provider_params = rendered->provider_params;
    d.essential = meta->essential;
    d.created_at = now;
    d.state = kPending;
    d.next_attempt_at = customer ? EarliestSend(settings_.policy, now, meta->urgent) : now;
    if (channel == kSms) d.address = recipient.mobile;
    if (channel == kEmail) d.address = recipient.email;
    if (channel == kWebhook) {
      if (!channels_.senders.contains(kWebhook)) continue;  // no chat robot configured
      d.address = kStaffWebhookAddress;
    }
    if (channel == kInApp) {
      d.state = kSent;
      d.sent_at = now;
    } else if (customer) {
      const std::string why = CustomerSuppression(settings_.policy, prefs, channel, meta->essential,
                                                  !d.address.empty(), sent_today);
      if (why == "channel_off" || why == "no_address") continue;  // nothing to record
      if (!why.empty()) {
        d.state = kSuppressed;
        d.suppressed_reason = why;
        deliveries_.With({channel, notice.kind, "suppressed"}).Increment();
      } else if (!meta->essential) {
        ++sent_today;
      }
    } else if (channel == kEmail && d.address.empty() && recipient.extra_emails.empty()) {
      continue;  // a staff member without an email address: the webhook still names them
    }
    if (channel == kEmail && !recipient.extra_emails.empty()) {
      // The management list: one delivery row per list, addressed to every member.
      d.address = absl::StrJoin(recipient.extra_emails, ",");
    }
    InsertDelivery(tx, d);
  }
}

absl::StatusOr<int> NotificationService::PlanPending() {
  std::vector<NoticeRow> notices;
  auto s = db::RunInTransaction(rt_.pool(),
                                [&](db::Transaction& tx) {
                                  notices = UnplannedNotices(tx, kPlanBatch);
                                  return absl::OkStatus();
                                },
                                {.read_committed = true});
  if (!s.ok()) return s;
  int planned = 0;
  for (const auto& notice : notices) {
    // Names and addresses are asked for outside any transaction: no connection waits on a peer.
    auto recipient = Resolve(notice);
    if (!recipient.ok()) {
      log::Warn("notice waits: its recipient cannot be resolved now",
                {{"kind", notice.kind}, {"error", recipient.status().ToString()}});
      continue;  // the next pass tries again
    }
    s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      auto locked = LockNotice(tx, notice.id);
      if (!locked || locked->planned) return absl::OkStatus();  // another replica did it
      PlanOne(tx, *locked, *recipient);
      ++planned;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  if (planned > 0) {
    for (const char* channel : {kSms, kEmail, kWebhook}) {
      rt_.executor().TrySubmit([this, channel] { (void)SendDue(channel); });
    }
  }
  RefreshBacklogGauges();
  return planned;
}

void NotificationService::RefreshBacklogGauges() {
  std::vector<PendingStats> stats;
  const absl::Time now = Now();
  auto s = db::RunInTransaction(rt_.pool(),
                                [&](db::Transaction& tx) {
                                  stats = PendingByChannel(tx, now);
                                  return absl::OkStatus();
                                },
                                {.read_committed = true});
  if (!s.ok()) return;
  for (const char* channel : {kSms, kEmail, kWebhook, kInApp}) {
    double pending = 0, oldest = 0;
    for (const auto& st : stats) {
      if (st.channel != channel) continue;
      pending = static_cast<double>(st.pending);
      if (st.oldest) oldest = std::max(0.0, absl::ToDoubleSeconds(now - *st.oldest));
    }
    pending_.With({channel}).Set(pending);
    oldest_pending_.With({channel}).Set(oldest);
  }
}

// ---- sending --------------------------------------------------------------------------------

absl::StatusOr<int> NotificationService::SendDue(const std::string& channel) {
  auto sender_it = channels_.senders.find(channel);
  if (sender_it == channels_.senders.end()) return 0;  // off: its deliveries wait
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
  if (!claimed.empty()) RefreshBacklogGauges();
  return static_cast<int>(claimed.size());
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
    // The lease runs out and the delivery is tried again with the same idempotency key.
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

// ---- RPCs -----------------------------------------------------------------------------------

grpc::ServerUnaryReactor* NotificationService::ListMyNotices(grpc::CallbackServerContext* ctx,
                                                             const nv1::ListMyNoticesRequest* req,
                                                             nv1::ListMyNoticesResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (req->page_size() < 0 || req->page_size() > 100) {
      return absl::InvalidArgumentError("page_size: must be 0..100");
    }
    int64_t before = 0;
    if (!req->page_token().empty() &&
        (!absl::SimpleAtoi(req->page_token(), &before) || before <= 0)) {
      return absl::InvalidArgumentError("page_token: not a token this service issued");
    }
    const int size = req->page_size() == 0 ? 20 : req->page_size();
    auto keys = CallerKeys();
    if (!keys.ok()) return keys.status();
    std::vector<InAppNotice> notices;
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      notices = CustomerNotices(tx, keys->customer_id, keys->phone_key, before, size + 1);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    const bool more = static_cast<int>(notices.size()) > size;
    if (more) notices.resize(size);
    for (const auto& n : notices) {
      auto* out = resp->add_notices();
      out->set_id(absl::StrCat(n.id));
      out->set_number(n.number);
      out->set_kind(n.kind);
      out->set_text(n.text);
      time::ToProto(n.created_at, out->mutable_created_at());
    }
    if (more) resp->set_next_page_token(absl::StrCat(notices.back().id));
    return absl::OkStatus();
  });
}

namespace {

nv1::Preferences PreferencesProto(const CustomerPreferences& p) {
  nv1::Preferences out;
  if (p.sms) out.add_channels(nv1::CHANNEL_SMS);
  if (p.email) out.add_channels(nv1::CHANNEL_EMAIL);
  out.set_essential_only(p.essential_only);
  return out;
}

}  // namespace

grpc::ServerUnaryReactor* NotificationService::GetMyPreferences(
    grpc::CallbackServerContext* ctx, const nv1::GetMyPreferencesRequest*,
    nv1::GetMyPreferencesResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, resp]() -> absl::Status {
    auto keys = CallerKeys();
    if (!keys.ok()) return keys.status();
    CustomerPreferences prefs;
    if (!keys->phone_key.empty()) {
      auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
        if (auto stored = LoadPreferences(tx, keys->phone_key)) prefs = *stored;
        return absl::OkStatus();
      });
      if (!s.ok()) return s;
    }
    *resp->mutable_preferences() = PreferencesProto(prefs);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationService::SetMyPreferences(
    grpc::CallbackServerContext* ctx, const nv1::SetMyPreferencesRequest* req,
    nv1::SetMyPreferencesResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    CustomerPreferences prefs{false, false, req->preferences().essential_only()};
    for (int i = 0; i < req->preferences().channels_size(); ++i) {
      const auto channel = req->preferences().channels(i);
      if (channel == nv1::CHANNEL_SMS) {
        prefs.sms = true;
      } else if (channel == nv1::CHANNEL_EMAIL) {
        prefs.email = true;
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            "preferences.channels[", i, "]: only CHANNEL_SMS and CHANNEL_EMAIL can be chosen"));
      }
    }
    auto keys = CallerKeys();
    if (!keys.ok()) return keys.status();
    if (keys->phone_key.empty()) {
      return absl::FailedPreconditionError(
          "preferences belong to a verified phone: sign in with your phone number");
    }
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      SavePreferences(tx, keys->phone_key, prefs, Now());
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    *resp->mutable_preferences() = PreferencesProto(prefs);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationService::ListDeliveries(grpc::CallbackServerContext* ctx,
                                                              const nv1::ListDeliveriesRequest* req,
                                                              nv1::ListDeliveriesResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    static const std::map<nv1::DeliveryState, std::string> kStates = {
        {nv1::DELIVERY_STATE_PENDING, kPending},
        {nv1::DELIVERY_STATE_SENT, kSent},
        {nv1::DELIVERY_STATE_DELIVERED, kDelivered},
        {nv1::DELIVERY_STATE_DEAD, kDead},
        {nv1::DELIVERY_STATE_SUPPRESSED, kSuppressed}};
    auto state = kStates.find(req->state());
    if (state == kStates.end()) return absl::InvalidArgumentError("state: required");
    if (req->limit() < 0 || req->limit() > 500) {
      return absl::InvalidArgumentError("limit: must be 0..500");
    }
    std::vector<DeliveryRow> rows;
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      rows = DeliveriesInState(tx, state->second, req->limit() == 0 ? 100 : req->limit());
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    for (const auto& d : rows) ToProto(d, resp->add_deliveries());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationService::RetryDelivery(grpc::CallbackServerContext* ctx,
                                                             const nv1::RetryDeliveryRequest* req,
                                                             nv1::RetryDeliveryResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    int64_t id = 0;
    if (!absl::SimpleAtoi(req->id(), &id) || id <= 0) {
      return absl::InvalidArgumentError("id: not a delivery id");
    }
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto row = LockDelivery(tx, id);
      if (!row) return absl::NotFoundError("id: no such delivery");
      if (row->state != kDead) {
        return absl::FailedPreconditionError("id: only a dead-lettered delivery can be retried");
      }
      ResetForRetry(tx, id, Now());
      row = LockDelivery(tx, id);
      ToProto(*row, resp->mutable_delivery());
      log::Info("dead letter put back in line", {{"delivery", id}, {"channel", row->channel}});
      return absl::OkStatus();
    });
  });
}

}  // namespace tousu::notification
