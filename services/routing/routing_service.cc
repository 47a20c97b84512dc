#include "services/routing/routing_service.h"

#include "absl/strings/str_cat.h"
#include "common/client/channel.h"
#include "common/log/log.h"
#include "common/time/proto_time.h"
#include "common/validation/text.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/routing/domain/assignment_access.h"
#include "services/routing/domain/request_checks.h"

namespace tousu::routing {

namespace cv1 = complaints::common::v1;
namespace sv1 = complaints::staff::v1;
namespace iv1 = complaints::intake::v1;
using server::RunUnary;

namespace {

using time::FromProto;
void SetTime(absl::Time t, google::protobuf::Timestamp* out) { time::ToProto(t, out); }

}  // namespace

RoutingService::RoutingService(server::ServiceRuntime& rt, Classifier classifier,
                               std::unique_ptr<sv1::StaffService::StubInterface> staff,
                               RoutingSettings settings)
    : rt_(rt),
      classifier_(std::move(classifier)),
      staff_(std::move(staff)),
      settings_(settings),
      routed_(rt.registry(), "tousu_routing_routed_total", "Complaints routed to a department.",
              {"category", "department"}),
      supervisor_(rt.registry(), "tousu_routing_sent_to_supervisor_total",
                  "Complaints sent to the supervisor queue, by reason.", {"reason"}),
      acknowledgements_(rt.registry(), "tousu_routing_acknowledgements_total",
                        "Acknowledgements, on time (within 1 hour) or late.", {"timeliness"}),
      escalations_(rt.registry(), "tousu_routing_escalations_total",
                   "Acknowledgement deadlines missed and escalated to the supervisor (SLA breaches).", {}),
      rejections_(rt.registry(), "tousu_routing_rejections_total", "Assignments sent back as misrouted.",
                  {"department"}),
      supervisor_queue_(rt.registry(), "tousu_routing_supervisor_queue_length",
                        "Complaints waiting for a supervisor.", {}) {
  confidence_ = &prometheus::BuildHistogram()
                     .Name("tousu_routing_classifier_confidence")
                     .Help("Confidence of the classifier's category for received complaints.")
                     .Register(rt.registry())
                     .Add({}, prometheus::Histogram::BucketBoundaries{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99});
  escalations_.With({});
  supervisor_queue_.With({}).Set(0);
  for (const char* t : {"on_time", "late"}) acknowledgements_.With({t});
}

RoutingService::~RoutingService() { StopTimers(); }

void RoutingService::RegisterEventHandlers() {
  rt_.event_sink().On("ComplaintReceived", [this](db::Transaction& tx, const cv1::Event& e) {
    return OnComplaintReceived(tx, e);
  });
}

absl::Status RoutingService::OnComplaintReceived(db::Transaction& tx, const cv1::Event& event) {
  iv1::ComplaintReceived received;
  if (!event.payload().UnpackTo(&received)) {
    return absl::InvalidArgumentError("event.payload: not a ComplaintReceived");
  }
  if (auto s = validation::CheckComplaintNumber("number", received.number()); !s.ok()) return s;
  if (LoadAssignment(tx, received.number(), /*for_update=*/false).has_value()) {
    return absl::OkStatus();  // already routed (a second event id for the same complaint)
  }
  RoutingInput input;
  input.staff_category = received.staff_category();
  input.severity = received.severity();
  input.project = received.project();
  if (input.staff_category == cv1::CATEGORY_UNSPECIFIED) {
    input.classification = classifier_.Classify(received.description());
    confidence_->Observe(input.classification->confidence);
  }
  const Decision d = Decide(input, LoadRules(tx), settings_.policy);
  const absl::Time now = rt_.clock().Now();

  AssignmentRow row;
  row.number = received.number();
  row.category = d.category;
  row.category_source = d.category_source;
  row.confidence = d.confidence;
  row.ranking = d.ranking;
  row.severity = received.severity();
  row.channel = received.channel();
  row.journey_stage = received.journey_stage();
  row.project = received.project();
  row.received_at = FromProto(received.received_at());
  row.updated_at = now;
  row.hop = 1;
  if (d.to_supervisor) {
    row.state = rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR;
    row.supervisor_reason = d.supervisor_reason;
  } else {
    row.state = rv1::ASSIGNMENT_STATE_ROUTED;
    row.department_id = d.department_id;
    row.routed_at = now;
    // The hour runs from receipt: a late delivery (routing down, a relay backlog) must not push
    // the customer's deadline back. Re-routes after a rejection count from their own time.
    const bool receipt_known = received.has_received_at() && row.received_at <= now;
    row.ack_due = AckDue(receipt_known ? row.received_at : now, settings_.policy);
  }
  if (!InsertAssignment(tx, row)) return absl::OkStatus();
  AddHop(tx, row.number,
         {.hop = 1,
          .action = d.to_supervisor ? "sent_to_supervisor" : "routed",
          .department_id = row.department_id,
          .staff_id = "",
          .reason = d.to_supervisor ? d.supervisor_reason : "rule:" + std::string(CategoryLabel(d.category)),
          .at = now});
  if (d.to_supervisor) {
    rv1::ComplaintSentToSupervisor ev;
    ev.set_number(row.number);
    ev.set_reason(d.supervisor_reason);
    ev.set_category(d.category);
    SetTime(now, ev.mutable_at());
    rt_.outbox().Append(tx, row.number, ev, event.request_id());
    tx.OnCommit([this, reason = d.supervisor_reason] { supervisor_.With({reason}).Increment(); });
  } else {
    rv1::ComplaintRouted ev;
    ev.set_number(row.number);
    ev.set_category(d.category);
    ev.set_category_source(d.category_source);
    ev.set_confidence(d.confidence);
    ev.set_department_id(row.department_id);
    SetTime(now, ev.mutable_routed_at());
    SetTime(*row.ack_due, ev.mutable_ack_due());
    ev.set_hop(1);
    rt_.outbox().Append(tx, row.number, ev, event.request_id());
    tx.OnCommit([this, c = std::string(CategoryLabel(d.category)), dep = row.department_id] {
      routed_.With({c, dep}).Increment();
    });
  }
  return absl::OkStatus();
}

void RoutingService::ToProto(const AssignmentRow& r, rv1::Assignment* out) const {
  out->set_number(r.number);
  out->set_state(r.state);
  out->set_category(r.category);
  out->set_category_source(r.category_source);
  out->set_confidence(r.confidence);
  out->set_severity(r.severity);
  out->set_department_id(r.department_id);
  for (const auto& d : r.assisting_department_ids) out->add_assisting_department_ids(d);
  out->set_owner_staff_id(r.owner_staff_id);
  if (r.routed_at) SetTime(*r.routed_at, out->mutable_routed_at());
  if (r.ack_due) SetTime(*r.ack_due, out->mutable_ack_due());
  if (r.acknowledged_at) SetTime(*r.acknowledged_at, out->mutable_acknowledged_at());
  out->set_acknowledged_on_time(r.ack_on_time.value_or(false));
  out->set_supervisor_reason(r.supervisor_reason);
  out->set_bounces(r.bounces);
  out->set_escalated(r.escalated);
  out->set_complex(r.complex);
}

absl::StatusOr<sv1::Staff> RoutingService::LookUpStaff(grpc::CallbackServerContext* ctx, const std::string& id) {
  sv1::GetStaffRequest req;
  req.set_staff_id(id);
  sv1::GetStaffResponse resp;
  auto call = client::NewCallContext(settings_.staff_timeout, ctx);
  grpc::Status s = staff_->GetStaff(call.get(), req, &resp);
  // The directory's id rule is stricter than ours; an id it cannot hold names nobody.
  if (s.error_code() == grpc::StatusCode::NOT_FOUND || s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return absl::NotFoundError("no such staff member");
  }
  if (!s.ok()) {
    log::Warn("staff directory call failed", {{"code", static_cast<int>(s.error_code())}});
    if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return absl::DeadlineExceededError("staff directory did not answer in time");
    }
    return absl::UnavailableError("staff directory unavailable");
  }
  return resp.staff();
}

absl::Status RoutingService::CheckDepartmentExists(grpc::CallbackServerContext* ctx, const std::string& id) {
  sv1::GetDepartmentRequest req;
  req.set_department_id(id);
  sv1::GetDepartmentResponse resp;
  auto call = client::NewCallContext(settings_.staff_timeout, ctx);
  grpc::Status s = staff_->GetDepartment(call.get(), req, &resp);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND || s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return absl::NotFoundError("no such department");
  }
  if (!s.ok()) return absl::UnavailableError("staff directory unavailable");
  if (!resp.department().active()) return absl::FailedPreconditionError("department is not active");
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* RoutingService::ClassifyComplaint(grpc::CallbackServerContext* ctx,
                                                            const rv1::ClassifyComplaintRequest* req,
                                                            rv1::ClassifyComplaintResponse* resp) {
  // Pure computation: answered on the callback thread, no database.
  return server::RunInline(ctx, [this, req, resp]() -> absl::Status {
    if (absl::Status s = CheckClassifyComplaint(*req); !s.ok()) return s;
    const Classification c = classifier_.Classify(req->text());
    resp->set_category(c.category);
    resp->set_confidence(c.confidence);
    for (const auto& o : c.others) {
      auto* score = resp->add_others();
      score->set_category(o.category);
      score->set_probability(o.probability);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RoutingService::UpsertRoutingRule(grpc::CallbackServerContext* ctx,
                                                            const rv1::UpsertRoutingRuleRequest* req,
                                                            rv1::UpsertRoutingRuleResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    const auto& rule = req->rule();
    if (auto s = CheckUpsertRoutingRule(*req); !s.ok()) return s;
    if (auto s = CheckDepartmentExists(ctx, rule.department_id()); !s.ok()) {
      if (s.code() == absl::StatusCode::kNotFound) {
        return absl::FailedPreconditionError("rule.department_id: no such department");
      }
      return s;
    }
    const absl::Time now = rt_.clock().Now();
    Rule r{rule.category(), rule.project(), rule.department_id()};
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      UpsertRule(tx, r, now);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    *resp->mutable_rule() = rule;
    SetTime(now, resp->mutable_rule()->mutable_updated_at());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RoutingService::ListRoutingRules(grpc::CallbackServerContext* ctx,
                                                           const rv1::ListRoutingRulesRequest*,
                                                           rv1::ListRoutingRulesResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, resp]() -> absl::Status {
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      for (const auto& [rule, at] : ListRules(tx)) {
        auto* r = resp->add_rules();
        r->set_category(rule.category);
        r->set_project(rule.project);
        r->set_department_id(rule.department_id);
        SetTime(at, r->mutable_updated_at());
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* RoutingService::GetAssignment(grpc::CallbackServerContext* ctx,
                                                        const rv1::GetAssignmentRequest* req,
                                                        rv1::GetAssignmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckGetAssignment(*req); !s.ok()) return s;
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();  // a retried transaction starts over
      auto row = LoadAssignment(tx, req->number(), false);
      if (!row) return absl::NotFoundError("no assignment for this complaint (yet)");
      if (auto s = CheckAssignmentAccess("number", row->department_id); !s.ok()) return s;
      ToProto(*row, resp->mutable_assignment());
      for (const auto& h : LoadHops(tx, req->number())) {
        auto* hop = resp->mutable_assignment()->add_hops();
        hop->set_hop(h.hop);
        hop->set_action(h.action);
        hop->set_department_id(h.department_id);
        hop->set_staff_id(h.staff_id);
        hop->set_reason(h.reason);
        SetTime(h.at, hop->mutable_at());
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* RoutingService::ListDepartmentQueue(grpc::CallbackServerContext* ctx,
                                                              const rv1::ListDepartmentQueueRequest* req,
                                                              rv1::ListDepartmentQueueResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    // Department-bound staff list their own queue; naming none means theirs.
    auto department = ScopeQueueDepartment("department_id", req->department_id());
    if (!department.ok()) {
      // A malformed filter is still INVALID_ARGUMENT first, as before.
      if (auto s = CheckListDepartmentQueue(*req); !s.ok()) return s;
      return department.status();
    }
    rv1::ListDepartmentQueueRequest scoped = *req;
    scoped.set_department_id(*department);
    if (auto s = CheckListDepartmentQueue(scoped); !s.ok()) return s;
    const int size = PageSize(req->page());
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      resp->Clear();
      auto rows = ListByState(tx, rv1::ASSIGNMENT_STATE_ROUTED, *department, req->page().page_token(), size + 1);
      for (int i = 0; i < static_cast<int>(rows.size()) && i < size; ++i) ToProto(rows[i], resp->add_assignments());
      if (static_cast<int>(rows.size()) > size) resp->mutable_page()->set_next_page_token(rows[size - 1].number);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* RoutingService::ListSupervisorQueue(grpc::CallbackServerContext* ctx,
                                                              const rv1::ListSupervisorQueueRequest* req,
                                                              rv1::ListSupervisorQueueResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckListSupervisorQueue(*req); !s.ok()) return s;
    if (auto s = CheckSupervisorQueueAccess(); !s.ok()) return s;
    const int size = PageSize(req->page());
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      resp->Clear();
      auto rows = ListByState(tx, rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR, "", req->page().page_token(), size + 1);
      for (int i = 0; i < static_cast<int>(rows.size()) && i < size; ++i) ToProto(rows[i], resp->add_assignments());
      if (static_cast<int>(rows.size()) > size) resp->mutable_page()->set_next_page_token(rows[size - 1].number);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* RoutingService::AcknowledgeAssignment(grpc::CallbackServerContext* ctx,
                                                                const rv1::AcknowledgeAssignmentRequest* req,
                                                                rv1::AcknowledgeAssignmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    if (auto s = CheckAcknowledgeAssignment(*req); !s.ok()) return s;
    // Acting for another department is refused before the directory is asked; the record's own
    // department is checked again under its lock below.
    if (auto s = CheckAssignmentAccess("department_id", req->department_id()); !s.ok()) return s;
    // Ask the directory before opening a transaction: no locks held across a network call.
    auto owner = LookUpStaff(ctx, req->owner_staff_id());
    if (!owner.ok()) {
      if (owner.status().code() == absl::StatusCode::kNotFound) {
        return absl::FailedPreconditionError("owner_staff_id: no such staff member");
      }
      return owner.status();
    }
    if (!owner->active()) return absl::FailedPreconditionError("owner_staff_id: not active staff");
    if (owner->department_id() != req->department_id()) {
      return absl::FailedPreconditionError("owner_staff_id: not staff of this department");
    }
    bool on_time = false;
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto row = LoadAssignment(tx, req->number(), /*for_update=*/true);
      if (!row) return absl::NotFoundError("no assignment for this complaint");
      if (auto s = CheckAssignmentAccess("number", row->department_id); !s.ok()) return s;
      const bool awaiting = row->state == rv1::ASSIGNMENT_STATE_ROUTED ||
                            (row->state == rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR && row->escalated &&
                             !row->department_id.empty());
      if (!awaiting) return absl::FailedPreconditionError("the complaint is not waiting for an acknowledgement");
      if (row->department_id != req->department_id()) {
        return absl::FailedPreconditionError("department_id: the complaint is routed to another department");
      }
      const absl::Time now = rt_.clock().Now();
      on_time = AckOnTime(now, *row->ack_due);
      row->state = rv1::ASSIGNMENT_STATE_ACKNOWLEDGED;
      row->owner_staff_id = req->owner_staff_id();
      row->acknowledged_at = now;
      row->ack_on_time = on_time;
      row->updated_at = now;
      UpdateAssignment(tx, *row);
      AddHop(tx, row->number, {.hop = row->hop, .action = "acknowledged", .department_id = row->department_id,
                               .staff_id = row->owner_staff_id, .reason = on_time ? "on_time" : "late", .at = now});
      rv1::ComplaintAcknowledged ev;
      ev.set_number(row->number);
      ev.set_department_id(row->department_id);
      ev.set_owner_staff_id(row->owner_staff_id);
      for (const auto& d : row->assisting_department_ids) ev.add_assisting_department_ids(d);
      ev.set_category(row->category);
      ev.set_severity(row->severity);
      SetTime(*row->routed_at, ev.mutable_routed_at());
      SetTime(*row->ack_due, ev.mutable_ack_due());
      SetTime(now, ev.mutable_acknowledged_at());
      ev.set_on_time(on_time);
      ev.set_complex(row->complex);
      rt_.outbox().Append(tx, row->number, ev);
      ToProto(*row, resp->mutable_assignment());
      return absl::OkStatus();
    });
    if (s.ok()) acknowledgements_.With({on_time ? "on_time" : "late"}).Increment();
    return s;
  });
}

grpc::ServerUnaryReactor* RoutingService::RejectAssignment(grpc::CallbackServerContext* ctx,
                                                           const rv1::RejectAssignmentRequest* req,
                                                           rv1::RejectAssignmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    if (auto s = CheckRejectAssignment(*req); !s.ok()) return s;
    if (auto s = CheckAssignmentAccess("department_id", req->department_id()); !s.ok()) return s;
    auto staff = LookUpStaff(ctx, req->staff_id());
    if (!staff.ok()) {
      if (staff.status().code() == absl::StatusCode::kNotFound) {
        return absl::FailedPreconditionError("staff_id: no such staff member");
      }
      return staff.status();
    }
    if (!staff->active() || staff->department_id() != req->department_id()) {
      return absl::FailedPreconditionError("staff_id: not active staff of this department");
    }
    if (!req->reroute_to_department_id().empty()) {
      if (auto s = CheckDepartmentExists(ctx, req->reroute_to_department_id()); !s.ok()) {
        if (s.code() == absl::StatusCode::kNotFound) {
          return absl::FailedPreconditionError("reroute_to_department_id: no such department");
        }
        return s;
      }
    }
    std::string outcome;
    auto s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto row = LoadAssignment(tx, req->number(), /*for_update=*/true);
      if (!row) return absl::NotFoundError("no assignment for this complaint");
      if (auto s = CheckAssignmentAccess("number", row->department_id); !s.ok()) return s;
      if (row->state != rv1::ASSIGNMENT_STATE_ROUTED) {
        return absl::FailedPreconditionError("only a routed, unacknowledged complaint can be sent back");
      }
      if (row->department_id != req->department_id()) {
        return absl::FailedPreconditionError("department_id: the complaint is routed to another department");
      }
      const absl::Time now = rt_.clock().Now();
      AddHop(tx, row->number, {.hop = row->hop, .action = "rejected", .department_id = row->department_id,
                               .staff_id = req->staff_id(), .reason = req->reason(), .at = now});
      rv1::AssignmentRejected rejected;
      rejected.set_number(row->number);
      rejected.set_department_id(row->department_id);
      rejected.set_staff_id(req->staff_id());
      rejected.set_reason(req->reason());
      SetTime(now, rejected.mutable_at());
      rt_.outbox().Append(tx, row->number, rejected);

      const std::set<std::string> tried = TriedDepartments(tx, row->number);
      const Reroute next = AfterRejection(row->bounces, req->reroute_to_department_id(), row->category, row->ranking,
                                          row->project, LoadRules(tx), tried, settings_.policy);
      row->bounces += 1;
      row->hop += 1;
      row->updated_at = now;
      if (next.to_supervisor) {
        row->state = rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR;
        row->supervisor_reason = next.reason;
        row->department_id.clear();
        row->routed_at.reset();
        row->ack_due.reset();
        AddHop(tx, row->number, {.hop = row->hop, .action = "sent_to_supervisor", .department_id = "", .staff_id = "", .reason = next.reason, .at = now});
        rv1::ComplaintSentToSupervisor ev;
        ev.set_number(row->number);
        ev.set_reason(next.reason);
        ev.set_category(row->category);
        SetTime(now, ev.mutable_at());
        rt_.outbox().Append(tx, row->number, ev);
        outcome = next.reason;
      } else {
        row->department_id = next.department_id;
        row->category = next.category;
        row->routed_at = now;
        row->ack_due = AckDue(now, settings_.policy);
        row->escalated = false;
        AddHop(tx, row->number, {.hop = row->hop, .action = "routed", .department_id = row->department_id, .staff_id = "",
                                 .reason = req->reroute_to_department_id().empty() ? "next_rule" : "named_by_coordinator",
                                 .at = now});
        rv1::ComplaintRouted ev;
        ev.set_number(row->number);
        ev.set_category(row->category);
        ev.set_category_source(row->category_source);
        ev.set_confidence(row->confidence);
        ev.set_department_id(row->department_id);
        SetTime(now, ev.mutable_routed_at());
        SetTime(*row->ack_due, ev.mutable_ack_due());
        ev.set_hop(row->hop);
        rt_.outbox().Append(tx, row->number, ev);
      }
      UpdateAssignment(tx, *row);
      ToProto(*row, resp->mutable_assignment());
      return absl::OkStatus();
    });
    if (s.ok()) {
      rejections_.With({req->department_id()}).Increment();
      if (!outcome.empty()) supervisor_.With({outcome}).Increment();
    }
    return s;
  });
}

grpc::ServerUnaryReactor* RoutingService::AssignBySupervisor(grpc::CallbackServerContext* ctx,
                                                             const rv1::AssignBySupervisorRequest* req,
                                                             rv1::AssignBySupervisorResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    if (auto s = CheckAssignBySupervisor(*req); !s.ok()) return s;
    // Checked: distinct, none the lead.
    const std::set<std::string> assisting(req->assisting_department_ids().begin(),
                                          req->assisting_department_ids().end());
    auto supervisor = LookUpStaff(ctx, req->supervisor_staff_id());
    if (!supervisor.ok()) {
      if (supervisor.status().code() == absl::StatusCode::kNotFound) {
        return absl::FailedPreconditionError("supervisor_staff_id: no such staff member");
      }
      return supervisor.status();
    }
    if (!supervisor->active() || supervisor->role() != sv1::STAFF_ROLE_SUPERVISOR) {
      return absl::PermissionDeniedError("supervisor_staff_id: not an active supervisor");
    }
    for (const auto& d : std::vector<std::string>{req->lead_department_id()}) {
      if (auto s = CheckDepartmentExists(ctx, d); !s.ok()) {
        return s.code() == absl::StatusCode::kNotFound
                   ? absl::FailedPreconditionError("lead_department_id: no such department")
                   : s;
      }
    }
    for (const auto& d : assisting) {
      if (auto s = CheckDepartmentExists(ctx, d); !s.ok()) {
        return s.code() == absl::StatusCode::kNotFound
                   ? absl::FailedPreconditionError("assisting_department_ids: no such department")
                   : s;
      }
    }
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto row = LoadAssignment(tx, req->number(), /*for_update=*/true);
      if (!row) return absl::NotFoundError("no assignment for this complaint");
      if (auto s = CheckAssignmentAccess("number", row->department_id); !s.ok()) return s;
      if (row->state != rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR) {
        return absl::FailedPreconditionError("the complaint is not in the supervisor queue");
      }
      const absl::Time now = rt_.clock().Now();
      row->state = rv1::ASSIGNMENT_STATE_ROUTED;
      row->department_id = req->lead_department_id();
      row->assisting_department_ids.assign(assisting.begin(), assisting.end());
      row->complex = req->complex();
      row->routed_at = now;
      row->ack_due = AckDue(now, settings_.policy);
      row->escalated = false;
      row->hop += 1;
      row->updated_at = now;
      UpdateAssignment(tx, *row);
      AddHop(tx, row->number, {.hop = row->hop, .action = "assigned_by_supervisor", .department_id = row->department_id,
                               .staff_id = req->supervisor_staff_id(), .reason = "", .at = now});
      rv1::ComplaintAssignedBySupervisor ev;
      ev.set_number(row->number);
      ev.set_supervisor_staff_id(req->supervisor_staff_id());
      ev.set_lead_department_id(row->department_id);
      for (const auto& d : row->assisting_department_ids) ev.add_assisting_department_ids(d);
      SetTime(now, ev.mutable_at());
      SetTime(*row->ack_due, ev.mutable_ack_due());
      rt_.outbox().Append(tx, row->number, ev);
      ToProto(*row, resp->mutable_assignment());
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<int> RoutingService::EscalateOverdue() {
  int escalated = 0;
  int64_t queue = 0;
  auto s = db::RunInTransaction(
      rt_.pool(),
      [&](db::Transaction& tx) -> absl::Status {
        escalated = 0;
        const absl::Time now = rt_.clock().Now();
        // Row locks with SKIP LOCKED: a replica running the same pass takes other rows, and the
        // state change below makes a second pass find nothing: each deadline escalates once.
        for (const auto& number : ClaimOverdue(tx, now, 100)) {
          auto row = LoadAssignment(tx, number, /*for_update=*/true);
          if (!row || row->state != rv1::ASSIGNMENT_STATE_ROUTED || row->escalated) continue;
          row->state = rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR;
          row->escalated = true;
          row->supervisor_reason = "acknowledgement_overdue";
          row->updated_at = now;
          UpdateAssignment(tx, *row);
          AddHop(tx, number, {.hop = row->hop, .action = "escalated", .department_id = row->department_id, .staff_id = "",
                              .reason = "acknowledgement_overdue", .at = now});
          rv1::AcknowledgementOverdue ev;
          ev.set_number(number);
          ev.set_department_id(row->department_id);
          SetTime(*row->ack_due, ev.mutable_ack_due());
          SetTime(now, ev.mutable_escalated_at());
          rt_.outbox().Append(tx, number, ev);
          ++escalated;
        }
        queue = CountState(tx, rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
        return absl::OkStatus();
      },
      {.read_committed = true});
  if (!s.ok()) return s;
  if (escalated > 0) {
    escalations_.With({}).Increment(escalated);
    supervisor_.With({"acknowledgement_overdue"}).Increment(escalated);
  }
  supervisor_queue_.With({}).Set(static_cast<double>(queue));
  return escalated;
}

void RoutingService::StartTimers() {
  timer_ = std::make_unique<server::PeriodicTask>(
      "escalation", settings_.escalation_interval, rt_.registry(),
      [this] { return rt_.serving(); },
      [this] { return EscalateOverdue().status(); });
  timer_->Start();
}

void RoutingService::StopTimers() {
  if (timer_) timer_->Stop();
}

}  // namespace tousu::routing
