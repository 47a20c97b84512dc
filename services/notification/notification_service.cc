#include "services/notification/notification_service.h"

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
#include "services/notification/service_support.h"

namespace tousu::notification {

namespace iv1 = complaints::intake::v1;
using server::RunUnary;

Channels Channels::FromSettings(const Settings& settings) {
  Channels c;
  if (!settings.sms.endpoint.empty()) {
    auto sms = std::make_shared<SmsProvider>(settings.sms);
    c.senders[kSms] = sms;
    c.sms_receipt = [sms](const std::string& phone, const std::string& biz_id, absl::Time at) {
      return sms->QueryReceipt(phone, biz_id, at);
    };
    c.sms_find_sent = [sms](const std::string& phone, const std::string& out_id, absl::Time at) {
      return sms->FindSent(phone, out_id, at);
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
                      "Age of the oldest delivery still waiting that is due (or was tried), by "
                      "channel (0 when none); one held for the quiet hours is not counted.",
                      {"channel"}),
      in_doubt_found_(rt.registry(), "tousu_notification_in_doubt_found_total",
                      "Deliveries whose last attempt was in doubt (a sender died after handing "
                      "it over) and that the provider had accepted: recorded, not sent again.",
                      {"channel"}),
      unplanned_(rt.registry(), "tousu_notification_unplanned_notices",
                 "Notices whose recipients are not resolved yet (intake or the staff directory "
                 "could not be asked); each is retried with a growing delay.",
                 {}) {
  latency_ = &prometheus::BuildHistogram()
                  .Name("tousu_notification_provider_latency_seconds")
                  .Help("Time the SMS provider, mail server or webhook took to answer a send.")
                  .Register(rt.registry());
  client::ChannelOptions intake_options;
  intake_options.idempotent_methods = {"complaints.intake.v1.IntakeService/GetComplaint"};
  intake_ = iv1::IntakeService::NewStub(client::MakeChannel(settings_.intake_addr, intake_options));

  unplanned_.With({});
  in_doubt_found_.With({kSms});
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
    for (auto request : NoticesFor(event)) {
      if (request.recipient == kManagementRecipient) {
        // One notice per address of the list (each its own delivery, its own retries), and the
        // chat robot on the plain "management" notice.
        for (const auto& address : settings_.management_emails) {
          NoticeRow per_address;
          per_address.event_id = event.event_id();
          per_address.kind = request.kind;
          per_address.recipient = absl::StrCat(kManagementRecipient, ":", address);
          per_address.variables = request.variables;
          per_address.created_at = now;
          InsertNotice(tx, per_address);
        }
      }
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
  sink.On<complaints::routing::v1::SupervisorQueueOverdue>(any);
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
    const CustomerKeys keys = CallerKeys();
    std::vector<InAppNotice> notices;
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      notices = CustomerNotices(tx, keys.customer_id, keys.phone_key, before, size + 1);
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
    const CustomerKeys keys = CallerKeys();
    CustomerPreferences prefs;
    if (!keys.phone_key.empty()) {
      auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
        if (auto stored = LoadPreferences(tx, keys.phone_key)) prefs = *stored;
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
    const CustomerKeys keys = CallerKeys();
    if (keys.phone_key.empty()) {
      return absl::FailedPreconditionError(
          "preferences belong to a verified phone: sign in with your phone number");
    }
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      SavePreferences(tx, keys.phone_key, prefs, Now());
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
