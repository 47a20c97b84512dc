#pragma once
// One complaint's assignment as routing keeps it (the repository's row), and the hops of its path
// (every routing, rejection, acknowledgement, escalation and supervisor decision, kept for good).

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "complaints/common/v1/types.pb.h"
#include "complaints/routing/v1/routing.pb.h"

namespace tousu::routing {

using complaints::common::v1::Category;
using complaints::common::v1::Severity;
using complaints::routing::v1::AssignmentState;

struct Assignment {
  std::string number;
  AssignmentState state = complaints::routing::v1::ASSIGNMENT_STATE_UNSPECIFIED;
  Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  std::string category_source;  // "staff" or "classifier"
  double confidence = 0;
  // Categories in order of likelihood (the chosen one first): where a rejected complaint goes next.
  std::vector<Category> ranking;
  Severity severity = complaints::common::v1::SEVERITY_UNSPECIFIED;
  int channel = 0;
  int journey_stage = 0;
  std::string project;
  std::string department_id;  // "" while no department has it (waiting for a supervisor)
  std::vector<std::string> assisting_department_ids;
  std::string owner_staff_id;
  bool complex = false;
  absl::Time received_at = absl::InfinitePast();
  std::optional<absl::Time> routed_at, ack_due, acknowledged_at;
  std::optional<bool> ack_on_time;
  bool escalated = false;
  // While in the supervisor queue: when it entered and by when a supervisor must decide; set
  // queue_escalated once that passed and the complaint office manager was alerted.
  std::optional<absl::Time> queued_at, queue_due;
  bool queue_escalated = false;
  std::string supervisor_reason;  // see ComplaintSentToSupervisor.reason
  int bounces = 0;                // rejections so far
  int hop = 0;                    // the number of the latest routing step
  absl::Time updated_at = absl::InfinitePast();
};

// What a hop did (Hop.action).
inline constexpr char kHopRouted[] = "routed";
inline constexpr char kHopSentToSupervisor[] = "sent_to_supervisor";
inline constexpr char kHopAcknowledged[] = "acknowledged";
inline constexpr char kHopRejected[] = "rejected";
inline constexpr char kHopEscalated[] = "escalated";
inline constexpr char kHopAssignedBySupervisor[] = "assigned_by_supervisor";
inline constexpr char kHopSupervisorQueueOverdue[] = "supervisor_queue_overdue";

struct Hop {
  int hop = 0;
  std::string action, department_id, staff_id, reason;
  absl::Time at;
};

}  // namespace tousu::routing
