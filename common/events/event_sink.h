#pragma once
// Receiving events: the EventSink service every consuming service registers. Each delivery runs in
// one transaction that first records the event id in the inbox and then applies the handler for
// its type; a repeated event finds its id already there and changes nothing.

#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/pool.h"
#include "common/db/transaction.h"
#include "common/events/event_type.h"
#include "common/metrics/metrics.h"
#include "common/server/executor.h"
#include "complaints/common/v1/events.grpc.pb.h"

namespace tousu::events {

using EventHandler =
    std::function<absl::Status(db::Transaction&, const complaints::common::v1::Event&)>;

class EventSinkService final : public complaints::common::v1::EventSink::CallbackService {
 public:
  // `service` names the skip counter: tousu_<service>_events_skipped_total{event_type, reason}
  // ("follow-up" gives tousu_follow_up_events_skipped_total).
  EventSinkService(const std::string& service, db::ConnectionPool& pool,
                   server::BoundedExecutor& executor, prometheus::Registry& registry);

  // Registers the handler for events whose payload is a `Message` (before the server starts):
  //   sink.On<chv1::CaseOpened>([this](db::Transaction& tx, const chv1::CaseOpened& opened,
  //                                    const cv1::Event& envelope) { ... });
  // The event type is the message's name (EventTypeOf). A payload that is not a `Message` is
  // skipped with reason "malformed". Events of types with no handler are recorded and
  // acknowledged, so a new producer event never blocks a relay.
  template <typename Message, typename Handler>
  void On(Handler handler) {
    OnAs<Message>(EventTypeOf<Message>(), std::move(handler));
  }
  // The same for an event whose payload is a resource record rather than a message of the
  // event's own name (the staff directory's DepartmentUpserted carries a Department), the
  // counterpart of Outbox::AppendAs.
  template <typename Message, typename Handler>
  void OnAs(const std::string& event_type, Handler handler) {
    OnType(event_type, [this, handler = std::move(handler)](
                           db::Transaction& tx, const complaints::common::v1::Event& event) {
      Message message;
      if (!event.payload().Is<Message>() || !event.payload().UnpackTo(&message)) {
        return Skip(event, "malformed");
      }
      return handler(tx, message, event);
    });
  }

  // For an event that can never apply (a malformed field, an unknown complaint): logs it, counts
  // it under `reason` (a short fixed word, a metric label) and returns OK, so the event is
  // acknowledged. Refusing it would block every later event of its aggregate in the relay.
  absl::Status Skip(const complaints::common::v1::Event& event, std::string_view reason);
  // Creates the skip series of (event_type, reason) at zero, so dashboards show it before the
  // first skip.
  void ExpectSkipReason(const std::string& event_type, const std::string& reason);

  // The event types with a handler, in order (what this service must be subscribed to).
  std::vector<std::string> HandledTypes() const;

  // Applies one event synchronously; returns true when it was a repeat.
  absl::StatusOr<bool> Apply(const complaints::common::v1::Event& event);

  grpc::ServerUnaryReactor* DeliverEvent(
      grpc::CallbackServerContext* ctx, const complaints::common::v1::DeliverEventRequest* request,
      complaints::common::v1::DeliverEventResponse* response) override;

 private:
  db::ConnectionPool& pool_;
  server::BoundedExecutor& executor_;
  // Registers `handler` for `event_type` (On<Message> is the way in).
  void OnType(const std::string& event_type, EventHandler handler);

  std::map<std::string, EventHandler> handlers_;
  metrics::CachedCounter applied_;
  metrics::CachedCounter duplicates_;
  metrics::CachedCounter skipped_;
};

}  // namespace tousu::events
