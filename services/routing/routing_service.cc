#include "services/routing/routing_service.h"

#include "common/events/event_time.h"
#include "common/status/return_if_error.h"
#include "common/validation/text.h"
#include "services/routing/assignment_messages.h"
#include "services/routing/domain/assignment_access.h"
#include "services/routing/domain/category_labels.h"
#include "services/routing/domain/request_checks.h"

namespace tousu::routing {

namespace cv1 = complaints::common::v1;
namespace sv1 = complaints::staff::v1;
namespace iv1 = complaints::intake::v1;
using server::RunUnary;

RoutingService::RoutingService(server::ServiceRuntime& rt, Classifier classifier,
                               client::StaffDirectory directory, const RoutingSettings& settings)
    : rt_(rt),
      classifier_(std::move(classifier)),
      directory_(std::move(directory)),
      rules_(settings.policy),
      routed_(rt.registry(), "tousu_routing_routed_total", "Complaints routed to a department.",
              {"category", "department"}),
      supervisor_(rt.registry(), "tousu_routing_sent_to_supervisor_total",
                  "Complaints sent to the supervisor queue, by reason.", {"reason"}),
      acknowledgements_(rt.registry(), "tousu_routing_acknowledgements_total",
                        "Acknowledgements, on time (within 1 hour) or late.", {"timeliness"}),
      escalations_(
          rt.registry(), "tousu_routing_escalations_total",
          "Acknowledgement deadlines missed and escalated to the supervisor (SLA breaches).", {}),
      queue_escalations_(rt.registry(), "tousu_routing_supervisor_queue_overdue_total",
                         "Complaints left in the supervisor queue past its deadline; the complaint "
                         "office manager was alerted (SLA breaches).",
                         {}),
      rejections_(rt.registry(), "tousu_routing_rejections_total",
                  "Assignments sent back as misrouted.", {"department"}),
      supervisor_queue_(rt.registry(), "tousu_routing_supervisor_queue_length",
                        "Complaints waiting for a supervisor.", {}) {
  confidence_ = &prometheus::BuildHistogram()
                     .Name("tousu_routing_classifier_confidence")
                     .Help("Confidence of the classifier's category for received complaints.")
                     .Register(rt.registry())
                     .Add({}, prometheus::Histogram::BucketBoundaries{0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
                                                                      0.9, 0.95, 0.99});
  escalations_.With({});
  queue_escalations_.With({});
  supervisor_queue_.With({}).Set(0);
  for (const char* t : {"on_time", "late"}) acknowledgements_.With({t});

  rt.AddService(this);
  rt.event_sink().On<iv1::ComplaintReceived>(
      [this](db::Transaction& tx, const iv1::ComplaintReceived& received,
             const cv1::Event& envelope) { return OnComplaintReceived(tx, received, envelope); });
  rt.ServeEventSink();
  rt.AddPeriodicTask("escalation", settings.escalation_interval,
                     [this] { return EscalateOverdue().status(); });
}

absl::Status RoutingService::OnComplaintReceived(db::Transaction& tx,
                                                 const iv1::ComplaintReceived& received,
                                                 const cv1::Event& envelope) {
  RETURN_IF_ERROR(validation::CheckComplaintNumber("number", received.number()));
  if (LoadAssignment(tx, received.number(), /*for_update=*/false).has_value()) {
    return absl::OkStatus();  // already routed (a second event id for the same complaint)
  }
  RoutingInput input{.staff_category = received.staff_category(),
                     .severity = received.severity(),
                     .project = received.project(),
                     .classification = std::nullopt};
  if (input.staff_category == cv1::CATEGORY_UNSPECIFIED) {
    input.classification = classifier_.Classify(received.description());
    confidence_->Observe(input.classification->confidence);
  }
  const Decision decision = rules_.Decide(input, LoadRules(tx));
  const absl::Time now = rt_.clock().Now();
  Assignment a;
  a.number = received.number();
  a.severity = received.severity();
  a.channel = received.channel();
  a.journey_stage = received.journey_stage();
  a.project = received.project();
  a.received_at = events::EventTime(received.received_at(), envelope, now);
  const Hop hop = rules_.Route(a, decision, now);
  if (!InsertAssignment(tx, a)) return absl::OkStatus();
  AddHop(tx, a.number, hop);
  AppendRoutingEvent(tx, a, now, envelope.request_id());
  if (decision.to_supervisor) {
    tx.OnCommit([this, reason = a.supervisor_reason] { supervisor_.With({reason}).Increment(); });
  } else {
    tx.OnCommit([this, c = std::string(CategoryLabel(a.category)), d = a.department_id] {
      routed_.With({c, d}).Increment();
    });
  }
  return absl::OkStatus();
}

void RoutingService::AppendRoutingEvent(db::Transaction& tx, const Assignment& a, absl::Time now,
                                        absl::string_view request_id) {
  if (a.state == rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR) {
    rt_.outbox().Append(tx, a.number, SentToSupervisorEvent(a, now), request_id);
  } else {
    rt_.outbox().Append(tx, a.number, RoutedEvent(a), request_id);
  }
}

absl::StatusOr<sv1::Staff> RoutingService::NamedStaff(grpc::CallbackServerContext* ctx,
                                                      std::string_view field,
                                                      const std::string& id) const {
  auto staff = directory_.GetStaff(id, ctx);
  if (staff.status().code() == absl::StatusCode::kNotFound) {
    return absl::FailedPreconditionError(std::string(field) + ": no such staff member");
  }
  return staff;
}

absl::Status RoutingService::CheckNamedDepartment(grpc::CallbackServerContext* ctx,
                                                  std::string_view field,
                                                  const std::string& id) const {
  auto department = directory_.GetDepartment(id, ctx);
  if (department.status().code() == absl::StatusCode::kNotFound) {
    return absl::FailedPreconditionError(std::string(field) + ": no such department");
  }
  if (!department.ok()) return department.status();
  return rules_.CheckDepartmentActive(*department);
}

grpc::ServerUnaryReactor* RoutingService::ClassifyComplaint(
    grpc::CallbackServerContext* ctx, const rv1::ClassifyComplaintRequest* req,
    rv1::ClassifyComplaintResponse* resp) {
  // Pure computation: answered on the callback thread, no database.
  return server::RunInline(ctx, [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckClassifyComplaint(*req));
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

grpc::ServerUnaryReactor* RoutingService::UpsertRoutingRule(
    grpc::CallbackServerContext* ctx, const rv1::UpsertRoutingRuleRequest* req,
    rv1::UpsertRoutingRuleResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckUpsertRoutingRule(*req));
    const auto& rule = req->rule();
    RETURN_IF_ERROR(CheckNamedDepartment(ctx, "rule.department_id", rule.department_id()));
    const absl::Time now = rt_.clock().Now();
    const Rule r{rule.category(), rule.project(), rule.department_id()};
    RETURN_IF_ERROR(db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      UpsertRule(tx, r, now);
      return absl::OkStatus();
    }));
    ToProto(r, now, resp->mutable_rule());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RoutingService::ListRoutingRules(grpc::CallbackServerContext* ctx,
                                                           const rv1::ListRoutingRulesRequest*,
                                                           rv1::ListRoutingRulesResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, resp]() -> absl::Status {
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      resp->Clear();  // a retried transaction starts over
      for (const auto& [rule, at] : ListRules(tx)) ToProto(rule, at, resp->add_rules());
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* RoutingService::GetAssignment(grpc::CallbackServerContext* ctx,
                                                        const rv1::GetAssignmentRequest* req,
                                                        rv1::GetAssignmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckGetAssignment(*req));
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();  // a retried transaction starts over
      auto a = LoadAssignment(tx, req->number(), /*for_update=*/false);
      if (!a) return absl::NotFoundError("no assignment for this complaint (yet)");
      RETURN_IF_ERROR(CheckAssignmentAccess("number", a->department_id));
      ToProto(*a, resp->mutable_assignment());
      for (const Hop& hop : LoadHops(tx, req->number())) {
        ToProto(hop, resp->mutable_assignment()->add_hops());
      }
      return absl::OkStatus();
    });
  });
}

absl::Status RoutingService::ListQueue(
    rv1::AssignmentState state, const std::string& department_id, const cv1::PageRequest& page,
    google::protobuf::RepeatedPtrField<rv1::Assignment>* assignments,
    cv1::PageResponse* next_page) {
  const int size = PageSize(page);
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    assignments->Clear();  // a retried transaction starts over
    next_page->Clear();
    // One more than the page holds tells whether there is a next page.
    auto rows = ListByState(tx, state, department_id, page.page_token(), size + 1);
    for (int i = 0; i < static_cast<int>(rows.size()) && i < size; ++i) {
      ToProto(rows[i], assignments->Add());
    }
    if (static_cast<int>(rows.size()) > size) next_page->set_next_page_token(rows[size - 1].number);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RoutingService::ListDepartmentQueue(
    grpc::CallbackServerContext* ctx, const rv1::ListDepartmentQueueRequest* req,
    rv1::ListDepartmentQueueResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    // Department-bound staff list their own queue; naming none means theirs.
    auto department = ScopeQueueDepartment("department_id", req->department_id());
    if (!department.ok()) {
      // A malformed filter is still INVALID_ARGUMENT first.
      RETURN_IF_ERROR(CheckListDepartmentQueue(*req));
      return department.status();
    }
    rv1::ListDepartmentQueueRequest scoped = *req;
    scoped.set_department_id(*department);
    RETURN_IF_ERROR(CheckListDepartmentQueue(scoped));
    return ListQueue(rv1::ASSIGNMENT_STATE_ROUTED, *department, req->page(),
                     resp->mutable_assignments(), resp->mutable_page());
  });
}

grpc::ServerUnaryReactor* RoutingService::ListSupervisorQueue(
    grpc::CallbackServerContext* ctx, const rv1::ListSupervisorQueueRequest* req,
    rv1::ListSupervisorQueueResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckListSupervisorQueue(*req));
    RETURN_IF_ERROR(CheckSupervisorQueueAccess());
    return ListQueue(rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR, "", req->page(),
                     resp->mutable_assignments(), resp->mutable_page());
  });
}

grpc::ServerUnaryReactor* RoutingService::AcknowledgeAssignment(
    grpc::CallbackServerContext* ctx, const rv1::AcknowledgeAssignmentRequest* req,
    rv1::AcknowledgeAssignmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckAcknowledgeAssignment(*req));
    // Acting for another department is refused before the directory is asked; the record's own
    // department is checked again under its lock below.
    RETURN_IF_ERROR(CheckAssignmentAccess("department_id", req->department_id()));
    // The directory is asked before the transaction opens: no locks held across a network call.
    auto owner = NamedStaff(ctx, "owner_staff_id", req->owner_staff_id());
    if (!owner.ok()) return owner.status();
    RETURN_IF_ERROR(rules_.CheckAcknowledger(*owner, req->department_id()));
    bool on_time = false;
    RETURN_IF_ERROR(db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();  // a retried transaction starts over
      auto a = LoadAssignment(tx, req->number(), /*for_update=*/true);
      if (!a) return absl::NotFoundError("no assignment for this complaint");
      RETURN_IF_ERROR(CheckAssignmentAccess("number", a->department_id));
      auto hop = rules_.Acknowledge(*a, *req, rt_.clock().Now());
      if (!hop.ok()) return hop.status();
      UpdateAssignment(tx, *a);
      AddHop(tx, a->number, *hop);
      rt_.outbox().Append(tx, a->number, AcknowledgedEvent(*a));
      ToProto(*a, resp->mutable_assignment());
      on_time = a->ack_on_time.value_or(false);
      return absl::OkStatus();
    }));
    acknowledgements_.With({on_time ? "on_time" : "late"}).Increment();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RoutingService::RejectAssignment(grpc::CallbackServerContext* ctx,
                                                           const rv1::RejectAssignmentRequest* req,
                                                           rv1::RejectAssignmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckRejectAssignment(*req));
    RETURN_IF_ERROR(CheckAssignmentAccess("department_id", req->department_id()));
    auto staff = NamedStaff(ctx, "staff_id", req->staff_id());
    if (!staff.ok()) return staff.status();
    RETURN_IF_ERROR(rules_.CheckRejecter(*staff, req->department_id()));
    if (!req->reroute_to_department_id().empty()) {
      RETURN_IF_ERROR(
          CheckNamedDepartment(ctx, "reroute_to_department_id", req->reroute_to_department_id()));
    }
    std::string supervisor_reason;
    RETURN_IF_ERROR(db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();  // a retried transaction starts over
      supervisor_reason.clear();
      auto a = LoadAssignment(tx, req->number(), /*for_update=*/true);
      if (!a) return absl::NotFoundError("no assignment for this complaint");
      RETURN_IF_ERROR(CheckAssignmentAccess("number", a->department_id));
      const absl::Time now = rt_.clock().Now();
      auto rejection = rules_.Reject(*a, *req, LoadRules(tx), LoadHops(tx, a->number), now);
      if (!rejection.ok()) return rejection.status();
      AddHop(tx, a->number, rejection->rejected);
      rt_.outbox().Append(tx, a->number, RejectedEvent(a->number, rejection->rejected));
      AddHop(tx, a->number, rejection->next);
      AppendRoutingEvent(tx, *a, now, "");
      UpdateAssignment(tx, *a);
      ToProto(*a, resp->mutable_assignment());
      if (a->state == rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR)
        supervisor_reason = a->supervisor_reason;
      return absl::OkStatus();
    }));
    rejections_.With({req->department_id()}).Increment();
    if (!supervisor_reason.empty()) supervisor_.With({supervisor_reason}).Increment();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RoutingService::AssignBySupervisor(
    grpc::CallbackServerContext* ctx, const rv1::AssignBySupervisorRequest* req,
    rv1::AssignBySupervisorResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, ctx, req, resp]() -> absl::Status {
    RETURN_IF_ERROR(CheckAssignBySupervisor(*req));
    auto supervisor = NamedStaff(ctx, "supervisor_staff_id", req->supervisor_staff_id());
    if (!supervisor.ok()) return supervisor.status();
    RETURN_IF_ERROR(rules_.CheckSupervisor(*supervisor));
    RETURN_IF_ERROR(CheckNamedDepartment(ctx, "lead_department_id", req->lead_department_id()));
    for (const auto& d : req->assisting_department_ids()) {
      RETURN_IF_ERROR(CheckNamedDepartment(ctx, "assisting_department_ids", d));
    }
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();  // a retried transaction starts over
      auto a = LoadAssignment(tx, req->number(), /*for_update=*/true);
      if (!a) return absl::NotFoundError("no assignment for this complaint");
      RETURN_IF_ERROR(CheckAssignmentAccess("number", a->department_id));
      auto hop = rules_.AssignBySupervisor(*a, *req, rt_.clock().Now());
      if (!hop.ok()) return hop.status();
      UpdateAssignment(tx, *a);
      AddHop(tx, a->number, *hop);
      rt_.outbox().Append(tx, a->number, AssignedBySupervisorEvent(*a, req->supervisor_staff_id()));
      ToProto(*a, resp->mutable_assignment());
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<int> RoutingService::EscalateOverdue() {
  int escalated = 0, queue_escalated = 0;
  int64_t queue = 0;
  auto s = db::RunInTransaction(rt_.pool(),
                                [&](db::Transaction& tx) -> absl::Status {
                                  escalated = 0;
                                  const absl::Time now = rt_.clock().Now();
                                  // Row locks with SKIP LOCKED: a replica running the same pass
                                  // takes other rows, and the state change below makes a second
                                  // pass find nothing: each deadline escalates once.
                                  for (const auto& number : ClaimOverdue(tx, now, 100)) {
                                    auto a = LoadAssignment(tx, number, /*for_update=*/true);
                                    if (!a || !rules_.IsOverdue(*a, now)) continue;
                                    const Hop hop = rules_.Escalate(*a, now);
                                    UpdateAssignment(tx, *a);
                                    AddHop(tx, number, hop);
                                    rt_.outbox().Append(tx, number, OverdueEvent(*a, now));
                                    ++escalated;
                                  }
                                  // The same for the supervisor queue's own deadline.
                                  queue_escalated = 0;
                                  for (const auto& number : ClaimQueueOverdue(tx, now, 100)) {
                                    auto a = LoadAssignment(tx, number, /*for_update=*/true);
                                    if (!a || !rules_.IsQueueOverdue(*a, now)) continue;
                                    const Hop hop = rules_.EscalateQueue(*a, now);
                                    UpdateAssignment(tx, *a);
                                    AddHop(tx, number, hop);
                                    rt_.outbox().Append(tx, number, QueueOverdueEvent(*a, now));
                                    ++queue_escalated;
                                  }
                                  queue = CountState(tx, rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
                                  return absl::OkStatus();
                                },
                                {.read_committed = true});
  if (!s.ok()) return s;
  if (escalated > 0) {
    escalations_.With({}).Increment(escalated);
    supervisor_.With({kAcknowledgementOverdue}).Increment(escalated);
  }
  if (queue_escalated > 0) queue_escalations_.With({}).Increment(queue_escalated);
  supervisor_queue_.With({}).Set(static_cast<double>(queue));
  return escalated + queue_escalated;
}

}  // namespace tousu::routing
