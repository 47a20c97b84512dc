#include "common/events/outbox.h"

#include <random>
#include <sstream>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/db/sql_time.h"
#include "common/time/proto_time.h"

namespace tousu::events {

std::string NewEventId() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3fffffffffffffffull) | 0x8000000000000000ull;  // variant 10
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff,
                         lo >> 48, lo & 0xffffffffffffull);
}

int PartitionOf(absl::string_view aggregate_id) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : aggregate_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int>(h % kOutboxPartitions);
}

complaints::common::v1::Event Outbox::Append(db::Transaction& tx, absl::string_view aggregate_id,
                                             const google::protobuf::Message& payload,
                                             absl::string_view request_id,
                                             const audit::StateChange& states) {
  return AppendAs(tx, payload.GetDescriptor()->name(), aggregate_id, payload, request_id, states);
}

complaints::common::v1::Event Outbox::AppendAs(db::Transaction& tx, absl::string_view event_type,
                                               absl::string_view aggregate_id,
                                               const google::protobuf::Message& payload,
                                               absl::string_view request_id,
                                               const audit::StateChange& states) {
  complaints::common::v1::Event event;
  event.set_event_id(NewEventId());
  event.set_event_type(std::string(event_type));
  event.set_aggregate_id(std::string(aggregate_id));
  event.set_producer(producer_);
  const absl::Time now = clock_.Now();
  time::ToProto(now, event.mutable_occurred_at());
  event.mutable_payload()->PackFrom(payload);
  event.set_request_id(std::string(request_id));

  // Every event is a state change worth auditing, subscribers or not: one more statement in the
  // same transaction, so the change, its event and its audit row commit together.
  audit::RecordEvent(tx, now, event_type, aggregate_id, event.event_id(), request_id, states);

  const auto& subscribers = subscriptions_.SubscribersOf(event.event_type());
  if (subscribers.empty()) return event;
  const std::string envelope = event.SerializeAsString();
  const int partition = PartitionOf(aggregate_id);
  const std::string created_at = db::ToSqlDateTime(now);
  // One statement for every subscriber (a round trip per event, not per subscriber); its shape
  // depends only on the number of subscribers, so each is prepared once per connection.
  std::string sql =
      "INSERT INTO outbox (event_id, subscriber, partition_no, aggregate_id, event_type, envelope,"
      " created_at) VALUES ";
  for (size_t i = 0; i < subscribers.size(); ++i) {
    sql += i == 0 ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)";
  }
  auto& insert = tx.Prepare(sql);
  std::vector<std::istringstream> blobs;
  blobs.reserve(subscribers.size());  // setBlob keeps a pointer until the statement runs
  int n = 0;
  for (const auto& subscriber : subscribers) {
    blobs.emplace_back(envelope);
    insert.setString(++n, event.event_id());
    insert.setString(++n, subscriber);
    insert.setInt(++n, partition);
    insert.setString(++n, event.aggregate_id());
    insert.setString(++n, event.event_type());
    insert.setBlob(++n, &blobs.back());
    insert.setDateTime(++n, created_at);
  }
  insert.executeUpdate();
  if (listener_) tx.OnCommit(listener_);
  return event;
}

}  // namespace tousu::events
