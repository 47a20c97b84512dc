#pragma once
// Follow-up's rules (policy §7), pure: time comes from the injected Clock, business days from the
// BusinessCalendar. The service loads the records, asks a rule, then stores what the rule changed
// and appends the events it implies.
//
//   CaseOpened --> OPEN --CaseResolved--> AWAITING_CALLBACK --score above threshold--> CLOSED
//                   ^                            |
//                   +--CaseReopened-- REOPENING <+ score at or below threshold
//
// An open cycle owes the customer a progress update every N business days, counted from the
// latest time they were informed; a resolution owes them a callback within N business days. A
// deadline that passes unmet is reported overdue once.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/business_calendar.h"
#include "common/time/clock.h"
#include "services/follow-up/domain/follow_up_records.h"
#include "services/follow-up/domain/policy.h"

namespace tousu::followup {

// What case-handling says about one cycle of a case (CaseOpened, CaseReopened, CaseResolved).
struct CycleEvent {
  std::string number;
  int cycle = 0;
  std::string department_id;   // empty: unchanged
  std::string owner_staff_id;  // empty: unchanged
  absl::Time at;               // when the cycle opened, or the case was resolved
};

// A deadline the rules set.
struct Due {
  absl::Time at;
  bool provisional = false;  // a day counted lies in a year whose holidays are not published
  // The anchor lay outside the calendar (a bad event time), so the count ran from now.
  bool counted_from_now = false;
};

// A case's first cycle: its follow-up (no tracker when the directory had no active one).
struct NewFollowUp {
  FollowUpRow follow_up;
  Due progress_due;
};

// A progress update the tracker gave, and the next one's deadline.
struct TrackerUpdate {
  ProgressRow update;
  Due next_due;
};

// A department's contact with the customer, and the next update's deadline when the contact
// restarted the cadence.
struct DepartmentContact {
  ProgressRow update;
  std::optional<Due> next_due;
};

// A callback to schedule for a resolution.
struct ScheduledCallback {
  CallbackRow callback;  // no agent when the directory had no active one
  Due due;
};

// The customer's answer, given to a callback agent or by questionnaire.
struct CallbackAnswer {
  fv1::CallbackMethod method = fv1::CALLBACK_METHOD_UNSPECIFIED;
  std::string staff_id;  // empty: the customer's own questionnaire
  int satisfaction = 0;
  std::string comments, suggestions;
};

struct CallbackOutcome {
  absl::Time at;
  bool on_time = false;
  // The case goes back to its department (CustomerUnsatisfied); otherwise the complaint closes
  // (ComplaintClosed).
  bool unsatisfied = false;
};

// Given by the due time (the due instant itself still counts as on time).
inline bool OnTime(absl::Time at, absl::Time due) { return at <= due; }

// Whether a score sends the case back to its department.
inline bool IsUnsatisfied(int satisfaction, const Policy& policy) {
  return satisfaction <= policy.unsatisfied_at_or_below;
}

// The candidate with the fewest open items (absent from `open` = none), ties by staff id in byte
// order, so every replica picks the same person. nullopt when there are no candidates.
std::optional<std::string> PickFewestOpen(const std::vector<std::string>& candidates,
                                          const std::map<std::string, int64_t>& open);

class FollowUpRules {
 public:
  // `clock` and `calendar` must outlive the rules.
  FollowUpRules(const time::Clock& clock, const time::BusinessCalendar& calendar, Policy policy);

  // Microseconds, as DATETIME(6) keeps them, so an answer matches what a later read returns.
  absl::Time Now() const;
  const Policy& policy() const { return policy_; }

  // N business days after the customer was last informed (or the case opened or reopened).
  // An instant outside the calendar counts from now.
  absl::StatusOr<Due> ProgressDue(absl::Time informed_at) const;
  // N business days after the case was resolved; an instant outside the calendar counts from now.
  absl::StatusOr<Due> CallbackDue(absl::Time resolved_at) const;

  // ---- cycles

  // A case's first cycle: followed from `opened.at` by the tracker with the fewest open cases.
  absl::StatusOr<NewFollowUp> Open(const CycleEvent& opened,
                                   const std::vector<std::string>& active_trackers,
                                   const std::map<std::string, int64_t>& open_by_tracker) const;
  // Whether `cycle` is news to the follow-up: a cycle already seen (a repeat, or CaseOpened and
  // CaseReopened both announcing it) changes nothing, nor does anything after the close.
  static bool IsNewCycle(const FollowUpRow& fu, int cycle);
  // A later cycle began (IsNewCycle): open again, the cadence counting from `reopened.at`; the
  // tracker stays. Returns the next progress update's deadline.
  absl::StatusOr<Due> Resume(FollowUpRow& fu, const CycleEvent& reopened) const;

  // ---- progress updates

  // The tracker's update: only while the case is open and only by its tracker
  // (FAILED_PRECONDITION). Late ones count, as late; the cadence restarts from now.
  absl::StatusOr<TrackerUpdate> RecordTrackerUpdate(FollowUpRow& fu, const std::string& tracker,
                                                    const std::string& summary) const;
  // The department contacting the customer counts as a progress update while the cycle is open;
  // nullopt when it does not apply (not open, or an earlier cycle). An older contact arriving late
  // never moves the deadline back.
  absl::StatusOr<std::optional<DepartmentContact>> RecordContact(FollowUpRow& fu, int cycle,
                                                                 const std::string& staff_id,
                                                                 absl::Time at) const;
  // False when `tracker` already tracks the case; FAILED_PRECONDITION once it is closed.
  absl::StatusOr<bool> ReassignTracker(FollowUpRow& fu, const std::string& tracker) const;

  // ---- resolution and callback

  // Whether a resolution of `cycle` came too late: a later cycle began or the complaint closed.
  static bool IsOvertaken(const FollowUpRow& fu, int cycle);
  // A case resolved before follow-up saw it open: followed from here, without a tracker.
  FollowUpRow FollowFromResolution(const CycleEvent& resolved) const;
  // The callback a resolution owes, for the agent with the fewest scheduled callbacks; the
  // follow-up awaits it and owes no progress updates meanwhile.
  absl::StatusOr<ScheduledCallback> Resolve(
      FollowUpRow& fu, const CycleEvent& resolved, const std::vector<std::string>& active_agents,
      const std::map<std::string, int64_t>& scheduled_by_agent) const;
  // A callback can be recorded: the cycle's callback is scheduled (`cb`, nullopt when none) and,
  // when the caller names a cycle (not 0), it is that one. FAILED_PRECONDITION saying why not.
  static absl::Status CheckCallbackDue(const FollowUpRow& fu, const std::optional<CallbackRow>& cb,
                                       int requested_cycle);
  // A questionnaire link can be issued: the cycle's callback is scheduled.
  static absl::Status CheckLinkIssuable(const FollowUpRow& fu,
                                        const std::optional<CallbackRow>& cb);
  // A questionnaire can be answered: its callback is the one the follow-up awaits.
  static absl::Status CheckQuestionnaireOpen(const FollowUpRow& fu, const CallbackRow& cb);
  // Records the answer on `cb`; a score at or below the threshold sends the case back
  // (REOPENING), any other closes it.
  CallbackOutcome RecordAnswer(FollowUpRow& fu, CallbackRow& cb,
                               const CallbackAnswer& answer) const;

  // ---- overdue

  // True (and marks it) when an open case's progress update is past due and was not reported.
  static bool MarkProgressOverdue(FollowUpRow& fu, absl::Time now);
  // True (and marks it) when a scheduled callback is past due and was not reported.
  static bool MarkCallbackOverdue(CallbackRow& cb, absl::Time now);

 private:
  absl::StatusOr<Due> DueAfter(absl::Time anchor, int business_days) const;

  const time::Clock& clock_;
  const time::BusinessCalendar& calendar_;
  Policy policy_;
};

}  // namespace tousu::followup
