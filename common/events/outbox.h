#pragma once
// Writing events: Outbox::Append adds an event to the outbox inside the caller's transaction, so
// the state change and the event it causes commit together or not at all.

#include <google/protobuf/message.h>

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/audit/audit.h"
#include "common/db/transaction.h"
#include "common/events/subscriptions.h"
#include "common/time/clock.h"
#include "complaints/common/v1/events.pb.h"

namespace tousu::events {

inline constexpr int kOutboxPartitions = 16;  // matches outbox_partitions in the migration

// A random UUID v4, as text.
std::string NewEventId();
// Stable partition of an aggregate (FNV-1a), so its events keep their order.
int PartitionOf(absl::string_view aggregate_id);

class Outbox {
 public:
  Outbox(std::string producer, Subscriptions subscriptions, const time::Clock& clock)
      : producer_(std::move(producer)), subscriptions_(std::move(subscriptions)), clock_(clock) {}

  // Adds the event `payload` for every subscriber of its type (the message's name, see
  // event_type.h), in `tx`, and its audit row (common/audit: who, the event type, the aggregate,
  // `states` when given). Throws sql::SQLException like any statement (RunInTransaction maps it).
  // Returns the envelope written.
  complaints::common::v1::Event Append(db::Transaction& tx, absl::string_view aggregate_id,
                                       const google::protobuf::Message& payload,
                                       absl::string_view request_id = "",
                                       const audit::StateChange& states = {});
  // The same under an explicit type, for events whose payload is a resource record rather than a
  // message of the event's own name (the staff directory's DepartmentUpserted carries a
  // Department).
  complaints::common::v1::Event AppendAs(db::Transaction& tx, absl::string_view event_type,
                                         absl::string_view aggregate_id,
                                         const google::protobuf::Message& payload,
                                         absl::string_view request_id = "",
                                         const audit::StateChange& states = {});
  // Called after each commit that wrote outbox rows (the relay's wake-up).
  void SetCommitListener(std::function<void()> listener) { listener_ = std::move(listener); }
  const Subscriptions& subscriptions() const { return subscriptions_; }
  const std::string& producer() const { return producer_; }

 private:
  std::string producer_;
  Subscriptions subscriptions_;
  const time::Clock& clock_;
  std::function<void()> listener_;
};

}  // namespace tousu::events
