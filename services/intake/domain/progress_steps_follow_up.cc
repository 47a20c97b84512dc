// Follow-up's events (§7) on the customer's record: the tracker and their progress updates, the
// callback after resolution, and the close when the customer is satisfied.

#include "absl/strings/str_cat.h"
#include "services/intake/domain/progress_steps.h"

namespace tousu::intake {
namespace {

using Due = Progress::Due;

// The callback's satisfaction scale (followup.v1 CallbackRecorded.satisfaction).
constexpr int32_t kMinSatisfaction = 1;
constexpr int32_t kMaxSatisfaction = 5;

bool IsScore(int32_t satisfaction) {
  return satisfaction >= kMinSatisfaction && satisfaction <= kMaxSatisfaction;
}

const char* CallbackMethod(const std::string& method) {
  if (method == "phone") return "电话回访";
  if (method == "visit") return "上门回访";
  if (method == "questionnaire") return "问卷回访";
  return "回访";
}

}  // namespace

absl::Status Step(const fv1::TrackerAssigned& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {&m.tracker_staff_id()}); !s.ok()) return s;
  p.number = m.number();
  p.tracker_staff_id = m.tracker_staff_id();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_TRACKER_ASSIGNED;
  e.actor_id = m.tracker_staff_id();
  e.summary = m.how() == "reassigned" ? "跟进人员已更换，将继续跟进您的投诉直至办结"
                                      : "已安排专人跟进您的投诉，并定期向您通报进展";
  return absl::OkStatus();
}

absl::Status Step(const fv1::ProgressUpdateRecorded& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {&m.tracker_staff_id()}); !s.ok()) return s;
  p.number = m.number();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_RECORDED;
  e.actor_id = m.tracker_staff_id();
  e.summary = "跟进人员已向您通报处理进展";
  return absl::OkStatus();
}

absl::Status Step(const fv1::ProgressUpdateOverdue& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {&m.tracker_staff_id()}); !s.ok()) return s;
  p.number = m.number();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.detected_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_OVERDUE;
  e.summary = "处理进展未按时向您通报，已督促跟进人员尽快与您联系";
  return absl::OkStatus();
}

absl::Status Step(const fv1::CallbackScheduled& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.callback_agent_staff_id()}); !s.ok()) {
    return s;
  }
  p.number = m.number();
  p.cycle = m.cycle();
  SetDue(p.callback_due_change, p.callback_due, m.due(), Due::kKeep);
  p.callback_due_provisional = m.due_provisional();
  // A callback scheduled is not something anyone did yet: no actor. The event has no time of
  // its own; the envelope's is when it was scheduled.
  TimelineRecord& e = p.entry;
  e.at = at.When();
  e.type = iv1::TIMELINE_EVENT_TYPE_CALLBACK_SCHEDULED;
  e.summary =
      p.callback_due_change == Due::kSet
          ? absl::StrCat("我们将于 ", CustomerTime(p.callback_due), "前就处理结果对您进行回访",
                         m.due_provisional() ? kProvisionalNote : "")
          : "我们将就处理结果对您进行回访";
  return absl::OkStatus();
}

absl::Status Step(const fv1::CallbackOverdue& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.callback_agent_staff_id()}); !s.ok()) {
    return s;
  }
  p.number = m.number();
  p.cycle = m.cycle();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.detected_at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CALLBACK_OVERDUE;
  e.summary = "回访未能按时进行，已督促尽快与您联系";
  return absl::OkStatus();
}

absl::Status Step(const fv1::CallbackRecorded& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {&m.callback_agent_staff_id()}); !s.ok()) {
    return s;
  }
  p.number = m.number();
  p.cycle = m.cycle();
  p.callback_due_change = Due::kClear;
  const bool scored = IsScore(m.satisfaction());
  if (scored) p.satisfaction = m.satisfaction();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CALLBACK_RECORDED;
  e.actor_id = m.callback_agent_staff_id();
  // The customer's comments and suggestions are theirs and were made to the company: the
  // timeline records the score only.
  e.summary = absl::StrCat("已完成", CallbackMethod(m.method()),
                           scored ? absl::StrCat("，您的满意度评分：", m.satisfaction(), "分（满分",
                                                 kMaxSatisfaction, "分）")
                                  : "");
  return absl::OkStatus();
}

absl::Status Step(const fv1::CustomerUnsatisfied& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {}); !s.ok()) return s;
  p.number = m.number();
  p.cycle = m.cycle();
  // Stays RESOLVED until case handling takes the case back (CaseReopened).
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CUSTOMER_UNSATISFIED;
  p.summary_for = [](const SummaryFacts& f) {
    return absl::StrCat("您对处理结果不满意，投诉将退回", f.department, "重新处理");
  };
  return absl::OkStatus();
}

absl::Status Step(const fv1::ComplaintClosed& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckCycle(m.number(), m.cycle(), {}); !s.ok()) return s;
  p.number = m.number();
  p.cycle = m.cycle();
  p.status = iv1::COMPLAINT_STATUS_CLOSED;
  if (IsScore(m.satisfaction())) p.satisfaction = m.satisfaction();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.closed_at());
  p.closed_at = e.at;
  p.callback_due_change = Due::kClear;
  e.type = iv1::TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED;
  e.summary = "您对处理结果表示满意，投诉已办结。感谢您的反馈";
  return absl::OkStatus();
}

}  // namespace tousu::intake
