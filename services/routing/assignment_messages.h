#pragma once
// The routing API's messages and routing's events, made from assignments, hops and rules.

#include <string>

#include "absl/time/time.h"
#include "complaints/routing/v1/events.pb.h"
#include "complaints/routing/v1/routing.pb.h"
#include "services/routing/domain/assignment.h"
#include "services/routing/domain/routing_rules.h"

namespace tousu::routing {

void ToProto(const Assignment& a, complaints::routing::v1::Assignment* out);
void ToProto(const Hop& hop, complaints::routing::v1::Hop* out);
void ToProto(const Rule& rule, absl::Time updated_at, complaints::routing::v1::RoutingRule* out);

// A routed assignment's ComplaintRouted.
complaints::routing::v1::ComplaintRouted RoutedEvent(const Assignment& a);
// An assignment now with the supervisor, since `at`.
complaints::routing::v1::ComplaintSentToSupervisor SentToSupervisorEvent(const Assignment& a,
                                                                         absl::Time at);
// An acknowledged assignment's ComplaintAcknowledged.
complaints::routing::v1::ComplaintAcknowledged AcknowledgedEvent(const Assignment& a);
// The department of hop `rejected` sent complaint `number` back.
complaints::routing::v1::AssignmentRejected RejectedEvent(const std::string& number,
                                                          const Hop& rejected);
// An assignment `supervisor_staff_id` just gave to a lead department.
complaints::routing::v1::ComplaintAssignedBySupervisor AssignedBySupervisorEvent(
    const Assignment& a, const std::string& supervisor_staff_id);
// An assignment escalated at `escalated_at`.
complaints::routing::v1::AcknowledgementOverdue OverdueEvent(const Assignment& a,
                                                             absl::Time escalated_at);
// An assignment whose supervisor-queue deadline passed, escalated at `escalated_at`.
complaints::routing::v1::SupervisorQueueOverdue QueueOverdueEvent(const Assignment& a,
                                                                  absl::Time escalated_at);

}  // namespace tousu::routing
