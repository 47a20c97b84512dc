#include "common/audit/audit.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/caller.h"
#include "common/db/sql_time.h"

namespace tousu::audit {
namespace {

thread_local const std::string* system_actor = nullptr;

constexpr char kInsert[] =
    "INSERT INTO audit_trail (occurred_at, actor, action, subject, from_state, to_state, detail,"
    " request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

std::string Cut(absl::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  // Back off to a UTF-8 boundary so a cut value stays valid text.
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

void Insert(db::Transaction& tx, absl::Time occurred_at, const std::string& actor,
            const std::string& action, const std::string& subject, const std::string& from_state,
            const std::string& to_state, const std::string& detail, const std::string& request_id) {
  auto& insert = tx.Prepare(kInsert);
  insert.setDateTime(1, db::ToSqlDateTime(occurred_at));
  insert.setString(2, actor);
  insert.setString(3, action);
  insert.setString(4, subject);
  insert.setString(5, from_state);
  insert.setString(6, to_state);
  insert.setString(7, detail);
  insert.setString(8, request_id);
  insert.executeUpdate();
}

absl::Status TooLong(const char* field, size_t max) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": at most ", max, " bytes"));
}

}  // namespace

std::string CurrentActor() {
  const auth::Caller& caller = auth::CurrentCaller();
  // A timer's pass runs with no caller (Unrestricted); a real caller inside it still wins.
  if (caller.unrestricted() && system_actor != nullptr) return *system_actor;
  return caller.Describe();
}

ScopedSystemActor::ScopedSystemActor(const std::string& job)
    : actor_(Cut(absl::StrCat("system:", job), kMaxActor)), previous_(system_actor) {
  system_actor = &actor_;
}

ScopedSystemActor::~ScopedSystemActor() { system_actor = previous_; }

absl::Status Record(db::Transaction& tx, const AuditEntry& entry) {
  if (entry.occurred_at == absl::InfinitePast() || entry.occurred_at == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("occurred_at: required");
  }
  if (entry.action.empty()) return absl::InvalidArgumentError("action: required");
  if (entry.subject.empty()) return absl::InvalidArgumentError("subject: required");
  if (entry.action.size() > kMaxAction) return TooLong("action", kMaxAction);
  if (entry.subject.size() > kMaxSubject) return TooLong("subject", kMaxSubject);
  if (entry.from_state.size() > kMaxState) return TooLong("from_state", kMaxState);
  if (entry.to_state.size() > kMaxState) return TooLong("to_state", kMaxState);
  if (entry.detail.size() > kMaxDetail) return TooLong("detail", kMaxDetail);
  if (entry.request_id.size() > kMaxRequestId) return TooLong("request_id", kMaxRequestId);
  if (entry.actor.size() > kMaxActor) return TooLong("actor", kMaxActor);
  const std::string actor = entry.actor.empty() ? Cut(CurrentActor(), kMaxActor) : entry.actor;
  Insert(tx, entry.occurred_at, actor, entry.action, entry.subject, entry.from_state,
         entry.to_state, entry.detail, entry.request_id);
  return absl::OkStatus();
}

void RecordEvent(db::Transaction& tx, absl::Time occurred_at, absl::string_view event_type,
                 absl::string_view aggregate_id, absl::string_view event_id,
                 absl::string_view request_id, const StateChange& states) {
  const std::string to_state = states.to.empty() ? ObviousStateAfter(event_type) : states.to;
  Insert(tx, occurred_at, Cut(CurrentActor(), kMaxActor), Cut(event_type, kMaxAction),
         Cut(aggregate_id, kMaxSubject), Cut(states.from, kMaxState), Cut(to_state, kMaxState),
         Cut(absl::StrCat("event ", event_id), kMaxDetail), Cut(request_id, kMaxRequestId));
}

std::string ObviousStateAfter(absl::string_view event_type) {
  // Only types whose name alone fixes the subject's state; the rest (a decision that may be an
  // accept or a reject, a rejected assignment) say nothing rather than guess.
  struct TypeState {
    absl::string_view type, state;
  };
  static constexpr TypeState kStates[] = {
      {"ComplaintReceived", "received"},
      {"ComplaintRouted", "routed"},
      {"ComplaintSentToSupervisor", "with_supervisor"},
      {"ComplaintAssignedBySupervisor", "routed"},
      {"ComplaintAcknowledged", "acknowledged"},
      {"CaseOpened", "investigating"},
      {"CaseReopened", "investigating"},
      {"SolutionProposed", "awaiting_decision"},
      {"CaseResolved", "resolved"},
      {"ComplaintClosed", "closed"},
  };
  for (const TypeState& ts : kStates) {
    if (ts.type == event_type) return std::string(ts.state);
  }
  return "";
}

}  // namespace tousu::audit
