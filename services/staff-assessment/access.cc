#include "services/staff-assessment/access.h"

namespace tousu::staff {

using namespace auth::role;

auth::AccessTable StaffAccessTable() {
  const std::vector<std::string> staff_and_services = auth::StaffAndServiceRoles();
  constexpr char kAssessmentService[] = "complaints.staff.v1.AssessmentService";
  constexpr char kStaffService[] = "complaints.staff.v1.StaffService";
  auth::AccessTable t;
  t.Allow(kStaffService, "UpsertDepartment", {kHr, kManager});
  t.Allow(kStaffService, "GetDepartment", staff_and_services);
  t.Allow(kStaffService, "ListDepartments", staff_and_services);
  t.Allow(kStaffService, "UpsertStaff", {kHr, kManager});
  t.Allow(kStaffService, "GetStaff", staff_and_services);
  t.Allow(kStaffService, "ListStaff", staff_and_services);
  t.Allow(kAssessmentService, "UpsertTrainingCourse", {kHr});
  t.Allow(kAssessmentService, "ListTrainingCourses", {kHr, kManager, kSupervisor});
  t.Allow(kAssessmentService, "UpsertTrainingPlan", {kHr});
  t.Allow(kAssessmentService, "ListTrainingPlans", {kHr, kManager, kSupervisor});
  t.Allow(kAssessmentService, "Enrol", {kHr});
  t.Allow(kAssessmentService, "RecordTrainingCompletion", {kHr});
  t.Allow(kAssessmentService, "ListTrainingStatus", {kHr, kManager, kSupervisor});
  t.Allow(kAssessmentService, "RunQuarterlyAssessment", {kHr, kManager});
  t.Allow(kAssessmentService, "GetAssessment", {kHr, kManager, kSupervisor});
  t.Allow(kAssessmentService, "ListAssessments", {kHr, kManager, kSupervisor});
  t.Allow(kAssessmentService, "ExplainAssessment", {kHr, kManager, kSupervisor});
  t.Allow(kAssessmentService, "ListAccountabilitySuggestions", {kHr, kManager, kSupervisor});
  t.Allow(kAssessmentService, "RecordAccountability", {kHr, kManager});
  t.Allow(kAssessmentService, "ListAccountability", {kHr, kManager, kSupervisor});
  return t;
}

}  // namespace tousu::staff
