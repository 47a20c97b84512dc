#pragma once
// Receiving events: the EventSink service every consuming service registers. Each delivery runs in
// one transaction that first records the event id in the inbox and then applies the handler for
// its type; a repeated event finds its id already there and changes nothing.

#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/pool.h"
#include "common/db/transaction.h"
#include "common/metrics/metrics.h"
#include "common/server/executor.h"
#include "complaints/common/v1/events.grpc.pb.h"

namespace tousu::events {

using EventHandler =
    std::function<absl::Status(db::Transaction&, const complaints::common::v1::Event&)>;

class EventSinkService final : public complaints::common::v1::EventSink::CallbackService {
 public:
  EventSinkService(db::ConnectionPool& pool, server::BoundedExecutor& executor,
                   prometheus::Registry& registry);

  // Registers the handler for one event type (before the server starts). Events of types with no
  // handler are recorded and acknowledged, so a new producer event never blocks a relay.
  void On(const std::string& event_type, EventHandler handler);

  // Applies one event synchronously; returns true when it was a repeat.
  absl::StatusOr<bool> Apply(const complaints::common::v1::Event& event);

  grpc::ServerUnaryReactor* DeliverEvent(
      grpc::CallbackServerContext* ctx, const complaints::common::v1::DeliverEventRequest* request,
      complaints::common::v1::DeliverEventResponse* response) override;

 private:
  db::ConnectionPool& pool_;
  server::BoundedExecutor& executor_;
  std::map<std::string, EventHandler> handlers_;
  metrics::CachedCounter applied_;
  metrics::CachedCounter duplicates_;
};

}  // namespace tousu::events
