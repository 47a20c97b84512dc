#pragma once
// A follow-up as its rules read and change it and its repository stores it
// (migrations/0001_follow_up.sql): the case's follow-up, the callback of each cycle and the
// progress updates given.

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "complaints/followup/v1/followup.pb.h"

namespace tousu::followup {

namespace fv1 = ::complaints::followup::v1;

struct FollowUpRow {
  std::string number;
  fv1::FollowUpState state = fv1::FOLLOW_UP_STATE_UNSPECIFIED;
  int cycle = 0;
  std::string department_id;
  std::string owner_staff_id;
  std::string tracker_staff_id;
  absl::Time opened_at = absl::InfinitePast();
  std::optional<absl::Time> progress_anchor_at, last_informed_at, progress_due, closed_at;
  bool progress_due_provisional = false;
  bool progress_overdue = false;
  absl::Time updated_at = absl::InfinitePast();
};

struct CallbackRow {
  std::string number;
  int cycle = 0;
  fv1::CallbackStatus status = fv1::CALLBACK_STATUS_UNSPECIFIED;
  std::string assigned_agent_staff_id;
  absl::Time resolved_at = absl::InfinitePast();
  absl::Time due = absl::InfinitePast();
  bool due_provisional = false;
  bool overdue = false;
  std::optional<std::string> token_sha256;
  std::optional<absl::Time> token_issued_at;
  fv1::CallbackMethod method = fv1::CALLBACK_METHOD_UNSPECIFIED;
  std::string recorded_by_staff_id;
  std::optional<int> satisfaction;
  std::string comments, suggestions;
  std::optional<absl::Time> recorded_at;
  std::optional<bool> on_time, unsatisfied;
};

struct ProgressRow {
  int cycle = 0;
  std::string source;  // "tracker" or "department"
  std::string staff_id;
  std::string summary;
  std::optional<absl::Time> due;
  absl::Time at = absl::InfinitePast();
  bool on_time = true;
};

}  // namespace tousu::followup
