#include "services/analytics/domain/fact_projection.h"

#include <algorithm>
#include <optional>
#include <string>

#include "common/validation/text.h"
#include "services/analytics/domain/request_checks.h"

namespace tousu::analytics {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;

namespace {

void Earliest(std::optional<absl::Time>& slot, absl::Time t) {
  if (!slot || t < *slot) slot = t;
}
void Latest(std::optional<absl::Time>& slot, absl::Time t) {
  if (!slot || t > *slot) slot = t;
}
void SetCategory(Fact& f, int category) {
  if (category != 0 && cv1::Category_IsValid(category)) f.category = category;
}
void SetSeverity(Fact& f, int severity) {
  if (severity != 0 && cv1::Severity_IsValid(severity)) f.severity = severity;
}
void SetDepartment(Fact& f, const std::string& department) {
  if (!department.empty() && department.size() <= kMaxDepartmentBytes) f.department_id = department;
}
void SetSatisfaction(Fact& f, int cycle, int score) {
  if (cycle >= 1 && score >= 1 && score <= 5) f.satisfaction[cycle] = score;
}

}  // namespace

void Project(const iv1::ComplaintReceived& m, const EventTimes& at, Fact& f) {
  f.received_at = at(m.received_at());
  f.month = MonthOf(*f.received_at);
  if (cv1::Channel_IsValid(m.channel())) f.channel = m.channel();
  if (cv1::JourneyStage_IsValid(m.journey_stage())) f.stage = m.journey_stage();
  SetSeverity(f, m.severity());
  if (m.project().size() <= kMaxProjectBytes && validation::Utf8Length(m.project()))
    f.project = m.project();
  if (f.category == 0) SetCategory(f, m.staff_category());
}

void Project(const rv1::ComplaintRouted& m, const EventTimes& at, Fact& f) {
  SetCategory(f, m.category());
  SetDepartment(f, m.department_id());
  Earliest(f.routed_at, at(m.routed_at()));
}

void Project(const rv1::ComplaintSentToSupervisor& m, const EventTimes& at, Fact& f) {
  SetCategory(f, m.category());
  Earliest(f.routed_at, at(m.at()));
}

void Project(const rv1::ComplaintAssignedBySupervisor& m, const EventTimes& at, Fact& f) {
  SetDepartment(f, m.lead_department_id());
  Earliest(f.routed_at, at(m.at()));
}

void Project(const rv1::ComplaintAcknowledged& m, const EventTimes& at, Fact& f) {
  SetCategory(f, m.category());
  SetDepartment(f, m.department_id());
  SetSeverity(f, m.severity());
  Earliest(f.acknowledged_at, at(m.acknowledged_at()));
  f.ack_sla = CombineSla(f.ack_sla, m.on_time());
}

void Project(const rv1::AcknowledgementOverdue&, const EventTimes&, Fact& f) {
  f.ack_sla = CombineSla(f.ack_sla, false);
}

void Project(const rv1::SupervisorQueueOverdue&, const EventTimes&, Fact& f) {
  f.ack_sla = CombineSla(f.ack_sla, false);
}

void Project(const chv1::CaseOpened& m, const EventTimes&, Fact& f) {
  SetCategory(f, m.category());
  SetDepartment(f, m.department_id());
}

void Project(const chv1::SolutionProposed& m, const EventTimes& at, Fact& f) {
  Earliest(f.first_solution_at, at(m.proposed_at()));
  f.solution_sla = CombineSla(f.solution_sla, m.on_time());
}

void Project(const chv1::SolutionDeadlineMissed&, const EventTimes&, Fact& f) {
  f.solution_sla = CombineSla(f.solution_sla, false);
}

void Project(const chv1::CaseResolved& m, const EventTimes& at, Fact& f) {
  SetCategory(f, m.category());
  SetDepartment(f, m.department_id());
  Latest(f.resolved_at, at(m.resolved_at()));
}

void Project(const chv1::CaseReopened& m, const EventTimes&, Fact& f) {
  SetDepartment(f, m.department_id());
  f.reopen_count = std::max(f.reopen_count, m.cycle() - 1);
}

void Project(const fv1::CallbackRecorded& m, const EventTimes& at, Fact& f) {
  Latest(f.callback_at, at(m.at()));
  f.callback_sla = CombineSla(f.callback_sla, m.on_time());
  SetSatisfaction(f, m.cycle(), m.satisfaction());
}

void Project(const fv1::CallbackOverdue&, const EventTimes&, Fact& f) {
  f.callback_sla = CombineSla(f.callback_sla, false);
}

void Project(const fv1::CustomerUnsatisfied& m, const EventTimes&, Fact& f) {
  SetSatisfaction(f, m.cycle(), m.satisfaction());
}

void Project(const fv1::ComplaintClosed& m, const EventTimes& at, Fact& f) {
  Latest(f.closed_at, at(m.closed_at()));
  SetSatisfaction(f, m.cycle(), m.satisfaction());
}

}  // namespace tousu::analytics
