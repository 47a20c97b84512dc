#pragma once
// The case's rules (policy §6), pure: time comes from the injected Clock, business days from the
// BusinessCalendar. The repository loads a CaseFacts, a rule checks and changes it, and the
// service writes the result and its event in one transaction.
//
//   INVESTIGATING --propose--> AWAITING_DECISION --accept--> IMPLEMENTING --resolve--> RESOLVED
//        ^   (extend: complex only)   |                                                 |   |
//        +-------- reject (revision due in N business days) -+                           |   |
//        +---------------- reopen: a new cycle, due in 2 business days ----------------+   |
//                                                                          close --> CLOSED
//
// Every step in the wrong state is FAILED_PRECONDITION saying what the case is waiting for.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/business_calendar.h"
#include "common/time/clock.h"
#include "complaints/casehandling/v1/case.pb.h"
#include "complaints/common/v1/types.pb.h"

namespace tousu::casehandling {

using complaints::casehandling::v1::CaseState;

// What someone (or an event) asks the case to do.
enum class Step {
  kAddInvestigationEntry,
  kAttachInspectionReport,
  kLogCustomerContact,
  kProposeSolution,
  kExtendSolutionDeadline,
  kRecordCustomerDecision,
  kRecordImplementationProgress,
  kResolve,
  kReopen,
  kClose,
};

// "propose a solution", for messages.
const char* StepName(Step step);
// Whether `step` may be taken in `state`.
bool IsAllowed(CaseState state, Step step);

// The case as the rules see it (the current cycle's view).
struct CaseFacts {
  CaseState state = complaints::casehandling::v1::CASE_STATE_UNSPECIFIED;
  int cycle = 1;
  // Solutions proposed in this cycle; the one awaiting a decision has this number.
  int revision = 0;
  bool complex = false;
  complaints::common::v1::Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  bool has_inspection_report = false;
  absl::Time solution_due = absl::InfinitePast();
  bool solution_due_provisional = false;
  bool deadline_missed = false;
};

// OK, or FAILED_PRECONDITION: "cannot <step>: case is awaiting <what is due>".
absl::Status CheckStep(const CaseFacts& c, Step step);

// Whether an unsatisfied callback of `callback_cycle` reopens the case: the callback of a cycle
// reopens that cycle only, once it is resolved, so a repeat (or a stale event) changes nothing.
bool CallbackReopens(const CaseFacts& c, int callback_cycle);

struct Settings {
  // A solution is due this many business days after acknowledgement or reopen (§6.2).
  int solution_days = 2;
  // A revised solution is due this many business days after a rejection.
  int revision_days = 2;
};

struct Proposal {
  absl::Time at;
  int revision = 0;
  absl::Time due;
  bool on_time = false;
};

struct Extension {
  absl::Time at;
  absl::Time previous_due;
  bool previous_provisional = false;
  absl::Time new_due;
};

struct DecisionOutcome {
  absl::Time at;
  int revision = 0;
  bool accepted = false;
  // Rejections: the revised solution's deadline.
  std::optional<time::Deadline> revised_due;
};

struct Opening {
  absl::Time at;
  int cycle = 1;
  time::Deadline solution_due;
};

class CaseRules {
 public:
  // `clock` and `calendar` must outlive the rules.
  CaseRules(const time::Clock& clock, const time::BusinessCalendar& calendar, Settings settings);

  absl::Time Now() const { return clock_.Now(); }
  const Settings& settings() const { return settings_; }

  // `from` + 2 business days (solution_days): the first deadline of a cycle.
  absl::StatusOr<time::Deadline> SolutionDue(absl::Time from) const;
  // `from` + revision_days business days: a revised solution's deadline.
  absl::StatusOr<time::Deadline> RevisionDue(absl::Time from) const;

  // A new case, cycle 1, acknowledged at `acknowledged_at`.
  absl::StatusOr<Opening> Open(CaseFacts& c, absl::Time acknowledged_at) const;
  // For steps that only log something (investigation, inspection, contact, progress): checks the
  // state (and, for inspection reports, the category); returns when it happened.
  absl::StatusOr<absl::Time> Record(CaseFacts& c, Step step) const;
  // A solution is proposed; on time when not after the deadline in force.
  absl::StatusOr<Proposal> Propose(CaseFacts& c) const;
  // A complex case's deadline moves to `new_due`, which must be later than the one in force;
  // asked before that one passes. INVALID_ARGUMENT naming new_due for a date not later.
  absl::StatusOr<Extension> Extend(CaseFacts& c, absl::Time new_due) const;
  // The customer decides on solution `revision` (0: the one awaiting a decision).
  absl::StatusOr<DecisionOutcome> Decide(CaseFacts& c, int revision, bool accepted) const;
  absl::StatusOr<absl::Time> Resolve(CaseFacts& c) const;
  // An unsatisfied customer: a new cycle from `at`, with its own 2-business-day deadline.
  absl::StatusOr<Opening> Reopen(CaseFacts& c, absl::Time at) const;
  absl::StatusOr<absl::Time> Close(CaseFacts& c) const;
  // The timer: true (and marks it) when the deadline in force passed without a proposal and was
  // not marked yet, so each deadline is missed once.
  bool MarkDeadlineMissed(CaseFacts& c, absl::Time now) const;

 private:
  const time::Clock& clock_;
  const time::BusinessCalendar& calendar_;
  Settings settings_;
};

}  // namespace tousu::casehandling
