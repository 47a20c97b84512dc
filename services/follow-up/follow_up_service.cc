#include "services/follow-up/follow_up_service.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/client/channel.h"
#include "common/log/log.h"
#include "common/time/proto_time.h"
#include "common/validation/text.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "services/follow-up/domain/follow_up_access.h"
#include "services/follow-up/domain/questionnaire_token.h"
#include "services/follow-up/domain/request_checks.h"

namespace tousu::followup {

namespace cv1 = complaints::common::v1;
namespace chv1 = complaints::casehandling::v1;
using server::RunUnary;

namespace {

constexpr int kTimerBatch = 100;

void SetTime(absl::Time t, google::protobuf::Timestamp* out) { time::ToProto(t, out); }

// A timestamp an event carries, when it carries a usable one.
std::optional<absl::Time> UsableTime(const google::protobuf::Timestamp& ts) {
  if ((ts.seconds() == 0 && ts.nanos() == 0) || !time::IsValidTimestamp(ts)) return std::nullopt;
  const absl::Time t = time::FromProto(ts);
  if (!time::IsStorable(t)) return std::nullopt;
  return absl::FromUnixMicros(absl::ToUnixMicros(t));  // what DATETIME(6) keeps
}

const char* Timeliness(bool on_time) { return on_time ? "on_time" : "overdue"; }

void ToProto(const CallbackRow& r, fv1::Callback* out) {
  out->set_cycle(r.cycle);
  out->set_status(r.status);
  out->set_assigned_agent_staff_id(r.assigned_agent_staff_id);
  SetTime(r.due, out->mutable_due());
  out->set_due_provisional(r.due_provisional);
  out->set_overdue(r.overdue);
  out->set_method(r.method);
  out->set_recorded_by_staff_id(r.recorded_by_staff_id);
  out->set_satisfaction(r.satisfaction.value_or(0));
  out->set_comments(r.comments);
  out->set_suggestions(r.suggestions);
  if (r.recorded_at) SetTime(*r.recorded_at, out->mutable_recorded_at());
  out->set_on_time(r.on_time.value_or(false));
  out->set_unsatisfied(r.unsatisfied.value_or(false));
  out->set_questionnaire_link_issued(r.token_sha256.has_value());
}

void ToProto(const ProgressRow& r, fv1::ProgressUpdate* out) {
  out->set_cycle(r.cycle);
  out->set_source(r.source);
  out->set_staff_id(r.staff_id);
  out->set_summary(r.summary);
  if (r.due) SetTime(*r.due, out->mutable_due());
  SetTime(r.at, out->mutable_at());
  out->set_on_time(r.on_time);
}

}  // namespace

FollowUpService::FollowUpService(server::ServiceRuntime& rt,
                                 std::unique_ptr<sv1::StaffService::StubInterface> staff,
                                 Settings settings)
    : rt_(rt),
      staff_(std::move(staff)),
      settings_(std::move(settings)),
      callbacks_(rt.registry(), "tousu_follow_up_callbacks_total",
                 "Callbacks recorded, by whether they were made by the due time (3 business days).",
                 {"timeliness"}),
      progress_updates_(
          rt.registry(), "tousu_follow_up_progress_updates_total",
          "Progress updates given by trackers, by whether they were given by the due time.",
          {"timeliness"}),
      overdue_(rt.registry(), "tousu_follow_up_overdue_total",
               "Progress updates and callbacks that passed their due time (each counted once).",
               {"kind"}),
      provisional_(
          rt.registry(), "tousu_follow_up_provisional_deadlines_total",
          "Deadlines computed in a year whose holiday schedule is not published (weekends only).",
          {"kind"}),
      skipped_(rt.registry(), "tousu_follow_up_events_skipped_total",
               "Case-handling events acknowledged without effect because they were malformed.",
               {"event_type", "reason"}),
      open_cases_(
          rt.registry(), "tousu_follow_up_open_cases",
          "Followed complaints not yet closed (the same database-wide figure from every replica).",
          {}) {
  satisfaction_ = &prometheus::BuildHistogram()
                       .Name("tousu_follow_up_satisfaction")
                       .Help(
                           "Customer satisfaction recorded by callbacks (1 very unsatisfied .. 5 "
                           "very satisfied).")
                       .Register(rt.registry())
                       .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 3, 4, 5});
  for (const char* t : {"on_time", "overdue"}) {
    callbacks_.With({t});
    progress_updates_.With({t});
  }
  for (const char* k : {"progress_update", "callback"}) {
    overdue_.With({k});
    provisional_.With({k});
  }
  open_cases_.With({}).Set(0);
}

FollowUpService::~FollowUpService() { StopTimers(); }

absl::Time FollowUpService::Now() const {
  // Microseconds, as DATETIME(6) stores them, so an answer matches what a later read returns.
  return absl::FromUnixMicros(absl::ToUnixMicros(rt_.clock().Now()));
}

void FollowUpService::RegisterEventHandlers() {
  auto& sink = rt_.event_sink();
  sink.On("CaseOpened",
          [this](db::Transaction& tx, const cv1::Event& e) { return OnCaseOpened(tx, e); });
  sink.On("CaseReopened",
          [this](db::Transaction& tx, const cv1::Event& e) { return OnCaseReopened(tx, e); });
  sink.On("CustomerContacted",
          [this](db::Transaction& tx, const cv1::Event& e) { return OnCustomerContacted(tx, e); });
  sink.On("CaseResolved",
          [this](db::Transaction& tx, const cv1::Event& e) { return OnCaseResolved(tx, e); });
}

void FollowUpService::Skip(const cv1::Event& event, const std::string& reason) {
  // A malformed event would block every later event of the complaint if refused: log and count.
  log::Warn("event skipped", {{"event_type", event.event_type()}, {"reason", reason}});
  skipped_.With({event.event_type(), reason}).Increment();
}

absl::StatusOr<time::Deadline> FollowUpService::DueAfter(db::Transaction& tx, absl::Time anchor,
                                                         int days, const char* kind,
                                                         const std::string& number) {
  const time::BusinessCalendar* calendar = rt_.calendar();
  if (calendar == nullptr) return absl::InternalError("follow-up runs without a business calendar");
  auto due = calendar->AddBusinessDays(anchor, days);
  if (!due.ok()) {
    // An anchor before the calendar's first year (a bad event time): count from now instead.
    log::Warn("deadline anchor outside the calendar, counting from now",
              {{"kind", kind}, {"error", due.status().ToString()}});
    due = calendar->AddBusinessDays(Now(), days);
    if (!due.ok()) return due.status();
  }
  if (due->provisional) {
    tx.OnCommit([this, kind = std::string(kind), number] {
      log::Warn("provisional deadline: the year's holiday schedule is not published",
                {{"kind", kind}, {"number", number}});
      provisional_.With({kind}).Increment();
    });
  }
  return due;
}

absl::StatusOr<std::vector<std::string>> FollowUpService::ActiveStaff(const std::string& department,
                                                                      sv1::StaffRole role) {
  std::vector<std::string> ids;
  sv1::ListStaffRequest req;
  req.set_department_id(department);
  req.set_role(role);
  req.set_active(true);
  req.mutable_page()->set_page_size(kMaxPageSize);
  for (int page = 0; page < 50; ++page) {
    sv1::ListStaffResponse resp;
    auto call = client::NewCallContext(settings_.staff_timeout);
    grpc::Status s = staff_->ListStaff(call.get(), req, &resp);
    if (!s.ok()) {
      log::Warn("staff directory call failed", {{"code", static_cast<int>(s.error_code())}});
      return absl::UnavailableError("staff directory unavailable");
    }
    for (const auto& st : resp.staff()) {
      // The directory filters already; checking again costs nothing and guards a lax filter.
      if (st.active() && st.role() == role && st.department_id() == department)
        ids.push_back(st.id());
    }
    if (resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  return ids;
}

absl::Status FollowUpService::CheckStaff(grpc::CallbackServerContext* ctx, const std::string& field,
                                         const std::string& id, sv1::StaffRole role,
                                         const std::string& department) {
  sv1::GetStaffRequest req;
  req.set_staff_id(id);
  sv1::GetStaffResponse resp;
  auto call = client::NewCallContext(settings_.staff_timeout, ctx);
  grpc::Status s = staff_->GetStaff(call.get(), req, &resp);
  // The directory's id rule is stricter than ours; an id it cannot hold names nobody.
  if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
      s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return absl::FailedPreconditionError(absl::StrCat(field, ": no such staff member"));
  }
  if (!s.ok()) {
    log::Warn("staff directory call failed", {{"code", static_cast<int>(s.error_code())}});
    if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return absl::DeadlineExceededError("staff directory did not answer in time");
    }
    return absl::UnavailableError("staff directory unavailable");
  }
  const auto& st = resp.staff();
  if (!st.active()) return absl::FailedPreconditionError(absl::StrCat(field, ": not active staff"));
  if (st.role() != role) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": not a ", sv1::StaffRole_Name(role)));
  }
  if (st.department_id() != department) {
    return absl::FailedPreconditionError(absl::StrCat(field, ": not staff of ", department));
  }
  return absl::OkStatus();
}

// ---- events ------------------------------------------------------------------------------------

absl::Status FollowUpService::OnCaseOpened(db::Transaction& tx, const cv1::Event& event) {
  chv1::CaseOpened opened;
  if (!Readable(event, &opened, /*min_cycle=*/1)) return absl::OkStatus();
  const absl::Time at = EventTimeOr(UsableTime(opened.opened_at()),
                                    EventTimeOr(UsableTime(event.occurred_at()), Now()));
  return OpenCycle(tx, event, opened.number(), opened.cycle(), opened.department_id(),
                   opened.owner_staff_id(), at);
}

absl::Status FollowUpService::OnCaseReopened(db::Transaction& tx, const cv1::Event& event) {
  chv1::CaseReopened reopened;
  if (!Readable(event, &reopened, /*min_cycle=*/2)) return absl::OkStatus();
  const absl::Time at = EventTimeOr(UsableTime(reopened.reopened_at()),
                                    EventTimeOr(UsableTime(event.occurred_at()), Now()));
  return OpenCycle(tx, event, reopened.number(), reopened.cycle(), reopened.department_id(),
                   reopened.owner_staff_id(), at);
}

absl::Status FollowUpService::OpenCycle(db::Transaction& tx, const cv1::Event& event,
                                        const std::string& number, int cycle,
                                        const std::string& department_id,
                                        const std::string& owner_staff_id, absl::Time at) {
  const absl::Time now = Now();
  // A plain read first: locking a row that does not exist would take a gap lock and hold it
  // across the directory call below, stalling other cases' first events.
  if (LoadFollowUp(tx, number, /*for_update=*/false).has_value()) {
    auto existing = LoadFollowUp(tx, number, /*for_update=*/true);
    if (!existing) return absl::AbortedError("follow-up row vanished");
    FollowUpRow& fu = *existing;
    // A cycle already seen (a repeat, or CaseOpened and CaseReopened both announcing it).
    if (cycle <= fu.cycle || fu.state == fv1::FOLLOW_UP_STATE_CLOSED) return absl::OkStatus();
    auto due = DueAfter(tx, at, settings_.policy.progress_update_days, "progress_update", number);
    if (!due.ok()) return due.status();
    // A callback the new cycle overtook can no longer be made.
    CancelCallbacksBefore(tx, number, cycle);
    fu.state = fv1::FOLLOW_UP_STATE_OPEN;
    fu.cycle = cycle;
    if (!department_id.empty()) fu.department_id = department_id;
    if (!owner_staff_id.empty()) fu.owner_staff_id = owner_staff_id;
    fu.progress_anchor_at = at;
    fu.progress_due = due->at;
    fu.progress_due_provisional = due->provisional;
    fu.progress_overdue = false;
    fu.updated_at = now;
    UpdateFollowUp(tx, fu);
    return absl::OkStatus();
  }

  // A new case: pick its tracker. The directory call happens before any row lock is taken.
  auto trackers = ActiveStaff(settings_.policy.tracker_department, sv1::STAFF_ROLE_TRACKER);
  if (!trackers.ok()) return trackers.status();  // the relay retries later
  const std::optional<std::string> tracker = PickFewestOpen(*trackers, OpenCasesByTracker(tx));
  auto due = DueAfter(tx, at, settings_.policy.progress_update_days, "progress_update", number);
  if (!due.ok()) return due.status();

  FollowUpRow fu;
  fu.number = number;
  fu.state = fv1::FOLLOW_UP_STATE_OPEN;
  fu.cycle = cycle;
  fu.department_id = department_id;
  fu.owner_staff_id = owner_staff_id;
  fu.tracker_staff_id = tracker.value_or("");
  fu.opened_at = at;
  fu.progress_anchor_at = at;
  fu.progress_due = due->at;
  fu.progress_due_provisional = due->provisional;
  fu.updated_at = now;
  if (!InsertFollowUp(tx, fu)) return absl::OkStatus();  // another event id for the same case won
  if (!tracker) {
    log::Warn("no active tracker in the directory; the case waits for ReassignTracker",
              {{"department", settings_.policy.tracker_department}});
    return absl::OkStatus();
  }
  AddTrackerHistory(tx, number, *tracker, "rule", "", now);
  fv1::TrackerAssigned ev;
  ev.set_number(number);
  ev.set_tracker_staff_id(*tracker);
  ev.set_how("rule");
  SetTime(now, ev.mutable_at());
  rt_.outbox().Append(tx, number, ev, event.request_id());
  return absl::OkStatus();
}

absl::Status FollowUpService::OnCustomerContacted(db::Transaction& tx, const cv1::Event& event) {
  chv1::CustomerContacted contacted;
  if (!Readable(event, &contacted, /*min_cycle=*/0)) return absl::OkStatus();
  auto fu = LoadFollowUp(tx, contacted.number(), /*for_update=*/true);
  // Contacts outside an open cycle do not move a cadence that is not running.
  if (!fu || fu->state != fv1::FOLLOW_UP_STATE_OPEN || contacted.cycle() < fu->cycle)
    return absl::OkStatus();
  const absl::Time now = Now();
  const absl::Time at =
      EventTimeOr(UsableTime(contacted.at()), EventTimeOr(UsableTime(event.occurred_at()), now));
  ProgressRow contact{.cycle = fu->cycle,
                      .source = "department",
                      .staff_id = contacted.staff_id().substr(0, kMaxStaffIdLength),
                      .summary = "",
                      .due = fu->progress_due,
                      .at = at,
                      .on_time = !fu->progress_due || OnTime(at, *fu->progress_due)};
  AddProgressUpdate(tx, fu->number, contact);
  if (!fu->last_informed_at || at > *fu->last_informed_at) fu->last_informed_at = at;
  // The cadence counts from the latest time the customer was informed.
  if (!fu->progress_anchor_at || at > *fu->progress_anchor_at) {
    auto due =
        DueAfter(tx, at, settings_.policy.progress_update_days, "progress_update", fu->number);
    if (!due.ok()) return due.status();
    fu->progress_anchor_at = at;
    fu->progress_due = due->at;
    fu->progress_due_provisional = due->provisional;
    fu->progress_overdue = false;
  }
  fu->updated_at = now;
  UpdateFollowUp(tx, *fu);
  return absl::OkStatus();
}

absl::Status FollowUpService::OnCaseResolved(db::Transaction& tx, const cv1::Event& event) {
  chv1::CaseResolved resolved;
  if (!Readable(event, &resolved, /*min_cycle=*/1)) return absl::OkStatus();
  const std::string& number = resolved.number();
  const int cycle = resolved.cycle();
  // A repeat (another event id for the same resolution) changes nothing, and asks nobody.
  if (LoadCallback(tx, number, cycle, /*for_update=*/false).has_value()) return absl::OkStatus();
  if (auto fu = LoadFollowUp(tx, number, false);
      fu && (fu->cycle > cycle || fu->state == fv1::FOLLOW_UP_STATE_CLOSED)) {
    return absl::OkStatus();  // a resolution an later cycle overtook
  }
  auto agents = ActiveStaff(settings_.policy.callback_department, sv1::STAFF_ROLE_CALLBACK_AGENT);
  if (!agents.ok()) return agents.status();

  const absl::Time now = Now();
  const absl::Time resolved_at = EventTimeOr(UsableTime(resolved.resolved_at()),
                                             EventTimeOr(UsableTime(event.occurred_at()), now));
  auto fu = LoadFollowUp(tx, number, /*for_update=*/true);
  if (!fu) {
    // Resolved without follow-up having seen it open: follow it from here, without a tracker.
    FollowUpRow row;
    row.number = number;
    row.state = fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK;
    row.cycle = cycle;
    row.department_id = resolved.department_id();
    row.owner_staff_id = resolved.owner_staff_id();
    row.opened_at = resolved_at;
    row.updated_at = now;
    InsertFollowUp(tx, row);
    fu = LoadFollowUp(tx, number, /*for_update=*/true);
    if (!fu) return absl::AbortedError("follow-up row vanished");
  }
  if (fu->cycle > cycle || fu->state == fv1::FOLLOW_UP_STATE_CLOSED) return absl::OkStatus();
  auto due = DueAfter(tx, resolved_at, settings_.policy.callback_days, "callback", number);
  if (!due.ok()) return due.status();
  CallbackRow cb;
  cb.number = number;
  cb.cycle = cycle;
  cb.status = fv1::CALLBACK_STATUS_SCHEDULED;
  cb.assigned_agent_staff_id = PickFewestOpen(*agents, ScheduledCallbacksByAgent(tx)).value_or("");
  cb.resolved_at = resolved_at;
  cb.due = due->at;
  cb.due_provisional = due->provisional;
  if (!InsertCallback(tx, cb)) return absl::OkStatus();
  CancelCallbacksBefore(tx, number, cycle);
  fu->state = fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK;
  fu->cycle = cycle;
  if (!resolved.department_id().empty()) fu->department_id = resolved.department_id();
  if (!resolved.owner_staff_id().empty()) fu->owner_staff_id = resolved.owner_staff_id();
  // No progress updates while the case is resolved.
  fu->progress_due.reset();
  fu->progress_due_provisional = false;
  fu->progress_overdue = false;
  fu->updated_at = now;
  UpdateFollowUp(tx, *fu);
  if (cb.assigned_agent_staff_id.empty()) {
    log::Warn("no active callback agent in the directory; any agent may take the callback",
              {{"department", settings_.policy.callback_department}});
  }
  fv1::CallbackScheduled ev;
  ev.set_number(number);
  ev.set_cycle(cycle);
  ev.set_callback_agent_staff_id(cb.assigned_agent_staff_id);
  SetTime(cb.due, ev.mutable_due());
  ev.set_due_provisional(cb.due_provisional);
  rt_.outbox().Append(tx, number, ev, event.request_id());
  return absl::OkStatus();
}

// ---- RPCs --------------------------------------------------------------------------------------

absl::Status FollowUpService::LoadView(db::Transaction& tx, const std::string& number,
                                       fv1::FollowUp* out) {
  auto fu = LoadFollowUp(tx, number, /*for_update=*/false);
  if (!fu) return absl::NotFoundError("no follow-up for this complaint");
  if (auto s = CheckFollowUpAccess("number", fu->department_id, FollowUpWork::kRead,
                                   settings_.policy);
      !s.ok()) {
    return s;
  }
  out->Clear();
  out->set_number(fu->number);
  out->set_state(fu->state);
  out->set_cycle(fu->cycle);
  out->set_department_id(fu->department_id);
  out->set_owner_staff_id(fu->owner_staff_id);
  out->set_tracker_staff_id(fu->tracker_staff_id);
  if (fu->progress_due && fu->state == fv1::FOLLOW_UP_STATE_OPEN) {
    SetTime(*fu->progress_due, out->mutable_next_progress_due());
    out->set_next_progress_due_provisional(fu->progress_due_provisional);
    out->set_progress_overdue(fu->progress_overdue);
  }
  if (fu->last_informed_at) SetTime(*fu->last_informed_at, out->mutable_last_informed_at());
  if (fu->closed_at) SetTime(*fu->closed_at, out->mutable_closed_at());
  for (const auto& cb : LoadCallbacks(tx, number)) ToProto(cb, out->add_callbacks());
  for (const auto& p : LoadProgressUpdates(tx, number)) ToProto(p, out->add_progress_updates());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* FollowUpService::GetFollowUp(grpc::CallbackServerContext* ctx,
                                                       const fv1::GetFollowUpRequest* req,
                                                       fv1::GetFollowUpResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckGetFollowUp(*req); !s.ok()) return s;
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      return LoadView(tx, req->number(), resp->mutable_follow_up());
    });
  });
}

grpc::ServerUnaryReactor* FollowUpService::ReassignTracker(grpc::CallbackServerContext* ctx,
                                                           const fv1::ReassignTrackerRequest* req,
                                                           fv1::ReassignTrackerResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    if (auto s = CheckReassignTracker(*req); !s.ok()) return s;
    // Ask the directory before opening a transaction: no locks held across a network call.
    if (auto s = CheckStaff(ctx, "tracker_staff_id", req->tracker_staff_id(),
                            sv1::STAFF_ROLE_TRACKER, settings_.policy.tracker_department);
        !s.ok()) {
      return s;
    }
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto fu = LoadFollowUp(tx, req->number(), /*for_update=*/true);
      if (!fu) return absl::NotFoundError("no follow-up for this complaint");
      if (auto s = CheckFollowUpAccess("number", fu->department_id, FollowUpWork::kTracking,
                                       settings_.policy);
          !s.ok()) {
        return s;
      }
      if (fu->state == fv1::FOLLOW_UP_STATE_CLOSED) {
        return absl::FailedPreconditionError("the complaint is closed");
      }
      if (fu->tracker_staff_id != req->tracker_staff_id()) {
        const absl::Time now = Now();
        fu->tracker_staff_id = req->tracker_staff_id();
        fu->updated_at = now;
        UpdateFollowUp(tx, *fu);
        AddTrackerHistory(tx, fu->number, fu->tracker_staff_id, "reassigned", req->reason(), now);
        fv1::TrackerAssigned ev;
        ev.set_number(fu->number);
        ev.set_tracker_staff_id(fu->tracker_staff_id);
        ev.set_how("reassigned");
        SetTime(now, ev.mutable_at());
        rt_.outbox().Append(tx, fu->number, ev);
      }
      return LoadView(tx, req->number(), resp->mutable_follow_up());
    });
  });
}

grpc::ServerUnaryReactor* FollowUpService::RecordProgressUpdate(
    grpc::CallbackServerContext* ctx, const fv1::RecordProgressUpdateRequest* req,
    fv1::RecordProgressUpdateResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckRecordProgressUpdate(*req); !s.ok()) return s;
    bool on_time = true;
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto fu = LoadFollowUp(tx, req->number(), /*for_update=*/true);
      if (!fu) return absl::NotFoundError("no follow-up for this complaint");
      if (auto s = CheckFollowUpAccess("number", fu->department_id, FollowUpWork::kTracking,
                                       settings_.policy);
          !s.ok()) {
        return s;
      }
      if (fu->state != fv1::FOLLOW_UP_STATE_OPEN) {
        return absl::FailedPreconditionError("progress updates are given while the case is open");
      }
      if (fu->tracker_staff_id != req->tracker_staff_id()) {
        return absl::FailedPreconditionError(
            "tracker_staff_id: not the case's tracker (reassign first)");
      }
      const absl::Time now = Now();
      on_time = !fu->progress_due || OnTime(now, *fu->progress_due);
      auto next =
          DueAfter(tx, now, settings_.policy.progress_update_days, "progress_update", fu->number);
      if (!next.ok()) return next.status();
      ProgressRow update{.cycle = fu->cycle,
                         .source = "tracker",
                         .staff_id = req->tracker_staff_id(),
                         .summary = req->summary(),
                         .due = fu->progress_due,
                         .at = now,
                         .on_time = on_time};
      AddProgressUpdate(tx, fu->number, update);
      fv1::ProgressUpdateRecorded ev;
      ev.set_number(fu->number);
      ev.set_tracker_staff_id(fu->tracker_staff_id);
      if (fu->progress_due) SetTime(*fu->progress_due, ev.mutable_due());
      SetTime(now, ev.mutable_at());
      ev.set_on_time(on_time);
      rt_.outbox().Append(tx, fu->number, ev);
      fu->progress_anchor_at = now;
      fu->last_informed_at = now;
      fu->progress_due = next->at;
      fu->progress_due_provisional = next->provisional;
      fu->progress_overdue = false;
      fu->updated_at = now;
      UpdateFollowUp(tx, *fu);
      ToProto(update, resp->mutable_update());
      SetTime(next->at, resp->mutable_next_due());
      resp->set_next_due_provisional(next->provisional);
      return absl::OkStatus();
    });
    if (s.ok()) progress_updates_.With({Timeliness(on_time)}).Increment();
    return s;
  });
}

void FollowUpService::ApplyCallback(db::Transaction& tx, FollowUpRow& fu, CallbackRow& cb,
                                    const CallbackAnswer& answer, absl::Time now) {
  const bool unsatisfied = IsUnsatisfied(answer.satisfaction, settings_.policy);
  const bool on_time = OnTime(now, cb.due);
  cb.status = fv1::CALLBACK_STATUS_RECORDED;
  cb.method = answer.method;
  cb.recorded_by_staff_id = answer.staff_id;
  cb.satisfaction = answer.satisfaction;
  cb.comments = answer.comments;
  cb.suggestions = answer.suggestions;
  cb.recorded_at = now;
  cb.on_time = on_time;
  cb.unsatisfied = unsatisfied;
  UpdateCallback(tx, cb);

  fv1::CallbackRecorded recorded;
  recorded.set_number(cb.number);
  recorded.set_cycle(cb.cycle);
  recorded.set_callback_agent_staff_id(answer.staff_id);
  const std::string method = fv1::CallbackMethod_Name(answer.method);
  recorded.set_method(absl::AsciiStrToLower(absl::StripPrefix(method, "CALLBACK_METHOD_")));
  recorded.set_satisfaction(answer.satisfaction);
  recorded.set_comments(answer.comments);
  recorded.set_suggestions(answer.suggestions);
  SetTime(now, recorded.mutable_at());
  SetTime(cb.due, recorded.mutable_due());
  recorded.set_on_time(on_time);
  rt_.outbox().Append(tx, cb.number, recorded);

  if (unsatisfied) {
    fu.state = fv1::FOLLOW_UP_STATE_REOPENING;
    fv1::CustomerUnsatisfied ev;
    ev.set_number(cb.number);
    ev.set_cycle(cb.cycle);
    ev.set_satisfaction(answer.satisfaction);
    SetTime(now, ev.mutable_at());
    rt_.outbox().Append(tx, cb.number, ev);
  } else {
    fu.state = fv1::FOLLOW_UP_STATE_CLOSED;
    fu.closed_at = now;
    fv1::ComplaintClosed ev;
    ev.set_number(cb.number);
    ev.set_cycle(cb.cycle);
    ev.set_satisfaction(answer.satisfaction);
    SetTime(now, ev.mutable_closed_at());
    rt_.outbox().Append(tx, cb.number, ev);
  }
  fu.updated_at = now;
  UpdateFollowUp(tx, fu);
  tx.OnCommit([this, on_time, score = answer.satisfaction] {
    callbacks_.With({Timeliness(on_time)}).Increment();
    satisfaction_->Observe(score);
  });
}

grpc::ServerUnaryReactor* FollowUpService::RecordCallback(grpc::CallbackServerContext* ctx,
                                                          const fv1::RecordCallbackRequest* req,
                                                          fv1::RecordCallbackResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    if (auto s = CheckRecordCallback(*req); !s.ok()) return s;
    if (auto s = CheckStaff(ctx, "callback_agent_staff_id", req->callback_agent_staff_id(),
                            sv1::STAFF_ROLE_CALLBACK_AGENT, settings_.policy.callback_department);
        !s.ok()) {
      return s;
    }
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto fu = LoadFollowUp(tx, req->number(), /*for_update=*/true);
      if (!fu) return absl::NotFoundError("no follow-up for this complaint");
      if (auto s = CheckFollowUpAccess("number", fu->department_id, FollowUpWork::kCallback,
                                       settings_.policy);
          !s.ok()) {
        return s;
      }
      auto cb = LoadCallback(tx, fu->number, fu->cycle, /*for_update=*/true);
      if (cb && cb->status == fv1::CALLBACK_STATUS_RECORDED) {
        return absl::FailedPreconditionError("the callback of this cycle is already recorded");
      }
      if (fu->state != fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK || !cb ||
          cb->status != fv1::CALLBACK_STATUS_SCHEDULED) {
        return absl::FailedPreconditionError("no callback is due: the case is not resolved");
      }
      if (req->cycle() != 0 && req->cycle() != cb->cycle) {
        return absl::FailedPreconditionError(
            absl::StrCat("cycle: the callback due is for cycle ", cb->cycle));
      }
      ApplyCallback(tx, *fu, *cb,
                    {.method = req->method(),
                     .staff_id = req->callback_agent_staff_id(),
                     .satisfaction = req->satisfaction(),
                     .comments = req->comments(),
                     .suggestions = req->suggestions()},
                    Now());
      ToProto(*cb, resp->mutable_callback());
      resp->set_state(fu->state);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* FollowUpService::IssueQuestionnaireLink(
    grpc::CallbackServerContext* ctx, const fv1::IssueQuestionnaireLinkRequest* req,
    fv1::IssueQuestionnaireLinkResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    if (auto s = CheckIssueQuestionnaireLink(*req); !s.ok()) return s;
    if (auto s = CheckStaff(ctx, "issued_by_staff_id", req->issued_by_staff_id(),
                            sv1::STAFF_ROLE_CALLBACK_AGENT, settings_.policy.callback_department);
        !s.ok()) {
      return s;
    }
    const std::string token = NewQuestionnaireToken();
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto fu = LoadFollowUp(tx, req->number(), /*for_update=*/true);
      if (!fu) return absl::NotFoundError("no follow-up for this complaint");
      if (auto s = CheckFollowUpAccess("number", fu->department_id, FollowUpWork::kCallback,
                                       settings_.policy);
          !s.ok()) {
        return s;
      }
      auto cb = LoadCallback(tx, fu->number, fu->cycle, /*for_update=*/true);
      if (fu->state != fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK || !cb ||
          cb->status != fv1::CALLBACK_STATUS_SCHEDULED) {
        return absl::FailedPreconditionError("no callback is due for this complaint");
      }
      cb->token_sha256 = QuestionnaireTokenHash(token);
      cb->token_issued_at = Now();
      UpdateCallback(tx, *cb);
      resp->set_token(token);
      resp->set_cycle(cb->cycle);
      SetTime(cb->due, resp->mutable_due());
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* FollowUpService::SubmitQuestionnaire(
    grpc::CallbackServerContext* ctx, const fv1::SubmitQuestionnaireRequest* req,
    fv1::SubmitQuestionnaireResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckSubmitQuestionnaire(*req); !s.ok()) return s;
    const std::string hash = QuestionnaireTokenHash(req->token());
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto found = FindCallbackByToken(tx, hash);
      if (!found)
        return absl::NotFoundError("no questionnaire for this link (unknown or replaced)");
      // Lock in the order every writer uses: the follow-up, then its callback.
      auto fu = LoadFollowUp(tx, found->number, /*for_update=*/true);
      auto cb = LoadCallback(tx, found->number, found->cycle, /*for_update=*/true);
      if (!fu || !cb || cb->token_sha256 != hash) {
        return absl::NotFoundError("no questionnaire for this link (unknown or replaced)");
      }
      if (cb->status != fv1::CALLBACK_STATUS_SCHEDULED ||
          fu->state != fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK || fu->cycle != cb->cycle) {
        return absl::FailedPreconditionError(
            "this questionnaire has already been answered or is closed");
      }
      ApplyCallback(tx, *fu, *cb,
                    {.method = fv1::CALLBACK_METHOD_QUESTIONNAIRE,
                     .staff_id = "",
                     .satisfaction = req->satisfaction(),
                     .comments = req->comments(),
                     .suggestions = req->suggestions()},
                    Now());
      resp->set_number(cb->number);
      resp->set_cycle(cb->cycle);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* FollowUpService::ListDueTasks(grpc::CallbackServerContext* ctx,
                                                        const fv1::ListDueTasksRequest* req,
                                                        fv1::ListDueTasksResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    auto after = CheckListDueTasks(*req);
    if (!after.ok()) return after.status();
    if (auto s = CheckTaskListAccess("staff_id", req->kind(), settings_.policy); !s.ok()) return s;
    const int size = ListPageSize(*req);
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      auto rows = ListTasks(tx, req->staff_id(), req->kind(), *after, size + 1);
      const bool more = static_cast<int>(rows.size()) > size;
      if (more) rows.resize(size);
      for (const auto& r : rows) {
        auto* t = resp->add_tasks();
        t->set_kind(r.kind);
        t->set_number(r.number);
        t->set_cycle(r.cycle);
        SetTime(r.due, t->mutable_due());
        t->set_due_provisional(r.due_provisional);
        t->set_overdue(r.overdue);
      }
      if (more) {
        const auto& last = rows.back();
        resp->mutable_page()->set_next_page_token(
            EncodeTaskToken({.due = last.due, .kind = last.kind, .number = last.number},
                            req->staff_id(), req->kind()));
      }
      return absl::OkStatus();
    });
  });
}

// ---- timer -------------------------------------------------------------------------------------

absl::StatusOr<OverduePass> FollowUpService::CheckOverdue() {
  OverduePass pass;
  // Row locks with SKIP LOCKED: a replica running the same pass takes other rows, and the flag set
  // below makes a later pass find nothing: each due time is reported once.
  auto s = db::RunInTransaction(
      rt_.pool(),
      [&](db::Transaction& tx) -> absl::Status {
        pass.progress_updates = 0;
        const absl::Time now = Now();
        for (const auto& number : ClaimOverdueProgress(tx, now, kTimerBatch)) {
          auto fu = LoadFollowUp(tx, number, /*for_update=*/true);
          if (!fu || fu->state != fv1::FOLLOW_UP_STATE_OPEN || fu->progress_overdue ||
              !fu->progress_due || *fu->progress_due > now) {
            continue;
          }
          fu->progress_overdue = true;
          fu->updated_at = now;
          UpdateFollowUp(tx, *fu);
          fv1::ProgressUpdateOverdue ev;
          ev.set_number(number);
          ev.set_tracker_staff_id(fu->tracker_staff_id);
          SetTime(*fu->progress_due, ev.mutable_due());
          SetTime(now, ev.mutable_detected_at());
          rt_.outbox().Append(tx, number, ev);
          ++pass.progress_updates;
        }
        return absl::OkStatus();
      },
      {.read_committed = true});
  if (!s.ok()) return s;
  s = db::RunInTransaction(
      rt_.pool(),
      [&](db::Transaction& tx) -> absl::Status {
        pass.callbacks = 0;
        const absl::Time now = Now();
        for (const auto& [number, cycle] : ClaimOverdueCallbacks(tx, now, kTimerBatch)) {
          auto cb = LoadCallback(tx, number, cycle, /*for_update=*/true);
          if (!cb || cb->status != fv1::CALLBACK_STATUS_SCHEDULED || cb->overdue || cb->due > now)
            continue;
          cb->overdue = true;
          UpdateCallback(tx, *cb);
          fv1::CallbackOverdue ev;
          ev.set_number(number);
          ev.set_cycle(cycle);
          ev.set_callback_agent_staff_id(cb->assigned_agent_staff_id);
          SetTime(cb->due, ev.mutable_due());
          SetTime(now, ev.mutable_detected_at());
          rt_.outbox().Append(tx, number, ev);
          ++pass.callbacks;
        }
        return absl::OkStatus();
      },
      {.read_committed = true});
  if (!s.ok()) return s;
  if (pass.progress_updates > 0)
    overdue_.With({"progress_update"}).Increment(pass.progress_updates);
  if (pass.callbacks > 0) overdue_.With({"callback"}).Increment(pass.callbacks);
  int64_t open = 0;
  s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    open = CountNotClosed(tx);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  open_cases_.With({}).Set(static_cast<double>(open));
  return pass;
}

void FollowUpService::StartTimers() {
  timer_ = std::make_unique<server::PeriodicTask>(
      "follow_up_overdue", settings_.check_interval, rt_.registry(),
      [this] { return rt_.serving(); },
      [this] { return CheckOverdue().status(); });
  timer_->Start();
}

void FollowUpService::StopTimers() {
  if (timer_) timer_->Stop();
}

}  // namespace tousu::followup
