// Training (staff-assessment service): training courses, course-set, plans, plan-set, enrol,
// complete, status.

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/tousuctl/commands_assessment.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_staff.h"
#include "tools/tousuctl/time_text.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

namespace sv1 = complaints::staff::v1;
using AssessmentStub = sv1::AssessmentService::Stub;

// An optional --role filter; UNSPECIFIED when absent.
absl::StatusOr<sv1::StaffRole> RoleFilter(const Call& c) {
  auto v = c.args.Get("role");
  if (!v.has_value()) return sv1::STAFF_ROLE_UNSPECIFIED;
  return ParseEnumAs<sv1::StaffRole>(*v, "--role");
}

std::string OutcomeText(sv1::UpsertOutcome outcome) {
  switch (outcome) {
    case sv1::UPSERT_OUTCOME_CREATED:
      return "created";
    case sv1::UPSERT_OUTCOME_UPDATED:
      return "updated";
    case sv1::UPSERT_OUTCOME_UNCHANGED:
      return "unchanged (already so)";
    default:
      return "stored";
  }
}

int RunTrainingCourses(Call& c) {
  sv1::ListTrainingCoursesRequest request;
  auto role = RoleFilter(c);
  if (!role.ok()) return UsageError(c, role.status());
  request.set_target_role(*role);
  return CallAndPrint(
      c, AssessmentApi(c), &AssessmentStub::ListTrainingCourses, request,
      [](const sv1::ListTrainingCoursesResponse& r) { return RenderCourses(r.courses()); });
}

int RunTrainingCourseSet(Call& c) {
  sv1::UpsertTrainingCourseRequest request;
  sv1::TrainingCourse* course = request.mutable_course();
  course->set_id(Lower(c.args.positional[0]));
  auto title = TextFlag(c, "title");
  if (!title.ok()) return UsageError(c, title.status());
  course->set_title(*title);
  auto topic = TextFlag(c, "topic");
  if (!topic.ok()) return UsageError(c, topic.status());
  course->set_topic(*topic);
  auto role = ParseEnumAs<sv1::StaffRole>(c.args.GetOr("role", ""), "--role");
  if (!role.ok()) return UsageError(c, role.status());
  course->set_target_role(*role);
  double hours = 0;
  const std::string hours_text = c.args.GetOr("hours", "");
  if (!absl::SimpleAtod(hours_text, &hours) || !std::isfinite(hours) || hours <= 0 || hours > 200) {
    return UsageError(
        c, absl::InvalidArgumentError(absl::StrCat(
               "--hours \"", hours_text, "\": a number of hours, more than 0 and at most 200")));
  }
  course->set_hours(hours);
  return CallAndPrint(c, AssessmentApi(c), &AssessmentStub::UpsertTrainingCourse, request,
                      [](const sv1::UpsertTrainingCourseResponse& response) {
                        google::protobuf::RepeatedPtrField<sv1::TrainingCourse> one;
                        *one.Add() = response.course();
                        return absl::StrCat("Course ", response.course().id(), " ",
                                            OutcomeText(response.outcome()), ".\n\n",
                                            RenderCourses(one));
                      });
}

int RunTrainingPlans(Call& c) {
  sv1::ListTrainingPlansRequest request;
  auto role = RoleFilter(c);
  if (!role.ok()) return UsageError(c, role.status());
  request.set_role(*role);
  return CallAndPrint(
      c, AssessmentApi(c), &AssessmentStub::ListTrainingPlans, request,
      [](const sv1::ListTrainingPlansResponse& r) { return RenderPlans(r.plans()); });
}

int RunTrainingPlanSet(Call& c) {
  sv1::UpsertTrainingPlanRequest request;
  sv1::TrainingPlan* plan = request.mutable_plan();
  plan->set_id(Lower(c.args.positional[0]));
  auto name = TextFlag(c, "name");
  if (!name.ok()) return UsageError(c, name.status());
  plan->set_name(*name);
  auto role = ParseEnumAs<sv1::StaffRole>(c.args.GetOr("role", ""), "--role");
  if (!role.ok()) return UsageError(c, role.status());
  plan->set_role(*role);
  for (const std::string& course : c.args.List("course")) {
    const std::string id = Lower(course);
    if (id.empty()) {
      return UsageError(c, absl::InvalidArgumentError("--course: a course id cannot be empty"));
    }
    plan->add_course_ids(id);
  }
  return CallAndPrint(c, AssessmentApi(c), &AssessmentStub::UpsertTrainingPlan, request,
                      [](const sv1::UpsertTrainingPlanResponse& response) {
                        google::protobuf::RepeatedPtrField<sv1::TrainingPlan> one;
                        *one.Add() = response.plan();
                        return absl::StrCat("Plan ", response.plan().id(), " ",
                                            OutcomeText(response.outcome()), ".\n\n",
                                            RenderPlans(one));
                      });
}

int RunTrainingEnrol(Call& c) {
  sv1::EnrolRequest request;
  request.set_staff_id(Upper(c.args.positional[0]));
  request.set_plan_id(Lower(c.args.GetOr("plan", "")));
  request.set_course_id(Lower(c.args.GetOr("course", "")));
  if (request.plan_id().empty() == request.course_id().empty()) {
    return UsageError(c, absl::InvalidArgumentError("--plan or --course: give exactly one"));
  }
  return CallAndPrint(c, AssessmentApi(c), &AssessmentStub::Enrol, request,
                      [&](const sv1::EnrolResponse& response) {
                        return absl::StrCat(request.staff_id(), ": ", response.newly_enrolled(),
                                            " new enrolment(s), ",
                                            response.enrolments_size() - response.newly_enrolled(),
                                            " already there.\n\n",
                                            RenderEnrolments(response.enrolments()));
                      });
}

int RunTrainingComplete(Call& c) {
  sv1::RecordTrainingCompletionRequest request;
  request.set_staff_id(Upper(c.args.positional[0]));
  request.set_course_id(Lower(c.args.GetOr("course", "")));
  auto result = ParseEnumAs<sv1::TrainingResult>(c.args.GetOr("result", ""), "--result");
  if (!result.ok()) return UsageError(c, result.status());
  request.set_result(*result);
  auto at = ParseInstant(c.args.GetOr("at", "now"), "--at", c.env.now());
  if (!at.ok()) return UsageError(c, at.status());
  *request.mutable_completed_at() = ToProto(*at);
  return CallAndPrint(c, AssessmentApi(c), &AssessmentStub::RecordTrainingCompletion, request,
                      [&](const sv1::RecordTrainingCompletionResponse& response) {
                        google::protobuf::RepeatedPtrField<sv1::Enrolment> one;
                        *one.Add() = response.enrolment();
                        return absl::StrCat("Recorded: ", request.staff_id(), " completed ",
                                            request.course_id(), " (", EnumName(request.result()),
                                            ").\n\n", RenderEnrolments(one));
                      });
}

int RunTrainingStatus(Call& c) {
  sv1::ListTrainingStatusRequest request;
  if (!c.args.positional.empty()) request.set_staff_id(Upper(c.args.positional[0]));
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (request.staff_id().empty() == request.department_id().empty()) {
    return UsageError(c, absl::InvalidArgumentError(
                             "training status takes STAFF_ID or --department DEPT (exactly one)"));
  }
  return CallAndPrint(c, AssessmentApi(c), &AssessmentStub::ListTrainingStatus, request,
                      RenderTrainingStatus);
}

}  // namespace

std::vector<Verb> TrainingVerbs() {
  return {
      {.name = "training courses",
       .group = "Training (staff-assessment service)",
       .summary = "the training courses, optionally of one role",
       .description = "Lists the courses (policy §9.1) ordered by id.",
       .flags = {{.name = "role",
                  .value_name = "ROLE",
                  .help = OneOf(EnumNames<sv1::StaffRole>())}},
       .examples = {"tousuctl training courses --role handler"},
       .run = RunTrainingCourses},
      {.name = "training course-set",
       .group = "Training (staff-assessment service)",
       .usage_args = "COURSE_ID",
       .summary = "create or replace a training course",
       .description =
           "Creates the course or replaces it (the same values again change nothing). A course\n"
           "id is 1-32 of a-z, 0-9 and '-', starting with a letter.",
       .flags =
           {{.name = "title", .value_name = "TEXT", .help = "what it is called", .required = true},
            {.name = "topic",
             .value_name = "TEXT",
             .help = "what it teaches, e.g. 沟通技巧",
             .required = true},
            {.name = "role",
             .value_name = "ROLE",
             .help = "the role it is for: " + OneOf(EnumNames<sv1::StaffRole>()),
             .required = true},
            {.name = "hours",
             .value_name = "H",
             .help = "length, more than 0 and at most 200",
             .required = true}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl training course-set handler-escalation --title 升级投诉处理 \\\n"
                    "    --topic 复杂投诉 --role handler --hours 4"},
       .run = RunTrainingCourseSet},
      {.name = "training plans",
       .group = "Training (staff-assessment service)",
       .summary = "the training plans (one per role) and their courses",
       .description = "Lists the plans ordered by id. A person graded below the bar is enrolled\n"
                      "in their role's plan.",
       .flags = {{.name = "role",
                  .value_name = "ROLE",
                  .help = OneOf(EnumNames<sv1::StaffRole>())}},
       .examples = {"tousuctl training plans --role handler"},
       .run = RunTrainingPlans},
      {.name = "training plan-set",
       .group = "Training (staff-assessment service)",
       .usage_args = "PLAN_ID",
       .summary = "create or replace a role's training plan",
       .description =
           "Creates the plan or replaces it; each course must exist, and a role has one\n"
           "plan.",
       .flags =
           {{.name = "name", .value_name = "TEXT", .help = "what it is called", .required = true},
            {.name = "role",
             .value_name = "ROLE",
             .help = "the role it is for: " + OneOf(EnumNames<sv1::StaffRole>()),
             .required = true},
            {.name = "course",
             .value_name = "COURSE_ID,...",
             .help = "its courses in order, comma-separated (or --course repeated)",
             .required = true,
             .repeatable = true}},
       .min_args = 1,
       .max_args = 1,
       .examples =
           {"tousuctl training plan-set plan-handler --name 处理人员培训 --role handler \\\n"
            "    --course handler-customer-communication,handler-investigation"},
       .run = RunTrainingPlanSet},
      {.name = "training enrol",
       .group = "Training (staff-assessment service)",
       .usage_args = "STAFF_ID",
       .summary = "enrol a person in a plan's courses or in one course",
       .description = "Enrolling twice in the same course changes nothing.",
       .flags = {{.name = "plan", .value_name = "PLAN_ID", .help = "every course of this plan"},
                 {.name = "course", .value_name = "COURSE_ID", .help = "this one course"}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl training enrol S0022 --plan plan-handler"},
       .run = RunTrainingEnrol},
      {.name = "training complete",
       .group = "Training (staff-assessment service)",
       .usage_args = "STAFF_ID",
       .summary = "record that a person completed a course, with date and result",
       .description = "The person must be enrolled in the course. Recording again replaces the\n"
                      "earlier result (a retake).",
       .flags =
           {{.name = "course", .value_name = "COURSE_ID", .help = "the course", .required = true},
            {.name = "result",
             .value_name = "RESULT",
             .help = OneOf(EnumNames<sv1::TrainingResult>()),
             .required = true},
            {.name = "at", .value_name = "TIME", .help = "when (default now), not in the future"}},
       .min_args = 1,
       .max_args = 1,
       .examples =
           {"tousuctl training complete S0022 --course handler-investigation --result passed \\\n"
            "    --at \"2027-04-20 17:00\""},
       .run = RunTrainingComplete},
      {.name = "training status",
       .group = "Training (staff-assessment service)",
       .usage_args = "[STAFF_ID]",
       .summary = "the training of one person or of everyone in a department",
       .description = "Per person: enrolled, completed, passed and open courses, then every\n"
                      "enrolment with why it was made (manual, or an assessment's quarter).",
       .flags = {{.name = "department",
                  .value_name = "DEPT",
                  .help = "everyone in this department"}},
       .max_args = 1,
       .examples = {"tousuctl training status S0022",
                    "tousuctl training status --department engineering"},
       .run = RunTrainingStatus},
  };
}

}  // namespace tousu::ctl
