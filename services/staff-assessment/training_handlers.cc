// AssessmentService's training RPCs (policy §9.1): the course catalogue, one training plan per
// role, enrolments (by hand here, by the quarterly assessment for a grade below the bar) and their
// completion.

#include <google/protobuf/util/message_differencer.h>

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/db/transaction.h"
#include "services/staff-assessment/assessment_service.h"
#include "services/staff-assessment/domain/assessment_requests.h"
#include "services/staff-assessment/handler_support.h"
#include "services/staff-assessment/repository/directory_repository.h"
#include "services/staff-assessment/repository/training_repository.h"

namespace tousu::staff {
namespace {

using google::protobuf::util::MessageDifferencer;
using server::RunUnary;

// The caller's fields only, so a field this build does not store never counts as a change.
v1::TrainingCourse CourseFields(const v1::TrainingCourse& c) {
  v1::TrainingCourse course;
  course.set_id(c.id());
  course.set_title(c.title());
  course.set_topic(c.topic());
  course.set_target_role(c.target_role());
  course.set_hours(c.hours());
  return course;
}

v1::TrainingPlan PlanFields(const v1::TrainingPlan& p) {
  v1::TrainingPlan plan;
  plan.set_id(p.id());
  plan.set_name(p.name());
  plan.set_role(p.role());
  *plan.mutable_course_ids() = p.course_ids();
  return plan;
}

// The courses an enrolment request names: the plan's, or the one course.
absl::StatusOr<std::vector<std::string>> CoursesToEnrol(db::Transaction& tx,
                                                        const v1::EnrolRequest& req) {
  if (!req.plan_id().empty()) {
    auto plan = repository::FindPlan(tx, req.plan_id(), false);
    if (!plan) return NotFound("plan_id", "no plan \"" + req.plan_id() + "\"");
    return std::vector<std::string>(plan->course_ids().begin(), plan->course_ids().end());
  }
  if (!repository::FindCourse(tx, req.course_id(), false)) {
    return NotFound("course_id", "no course \"" + req.course_id() + "\"");
  }
  return std::vector<std::string>{req.course_id()};
}

// One person's line of the training status: their enrolments and the counts of them.
void AddStatus(const v1::Staff& person, std::vector<v1::Enrolment>& enrolments,
               v1::ListTrainingStatusResponse* resp) {
  auto* out = resp->add_people();
  out->set_staff_id(person.id());
  out->set_role(person.role());
  out->set_department_id(person.department_id());
  for (auto& e : enrolments) {
    if (e.completed()) {
      out->set_completed(out->completed() + 1);
      if (e.result() == v1::TRAINING_RESULT_PASSED) out->set_passed(out->passed() + 1);
    } else {
      out->set_open(out->open() + 1);
    }
    *out->add_enrolments() = std::move(e);
  }
}

}  // namespace

grpc::ServerUnaryReactor* AssessmentService::UpsertTrainingCourse(
    grpc::CallbackServerContext* ctx, const v1::UpsertTrainingCourseRequest* req,
    v1::UpsertTrainingCourseResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckUpsertTrainingCourse(*req); !s.ok()) return s;
    const v1::TrainingCourse course = CourseFields(req->course());
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto stored = repository::FindCourse(tx, course.id(), /*for_update=*/true);
      const bool changed = !stored || !MessageDifferencer::Equals(*stored, course);
      if (changed) repository::SaveCourse(tx, course, stored.has_value());
      *resp->mutable_course() = course;
      resp->set_outcome(OutcomeOf(stored.has_value(), changed));
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AssessmentService::ListTrainingCourses(
    grpc::CallbackServerContext* ctx, const v1::ListTrainingCoursesRequest* req,
    v1::ListTrainingCoursesResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckListTrainingCourses(*req); !s.ok()) return s;
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      for (auto& c : repository::ListCourses(tx, RoleText(req->target_role()))) {
        *resp->add_courses() = std::move(c);
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AssessmentService::UpsertTrainingPlan(
    grpc::CallbackServerContext* ctx, const v1::UpsertTrainingPlanRequest* req,
    v1::UpsertTrainingPlanResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckUpsertTrainingPlan(*req); !s.ok()) return s;
    const v1::TrainingPlan plan = PlanFields(req->plan());
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      for (int i = 0; i < plan.course_ids_size(); ++i) {
        if (!repository::FindCourse(tx, plan.course_ids(i), false)) {
          return NotFound(absl::StrCat("plan.course_ids[", i, "]"),
                          "no course \"" + plan.course_ids(i) + "\"");
        }
      }
      // One plan per role: it is what a grade below the bar enrols the person in.
      auto for_role = repository::FindPlanForRole(tx, RoleText(plan.role()));
      if (for_role && for_role->id() != plan.id()) {
        return absl::FailedPreconditionError("plan.role: the role already has plan \"" +
                                             for_role->id() + "\"");
      }
      auto stored = repository::FindPlan(tx, plan.id(), /*for_update=*/true);
      const bool changed = !stored || !MessageDifferencer::Equals(*stored, plan);
      if (changed) repository::SavePlan(tx, plan, RoleText(plan.role()), stored.has_value());
      *resp->mutable_plan() = plan;
      resp->set_outcome(OutcomeOf(stored.has_value(), changed));
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AssessmentService::ListTrainingPlans(
    grpc::CallbackServerContext* ctx, const v1::ListTrainingPlansRequest* req,
    v1::ListTrainingPlansResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckListTrainingPlans(*req); !s.ok()) return s;
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      for (auto& p : repository::ListPlans(tx, RoleText(req->role()))) {
        *resp->add_plans() = std::move(p);
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AssessmentService::Enrol(grpc::CallbackServerContext* ctx,
                                                   const v1::EnrolRequest* req,
                                                   v1::EnrolResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckEnrol(*req); !s.ok()) return s;
    int created = 0;
    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      created = 0;
      if (!repository::FindStaff(tx, req->staff_id(), repository::Lock::kShare)) {
        return NotFound("staff_id", "no staff member \"" + req->staff_id() + "\"");
      }
      auto courses = CoursesToEnrol(tx, *req);
      if (!courses.ok()) return courses.status();
      const absl::Time now = Now();
      for (const auto& course : *courses) {
        v1::Enrolment e;
        e.set_staff_id(req->staff_id());
        e.set_course_id(course);
        e.set_plan_id(req->plan_id());
        e.set_reason("manual");
        if (repository::Enrol(tx, e, now)) ++created;
        *resp->add_enrolments() = *repository::FindEnrolment(tx, req->staff_id(), course, false);
      }
      resp->set_newly_enrolled(created);
      return absl::OkStatus();
    });
    if (s.ok() && created > 0) enrolments_.With({"manual"}).Increment(created);
    return s;
  });
}

grpc::ServerUnaryReactor* AssessmentService::RecordTrainingCompletion(
    grpc::CallbackServerContext* ctx, const v1::RecordTrainingCompletionRequest* req,
    v1::RecordTrainingCompletionResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    auto at = assessment::CheckRecordTrainingCompletion(*req, Now());
    if (!at.ok()) return at.status();
    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto e = repository::FindEnrolment(tx, req->staff_id(), req->course_id(), true);
      if (!e) {
        return absl::FailedPreconditionError("course_id: " + req->staff_id() +
                                             " is not enrolled in \"" + req->course_id() + "\"");
      }
      repository::CompleteEnrolment(tx, req->staff_id(), req->course_id(), *at,
                                    std::string(assessment::ResultName(req->result())));
      *resp->mutable_enrolment() =
          *repository::FindEnrolment(tx, req->staff_id(), req->course_id(), false);
      return absl::OkStatus();
    });
    if (s.ok()) {
      completions_.With({req->result() == v1::TRAINING_RESULT_PASSED ? "passed" : "failed"})
          .Increment();
    }
    return s;
  });
}

grpc::ServerUnaryReactor* AssessmentService::ListTrainingStatus(
    grpc::CallbackServerContext* ctx, const v1::ListTrainingStatusRequest* req,
    v1::ListTrainingStatusResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckListTrainingStatus(*req); !s.ok()) return s;
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      std::vector<v1::Staff> people;
      if (!req->staff_id().empty()) {
        auto person = repository::FindStaff(tx, req->staff_id(), repository::Lock::kNone);
        if (!person) return NotFound("staff_id", "no staff member \"" + req->staff_id() + "\"");
        people.push_back(*person);
      } else {
        if (!repository::FindDepartment(tx, req->department_id(), repository::Lock::kNone)) {
          return NotFound("department_id", "no department \"" + req->department_id() + "\"");
        }
        people = repository::ListStaff(tx, {req->department_id(), v1::STAFF_ROLE_UNSPECIFIED, {}},
                                       "", 100000);
      }
      std::map<std::string, std::vector<v1::Enrolment>> by_person;
      for (auto& e : repository::EnrolmentsOf(tx, req->staff_id(), req->department_id())) {
        by_person[e.staff_id()].push_back(std::move(e));
      }
      for (const auto& person : people) AddStatus(person, by_person[person.id()], resp);
      return absl::OkStatus();
    });
  });
}

}  // namespace tousu::staff
