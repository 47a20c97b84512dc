// What every step shares: the event's time, and the checks of numbers, ids and cycles.

#include "services/intake/domain/progress_steps.h"

#include "absl/strings/str_cat.h"
#include "common/events/event_time.h"
#include "services/intake/domain/complaint_number.h"

namespace tousu::intake {
namespace {

// Ids that other services issue: printable ASCII without spaces, at most 64 bytes (the columns
// hold that much). Empty is allowed where the field is optional.
bool IsPlainId(const std::string& id) {
  if (id.size() > 64) return false;
  for (char c : id) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

}  // namespace

absl::Time StepContext::When(const google::protobuf::Timestamp& own) const {
  return events::EventTime(own, envelope, now);
}

absl::Time StepContext::When() const { return events::EventTime(envelope, now); }

absl::Status StepContext::Malformed(const std::string& what) const {
  return absl::InvalidArgumentError(absl::StrCat(envelope.event_type(), ": ", what));
}

absl::Status StepContext::CheckIds(const std::string& number,
                                   std::initializer_list<const std::string*> ids) const {
  if (auto s = CheckNumber("number", number); !s.ok()) return Malformed(std::string(s.message()));
  for (const std::string* id : ids) {
    if (!IsPlainId(*id)) return Malformed("malformed department or staff id");
  }
  return absl::OkStatus();
}

absl::Status StepContext::CheckCycle(const std::string& number, int32_t cycle,
                                     std::initializer_list<const std::string*> ids) const {
  if (auto s = CheckIds(number, ids); !s.ok()) return s;
  if (cycle < 1) return Malformed(absl::StrCat("cycle ", cycle, " is not 1.."));
  return absl::OkStatus();
}

std::optional<absl::Time> UsableDeadline(const google::protobuf::Timestamp& ts) {
  return events::UsableEventTime(ts);
}

cv1::Category KnownCategory(cv1::Category c) {
  return cv1::Category_IsValid(c) ? c : cv1::CATEGORY_UNSPECIFIED;
}

void SetDue(Progress::Due& change, absl::Time& at, const google::protobuf::Timestamp& ts,
            Progress::Due otherwise) {
  if (std::optional<absl::Time> due = UsableDeadline(ts)) {
    change = Progress::Due::kSet;
    at = *due;
  } else {
    change = otherwise;
  }
}

}  // namespace tousu::intake
