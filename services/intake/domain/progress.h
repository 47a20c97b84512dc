#pragma once
// The customer-facing status and timeline: the first entry of a new complaint, and what each
// routing event (proto/complaints/routing/v1/events.proto) changes on the record. Pure: the
// repository applies the result in the event's inbox transaction.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/intake/v1/intake.pb.h"

namespace tousu::intake {

namespace iv1 = ::complaints::intake::v1;
namespace cv1 = ::complaints::common::v1;

inline constexpr char kComplaintReceived[] = "ComplaintReceived";
inline constexpr char kComplaintRouted[] = "ComplaintRouted";
inline constexpr char kComplaintSentToSupervisor[] = "ComplaintSentToSupervisor";
inline constexpr char kComplaintAssignedBySupervisor[] = "ComplaintAssignedBySupervisor";
inline constexpr char kComplaintAcknowledged[] = "ComplaintAcknowledged";
inline constexpr char kAssignmentRejected[] = "AssignmentRejected";
inline constexpr char kAcknowledgementOverdue[] = "AcknowledgementOverdue";

// The routing event types intake shows on the timeline.
const std::vector<std::string>& RoutingEventTypes();

struct TimelineRecord {
  absl::Time at;
  iv1::TimelineEventType type = iv1::TIMELINE_EVENT_TYPE_UNSPECIFIED;
  std::string summary;  // Simplified Chinese, for the customer
  std::string actor_id;
  std::string department_id;
};

// The first timeline entry of a complaint received at `received_at`.
TimelineRecord ReceivedEntry(const iv1::ComplaintInput& input, absl::Time received_at);

// What one routing event changes on the record.
struct Progress {
  std::string number;
  // The status the event means; see NextStatus for when it is applied.
  iv1::ComplaintStatus status = iv1::COMPLAINT_STATUS_UNSPECIFIED;
  // UNSPECIFIED leaves the category as it is.
  cv1::Category category = cv1::CATEGORY_UNSPECIFIED;
  // nullopt leaves the field as it is; "" clears it.
  std::optional<std::string> department_id;
  std::optional<std::string> owner_staff_id;
  enum class Due { kKeep, kSet, kClear };
  Due ack_due_change = Due::kKeep;
  absl::Time ack_due;
  TimelineRecord entry;
};

// Reads a routing event. INVALID_ARGUMENT when the payload is not the type's message, or its
// number or ids are malformed (such an event can never apply: the caller logs and skips it).
// An event without its own time takes the envelope's, or `now` when that is missing too.
absl::StatusOr<Progress> ProgressFromRoutingEvent(const cv1::Event& event, absl::Time now);

// The status after an event proposing `proposed` reaches a complaint in `current`. Routing's own
// events arrive in order and are followed as they come (a misrouted complaint goes back to
// RECEIVED), but once case handling has taken a complaint further (SOLUTION_PROPOSED and later,
// events from another producer that may overtake routing's), a late routing event never moves it
// back.
iv1::ComplaintStatus NextStatus(iv1::ComplaintStatus current, iv1::ComplaintStatus proposed);

// "2026-11-26 15:04（北京时间）".
std::string CustomerTime(absl::Time t);

}  // namespace tousu::intake
