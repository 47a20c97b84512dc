#include "services/case-handling/domain/case_rules.h"

#include "absl/strings/str_cat.h"

namespace tousu::casehandling {

namespace chv1 = complaints::casehandling::v1;

namespace {

// How far beyond the deadline in force one extension may reach; further is surely a typo.
constexpr absl::Duration kMaxExtension = absl::Hours(24 * 90);

// What the case waits for in its state, for refusals.
std::string Awaiting(const CaseFacts& c) {
  switch (c.state) {
    case chv1::CASE_STATE_INVESTIGATING:
      return c.revision == 0
                 ? "case is awaiting a solution proposal"
                 : absl::StrCat(
                       "case is awaiting a revised solution (the customer rejected solution ",
                       c.revision, ")");
    case chv1::CASE_STATE_AWAITING_DECISION:
      return absl::StrCat("case is awaiting the customer's decision on solution ", c.revision);
    case chv1::CASE_STATE_IMPLEMENTING:
      return "case is awaiting implementation of the accepted solution and then its resolution";
    case chv1::CASE_STATE_RESOLVED:
      return "case is resolved and awaiting the customer's callback";
    case chv1::CASE_STATE_CLOSED:
      return "case is closed";
    default:
      return "case is in an unknown state";
  }
}

}  // namespace

const char* StepName(Step step) {
  switch (step) {
    case Step::kAddInvestigationEntry:
      return "add an investigation entry";
    case Step::kAttachInspectionReport:
      return "attach an inspection report";
    case Step::kLogCustomerContact:
      return "log a customer contact";
    case Step::kProposeSolution:
      return "propose a solution";
    case Step::kExtendSolutionDeadline:
      return "extend the solution deadline";
    case Step::kRecordCustomerDecision:
      return "record the customer's decision";
    case Step::kRecordImplementationProgress:
      return "record implementation progress";
    case Step::kResolve:
      return "resolve the case";
    case Step::kReopen:
      return "reopen the case";
    case Step::kClose:
      return "close the case";
  }
  return "?";
}

bool IsAllowed(CaseState state, Step step) {
  const bool working = state == chv1::CASE_STATE_INVESTIGATING ||
                       state == chv1::CASE_STATE_AWAITING_DECISION ||
                       state == chv1::CASE_STATE_IMPLEMENTING;
  switch (step) {
    case Step::kAddInvestigationEntry:
    case Step::kAttachInspectionReport:
      return working;
    case Step::kLogCustomerContact:
      // Telling the customer something stays possible until the callback closes the case.
      return working || state == chv1::CASE_STATE_RESOLVED;
    case Step::kProposeSolution:
    case Step::kExtendSolutionDeadline:
      return state == chv1::CASE_STATE_INVESTIGATING;
    case Step::kRecordCustomerDecision:
      return state == chv1::CASE_STATE_AWAITING_DECISION;
    case Step::kRecordImplementationProgress:
    case Step::kResolve:
      return state == chv1::CASE_STATE_IMPLEMENTING;
    case Step::kReopen:
    case Step::kClose:
      return state == chv1::CASE_STATE_RESOLVED;
  }
  return false;
}

absl::Status CheckStep(const CaseFacts& c, Step step) {
  if (IsAllowed(c.state, step)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("cannot ", StepName(step), ": ", Awaiting(c)));
}

bool CallbackReopens(const CaseFacts& c, int callback_cycle) {
  return callback_cycle == c.cycle && IsAllowed(c.state, Step::kReopen);
}

CaseRules::CaseRules(const time::Clock& clock, const time::BusinessCalendar& calendar,
                     Settings settings)
    : clock_(clock), calendar_(calendar), settings_(settings) {}

absl::StatusOr<time::Deadline> CaseRules::SolutionDue(absl::Time from) const {
  return calendar_.AddBusinessDays(from, settings_.solution_days);
}

absl::StatusOr<time::Deadline> CaseRules::RevisionDue(absl::Time from) const {
  return calendar_.AddBusinessDays(from, settings_.revision_days);
}

absl::StatusOr<Opening> CaseRules::Open(CaseFacts& c, absl::Time acknowledged_at) const {
  auto due = SolutionDue(acknowledged_at);
  if (!due.ok()) return due.status();
  c.state = chv1::CASE_STATE_INVESTIGATING;
  c.cycle = 1;
  c.revision = 0;
  c.solution_due = due->at;
  c.solution_due_provisional = due->provisional;
  c.deadline_missed = false;
  return Opening{.at = Now(), .cycle = 1, .solution_due = *due};
}

absl::StatusOr<absl::Time> CaseRules::Record(CaseFacts& c, Step step) const {
  if (auto s = CheckStep(c, step); !s.ok()) return s;
  if (step == Step::kAttachInspectionReport) {
    if (c.category != complaints::common::v1::CATEGORY_PRODUCT_QUALITY) {
      return absl::FailedPreconditionError(
          "cannot attach an inspection report: only product-quality cases carry one");
    }
    c.has_inspection_report = true;
  }
  return Now();
}

absl::StatusOr<Proposal> CaseRules::Propose(CaseFacts& c) const {
  if (auto s = CheckStep(c, Step::kProposeSolution); !s.ok()) return s;
  if (c.category == complaints::common::v1::CATEGORY_PRODUCT_QUALITY && !c.has_inspection_report) {
    return absl::FailedPreconditionError(
        "cannot propose a solution: case is awaiting its engineering inspection report (product "
        "quality)");
  }
  const absl::Time now = Now();
  Proposal p{.at = now,
             .revision = c.revision + 1,
             .due = c.solution_due,
             .on_time = now <= c.solution_due};
  c.state = chv1::CASE_STATE_AWAITING_DECISION;
  c.revision = p.revision;
  return p;
}

absl::StatusOr<Extension> CaseRules::Extend(CaseFacts& c, absl::Time new_due) const {
  if (auto s = CheckStep(c, Step::kExtendSolutionDeadline); !s.ok()) return s;
  if (!c.complex) {
    return absl::FailedPreconditionError(
        "cannot extend the solution deadline: only a complex case may, and this one is not marked "
        "complex");
  }
  const absl::Time now = Now();
  if (now > c.solution_due) {
    // An extension after the fact would hide a breach the timer already counted.
    return absl::FailedPreconditionError(
        absl::StrCat("cannot extend the solution deadline: it passed at ",
                     absl::FormatTime("%Y-%m-%d %H:%M %Z", c.solution_due, calendar_.zone()),
                     "; propose a solution"));
  }
  if (new_due <= c.solution_due) {
    return absl::InvalidArgumentError(
        absl::StrCat("new_due: must be later than the deadline in force, ",
                     absl::FormatTime("%Y-%m-%d %H:%M %Z", c.solution_due, calendar_.zone())));
  }
  if (new_due - c.solution_due > kMaxExtension) {
    return absl::InvalidArgumentError("new_due: at most 90 days after the deadline in force");
  }
  Extension e{.at = now,
              .previous_due = c.solution_due,
              .previous_provisional = c.solution_due_provisional,
              .new_due = new_due};
  c.solution_due = new_due;
  c.solution_due_provisional = false;  // a date someone chose, not a business-day count
  c.deadline_missed = false;
  return e;
}

absl::StatusOr<DecisionOutcome> CaseRules::Decide(CaseFacts& c, int revision, bool accepted) const {
  if (auto s = CheckStep(c, Step::kRecordCustomerDecision); !s.ok()) return s;
  if (revision != 0 && revision != c.revision) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot record the customer's decision: solution ", c.revision,
                     " is the one awaiting a decision, not ", revision));
  }
  const absl::Time now = Now();
  DecisionOutcome d{
      .at = now, .revision = c.revision, .accepted = accepted, .revised_due = std::nullopt};
  if (accepted) {
    c.state = chv1::CASE_STATE_IMPLEMENTING;
    return d;
  }
  auto due = RevisionDue(now);
  if (!due.ok()) return due.status();
  d.revised_due = *due;
  c.state = chv1::CASE_STATE_INVESTIGATING;
  c.solution_due = due->at;
  c.solution_due_provisional = due->provisional;
  c.deadline_missed = false;
  return d;
}

absl::StatusOr<absl::Time> CaseRules::Resolve(CaseFacts& c) const {
  if (auto s = CheckStep(c, Step::kResolve); !s.ok()) return s;
  c.state = chv1::CASE_STATE_RESOLVED;
  return Now();
}

absl::StatusOr<Opening> CaseRules::Reopen(CaseFacts& c, absl::Time at) const {
  if (auto s = CheckStep(c, Step::kReopen); !s.ok()) return s;
  auto due = SolutionDue(at);
  if (!due.ok()) return due.status();
  c.state = chv1::CASE_STATE_INVESTIGATING;
  c.cycle += 1;
  c.revision = 0;
  c.solution_due = due->at;
  c.solution_due_provisional = due->provisional;
  c.deadline_missed = false;
  return Opening{.at = Now(), .cycle = c.cycle, .solution_due = *due};
}

absl::StatusOr<absl::Time> CaseRules::Close(CaseFacts& c) const {
  if (auto s = CheckStep(c, Step::kClose); !s.ok()) return s;
  c.state = chv1::CASE_STATE_CLOSED;
  return Now();
}

bool CaseRules::MarkDeadlineMissed(CaseFacts& c, absl::Time now) const {
  if (c.state != chv1::CASE_STATE_INVESTIGATING || c.deadline_missed || now <= c.solution_due)
    return false;
  c.deadline_missed = true;
  return true;
}

}  // namespace tousu::casehandling
