#include "services/case-handling/case_handling_service.h"

#include <utility>

#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/log/log.h"
#include "common/proto/enum_labels.h"
#include "common/status/return_if_error.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "services/case-handling/domain/case_access.h"
#include "services/case-handling/domain/request_checks.h"

namespace tousu::casehandling {

using server::RunUnary;

namespace {

void SetTime(absl::Time t, google::protobuf::Timestamp* out) { time::ToProto(t, out); }

// The events' text spelling of a contact channel or an investigation kind ("phone",
// "site_visit"); "" for an unset one.
std::string ChannelName(chv1::ContactChannel c) {
  return proto::EnumValueLabel(chv1::ContactChannel_descriptor(), c).value_or("");
}

std::string KindName(chv1::InvestigationKind k) {
  return proto::EnumValueLabel(chv1::InvestigationKind_descriptor(), k).value_or("");
}

}  // namespace

CaseHandlingService::CaseHandlingService(server::ServiceRuntime& rt, CaseHandlingSettings settings)
    : rt_(rt),
      rules_(rt.clock(), *rt.calendar(), settings.rules),
      cases_open_(
          rt.registry(), "tousu_case_handling_cases_open",
          "Cases still with their department (investigating, awaiting a decision or implementing).",
          {"department"}),
      solutions_(rt.registry(), "tousu_case_handling_solutions_total",
                 "Solutions proposed, on time (by the deadline in force) or late (an SLA breach).",
                 {"timeliness"}),
      extensions_(rt.registry(), "tousu_case_handling_extensions_total",
                  "Solution deadlines of complex cases extended.", {}),
      reopens_(rt.registry(), "tousu_case_handling_reopens_total",
               "Cases reopened as a new cycle after an unsatisfied callback.", {}),
      deadlines_missed_(rt.registry(), "tousu_case_handling_deadlines_missed_total",
                        "Solution deadlines that passed without a proposal (SLA breaches).", {}),
      provisional_deadlines_(
          rt.registry(), "tousu_case_handling_provisional_deadlines_total",
          "Solution deadlines computed in a year whose holiday schedule is not published.", {}) {
  for (const char* t : {"on_time", "late"}) solutions_.With({t});
  extensions_.With({});
  reopens_.With({});
  deadlines_missed_.With({});
  provisional_deadlines_.With({});
  if (!settings.intake_addr.empty()) {
    ownership_ = std::make_unique<client::ComplaintOwnership>(settings.intake_addr,
                                                              settings.intake_timeout, kNoCase);
  } else {
    log::Warn("no intake address: signed-in customers cannot record their decisions",
              {{"setting", "INTAKE_ADDR"}});
  }
  rt.AddService(this);
  SubscribeToEvents();
  rt.ServeEventSink();
  rt.AddPeriodicTask("solution_deadline", settings.deadline_check_interval,
                     [this] { return MarkMissedDeadlines().status(); });
}

void CaseHandlingService::NoteProvisional(db::Transaction& tx, const std::string& number,
                                          const time::Deadline& due) {
  if (!due.provisional) return;
  tx.OnCommit([this, number, at = due.at] {
    log::Warn("provisional solution deadline: the holiday schedule of its year is not published",
              {{"number", number}, {"due", absl::FormatTime(at)}});
    provisional_deadlines_.With({}).Increment();
  });
}

absl::Status CaseHandlingService::WithLockedCase(const std::string& number, CaseAccess access,
                                                 const CaseWork& work) {
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    auto row = LoadCase(tx, number, /*for_update=*/true);
    if (!row) return absl::NotFoundError(kNoCase);
    // Before `work` writes anything: another department's case is refused untouched.
    RETURN_IF_ERROR(
        CheckCaseAccess("number", row->department_id, row->assisting_department_ids, access));
    return work(tx, *row);
  });
}

chv1::CustomerContact CaseHandlingService::LogContact(db::Transaction& tx, const CaseRow& row,
                                                      const std::string& staff_id,
                                                      chv1::ContactChannel channel,
                                                      chv1::ContactPurpose purpose,
                                                      const std::string& summary, absl::Time at) {
  chv1::CustomerContact c;
  c.set_cycle(row.facts.cycle);
  c.set_staff_id(staff_id);
  c.set_channel(channel);
  c.set_purpose(purpose);
  c.set_summary(summary);
  SetTime(at, c.mutable_at());
  c.set_id(InsertContact(tx, row.number, c));
  chv1::CustomerContacted ev;
  ev.set_number(row.number);
  ev.set_cycle(row.facts.cycle);
  ev.set_staff_id(staff_id);
  ev.set_channel(ChannelName(channel));
  ev.set_summary(summary);
  SetTime(at, ev.mutable_at());
  rt_.outbox().Append(tx, row.number, ev);
  return c;
}

grpc::ServerUnaryReactor* CaseHandlingService::GetCase(grpc::CallbackServerContext* ctx,
                                                       const chv1::GetCaseRequest* req,
                                                       chv1::GetCaseResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckGetCase(*req));
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();  // a retried transaction starts over
      auto row = LoadCase(tx, req->number(), /*for_update=*/false);
      if (!row) return absl::NotFoundError(kNoCase);
      RETURN_IF_ERROR(CheckCaseAccess("number", row->department_id, row->assisting_department_ids,
                                      CaseAccess::kRead));
      ToProto(*row, resp->mutable_case_file());
      LoadHistory(tx, req->number(), resp->mutable_case_file());
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* CaseHandlingService::ListCases(grpc::CallbackServerContext* ctx,
                                                         const chv1::ListCasesRequest* req,
                                                         chv1::ListCasesResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckListCases(*req));
    // Department-bound staff list their own department's cases only.
    auto department = ScopeDepartmentFilter("department_id", req->department_id());
    if (!department.ok()) return department.status();
    const auto& page = req->page();
    const int size = ListPageSize(*req);
    const ListFilter filter{.department_id = *department,
                            .owner_staff_id = req->owner_staff_id(),
                            .state = req->state()};
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      resp->Clear();
      auto rows = casehandling::ListCases(tx, filter, page.page_token(), size + 1);
      for (int i = 0; i < static_cast<int>(rows.size()) && i < size; ++i)
        ToProto(rows[i], resp->add_cases());
      if (static_cast<int>(rows.size()) > size)
        resp->mutable_page()->set_next_page_token(rows[size - 1].number);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* CaseHandlingService::AddInvestigationEntry(
    grpc::CallbackServerContext* ctx, const chv1::AddInvestigationEntryRequest* req,
    chv1::AddInvestigationEntryResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckAddInvestigationEntry(*req));
    const CaseWork step = [&](db::Transaction& tx, CaseRow& row) -> absl::Status {
      auto at = rules_.Record(row.facts, Step::kAddInvestigationEntry);
      if (!at.ok()) return at.status();
      chv1::InvestigationEntry e;
      e.set_cycle(row.facts.cycle);
      e.set_kind(req->kind());
      e.set_author_staff_id(req->author_staff_id());
      e.set_note(req->note());
      *e.mutable_attachments() = req->attachments();
      SetTime(*at, e.mutable_at());
      e.set_id(InsertInvestigationEntry(tx, row.number, e));
      row.updated_at = *at;
      UpdateCase(tx, row);
      chv1::InvestigationEntryAdded ev;
      ev.set_number(row.number);
      ev.set_cycle(row.facts.cycle);
      ev.set_kind(KindName(req->kind()));
      ev.set_author_staff_id(req->author_staff_id());
      SetTime(*at, ev.mutable_at());
      rt_.outbox().Append(tx, row.number, ev);
      *resp->mutable_entry() = std::move(e);
      return absl::OkStatus();
    };
    return WithLockedCase(req->number(), CaseAccess::kContribute, step);
  });
}

grpc::ServerUnaryReactor* CaseHandlingService::AttachInspectionReport(
    grpc::CallbackServerContext* ctx, const chv1::AttachInspectionReportRequest* req,
    chv1::AttachInspectionReportResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckAttachInspectionReport(*req));
    const CaseWork step = [&](db::Transaction& tx, CaseRow& row) -> absl::Status {
      auto at = rules_.Record(row.facts, Step::kAttachInspectionReport);
      if (!at.ok()) return at.status();
      chv1::InspectionReport r;
      r.set_cycle(row.facts.cycle);
      r.set_inspector_staff_id(req->inspector_staff_id());
      r.set_cause(req->cause());
      r.set_severity(req->severity());
      r.set_findings(req->findings());
      r.set_recommended_repair(req->recommended_repair());
      *r.mutable_attachments() = req->attachments();
      SetTime(*at, r.mutable_at());
      r.set_id(InsertInspectionReport(tx, row.number, r));
      row.updated_at = *at;
      UpdateCase(tx, row);
      chv1::InspectionReportAttached ev;
      ev.set_number(row.number);
      ev.set_cycle(row.facts.cycle);
      ev.set_inspector_staff_id(req->inspector_staff_id());
      ev.set_severity(req->severity());
      SetTime(*at, ev.mutable_at());
      rt_.outbox().Append(tx, row.number, ev);
      *resp->mutable_report() = std::move(r);
      return absl::OkStatus();
    };
    return WithLockedCase(req->number(), CaseAccess::kContribute, step);
  });
}

grpc::ServerUnaryReactor* CaseHandlingService::LogCustomerContact(
    grpc::CallbackServerContext* ctx, const chv1::LogCustomerContactRequest* req,
    chv1::LogCustomerContactResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckLogCustomerContact(*req));
    const CaseWork step = [&](db::Transaction& tx, CaseRow& row) -> absl::Status {
      auto at = rules_.Record(row.facts, Step::kLogCustomerContact);
      if (!at.ok()) return at.status();
      *resp->mutable_contact() = LogContact(tx, row, req->staff_id(), req->channel(),
                                            chv1::CONTACT_PURPOSE_PROGRESS, req->summary(), *at);
      row.updated_at = *at;
      UpdateCase(tx, row);
      return absl::OkStatus();
    };
    return WithLockedCase(req->number(), CaseAccess::kContribute, step);
  });
}

grpc::ServerUnaryReactor* CaseHandlingService::ProposeSolution(
    grpc::CallbackServerContext* ctx, const chv1::ProposeSolutionRequest* req,
    chv1::ProposeSolutionResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckProposeSolution(*req, rules_.Now()));
    bool on_time = false;
    const CaseWork step = [&](db::Transaction& tx, CaseRow& row) -> absl::Status {
      auto p = rules_.Propose(row.facts);
      if (!p.ok()) return p.status();
      on_time = p->on_time;
      chv1::Solution sol;
      sol.set_cycle(row.facts.cycle);
      sol.set_revision(p->revision);
      sol.set_staff_id(req->staff_id());
      sol.set_owner_staff_id(row.owner_staff_id);
      sol.set_solution(req->solution());
      *sol.mutable_planned_actions() = req->planned_actions();
      *sol.mutable_planned_completion() = req->planned_completion();
      SetTime(p->at, sol.mutable_proposed_at());
      SetTime(p->due, sol.mutable_due());
      sol.set_on_time(p->on_time);
      InsertSolution(tx, row.number, sol);
      row.updated_at = p->at;
      UpdateCase(tx, row);
      chv1::SolutionProposed ev;
      ev.set_number(row.number);
      ev.set_cycle(row.facts.cycle);
      ev.set_revision(p->revision);
      ev.set_owner_staff_id(row.owner_staff_id);
      ev.set_proposed_by_staff_id(req->staff_id());
      ev.set_solution(req->solution());
      *ev.mutable_planned_completion() = req->planned_completion();
      SetTime(p->at, ev.mutable_proposed_at());
      SetTime(p->due, ev.mutable_due());
      ev.set_on_time(p->on_time);
      rt_.outbox().Append(tx, row.number, ev);
      *resp->mutable_solution() = std::move(sol);
      return absl::OkStatus();
    };
    auto s = WithLockedCase(req->number(), CaseAccess::kDecide, step);
    if (s.ok()) solutions_.With({on_time ? "on_time" : "late"}).Increment();
    return s;
  });
}

grpc::ServerUnaryReactor* CaseHandlingService::ExtendSolutionDeadline(
    grpc::CallbackServerContext* ctx, const chv1::ExtendSolutionDeadlineRequest* req,
    chv1::ExtendSolutionDeadlineResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckExtendSolutionDeadline(*req));
    const CaseWork step = [&](db::Transaction& tx, CaseRow& row) -> absl::Status {
      resp->Clear();
      auto e = rules_.Extend(row.facts, time::FromProto(req->new_due()));
      if (!e.ok()) return e.status();
      chv1::SolutionDeadline d;
      d.set_cycle(row.facts.cycle);
      d.set_kind(chv1::DEADLINE_KIND_EXTENSION);
      SetTime(e->new_due, d.mutable_due());
      SetTime(e->at, d.mutable_set_at());
      d.set_staff_id(req->staff_id());
      d.set_reason(req->reason());
      InsertDeadline(tx, row.number, d);
      auto* previous = resp->mutable_previous();
      previous->set_cycle(row.facts.cycle);
      SetTime(e->previous_due, previous->mutable_due());
      previous->set_provisional(e->previous_provisional);
      *resp->mutable_notice() =
          LogContact(tx, row, req->staff_id(), req->notice_channel(),
                     chv1::CONTACT_PURPOSE_DEADLINE_EXTENSION, req->customer_notice(), e->at);
      row.updated_at = e->at;
      UpdateCase(tx, row);
      chv1::SolutionDeadlineExtended ev;
      ev.set_number(row.number);
      ev.set_cycle(row.facts.cycle);
      ev.set_staff_id(req->staff_id());
      ev.set_reason(req->reason());
      SetTime(e->previous_due, ev.mutable_original_due());
      SetTime(e->new_due, ev.mutable_new_due());
      SetTime(e->at, ev.mutable_at());
      rt_.outbox().Append(tx, row.number, ev);
      *resp->mutable_deadline() = std::move(d);
      return absl::OkStatus();
    };
    auto s = WithLockedCase(req->number(), CaseAccess::kDecide, step);
    if (s.ok()) extensions_.With({}).Increment();
    return s;
  });
}

grpc::ServerUnaryReactor* CaseHandlingService::RecordCustomerDecision(
    grpc::CallbackServerContext* ctx, const chv1::RecordCustomerDecisionRequest* req,
    chv1::RecordCustomerDecisionResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckRecordCustomerDecision(*req));
    const auth::Caller& caller = auth::CurrentCaller();
    CaseAccess access = CaseAccess::kDecide;
    if (caller.is_customer()) {
      // A customer decides for themselves, on their own complaint only. Asked before the
      // transaction opens: no connection or lock is held across the call to intake.
      if (!req->recorded_by_staff_id().empty()) {
        return absl::InvalidArgumentError(
            "recorded_by_staff_id: leave empty; a customer records their own decision");
      }
      if (ownership_ == nullptr) {
        return absl::UnavailableError("customer decisions cannot be checked now; retry");
      }
      RETURN_IF_ERROR(ownership_->Check(caller, req->number(), ctx));
      access = CaseAccess::kCustomersOwnDecision;
    }
    const std::string decided_by_customer_id = caller.is_customer() ? caller.subject : "";
    const bool accepted = req->decision() == chv1::CUSTOMER_DECISION_ACCEPTED;
    const CaseWork step = [&](db::Transaction& tx, CaseRow& row) -> absl::Status {
      auto d = rules_.Decide(row.facts, req->revision(), accepted);
      if (!d.ok()) return d.status();
      chv1::Decision rec;
      rec.set_cycle(row.facts.cycle);
      rec.set_revision(d->revision);
      rec.set_decision(req->decision());
      rec.set_reason(req->reason());
      rec.set_recorded_by_staff_id(req->recorded_by_staff_id());
      rec.set_decided_by_customer_id(decided_by_customer_id);
      SetTime(d->at, rec.mutable_at());
      if (d->revised_due.has_value()) {
        SetTime(d->revised_due->at, rec.mutable_revised_solution_due());
        chv1::SolutionDeadline deadline;
        deadline.set_cycle(row.facts.cycle);
        deadline.set_kind(chv1::DEADLINE_KIND_REVISION);
        SetTime(d->revised_due->at, deadline.mutable_due());
        deadline.set_provisional(d->revised_due->provisional);
        SetTime(d->at, deadline.mutable_set_at());
        InsertDeadline(tx, row.number, deadline);
        NoteProvisional(tx, row.number, *d->revised_due);
      }
      InsertDecision(tx, row.number, rec);
      row.updated_at = d->at;
      UpdateCase(tx, row);
      chv1::CustomerDecisionRecorded ev;
      ev.set_number(row.number);
      ev.set_cycle(row.facts.cycle);
      ev.set_revision(d->revision);
      ev.set_accepted(accepted);
      ev.set_reason(req->reason());
      ev.set_recorded_by_staff_id(req->recorded_by_staff_id());
      ev.set_decided_by_customer_id(decided_by_customer_id);
      SetTime(d->at, ev.mutable_at());
      if (rec.has_revised_solution_due())
        *ev.mutable_revised_solution_due() = rec.revised_solution_due();
      rt_.outbox().Append(tx, row.number, ev);
      *resp->mutable_decision() = std::move(rec);
      return absl::OkStatus();
    };
    return WithLockedCase(req->number(), access, step);
  });
}

grpc::ServerUnaryReactor* CaseHandlingService::RecordImplementationProgress(
    grpc::CallbackServerContext* ctx, const chv1::RecordImplementationProgressRequest* req,
    chv1::RecordImplementationProgressResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckRecordImplementationProgress(*req));
    const CaseWork step = [&](db::Transaction& tx, CaseRow& row) -> absl::Status {
      auto at = rules_.Record(row.facts, Step::kRecordImplementationProgress);
      if (!at.ok()) return at.status();
      chv1::ImplementationNote n;
      n.set_cycle(row.facts.cycle);
      n.set_staff_id(req->staff_id());
      n.set_note(req->note());
      n.set_plan_changed(req->plan_changed());
      n.set_customer_explanation(req->customer_explanation());
      SetTime(*at, n.mutable_at());
      InsertImplementationNote(tx, row.number, n);
      if (req->plan_changed()) {
        // The customer is told why the plan changed (§6.3): a contact on their timeline.
        LogContact(tx, row, req->staff_id(), req->explanation_channel(),
                   chv1::CONTACT_PURPOSE_PLAN_CHANGE, req->customer_explanation(), *at);
      }
      row.updated_at = *at;
      UpdateCase(tx, row);
      chv1::ImplementationProgressRecorded ev;
      ev.set_number(row.number);
      ev.set_cycle(row.facts.cycle);
      ev.set_staff_id(req->staff_id());
      ev.set_note(req->note());
      ev.set_plan_changed(req->plan_changed());
      ev.set_customer_explanation(req->customer_explanation());
      SetTime(*at, ev.mutable_at());
      rt_.outbox().Append(tx, row.number, ev);
      *resp->mutable_note() = std::move(n);
      return absl::OkStatus();
    };
    return WithLockedCase(req->number(), CaseAccess::kDecide, step);
  });
}

grpc::ServerUnaryReactor* CaseHandlingService::ResolveCase(grpc::CallbackServerContext* ctx,
                                                           const chv1::ResolveCaseRequest* req,
                                                           chv1::ResolveCaseResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckResolveCase(*req));
    const CaseWork step = [&](db::Transaction& tx, CaseRow& row) -> absl::Status {
      resp->Clear();
      auto at = rules_.Resolve(row.facts);
      if (!at.ok()) return at.status();
      chv1::Cycle cycle;
      cycle.set_cycle(row.facts.cycle);
      SetTime(*at, cycle.mutable_resolved_at());
      cycle.set_resolved_by_staff_id(req->staff_id());
      cycle.set_result(req->result());
      ResolveCycle(tx, row.number, cycle);
      row.updated_at = *at;
      UpdateCase(tx, row);
      chv1::CaseResolved ev;
      ev.set_number(row.number);
      ev.set_cycle(row.facts.cycle);
      ev.set_department_id(row.department_id);
      ev.set_owner_staff_id(row.owner_staff_id);
      ev.set_result(req->result());
      SetTime(*at, ev.mutable_resolved_at());
      ev.set_category(row.facts.category);
      rt_.outbox().Append(tx, row.number, ev);
      ToProto(row, resp->mutable_case_file());
      return absl::OkStatus();
    };
    return WithLockedCase(req->number(), CaseAccess::kDecide, step);
  });
}

}  // namespace tousu::casehandling
