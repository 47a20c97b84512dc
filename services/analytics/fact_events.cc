// What analytics hears: the intake, routing, case-handling and follow-up events that move a
// complaint's fact (domain/fact_projection.h says how each one does), and the staff directory's
// departments, whose names the monthly report shows (also read from the directory itself, by the
// same rule: domain/department_names.h). Each is applied in its delivery's transaction; one that
// can never apply is skipped through the sink (and counted in
// tousu_analytics_events_skipped_total).

#include <optional>
#include <vector>

#include "common/events/event_time.h"
#include "common/events/event_type.h"
#include "common/log/log.h"
#include "common/validation/text.h"
#include "services/analytics/analytics_service.h"
#include "services/analytics/domain/department_names.h"
#include "services/analytics/domain/fact_projection.h"
#include "services/analytics/repository/departments.h"

namespace tousu::analytics {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
namespace sv1 = complaints::staff::v1;

template <typename Message>
void AnalyticsService::ProjectIntoFacts() {
  rt_.event_sink().On<Message>(
      [this](db::Transaction& tx, const Message& m, const cv1::Event& event) -> absl::Status {
        if (!validation::CheckComplaintNumber("number", m.number()).ok()) {
          return rt_.event_sink().Skip(event, "malformed");
        }
        const EventTimes at{.envelope = event, .now = Now()};
        const Fact before = LockFact(tx, m.number());
        Fact after = before;
        Project(m, at, after);
        SaveFact(tx, before, after, at.now);
        return absl::OkStatus();
      });
  rt_.event_sink().ExpectSkipReason(events::EventTypeOf<Message>(), "malformed");
}

void AnalyticsService::SubscribeToEvents() {
  ProjectIntoFacts<iv1::ComplaintReceived>();
  ProjectIntoFacts<rv1::ComplaintRouted>();
  ProjectIntoFacts<rv1::ComplaintSentToSupervisor>();
  ProjectIntoFacts<rv1::ComplaintAssignedBySupervisor>();
  ProjectIntoFacts<rv1::ComplaintAcknowledged>();
  ProjectIntoFacts<rv1::AcknowledgementOverdue>();
  ProjectIntoFacts<rv1::SupervisorQueueOverdue>();
  ProjectIntoFacts<chv1::CaseOpened>();
  ProjectIntoFacts<chv1::SolutionProposed>();
  ProjectIntoFacts<chv1::SolutionDeadlineMissed>();
  ProjectIntoFacts<chv1::CaseResolved>();
  ProjectIntoFacts<chv1::CaseReopened>();
  ProjectIntoFacts<fv1::CallbackRecorded>();
  ProjectIntoFacts<fv1::CallbackOverdue>();
  ProjectIntoFacts<fv1::CustomerUnsatisfied>();
  ProjectIntoFacts<fv1::ComplaintClosed>();
  rt_.event_sink().OnAs<sv1::Department>(
      events::kDepartmentUpserted,
      [this](db::Transaction& tx, const sv1::Department& department, const cv1::Event& event) {
        return OnDepartmentUpserted(tx, department, event);
      });
  rt_.event_sink().ExpectSkipReason(events::kDepartmentUpserted, "malformed");
}

absl::Status AnalyticsService::OnDepartmentUpserted(db::Transaction& tx,
                                                    const sv1::Department& department,
                                                    const cv1::Event& event) {
  const std::optional<DepartmentName> kept =
      DepartmentNameOf(department, events::EventTime(event, Now()));
  if (!kept) return rt_.event_sink().Skip(event, "malformed");
  SaveDepartmentName(tx, *kept);
  return absl::OkStatus();
}

int AnalyticsService::KeepListedDepartments(db::Transaction& tx,
                                            const std::vector<sv1::Department>& listed) {
  int kept = 0;
  for (const sv1::Department& department : listed) {
    // Undated: as of the epoch, so it never replaces a name the directory dated.
    if (std::optional<DepartmentName> d = DepartmentNameOf(department, absl::UnixEpoch())) {
      SaveDepartmentName(tx, *d);
      ++kept;
    } else {
      log::Warn("department without a name to show; not kept",
                {{"department_id", department.id()}});
    }
  }
  return kept;
}

}  // namespace tousu::analytics
