#pragma once
// What a valid case-handling request looks like (policy §6): every RPC's field checks, run before
// the database is touched. Pure: no server, no database; `now` comes from the caller's clock.
//
// Every rejection is INVALID_ARGUMENT with a message starting with the field's path and ": ",
// e.g. "attachments[2].sha256: must be 64 lowercase hex digits". Fields are checked in a fixed
// order and the first invalid one is reported.

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "complaints/casehandling/v1/case.pb.h"

namespace tousu::casehandling {

namespace chv1 = ::complaints::casehandling::v1;

inline constexpr int kMaxPageSize = 200;
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxAttachments = 20;
inline constexpr int kMaxPlannedActions = 20;
inline constexpr size_t kMaxStaffIdLength = 32;
inline constexpr size_t kMaxDepartmentIdLength = 64;
inline constexpr size_t kMaxUriLength = 2048;
inline constexpr size_t kMaxMediaTypeLength = 127;
// Limits of the typed texts, in characters (Unicode code points).
inline constexpr size_t kMaxNoteChars = 4000;      // investigation note
inline constexpr size_t kMaxFindingsChars = 4000;  // inspection findings
inline constexpr size_t kMaxSolutionChars = 4000;
inline constexpr size_t kMaxCauseChars = 2000;         // inspection cause
inline constexpr size_t kMaxRepairChars = 2000;        // inspection recommended_repair
inline constexpr size_t kMaxProgressNoteChars = 2000;  // implementation note
inline constexpr size_t kMaxResultChars = 2000;
inline constexpr size_t kMaxSummaryChars = 1000;  // contact summary, customer notice/explanation
inline constexpr size_t kMaxReasonChars = 1000;   // extension and rejection reasons (min 2)
inline constexpr size_t kMaxPlannedActionChars = 500;

absl::Status CheckGetCase(const chv1::GetCaseRequest& req);
absl::Status CheckListCases(const chv1::ListCasesRequest& req);
// The page size a checked ListCases serves: 1..200 (0 asks for the default, 50).
int ListPageSize(const chv1::ListCasesRequest& req);
absl::Status CheckAddInvestigationEntry(const chv1::AddInvestigationEntryRequest& req);
absl::Status CheckAttachInspectionReport(const chv1::AttachInspectionReportRequest& req);
absl::Status CheckLogCustomerContact(const chv1::LogCustomerContactRequest& req);
// planned_completion must lie after `now`.
absl::Status CheckProposeSolution(const chv1::ProposeSolutionRequest& req, absl::Time now);
absl::Status CheckExtendSolutionDeadline(const chv1::ExtendSolutionDeadlineRequest& req);
absl::Status CheckRecordCustomerDecision(const chv1::RecordCustomerDecisionRequest& req);
absl::Status CheckRecordImplementationProgress(
    const chv1::RecordImplementationProgressRequest& req);
absl::Status CheckResolveCase(const chv1::ResolveCaseRequest& req);

}  // namespace tousu::casehandling
