#pragma once
// The customer-facing status and timeline: the first entry of a new complaint, and what each event
// of the other services changes on the record:
//   routing       (proto/complaints/routing/v1/events.proto)       §5: routed .. acknowledged;
//   case handling (proto/complaints/casehandling/v1/events.proto)  §6: case opened .. resolved;
//   follow-up     (proto/complaints/followup/v1/events.proto)      §7: tracker, callback, closed;
//   notification  (proto/complaints/notification/v1/events.proto)  what was sent, what failed.
// Pure: a step (progress_steps.h, listed in followed_events.h) reads an event, Settle decides what
// it does to a record as it stands, and the repository writes the result in the event's inbox
// transaction.
//
// Ordering. Each producer's events reach intake in the order they were written, but events of
// different producers may overtake one another (each relay retries on its own). So:
//   - a producer's own events are followed as they come, including its deliberate steps back
//     (routing's misroute → RECEIVED, a rejected solution → ACKNOWLEDGED);
//   - routing's events no longer move anything once case handling has opened the case;
//   - case handling's events of an earlier cycle than the record's change nothing but the timeline;
//   - otherwise status only moves forward, except the reopen: a CaseOpened/CaseReopened of a new
//     cycle moves a RESOLVED complaint back to ACKNOWLEDGED;
//   - CLOSED is final.
// Every event, late or not, adds its timeline entry: it happened.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/intake/v1/intake.pb.h"
#include "services/intake/domain/customer_text.h"
#include "services/intake/domain/department_names.h"

namespace tousu::intake {

namespace iv1 = ::complaints::intake::v1;
namespace cv1 = ::complaints::common::v1;

struct TimelineRecord {
  absl::Time at;
  iv1::TimelineEventType type = iv1::TIMELINE_EVENT_TYPE_UNSPECIFIED;
  std::string summary;  // Simplified Chinese, for the customer
  std::string actor_id;
  std::string department_id;
};

// The first timeline entry of a complaint received at `received_at`.
TimelineRecord ReceivedEntry(const iv1::ComplaintInput& input, absl::Time received_at);

// What a summary may say that only the record knows; Settle fills it in.
struct SummaryFacts {
  // The department in charge, as the customer reads its name (DepartmentNames::NameFor).
  std::string department;
  // The time the department in charge was given to acknowledge, when its routing told it.
  std::optional<absl::Duration> ack_window;
};

// What one event changes on the record. Every optional field left empty (kKeep) keeps the
// record's value.
struct Progress {
  enum class Source { kRouting, kCaseHandling, kFollowUp, kNotification };
  // How the proposed status is reached (see Settle).
  enum class Move {
    kFollow,   // routing: followed while the case is not opened yet
    kOpen,     // CaseOpened / CaseReopened: a new cycle starts at ACKNOWLEDGED
    kForward,  // only ever forward
    kRevise,   // a rejected solution: SOLUTION_PROPOSED back to ACKNOWLEDGED
  };
  enum class Due { kKeep, kSet, kClear };

  std::string number;
  Source source = Source::kRouting;
  // The handling cycle the event belongs to (>= 1); 0 when the event has none.
  int32_t cycle = 0;
  // The status the event means; UNSPECIFIED leaves it as it is. See Settle for when it applies.
  iv1::ComplaintStatus status = iv1::COMPLAINT_STATUS_UNSPECIFIED;
  Move move = Move::kFollow;
  // UNSPECIFIED leaves the category as it is.
  cv1::Category category = cv1::CATEGORY_UNSPECIFIED;
  // nullopt leaves the field as it is; "" clears it.
  std::optional<std::string> department_id;
  std::optional<std::string> owner_staff_id;
  // kSet also records `ack_started_at` (when the department was asked; nullopt: not known), so
  // the window it was given can be told later; kClear clears both.
  Due ack_due_change = Due::kKeep;
  absl::Time ack_due;
  std::optional<absl::Time> ack_started_at;
  // kSet also sets solution_due_provisional.
  Due solution_due_change = Due::kKeep;
  absl::Time solution_due;
  bool solution_due_provisional = false;
  // kSet records `original_solution_due` only when none is recorded yet (the first deadline is
  // the original one, however often it is extended).
  Due original_solution_due_change = Due::kKeep;
  absl::Time original_solution_due;
  std::optional<std::string> solution;  // valid UTF-8, at most kMaxRecordTextChars
  // Set with `solution`: the revision the customer decides on (0 once no solution stands).
  std::optional<int32_t> solution_revision;
  Due planned_completion_change = Due::kKeep;
  absl::Time planned_completion;
  std::optional<std::string> resolution;  // valid UTF-8, at most kMaxRecordTextChars
  std::optional<std::string> tracker_staff_id;
  // kSet also sets callback_due_provisional.
  Due callback_due_change = Due::kKeep;
  absl::Time callback_due;
  bool callback_due_provisional = false;
  // 1..5; 0 leaves it as it is.
  int32_t satisfaction = 0;
  std::optional<absl::Time> closed_at;

  // entry.summary is what the event alone tells. entry.type UNSPECIFIED: the step changes the
  // record without a timeline line of its own (a later cycle's opening, told by its reopening).
  TimelineRecord entry;
  // For summaries that need the record (the department's name, the acknowledgement window):
  // Settle builds the final entry.summary with it. Unset when entry.summary is complete.
  std::function<std::string(const SummaryFacts&)> summary_for;
  // True when text meant for the customer had to be repaired (invalid UTF-8 replaced, control
  // characters dropped) or shortened: worth a log line, not a refusal.
  bool text_repaired = false;
};

// Reads an event of any type intake follows (followed_events.h). INVALID_ARGUMENT when the type is
// not followed, the payload is not the type's message, or its number, ids or cycle are malformed
// (such an event can never apply: the caller skips it). An event without its own time takes the
// envelope's, or `now` when that is missing too. A time no DATETIME column could hold counts as
// missing.
absl::StatusOr<Progress> ProgressFromEvent(const cv1::Event& event, absl::Time now);

// The event types ProgressFromEvent reads, each with its producer.
struct FollowedEventType {
  std::string type;
  Progress::Source source;
};
const std::vector<FollowedEventType>& FollowedEventTypes();

// The record as an event finds it.
struct RecordState {
  iv1::ComplaintStatus status = iv1::COMPLAINT_STATUS_UNSPECIFIED;
  int32_t cycle = 0;
  std::string department_id;
  // The pending acknowledgement deadline and when the department was asked (nullopt: none, or
  // not known).
  std::optional<absl::Time> ack_due;
  std::optional<absl::Time> ack_started_at;
};

// What an event does to a record in `record`'s state.
struct Outcome {
  iv1::ComplaintStatus status = iv1::COMPLAINT_STATUS_UNSPECIFIED;
  int32_t cycle = 0;
  // True for a late event (see the ordering rules at the top): only its timeline entry is added;
  // status and fields stay as they are.
  bool late = false;
  // The timeline entry with its final summary (and the department in charge, for case
  // handling's events that name none).
  TimelineRecord entry;
};
// `names` gives the department in charge its name in summaries that mention it.
Outcome Settle(const Progress& progress, const RecordState& record, const DepartmentNames& names);

}  // namespace tousu::intake
