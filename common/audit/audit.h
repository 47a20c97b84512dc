#pragma once
// The audit trail: an append-only record, in each service's own schema (table audit_trail, from
// common/events/migrations/0003_audit_trail.sql), of who changed what and when.
//
// Every event a service appends to its outbox writes one audit row in the same transaction
// (events::Outbox::Append calls RecordEvent), so a change, its event and its audit row commit
// together or not at all. Work that changes or reveals something without an event records an
// explicit entry:
//
//   db::RunInTransaction(pool, [&](db::Transaction& tx) -> absl::Status {
//     ...
//     return audit::Record(tx, {.occurred_at = clock.Now(), .action = "read_personal_data",
//                               .subject = number, .detail = "field customer_phone"});
//   });
//
// Entries carry ids, states and verbs only: never names, phones, emails or complaint text.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/db/transaction.h"

namespace tousu::audit {

// Column sizes of audit_trail.
inline constexpr size_t kMaxActor = 96;
inline constexpr size_t kMaxAction = 64;
inline constexpr size_t kMaxSubject = 64;
inline constexpr size_t kMaxState = 64;
inline constexpr size_t kMaxDetail = 255;
inline constexpr size_t kMaxRequestId = 64;

struct AuditEntry {
  // From the service's injected clock (required).
  absl::Time occurred_at = absl::InfinitePast();
  // The event type or a verb such as "read_personal_data" (required).
  std::string action{};
  // Complaint number, case id, staff id (required).
  std::string subject{};
  std::string from_state{};
  std::string to_state{};
  // Ids and states only.
  std::string detail{};
  std::string request_id{};
  // Who; empty means CurrentActor().
  std::string actor{};
};

// A change's states, when the code making it knows them (both optional).
struct StateChange {
  std::string from{};
  std::string to{};
};

// Who is doing the work on this thread: "system:<job>" inside a ScopedSystemActor (a timer's
// pass, which has no caller), else auth::CurrentCaller().Describe() ("staff:S0001",
// "service:intake", "unrestricted" with authentication off).
std::string CurrentActor();

// Marks this thread's work as the system's own (a timer pass or a scheduled job) for the scope's
// lifetime. A real caller made current inside it (auth::ScopedCaller) still wins.
class ScopedSystemActor {
 public:
  explicit ScopedSystemActor(const std::string& job);
  ~ScopedSystemActor();
  ScopedSystemActor(const ScopedSystemActor&) = delete;
  ScopedSystemActor& operator=(const ScopedSystemActor&) = delete;

 private:
  std::string actor_;
  const std::string* previous_;
};

// Appends `entry` in `tx`. INVALID_ARGUMENT (naming the field) for a missing action, subject or
// time, or a value longer than its column; SQL errors throw sql::SQLException like any statement
// inside db::RunInTransaction, which maps them.
absl::Status Record(db::Transaction& tx, const AuditEntry& entry);

// The audit row of an event appended to the outbox: action = event type, subject = aggregate,
// detail = "event <id>", to_state from `states` or, when not given, what the event type makes
// obvious (ComplaintReceived -> "received", CaseResolved -> "resolved", ...). Throws like Record's
// statement; over-long values are cut to their column (an event must never fail for its audit row).
void RecordEvent(db::Transaction& tx, absl::Time occurred_at, absl::string_view event_type,
                 absl::string_view aggregate_id, absl::string_view event_id,
                 absl::string_view request_id, const StateChange& states);

// The state an event type leaves its subject in, when the type alone says so ("" otherwise).
std::string ObviousStateAfter(absl::string_view event_type);

}  // namespace tousu::audit
