#pragma once
// What a valid follow-up request looks like (policy §7): every RPC's field checks, run before the
// staff directory or the database is asked anything, and the ListDueTasks page tokens. Pure: no
// server, no database.
//
// Every rejection is INVALID_ARGUMENT with a message starting with the field's path and ": ",
// e.g. "satisfaction: must be 1..5". Fields are checked in a fixed order and the first invalid
// one is reported.

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "complaints/followup/v1/followup.pb.h"

namespace tousu::followup {

namespace fv1 = ::complaints::followup::v1;

inline constexpr int kMaxPageSize = 200;
inline constexpr int kDefaultPageSize = 50;
inline constexpr size_t kMaxStaffIdLength = 32;
inline constexpr size_t kMaxFeedbackChars = 1000;  // comments, suggestions, progress summaries
inline constexpr size_t kMaxReassignReasonChars = 500;
inline constexpr size_t kMinReassignReasonChars = 2;
inline constexpr size_t kMaxTaskTokenLength = 200;

// Where a page of tasks resumes: strictly after this (due, kind, number).
struct TaskCursor {
  absl::Time due;
  int kind = 0;
  std::string number;
};

absl::Status CheckGetFollowUp(const fv1::GetFollowUpRequest& req);
absl::Status CheckReassignTracker(const fv1::ReassignTrackerRequest& req);
absl::Status CheckRecordProgressUpdate(const fv1::RecordProgressUpdateRequest& req);
absl::Status CheckRecordCallback(const fv1::RecordCallbackRequest& req);
absl::Status CheckIssueQuestionnaireLink(const fv1::IssueQuestionnaireLinkRequest& req);
absl::Status CheckSubmitQuestionnaire(const fv1::SubmitQuestionnaireRequest& req);

// ListDueTasks: staff id, kind, page size and token. On success, where the page starts (nullopt:
// the first page).
absl::StatusOr<std::optional<TaskCursor>> CheckListDueTasks(const fv1::ListDueTasksRequest& req);
// The page size a checked ListDueTasks serves: 1..200 (0 asks for the default, 50).
int ListPageSize(const fv1::ListDueTasksRequest& req);

// Page tokens: base64url of "<due micros>|<kind>|<number>|<staff>|<kind filter>", so a token only
// works with the filters it was issued for (else INVALID_ARGUMENT naming page.page_token).
std::string EncodeTaskToken(const TaskCursor& cursor, const std::string& staff, int kind_filter);
absl::StatusOr<TaskCursor> DecodeTaskToken(const std::string& token, const std::string& staff,
                                           int kind_filter);

}  // namespace tousu::followup
