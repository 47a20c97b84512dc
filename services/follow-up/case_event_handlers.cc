// Case-handling's events as follow-up sees them: a cycle opens (a tracker and the progress-update
// cadence), the department contacts the customer (counts as an update), the case is resolved (a
// callback is scheduled). Each runs in the EventSink's transaction, after the inbox recorded the
// event id.

#include <optional>
#include <string_view>

#include "common/events/event_time.h"
#include "common/log/log.h"
#include "common/validation/text.h"
#include "services/follow-up/domain/request_checks.h"
#include "services/follow-up/follow_up_messages.h"
#include "services/follow-up/follow_up_service.h"

namespace tousu::followup {

namespace chv1 = complaints::casehandling::v1;
namespace sv1 = complaints::staff::v1;
using events::EventTime;
using events::EventTypeOf;

namespace {

// What a case event says about its cycle, timed by the event's own time when it has a usable one
// (a late delivery must not push a deadline back), else the envelope's, else now.
template <typename Payload>
CycleEvent CycleOf(const Payload& payload, const google::protobuf::Timestamp& own_time,
                   const complaints::common::v1::Event& envelope, absl::Time now) {
  return {.number = payload.number(),
          .cycle = payload.cycle(),
          .department_id = payload.department_id(),
          .owner_staff_id = payload.owner_staff_id(),
          .at = EventTime(own_time, envelope, now)};
}

// Why an event can never apply (a malformed number, a cycle below `min_cycle`), for the skip
// counter; nullopt when it can. Refusing it instead would block every later event of the
// complaint in the relay.
std::optional<std::string_view> Unusable(const std::string& number, int cycle, int min_cycle) {
  if (!validation::CheckComplaintNumber("number", number).ok()) return "number";
  if (cycle < min_cycle) return "cycle";
  return std::nullopt;
}

}  // namespace

void FollowUpService::RegisterEventHandlers() {
  auto& sink = rt_.event_sink();
  sink.On<chv1::CaseOpened>([this](db::Transaction& tx, const chv1::CaseOpened& opened,
                                   const Event& event) { return OnCaseOpened(tx, opened, event); });
  sink.On<chv1::CaseReopened>(
      [this](db::Transaction& tx, const chv1::CaseReopened& reopened, const Event& event) {
        return OnCaseReopened(tx, reopened, event);
      });
  sink.On<chv1::CustomerContacted>(
      [this](db::Transaction& tx, const chv1::CustomerContacted& contacted, const Event& event) {
        return OnCustomerContacted(tx, contacted, event);
      });
  sink.On<chv1::CaseResolved>(
      [this](db::Transaction& tx, const chv1::CaseResolved& resolved, const Event& event) {
        return OnCaseResolved(tx, resolved, event);
      });
  for (const std::string& type :
       {EventTypeOf<chv1::CaseOpened>(), EventTypeOf<chv1::CaseReopened>(),
        EventTypeOf<chv1::CustomerContacted>(), EventTypeOf<chv1::CaseResolved>()}) {
    sink.ExpectSkipReason(type, "malformed");
    sink.ExpectSkipReason(type, "number");
  }
  for (const std::string& type :
       {EventTypeOf<chv1::CaseOpened>(), EventTypeOf<chv1::CaseReopened>(),
        EventTypeOf<chv1::CaseResolved>()}) {
    sink.ExpectSkipReason(type, "cycle");
  }
}

absl::Status FollowUpService::OnCaseOpened(db::Transaction& tx, const chv1::CaseOpened& opened,
                                           const Event& event) {
  if (auto why = Unusable(opened.number(), opened.cycle(), /*min_cycle=*/1)) {
    return rt_.event_sink().Skip(event, *why);
  }
  return OpenCycle(tx, event, CycleOf(opened, opened.opened_at(), event, rules_.Now()));
}

absl::Status FollowUpService::OnCaseReopened(db::Transaction& tx,
                                             const chv1::CaseReopened& reopened,
                                             const Event& event) {
  if (auto why = Unusable(reopened.number(), reopened.cycle(), /*min_cycle=*/2)) {
    return rt_.event_sink().Skip(event, *why);
  }
  return OpenCycle(tx, event, CycleOf(reopened, reopened.reopened_at(), event, rules_.Now()));
}

absl::Status FollowUpService::OpenCycle(db::Transaction& tx, const Event& event,
                                        const CycleEvent& cycle) {
  // A plain read first: locking a row that does not exist would take a gap lock and hold it
  // across the directory call below, stalling other cases' first events.
  if (LoadFollowUp(tx, cycle.number, /*for_update=*/false).has_value()) {
    return ResumeCycle(tx, cycle);
  }
  // A new case: pick its tracker. The directory call happens before any row lock is taken.
  auto trackers = ActiveStaffIds(rules_.policy().tracker_department, sv1::STAFF_ROLE_TRACKER);
  if (!trackers.ok()) return trackers.status();  // the relay retries later
  auto opened = rules_.Open(cycle, *trackers, OpenCasesByTracker(tx));
  if (!opened.ok()) return opened.status();
  NoteDue(tx, opened->progress_due, "progress_update", cycle.number);
  const FollowUpRow& fu = opened->follow_up;
  if (!InsertFollowUp(tx, fu)) return absl::OkStatus();  // another event id for the same case won
  if (fu.tracker_staff_id.empty()) {
    log::Warn("no active tracker in the directory; the case waits for ReassignTracker",
              {{"department", rules_.policy().tracker_department}});
    return absl::OkStatus();
  }
  AddTrackerHistory(tx, fu.number, fu.tracker_staff_id, "rule", "", fu.updated_at);
  rt_.outbox().Append(tx, fu.number, TrackerAssignedEvent(fu, "rule"), event.request_id());
  return absl::OkStatus();
}

absl::Status FollowUpService::ResumeCycle(db::Transaction& tx, const CycleEvent& cycle) {
  auto fu = LoadFollowUp(tx, cycle.number, /*for_update=*/true);
  if (!fu) return absl::AbortedError("follow-up row vanished");
  if (!FollowUpRules::IsNewCycle(*fu, cycle.cycle)) return absl::OkStatus();
  auto due = rules_.Resume(*fu, cycle);
  if (!due.ok()) return due.status();
  NoteDue(tx, *due, "progress_update", cycle.number);
  // A callback the new cycle overtook can no longer be made.
  CancelCallbacksBefore(tx, cycle.number, cycle.cycle);
  UpdateFollowUp(tx, *fu);
  return absl::OkStatus();
}

absl::Status FollowUpService::OnCustomerContacted(db::Transaction& tx,
                                                  const chv1::CustomerContacted& contacted,
                                                  const Event& event) {
  if (auto why = Unusable(contacted.number(), contacted.cycle(), /*min_cycle=*/0)) {
    return rt_.event_sink().Skip(event, *why);
  }
  auto fu = LoadFollowUp(tx, contacted.number(), /*for_update=*/true);
  if (!fu) return absl::OkStatus();
  auto contact = rules_.RecordContact(*fu, contacted.cycle(),
                                      contacted.staff_id().substr(0, kMaxStaffIdLength),
                                      EventTime(contacted.at(), event, rules_.Now()));
  if (!contact.ok()) return contact.status();
  if (!contact->has_value()) return absl::OkStatus();
  AddProgressUpdate(tx, fu->number, (*contact)->update);
  if ((*contact)->next_due) NoteDue(tx, *(*contact)->next_due, "progress_update", fu->number);
  UpdateFollowUp(tx, *fu);
  return absl::OkStatus();
}

absl::Status FollowUpService::OnCaseResolved(db::Transaction& tx,
                                             const chv1::CaseResolved& resolved,
                                             const Event& event) {
  if (auto why = Unusable(resolved.number(), resolved.cycle(), /*min_cycle=*/1)) {
    return rt_.event_sink().Skip(event, *why);
  }
  const CycleEvent resolution = CycleOf(resolved, resolved.resolved_at(), event, rules_.Now());
  const std::string& number = resolution.number;
  // A repeat (another event id for the same resolution) changes nothing, and asks nobody.
  if (LoadCallback(tx, number, resolution.cycle, /*for_update=*/false).has_value()) {
    return absl::OkStatus();
  }
  if (auto fu = LoadFollowUp(tx, number, /*for_update=*/false);
      fu && FollowUpRules::IsOvertaken(*fu, resolution.cycle)) {
    return absl::OkStatus();
  }
  auto agents = ActiveStaffIds(rules_.policy().callback_department, sv1::STAFF_ROLE_CALLBACK_AGENT);
  if (!agents.ok()) return agents.status();  // the relay retries later

  auto fu = LoadFollowUp(tx, number, /*for_update=*/true);
  if (!fu) {
    InsertFollowUp(tx, rules_.FollowFromResolution(resolution));
    fu = LoadFollowUp(tx, number, /*for_update=*/true);
    if (!fu) return absl::AbortedError("follow-up row vanished");
  }
  if (FollowUpRules::IsOvertaken(*fu, resolution.cycle)) return absl::OkStatus();
  auto scheduled = rules_.Resolve(*fu, resolution, *agents, ScheduledCallbacksByAgent(tx));
  if (!scheduled.ok()) return scheduled.status();
  NoteDue(tx, scheduled->due, "callback", number);
  const CallbackRow& cb = scheduled->callback;
  if (!InsertCallback(tx, cb)) return absl::OkStatus();
  CancelCallbacksBefore(tx, number, resolution.cycle);
  UpdateFollowUp(tx, *fu);
  if (cb.assigned_agent_staff_id.empty()) {
    log::Warn("no active callback agent in the directory; any agent may take the callback",
              {{"department", rules_.policy().callback_department}});
  }
  rt_.outbox().Append(tx, number, CallbackScheduledEvent(cb), event.request_id());
  return absl::OkStatus();
}

}  // namespace tousu::followup
