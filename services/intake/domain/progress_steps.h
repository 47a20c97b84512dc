#pragma once
// One step per event intake follows: what its payload changes on the customer's record and what
// the timeline says (progress.h). followed_events.h lists which step reads which event type; the
// steps are grouped by producer in progress_steps_<producer>.cc.
//
// A step fills in `p` (its producer and default move already set) and returns INVALID_ARGUMENT for
// a payload that can never apply (a malformed number, id or cycle).

#include <initializer_list>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/notification/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/intake/domain/progress.h"

namespace tousu::intake {

namespace rv1 = ::complaints::routing::v1;
namespace chv1 = ::complaints::casehandling::v1;
namespace fv1 = ::complaints::followup::v1;
namespace nv1 = ::complaints::notification::v1;

// The envelope a payload came in and the consumer's clock: what a step needs besides the payload.
struct StepContext {
  const cv1::Event& envelope;
  absl::Time now;

  // The payload's own time `own` when usable, else the envelope's, else now (events::EventTime).
  absl::Time When(const google::protobuf::Timestamp& own) const;
  // The envelope's time, else now: for events that carry no time of their own.
  absl::Time When() const;
  // INVALID_ARGUMENT "<event type>: <what>".
  absl::Status Malformed(const std::string& what) const;
  // A well-formed number, and ids other services issue (printable ASCII without spaces, at most
  // 64 bytes; empty allowed where the field is optional).
  absl::Status CheckIds(const std::string& number,
                        std::initializer_list<const std::string*> ids) const;
  // CheckIds and a cycle of 1 or more: what every case-handling event and follow-up's
  // cycle-bearing events carry.
  absl::Status CheckCycle(const std::string& number, int32_t cycle,
                          std::initializer_list<const std::string*> ids) const;
};

// A deadline from an event, when a DATETIME column can hold it.
std::optional<absl::Time> UsableDeadline(const google::protobuf::Timestamp& ts);
// `c`, or UNSPECIFIED for a value this build does not know.
cv1::Category KnownCategory(cv1::Category c);
// Sets `change`/`at` from an event's deadline: kSet when usable, else `otherwise`.
void SetDue(Progress::Due& change, absl::Time& at, const google::protobuf::Timestamp& ts,
            Progress::Due otherwise);

// Routing (§5).
absl::Status Step(const rv1::ComplaintRouted& m, const StepContext& at, Progress& p);
absl::Status Step(const rv1::ComplaintSentToSupervisor& m, const StepContext& at, Progress& p);
absl::Status Step(const rv1::ComplaintAssignedBySupervisor& m, const StepContext& at, Progress& p);
absl::Status Step(const rv1::ComplaintAcknowledged& m, const StepContext& at, Progress& p);
absl::Status Step(const rv1::AssignmentRejected& m, const StepContext& at, Progress& p);
absl::Status Step(const rv1::AcknowledgementOverdue& m, const StepContext& at, Progress& p);

// Case handling (§6).
absl::Status Step(const chv1::CaseOpened& m, const StepContext& at, Progress& p);
absl::Status Step(const chv1::InvestigationEntryAdded& m, const StepContext& at, Progress& p);
absl::Status Step(const chv1::InspectionReportAttached& m, const StepContext& at, Progress& p);
absl::Status Step(const chv1::CustomerContacted& m, const StepContext& at, Progress& p);
absl::Status Step(const chv1::SolutionProposed& m, const StepContext& at, Progress& p);
absl::Status Step(const chv1::SolutionDeadlineExtended& m, const StepContext& at, Progress& p);
absl::Status Step(const chv1::SolutionDeadlineMissed& m, const StepContext& at, Progress& p);
absl::Status Step(const chv1::CustomerDecisionRecorded& m, const StepContext& at, Progress& p);
absl::Status Step(const chv1::ImplementationProgressRecorded& m, const StepContext& at,
                  Progress& p);
absl::Status Step(const chv1::CaseResolved& m, const StepContext& at, Progress& p);
absl::Status Step(const chv1::CaseReopened& m, const StepContext& at, Progress& p);

// Follow-up (§7).
absl::Status Step(const fv1::TrackerAssigned& m, const StepContext& at, Progress& p);
absl::Status Step(const fv1::ProgressUpdateRecorded& m, const StepContext& at, Progress& p);
absl::Status Step(const fv1::ProgressUpdateOverdue& m, const StepContext& at, Progress& p);
absl::Status Step(const fv1::CallbackScheduled& m, const StepContext& at, Progress& p);
absl::Status Step(const fv1::CallbackOverdue& m, const StepContext& at, Progress& p);
absl::Status Step(const fv1::CallbackRecorded& m, const StepContext& at, Progress& p);
absl::Status Step(const fv1::CustomerUnsatisfied& m, const StepContext& at, Progress& p);
absl::Status Step(const fv1::ComplaintClosed& m, const StepContext& at, Progress& p);

// Notification: what the customer was sent, and what could not be delivered. Timeline only.
absl::Status Step(const nv1::CustomerNotified& m, const StepContext& at, Progress& p);
absl::Status Step(const nv1::CustomerNotificationFailed& m, const StepContext& at, Progress& p);

}  // namespace tousu::intake
