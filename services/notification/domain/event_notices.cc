#include "services/notification/domain/event_notices.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/events/event_type.h"
#include "common/time/proto_time.h"
#include "complaints/analytics/v1/events.pb.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/notification/domain/delivery_rules.h"

namespace tousu::notification {
namespace {

namespace av1 = complaints::analytics::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;

std::string When(const google::protobuf::Timestamp& t) {
  return FormatForPeople(time::FromProto(t));
}

NoticeRequest ToCustomer(std::string kind, const std::string& number, Variables vars = {}) {
  vars["number"] = number;
  return {std::move(kind), kCustomerRecipient, std::move(vars)};
}

NoticeRequest ToStaff(std::string kind, std::string recipient, const std::string& number,
                      Variables vars = {}) {
  vars["number"] = number;
  return {std::move(kind), std::move(recipient), std::move(vars)};
}

template <typename Message>
bool Unpack(const complaints::common::v1::Event& event, Message* out) {
  return event.event_type() == events::EventTypeOf<Message>() && event.payload().UnpackTo(out);
}

}  // namespace

const std::vector<std::string>& NotifyingEventTypes() {
  static const auto* const types = new std::vector<std::string>{
      events::EventTypeOf<iv1::ComplaintReceived>(),
      events::EventTypeOf<rv1::AcknowledgementOverdue>(),
      events::EventTypeOf<rv1::SupervisorQueueOverdue>(),
      events::EventTypeOf<chv1::CaseOpened>(),
      events::EventTypeOf<chv1::SolutionDeadlineExtended>(),
      events::EventTypeOf<chv1::SolutionProposed>(),
      events::EventTypeOf<chv1::SolutionDeadlineMissed>(),
      events::EventTypeOf<chv1::ImplementationProgressRecorded>(),
      events::EventTypeOf<chv1::CaseResolved>(),
      events::EventTypeOf<chv1::CaseReopened>(),
      events::EventTypeOf<fv1::ProgressUpdateRecorded>(),
      events::EventTypeOf<fv1::CallbackScheduled>(),
      events::EventTypeOf<fv1::CallbackOverdue>(),
      events::EventTypeOf<fv1::ComplaintClosed>(),
      events::EventTypeOf<av1::SpikeDetected>(),
  };
  return *types;
}

std::string QueueReasonText(const std::string& reason) {
  static const auto* const kTexts = new std::map<std::string, std::string>{
      {"several_departments", "涉及多个部门"},
      {"critical_severity", "情况危急"},
      {"low_confidence", "类别难以判定"},
      {"too_many_bounces", "多次被退回"},
      {"acknowledgement_overdue", "责任部门超时未受理"},
      {"no_routing_rule", "没有对应的分派规则"},
  };
  auto it = kTexts->find(reason);
  return it == kTexts->end() ? "需上级领导决定" : it->second;
}

std::vector<NoticeRequest> NoticesFor(const complaints::common::v1::Event& event) {
  if (iv1::ComplaintReceived m; Unpack(event, &m)) return {ToCustomer("received", m.number())};
  if (rv1::AcknowledgementOverdue m; Unpack(event, &m)) {
    return {ToStaff("ack_overdue", "supervisor:" + m.department_id(), m.number(),
                    {{"department_id", m.department_id()}, {"ack_due", When(m.ack_due())}})};
  }
  if (rv1::SupervisorQueueOverdue m; Unpack(event, &m)) {
    return {ToStaff("queue_overdue", kOfficeManagerRecipient, m.number(),
                    {{"queued_at", When(m.queued_at())},
                     {"queue_due", When(m.queue_due())},
                     {"queue_reason", QueueReasonText(m.reason())}})};
  }
  if (chv1::CaseOpened m; Unpack(event, &m)) {
    // The first cycle's opening is the acknowledgement the customer hears about; later cycles are
    // announced by CaseReopened.
    if (m.cycle() != 1) return {};
    return {ToCustomer(
        "acknowledged", m.number(),
        {{"department_id", m.department_id()}, {"solution_due", When(m.solution_due())}})};
  }
  if (chv1::SolutionDeadlineExtended m; Unpack(event, &m)) {
    return {ToCustomer("deadline_extended", m.number(),
                       {{"reason", m.reason()},
                        {"new_due", When(m.new_due())},
                        {"original_due", When(m.original_due())}})};
  }
  if (chv1::SolutionProposed m; Unpack(event, &m)) {
    Variables vars = {{"solution", m.solution()}};
    if (m.has_planned_completion()) vars["planned_completion"] = When(m.planned_completion());
    return {ToCustomer("solution_proposed", m.number(), std::move(vars))};
  }
  if (chv1::SolutionDeadlineMissed m; Unpack(event, &m)) {
    Variables vars = {{"department_id", m.department_id()}, {"due", When(m.due())}};
    std::vector<NoticeRequest> out;
    if (!m.owner_staff_id().empty()) {
      out.push_back(ToStaff("solution_missed", "staff:" + m.owner_staff_id(), m.number(), vars));
    }
    out.push_back(ToStaff("solution_missed", "supervisor:" + m.department_id(), m.number(), vars));
    return out;
  }
  if (chv1::ImplementationProgressRecorded m; Unpack(event, &m)) {
    if (!m.plan_changed()) return {};  // routine progress reaches the customer through the tracker
    // What the customer was told, never the department's internal note.
    return {ToCustomer("plan_changed", m.number(), {{"note", m.customer_explanation()}})};
  }
  if (chv1::CaseResolved m; Unpack(event, &m)) {
    return {ToCustomer("resolved", m.number(), {{"result", m.result()}})};
  }
  if (chv1::CaseReopened m; Unpack(event, &m)) {
    return {ToCustomer("reopened", m.number(), {{"solution_due", When(m.solution_due())}})};
  }
  if (fv1::ProgressUpdateRecorded m; Unpack(event, &m)) return {ToCustomer("progress", m.number())};
  if (fv1::CallbackScheduled m; Unpack(event, &m)) {
    return {ToCustomer("callback", m.number(), {{"callback_due", When(m.due())}})};
  }
  if (fv1::CallbackOverdue m; Unpack(event, &m)) {
    return {ToStaff("callback_overdue", "lead_of:" + m.callback_agent_staff_id(), m.number(),
                    {{"agent_id", m.callback_agent_staff_id()}, {"due", When(m.due())}})};
  }
  if (fv1::ComplaintClosed m; Unpack(event, &m)) return {ToCustomer("closed", m.number())};
  if (av1::SpikeDetected m; Unpack(event, &m)) {
    const auto& a = m.alert();
    const std::string subject =
        a.project().empty() ? absl::StrCat("类别「", a.category(), "」")
                            : absl::StrCat("项目「", a.project(), "」的「", a.category(), "」");
    return {ToStaff(
        "spike", kManagementRecipient, "",
        {{"spike_title", absl::StrFormat("%d年%d月 %s投诉明显上升", a.year(), a.month(), subject)},
         {"spike_description",
          absl::StrFormat("%s本月已有 %d 件投诉，此前月均 %.1f 件（警戒线 %.1f 件）。", subject,
                          a.count(), a.trailing_mean(), a.threshold())}})};
  }
  return {};
}

}  // namespace tousu::notification
