// Case handling's events (§6) on the customer's record: the case opened .. resolved, reopened for
// a new cycle. Most summaries name the department in charge, so they are finished by Settle.

#include "absl/strings/str_cat.h"
#include "services/intake/domain/progress_steps.h"

namespace tousu::intake {
namespace {

using Due = Progress::Due;
using Move = Progress::Move;

// "，将于 <time>前提出解决方案" when a deadline is known.
std::string SolutionClause(const google::protobuf::Timestamp& due, bool provisional) {
  const std::optional<absl::Time> at = UsableDeadline(due);
  if (!at) return "";
  return absl::StrCat("，将于 ", CustomerTime(*at), "前提出解决方案",
                      provisional ? kProvisionalNote : "");
}

std::string OrdinalCycle(int32_t cycle) { return absl::StrCat("（第", cycle, "轮处理）"); }

const char* ContactChannel(const std::string& channel) {
  if (channel == "phone") return "通过电话";
  if (channel == "sms") return "通过短信";
  if (channel == "app") return "通过App消息";
  if (channel == "email") return "通过电子邮件";
  if (channel == "visit") return "上门";
  return "";
}

const char* InvestigationStep(const std::string& kind) {
  if (kind == "site_visit") return "已安排人员到现场勘查";
  if (kind == "document_review") return "正在核查相关资料";
  if (kind == "interview") return "正在向相关人员了解情况";
  if (kind == "evidence") return "已收集相关证据材料";
  return "正在调查处理";
}

// CaseOpened and CaseReopened: a cycle starts at ACKNOWLEDGED with a fresh solution deadline; the
// previous cycle's solution, plan and result no longer stand.
void StartCycle(Progress& p, int32_t cycle, const std::string& department_id,
                const std::string& owner_staff_id) {
  p.cycle = cycle;
  p.status = iv1::COMPLAINT_STATUS_ACKNOWLEDGED;
  p.move = Move::kOpen;
  p.department_id = department_id;
  p.owner_staff_id = owner_staff_id;
  p.original_solution_due_change = Due::kClear;
  p.solution = "";
  p.solution_revision = 0;
  p.planned_completion_change = Due::kClear;
  p.resolution = "";
}

}  // namespace

absl::Status Step(const chv1::CaseOpened& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.department_id(), &m.owner_staff_id()});
      !s.ok()) {
    return s;
  }
  p.number = m.number();
  StartCycle(p, m.cycle(), m.department_id(), m.owner_staff_id());
  p.category = KnownCategory(m.category());
  SetDue(p.solution_due_change, p.solution_due, m.solution_due(), Due::kKeep);
  p.solution_due_provisional = m.solution_due_provisional();
  // A later cycle's opening was told with its reopening (department, round, deadline): the
  // customer reads it once.
  if (m.cycle() > 1) return absl::OkStatus();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.opened_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CASE_OPENED;
  e.actor_id = m.owner_staff_id();
  e.department_id = m.department_id();
  const std::string clause = SolutionClause(m.solution_due(), m.solution_due_provisional());
  const std::string round = m.cycle() > 1 ? OrdinalCycle(m.cycle()) : "";
  p.summary_for = [clause, round](const SummaryFacts& f) {
    return absl::StrCat(f.department, "已立案处理", round, clause);
  };
  return absl::OkStatus();
}

absl::Status Step(const chv1::InvestigationEntryAdded& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.author_staff_id()}); !s.ok()) return s;
  p.number = m.number();
  p.cycle = m.cycle();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_INVESTIGATION_ENTRY_ADDED;
  e.actor_id = m.author_staff_id();
  // What was found is internal: the customer learns what kind of step was taken.
  const std::string step = InvestigationStep(m.kind());
  p.summary_for = [step](const SummaryFacts& f) { return absl::StrCat(f.department, step); };
  return absl::OkStatus();
}

absl::Status Step(const chv1::InspectionReportAttached& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.inspector_staff_id()}); !s.ok()) return s;
  p.number = m.number();
  p.cycle = m.cycle();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_INSPECTION_REPORT_ATTACHED;
  e.actor_id = m.inspector_staff_id();
  // The report's findings are internal until the department proposes a solution.
  e.summary = "工程检测已完成，检测报告已存档，将作为制定解决方案的依据";
  return absl::OkStatus();
}

absl::Status Step(const chv1::CustomerContacted& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.staff_id()}); !s.ok()) return s;
  p.number = m.number();
  p.cycle = m.cycle();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CUSTOMER_CONTACTED;
  e.actor_id = m.staff_id();
  // The message is what the customer was told: meant to be shown.
  const std::string quote = Quote(m.summary(), &p.text_repaired);
  const std::string how = ContactChannel(m.channel());
  p.summary_for = [quote, how](const SummaryFacts& f) {
    return absl::StrCat(f.department, "已", how, "与您沟通处理进展", quote);
  };
  return absl::OkStatus();
}

absl::Status Step(const chv1::SolutionProposed& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.owner_staff_id()}); !s.ok()) return s;
  p.number = m.number();
  p.cycle = m.cycle();
  p.status = iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED;
  p.solution =
      CustomerText(m.solution(), kMaxRecordTextChars, /*one_line=*/false, &p.text_repaired);
  p.solution_revision = m.revision();
  SetDue(p.planned_completion_change, p.planned_completion, m.planned_completion(), Due::kClear);
  TimelineRecord& e = p.entry;
  e.at = at.When(m.proposed_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_SOLUTION_PROPOSED;
  e.actor_id = m.owner_staff_id();
  const std::string what = m.revision() > 1 ? "修订后的解决方案" : "解决方案";
  const std::string quote = Quote(m.solution(), &p.text_repaired);
  const std::string plan =
      p.planned_completion_change == Due::kSet
          ? absl::StrCat("（计划于 ", CustomerTime(p.planned_completion), "前完成）")
          : "";
  p.summary_for = [what, quote, plan](const SummaryFacts& f) {
    return absl::StrCat(f.department, "已提出", what, "，请确认", quote, plan);
  };
  return absl::OkStatus();
}

absl::Status Step(const chv1::SolutionDeadlineExtended& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.staff_id()}); !s.ok()) return s;
  p.number = m.number();
  p.cycle = m.cycle();
  SetDue(p.solution_due_change, p.solution_due, m.new_due(), Due::kKeep);
  p.solution_due_provisional = false;
  if (p.solution_due_change == Due::kSet) {
    SetDue(p.original_solution_due_change, p.original_solution_due, m.original_due(), Due::kKeep);
  }
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_EXTENDED;
  e.actor_id = m.staff_id();
  // The reason is the department's; the customer is told that and when.
  e.summary = p.solution_due_change == Due::kSet
                  ? absl::StrCat("因情况较为复杂，提出解决方案的期限已延长至 ",
                                 CustomerTime(p.solution_due))
                  : "因情况较为复杂，提出解决方案的期限已延长";
  return absl::OkStatus();
}

absl::Status Step(const chv1::SolutionDeadlineMissed& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.department_id(), &m.owner_staff_id()});
      !s.ok()) {
    return s;
  }
  p.number = m.number();
  p.cycle = m.cycle();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.detected_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_MISSED;
  e.department_id = m.department_id();
  p.summary_for = [](const SummaryFacts& f) {
    return absl::StrCat(f.department, "未能在期限内提出解决方案，已督促其尽快处理");
  };
  return absl::OkStatus();
}

absl::Status Step(const chv1::CustomerDecisionRecorded& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {}); !s.ok()) return s;
  p.number = m.number();
  p.cycle = m.cycle();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CUSTOMER_DECISION_RECORDED;
  if (m.accepted()) {
    p.status = iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION;
    p.summary_for = [](const SummaryFacts& f) {
      return absl::StrCat("您已接受解决方案，", f.department, "正在组织实施");
    };
    return absl::OkStatus();
  }
  // A revised solution is due: a new deadline, not an extension of the old one.
  p.status = iv1::COMPLAINT_STATUS_ACKNOWLEDGED;
  p.move = Move::kRevise;
  SetDue(p.solution_due_change, p.solution_due, m.revised_solution_due(), Due::kKeep);
  if (p.solution_due_change == Due::kSet) {
    p.solution_due_provisional = false;
    p.original_solution_due_change = Due::kClear;
  }
  const std::string clause =
      p.solution_due_change == Due::kSet
          ? absl::StrCat("将于 ", CustomerTime(p.solution_due), "前提出修订后的解决方案")
          : "将重新制定解决方案";
  p.summary_for = [clause](const SummaryFacts& f) {
    return absl::StrCat("您未接受解决方案，", f.department, clause);
  };
  return absl::OkStatus();
}

absl::Status Step(const chv1::ImplementationProgressRecorded& m, const StepContext& at,
                  Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.staff_id()}); !s.ok()) return s;
  p.number = m.number();
  p.cycle = m.cycle();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_IMPLEMENTATION_PROGRESS_RECORDED;
  e.actor_id = m.staff_id();
  // The note is the department's working record; a change of plan is explained to the
  // customer in person (§6.3), and the timeline says so.
  if (m.plan_changed()) {
    p.summary_for = [](const SummaryFacts& f) {
      return absl::StrCat("实施计划有调整，", f.department, "将向您说明调整内容");
    };
  } else {
    e.summary = "解决方案正在实施，已取得新进展";
  }
  return absl::OkStatus();
}

absl::Status Step(const chv1::CaseResolved& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.department_id(), &m.owner_staff_id()});
      !s.ok()) {
    return s;
  }
  p.number = m.number();
  p.cycle = m.cycle();
  p.status = iv1::COMPLAINT_STATUS_RESOLVED;
  p.category = KnownCategory(m.category());
  p.resolution =
      CustomerText(m.result(), kMaxRecordTextChars, /*one_line=*/false, &p.text_repaired);
  TimelineRecord& e = p.entry;
  e.at = at.When(m.resolved_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CASE_RESOLVED;
  e.actor_id = m.owner_staff_id();
  e.department_id = m.department_id();
  const std::string quote = Quote(m.result(), &p.text_repaired);
  p.summary_for = [quote](const SummaryFacts& f) {
    return quote.empty() ? absl::StrCat(f.department, "已处理完毕")
                         : absl::StrCat(f.department, "已处理完毕，处理结果", quote);
  };
  return absl::OkStatus();
}

absl::Status Step(const chv1::CaseReopened& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.department_id(), &m.owner_staff_id()});
      !s.ok()) {
    return s;
  }
  p.number = m.number();
  StartCycle(p, m.cycle(), m.department_id(), m.owner_staff_id());
  SetDue(p.solution_due_change, p.solution_due, m.solution_due(), Due::kKeep);
  p.solution_due_provisional = false;
  TimelineRecord& e = p.entry;
  e.at = at.When(m.reopened_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CASE_REOPENED;
  e.actor_id = m.owner_staff_id();
  e.department_id = m.department_id();
  const std::string clause = SolutionClause(m.solution_due(), false);
  const std::string round = OrdinalCycle(m.cycle());
  p.summary_for = [clause, round](const SummaryFacts& f) {
    return absl::StrCat("根据您的反馈，投诉已重新交由", f.department, "处理", round, clause);
  };
  return absl::OkStatus();
}

}  // namespace tousu::intake
