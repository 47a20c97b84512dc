#pragma once
// What a valid AssessmentService request looks like (policy §9, §10): every RPC's field checks, run
// before the database is touched. Pure: no server, no database; `now` comes from the caller's
// clock.
//
// Every rejection is INVALID_ARGUMENT with a message starting with the field's path and ": ", e.g.
// "plan.course_ids[2]: is listed twice". Fields are checked in a fixed order and the first invalid
// one is reported.

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "complaints/staff/v1/assessment.pb.h"

namespace tousu::staff::assessment {

namespace v1 = ::complaints::staff::v1;

inline constexpr size_t kMaxTitleChars = 100;  // course titles and topics, plan names
inline constexpr size_t kMaxNoteChars = 500;   // an accountability decision's note
// A time a few minutes "in the future" is a clock difference between machines, not an error.
inline constexpr absl::Duration kClockSkew = absl::Minutes(5);

// ---- Training ----
absl::Status CheckUpsertTrainingCourse(const v1::UpsertTrainingCourseRequest& req);
absl::Status CheckListTrainingCourses(const v1::ListTrainingCoursesRequest& req);
absl::Status CheckUpsertTrainingPlan(const v1::UpsertTrainingPlanRequest& req);
absl::Status CheckListTrainingPlans(const v1::ListTrainingPlansRequest& req);
absl::Status CheckEnrol(const v1::EnrolRequest& req);
// Returns completed_at, which must be set and not in the future.
absl::StatusOr<absl::Time> CheckRecordTrainingCompletion(
    const v1::RecordTrainingCompletionRequest& req, absl::Time now);
absl::Status CheckListTrainingStatus(const v1::ListTrainingStatusRequest& req);

// ---- The quarterly assessment ----
// One person's assessment (GetAssessment, ExplainAssessment).
absl::Status CheckAssessmentKey(int year, int quarter, const std::string& staff_id);
absl::Status CheckListAssessments(const v1::ListAssessmentsRequest& req);

// ---- Accountability ----
absl::Status CheckListAccountabilitySuggestions(
    const v1::ListAccountabilitySuggestionsRequest& req);
// Returns decided_at, which must be set and not in the future. A direct record (no suggestion_id)
// names its complaint, whom it holds responsible, the cause and the severity; a confirmation takes
// what it leaves out from the suggestion.
absl::StatusOr<absl::Time> CheckRecordAccountability(const v1::RecordAccountabilityRequest& req,
                                                     absl::Time now);
// At least one filter: staff_id, department_id, number, or year and quarter.
absl::Status CheckListAccountability(const v1::ListAccountabilityRequest& req);

}  // namespace tousu::staff::assessment
