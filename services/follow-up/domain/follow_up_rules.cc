#include "services/follow-up/domain/follow_up_rules.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace tousu::followup {

std::optional<std::string> PickFewestOpen(const std::vector<std::string>& candidates,
                                          const std::map<std::string, int64_t>& open) {
  std::optional<std::string> best;
  int64_t best_open = 0;
  for (const auto& id : candidates) {
    auto it = open.find(id);
    const int64_t n = it == open.end() ? 0 : it->second;
    if (!best || n < best_open || (n == best_open && id < *best)) {
      best = id;
      best_open = n;
    }
  }
  return best;
}

FollowUpRules::FollowUpRules(const time::Clock& clock, const time::BusinessCalendar& calendar,
                             Policy policy)
    : clock_(clock), calendar_(calendar), policy_(std::move(policy)) {}

absl::Time FollowUpRules::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_.Now()));
}

absl::StatusOr<Due> FollowUpRules::DueAfter(absl::Time anchor, int business_days) const {
  bool counted_from_now = false;
  auto deadline = calendar_.AddBusinessDays(anchor, business_days);
  if (!deadline.ok()) {
    // An anchor before the calendar's first year can only be a bad event time.
    counted_from_now = true;
    deadline = calendar_.AddBusinessDays(Now(), business_days);
    if (!deadline.ok()) return deadline.status();
  }
  return Due{.at = deadline->at,
             .provisional = deadline->provisional,
             .counted_from_now = counted_from_now};
}

absl::StatusOr<Due> FollowUpRules::ProgressDue(absl::Time informed_at) const {
  return DueAfter(informed_at, policy_.progress_update_days);
}

absl::StatusOr<Due> FollowUpRules::CallbackDue(absl::Time resolved_at) const {
  return DueAfter(resolved_at, policy_.callback_days);
}

// ---- cycles
// --------------------------------------------------------------------------------------

absl::StatusOr<NewFollowUp> FollowUpRules::Open(
    const CycleEvent& opened, const std::vector<std::string>& active_trackers,
    const std::map<std::string, int64_t>& open_by_tracker) const {
  const std::optional<std::string> tracker = PickFewestOpen(active_trackers, open_by_tracker);
  auto due = ProgressDue(opened.at);
  if (!due.ok()) return due.status();
  FollowUpRow fu;
  fu.number = opened.number;
  fu.state = fv1::FOLLOW_UP_STATE_OPEN;
  fu.cycle = opened.cycle;
  fu.department_id = opened.department_id;
  fu.owner_staff_id = opened.owner_staff_id;
  fu.tracker_staff_id = tracker.value_or("");
  fu.opened_at = opened.at;
  fu.progress_anchor_at = opened.at;
  fu.progress_due = due->at;
  fu.progress_due_provisional = due->provisional;
  fu.updated_at = Now();
  return NewFollowUp{.follow_up = std::move(fu), .progress_due = *due};
}

bool FollowUpRules::IsNewCycle(const FollowUpRow& fu, int cycle) {
  return cycle > fu.cycle && fu.state != fv1::FOLLOW_UP_STATE_CLOSED;
}

absl::StatusOr<Due> FollowUpRules::Resume(FollowUpRow& fu, const CycleEvent& reopened) const {
  if (!IsNewCycle(fu, reopened.cycle)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cycle ", reopened.cycle, " is not news to the follow-up"));
  }
  auto due = ProgressDue(reopened.at);
  if (!due.ok()) return due.status();
  fu.state = fv1::FOLLOW_UP_STATE_OPEN;
  fu.cycle = reopened.cycle;
  if (!reopened.department_id.empty()) fu.department_id = reopened.department_id;
  if (!reopened.owner_staff_id.empty()) fu.owner_staff_id = reopened.owner_staff_id;
  fu.progress_anchor_at = reopened.at;
  fu.progress_due = due->at;
  fu.progress_due_provisional = due->provisional;
  fu.progress_overdue = false;
  fu.updated_at = Now();
  return due;
}

// ---- progress updates
// ----------------------------------------------------------------------------

absl::StatusOr<TrackerUpdate> FollowUpRules::RecordTrackerUpdate(FollowUpRow& fu,
                                                                 const std::string& tracker,
                                                                 const std::string& summary) const {
  if (fu.state != fv1::FOLLOW_UP_STATE_OPEN) {
    return absl::FailedPreconditionError("progress updates are given while the case is open");
  }
  if (fu.tracker_staff_id != tracker) {
    return absl::FailedPreconditionError(
        "tracker_staff_id: not the case's tracker (reassign first)");
  }
  const absl::Time now = Now();
  auto next = ProgressDue(now);
  if (!next.ok()) return next.status();
  ProgressRow update{.cycle = fu.cycle,
                     .source = "tracker",
                     .staff_id = tracker,
                     .summary = summary,
                     .due = fu.progress_due,
                     .at = now,
                     .on_time = !fu.progress_due || OnTime(now, *fu.progress_due)};
  fu.progress_anchor_at = now;
  fu.last_informed_at = now;
  fu.progress_due = next->at;
  fu.progress_due_provisional = next->provisional;
  fu.progress_overdue = false;
  fu.updated_at = now;
  return TrackerUpdate{.update = std::move(update), .next_due = *next};
}

absl::StatusOr<std::optional<DepartmentContact>> FollowUpRules::RecordContact(
    FollowUpRow& fu, int cycle, const std::string& staff_id, absl::Time at) const {
  // Contacts outside an open cycle do not move a cadence that is not running.
  if (fu.state != fv1::FOLLOW_UP_STATE_OPEN || cycle < fu.cycle) return std::nullopt;
  DepartmentContact contact{.update = {.cycle = fu.cycle,
                                       .source = "department",
                                       .staff_id = staff_id,
                                       .summary = "",
                                       .due = fu.progress_due,
                                       .at = at,
                                       .on_time = !fu.progress_due || OnTime(at, *fu.progress_due)},
                            .next_due = std::nullopt};
  if (!fu.last_informed_at || at > *fu.last_informed_at) fu.last_informed_at = at;
  // The cadence counts from the latest time the customer was informed.
  if (!fu.progress_anchor_at || at > *fu.progress_anchor_at) {
    auto due = ProgressDue(at);
    if (!due.ok()) return due.status();
    fu.progress_anchor_at = at;
    fu.progress_due = due->at;
    fu.progress_due_provisional = due->provisional;
    fu.progress_overdue = false;
    contact.next_due = *due;
  }
  fu.updated_at = Now();
  return contact;
}

absl::StatusOr<bool> FollowUpRules::ReassignTracker(FollowUpRow& fu,
                                                    const std::string& tracker) const {
  if (fu.state == fv1::FOLLOW_UP_STATE_CLOSED) {
    return absl::FailedPreconditionError("the complaint is closed");
  }
  if (fu.tracker_staff_id == tracker) return false;
  fu.tracker_staff_id = tracker;
  fu.updated_at = Now();
  return true;
}

// ---- resolution and callback
// ---------------------------------------------------------------------

bool FollowUpRules::IsOvertaken(const FollowUpRow& fu, int cycle) {
  return fu.cycle > cycle || fu.state == fv1::FOLLOW_UP_STATE_CLOSED;
}

FollowUpRow FollowUpRules::FollowFromResolution(const CycleEvent& resolved) const {
  FollowUpRow fu;
  fu.number = resolved.number;
  fu.state = fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK;
  fu.cycle = resolved.cycle;
  fu.department_id = resolved.department_id;
  fu.owner_staff_id = resolved.owner_staff_id;
  fu.opened_at = resolved.at;
  fu.updated_at = Now();
  return fu;
}

absl::StatusOr<ScheduledCallback> FollowUpRules::Resolve(
    FollowUpRow& fu, const CycleEvent& resolved, const std::vector<std::string>& active_agents,
    const std::map<std::string, int64_t>& scheduled_by_agent) const {
  if (IsOvertaken(fu, resolved.cycle)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the resolution of cycle ", resolved.cycle, " was overtaken"));
  }
  auto due = CallbackDue(resolved.at);
  if (!due.ok()) return due.status();
  CallbackRow cb;
  cb.number = resolved.number;
  cb.cycle = resolved.cycle;
  cb.status = fv1::CALLBACK_STATUS_SCHEDULED;
  cb.assigned_agent_staff_id = PickFewestOpen(active_agents, scheduled_by_agent).value_or("");
  cb.resolved_at = resolved.at;
  cb.due = due->at;
  cb.due_provisional = due->provisional;
  fu.state = fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK;
  fu.cycle = resolved.cycle;
  if (!resolved.department_id.empty()) fu.department_id = resolved.department_id;
  if (!resolved.owner_staff_id.empty()) fu.owner_staff_id = resolved.owner_staff_id;
  // No progress updates while the case is resolved.
  fu.progress_due.reset();
  fu.progress_due_provisional = false;
  fu.progress_overdue = false;
  fu.updated_at = Now();
  return ScheduledCallback{.callback = std::move(cb), .due = *due};
}

absl::Status FollowUpRules::CheckCallbackDue(const FollowUpRow& fu,
                                             const std::optional<CallbackRow>& cb,
                                             int requested_cycle) {
  if (cb && cb->status == fv1::CALLBACK_STATUS_RECORDED) {
    return absl::FailedPreconditionError("the callback of this cycle is already recorded");
  }
  if (fu.state != fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK || !cb ||
      cb->status != fv1::CALLBACK_STATUS_SCHEDULED) {
    return absl::FailedPreconditionError("no callback is due: the case is not resolved");
  }
  if (requested_cycle != 0 && requested_cycle != cb->cycle) {
    return absl::FailedPreconditionError(
        absl::StrCat("cycle: the callback due is for cycle ", cb->cycle));
  }
  return absl::OkStatus();
}

absl::Status FollowUpRules::CheckLinkIssuable(const FollowUpRow& fu,
                                              const std::optional<CallbackRow>& cb) {
  if (fu.state != fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK || !cb ||
      cb->status != fv1::CALLBACK_STATUS_SCHEDULED) {
    return absl::FailedPreconditionError("no callback is due for this complaint");
  }
  return absl::OkStatus();
}

absl::Status FollowUpRules::CheckQuestionnaireOpen(const FollowUpRow& fu, const CallbackRow& cb) {
  if (cb.status != fv1::CALLBACK_STATUS_SCHEDULED ||
      fu.state != fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK || fu.cycle != cb.cycle) {
    return absl::FailedPreconditionError(
        "this questionnaire has already been answered or is closed");
  }
  return absl::OkStatus();
}

CallbackOutcome FollowUpRules::RecordAnswer(FollowUpRow& fu, CallbackRow& cb,
                                            const CallbackAnswer& answer) const {
  const absl::Time now = Now();
  const CallbackOutcome outcome{.at = now,
                                .on_time = OnTime(now, cb.due),
                                .unsatisfied = IsUnsatisfied(answer.satisfaction, policy_)};
  cb.status = fv1::CALLBACK_STATUS_RECORDED;
  cb.method = answer.method;
  cb.recorded_by_staff_id = answer.staff_id;
  cb.satisfaction = answer.satisfaction;
  cb.comments = answer.comments;
  cb.suggestions = answer.suggestions;
  cb.recorded_at = outcome.at;
  cb.on_time = outcome.on_time;
  cb.unsatisfied = outcome.unsatisfied;
  if (outcome.unsatisfied) {
    fu.state = fv1::FOLLOW_UP_STATE_REOPENING;
  } else {
    fu.state = fv1::FOLLOW_UP_STATE_CLOSED;
    fu.closed_at = outcome.at;
  }
  fu.updated_at = outcome.at;
  return outcome;
}

// ---- overdue
// -------------------------------------------------------------------------------------

bool FollowUpRules::MarkProgressOverdue(FollowUpRow& fu, absl::Time now) {
  if (fu.state != fv1::FOLLOW_UP_STATE_OPEN || fu.progress_overdue || !fu.progress_due ||
      *fu.progress_due > now) {
    return false;
  }
  fu.progress_overdue = true;
  fu.updated_at = now;
  return true;
}

bool FollowUpRules::MarkCallbackOverdue(CallbackRow& cb, absl::Time now) {
  if (cb.status != fv1::CALLBACK_STATUS_SCHEDULED || cb.overdue || cb.due > now) return false;
  cb.overdue = true;
  return true;
}

}  // namespace tousu::followup
