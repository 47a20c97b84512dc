#pragma once
// The rules the assessment service asks (policy §9.2, §10), pure: what each routing, case-handling
// and follow-up event adds to the activity log — above all, which deadline counts against whom —
// what a grade leads to, and how a confirmed suggestion becomes an accountability record. No
// database, no server, no clock: times come from the events and the caller.
//
// Whose deadline it is:
//   acknowledgement  the owner who acknowledged, on time or late. An overdue notice names only the
//                    department, so a deadline nobody ever acknowledged is nobody's.
//   solution         whoever proposed (events from before the proposer was named: the owner); a
//                    missed solution deadline is the owner's.
//   progress update  the tracker, recorded or overdue.
//   callback         the callback agent, made or overdue.
// ComputeFigures (assessment.h) joins every row about one deadline into one check.

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "complaints/staff/v1/assessment.pb.h"
#include "services/staff-assessment/domain/assessment.h"

namespace tousu::staff::assessment {

namespace rv1 = ::complaints::routing::v1;
namespace chv1 = ::complaints::casehandling::v1;
namespace fv1 = ::complaints::followup::v1;

// Identifiers longer than these do not fit the activity log: such an event is malformed.
inline constexpr size_t kMaxEventStaffId = 32;
inline constexpr size_t kMaxEventDepartmentId = 64;

// What an event says about its complaint (kept for the suggestions, which depend on the category).
// 0 and "" say nothing and leave what is known alone.
struct ComplaintNote {
  std::string number;
  int category = 0;
  std::string department_id;
  std::string owner_staff_id;
};

// What one event teaches the service.
struct Learnt {
  std::optional<ComplaintNote> complaint;
  std::optional<Activity> activity;  // the activity log's row, when the event is about someone
};

// What a grade leads to.
struct GradeConsequences {
  bool reward = false;             // EXCELLENT: proposed for a reward
  bool role_review = false;        // BELOW_BAR: the person's fitness for the role is reviewed
  bool targeted_training = false;  // BELOW_BAR: enrolled in the training plan of the role
};

GradeConsequences ConsequencesOf(v1::Grade grade);

// A person's quarter under the policy.
struct Verdict {
  double score = 0;  // 0 when nothing could be scored (grade UNSPECIFIED)
  v1::Grade grade = v1::GRADE_UNSPECIFIED;
  GradeConsequences consequences;
};

class AssessmentRules {
 public:
  explicit AssessmentRules(Policy policy) : policy_(policy) {}

  const Policy& policy() const { return policy_; }

  // What an event teaches. `row` comes filled from the envelope (event id and type, number and the
  // envelope's time); the event's own time replaces that time when it carries a usable one. An
  // event naming an owner id too long for any staff id teaches nothing.
  Learnt Learn(const rv1::ComplaintRouted& e, Activity row) const;
  Learnt Learn(const rv1::ComplaintAssignedBySupervisor& e, Activity row) const;
  Learnt Learn(const rv1::ComplaintAcknowledged& e, Activity row) const;
  Learnt Learn(const rv1::AcknowledgementOverdue& e, Activity row) const;
  Learnt Learn(const chv1::CaseOpened& e, Activity row) const;
  Learnt Learn(const chv1::SolutionProposed& e, Activity row) const;
  Learnt Learn(const chv1::SolutionDeadlineMissed& e, Activity row) const;
  Learnt Learn(const chv1::CaseResolved& e, Activity row) const;
  Learnt Learn(const chv1::CaseReopened& e, Activity row) const;
  Learnt Learn(const fv1::TrackerAssigned& e, Activity row) const;
  Learnt Learn(const fv1::ProgressUpdateRecorded& e, Activity row) const;
  Learnt Learn(const fv1::ProgressUpdateOverdue& e, Activity row) const;
  Learnt Learn(const fv1::CallbackOverdue& e, Activity row) const;
  Learnt Learn(const fv1::CallbackRecorded& e, Activity row) const;
  Learnt Learn(const fv1::CustomerUnsatisfied& e, Activity row) const;

  // Whether the row's staff and department ids fit the activity log.
  bool FitsTheLog(const Activity& row) const;

  // The score and grade of a person's figures, and what the grade leads to.
  Verdict Assess(const PersonFigures& figures) const;

  // The record a person confirms from `suggestion`: what they decided (`decided`, from the
  // request) wins, what they left out (staff, department, cause, severity) comes from the
  // suggestion, and the complaint is the suggestion's. FAILED_PRECONDITION "suggestion_id: ..."
  // when it was confirmed already; INVALID_ARGUMENT "number: ..." when `decided` names another
  // complaint.
  absl::StatusOr<v1::AccountabilityRecord> Confirm(
      v1::AccountabilityRecord decided, const v1::AccountabilitySuggestion& suggestion) const;

 private:
  Policy policy_;
};

}  // namespace tousu::staff::assessment
