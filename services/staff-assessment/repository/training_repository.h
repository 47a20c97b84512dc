#pragma once
// SQL of training (policy §9.1): courses, the plan of each role and enrolments; prepared statements
// only. Every function runs inside the caller's transaction and throws sql::SQLException like any
// statement (RunInTransaction maps it). The API messages are the model, as in the directory.

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "complaints/staff/v1/assessment.pb.h"

namespace tousu::staff::repository {

namespace v1 = ::complaints::staff::v1;

std::optional<v1::TrainingCourse> FindCourse(db::Transaction& tx, const std::string& id,
                                             bool for_update);
void SaveCourse(db::Transaction& tx, const v1::TrainingCourse& course, bool exists);
// role "" : every role.
std::vector<v1::TrainingCourse> ListCourses(db::Transaction& tx, const std::string& role);

std::optional<v1::TrainingPlan> FindPlan(db::Transaction& tx, const std::string& id,
                                         bool for_update);
std::optional<v1::TrainingPlan> FindPlanForRole(db::Transaction& tx, const std::string& role);
void SavePlan(db::Transaction& tx, const v1::TrainingPlan& plan, const std::string& role,
              bool exists);
std::vector<v1::TrainingPlan> ListPlans(db::Transaction& tx, const std::string& role);

// Creates the enrolment unless the person is already enrolled in the course; true if created.
bool Enrol(db::Transaction& tx, const v1::Enrolment& enrolment, absl::Time now);
std::optional<v1::Enrolment> FindEnrolment(db::Transaction& tx, const std::string& staff_id,
                                           const std::string& course_id, bool for_update);
void CompleteEnrolment(db::Transaction& tx, const std::string& staff_id,
                       const std::string& course_id, absl::Time at, const std::string& result);
// Enrolments of the given people, ordered by staff id then course id.
std::vector<v1::Enrolment> EnrolmentsOf(db::Transaction& tx, const std::string& staff_id,
                                        const std::string& department_id);

}  // namespace tousu::staff::repository
