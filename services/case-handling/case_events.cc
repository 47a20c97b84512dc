// The case's event handlers: routing's ComplaintAcknowledged opens a case, follow-up's
// CustomerUnsatisfied reopens it as a new cycle and ComplaintClosed closes it. Each runs in the
// delivery's transaction (the inbox makes a repeat a no-op); an event that can never apply is
// skipped through the sink, so it does not block the relay.

#include "common/events/event_time.h"
#include "common/log/log.h"
#include "common/time/proto_time.h"
#include "common/validation/text.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "services/case-handling/case_handling_service.h"
#include "services/case-handling/domain/request_checks.h"

namespace tousu::casehandling {

namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
namespace fv1 = complaints::followup::v1;

namespace {

void SetTime(absl::Time t, google::protobuf::Timestamp* out) { time::ToProto(t, out); }

bool WellFormed(const rv1::ComplaintAcknowledged& ack) {
  if (!validation::CheckComplaintNumber("number", ack.number()).ok() ||
      !validation::CheckIdentifier("department_id", ack.department_id()).ok() ||
      !validation::CheckIdentifier("owner_staff_id", ack.owner_staff_id(), kMaxStaffIdLength)
           .ok()) {
    return false;
  }
  for (const auto& d : ack.assisting_department_ids()) {
    if (!validation::CheckIdentifier("assisting_department_ids", d).ok()) return false;
  }
  return true;
}

// The case an acknowledgement opens, before the rules set its state and deadline.
CaseRow NewCase(const rv1::ComplaintAcknowledged& ack) {
  CaseRow row;
  row.number = ack.number();
  row.department_id = ack.department_id();
  row.owner_staff_id = ack.owner_staff_id();
  row.assisting_department_ids.assign(ack.assisting_department_ids().begin(),
                                      ack.assisting_department_ids().end());
  row.facts.category =
      cv1::Category_IsValid(ack.category()) ? ack.category() : cv1::CATEGORY_UNSPECIFIED;
  row.severity = cv1::Severity_IsValid(ack.severity()) ? ack.severity() : cv1::SEVERITY_UNSPECIFIED;
  row.facts.complex = ack.complex();
  return row;
}

}  // namespace

void CaseHandlingService::SubscribeToEvents() {
  auto& sink = rt_.event_sink();
  sink.On<rv1::ComplaintAcknowledged>(
      [this](db::Transaction& tx, const rv1::ComplaintAcknowledged& m, const cv1::Event& e) {
        return OnComplaintAcknowledged(tx, m, e);
      });
  sink.On<fv1::CustomerUnsatisfied>(
      [this](db::Transaction& tx, const fv1::CustomerUnsatisfied& m, const cv1::Event& e) {
        return OnCustomerUnsatisfied(tx, m, e);
      });
  sink.On<fv1::ComplaintClosed>(
      [this](db::Transaction& tx, const fv1::ComplaintClosed& m, const cv1::Event& e) {
        return OnComplaintClosed(tx, m, e);
      });
  for (const std::string& type : {events::EventTypeOf<rv1::ComplaintAcknowledged>(),
                                  events::EventTypeOf<fv1::CustomerUnsatisfied>(),
                                  events::EventTypeOf<fv1::ComplaintClosed>()}) {
    sink.ExpectSkipReason(type, "malformed");
  }
  for (const std::string& type : {events::EventTypeOf<fv1::CustomerUnsatisfied>(),
                                  events::EventTypeOf<fv1::ComplaintClosed>()}) {
    sink.ExpectSkipReason(type, "no_case");
  }
  sink.ExpectSkipReason(events::EventTypeOf<fv1::ComplaintClosed>(), "not_resolved");
}

void CaseHandlingService::OpenCycle(db::Transaction& tx, const CaseRow& row, const Opening& opening,
                                    absl::Time opened_at, chv1::Cycle cycle,
                                    const std::string& request_id) {
  cycle.set_cycle(opening.cycle);
  SetTime(opened_at, cycle.mutable_opened_at());
  InsertCycle(tx, row.number, cycle);
  chv1::SolutionDeadline deadline;
  deadline.set_cycle(opening.cycle);
  deadline.set_kind(chv1::DEADLINE_KIND_INITIAL);
  SetTime(opening.solution_due.at, deadline.mutable_due());
  deadline.set_provisional(opening.solution_due.provisional);
  SetTime(opening.at, deadline.mutable_set_at());
  InsertDeadline(tx, row.number, deadline);

  chv1::CaseOpened ev;
  ev.set_number(row.number);
  ev.set_cycle(opening.cycle);
  ev.set_department_id(row.department_id);
  ev.set_owner_staff_id(row.owner_staff_id);
  for (const auto& d : row.assisting_department_ids) ev.add_assisting_department_ids(d);
  ev.set_category(row.facts.category);
  ev.set_severity(row.severity);
  ev.set_complex(row.facts.complex);
  SetTime(opened_at, ev.mutable_opened_at());
  SetTime(opening.solution_due.at, ev.mutable_solution_due());
  ev.set_solution_due_provisional(opening.solution_due.provisional);
  rt_.outbox().Append(tx, row.number, ev, request_id);
  NoteProvisional(tx, row.number, opening.solution_due);
}

absl::Status CaseHandlingService::OnComplaintAcknowledged(db::Transaction& tx,
                                                          const rv1::ComplaintAcknowledged& ack,
                                                          const cv1::Event& event) {
  if (!WellFormed(ack)) return rt_.event_sink().Skip(event, "malformed");
  // Business-level idempotency: a case opens once, whatever the event id.
  if (LoadCase(tx, ack.number(), /*for_update=*/false).has_value()) return absl::OkStatus();

  CaseRow row = NewCase(ack);
  row.acknowledged_at = events::EventTime(ack.acknowledged_at(), event, rt_.clock().Now());
  auto opening = rules_.Open(row.facts, row.acknowledged_at);
  if (!opening.ok()) {
    // The calendar does not cover the date: retried (the relay backs off) until the data is fixed.
    log::Error("cannot compute the solution deadline",
               {{"number", row.number}, {"error", opening.status().ToString()}});
    return opening.status();
  }
  row.updated_at = opening->at;
  // A concurrent first delivery under another event id holds the key: this one then changes
  // nothing.
  if (!InsertCase(tx, row)) return absl::OkStatus();
  chv1::Cycle cycle;
  cycle.set_opened_by("acknowledged");
  OpenCycle(tx, row, *opening, row.acknowledged_at, std::move(cycle), event.request_id());
  return absl::OkStatus();
}

absl::Status CaseHandlingService::OnCustomerUnsatisfied(db::Transaction& tx,
                                                        const fv1::CustomerUnsatisfied& unsatisfied,
                                                        const cv1::Event& event) {
  if (!validation::CheckComplaintNumber("number", unsatisfied.number()).ok())
    return rt_.event_sink().Skip(event, "malformed");
  auto row = LoadCase(tx, unsatisfied.number(), /*for_update=*/true);
  if (!row) return rt_.event_sink().Skip(event, "no_case");
  if (!CallbackReopens(row->facts, unsatisfied.cycle())) return absl::OkStatus();
  const absl::Time reopened_at = events::EventTime(unsatisfied.at(), event, rt_.clock().Now());
  auto opening = rules_.Reopen(row->facts, reopened_at);
  if (!opening.ok()) {
    log::Error("cannot reopen the case",
               {{"number", row->number}, {"error", opening.status().ToString()}});
    return opening.status();
  }
  row->updated_at = opening->at;
  UpdateCase(tx, *row);

  chv1::CaseReopened reopened;
  reopened.set_number(row->number);
  reopened.set_cycle(opening->cycle);
  reopened.set_department_id(row->department_id);
  reopened.set_owner_staff_id(row->owner_staff_id);
  SetTime(reopened_at, reopened.mutable_reopened_at());
  SetTime(opening->solution_due.at, reopened.mutable_solution_due());
  rt_.outbox().Append(tx, row->number, reopened, event.request_id());
  chv1::Cycle cycle;
  cycle.set_opened_by("reopened");
  cycle.set_reopen_satisfaction(unsatisfied.satisfaction());
  OpenCycle(tx, *row, *opening, reopened_at, std::move(cycle), event.request_id());
  tx.OnCommit([this] { reopens_.With({}).Increment(); });
  return absl::OkStatus();
}

absl::Status CaseHandlingService::OnComplaintClosed(db::Transaction& tx,
                                                    const fv1::ComplaintClosed& closed,
                                                    const cv1::Event& event) {
  if (!validation::CheckComplaintNumber("number", closed.number()).ok())
    return rt_.event_sink().Skip(event, "malformed");
  auto row = LoadCase(tx, closed.number(), /*for_update=*/true);
  if (!row) return rt_.event_sink().Skip(event, "no_case");
  if (row->facts.state == chv1::CASE_STATE_CLOSED) return absl::OkStatus();  // already closed
  auto at = rules_.Close(row->facts);
  if (!at.ok()) return rt_.event_sink().Skip(event, "not_resolved");
  row->closed_at = events::EventTime(closed.closed_at(), event, *at);
  row->updated_at = *at;
  UpdateCase(tx, *row);
  return absl::OkStatus();
}

}  // namespace tousu::casehandling
