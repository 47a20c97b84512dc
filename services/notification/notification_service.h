#pragma once
// The notification service: events become notices (event_notices.h) inside the inbox transaction;
// a planner pass resolves who each notice reaches (intake for the customer, the staff directory
// for staff) and renders one delivery per channel; a sender pass per channel hands deliveries to
// the SMS provider, the mail server or the chat webhook, retrying with backoff, so one channel's
// outage never holds back another. RPCs: the customer's notices and preferences, and operations'
// dead letters.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/client/staff_directory.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/notification/v1/notification.grpc.pb.h"
#include "services/notification/channels/channel.h"
#include "services/notification/domain/templates.h"
#include "services/notification/repository/notification_repository.h"
#include "services/notification/settings.h"

namespace tousu::db {
// Generated from services/notification/migrations by tousu_embed_migrations.
const std::vector<MigrationFile>& notification_migrations();
}  // namespace tousu::db

namespace tousu::notification {

namespace nv1 = complaints::notification::v1;

inline constexpr char kGrpcServiceName[] = "complaints.notification.v1.NotificationService";

// The outside world, replaceable in tests: a sender per channel ("sms", "email", "webhook"; a
// missing one is a channel that is off) and the SMS receipt query.
struct Channels {
  std::map<std::string, std::shared_ptr<ChannelSender>> senders;
  std::function<absl::StatusOr<ReceiptState>(const std::string& phone, const std::string& biz_id,
                                             absl::Time sent_at)>
      sms_receipt;
  // Whether the provider already accepted an SMS with this OutId (our delivery id) for `phone`
  // around `at`: its BizId, or nullopt. Asked before an SMS whose last attempt is in doubt is
  // sent again.
  std::function<absl::StatusOr<std::optional<std::string>>(
      const std::string& phone, const std::string& out_id, absl::Time at)>
      sms_find_sent;
  // The channels Settings configure (SMS provider, SMTP, webhook).
  static Channels FromSettings(const Settings& settings);
};

class NotificationService final : public nv1::NotificationService::CallbackService {
 public:
  // Registers with `rt`: the RPCs, the event handlers and the periodic passes.
  NotificationService(server::ServiceRuntime& rt, Settings settings, TemplateSet templates,
                      Channels channels);

  // One planner pass: notices not yet planned get their deliveries. Returns notices planned.
  absl::StatusOr<int> PlanPending();
  // One sender pass of `channel`. Returns deliveries handed over.
  absl::StatusOr<int> SendDue(const std::string& channel);
  absl::StatusOr<int> CheckReceipts();

  grpc::ServerUnaryReactor* ListMyNotices(grpc::CallbackServerContext*,
                                          const nv1::ListMyNoticesRequest*,
                                          nv1::ListMyNoticesResponse*) override;
  grpc::ServerUnaryReactor* GetMyPreferences(grpc::CallbackServerContext*,
                                             const nv1::GetMyPreferencesRequest*,
                                             nv1::GetMyPreferencesResponse*) override;
  grpc::ServerUnaryReactor* SetMyPreferences(grpc::CallbackServerContext*,
                                             const nv1::SetMyPreferencesRequest*,
                                             nv1::SetMyPreferencesResponse*) override;
  grpc::ServerUnaryReactor* ListDeliveries(grpc::CallbackServerContext*,
                                           const nv1::ListDeliveriesRequest*,
                                           nv1::ListDeliveriesResponse*) override;
  grpc::ServerUnaryReactor* RetryDelivery(grpc::CallbackServerContext*,
                                          const nv1::RetryDeliveryRequest*,
                                          nv1::RetryDeliveryResponse*) override;

 private:
  // Who a notice reaches, resolved outside any transaction.
  struct Recipient {
    bool found = false;  // false: nobody to tell (an unknown complaint, a department with no
                         // supervisor); the notice is planned with no deliveries
    std::string name;
    std::string mobile;  // 11 digits, customers only
    std::string email;
    bool management_member = false;  // one address of the management list
    std::string customer_id, phone_key;
    Variables variables;  // names and links to add
  };
  absl::StatusOr<Recipient> Resolve(const NoticeRow& notice);
  absl::StatusOr<Recipient> ResolveCustomer(const NoticeRow& notice);
  absl::StatusOr<Recipient> ResolveStaff(const NoticeRow& notice);
  absl::StatusOr<std::string> DepartmentName(const std::string& department_id);
  void PlanOne(db::Transaction& tx, const NoticeRow& notice, const Recipient& recipient);
  void Settle(const DeliveryRow& delivery, const SendResult& result);
  // For a delivery whose previous attempt is in doubt: the provider's record of it, if it
  // went out after all (or a retry-later result when the provider cannot be asked).
  std::optional<SendResult> AlreadyAccepted(const DeliveryRow& delivery);
  void RefreshBacklogGauges();
  absl::Time Now() const;

  server::ServiceRuntime& rt_;
  const Settings settings_;
  const TemplateSet templates_;
  Channels channels_;
  client::StaffDirectory directory_;
  std::unique_ptr<complaints::intake::v1::IntakeService::StubInterface> intake_;

  metrics::CachedCounter deliveries_;
  metrics::CachedGauge pending_;
  metrics::CachedGauge oldest_pending_;
  metrics::CachedCounter in_doubt_found_;
  metrics::CachedGauge unplanned_;
  std::mutex plan_mu_;
  prometheus::Family<prometheus::Histogram>* latency_ = nullptr;
};

}  // namespace tousu::notification
