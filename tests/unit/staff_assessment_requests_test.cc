// The assessment API's request checks (services/staff-assessment/domain/assessment_requests.h):
// each rejection is INVALID_ARGUMENT naming the field, the first invalid field in a fixed order.

#include <gtest/gtest.h>

#include <string>

#include "common/time/proto_time.h"
#include "services/staff-assessment/domain/assessment_requests.h"
#include "tests/support/shanghai_time.h"

namespace tousu::staff::assessment {
namespace {

using ::tousu::testing::Shanghai;

const absl::Time kNow = Shanghai(2026, 3, 20, 12);

// The field a rejection names ("" for OK).
std::string FieldOf(const absl::Status& s) {
  if (s.ok()) return "";
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  const std::string message(s.message());
  return message.substr(0, message.find(':'));
}

v1::UpsertTrainingCourseRequest Course() {
  v1::UpsertTrainingCourseRequest req;
  auto* c = req.mutable_course();
  c->set_id("handler-investigation");
  c->set_title("調查方法");
  c->set_topic("調查");
  c->set_target_role(v1::STAFF_ROLE_HANDLER);
  c->set_hours(4);
  return req;
}

TEST(TrainingRequests, ACourseNeedsAnIdTitleTopicRoleAndSomeHours) {
  EXPECT_EQ(FieldOf(CheckUpsertTrainingCourse(Course())), "");
  auto req = Course();
  req.mutable_course()->set_id("Not A Slug");
  EXPECT_EQ(FieldOf(CheckUpsertTrainingCourse(req)), "course.id");
  req = Course();
  req.mutable_course()->set_target_role(v1::STAFF_ROLE_UNSPECIFIED);
  EXPECT_EQ(FieldOf(CheckUpsertTrainingCourse(req)), "course.target_role");
  req = Course();
  req.mutable_course()->set_hours(200.5);
  EXPECT_EQ(FieldOf(CheckUpsertTrainingCourse(req)), "course.hours");
}

TEST(TrainingRequests, APlanListsEachCourseOnce) {
  v1::UpsertTrainingPlanRequest req;
  req.mutable_plan()->set_id("plan-handler");
  req.mutable_plan()->set_name("處理人員");
  req.mutable_plan()->set_role(v1::STAFF_ROLE_HANDLER);
  EXPECT_EQ(FieldOf(CheckUpsertTrainingPlan(req)), "plan.course_ids");
  req.mutable_plan()->add_course_ids("handler-investigation");
  EXPECT_EQ(FieldOf(CheckUpsertTrainingPlan(req)), "");
  req.mutable_plan()->add_course_ids("handler-investigation");
  EXPECT_EQ(CheckUpsertTrainingPlan(req).message(), "plan.course_ids[1]: is listed twice");
}

TEST(TrainingRequests, AnEnrolmentNamesExactlyOneOfPlanAndCourse) {
  v1::EnrolRequest req;
  req.set_staff_id("S0018");
  EXPECT_EQ(FieldOf(CheckEnrol(req)), "plan_id");
  req.set_course_id("engineer-defect-repair");
  EXPECT_EQ(FieldOf(CheckEnrol(req)), "");
  req.set_plan_id("plan-engineer");
  EXPECT_EQ(FieldOf(CheckEnrol(req)), "plan_id");
}

TEST(TrainingRequests, ACompletionHappenedAlreadyAndPassedOrFailed) {
  v1::RecordTrainingCompletionRequest req;
  req.set_staff_id("S0022");
  req.set_course_id("handler-investigation");
  req.set_result(v1::TRAINING_RESULT_PASSED);
  EXPECT_EQ(FieldOf(CheckRecordTrainingCompletion(req, kNow).status()), "completed_at");
  *req.mutable_completed_at() = time::ToProto(kNow + absl::Minutes(4));  // clock skew
  auto at = CheckRecordTrainingCompletion(req, kNow);
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_EQ(*at, kNow + absl::Minutes(4));
  *req.mutable_completed_at() = time::ToProto(kNow + absl::Hours(1));
  EXPECT_EQ(FieldOf(CheckRecordTrainingCompletion(req, kNow).status()), "completed_at");
  *req.mutable_completed_at() = time::ToProto(kNow);
  req.set_result(v1::TRAINING_RESULT_UNSPECIFIED);
  EXPECT_EQ(FieldOf(CheckRecordTrainingCompletion(req, kNow).status()), "result");
}

TEST(AssessmentRequests, AListingNeedsAQuarterAndAKnownGrade) {
  v1::ListAssessmentsRequest req;
  req.set_year(2026);
  req.set_quarter(5);
  EXPECT_EQ(FieldOf(CheckListAssessments(req)), "quarter");
  req.set_quarter(1);
  req.set_grade(static_cast<v1::Grade>(99));
  EXPECT_EQ(FieldOf(CheckListAssessments(req)), "grade");
  EXPECT_EQ(FieldOf(CheckAssessmentKey(2026, 1, "")), "staff_id");
}

v1::RecordAccountabilityRequest Direct() {
  v1::RecordAccountabilityRequest req;
  req.set_number("TS-202603-000004");
  req.set_staff_id("S0022");
  req.set_cause(v1::ACCOUNTABILITY_CAUSE_DELAY);
  req.set_severity(v1::ACCOUNTABILITY_SEVERITY_MINOR);
  req.set_measure(v1::ACCOUNTABILITY_MEASURE_WARNING);
  req.set_decided_by_staff_id("S0002");
  *req.mutable_decided_at() = time::ToProto(Shanghai(2026, 3, 20));
  return req;
}

TEST(AccountabilityRequests, ADirectRecordNamesTheComplaintWhomCauseAndSeverity) {
  EXPECT_EQ(FieldOf(CheckRecordAccountability(Direct(), kNow).status()), "");
  auto req = Direct();
  req.clear_staff_id();
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "staff_id");
  req.set_department_id("engineering");  // a department is enough
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "");
  req = Direct();
  req.set_cause(v1::ACCOUNTABILITY_CAUSE_UNSPECIFIED);
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "cause");
  req = Direct();
  req.clear_number();
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "number");
}

TEST(AccountabilityRequests, AConfirmationMayLeaveTheRestToTheSuggestionButNotTheMeasure) {
  v1::RecordAccountabilityRequest req;
  req.set_suggestion_id(7);
  req.set_decided_by_staff_id("S0002");
  *req.mutable_decided_at() = time::ToProto(Shanghai(2026, 3, 20));
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "measure");
  req.set_measure(v1::ACCOUNTABILITY_MEASURE_CRITICISM_AND_EDUCATION);
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "");
  req.set_suggestion_id(-1);
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "suggestion_id");
}

TEST(AccountabilityRequests, ARecordsNoteIsValidTextOfAtMost500Characters) {
  auto req = Direct();
  req.set_note(std::string("\xff\xfe", 2));
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "note");
  req.set_note(std::string(kMaxNoteChars + 1, 'x'));
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "note");
  req.set_note("首次超時，批評教育\n第二行");
  EXPECT_EQ(FieldOf(CheckRecordAccountability(req, kNow).status()), "");
}

TEST(AccountabilityRequests, AListingOfRecordsNeedsAtLeastOneFilter) {
  v1::ListAccountabilityRequest req;
  EXPECT_EQ(FieldOf(CheckListAccountability(req)), "staff_id");
  req.set_year(2026);
  EXPECT_EQ(FieldOf(CheckListAccountability(req)), "quarter");
  req.set_quarter(1);
  EXPECT_EQ(FieldOf(CheckListAccountability(req)), "");
}

}  // namespace
}  // namespace tousu::staff::assessment
