#include "services/staff-assessment/domain/assessment_requests.h"

#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/events/event_time.h"
#include "common/validation/text.h"
#include "services/staff-assessment/domain/assessment.h"
#include "services/staff-assessment/domain/directory.h"

namespace tousu::staff::assessment {
namespace {

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(field + ": " + what);
}

// A time the caller must give: set, valid, storable and not in the future.
absl::StatusOr<absl::Time> PastTime(const std::string& field, bool has,
                                    const google::protobuf::Timestamp& ts, absl::Time now) {
  if (!has) return Invalid(field, "is required");
  auto t = events::UsableEventTime(ts);
  if (!t) return Invalid(field, "must be a valid time");
  if (*t > now + kClockSkew) return Invalid(field, "must not be in the future");
  return *t;
}

absl::Status CheckRole(const std::string& field, v1::StaffRole role) {
  if (role == v1::STAFF_ROLE_UNSPECIFIED || !v1::StaffRole_IsValid(role)) {
    return Invalid(field, "must be a staff role");
  }
  return absl::OkStatus();
}

// A role filter: UNSPECIFIED for every role.
absl::Status CheckRoleFilter(const std::string& field, v1::StaffRole role) {
  return role == v1::STAFF_ROLE_UNSPECIFIED ? absl::OkStatus() : CheckRole(field, role);
}

// Course and plan ids follow the department slug rule.
absl::Status CheckSlug(const std::string& field, const std::string& id) {
  return CheckDepartmentId(field, id);
}

absl::Status CheckTitle(const std::string& field, const std::string& value) {
  return validation::CheckText(field, value, {.required = true, .max_chars = kMaxTitleChars});
}

// Optional filters are checked only when given.
absl::Status CheckOptionalStaffId(const std::string& field, const std::string& id) {
  return id.empty() ? absl::OkStatus() : CheckStaffId(field, id);
}
absl::Status CheckOptionalDepartmentId(const std::string& field, const std::string& id) {
  return id.empty() ? absl::OkStatus() : CheckDepartmentId(field, id);
}
absl::Status CheckOptionalNumber(const std::string& field, const std::string& number) {
  return number.empty() ? absl::OkStatus() : validation::CheckComplaintNumber(field, number);
}

}  // namespace

// ---- Training -----------------------------------------------------------------------------------

absl::Status CheckUpsertTrainingCourse(const v1::UpsertTrainingCourseRequest& req) {
  const v1::TrainingCourse& c = req.course();
  if (auto s = CheckSlug("course.id", c.id()); !s.ok()) return s;
  if (auto s = CheckTitle("course.title", c.title()); !s.ok()) return s;
  if (auto s = CheckTitle("course.topic", c.topic()); !s.ok()) return s;
  if (auto s = CheckRole("course.target_role", c.target_role()); !s.ok()) return s;
  if (!std::isfinite(c.hours()) || c.hours() <= 0 || c.hours() > 200) {
    return Invalid("course.hours", "must be more than 0 and at most 200");
  }
  return absl::OkStatus();
}

absl::Status CheckListTrainingCourses(const v1::ListTrainingCoursesRequest& req) {
  return CheckRoleFilter("target_role", req.target_role());
}

absl::Status CheckUpsertTrainingPlan(const v1::UpsertTrainingPlanRequest& req) {
  const v1::TrainingPlan& p = req.plan();
  if (auto s = CheckSlug("plan.id", p.id()); !s.ok()) return s;
  if (auto s = CheckTitle("plan.name", p.name()); !s.ok()) return s;
  if (auto s = CheckRole("plan.role", p.role()); !s.ok()) return s;
  if (p.course_ids_size() == 0) return Invalid("plan.course_ids", "at least one course");
  std::set<std::string> seen;
  for (int i = 0; i < p.course_ids_size(); ++i) {
    const std::string field = absl::StrCat("plan.course_ids[", i, "]");
    if (auto s = CheckSlug(field, p.course_ids(i)); !s.ok()) return s;
    if (!seen.insert(p.course_ids(i)).second) return Invalid(field, "is listed twice");
  }
  return absl::OkStatus();
}

absl::Status CheckListTrainingPlans(const v1::ListTrainingPlansRequest& req) {
  return CheckRoleFilter("role", req.role());
}

absl::Status CheckEnrol(const v1::EnrolRequest& req) {
  if (auto s = CheckStaffId("staff_id", req.staff_id()); !s.ok()) return s;
  if (req.plan_id().empty() == req.course_id().empty()) {
    return Invalid("plan_id", "give exactly one of plan_id and course_id");
  }
  return req.plan_id().empty() ? CheckSlug("course_id", req.course_id())
                               : CheckSlug("plan_id", req.plan_id());
}

absl::StatusOr<absl::Time> CheckRecordTrainingCompletion(
    const v1::RecordTrainingCompletionRequest& req, absl::Time now) {
  if (auto s = CheckStaffId("staff_id", req.staff_id()); !s.ok()) return s;
  if (auto s = CheckSlug("course_id", req.course_id()); !s.ok()) return s;
  auto at = PastTime("completed_at", req.has_completed_at(), req.completed_at(), now);
  if (!at.ok()) return at.status();
  if (req.result() != v1::TRAINING_RESULT_PASSED && req.result() != v1::TRAINING_RESULT_FAILED) {
    return Invalid("result", "must be TRAINING_RESULT_PASSED or TRAINING_RESULT_FAILED");
  }
  return *at;
}

absl::Status CheckListTrainingStatus(const v1::ListTrainingStatusRequest& req) {
  if (req.staff_id().empty() == req.department_id().empty()) {
    return Invalid("staff_id", "give exactly one of staff_id and department_id");
  }
  return req.staff_id().empty() ? CheckDepartmentId("department_id", req.department_id())
                                : CheckStaffId("staff_id", req.staff_id());
}

// ---- The quarterly assessment -------------------------------------------------------------------

absl::Status CheckAssessmentKey(int year, int quarter, const std::string& staff_id) {
  if (auto s = CheckQuarter(year, quarter); !s.ok()) return s;
  return CheckStaffId("staff_id", staff_id);
}

absl::Status CheckListAssessments(const v1::ListAssessmentsRequest& req) {
  if (auto s = CheckQuarter(req.year(), req.quarter()); !s.ok()) return s;
  if (auto s = CheckOptionalDepartmentId("department_id", req.department_id()); !s.ok()) return s;
  if (!v1::Grade_IsValid(req.grade())) return Invalid("grade", "unknown grade");
  return absl::OkStatus();
}

// ---- Accountability -----------------------------------------------------------------------------

absl::Status CheckListAccountabilitySuggestions(
    const v1::ListAccountabilitySuggestionsRequest& req) {
  if (!v1::SuggestionStatus_IsValid(req.status())) return Invalid("status", "unknown status");
  if (auto s = CheckOptionalStaffId("staff_id", req.staff_id()); !s.ok()) return s;
  return CheckOptionalNumber("number", req.number());
}

absl::StatusOr<absl::Time> CheckRecordAccountability(const v1::RecordAccountabilityRequest& req,
                                                     absl::Time now) {
  if (req.suggestion_id() < 0) return Invalid("suggestion_id", "must not be negative");
  const bool direct = req.suggestion_id() == 0;
  if (direct || !req.number().empty()) {
    if (auto s = validation::CheckComplaintNumber("number", req.number()); !s.ok()) return s;
  }
  if (auto s = CheckOptionalStaffId("staff_id", req.staff_id()); !s.ok()) return s;
  if (auto s = CheckOptionalDepartmentId("department_id", req.department_id()); !s.ok()) return s;
  if (direct && req.staff_id().empty() && req.department_id().empty()) {
    return Invalid("staff_id", "name the responsible staff member or department");
  }
  if (!v1::AccountabilityCause_IsValid(req.cause()) ||
      (direct && req.cause() == v1::ACCOUNTABILITY_CAUSE_UNSPECIFIED)) {
    return Invalid("cause", "must be one of the accountability causes");
  }
  if (!v1::AccountabilitySeverity_IsValid(req.severity()) ||
      (direct && req.severity() == v1::ACCOUNTABILITY_SEVERITY_UNSPECIFIED)) {
    return Invalid("severity", "must be MINOR or SERIOUS");
  }
  if (!v1::AccountabilityMeasure_IsValid(req.measure()) ||
      req.measure() == v1::ACCOUNTABILITY_MEASURE_UNSPECIFIED) {
    return Invalid("measure", "is required: one of the accountability measures");
  }
  if (auto s = CheckStaffId("decided_by_staff_id", req.decided_by_staff_id()); !s.ok()) return s;
  auto decided_at = PastTime("decided_at", req.has_decided_at(), req.decided_at(), now);
  if (!decided_at.ok()) return decided_at.status();
  if (auto s = validation::CheckText(
          "note", req.note(),
          {.required = false, .max_chars = kMaxNoteChars, .allow_newlines = true});
      !s.ok()) {
    return s;
  }
  return *decided_at;
}

absl::Status CheckListAccountability(const v1::ListAccountabilityRequest& req) {
  if (auto s = CheckOptionalStaffId("staff_id", req.staff_id()); !s.ok()) return s;
  if (auto s = CheckOptionalDepartmentId("department_id", req.department_id()); !s.ok()) return s;
  if (auto s = CheckOptionalNumber("number", req.number()); !s.ok()) return s;
  const bool by_quarter = req.year() != 0 || req.quarter() != 0;
  if (by_quarter) {
    if (auto s = CheckQuarter(req.year(), req.quarter()); !s.ok()) return s;
  }
  if (req.staff_id().empty() && req.department_id().empty() && req.number().empty() &&
      !by_quarter) {
    return Invalid("staff_id",
                   "give at least one filter (staff_id, department_id, number, year and quarter)");
  }
  return absl::OkStatus();
}

}  // namespace tousu::staff::assessment
