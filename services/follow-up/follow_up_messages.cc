#include "services/follow-up/follow_up_messages.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "common/time/proto_time.h"

namespace tousu::followup {

namespace {

void SetTime(absl::Time t, google::protobuf::Timestamp* out) { time::ToProto(t, out); }

// CALLBACK_METHOD_PHONE -> "phone", as the event spells it.
std::string MethodWord(fv1::CallbackMethod method) {
  return absl::AsciiStrToLower(
      absl::StripPrefix(fv1::CallbackMethod_Name(method), "CALLBACK_METHOD_"));
}

}  // namespace

void ToProto(const CallbackRow& r, fv1::Callback* out) {
  out->set_cycle(r.cycle);
  out->set_status(r.status);
  out->set_assigned_agent_staff_id(r.assigned_agent_staff_id);
  SetTime(r.due, out->mutable_due());
  out->set_due_provisional(r.due_provisional);
  out->set_overdue(r.overdue);
  out->set_method(r.method);
  out->set_recorded_by_staff_id(r.recorded_by_staff_id);
  out->set_satisfaction(r.satisfaction.value_or(0));
  out->set_comments(r.comments);
  out->set_suggestions(r.suggestions);
  if (r.recorded_at) SetTime(*r.recorded_at, out->mutable_recorded_at());
  out->set_on_time(r.on_time.value_or(false));
  out->set_unsatisfied(r.unsatisfied.value_or(false));
  out->set_questionnaire_link_issued(r.token_sha256.has_value());
}

void ToProto(const ProgressRow& r, fv1::ProgressUpdate* out) {
  out->set_cycle(r.cycle);
  out->set_source(r.source);
  out->set_staff_id(r.staff_id);
  out->set_summary(r.summary);
  if (r.due) SetTime(*r.due, out->mutable_due());
  SetTime(r.at, out->mutable_at());
  out->set_on_time(r.on_time);
}

void ToProto(const TaskRow& r, fv1::DueTask* out) {
  out->set_kind(r.kind);
  out->set_number(r.number);
  out->set_cycle(r.cycle);
  SetTime(r.due, out->mutable_due());
  out->set_due_provisional(r.due_provisional);
  out->set_overdue(r.overdue);
}

void ToProto(const FollowUpRow& fu, const std::vector<CallbackRow>& callbacks,
             const std::vector<ProgressRow>& updates, fv1::FollowUp* out) {
  out->Clear();
  out->set_number(fu.number);
  out->set_state(fu.state);
  out->set_cycle(fu.cycle);
  out->set_department_id(fu.department_id);
  out->set_owner_staff_id(fu.owner_staff_id);
  out->set_tracker_staff_id(fu.tracker_staff_id);
  if (fu.progress_due && fu.state == fv1::FOLLOW_UP_STATE_OPEN) {
    SetTime(*fu.progress_due, out->mutable_next_progress_due());
    out->set_next_progress_due_provisional(fu.progress_due_provisional);
    out->set_progress_overdue(fu.progress_overdue);
  }
  if (fu.last_informed_at) SetTime(*fu.last_informed_at, out->mutable_last_informed_at());
  if (fu.closed_at) SetTime(*fu.closed_at, out->mutable_closed_at());
  for (const auto& cb : callbacks) ToProto(cb, out->add_callbacks());
  for (const auto& p : updates) ToProto(p, out->add_progress_updates());
}

fv1::TrackerAssigned TrackerAssignedEvent(const FollowUpRow& fu, const char* how) {
  fv1::TrackerAssigned ev;
  ev.set_number(fu.number);
  ev.set_tracker_staff_id(fu.tracker_staff_id);
  ev.set_how(how);
  SetTime(fu.updated_at, ev.mutable_at());
  return ev;
}

fv1::ProgressUpdateRecorded ProgressUpdateRecordedEvent(const std::string& number,
                                                        const ProgressRow& update) {
  fv1::ProgressUpdateRecorded ev;
  ev.set_number(number);
  ev.set_tracker_staff_id(update.staff_id);
  if (update.due) SetTime(*update.due, ev.mutable_due());
  SetTime(update.at, ev.mutable_at());
  ev.set_on_time(update.on_time);
  return ev;
}

fv1::ProgressUpdateOverdue ProgressUpdateOverdueEvent(const FollowUpRow& fu, absl::Time detected) {
  fv1::ProgressUpdateOverdue ev;
  ev.set_number(fu.number);
  ev.set_tracker_staff_id(fu.tracker_staff_id);
  if (fu.progress_due) SetTime(*fu.progress_due, ev.mutable_due());
  SetTime(detected, ev.mutable_detected_at());
  return ev;
}

fv1::CallbackScheduled CallbackScheduledEvent(const CallbackRow& cb) {
  fv1::CallbackScheduled ev;
  ev.set_number(cb.number);
  ev.set_cycle(cb.cycle);
  ev.set_callback_agent_staff_id(cb.assigned_agent_staff_id);
  SetTime(cb.due, ev.mutable_due());
  ev.set_due_provisional(cb.due_provisional);
  return ev;
}

fv1::CallbackOverdue CallbackOverdueEvent(const CallbackRow& cb, absl::Time detected) {
  fv1::CallbackOverdue ev;
  ev.set_number(cb.number);
  ev.set_cycle(cb.cycle);
  ev.set_callback_agent_staff_id(cb.assigned_agent_staff_id);
  SetTime(cb.due, ev.mutable_due());
  SetTime(detected, ev.mutable_detected_at());
  return ev;
}

fv1::CallbackRecorded CallbackRecordedEvent(const CallbackRow& cb, const CallbackOutcome& outcome) {
  fv1::CallbackRecorded ev;
  ev.set_number(cb.number);
  ev.set_cycle(cb.cycle);
  ev.set_callback_agent_staff_id(cb.recorded_by_staff_id);
  ev.set_method(MethodWord(cb.method));
  ev.set_satisfaction(cb.satisfaction.value_or(0));
  ev.set_comments(cb.comments);
  ev.set_suggestions(cb.suggestions);
  SetTime(outcome.at, ev.mutable_at());
  SetTime(cb.due, ev.mutable_due());
  ev.set_on_time(outcome.on_time);
  return ev;
}

fv1::CustomerUnsatisfied CustomerUnsatisfiedEvent(const CallbackRow& cb,
                                                  const CallbackOutcome& outcome) {
  fv1::CustomerUnsatisfied ev;
  ev.set_number(cb.number);
  ev.set_cycle(cb.cycle);
  ev.set_satisfaction(cb.satisfaction.value_or(0));
  SetTime(outcome.at, ev.mutable_at());
  return ev;
}

fv1::ComplaintClosed ComplaintClosedEvent(const CallbackRow& cb, const CallbackOutcome& outcome) {
  fv1::ComplaintClosed ev;
  ev.set_number(cb.number);
  ev.set_cycle(cb.cycle);
  ev.set_satisfaction(cb.satisfaction.value_or(0));
  SetTime(outcome.at, ev.mutable_closed_at());
  return ev;
}

}  // namespace tousu::followup
