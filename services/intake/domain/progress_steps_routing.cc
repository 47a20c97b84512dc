// Routing's events (§5) on the customer's record: routed .. acknowledged, and the steps back
// (a misroute, a missed acknowledgement).

#include "absl/strings/str_cat.h"
#include "common/events/event_time.h"
#include "services/intake/domain/progress_steps.h"

namespace tousu::intake {
namespace {

using Due = Progress::Due;

// What the customer is told when the record does not know the window its department was given
// (routed before intake kept it, or by an event without times): routing's default ACK_WINDOW.
constexpr absl::Duration kUsualAckWindow = absl::Hours(1);

// "，须于 <time>（北京时间）前确认受理" when a deadline is known.
std::string AckClause(const google::protobuf::Timestamp& due) {
  const std::optional<absl::Time> at = UsableDeadline(due);
  return at ? absl::StrCat("，须于 ", CustomerTime(*at), "前确认受理") : "";
}

// The acknowledgement deadline and the time the department was asked, which together tell the
// window routing gave it.
void SetAckDue(Progress& p, const google::protobuf::Timestamp& due,
               const google::protobuf::Timestamp& asked_at) {
  SetDue(p.ack_due_change, p.ack_due, due, Due::kClear);
  p.ack_started_at = events::UsableEventTime(asked_at);
}

std::string AckOverdueSummary(absl::Duration window) {
  return absl::StrCat("责任部门未在", CustomerDuration(window), "内确认受理，已上报上级领导督办");
}

}  // namespace

absl::Status Step(const rv1::ComplaintRouted& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {&m.department_id()}); !s.ok()) return s;
  p.number = m.number();
  p.status = iv1::COMPLAINT_STATUS_ROUTED;
  p.category = KnownCategory(m.category());
  p.department_id = m.department_id();
  p.owner_staff_id = "";
  SetAckDue(p, m.ack_due(), m.routed_at());
  TimelineRecord& e = p.entry;
  e.at = at.When(m.routed_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_ROUTED;
  e.summary = absl::StrCat(m.hop() > 1 ? "已重新分派至责任部门" : "已分派至责任部门",
                           AckClause(m.ack_due()));
  e.department_id = m.department_id();
  return absl::OkStatus();
}

absl::Status Step(const rv1::ComplaintSentToSupervisor& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {}); !s.ok()) return s;
  p.number = m.number();
  p.status = iv1::COMPLAINT_STATUS_WITH_SUPERVISOR;
  p.category = KnownCategory(m.category());
  // No department is responsible until the supervisor names one.
  p.department_id = "";
  p.owner_staff_id = "";
  p.ack_due_change = Due::kClear;
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_SENT_TO_SUPERVISOR;
  e.summary = "已转交上级领导统筹安排处理部门";
  return absl::OkStatus();
}

absl::Status Step(const rv1::ComplaintAssignedBySupervisor& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {&m.supervisor_staff_id(), &m.lead_department_id()});
      !s.ok()) {
    return s;
  }
  p.number = m.number();
  p.status = iv1::COMPLAINT_STATUS_ROUTED;
  p.department_id = m.lead_department_id();
  p.owner_staff_id = "";
  SetAckDue(p, m.ack_due(), m.at());
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_ASSIGNED_BY_SUPERVISOR;
  const int assisting = m.assisting_department_ids_size();
  e.summary = absl::StrCat("上级领导已指定牵头部门",
                           assisting > 0 ? absl::StrCat("及", assisting, "个协办部门") : "",
                           AckClause(m.ack_due()));
  e.actor_id = m.supervisor_staff_id();
  e.department_id = m.lead_department_id();
  return absl::OkStatus();
}

absl::Status Step(const rv1::ComplaintAcknowledged& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {&m.department_id(), &m.owner_staff_id()}); !s.ok()) {
    return s;
  }
  p.number = m.number();
  p.status = iv1::COMPLAINT_STATUS_ACKNOWLEDGED;
  p.category = KnownCategory(m.category());
  p.department_id = m.department_id();
  p.owner_staff_id = m.owner_staff_id();
  if (m.has_ack_due()) SetAckDue(p, m.ack_due(), m.routed_at());
  TimelineRecord& e = p.entry;
  e.at = at.When(m.acknowledged_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGED;
  e.summary = "责任部门已确认受理，并指定专人负责处理";
  e.actor_id = m.owner_staff_id();
  e.department_id = m.department_id();
  return absl::OkStatus();
}

absl::Status Step(const rv1::AssignmentRejected& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {&m.department_id(), &m.staff_id()}); !s.ok()) return s;
  p.number = m.number();
  // Back to waiting for routing; the department's reason is internal and not shown.
  p.status = iv1::COMPLAINT_STATUS_RECEIVED;
  p.department_id = "";
  p.owner_staff_id = "";
  p.ack_due_change = Due::kClear;
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_ASSIGNMENT_REJECTED;
  e.summary = "责任部门反馈分派有误，正在重新分派";
  e.actor_id = m.staff_id();
  e.department_id = m.department_id();
  return absl::OkStatus();
}

absl::Status Step(const rv1::AcknowledgementOverdue& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {&m.department_id()}); !s.ok()) return s;
  p.number = m.number();
  p.status = iv1::COMPLAINT_STATUS_WITH_SUPERVISOR;
  p.owner_staff_id = "";
  TimelineRecord& e = p.entry;
  e.at = at.When(m.escalated_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGEMENT_OVERDUE;
  e.department_id = m.department_id();
  // The window is the one routing gave the department (ack_due - when it was asked), which the
  // record knows; the event carries only the deadline.
  e.summary = AckOverdueSummary(kUsualAckWindow);
  p.summary_for = [](const SummaryFacts& facts) {
    return AckOverdueSummary(facts.ack_window.value_or(kUsualAckWindow));
  };
  return absl::OkStatus();
}

}  // namespace tousu::intake
