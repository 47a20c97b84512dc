// Reading any followed event (by the table in followed_events.h), the first timeline entry, and
// Settle: what an event does to the record as it stands.

#include "services/intake/domain/progress.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/events/event_type.h"
#include "services/intake/domain/followed_events.h"

namespace tousu::intake {
namespace {

using Move = Progress::Move;
using Reader = std::function<absl::StatusOr<Progress>(const cv1::Event&, absl::Time)>;

// ProgressFromEvent's dispatch: each followed type's reader, which unpacks the payload first.
const std::map<std::string, Reader>& Readers() {
  static const auto* readers = [] {
    auto* out = new std::map<std::string, Reader>;
    ForEachFollowedEvent([out]<typename Message>(const FollowedEvent<Message>& row) {
      (*out)[events::EventTypeOf<Message>()] = [row](const cv1::Event& event, absl::Time now) {
        Message payload;
        if (!event.payload().Is<Message>() || !event.payload().UnpackTo(&payload)) {
          return absl::StatusOr<Progress>(absl::InvalidArgumentError(absl::StrCat(
              event.event_type(), ": payload is not a ", Message::descriptor()->full_name())));
        }
        return ReadProgress(row, payload, event, now);
      };
    });
    return out;
  }();
  return *readers;
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

// The window the department in charge was given to acknowledge, when the record knows it.
std::optional<absl::Duration> AckWindow(const RecordState& record) {
  if (!record.ack_due || !record.ack_started_at || *record.ack_due <= *record.ack_started_at) {
    return std::nullopt;
  }
  return *record.ack_due - *record.ack_started_at;
}

}  // namespace

const std::vector<FollowedEventType>& FollowedEventTypes() {
  static const auto* types = [] {
    auto* out = new std::vector<FollowedEventType>;
    ForEachFollowedEvent([out]<typename Message>(const FollowedEvent<Message>& row) {
      out->push_back({events::EventTypeOf<Message>(), row.source});
    });
    return out;
  }();
  return *types;
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
  auto reader = Readers().find(event.event_type());
  if (reader == Readers().end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(event.event_type(), ": not an event intake follows"));
  }
  return reader->second(event, now);
}

Outcome Settle(const Progress& p, const RecordState& record, const DepartmentNames& names) {
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
  if (p.summary_for) {
    out.entry.summary =
        p.summary_for({.department = names.NameFor(department), .ack_window = AckWindow(record)});
  }

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
    case Progress::Source::kNotification:
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
