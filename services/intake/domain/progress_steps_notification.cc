// The notification service's events on the customer's record: a message that was sent and one
// that was given up after every attempt. They only add to the timeline: being told about a step
// is not a step of the complaint, so the status and the record's fields stay as they are.

#include "absl/strings/str_cat.h"
#include "services/intake/domain/customer_text.h"
#include "services/intake/domain/progress_steps.h"

namespace tousu::intake {
namespace {

// How the message travelled, as the timeline says it; "" for a channel this build does not know.
const char* ChannelWord(nv1::Channel channel) {
  switch (channel) {
    case nv1::CHANNEL_SMS:
      return "短信";
    case nv1::CHANNEL_EMAIL:
      return "邮件";
    case nv1::CHANNEL_IN_APP:
      return "应用内";
    case nv1::CHANNEL_WEBHOOK:
      return "企业微信";
    default:
      return "";
  }
}

}  // namespace

absl::Status Step(const nv1::CustomerNotified& m, const StepContext& at, Progress& p) {
  // The delivery id is the notification service's own and is not kept here: only the number
  // must be sound.
  if (auto s = at.CheckIds(m.number(), {}); !s.ok()) return s;
  p.number = m.number();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFIED;
  // Sent by the system: no actor.
  e.summary =
      absl::StrCat("已", ChannelWord(m.channel()), "通知客户", Quote(m.topic(), &p.text_repaired));
  return absl::OkStatus();
}

absl::Status Step(const nv1::CustomerNotificationFailed& m, const StepContext& at, Progress& p) {
  if (auto s = at.CheckIds(m.number(), {}); !s.ok()) return s;
  p.number = m.number();
  TimelineRecord& e = p.entry;
  e.at = at.When(m.at());
  e.type = iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFICATION_FAILED;
  const std::string attempts =
      m.attempts() > 0 ? absl::StrCat("（已尝试 ", m.attempts(), " 次）") : "";
  e.summary = absl::StrCat(ChannelWord(m.channel()), "通知发送失败", attempts,
                           Quote(m.topic(), &p.text_repaired));
  return absl::OkStatus();
}

}  // namespace tousu::intake
