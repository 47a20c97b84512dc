#include "services/routing/domain/routing_rules.h"

#include <algorithm>

#include "services/routing/domain/category_labels.h"

namespace tousu::routing {

namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
namespace sv1 = complaints::staff::v1;

namespace {

absl::Status CheckRoutedTo(const Assignment& a, const std::string& department_id) {
  if (a.department_id != department_id) {
    return absl::FailedPreconditionError(
        "department_id: the complaint is routed to another department");
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<std::string> DepartmentFor(Category category, const std::string& project,
                                         const std::vector<Rule>& rules,
                                         const std::set<std::string>& exclude) {
  const Rule* general = nullptr;
  for (const auto& r : rules) {
    if (r.category != category || exclude.contains(r.department_id)) continue;
    if (!project.empty() && r.project == project) return r.department_id;
    if (r.project.empty()) general = &r;
  }
  if (general != nullptr) return general->department_id;
  return std::nullopt;
}

std::set<std::string> TriedDepartments(const std::vector<Hop>& hops) {
  std::set<std::string> out;
  for (const auto& h : hops) {
    if ((h.action == kHopRouted || h.action == kHopAssignedBySupervisor) &&
        !h.department_id.empty()) {
      out.insert(h.department_id);
    }
  }
  return out;
}

Decision RoutingRules::Decide(const RoutingInput& input, const std::vector<Rule>& rules) const {
  Decision d;
  if (input.staff_category != cv1::CATEGORY_UNSPECIFIED) {
    d.category = input.staff_category;
    d.category_source = "staff";
    d.confidence = 1.0;
    d.ranking.push_back(d.category);
  } else if (input.classification.has_value()) {
    const auto& c = *input.classification;
    d.category = c.category;
    d.category_source = "classifier";
    d.confidence = c.confidence;
    d.ranking.push_back(c.category);
    for (const auto& other : c.others) d.ranking.push_back(other.category);
  }
  // Every category appears in the ranking, so a rejection can always try the rest.
  for (Category cat : AllCategories()) {
    if (std::find(d.ranking.begin(), d.ranking.end(), cat) == d.ranking.end()) {
      d.ranking.push_back(cat);
    }
  }

  auto to_supervisor = [&](const char* reason) {
    d.to_supervisor = true;
    d.supervisor_reason = reason;
    return d;
  };
  if (d.category == cv1::CATEGORY_UNSPECIFIED) return to_supervisor("low_confidence");
  if (input.severity == cv1::SEVERITY_CRITICAL) return to_supervisor("critical_severity");
  auto department = DepartmentFor(d.category, input.project, rules);
  if (d.category_source == "classifier") {
    if (d.confidence < policy_.low_confidence) return to_supervisor("low_confidence");
    // Other categories detected that belong to another department: several departments.
    for (const auto& other : input.classification->others) {
      auto other_department = DepartmentFor(other.category, input.project, rules);
      if (other_department.has_value() && other_department != department) {
        return to_supervisor("several_departments");
      }
    }
  }
  if (!department.has_value()) return to_supervisor("no_routing_rule");
  d.department_id = *department;
  return d;
}

Reroute RoutingRules::AfterRejection(int bounces_so_far, const std::string& named_department,
                                     Category current, const std::vector<Category>& ranking,
                                     const std::string& project, const std::vector<Rule>& rules,
                                     const std::set<std::string>& tried) const {
  Reroute r;
  if (bounces_so_far >= policy_.max_bounces) {
    r.to_supervisor = true;
    r.reason = "too_many_bounces";
    return r;
  }
  if (!named_department.empty()) {
    r.department_id = named_department;
    r.category = current;
    return r;
  }
  for (Category c : ranking) {
    auto dep = DepartmentFor(c, project, rules, tried);
    if (dep.has_value()) {
      r.department_id = *dep;
      r.category = c;
      return r;
    }
  }
  r.to_supervisor = true;
  r.reason = "no_routing_rule";
  return r;
}

bool RoutingRules::IsOverdue(const Assignment& a, absl::Time now) const {
  return a.state == rv1::ASSIGNMENT_STATE_ROUTED && !a.escalated && a.ack_due.has_value() &&
         *a.ack_due <= now;
}

bool RoutingRules::IsQueueOverdue(const Assignment& a, absl::Time now) const {
  return a.state == rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR && !a.queue_escalated &&
         a.queue_due.has_value() && *a.queue_due <= now;
}

void RoutingRules::EnterQueue(Assignment& a, absl::Time now) const {
  a.state = rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR;
  a.queued_at = now;
  a.queue_due = QueueDue(now);
  a.queue_escalated = false;
}

void RoutingRules::LeaveQueue(Assignment& a) {
  a.queued_at.reset();
  a.queue_due.reset();
  a.queue_escalated = false;
}

absl::Status RoutingRules::CheckAcknowledger(const sv1::Staff& owner,
                                             const std::string& department_id) const {
  if (!owner.active()) return absl::FailedPreconditionError("owner_staff_id: not active staff");
  if (owner.department_id() != department_id) {
    return absl::FailedPreconditionError("owner_staff_id: not staff of this department");
  }
  return absl::OkStatus();
}

absl::Status RoutingRules::CheckRejecter(const sv1::Staff& staff,
                                         const std::string& department_id) const {
  if (!staff.active() || staff.department_id() != department_id) {
    return absl::FailedPreconditionError("staff_id: not active staff of this department");
  }
  return absl::OkStatus();
}

absl::Status RoutingRules::CheckSupervisor(const sv1::Staff& supervisor) const {
  if (!supervisor.active() || supervisor.role() != sv1::STAFF_ROLE_SUPERVISOR) {
    return absl::PermissionDeniedError("supervisor_staff_id: not an active supervisor");
  }
  return absl::OkStatus();
}

absl::Status RoutingRules::CheckDepartmentActive(const sv1::Department& department) const {
  if (!department.active()) return absl::FailedPreconditionError("department is not active");
  return absl::OkStatus();
}

Hop RoutingRules::Route(Assignment& a, const Decision& d, absl::Time now) const {
  a.category = d.category;
  a.category_source = d.category_source;
  a.confidence = d.confidence;
  a.ranking = d.ranking;
  a.updated_at = now;
  a.hop = 1;
  if (d.to_supervisor) {
    EnterQueue(a, now);
    a.supervisor_reason = d.supervisor_reason;
    return {.hop = a.hop,
            .action = kHopSentToSupervisor,
            .department_id = "",
            .staff_id = "",
            .reason = d.supervisor_reason,
            .at = now};
  }
  a.state = rv1::ASSIGNMENT_STATE_ROUTED;
  a.department_id = d.department_id;
  a.routed_at = now;
  a.ack_due = AckDue(std::min(a.received_at, now));
  return {.hop = a.hop,
          .action = kHopRouted,
          .department_id = a.department_id,
          .staff_id = "",
          .reason = "rule:" + std::string(CategoryLabel(d.category)),
          .at = now};
}

absl::StatusOr<Hop> RoutingRules::Acknowledge(Assignment& a,
                                              const rv1::AcknowledgeAssignmentRequest& request,
                                              absl::Time now) const {
  const bool awaiting =
      a.state == rv1::ASSIGNMENT_STATE_ROUTED ||
      (a.state == rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR && a.escalated && !a.department_id.empty());
  if (!awaiting) {
    return absl::FailedPreconditionError("the complaint is not waiting for an acknowledgement");
  }
  if (auto s = CheckRoutedTo(a, request.department_id()); !s.ok()) return s;
  const bool on_time = AckOnTime(now, *a.ack_due);
  LeaveQueue(a);
  a.state = rv1::ASSIGNMENT_STATE_ACKNOWLEDGED;
  a.owner_staff_id = request.owner_staff_id();
  a.acknowledged_at = now;
  a.ack_on_time = on_time;
  a.updated_at = now;
  return Hop{.hop = a.hop,
             .action = kHopAcknowledged,
             .department_id = a.department_id,
             .staff_id = a.owner_staff_id,
             .reason = on_time ? "on_time" : "late",
             .at = now};
}

absl::StatusOr<Rejection> RoutingRules::Reject(Assignment& a,
                                               const rv1::RejectAssignmentRequest& request,
                                               const std::vector<Rule>& rules,
                                               const std::vector<Hop>& hops, absl::Time now) const {
  if (a.state != rv1::ASSIGNMENT_STATE_ROUTED) {
    return absl::FailedPreconditionError(
        "only a routed, unacknowledged complaint can be sent back");
  }
  if (auto s = CheckRoutedTo(a, request.department_id()); !s.ok()) return s;
  Rejection out;
  out.rejected = {.hop = a.hop,
                  .action = kHopRejected,
                  .department_id = a.department_id,
                  .staff_id = request.staff_id(),
                  .reason = request.reason(),
                  .at = now};
  const Reroute next = AfterRejection(a.bounces, request.reroute_to_department_id(), a.category,
                                      a.ranking, a.project, rules, TriedDepartments(hops));
  a.bounces += 1;
  a.hop += 1;
  a.updated_at = now;
  if (next.to_supervisor) {
    EnterQueue(a, now);
    a.supervisor_reason = next.reason;
    a.department_id.clear();
    a.routed_at.reset();
    a.ack_due.reset();
    out.next = {.hop = a.hop,
                .action = kHopSentToSupervisor,
                .department_id = "",
                .staff_id = "",
                .reason = next.reason,
                .at = now};
    return out;
  }
  a.department_id = next.department_id;
  a.category = next.category;
  a.routed_at = now;
  a.ack_due = AckDue(now);
  a.escalated = false;
  out.next = {
      .hop = a.hop,
      .action = kHopRouted,
      .department_id = a.department_id,
      .staff_id = "",
      .reason = request.reroute_to_department_id().empty() ? "next_rule" : "named_by_coordinator",
      .at = now};
  return out;
}

absl::StatusOr<Hop> RoutingRules::AssignBySupervisor(Assignment& a,
                                                     const rv1::AssignBySupervisorRequest& request,
                                                     absl::Time now) const {
  if (a.state != rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR) {
    return absl::FailedPreconditionError("the complaint is not in the supervisor queue");
  }
  // Distinct and in order, whatever order the supervisor listed them in.
  const std::set<std::string> assisting(request.assisting_department_ids().begin(),
                                        request.assisting_department_ids().end());
  LeaveQueue(a);
  a.state = rv1::ASSIGNMENT_STATE_ROUTED;
  a.department_id = request.lead_department_id();
  a.assisting_department_ids.assign(assisting.begin(), assisting.end());
  a.complex = request.complex();
  a.routed_at = now;
  a.ack_due = AckDue(now);
  a.escalated = false;
  a.hop += 1;
  a.updated_at = now;
  return Hop{.hop = a.hop,
             .action = kHopAssignedBySupervisor,
             .department_id = a.department_id,
             .staff_id = request.supervisor_staff_id(),
             .reason = "",
             .at = now};
}

Hop RoutingRules::Escalate(Assignment& a, absl::Time now) const {
  EnterQueue(a, now);
  a.escalated = true;
  a.supervisor_reason = kAcknowledgementOverdue;
  a.updated_at = now;
  return {.hop = a.hop,
          .action = kHopEscalated,
          .department_id = a.department_id,
          .staff_id = "",
          .reason = kAcknowledgementOverdue,
          .at = now};
}

Hop RoutingRules::EscalateQueue(Assignment& a, absl::Time now) const {
  a.queue_escalated = true;
  a.updated_at = now;
  return {.hop = a.hop,
          .action = kHopSupervisorQueueOverdue,
          .department_id = a.department_id,
          .staff_id = "",
          .reason = a.supervisor_reason,
          .at = now};
}

}  // namespace tousu::routing
