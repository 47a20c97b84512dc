#include "services/intake/domain/progress.h"

#include <algorithm>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/validation/text.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/intake/domain/complaint_number.h"
#include "services/intake/domain/timestamps.h"

namespace tousu::intake {
namespace {

namespace rv1 = ::complaints::routing::v1;
namespace chv1 = ::complaints::casehandling::v1;
namespace fv1 = ::complaints::followup::v1;
using Source = Progress::Source;
using Move = Progress::Move;
using Due = Progress::Due;

absl::Status Malformed(const std::string& event_type, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(event_type, ": ", what));
}

// Ids that other services issue: printable ASCII without spaces, at most 64 bytes (the columns
// hold that much). Empty is allowed where the field is optional.
bool IsPlainId(const std::string& id) {
  if (id.size() > 64) return false;
  for (char c : id) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

const char* ChannelName(cv1::Channel channel) {
  switch (channel) {
    case cv1::CHANNEL_HOTLINE:
      return "客服热线";
    case cv1::CHANNEL_WEB:
      return "官网";
    case cv1::CHANNEL_APP:
      return "官方App";
    case cv1::CHANNEL_WALK_IN:
      return "现场接待";
    case cv1::CHANNEL_EMAIL:
      return "电子邮件";
    default:
      return "";
  }
}

// A time from an event that a DATETIME column can hold.
bool Usable(bool present, const google::protobuf::Timestamp& ts) {
  return present && IsValidTimestamp(ts) && IsStorable(FromProto(ts));
}

// The event's own time if set, else the envelope's, else `now`.
absl::Time When(bool has_own, const google::protobuf::Timestamp& own, const cv1::Event& event,
                absl::Time now) {
  if (Usable(has_own, own)) return FromProto(own);
  if (Usable(event.has_occurred_at(), event.occurred_at())) return FromProto(event.occurred_at());
  return now;
}

// "，须于 <time>（北京时间）前确认受理" when a deadline is known.
std::string AckClause(bool has_due, const google::protobuf::Timestamp& due) {
  if (!Usable(has_due, due)) return "";
  return absl::StrCat("，须于 ", CustomerTime(FromProto(due)), "前确认受理");
}

// Sets `change`/`at` from an event's deadline: kSet when usable, else `otherwise`.
void SetTime(Due& change, absl::Time& at, bool has, const google::protobuf::Timestamp& ts,
             Due otherwise) {
  if (Usable(has, ts)) {
    change = Due::kSet;
    at = FromProto(ts);
  } else {
    change = otherwise;
  }
}

const char* kProvisionalNote = "（该日期按周末推算，待节假日安排公布后可能调整）";

// "，将于 <time>前提出解决方案" when a deadline is known.
std::string SolutionClause(bool has_due, const google::protobuf::Timestamp& due, bool provisional) {
  if (!Usable(has_due, due)) return "";
  return absl::StrCat("，将于 ", CustomerTime(FromProto(due)), "前提出解决方案",
                      provisional ? kProvisionalNote : "");
}

cv1::Category KnownCategory(cv1::Category c) {
  return cv1::Category_IsValid(c) ? c : cv1::CATEGORY_UNSPECIFIED;
}

template <typename Message>
absl::Status Unpack(const cv1::Event& event, Message* message) {
  if (!event.payload().Is<Message>() || !event.payload().UnpackTo(message)) {
    return Malformed(event.event_type(),
                     absl::StrCat("payload is not a ", Message::descriptor()->full_name()));
  }
  return absl::OkStatus();
}

absl::Status CheckIds(const cv1::Event& event, const std::string& number,
                      std::initializer_list<const std::string*> ids) {
  if (auto s = CheckNumber("number", number); !s.ok()) {
    return Malformed(event.event_type(), std::string(s.message()));
  }
  for (const std::string* id : ids) {
    if (!IsPlainId(*id)) return Malformed(event.event_type(), "malformed department or staff id");
  }
  return absl::OkStatus();
}

// Number, ids and a cycle of 1 or more: what every case-handling event and follow-up's
// cycle-bearing events carry.
absl::Status CheckCycle(const cv1::Event& event, const std::string& number, int32_t cycle,
                        std::initializer_list<const std::string*> ids) {
  if (auto s = CheckIds(event, number, ids); !s.ok()) return s;
  if (cycle < 1) return Malformed(event.event_type(), absl::StrCat("cycle ", cycle, " is not 1.."));
  return absl::OkStatus();
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Text a department wrote for the customer, made safe to store and show: valid UTF-8 (invalid
// bytes become U+FFFD), no control characters (line breaks and tabs kept, or made spaces when
// `one_line`), at most `max_chars` characters (the last one "…" when shortened). Sets `*repaired`
// when anything had to change.
std::string CustomerText(const std::string& bytes, size_t max_chars, bool one_line,
                         bool* repaired) {
  std::string out;
  out.reserve(std::min(bytes.size(), max_chars * 4));
  std::string_view rest(bytes);
  size_t chars = 0;
  while (!rest.empty()) {
    const validation::Utf8Step step = validation::DecodeUtf8(rest);
    std::string_view piece = rest.substr(0, step.length);
    rest.remove_prefix(step.length);
    if (!step.valid) {
      *repaired = true;
      piece = "\xEF\xBF\xBD";  // U+FFFD
    } else if (step.code_point == '\r') {
      continue;  // \r\n → \n; a lone \r is dropped
    } else if (step.code_point == '\n' || step.code_point == '\t') {
      if (one_line) piece = " ";
    } else if (IsControl(step.code_point)) {
      *repaired = true;
      continue;
    }
    if (chars + 1 == max_chars && !rest.empty()) {
      *repaired = true;
      out += "…";
      return out;
    }
    out.append(piece.data(), piece.size());
    ++chars;
  }
  return out;
}

// "：<text>" quoting a department's words in a summary, or "" when there are none.
std::string Quote(const std::string& bytes, bool* repaired) {
  std::string text = CustomerText(bytes, kMaxQuotedChars, /*one_line=*/true, repaired);
  if (text.find_first_not_of(' ') == std::string::npos) return "";
  return absl::StrCat("：", text);
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

const char* CallbackMethod(const std::string& method) {
  if (method == "phone") return "电话回访";
  if (method == "visit") return "上门回访";
  if (method == "questionnaire") return "问卷回访";
  return "回访";
}

absl::Status FromRouting(const cv1::Event& event, absl::Time now, Progress& p) {
  const std::string& type = event.event_type();
  TimelineRecord& e = p.entry;
  p.source = Source::kRouting;
  p.move = Move::kFollow;
  if (type == kComplaintRouted) {
    rv1::ComplaintRouted m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {&m.department_id()}); !s.ok()) return s;
    p.number = m.number();
    p.status = iv1::COMPLAINT_STATUS_ROUTED;
    p.category = KnownCategory(m.category());
    p.department_id = m.department_id();
    p.owner_staff_id = "";
    SetTime(p.ack_due_change, p.ack_due, m.has_ack_due(), m.ack_due(), Due::kClear);
    e.at = When(m.has_routed_at(), m.routed_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_ROUTED;
    e.summary = absl::StrCat(m.hop() > 1 ? "已重新分派至责任部门" : "已分派至责任部门",
                             AckClause(m.has_ack_due(), m.ack_due()));
    e.department_id = m.department_id();
  } else if (type == kComplaintSentToSupervisor) {
    rv1::ComplaintSentToSupervisor m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {}); !s.ok()) return s;
    p.number = m.number();
    p.status = iv1::COMPLAINT_STATUS_WITH_SUPERVISOR;
    p.category = KnownCategory(m.category());
    // No department is responsible until the supervisor names one.
    p.department_id = "";
    p.owner_staff_id = "";
    p.ack_due_change = Due::kClear;
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_SENT_TO_SUPERVISOR;
    e.summary = "已转交上级领导统筹安排处理部门";
  } else if (type == kComplaintAssignedBySupervisor) {
    rv1::ComplaintAssignedBySupervisor m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {&m.supervisor_staff_id(), &m.lead_department_id()});
        !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.status = iv1::COMPLAINT_STATUS_ROUTED;
    p.department_id = m.lead_department_id();
    p.owner_staff_id = "";
    SetTime(p.ack_due_change, p.ack_due, m.has_ack_due(), m.ack_due(), Due::kClear);
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_ASSIGNED_BY_SUPERVISOR;
    e.summary =
        absl::StrCat("上级领导已指定牵头部门",
                     m.assisting_department_ids_size() > 0
                         ? absl::StrCat("及", m.assisting_department_ids_size(), "个协办部门")
                         : "",
                     AckClause(m.has_ack_due(), m.ack_due()));
    e.actor_id = m.supervisor_staff_id();
    e.department_id = m.lead_department_id();
  } else if (type == kComplaintAcknowledged) {
    rv1::ComplaintAcknowledged m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {&m.department_id(), &m.owner_staff_id()}); !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.status = iv1::COMPLAINT_STATUS_ACKNOWLEDGED;
    p.category = KnownCategory(m.category());
    p.department_id = m.department_id();
    p.owner_staff_id = m.owner_staff_id();
    if (m.has_ack_due()) SetTime(p.ack_due_change, p.ack_due, true, m.ack_due(), Due::kClear);
    e.at = When(m.has_acknowledged_at(), m.acknowledged_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGED;
    e.summary = "责任部门已确认受理，并指定专人负责处理";
    e.actor_id = m.owner_staff_id();
    e.department_id = m.department_id();
  } else if (type == kAssignmentRejected) {
    rv1::AssignmentRejected m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {&m.department_id(), &m.staff_id()}); !s.ok()) {
      return s;
    }
    p.number = m.number();
    // Back to waiting for routing; the department's reason is internal and not shown.
    p.status = iv1::COMPLAINT_STATUS_RECEIVED;
    p.department_id = "";
    p.owner_staff_id = "";
    p.ack_due_change = Due::kClear;
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_ASSIGNMENT_REJECTED;
    e.summary = "责任部门反馈分派有误，正在重新分派";
    e.actor_id = m.staff_id();
    e.department_id = m.department_id();
  } else if (type == kAcknowledgementOverdue) {
    rv1::AcknowledgementOverdue m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {&m.department_id()}); !s.ok()) return s;
    p.number = m.number();
    p.status = iv1::COMPLAINT_STATUS_WITH_SUPERVISOR;
    p.owner_staff_id = "";
    e.at = When(m.has_escalated_at(), m.escalated_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGEMENT_OVERDUE;
    e.summary = "责任部门未在1小时内确认受理，已上报上级领导督办";
    e.department_id = m.department_id();
  } else {
    return Malformed(type, "not an event intake follows");
  }
  return absl::OkStatus();
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
  p.planned_completion_change = Due::kClear;
  p.resolution = "";
}

absl::Status FromCaseHandling(const cv1::Event& event, absl::Time now, Progress& p) {
  const std::string& type = event.event_type();
  TimelineRecord& e = p.entry;
  p.source = Source::kCaseHandling;
  p.move = Move::kForward;
  bool* repaired = &p.text_repaired;
  if (type == kCaseOpened) {
    chv1::CaseOpened m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s =
            CheckCycle(event, m.number(), m.cycle(), {&m.department_id(), &m.owner_staff_id()});
        !s.ok()) {
      return s;
    }
    p.number = m.number();
    StartCycle(p, m.cycle(), m.department_id(), m.owner_staff_id());
    p.category = KnownCategory(m.category());
    SetTime(p.solution_due_change, p.solution_due, m.has_solution_due(), m.solution_due(),
            Due::kKeep);
    p.solution_due_provisional = m.solution_due_provisional();
    e.at = When(m.has_opened_at(), m.opened_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_CASE_OPENED;
    e.actor_id = m.owner_staff_id();
    e.department_id = m.department_id();
    const std::string clause =
        SolutionClause(m.has_solution_due(), m.solution_due(), m.solution_due_provisional());
    const std::string round = m.cycle() > 1 ? OrdinalCycle(m.cycle()) : "";
    p.summary_for = [clause, round](const std::string& department) {
      return absl::StrCat(department, "已立案处理", round, clause);
    };
  } else if (type == kInvestigationEntryAdded) {
    chv1::InvestigationEntryAdded m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {&m.author_staff_id()}); !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.cycle = m.cycle();
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_INVESTIGATION_ENTRY_ADDED;
    e.actor_id = m.author_staff_id();
    // What was found is internal: the customer learns what kind of step was taken.
    const std::string step = InvestigationStep(m.kind());
    p.summary_for = [step](const std::string& department) {
      return absl::StrCat(department, step);
    };
  } else if (type == kInspectionReportAttached) {
    chv1::InspectionReportAttached m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {&m.inspector_staff_id()}); !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.cycle = m.cycle();
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_INSPECTION_REPORT_ATTACHED;
    e.actor_id = m.inspector_staff_id();
    // The report's findings are internal until the department proposes a solution.
    e.summary = "工程检测已完成，检测报告已存档，将作为制定解决方案的依据";
  } else if (type == kCustomerContacted) {
    chv1::CustomerContacted m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {&m.staff_id()}); !s.ok()) return s;
    p.number = m.number();
    p.cycle = m.cycle();
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_CUSTOMER_CONTACTED;
    e.actor_id = m.staff_id();
    // The message is what the customer was told: meant to be shown.
    const std::string quote = Quote(m.summary(), repaired);
    const std::string how = ContactChannel(m.channel());
    p.summary_for = [quote, how](const std::string& department) {
      return absl::StrCat(department, "已", how, "与您沟通处理进展", quote);
    };
  } else if (type == kSolutionProposed) {
    chv1::SolutionProposed m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {&m.owner_staff_id()}); !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.cycle = m.cycle();
    p.status = iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED;
    p.solution = CustomerText(m.solution(), kMaxRecordTextChars, /*one_line=*/false, repaired);
    SetTime(p.planned_completion_change, p.planned_completion, m.has_planned_completion(),
            m.planned_completion(), Due::kClear);
    e.at = When(m.has_proposed_at(), m.proposed_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_SOLUTION_PROPOSED;
    e.actor_id = m.owner_staff_id();
    const std::string what = m.revision() > 1 ? "修订后的解决方案" : "解决方案";
    const std::string quote = Quote(m.solution(), repaired);
    const std::string plan =
        Usable(m.has_planned_completion(), m.planned_completion())
            ? absl::StrCat("（计划于 ", CustomerTime(FromProto(m.planned_completion())), "前完成）")
            : "";
    p.summary_for = [what, quote, plan](const std::string& department) {
      return absl::StrCat(department, "已提出", what, "，请确认", quote, plan);
    };
  } else if (type == kSolutionDeadlineExtended) {
    chv1::SolutionDeadlineExtended m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {&m.staff_id()}); !s.ok()) return s;
    p.number = m.number();
    p.cycle = m.cycle();
    SetTime(p.solution_due_change, p.solution_due, m.has_new_due(), m.new_due(), Due::kKeep);
    p.solution_due_provisional = false;
    if (p.solution_due_change == Due::kSet) {
      SetTime(p.original_solution_due_change, p.original_solution_due, m.has_original_due(),
              m.original_due(), Due::kKeep);
    }
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_EXTENDED;
    e.actor_id = m.staff_id();
    // The reason is the department's; the customer is told that and when.
    e.summary = p.solution_due_change == Due::kSet
                    ? absl::StrCat("因情况较为复杂，提出解决方案的期限已延长至 ",
                                   CustomerTime(p.solution_due))
                    : "因情况较为复杂，提出解决方案的期限已延长";
  } else if (type == kSolutionDeadlineMissed) {
    chv1::SolutionDeadlineMissed m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s =
            CheckCycle(event, m.number(), m.cycle(), {&m.department_id(), &m.owner_staff_id()});
        !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.cycle = m.cycle();
    e.at = When(m.has_detected_at(), m.detected_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_MISSED;
    e.department_id = m.department_id();
    p.summary_for = [](const std::string& department) {
      return absl::StrCat(department, "未能在期限内提出解决方案，已督促其尽快处理");
    };
  } else if (type == kCustomerDecisionRecorded) {
    chv1::CustomerDecisionRecorded m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {}); !s.ok()) return s;
    p.number = m.number();
    p.cycle = m.cycle();
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_CUSTOMER_DECISION_RECORDED;
    if (m.accepted()) {
      p.status = iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION;
      p.summary_for = [](const std::string& department) {
        return absl::StrCat("您已接受解决方案，", department, "正在组织实施");
      };
    } else {
      // A revised solution is due: a new deadline, not an extension of the old one.
      p.status = iv1::COMPLAINT_STATUS_ACKNOWLEDGED;
      p.move = Move::kRevise;
      SetTime(p.solution_due_change, p.solution_due, m.has_revised_solution_due(),
              m.revised_solution_due(), Due::kKeep);
      if (p.solution_due_change == Due::kSet) {
        p.solution_due_provisional = false;
        p.original_solution_due_change = Due::kClear;
      }
      const std::string clause =
          Usable(m.has_revised_solution_due(), m.revised_solution_due())
              ? absl::StrCat("将于 ", CustomerTime(FromProto(m.revised_solution_due())),
                             "前提出修订后的解决方案")
              : "将重新制定解决方案";
      p.summary_for = [clause](const std::string& department) {
        return absl::StrCat("您未接受解决方案，", department, clause);
      };
    }
  } else if (type == kImplementationProgressRecorded) {
    chv1::ImplementationProgressRecorded m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {&m.staff_id()}); !s.ok()) return s;
    p.number = m.number();
    p.cycle = m.cycle();
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_IMPLEMENTATION_PROGRESS_RECORDED;
    e.actor_id = m.staff_id();
    // The note is the department's working record; a change of plan is explained to the
    // customer in person (§6.3), and the timeline says so.
    if (m.plan_changed()) {
      p.summary_for = [](const std::string& department) {
        return absl::StrCat("实施计划有调整，", department, "将向您说明调整内容");
      };
    } else {
      e.summary = "解决方案正在实施，已取得新进展";
    }
  } else if (type == kCaseResolved) {
    chv1::CaseResolved m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s =
            CheckCycle(event, m.number(), m.cycle(), {&m.department_id(), &m.owner_staff_id()});
        !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.cycle = m.cycle();
    p.status = iv1::COMPLAINT_STATUS_RESOLVED;
    p.category = KnownCategory(m.category());
    p.resolution = CustomerText(m.result(), kMaxRecordTextChars, /*one_line=*/false, repaired);
    e.at = When(m.has_resolved_at(), m.resolved_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_CASE_RESOLVED;
    e.actor_id = m.owner_staff_id();
    e.department_id = m.department_id();
    const std::string quote = Quote(m.result(), repaired);
    p.summary_for = [quote](const std::string& department) {
      return quote.empty() ? absl::StrCat(department, "已处理完毕")
                           : absl::StrCat(department, "已处理完毕，处理结果", quote);
    };
  } else if (type == kCaseReopened) {
    chv1::CaseReopened m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s =
            CheckCycle(event, m.number(), m.cycle(), {&m.department_id(), &m.owner_staff_id()});
        !s.ok()) {
      return s;
    }
    p.number = m.number();
    StartCycle(p, m.cycle(), m.department_id(), m.owner_staff_id());
    SetTime(p.solution_due_change, p.solution_due, m.has_solution_due(), m.solution_due(),
            Due::kKeep);
    p.solution_due_provisional = false;
    e.at = When(m.has_reopened_at(), m.reopened_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_CASE_REOPENED;
    e.actor_id = m.owner_staff_id();
    e.department_id = m.department_id();
    const std::string clause = SolutionClause(m.has_solution_due(), m.solution_due(), false);
    const std::string round = OrdinalCycle(m.cycle());
    p.summary_for = [clause, round](const std::string& department) {
      return absl::StrCat("根据您的反馈，投诉已重新交由", department, "处理", round, clause);
    };
  } else {
    return Malformed(type, "not an event intake follows");
  }
  return absl::OkStatus();
}

absl::Status FromFollowUp(const cv1::Event& event, absl::Time now, Progress& p) {
  const std::string& type = event.event_type();
  TimelineRecord& e = p.entry;
  p.source = Source::kFollowUp;
  p.move = Move::kForward;
  if (type == kTrackerAssigned) {
    fv1::TrackerAssigned m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {&m.tracker_staff_id()}); !s.ok()) return s;
    p.number = m.number();
    p.tracker_staff_id = m.tracker_staff_id();
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_TRACKER_ASSIGNED;
    e.actor_id = m.tracker_staff_id();
    e.summary = m.how() == "reassigned" ? "跟进人员已更换，将继续跟进您的投诉直至办结"
                                        : "已安排专人跟进您的投诉，并定期向您通报进展";
  } else if (type == kProgressUpdateRecorded) {
    fv1::ProgressUpdateRecorded m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {&m.tracker_staff_id()}); !s.ok()) return s;
    p.number = m.number();
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_RECORDED;
    e.actor_id = m.tracker_staff_id();
    e.summary = "跟进人员已向您通报处理进展";
  } else if (type == kProgressUpdateOverdue) {
    fv1::ProgressUpdateOverdue m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {&m.tracker_staff_id()}); !s.ok()) return s;
    p.number = m.number();
    e.at = When(m.has_detected_at(), m.detected_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_OVERDUE;
    e.summary = "处理进展未按时向您通报，已督促跟进人员尽快与您联系";
  } else if (type == kCallbackScheduled) {
    fv1::CallbackScheduled m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {&m.callback_agent_staff_id()});
        !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.cycle = m.cycle();
    SetTime(p.callback_due_change, p.callback_due, m.has_due(), m.due(), Due::kKeep);
    p.callback_due_provisional = m.due_provisional();
    // A callback scheduled is not something anyone did yet: no actor. The event has no time of
    // its own; the envelope's is when it was scheduled.
    e.at = When(false, m.due(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_CALLBACK_SCHEDULED;
    e.summary =
        p.callback_due_change == Due::kSet
            ? absl::StrCat("我们将于 ", CustomerTime(p.callback_due), "前就处理结果对您进行回访",
                           m.due_provisional() ? kProvisionalNote : "")
            : "我们将就处理结果对您进行回访";
  } else if (type == kCallbackOverdue) {
    fv1::CallbackOverdue m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {&m.callback_agent_staff_id()});
        !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.cycle = m.cycle();
    e.at = When(m.has_detected_at(), m.detected_at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_CALLBACK_OVERDUE;
    e.summary = "回访未能按时进行，已督促尽快与您联系";
  } else if (type == kCallbackRecorded) {
    fv1::CallbackRecorded m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {&m.callback_agent_staff_id()});
        !s.ok()) {
      return s;
    }
    p.number = m.number();
    p.cycle = m.cycle();
    p.callback_due_change = Due::kClear;
    const bool scored = m.satisfaction() >= 1 && m.satisfaction() <= 5;
    if (scored) p.satisfaction = m.satisfaction();
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_CALLBACK_RECORDED;
    e.actor_id = m.callback_agent_staff_id();
    // The customer's comments and suggestions are theirs and were made to the company: the
    // timeline records the score only.
    e.summary = absl::StrCat(
        "已完成", CallbackMethod(m.method()),
        scored ? absl::StrCat("，您的满意度评分：", m.satisfaction(), "分（满分5分）") : "");
  } else if (type == kCustomerUnsatisfied) {
    fv1::CustomerUnsatisfied m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {}); !s.ok()) return s;
    p.number = m.number();
    p.cycle = m.cycle();
    // Stays RESOLVED until case handling takes the case back (CaseReopened).
    e.at = When(m.has_at(), m.at(), event, now);
    e.type = iv1::TIMELINE_EVENT_TYPE_CUSTOMER_UNSATISFIED;
    p.summary_for = [](const std::string& department) {
      return absl::StrCat("您对处理结果不满意，投诉将退回", department, "重新处理");
    };
  } else if (type == kComplaintClosed) {
    fv1::ComplaintClosed m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckCycle(event, m.number(), m.cycle(), {}); !s.ok()) return s;
    p.number = m.number();
    p.cycle = m.cycle();
    p.status = iv1::COMPLAINT_STATUS_CLOSED;
    if (m.satisfaction() >= 1 && m.satisfaction() <= 5) p.satisfaction = m.satisfaction();
    e.at = When(m.has_closed_at(), m.closed_at(), event, now);
    p.closed_at = e.at;
    p.callback_due_change = Due::kClear;
    e.type = iv1::TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED;
    e.summary = "您对处理结果表示满意，投诉已办结。感谢您的反馈";
  } else {
    return Malformed(type, "not an event intake follows");
  }
  return absl::OkStatus();
}

bool Contains(const std::vector<std::string>& types, const std::string& type) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

}  // namespace

const std::vector<std::string>& RoutingEventTypes() {
  static const std::vector<std::string> types = {
      kComplaintRouted,       kComplaintSentToSupervisor, kComplaintAssignedBySupervisor,
      kComplaintAcknowledged, kAssignmentRejected,        kAcknowledgementOverdue};
  return types;
}

const std::vector<std::string>& CaseHandlingEventTypes() {
  static const std::vector<std::string> types = {kCaseOpened,
                                                 kInvestigationEntryAdded,
                                                 kInspectionReportAttached,
                                                 kCustomerContacted,
                                                 kSolutionProposed,
                                                 kSolutionDeadlineExtended,
                                                 kSolutionDeadlineMissed,
                                                 kCustomerDecisionRecorded,
                                                 kImplementationProgressRecorded,
                                                 kCaseResolved,
                                                 kCaseReopened};
  return types;
}

const std::vector<std::string>& FollowUpEventTypes() {
  static const std::vector<std::string> types = {
      kTrackerAssigned, kProgressUpdateRecorded, kProgressUpdateOverdue, kCallbackScheduled,
      kCallbackOverdue, kCallbackRecorded,       kCustomerUnsatisfied,   kComplaintClosed};
  return types;
}

const std::vector<std::string>& FollowedEventTypes() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> all = RoutingEventTypes();
    for (const auto* group : {&CaseHandlingEventTypes(), &FollowUpEventTypes()}) {
      all.insert(all.end(), group->begin(), group->end());
    }
    return all;
  }();
  return types;
}

std::string CustomerTime(absl::Time t) {
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M", t, BeijingZone()), "（北京时间）");
}

std::string DepartmentName(const std::string& department_id) {
  // The policy's five departments (責任部門) under the ids the staff directory gives them
  // (deploy/seed/staff-assessment.sql). Any other id reads as "the department in charge".
  if (department_id == "engineering") return "工程质量部";
  if (department_id == "sales") return "销售部";
  if (department_id == "handover") return "交付部";
  if (department_id == "property-management") return "物业管理部";
  if (department_id == "customer-service") return "客户服务部";
  return "责任部门";
}

TimelineRecord ReceivedEntry(const iv1::ComplaintInput& input, absl::Time received_at) {
  TimelineRecord r;
  r.at = received_at;
  r.type = iv1::TIMELINE_EVENT_TYPE_RECEIVED;
  const std::string channel = ChannelName(input.channel());
  r.summary = channel.empty() ? "您的投诉已受理" : absl::StrCat("您的投诉已通过", channel, "受理");
  r.actor_id = input.recorded_by_staff_id();
  return r;
}

absl::StatusOr<Progress> ProgressFromEvent(const cv1::Event& event, absl::Time now) {
  const std::string& type = event.event_type();
  Progress p;
  absl::Status s;
  if (Contains(RoutingEventTypes(), type)) {
    s = FromRouting(event, now, p);
  } else if (Contains(CaseHandlingEventTypes(), type)) {
    s = FromCaseHandling(event, now, p);
  } else if (Contains(FollowUpEventTypes(), type)) {
    s = FromFollowUp(event, now, p);
  } else {
    s = Malformed(type, "not an event intake follows");
  }
  if (!s.ok()) return s;
  return p;
}

Outcome Settle(const Progress& p, const RecordState& record) {
  Outcome out;
  out.status = record.status;
  out.cycle = record.cycle;
  out.entry = p.entry;
  // The department in charge: the one the event names, else the record's (case handling's
  // events concern it even when they do not name it).
  const std::string department =
      p.department_id && !p.department_id->empty() ? *p.department_id : record.department_id;
  if (p.source == Progress::Source::kCaseHandling && out.entry.department_id.empty()) {
    out.entry.department_id = department;
  }
  if (p.summary_for) out.entry.summary = p.summary_for(DepartmentName(department));

  switch (p.source) {
    case Progress::Source::kRouting:
      // Once case handling has the complaint, routing's news is history.
      out.late = record.cycle > 0 || record.status >= iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED;
      break;
    case Progress::Source::kCaseHandling:
      // Ordered per producer, so this cannot happen unless a cycle was skipped: keep what the
      // newer cycle says.
      out.late = p.cycle < record.cycle;
      if (!out.late) out.cycle = std::max(record.cycle, p.cycle);
      break;
    case Progress::Source::kFollowUp:
      break;
  }
  if (out.late || p.status == iv1::COMPLAINT_STATUS_UNSPECIFIED ||
      record.status == iv1::COMPLAINT_STATUS_CLOSED) {
    return out;
  }
  switch (p.move) {
    case Move::kFollow:
      out.status = p.status;
      break;
    case Move::kOpen:
      // A new cycle starts over at ACKNOWLEDGED (the reopen); the same cycle announced again
      // only moves forward.
      out.status = p.cycle > record.cycle ? p.status : std::max(record.status, p.status);
      break;
    case Move::kForward:
      out.status = std::max(record.status, p.status);
      break;
    case Move::kRevise:
      if (record.status == iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED) out.status = p.status;
      break;
  }
  return out;
}

}  // namespace tousu::intake
