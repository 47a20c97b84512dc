#include "services/routing/assignment_messages.h"

#include "common/time/proto_time.h"

namespace tousu::routing {

namespace rv1 = complaints::routing::v1;
using time::ToProto;

void ToProto(const Assignment& a, rv1::Assignment* out) {
  out->set_number(a.number);
  out->set_state(a.state);
  out->set_category(a.category);
  out->set_category_source(a.category_source);
  out->set_confidence(a.confidence);
  out->set_severity(a.severity);
  out->set_department_id(a.department_id);
  for (const auto& d : a.assisting_department_ids) out->add_assisting_department_ids(d);
  out->set_owner_staff_id(a.owner_staff_id);
  if (a.routed_at) ToProto(*a.routed_at, out->mutable_routed_at());
  if (a.ack_due) ToProto(*a.ack_due, out->mutable_ack_due());
  if (a.acknowledged_at) ToProto(*a.acknowledged_at, out->mutable_acknowledged_at());
  out->set_acknowledged_on_time(a.ack_on_time.value_or(false));
  out->set_supervisor_reason(a.supervisor_reason);
  out->set_bounces(a.bounces);
  out->set_escalated(a.escalated);
  out->set_complex(a.complex);
  if (a.queued_at) ToProto(*a.queued_at, out->mutable_queued_at());
  if (a.queue_due) ToProto(*a.queue_due, out->mutable_queue_due());
  out->set_queue_overdue(a.queue_escalated);
}

void ToProto(const Hop& hop, rv1::Hop* out) {
  out->set_hop(hop.hop);
  out->set_action(hop.action);
  out->set_department_id(hop.department_id);
  out->set_staff_id(hop.staff_id);
  out->set_reason(hop.reason);
  ToProto(hop.at, out->mutable_at());
}

void ToProto(const Rule& rule, absl::Time updated_at, rv1::RoutingRule* out) {
  out->set_category(rule.category);
  out->set_project(rule.project);
  out->set_department_id(rule.department_id);
  ToProto(updated_at, out->mutable_updated_at());
}

rv1::ComplaintRouted RoutedEvent(const Assignment& a) {
  rv1::ComplaintRouted ev;
  ev.set_number(a.number);
  ev.set_category(a.category);
  ev.set_category_source(a.category_source);
  ev.set_confidence(a.confidence);
  ev.set_department_id(a.department_id);
  ToProto(*a.routed_at, ev.mutable_routed_at());
  ToProto(*a.ack_due, ev.mutable_ack_due());
  ev.set_hop(a.hop);
  return ev;
}

rv1::ComplaintSentToSupervisor SentToSupervisorEvent(const Assignment& a, absl::Time at) {
  rv1::ComplaintSentToSupervisor ev;
  ev.set_number(a.number);
  ev.set_reason(a.supervisor_reason);
  ev.set_category(a.category);
  ToProto(at, ev.mutable_at());
  if (a.queue_due) ToProto(*a.queue_due, ev.mutable_queue_due());
  return ev;
}

rv1::ComplaintAcknowledged AcknowledgedEvent(const Assignment& a) {
  rv1::ComplaintAcknowledged ev;
  ev.set_number(a.number);
  ev.set_department_id(a.department_id);
  ev.set_owner_staff_id(a.owner_staff_id);
  for (const auto& d : a.assisting_department_ids) ev.add_assisting_department_ids(d);
  ev.set_category(a.category);
  ev.set_severity(a.severity);
  ToProto(*a.routed_at, ev.mutable_routed_at());
  ToProto(*a.ack_due, ev.mutable_ack_due());
  ToProto(*a.acknowledged_at, ev.mutable_acknowledged_at());
  ev.set_on_time(a.ack_on_time.value_or(false));
  ev.set_complex(a.complex);
  return ev;
}

rv1::AssignmentRejected RejectedEvent(const std::string& number, const Hop& rejected) {
  rv1::AssignmentRejected ev;
  ev.set_number(number);
  ev.set_department_id(rejected.department_id);
  ev.set_staff_id(rejected.staff_id);
  ev.set_reason(rejected.reason);
  ToProto(rejected.at, ev.mutable_at());
  return ev;
}

rv1::ComplaintAssignedBySupervisor AssignedBySupervisorEvent(
    const Assignment& a, const std::string& supervisor_staff_id) {
  rv1::ComplaintAssignedBySupervisor ev;
  ev.set_number(a.number);
  ev.set_supervisor_staff_id(supervisor_staff_id);
  ev.set_lead_department_id(a.department_id);
  for (const auto& d : a.assisting_department_ids) ev.add_assisting_department_ids(d);
  ToProto(*a.routed_at, ev.mutable_at());
  ToProto(*a.ack_due, ev.mutable_ack_due());
  return ev;
}

rv1::AcknowledgementOverdue OverdueEvent(const Assignment& a, absl::Time escalated_at) {
  rv1::AcknowledgementOverdue ev;
  ev.set_number(a.number);
  ev.set_department_id(a.department_id);
  ToProto(*a.ack_due, ev.mutable_ack_due());
  ToProto(escalated_at, ev.mutable_escalated_at());
  if (a.queue_due) ToProto(*a.queue_due, ev.mutable_queue_due());
  return ev;
}

rv1::SupervisorQueueOverdue QueueOverdueEvent(const Assignment& a, absl::Time escalated_at) {
  rv1::SupervisorQueueOverdue ev;
  ev.set_number(a.number);
  ev.set_reason(a.supervisor_reason);
  if (a.queued_at) ToProto(*a.queued_at, ev.mutable_queued_at());
  if (a.queue_due) ToProto(*a.queue_due, ev.mutable_queue_due());
  ToProto(escalated_at, ev.mutable_escalated_at());
  ev.set_category(a.category);
  ev.set_severity(a.severity);
  ev.set_department_id(a.department_id);
  return ev;
}

}  // namespace tousu::routing
