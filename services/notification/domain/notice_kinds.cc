#include "services/notification/domain/notice_kinds.h"

namespace tousu::notification {

const std::vector<NoticeKind>& NoticeKinds() {
  // Variables every customer notice is offered: the number, the customer's own name (they are the
  // recipient) and the links into the app.
  auto customer = [](std::string name, std::vector<std::string> extra) {
    std::vector<std::string> vars = {"number", "customer_name", "app_link"};
    vars.insert(vars.end(), extra.begin(), extra.end());
    return NoticeKind{std::move(name), Audience::kCustomer, std::move(vars)};
  };
  // Staff alerts name the person alerted; never the customer.
  auto staff = [](std::string name, std::vector<std::string> extra) {
    std::vector<std::string> vars = {"number", "staff_name"};
    vars.insert(vars.end(), extra.begin(), extra.end());
    return NoticeKind{std::move(name), Audience::kStaff, std::move(vars)};
  };
  static const auto* const kinds = new std::vector<NoticeKind>{
      customer("received", {}),
      customer("acknowledged", {"department_name", "solution_due"}),
      customer("deadline_extended", {"reason", "new_due", "original_due"}),
      customer("solution_proposed", {"solution", "decision_link", "planned_completion"}),
      customer("plan_changed", {"note"}),
      customer("progress", {}),
      customer("resolved", {"result"}),
      customer("callback", {"callback_due", "questionnaire_link"}),
      customer("reopened", {"solution_due"}),
      customer("closed", {}),
      staff("ack_overdue", {"department_name", "ack_due"}),
      staff("queue_overdue", {"queued_at", "queue_due", "queue_reason"}),
      staff("solution_missed", {"department_name", "due"}),
      staff("callback_overdue", {"agent_name", "due"}),
      staff("spike", {"spike_title", "spike_description"}),
  };
  return *kinds;
}

const NoticeKind* FindNoticeKind(std::string_view name) {
  for (const auto& kind : NoticeKinds()) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

}  // namespace tousu::notification
