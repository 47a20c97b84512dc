#include "services/intake/domain/progress.h"

#include "absl/strings/str_cat.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/intake/domain/complaint_number.h"
#include "services/intake/domain/timestamps.h"

namespace tousu::intake {
namespace {

namespace rv1 = ::complaints::routing::v1;

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

void SetDue(Progress& p, bool has_due, const google::protobuf::Timestamp& due) {
  if (Usable(has_due, due)) {
    p.ack_due_change = Progress::Due::kSet;
    p.ack_due = FromProto(due);
  } else {
    p.ack_due_change = Progress::Due::kClear;
  }
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

}  // namespace

const std::vector<std::string>& RoutingEventTypes() {
  static const std::vector<std::string> types = {
      kComplaintRouted,       kComplaintSentToSupervisor, kComplaintAssignedBySupervisor,
      kComplaintAcknowledged, kAssignmentRejected,        kAcknowledgementOverdue};
  return types;
}

std::string CustomerTime(absl::Time t) {
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M", t, ShanghaiZone()), "（北京时间）");
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

absl::StatusOr<Progress> ProgressFromRoutingEvent(const cv1::Event& event, absl::Time now) {
  const std::string& type = event.event_type();
  Progress p;
  TimelineRecord& e = p.entry;
  if (type == kComplaintRouted) {
    rv1::ComplaintRouted m;
    if (auto s = Unpack(event, &m); !s.ok()) return s;
    if (auto s = CheckIds(event, m.number(), {&m.department_id()}); !s.ok()) return s;
    p.number = m.number();
    p.status = iv1::COMPLAINT_STATUS_ROUTED;
    p.category = KnownCategory(m.category());
    p.department_id = m.department_id();
    p.owner_staff_id = "";
    SetDue(p, m.has_ack_due(), m.ack_due());
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
    p.ack_due_change = Progress::Due::kClear;
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
    SetDue(p, m.has_ack_due(), m.ack_due());
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
    if (m.has_ack_due()) SetDue(p, true, m.ack_due());
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
    p.ack_due_change = Progress::Due::kClear;
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
    return Malformed(type, "not a routing event intake follows");
  }
  return p;
}

iv1::ComplaintStatus NextStatus(iv1::ComplaintStatus current, iv1::ComplaintStatus proposed) {
  if (proposed == iv1::COMPLAINT_STATUS_UNSPECIFIED) return current;
  const bool handled_further = current >= iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED;
  return handled_further ? current : proposed;
}

}  // namespace tousu::intake
