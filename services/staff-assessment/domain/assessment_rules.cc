#include "services/staff-assessment/domain/assessment_rules.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/events/event_time.h"

namespace tousu::staff::assessment {
namespace {

using google::protobuf::Timestamp;

// The event's own time, when it carries a usable one.
void At(const Timestamp& own, Activity& row) {
  if (auto t = events::UsableEventTime(own)) row.at = *t;
}

// Names the person the row is about, in `role` (no role when nobody is named).
void About(const std::string& staff_id, const char* role, Activity& row) {
  row.staff_id = staff_id;
  row.role = staff_id.empty() ? "" : role;
}

// The deadline the row settles; an event without a usable due time settles none.
void Settles(const char* deadline, const Timestamp& due, bool met, Activity& row) {
  auto d = events::UsableEventTime(due);
  if (!d) return;
  row.sla = deadline;
  row.due = d;
  row.met = met;
}

// A department id too long to keep is not kept (the complaint's other facts still are).
std::string Department(const std::string& id) {
  return id.size() <= kMaxEventDepartmentId ? id : std::string();
}

ComplaintNote Note(const std::string& number, int category, const std::string& department_id,
                   const std::string& owner_staff_id) {
  return {.number = number,
          .category = category,
          .department_id = Department(department_id),
          .owner_staff_id = owner_staff_id};
}

// Rows about nobody are kept only where the rest of the row matters on its own.
Learnt IfNamed(Activity row, std::optional<ComplaintNote> note = std::nullopt) {
  Learnt learnt{.complaint = std::move(note), .activity = std::nullopt};
  if (!row.staff_id.empty()) learnt.activity = std::move(row);
  return learnt;
}

}  // namespace

GradeConsequences ConsequencesOf(v1::Grade grade) {
  return {.reward = grade == v1::GRADE_EXCELLENT,
          .role_review = grade == v1::GRADE_BELOW_BAR,
          .targeted_training = grade == v1::GRADE_BELOW_BAR};
}

// ---- Routing: the category and the acknowledgement ---------------------------------------------

Learnt AssessmentRules::Learn(const rv1::ComplaintRouted& e, Activity) const {
  return {.complaint = Note(e.number(), e.category(), e.department_id(), ""), .activity = {}};
}

Learnt AssessmentRules::Learn(const rv1::ComplaintAssignedBySupervisor& e, Activity) const {
  return {.complaint = Note(e.number(), 0, e.lead_department_id(), ""), .activity = {}};
}

Learnt AssessmentRules::Learn(const rv1::ComplaintAcknowledged& e, Activity row) const {
  if (e.owner_staff_id().size() > kMaxEventStaffId) return {};
  At(e.acknowledged_at(), row);
  About(e.owner_staff_id(), kHandler, row);
  row.department_id = e.department_id();
  Settles(kAcknowledgement, e.ack_due(), e.on_time(), row);
  return {.complaint = Note(e.number(), e.category(), e.department_id(), e.owner_staff_id()),
          .activity = std::move(row)};
}

Learnt AssessmentRules::Learn(const rv1::AcknowledgementOverdue& e, Activity row) const {
  At(e.escalated_at(), row);
  row.department_id = e.department_id();  // names nobody: the deadline is whoever acknowledges
  Settles(kAcknowledgement, e.ack_due(), false, row);
  return {.complaint = std::nullopt, .activity = std::move(row)};
}

// ---- Case-handling: the owner's solution deadline, resolution and reopening --------------------

Learnt AssessmentRules::Learn(const chv1::CaseOpened& e, Activity row) const {
  if (e.owner_staff_id().size() > kMaxEventStaffId) return {};
  At(e.opened_at(), row);
  About(e.owner_staff_id(), kHandler, row);
  row.department_id = e.department_id();
  return IfNamed(std::move(row),
                 Note(e.number(), e.category(), e.department_id(), e.owner_staff_id()));
}

Learnt AssessmentRules::Learn(const chv1::SolutionProposed& e, Activity row) const {
  At(e.proposed_at(), row);
  About(e.proposed_by_staff_id().empty() ? e.owner_staff_id() : e.proposed_by_staff_id(), kHandler,
        row);
  Settles(kSolution, e.due(), e.on_time(), row);
  return IfNamed(std::move(row));
}

Learnt AssessmentRules::Learn(const chv1::SolutionDeadlineMissed& e, Activity row) const {
  At(e.detected_at(), row);
  About(e.owner_staff_id(), kHandler, row);
  row.department_id = e.department_id();
  Settles(kSolution, e.due(), false, row);
  return {.complaint = std::nullopt, .activity = std::move(row)};
}

Learnt AssessmentRules::Learn(const chv1::CaseResolved& e, Activity row) const {
  At(e.resolved_at(), row);
  About(e.owner_staff_id(), kHandler, row);
  row.department_id = e.department_id();
  row.resolved = true;
  return {.complaint = Note(e.number(), e.category(), e.department_id(), ""),
          .activity = std::move(row)};
}

Learnt AssessmentRules::Learn(const chv1::CaseReopened& e, Activity row) const {
  At(e.reopened_at(), row);
  About(e.owner_staff_id(), kHandler, row);
  row.department_id = e.department_id();
  row.reopened = true;
  return {.complaint = std::nullopt, .activity = std::move(row)};
}

// ---- Follow-up: the tracker's updates, the callback agent's callback, the satisfaction ---------

Learnt AssessmentRules::Learn(const fv1::TrackerAssigned& e, Activity row) const {
  At(e.at(), row);
  About(e.tracker_staff_id(), kTracker, row);
  return IfNamed(std::move(row));
}

Learnt AssessmentRules::Learn(const fv1::ProgressUpdateRecorded& e, Activity row) const {
  At(e.at(), row);
  About(e.tracker_staff_id(), kTracker, row);
  Settles(kProgressUpdate, e.due(), e.on_time(), row);
  return IfNamed(std::move(row));
}

Learnt AssessmentRules::Learn(const fv1::ProgressUpdateOverdue& e, Activity row) const {
  At(e.detected_at(), row);
  About(e.tracker_staff_id(), kTracker, row);
  Settles(kProgressUpdate, e.due(), false, row);
  return {.complaint = std::nullopt, .activity = std::move(row)};
}

Learnt AssessmentRules::Learn(const fv1::CallbackOverdue& e, Activity row) const {
  At(e.detected_at(), row);
  About(e.callback_agent_staff_id(), kCallbackAgent, row);
  Settles(kCallback, e.due(), false, row);
  return {.complaint = std::nullopt, .activity = std::move(row)};
}

Learnt AssessmentRules::Learn(const fv1::CallbackRecorded& e, Activity row) const {
  At(e.at(), row);
  About(e.callback_agent_staff_id(), kCallbackAgent, row);
  Settles(kCallback, e.due(), e.on_time(), row);
  if (e.satisfaction() >= 1 && e.satisfaction() <= 5) row.satisfaction = e.satisfaction();
  return {.complaint = std::nullopt, .activity = std::move(row)};
}

Learnt AssessmentRules::Learn(const fv1::CustomerUnsatisfied& e, Activity row) const {
  At(e.at(), row);
  row.reopened = true;  // counts against the case's effectiveness, not against a person
  return {.complaint = std::nullopt, .activity = std::move(row)};
}

bool AssessmentRules::FitsTheLog(const Activity& row) const {
  return row.staff_id.size() <= kMaxEventStaffId &&
         row.department_id.size() <= kMaxEventDepartmentId;
}

// ---- Grades -------------------------------------------------------------------------------------

Verdict AssessmentRules::Assess(const PersonFigures& figures) const {
  const std::optional<double> score = WeightedScore(figures.components(), policy_);
  const v1::Grade grade = GradeFor(score, policy_);
  return {.score = score.value_or(0), .grade = grade, .consequences = ConsequencesOf(grade)};
}

// ---- Accountability -----------------------------------------------------------------------------

absl::StatusOr<v1::AccountabilityRecord> AssessmentRules::Confirm(
    v1::AccountabilityRecord decided, const v1::AccountabilitySuggestion& suggestion) const {
  if (suggestion.status() == v1::SUGGESTION_STATUS_CONFIRMED) {
    return absl::FailedPreconditionError(
        absl::StrCat("suggestion_id: already confirmed as record ", suggestion.record_id()));
  }
  if (!decided.number().empty() && decided.number() != suggestion.number()) {
    return absl::InvalidArgumentError("number: is not the suggestion's complaint " +
                                      suggestion.number());
  }
  decided.set_number(suggestion.number());
  if (decided.staff_id().empty()) decided.set_staff_id(suggestion.staff_id());
  if (decided.department_id().empty()) decided.set_department_id(suggestion.department_id());
  if (decided.cause() == v1::ACCOUNTABILITY_CAUSE_UNSPECIFIED)
    decided.set_cause(suggestion.cause());
  if (decided.severity() == v1::ACCOUNTABILITY_SEVERITY_UNSPECIFIED) {
    decided.set_severity(suggestion.severity());
  }
  decided.set_suggestion_id(suggestion.id());
  return decided;
}

}  // namespace tousu::staff::assessment
