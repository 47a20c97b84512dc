#include "common/events/event_sink.h"

#include "absl/strings/str_cat.h"
#include "common/db/sql_time.h"
#include "common/log/log.h"

namespace tousu::events {

namespace cv1 = complaints::common::v1;

namespace {

// "follow-up" -> "follow_up", the spelling metric names use.
std::string MetricWord(std::string service) {
  for (char& c : service) {
    if (c == '-') c = '_';
  }
  return service;
}

}  // namespace

EventSinkService::EventSinkService(const std::string& service, db::ConnectionPool& pool,
                                   server::BoundedExecutor& executor,
                                   prometheus::Registry& registry)
    : pool_(pool),
      executor_(executor),
      applied_(registry, "tousu_inbox_applied_total", "Events applied for the first time.",
               {"event_type"}),
      duplicates_(registry, "tousu_inbox_duplicates_total",
                  "Repeated deliveries recognised by the inbox and ignored.", {"event_type"}),
      skipped_(registry, absl::StrCat("tousu_", MetricWord(service), "_events_skipped_total"),
               "Events acknowledged without effect because they can never apply.",
               {"event_type", "reason"}) {}

void EventSinkService::OnType(const std::string& event_type, EventHandler handler) {
  handlers_[event_type] = std::move(handler);
}

std::vector<std::string> EventSinkService::HandledTypes() const {
  std::vector<std::string> types;
  types.reserve(handlers_.size());
  for (const auto& [type, handler] : handlers_) types.push_back(type);
  return types;
}

absl::Status EventSinkService::Skip(const cv1::Event& event, std::string_view reason) {
  log::Warn("event skipped", {{"event_type", event.event_type()},
                              {"event_id", event.event_id()},
                              {"reason", std::string(reason)}});
  skipped_.With({event.event_type(), std::string(reason)}).Increment();
  return absl::OkStatus();
}

void EventSinkService::ExpectSkipReason(const std::string& event_type, const std::string& reason) {
  skipped_.With({event_type, reason});
}

absl::StatusOr<bool> EventSinkService::Apply(const cv1::Event& event) {
  if (event.event_id().size() != 36)
    return absl::InvalidArgumentError("event.event_id: must be a UUID");
  if (event.event_type().empty() || event.event_type().size() > 64) {
    return absl::InvalidArgumentError("event.event_type: required, at most 64 characters");
  }
  if (event.aggregate_id().size() > 64) {
    return absl::InvalidArgumentError("event.aggregate_id: at most 64 characters");
  }
  if (event.producer().size() > 64)
    return absl::InvalidArgumentError("event.producer: at most 64 characters");
  bool duplicate = false;
  absl::Status s = db::RunInTransaction(pool_, [&](db::Transaction& tx) -> absl::Status {
    // Affected rows: 1 for a new id, 0 for one already recorded (the update changes nothing).
    // A concurrent first delivery holds the key lock, so this waits for it and then sees a repeat.
    auto& record = tx.Prepare(
        "INSERT INTO inbox (event_id, event_type, producer, aggregate_id, received_at)"
        " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE event_id = event_id");
    record.setString(1, event.event_id());
    record.setString(2, event.event_type());
    record.setString(3, event.producer());
    record.setString(4, event.aggregate_id());
    duplicate = record.executeUpdate() == 0;
    if (duplicate) return absl::OkStatus();
    auto it = handlers_.find(event.event_type());
    if (it == handlers_.end()) {
      log::Warn("event type without a handler, acknowledged", {{"event_type", event.event_type()}});
      return absl::OkStatus();
    }
    return it->second(tx, event);
  });
  if (!s.ok()) return s;
  (duplicate ? duplicates_ : applied_).With({event.event_type()}).Increment();
  return duplicate;
}

grpc::ServerUnaryReactor* EventSinkService::DeliverEvent(grpc::CallbackServerContext* ctx,
                                                         const cv1::DeliverEventRequest* request,
                                                         cv1::DeliverEventResponse* response) {
  return server::RunUnary(ctx, executor_, [this, request, response]() -> absl::Status {
    auto duplicate = Apply(request->event());
    if (!duplicate.ok()) return duplicate.status();
    response->set_duplicate(*duplicate);
    return absl::OkStatus();
  });
}

}  // namespace tousu::events
