// AssessmentService's event handlers: each routing, case-handling and follow-up event that says who
// acted on a complaint, and whether on time, becomes a row of the activity log (and, where a rule
// applies, an accountability suggestion) in the delivery's transaction. What an event means is
// AssessmentRules::Learn's decision; these handlers only check, ask and store.

#include "common/events/event_time.h"
#include "common/validation/text.h"
#include "services/staff-assessment/assessment_service.h"
#include "services/staff-assessment/repository/accountability_repository.h"
#include "services/staff-assessment/repository/assessment_repository.h"

namespace tousu::staff {

namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;

template <typename Message>
void AssessmentService::LearnFrom() {
  rt_.event_sink().On<Message>(
      [this](db::Transaction& tx, const Message& m, const cv1::Event& event) -> absl::Status {
        if (!validation::CheckComplaintNumber("number", m.number()).ok()) {
          return rt_.event_sink().Skip(event, "number");
        }
        assessment::Activity row;
        row.event_id = event.event_id();
        row.event_type = event.event_type();
        row.number = m.number();
        row.at = events::EventTime(event, Now());
        return Keep(tx, event, rules_.Learn(m, std::move(row)));
      });
}

void AssessmentService::SubscribeToEvents() {
  // Routing: the category (for the suggestions) and the acknowledgement.
  LearnFrom<rv1::ComplaintRouted>();
  LearnFrom<rv1::ComplaintAssignedBySupervisor>();
  LearnFrom<rv1::ComplaintAcknowledged>();
  LearnFrom<rv1::AcknowledgementOverdue>();
  // Case-handling: the solution deadline, resolution and reopening.
  LearnFrom<chv1::CaseOpened>();
  LearnFrom<chv1::SolutionProposed>();
  LearnFrom<chv1::SolutionDeadlineMissed>();
  LearnFrom<chv1::CaseResolved>();
  LearnFrom<chv1::CaseReopened>();
  // Follow-up: the tracker's progress updates, the callback and the customer's satisfaction.
  LearnFrom<fv1::TrackerAssigned>();
  LearnFrom<fv1::ProgressUpdateRecorded>();
  LearnFrom<fv1::ProgressUpdateOverdue>();
  LearnFrom<fv1::CallbackOverdue>();
  LearnFrom<fv1::CallbackRecorded>();
  LearnFrom<fv1::CustomerUnsatisfied>();
}

absl::Status AssessmentService::Keep(db::Transaction& tx, const cv1::Event& event,
                                     const assessment::Learnt& learnt) {
  if (const auto& c = learnt.complaint) {
    repository::NoteComplaint(tx, c->number, c->category, c->department_id, c->owner_staff_id);
  }
  if (!learnt.activity) return absl::OkStatus();
  const assessment::Activity& row = *learnt.activity;
  if (!rules_.FitsTheLog(row)) return rt_.event_sink().Skip(event, "identifier");
  repository::InsertActivity(tx, row);
  const int category = repository::CategoryOf(tx, row.number);
  auto suggestion = assessment::SuggestFrom(row, category);
  if (!suggestion) return absl::OkStatus();
  if (repository::InsertSuggestion(tx, *suggestion, row.event_type + ":" + row.event_id, Now())) {
    tx.OnCommit([this, rule = suggestion->rule] { suggestions_.With({rule}).Increment(); });
  }
  return absl::OkStatus();
}

}  // namespace tousu::staff
