#include "services/follow-up/follow_up_service.h"

#include <cstdlib>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/auth/caller.h"
#include "common/log/log.h"
#include "common/status/return_if_error.h"
#include "common/time/proto_time.h"
#include "services/follow-up/domain/questionnaire_token.h"
#include "services/follow-up/domain/request_checks.h"
#include "services/follow-up/follow_up_messages.h"

namespace tousu::followup {

namespace sv1 = complaints::staff::v1;
using server::RunUnary;

namespace {

// What a complaint without a follow-up (or one a customer may not see) is answered with.
constexpr char kNoFollowUp[] = "no follow-up for this complaint";

const char* Timeliness(bool on_time) { return on_time ? "on_time" : "overdue"; }

const time::BusinessCalendar& RequireCalendar(const server::ServiceRuntime& rt) {
  if (rt.calendar() == nullptr) {
    log::Error("follow-up runs without a business calendar (RuntimeSpec.needs_calendar)");
    std::abort();
  }
  return *rt.calendar();
}

}  // namespace

FollowUpService::FollowUpService(server::ServiceRuntime& rt, Settings settings)
    : rt_(rt),
      settings_(std::move(settings)),
      rules_(rt.clock(), RequireCalendar(rt), settings_.policy),
      directory_(settings_.staff_assessment_addr, settings_.staff_timeout),
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
  if (!settings_.intake_addr.empty()) {
    ownership_ = std::make_unique<const client::ComplaintOwnership>(
        settings_.intake_addr, settings_.intake_timeout, kNoFollowUp);
  } else {
    log::Warn("no intake address: customers answer questionnaires by link only",
              {{"setting", "INTAKE_ADDR"}});
  }

  rt.AddService(this);
  RegisterEventHandlers();
  rt.ServeEventSink();
  rt.AddPeriodicTask("follow_up_overdue", settings_.check_interval,
                     [this] { return CheckOverdue().status(); });
}

// ---- shared by the handlers
// ----------------------------------------------------------------------

void FollowUpService::NoteDue(db::Transaction& tx, const Due& due, const char* kind,
                              const std::string& number) {
  if (due.counted_from_now) {
    log::Warn("deadline anchor outside the calendar, counting from now",
              {{"kind", kind}, {"number", number}});
  }
  if (due.provisional) {
    tx.OnCommit([this, kind = std::string(kind), number] {
      log::Warn("provisional deadline: the year's holiday schedule is not published",
                {{"kind", kind}, {"number", number}});
      provisional_.With({kind}).Increment();
    });
  }
}

absl::StatusOr<std::vector<std::string>> FollowUpService::ActiveStaffIds(
    const std::string& department, sv1::StaffRole role) const {
  auto staff = directory_.ListActiveStaff(department, role);
  if (!staff.ok()) return staff.status();
  std::vector<std::string> ids;
  ids.reserve(staff->size());
  for (const auto& member : *staff) ids.push_back(member.id());
  return ids;
}

absl::Status FollowUpService::CheckStaff(grpc::CallbackServerContext* ctx, const std::string& field,
                                         const std::string& id, sv1::StaffRole role,
                                         const std::string& department) const {
  auto staff = directory_.GetStaff(id, ctx);
  if (absl::IsNotFound(staff.status())) {
    return absl::FailedPreconditionError(absl::StrCat(field, ": no such staff member"));
  }
  if (!staff.ok()) return staff.status();
  if (!staff->active()) {
    return absl::FailedPreconditionError(absl::StrCat(field, ": not active staff"));
  }
  if (staff->role() != role) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": not a ", sv1::StaffRole_Name(role)));
  }
  if (staff->department_id() != department) {
    return absl::FailedPreconditionError(absl::StrCat(field, ": not staff of ", department));
  }
  return absl::OkStatus();
}

absl::StatusOr<FollowUpRow> FollowUpService::LoadForWork(db::Transaction& tx,
                                                         const std::string& number,
                                                         FollowUpWork work) {
  auto fu = LoadFollowUp(tx, number, /*for_update=*/work != FollowUpWork::kRead);
  if (!fu) return absl::NotFoundError(kNoFollowUp);
  RETURN_IF_ERROR(CheckFollowUpAccess("number", fu->department_id, work, rules_.policy()));
  return *std::move(fu);
}

absl::Status FollowUpService::LoadView(db::Transaction& tx, const std::string& number,
                                       fv1::FollowUp* out) {
  auto fu = LoadForWork(tx, number, FollowUpWork::kRead);
  if (!fu.ok()) return fu.status();
  ToProto(*fu, LoadCallbacks(tx, number), LoadProgressUpdates(tx, number), out);
  return absl::OkStatus();
}

void FollowUpService::RecordAnswer(db::Transaction& tx, FollowUpRow& fu, CallbackRow& cb,
                                   const CallbackAnswer& answer) {
  const CallbackOutcome outcome = rules_.RecordAnswer(fu, cb, answer);
  UpdateCallback(tx, cb);
  rt_.outbox().Append(tx, cb.number, CallbackRecordedEvent(cb, outcome));
  if (outcome.unsatisfied) {
    rt_.outbox().Append(tx, cb.number, CustomerUnsatisfiedEvent(cb, outcome));
  } else {
    rt_.outbox().Append(tx, cb.number, ComplaintClosedEvent(cb, outcome));
  }
  UpdateFollowUp(tx, fu);
  tx.OnCommit([this, on_time = outcome.on_time, score = answer.satisfaction] {
    callbacks_.With({Timeliness(on_time)}).Increment();
    satisfaction_->Observe(score);
  });
}

// ---- RPCs
// ----------------------------------------------------------------------------------------

grpc::ServerUnaryReactor* FollowUpService::GetFollowUp(grpc::CallbackServerContext* ctx,
                                                       const fv1::GetFollowUpRequest* req,
                                                       fv1::GetFollowUpResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckGetFollowUp(*req));
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      return LoadView(tx, req->number(), resp->mutable_follow_up());
    });
  });
}

grpc::ServerUnaryReactor* FollowUpService::ReassignTracker(grpc::CallbackServerContext* ctx,
                                                           const fv1::ReassignTrackerRequest* req,
                                                           fv1::ReassignTrackerResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckReassignTracker(*req));
    RETURN_IF_ERROR(CheckStaff(ctx, "tracker_staff_id", req->tracker_staff_id(),
                               sv1::STAFF_ROLE_TRACKER, rules_.policy().tracker_department));
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto fu = LoadForWork(tx, req->number(), FollowUpWork::kTracking);
      if (!fu.ok()) return fu.status();
      auto changed = rules_.ReassignTracker(*fu, req->tracker_staff_id());
      if (!changed.ok()) return changed.status();
      if (*changed) {  // a retry changes nothing
        UpdateFollowUp(tx, *fu);
        AddTrackerHistory(tx, fu->number, fu->tracker_staff_id, "reassigned", req->reason(),
                          fu->updated_at);
        rt_.outbox().Append(tx, fu->number, TrackerAssignedEvent(*fu, "reassigned"));
      }
      return LoadView(tx, req->number(), resp->mutable_follow_up());
    });
  });
}

grpc::ServerUnaryReactor* FollowUpService::RecordProgressUpdate(
    grpc::CallbackServerContext* ctx, const fv1::RecordProgressUpdateRequest* req,
    fv1::RecordProgressUpdateResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckRecordProgressUpdate(*req));
    bool on_time = true;
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto fu = LoadForWork(tx, req->number(), FollowUpWork::kTracking);
      if (!fu.ok()) return fu.status();
      auto given = rules_.RecordTrackerUpdate(*fu, req->tracker_staff_id(), req->summary());
      if (!given.ok()) return given.status();
      NoteDue(tx, given->next_due, "progress_update", fu->number);
      AddProgressUpdate(tx, fu->number, given->update);
      rt_.outbox().Append(tx, fu->number, ProgressUpdateRecordedEvent(fu->number, given->update));
      UpdateFollowUp(tx, *fu);
      on_time = given->update.on_time;
      ToProto(given->update, resp->mutable_update());
      time::ToProto(given->next_due.at, resp->mutable_next_due());
      resp->set_next_due_provisional(given->next_due.provisional);
      return absl::OkStatus();
    });
    if (s.ok()) progress_updates_.With({Timeliness(on_time)}).Increment();
    return s;
  });
}

grpc::ServerUnaryReactor* FollowUpService::RecordCallback(grpc::CallbackServerContext* ctx,
                                                          const fv1::RecordCallbackRequest* req,
                                                          fv1::RecordCallbackResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckRecordCallback(*req));
    RETURN_IF_ERROR(CheckStaff(ctx, "callback_agent_staff_id", req->callback_agent_staff_id(),
                               sv1::STAFF_ROLE_CALLBACK_AGENT,
                               rules_.policy().callback_department));
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto fu = LoadForWork(tx, req->number(), FollowUpWork::kCallback);
      if (!fu.ok()) return fu.status();
      auto cb = LoadCallback(tx, fu->number, fu->cycle, /*for_update=*/true);
      RETURN_IF_ERROR(FollowUpRules::CheckCallbackDue(*fu, cb, req->cycle()));
      RecordAnswer(tx, *fu, *cb,
                   {.method = req->method(),
                    .staff_id = req->callback_agent_staff_id(),
                    .satisfaction = req->satisfaction(),
                    .comments = req->comments(),
                    .suggestions = req->suggestions()});
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
    RETURN_IF_ERROR(CheckIssueQuestionnaireLink(*req));
    RETURN_IF_ERROR(CheckStaff(ctx, "issued_by_staff_id", req->issued_by_staff_id(),
                               sv1::STAFF_ROLE_CALLBACK_AGENT,
                               rules_.policy().callback_department));
    const std::string token = NewQuestionnaireToken();
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto fu = LoadForWork(tx, req->number(), FollowUpWork::kCallback);
      if (!fu.ok()) return fu.status();
      auto cb = LoadCallback(tx, fu->number, fu->cycle, /*for_update=*/true);
      RETURN_IF_ERROR(FollowUpRules::CheckLinkIssuable(*fu, cb));
      // Only the hash is kept; issuing again replaces the link.
      cb->token_sha256 = QuestionnaireTokenHash(token);
      cb->token_issued_at = rules_.Now();
      UpdateCallback(tx, *cb);
      resp->set_token(token);
      resp->set_cycle(cb->cycle);
      time::ToProto(cb->due, resp->mutable_due());
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* FollowUpService::SubmitQuestionnaire(
    grpc::CallbackServerContext* ctx, const fv1::SubmitQuestionnaireRequest* req,
    fv1::SubmitQuestionnaireResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckSubmitQuestionnaire(*req));
    if (!req->number().empty()) return AnswerOwnQuestionnaire(ctx, *req, resp);
    const std::string hash = QuestionnaireTokenHash(req->token());
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      const auto unknown =
          absl::NotFoundError("no questionnaire for this link (unknown or replaced)");
      auto found = FindCallbackByToken(tx, hash);
      if (!found) return unknown;
      // Lock in the order every writer uses: the follow-up, then its callback.
      auto fu = LoadFollowUp(tx, found->number, /*for_update=*/true);
      auto cb = LoadCallback(tx, found->number, found->cycle, /*for_update=*/true);
      if (!fu || !cb || cb->token_sha256 != hash) return unknown;
      RETURN_IF_ERROR(FollowUpRules::CheckQuestionnaireOpen(*fu, *cb));
      RecordAnswer(tx, *fu, *cb,
                   {.method = fv1::CALLBACK_METHOD_QUESTIONNAIRE,
                    .staff_id = "",
                    .satisfaction = req->satisfaction(),
                    .comments = req->comments(),
                    .suggestions = req->suggestions()});
      resp->set_number(cb->number);
      resp->set_cycle(cb->cycle);
      return absl::OkStatus();
    });
  });
}

absl::Status FollowUpService::AnswerOwnQuestionnaire(const grpc::CallbackServerContext* ctx,
                                                     const fv1::SubmitQuestionnaireRequest& req,
                                                     fv1::SubmitQuestionnaireResponse* resp) {
  const auth::Caller& caller = auth::CurrentCaller();
  // Staff answering for the customer record a callback (RecordCallback), which names them.
  if (!caller.is_customer() && !caller.unrestricted()) {
    return absl::PermissionDeniedError(
        "number: only a signed-in customer answers by number; staff use RecordCallback");
  }
  if (caller.is_customer()) {
    // Without a sign-in only the link's token proves who answers.
    if (caller.subject.empty()) {
      return absl::UnauthenticatedError(
          "authorization: sign in to answer by number, or use the link");
    }
    if (ownership_ == nullptr) {
      return absl::UnavailableError("questionnaires by number cannot be checked now; retry");
    }
    // Asked before the transaction opens: no connection or lock is held across the call.
    RETURN_IF_ERROR(ownership_->Check(caller, req.number(), ctx));
  }
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    // Lock in the order every writer uses: the follow-up, then its callback.
    auto fu = LoadFollowUp(tx, req.number(), /*for_update=*/true);
    if (!fu) return absl::NotFoundError(kNoFollowUp);
    auto cb = LoadCallback(tx, fu->number, fu->cycle, /*for_update=*/true);
    if (!cb) return absl::FailedPreconditionError("no callback is due for this complaint");
    RETURN_IF_ERROR(FollowUpRules::CheckQuestionnaireOpen(*fu, *cb));
    // Recorded as the customer's, exactly like an answer through the link.
    RecordAnswer(tx, *fu, *cb,
                 {.method = fv1::CALLBACK_METHOD_QUESTIONNAIRE,
                  .staff_id = "",
                  .satisfaction = req.satisfaction(),
                  .comments = req.comments(),
                  .suggestions = req.suggestions()});
    resp->set_number(cb->number);
    resp->set_cycle(cb->cycle);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* FollowUpService::ListDueTasks(grpc::CallbackServerContext* ctx,
                                                        const fv1::ListDueTasksRequest* req,
                                                        fv1::ListDueTasksResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    auto after = CheckListDueTasks(*req);
    if (!after.ok()) return after.status();
    RETURN_IF_ERROR(CheckTaskListAccess("staff_id", req->kind(), rules_.policy()));
    const int size = ListPageSize(*req);
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      auto rows = ListTasks(tx, req->staff_id(), req->kind(), *after, size + 1);
      const bool more = static_cast<int>(rows.size()) > size;
      if (more) rows.resize(size);
      for (const auto& r : rows) ToProto(r, resp->add_tasks());
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

}  // namespace tousu::followup
