#include "services/staff-assessment/assessment_service.h"

#include <google/protobuf/util/message_differencer.h>

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/time/proto_time.h"
#include "common/validation/text.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "complaints/staff/v1/events.pb.h"
#include "services/staff-assessment/repository/assessment_repository.h"
#include "services/staff-assessment/repository/directory_repository.h"

namespace tousu::staff {

namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
using assessment::Activity;
using google::protobuf::util::MessageDifferencer;
using server::RunUnary;

namespace {

constexpr size_t kMaxTitleChars = 100;
constexpr size_t kMaxNoteChars = 500;
constexpr size_t kMaxEventStaffId = 32;
constexpr size_t kMaxEventDepartmentId = 64;
// A decision a few minutes "in the future" is a clock difference between machines, not an error.
constexpr absl::Duration kClockSkew = absl::Minutes(5);

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(field + ": " + what);
}

// A timestamp an event carries, when it carries a usable one (microseconds, as DATETIME(6) keeps).
std::optional<absl::Time> UsableTime(const google::protobuf::Timestamp& ts) {
  if ((ts.seconds() == 0 && ts.nanos() == 0) || !time::IsValidTimestamp(ts)) return std::nullopt;
  const absl::Time t = time::FromProto(ts);
  if (!time::IsStorable(t)) return std::nullopt;
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

// A time the caller must give: set, valid, storable and not in the future.
absl::StatusOr<absl::Time> PastTime(const std::string& field, bool has,
                                    const google::protobuf::Timestamp& ts, absl::Time now) {
  if (!has) return Invalid(field, "is required");
  auto t = UsableTime(ts);
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

// Course and plan ids follow the department slug rule.
absl::Status CheckSlug(const std::string& field, const std::string& id) {
  return CheckDepartmentId(field, id);
}

absl::Status CheckTitle(const std::string& field, const std::string& value) {
  return validation::CheckText(field, value, {.required = true, .max_chars = kMaxTitleChars});
}

absl::Status NotFound(const std::string& field, const std::string& what) {
  return absl::NotFoundError(field + ": " + what);
}

v1::UpsertOutcome OutcomeOf(bool existed, bool changed) {
  if (!existed) return v1::UPSERT_OUTCOME_CREATED;
  return changed ? v1::UPSERT_OUTCOME_UPDATED : v1::UPSERT_OUTCOME_UNCHANGED;
}

std::string RoleText(v1::StaffRole role) { return std::string(RoleName(role)); }

absl::Status CheckAssessmentKey(int year, int quarter, const std::string& staff_id) {
  if (auto s = assessment::CheckQuarter(year, quarter); !s.ok()) return s;
  return CheckStaffId("staff_id", staff_id);
}

}  // namespace

// ---- Configuration ------------------------------------------------------------------------------

absl::StatusOr<assessment::Policy> AssessmentPolicyFromConfig(const config::Config& cfg) {
  assessment::Policy p;
  const std::pair<const char*, double*> keys[] = {
      {"WEIGHT_TIMELINESS", &p.weight_timeliness},
      {"WEIGHT_SATISFACTION", &p.weight_satisfaction},
      {"WEIGHT_EFFECTIVENESS", &p.weight_effectiveness},
      {"GRADE_EXCELLENT_AT", &p.excellent_at},
      {"GRADE_PASS_AT", &p.pass_at}};
  for (const auto& [key, slot] : keys) {
    auto value = cfg.Get(key);
    if (!value) continue;
    double x = 0;
    if (!absl::SimpleAtod(*value, &x) || !std::isfinite(x) || x < 0 || x > 100) {
      return absl::InvalidArgumentError(cfg.VariableName(key) + " must be a number from 0 to 100");
    }
    *slot = x;
  }
  if (absl::Status s = assessment::ValidatePolicy(p); !s.ok()) {
    // Name the variables, not the struct fields.
    if (p.weight_timeliness + p.weight_satisfaction + p.weight_effectiveness <= 0) {
      return absl::InvalidArgumentError(cfg.VariableName("WEIGHT_TIMELINESS") + ", " +
                                        cfg.VariableName("WEIGHT_SATISFACTION") + " and " +
                                        cfg.VariableName("WEIGHT_EFFECTIVENESS") +
                                        " must not all be 0");
    }
    if (p.pass_at <= 0) {
      return absl::InvalidArgumentError(cfg.VariableName("GRADE_PASS_AT") + " must be more than 0");
    }
    return absl::InvalidArgumentError(cfg.VariableName("GRADE_EXCELLENT_AT") +
                                      " must be at least " + cfg.VariableName("GRADE_PASS_AT"));
  }
  return p;
}

// ---- Set-up and events --------------------------------------------------------------------------

AssessmentService::AssessmentService(server::ServiceRuntime& rt, assessment::Policy policy)
    : rt_(rt),
      policy_(policy),
      runs_(rt.registry(), "tousu_staff_assessment_assessments_run_total",
            "Quarterly assessment runs committed; outcome replaced when a re-run replaced a "
            "quarter's results.",
            {"outcome"}),
      grades_(rt.registry(), "tousu_staff_assessment_grades",
              "People by grade and department in the latest run of each quarter this process made.",
              {"quarter", "department", "grade"}),
      enrolments_(rt.registry(), "tousu_staff_assessment_training_enrolments_total",
                  "Course enrolments created, by reason (manual, assessment).", {"reason"}),
      completions_(rt.registry(), "tousu_staff_assessment_training_completions_total",
                   "Training completions recorded, by result.", {"result"}),
      suggestions_(rt.registry(), "tousu_staff_assessment_accountability_suggestions_total",
                   "Accountability suggestions made by rule from the events.", {"rule"}),
      records_(rt.registry(), "tousu_staff_assessment_accountability_records_total",
               "Accountability records decided by a person, by source (suggestion, direct).",
               {"source"}),
      skipped_(rt.registry(), "tousu_staff_assessment_events_skipped_total",
               "Events acknowledged without effect because they were malformed.",
               {"event_type", "reason"}) {
  for (const char* o : {"first_run", "replaced"}) runs_.With({o});
  for (const char* r : {"manual", "assessment"}) enrolments_.With({r});
  for (const char* r : {"passed", "failed"}) completions_.With({r});
  for (const char* r : {"late_acknowledgement", "solution_deadline_missed", "callback_overdue",
                        "sales_complaint_upheld"}) {
    suggestions_.With({r});
  }
  for (const char* s : {"suggestion", "direct"}) records_.With({s});
}

absl::Time AssessmentService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(rt_.clock().Now()));
}

void AssessmentService::Skip(const cv1::Event& event, const std::string& reason) {
  log::Warn("event skipped", {{"event_type", event.event_type()}, {"reason", reason}});
  skipped_.With({event.event_type(), reason}).Increment();
}

void AssessmentService::Record(db::Transaction& tx, const Activity& row) {
  repository::InsertActivity(tx, row);
  const int category = repository::CategoryOf(tx, row.number);
  auto suggestion = assessment::SuggestFrom(row, category);
  if (!suggestion) return;
  if (repository::InsertSuggestion(tx, *suggestion, row.event_type + ":" + row.event_id, Now())) {
    tx.OnCommit([this, rule = suggestion->rule] { suggestions_.With({rule}).Increment(); });
  }
}

// Unpacks the payload, checks the fields that go into the tables, and hands `apply` an activity
// row pre-filled from the envelope. `apply(msg, row, tx)` fills the rest and returns false to store
// nothing.
template <typename Msg, typename Apply>
void AssessmentService::OnEvent(const char* type, Apply apply) {
  rt_.event_sink().On(type, [this, apply](db::Transaction& tx,
                                          const cv1::Event& event) -> absl::Status {
    Msg msg;
    if (!event.payload().UnpackTo(&msg)) {
      Skip(event, "payload");
      return absl::OkStatus();
    }
    if (!validation::CheckComplaintNumber("number", msg.number()).ok()) {
      Skip(event, "number");
      return absl::OkStatus();
    }
    if (event.event_id().empty() || event.event_id().size() > 64) {
      Skip(event, "event_id");
      return absl::OkStatus();
    }
    Activity row;
    row.event_id = event.event_id();
    row.event_type = event.event_type();
    row.number = msg.number();
    row.at = UsableTime(event.occurred_at()).value_or(Now());
    if (!apply(msg, row, tx)) return absl::OkStatus();
    if (row.staff_id.size() > kMaxEventStaffId || row.department_id.size() > kMaxEventDepartmentId) {
      Skip(event, "identifier");
      return absl::OkStatus();
    }
    Record(tx, row);
    return absl::OkStatus();
  });
}

void AssessmentService::RegisterEventHandlers() {
  using db::Transaction;
  auto at = [](const google::protobuf::Timestamp& ts, Activity& row) {
    if (auto t = UsableTime(ts)) row.at = *t;
  };
  auto sla = [](const char* kind, const google::protobuf::Timestamp& due, std::optional<bool> met,
                Activity& row) {
    auto d = UsableTime(due);
    if (!d) return;
    row.sla = kind;
    row.due = d;
    row.met = met;
  };
  auto department = [](const std::string& id) {
    return id.size() <= kMaxEventDepartmentId ? id : std::string();
  };

  // Routing: the category (for the false-advertising rule) and the acknowledgement.
  OnEvent<rv1::ComplaintRouted>("ComplaintRouted",
                                [department](const auto& m, Activity&, Transaction& tx) {
                                  repository::NoteComplaint(tx, m.number(), m.category(),
                                                            department(m.department_id()), "");
                                  return false;
                                });
  OnEvent<rv1::ComplaintAssignedBySupervisor>(
      "ComplaintAssignedBySupervisor", [department](const auto& m, Activity&, Transaction& tx) {
        repository::NoteComplaint(tx, m.number(), 0, department(m.lead_department_id()), "");
        return false;
      });
  OnEvent<rv1::ComplaintAcknowledged>(
      "ComplaintAcknowledged", [=](const auto& m, Activity& row, Transaction& tx) {
        if (m.owner_staff_id().size() > kMaxEventStaffId) return false;
        repository::NoteComplaint(tx, m.number(), m.category(), department(m.department_id()),
                                  m.owner_staff_id());
        at(m.acknowledged_at(), row);
        row.staff_id = m.owner_staff_id();
        row.role = row.staff_id.empty() ? "" : assessment::kHandler;
        row.department_id = m.department_id();
        sla(assessment::kAcknowledgement, m.ack_due(), m.on_time(), row);
        return true;
      });
  OnEvent<rv1::AcknowledgementOverdue>("AcknowledgementOverdue",
                                       [=](const auto& m, Activity& row, Transaction&) {
                                         at(m.escalated_at(), row);
                                         row.department_id = m.department_id();
                                         sla(assessment::kAcknowledgement, m.ack_due(), false, row);
                                         return true;
                                       });
  // Case-handling: the owner's solution deadline, resolution and reopening.
  OnEvent<chv1::CaseOpened>("CaseOpened", [=](const auto& m, Activity& row, Transaction& tx) {
    if (m.owner_staff_id().size() > kMaxEventStaffId) return false;
    repository::NoteComplaint(tx, m.number(), m.category(), department(m.department_id()),
                              m.owner_staff_id());
    at(m.opened_at(), row);
    row.staff_id = m.owner_staff_id();
    row.role = row.staff_id.empty() ? "" : assessment::kHandler;
    row.department_id = m.department_id();
    return !row.staff_id.empty();
  });
  OnEvent<chv1::SolutionProposed>("SolutionProposed",
                                  [=](const auto& m, Activity& row, Transaction&) {
                                    at(m.proposed_at(), row);
                                    // The deadline is met or missed by whoever proposed; older
                                    // events name only the owner.
                                    row.staff_id = m.proposed_by_staff_id().empty()
                                                       ? m.owner_staff_id()
                                                       : m.proposed_by_staff_id();
                                    row.role = assessment::kHandler;
                                    sla(assessment::kSolution, m.due(), m.on_time(), row);
                                    return !row.staff_id.empty();
                                  });
  OnEvent<chv1::SolutionDeadlineMissed>("SolutionDeadlineMissed",
                                        [=](const auto& m, Activity& row, Transaction&) {
                                          at(m.detected_at(), row);
                                          row.staff_id = m.owner_staff_id();
                                          row.role = row.staff_id.empty() ? "" : assessment::kHandler;
                                          row.department_id = m.department_id();
                                          sla(assessment::kSolution, m.due(), false, row);
                                          return true;
                                        });
  OnEvent<chv1::CaseResolved>("CaseResolved", [=](const auto& m, Activity& row, Transaction& tx) {
    repository::NoteComplaint(tx, m.number(), m.category(), department(m.department_id()), "");
    at(m.resolved_at(), row);
    row.staff_id = m.owner_staff_id();
    row.role = row.staff_id.empty() ? "" : assessment::kHandler;
    row.department_id = m.department_id();
    row.resolved = true;
    return true;
  });
  OnEvent<chv1::CaseReopened>("CaseReopened", [=](const auto& m, Activity& row, Transaction&) {
    at(m.reopened_at(), row);
    row.staff_id = m.owner_staff_id();
    row.role = row.staff_id.empty() ? "" : assessment::kHandler;
    row.department_id = m.department_id();
    row.reopened = true;
    return true;
  });
  // Follow-up: the tracker's progress updates, the callback agent's callback, the satisfaction.
  OnEvent<fv1::TrackerAssigned>("TrackerAssigned", [=](const auto& m, Activity& row, Transaction&) {
    at(m.at(), row);
    row.staff_id = m.tracker_staff_id();
    row.role = assessment::kTracker;
    return !row.staff_id.empty();
  });
  OnEvent<fv1::ProgressUpdateRecorded>("ProgressUpdateRecorded",
                                       [=](const auto& m, Activity& row, Transaction&) {
                                         at(m.at(), row);
                                         row.staff_id = m.tracker_staff_id();
                                         row.role = assessment::kTracker;
                                         sla(assessment::kProgressUpdate, m.due(), m.on_time(), row);
                                         return !row.staff_id.empty();
                                       });
  OnEvent<fv1::ProgressUpdateOverdue>("ProgressUpdateOverdue",
                                      [=](const auto& m, Activity& row, Transaction&) {
                                        at(m.detected_at(), row);
                                        row.staff_id = m.tracker_staff_id();
                                        row.role = row.staff_id.empty() ? "" : assessment::kTracker;
                                        sla(assessment::kProgressUpdate, m.due(), false, row);
                                        return true;
                                      });
  OnEvent<fv1::CallbackOverdue>("CallbackOverdue", [=](const auto& m, Activity& row, Transaction&) {
    at(m.detected_at(), row);
    row.staff_id = m.callback_agent_staff_id();
    row.role = row.staff_id.empty() ? "" : assessment::kCallbackAgent;
    sla(assessment::kCallback, m.due(), false, row);
    return true;
  });
  OnEvent<fv1::CallbackRecorded>("CallbackRecorded",
                                 [=](const auto& m, Activity& row, Transaction&) {
                                   at(m.at(), row);
                                   row.staff_id = m.callback_agent_staff_id();
                                   row.role = row.staff_id.empty() ? "" : assessment::kCallbackAgent;
                                   sla(assessment::kCallback, m.due(), m.on_time(), row);
                                   if (m.satisfaction() >= 1 && m.satisfaction() <= 5) {
                                     row.satisfaction = m.satisfaction();
                                   }
                                   return true;
                                 });
  OnEvent<fv1::CustomerUnsatisfied>("CustomerUnsatisfied",
                                    [=](const auto& m, Activity& row, Transaction&) {
                                      at(m.at(), row);
                                      row.reopened = true;
                                      return true;
                                    });
}

// ---- Training -----------------------------------------------------------------------------------

grpc::ServerUnaryReactor* AssessmentService::UpsertTrainingCourse(
    grpc::CallbackServerContext* ctx, const v1::UpsertTrainingCourseRequest* req,
    v1::UpsertTrainingCourseResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    const v1::TrainingCourse& c = req->course();
    if (auto s = CheckSlug("course.id", c.id()); !s.ok()) return s;
    if (auto s = CheckTitle("course.title", c.title()); !s.ok()) return s;
    if (auto s = CheckTitle("course.topic", c.topic()); !s.ok()) return s;
    if (auto s = CheckRole("course.target_role", c.target_role()); !s.ok()) return s;
    if (!std::isfinite(c.hours()) || c.hours() <= 0 || c.hours() > 200) {
      return Invalid("course.hours", "must be more than 0 and at most 200");
    }
    v1::TrainingCourse course;
    course.set_id(c.id());
    course.set_title(c.title());
    course.set_topic(c.topic());
    course.set_target_role(c.target_role());
    course.set_hours(c.hours());
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
    if (req->target_role() != v1::STAFF_ROLE_UNSPECIFIED) {
      if (auto s = CheckRole("target_role", req->target_role()); !s.ok()) return s;
    }
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
    const v1::TrainingPlan& p = req->plan();
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
    v1::TrainingPlan plan;
    plan.set_id(p.id());
    plan.set_name(p.name());
    plan.set_role(p.role());
    *plan.mutable_course_ids() = p.course_ids();
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      for (int i = 0; i < plan.course_ids_size(); ++i) {
        if (!repository::FindCourse(tx, plan.course_ids(i), false)) {
          return NotFound(absl::StrCat("plan.course_ids[", i, "]"),
                          "no course \"" + plan.course_ids(i) + "\"");
        }
      }
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
    if (req->role() != v1::STAFF_ROLE_UNSPECIFIED) {
      if (auto s = CheckRole("role", req->role()); !s.ok()) return s;
    }
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
    if (auto s = CheckStaffId("staff_id", req->staff_id()); !s.ok()) return s;
    if (req->plan_id().empty() == req->course_id().empty()) {
      return Invalid("plan_id", "give exactly one of plan_id and course_id");
    }
    if (!req->plan_id().empty()) {
      if (auto s = CheckSlug("plan_id", req->plan_id()); !s.ok()) return s;
    } else if (auto s = CheckSlug("course_id", req->course_id()); !s.ok()) {
      return s;
    }
    int created = 0;
    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      created = 0;
      if (!repository::FindStaff(tx, req->staff_id(), repository::Lock::kShare)) {
        return NotFound("staff_id", "no staff member \"" + req->staff_id() + "\"");
      }
      std::vector<std::string> courses;
      if (!req->plan_id().empty()) {
        auto plan = repository::FindPlan(tx, req->plan_id(), false);
        if (!plan) return NotFound("plan_id", "no plan \"" + req->plan_id() + "\"");
        courses.assign(plan->course_ids().begin(), plan->course_ids().end());
      } else {
        if (!repository::FindCourse(tx, req->course_id(), false)) {
          return NotFound("course_id", "no course \"" + req->course_id() + "\"");
        }
        courses.push_back(req->course_id());
      }
      const absl::Time now = Now();
      for (const auto& course : courses) {
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
    if (auto s = CheckStaffId("staff_id", req->staff_id()); !s.ok()) return s;
    if (auto s = CheckSlug("course_id", req->course_id()); !s.ok()) return s;
    auto at = PastTime("completed_at", req->has_completed_at(), req->completed_at(), Now());
    if (!at.ok()) return at.status();
    if (req->result() != v1::TRAINING_RESULT_PASSED && req->result() != v1::TRAINING_RESULT_FAILED) {
      return Invalid("result", "must be TRAINING_RESULT_PASSED or TRAINING_RESULT_FAILED");
    }
    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      auto e = repository::FindEnrolment(tx, req->staff_id(), req->course_id(), true);
      if (!e) {
        return absl::FailedPreconditionError("course_id: " + req->staff_id() +
                                             " is not enrolled in \"" + req->course_id() + "\"");
      }
      repository::CompleteEnrolment(tx, req->staff_id(), req->course_id(), *at,
                                    std::string(assessment::ResultName(req->result())));
      *resp->mutable_enrolment() = *repository::FindEnrolment(tx, req->staff_id(),
                                                              req->course_id(), false);
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
    if (req->staff_id().empty() == req->department_id().empty()) {
      return Invalid("staff_id", "give exactly one of staff_id and department_id");
    }
    if (!req->staff_id().empty()) {
      if (auto s = CheckStaffId("staff_id", req->staff_id()); !s.ok()) return s;
    } else if (auto s = CheckDepartmentId("department_id", req->department_id()); !s.ok()) {
      return s;
    }
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
      for (const auto& person : people) {
        auto* out = resp->add_people();
        out->set_staff_id(person.id());
        out->set_role(person.role());
        out->set_department_id(person.department_id());
        for (auto& e : by_person[person.id()]) {
          if (e.completed()) {
            out->set_completed(out->completed() + 1);
            if (e.result() == v1::TRAINING_RESULT_PASSED) out->set_passed(out->passed() + 1);
          } else {
            out->set_open(out->open() + 1);
          }
          *out->add_enrolments() = std::move(e);
        }
      }
      return absl::OkStatus();
    });
  });
}

// ---- The quarterly assessment -------------------------------------------------------------------

absl::Status AssessmentService::RunAssessment(int year, int quarter,
                                              v1::RunQuarterlyAssessmentResponse* out) {
  if (auto s = assessment::CheckQuarter(year, quarter); !s.ok()) return s;
  const assessment::Quarter q{.year = year, .quarter = quarter};
  const assessment::Span span = assessment::QuarterSpan(q);
  const std::string label = assessment::QuarterLabel(q);
  int enrolled = 0;
  std::map<std::pair<std::string, std::string>, int> grades;  // (department, grade) -> people
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    out->Clear();
    enrolled = 0;
    grades.clear();
    const absl::Time now = Now();
    const auto previous = repository::LockRun(tx, year, quarter);
    const int run_number = previous ? previous->run_number + 1 : 1;
    const auto figures = assessment::ComputeFigures(repository::ActivityForQuarter(tx, span), span);
    repository::DeleteAssessments(tx, year, quarter);
    v1::AssessmentCompleted done;
    for (const auto& [staff_id, f] : figures) {
      v1::Assessment a;
      a.set_year(year);
      a.set_quarter(quarter);
      a.set_staff_id(staff_id);
      // The directory knows the person's role and department better than the events do.
      if (auto person = repository::FindStaff(tx, staff_id, repository::Lock::kNone)) {
        a.set_department_id(person->department_id());
        a.set_role(person->role());
      } else {
        a.set_department_id(f.department_id);
        a.set_role(RoleFromName(f.role).value_or(v1::STAFF_ROLE_UNSPECIFIED));
      }
      a.set_cases_touched(f.cases_touched);
      a.set_sla_checks(f.sla_checks);
      a.set_sla_met(f.sla_met);
      a.set_timeliness_rate(assessment::Rate(f.sla_met, f.sla_checks));
      a.set_satisfaction_responses(f.satisfaction_responses);
      a.set_average_satisfaction(
          assessment::AverageSatisfaction(f.satisfaction_sum, f.satisfaction_responses));
      a.set_cases_resolved(f.cases_resolved);
      a.set_resolved_without_reopening(f.resolved_without_reopening);
      a.set_effectiveness_rate(assessment::Rate(f.resolved_without_reopening, f.cases_resolved));
      const auto score = assessment::WeightedScore(f.components(), policy_);
      a.set_score(score.value_or(0));
      a.set_grade(assessment::GradeFor(score, policy_));
      a.set_reward(a.grade() == v1::GRADE_EXCELLENT);
      a.set_role_review(a.grade() == v1::GRADE_BELOW_BAR);
      if (a.grade() == v1::GRADE_BELOW_BAR) {
        // Targeted training: the role's plan. A re-run finds the enrolments there and adds none.
        if (auto plan = repository::FindPlanForRole(tx, RoleText(a.role()))) {
          a.set_enrolled_plan_id(plan->id());
          for (const auto& course : plan->course_ids()) {
            v1::Enrolment e;
            e.set_staff_id(staff_id);
            e.set_course_id(course);
            e.set_plan_id(plan->id());
            e.set_reason("assessment");
            e.set_assessment_quarter(label);
            if (repository::Enrol(tx, e, now)) ++enrolled;
          }
        }
      }
      a.set_run_number(run_number);
      time::ToProto(now, a.mutable_computed_at());
      repository::InsertAssessment(tx, a, f.satisfaction_sum);
      for (const auto& e : f.evidence) repository::InsertEvidence(tx, year, quarter, staff_id, e);
      ++grades[{a.department_id(), std::string(assessment::GradeName(a.grade()))}];
      switch (a.grade()) {
        case v1::GRADE_EXCELLENT:
          done.set_excellent(done.excellent() + 1);
          break;
        case v1::GRADE_PASS:
          done.set_passed(done.passed() + 1);
          break;
        case v1::GRADE_BELOW_BAR:
          done.set_below_bar(done.below_bar() + 1);
          break;
        default:
          break;
      }
      *out->add_assessments() = std::move(a);
    }
    repository::SaveRun(tx, year, quarter, run_number, static_cast<int>(figures.size()), policy_,
                        now);
    out->set_year(year);
    out->set_quarter(quarter);
    out->set_run_number(run_number);
    out->set_replaced_previous_run(previous.has_value());
    out->set_weight_timeliness(policy_.weight_timeliness);
    out->set_weight_satisfaction(policy_.weight_satisfaction);
    out->set_weight_effectiveness(policy_.weight_effectiveness);
    out->set_excellent_threshold(policy_.excellent_at);
    out->set_pass_threshold(policy_.pass_at);
    done.set_year(year);
    done.set_quarter(quarter);
    done.set_run_number(run_number);
    done.set_replaced_previous_run(previous.has_value());
    done.set_people(static_cast<int>(figures.size()));
    time::ToProto(now, done.mutable_completed_at());
    rt_.outbox().Append(tx, "assessment-" + label, done);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  runs_.With({out->replaced_previous_run() ? "replaced" : "first_run"}).Increment();
  if (enrolled > 0) enrolments_.With({"assessment"}).Increment(enrolled);
  // Every grade of every department seen gets a value, so a grade that emptied shows 0.
  std::set<std::string> departments;
  for (const auto& [key, n] : grades) departments.insert(key.first);
  for (const auto& d : departments) {
    for (auto g : {v1::GRADE_EXCELLENT, v1::GRADE_PASS, v1::GRADE_BELOW_BAR, v1::GRADE_UNSPECIFIED}) {
      const std::string grade(assessment::GradeName(g));
      auto it = grades.find({d, grade});
      grades_.With({label, d, grade}).Set(it == grades.end() ? 0 : it->second);
    }
  }
  log::Info("quarterly assessment run",
            {{"quarter", label},
             {"run", absl::StrCat(out->run_number())},
             {"people", absl::StrCat(out->assessments_size())},
             {"replaced", out->replaced_previous_run() ? "true" : "false"}});
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AssessmentService::RunQuarterlyAssessment(
    grpc::CallbackServerContext* ctx, const v1::RunQuarterlyAssessmentRequest* req,
    v1::RunQuarterlyAssessmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    return RunAssessment(req->year(), req->quarter(), resp);
  });
}

absl::Status AssessmentService::LoadAssessment(
    int year, int quarter, const std::string& staff_id, v1::Assessment* out,
    google::protobuf::RepeatedPtrField<v1::AssessmentEvidence>* evidence) {
  if (auto s = CheckAssessmentKey(year, quarter, staff_id); !s.ok()) return s;
  const assessment::Span span = assessment::QuarterSpan({.year = year, .quarter = quarter});
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    auto a = repository::FindAssessment(tx, year, quarter, staff_id);
    if (!a) {
      return NotFound("staff_id", "no assessment of " + staff_id + " in " +
                                      assessment::QuarterLabel({year, quarter}) +
                                      " (not run yet, or no case touched)");
    }
    repository::RecordFilter filter;
    filter.staff_id = staff_id;
    filter.decided_in = span;
    for (auto& r : repository::ListRecords(tx, filter)) *a->add_accountability() = std::move(r);
    *out = std::move(*a);
    if (evidence != nullptr) {
      evidence->Clear();
      for (auto& e : repository::LoadEvidence(tx, year, quarter, staff_id)) {
        *evidence->Add() = std::move(e);
      }
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AssessmentService::GetAssessment(grpc::CallbackServerContext* ctx,
                                                           const v1::GetAssessmentRequest* req,
                                                           v1::GetAssessmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    return LoadAssessment(req->year(), req->quarter(), req->staff_id(),
                          resp->mutable_assessment(), nullptr);
  });
}

grpc::ServerUnaryReactor* AssessmentService::ExplainAssessment(
    grpc::CallbackServerContext* ctx, const v1::ExplainAssessmentRequest* req,
    v1::ExplainAssessmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    return LoadAssessment(req->year(), req->quarter(), req->staff_id(),
                          resp->mutable_assessment(), resp->mutable_evidence());
  });
}

grpc::ServerUnaryReactor* AssessmentService::ListAssessments(
    grpc::CallbackServerContext* ctx, const v1::ListAssessmentsRequest* req,
    v1::ListAssessmentsResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckQuarter(req->year(), req->quarter()); !s.ok()) return s;
    if (!req->department_id().empty()) {
      if (auto s = CheckDepartmentId("department_id", req->department_id()); !s.ok()) return s;
    }
    if (!v1::Grade_IsValid(req->grade())) return Invalid("grade", "unknown grade");
    const std::string grade =
        req->grade() == v1::GRADE_UNSPECIFIED ? "" : std::string(assessment::GradeName(req->grade()));
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      for (auto& a : repository::ListAssessments(tx, req->year(), req->quarter(),
                                                 req->department_id(), grade)) {
        *resp->add_assessments() = std::move(a);
      }
      return absl::OkStatus();
    });
  });
}

// ---- Accountability -----------------------------------------------------------------------------

grpc::ServerUnaryReactor* AssessmentService::ListAccountabilitySuggestions(
    grpc::CallbackServerContext* ctx, const v1::ListAccountabilitySuggestionsRequest* req,
    v1::ListAccountabilitySuggestionsResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (!v1::SuggestionStatus_IsValid(req->status())) return Invalid("status", "unknown status");
    if (!req->staff_id().empty()) {
      if (auto s = CheckStaffId("staff_id", req->staff_id()); !s.ok()) return s;
    }
    if (!req->number().empty()) {
      if (auto s = validation::CheckComplaintNumber("number", req->number()); !s.ok()) return s;
    }
    const bool confirmed = req->status() == v1::SUGGESTION_STATUS_CONFIRMED;
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      for (auto& s : repository::ListSuggestions(tx, confirmed, req->staff_id(), req->number())) {
        *resp->add_suggestions() = std::move(s);
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AssessmentService::RecordAccountability(
    grpc::CallbackServerContext* ctx, const v1::RecordAccountabilityRequest* req,
    v1::RecordAccountabilityResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    // Shape checks first, before any row is read.
    if (req->suggestion_id() < 0) return Invalid("suggestion_id", "must not be negative");
    const bool direct = req->suggestion_id() == 0;
    if (direct || !req->number().empty()) {
      if (auto s = validation::CheckComplaintNumber("number", req->number()); !s.ok()) return s;
    }
    if (!req->staff_id().empty()) {
      if (auto s = CheckStaffId("staff_id", req->staff_id()); !s.ok()) return s;
    }
    if (!req->department_id().empty()) {
      if (auto s = CheckDepartmentId("department_id", req->department_id()); !s.ok()) return s;
    }
    if (direct && req->staff_id().empty() && req->department_id().empty()) {
      return Invalid("staff_id", "name the responsible staff member or department");
    }
    if (!v1::AccountabilityCause_IsValid(req->cause()) ||
        (direct && req->cause() == v1::ACCOUNTABILITY_CAUSE_UNSPECIFIED)) {
      return Invalid("cause", "must be one of the accountability causes");
    }
    if (!v1::AccountabilitySeverity_IsValid(req->severity()) ||
        (direct && req->severity() == v1::ACCOUNTABILITY_SEVERITY_UNSPECIFIED)) {
      return Invalid("severity", "must be MINOR or SERIOUS");
    }
    if (!v1::AccountabilityMeasure_IsValid(req->measure()) ||
        req->measure() == v1::ACCOUNTABILITY_MEASURE_UNSPECIFIED) {
      return Invalid("measure", "is required: one of the accountability measures");
    }
    if (auto s = CheckStaffId("decided_by_staff_id", req->decided_by_staff_id()); !s.ok()) return s;
    auto decided_at = PastTime("decided_at", req->has_decided_at(), req->decided_at(), Now());
    if (!decided_at.ok()) return decided_at.status();
    if (auto s = validation::CheckText(
            "note", req->note(),
            {.required = false, .max_chars = kMaxNoteChars, .allow_newlines = true});
        !s.ok()) {
      return s;
    }

    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      v1::AccountabilityRecord r;
      r.set_number(req->number());
      r.set_staff_id(req->staff_id());
      r.set_department_id(req->department_id());
      r.set_cause(req->cause());
      r.set_severity(req->severity());
      if (!direct) {
        auto suggestion = repository::FindSuggestion(tx, req->suggestion_id(), true);
        if (!suggestion) {
          return NotFound("suggestion_id", absl::StrCat("no suggestion ", req->suggestion_id()));
        }
        if (suggestion->status() == v1::SUGGESTION_STATUS_CONFIRMED) {
          return absl::FailedPreconditionError(absl::StrCat(
              "suggestion_id: already confirmed as record ", suggestion->record_id()));
        }
        if (!req->number().empty() && req->number() != suggestion->number()) {
          return Invalid("number", "is not the suggestion's complaint " + suggestion->number());
        }
        // The person deciding may correct what the rule proposed; what they leave out stays.
        r.set_number(suggestion->number());
        if (r.staff_id().empty()) r.set_staff_id(suggestion->staff_id());
        if (r.department_id().empty()) r.set_department_id(suggestion->department_id());
        if (r.cause() == v1::ACCOUNTABILITY_CAUSE_UNSPECIFIED) r.set_cause(suggestion->cause());
        if (r.severity() == v1::ACCOUNTABILITY_SEVERITY_UNSPECIFIED) {
          r.set_severity(suggestion->severity());
        }
        r.set_suggestion_id(suggestion->id());
      }
      if (!r.staff_id().empty() &&
          !repository::FindStaff(tx, r.staff_id(), repository::Lock::kShare)) {
        return NotFound("staff_id", "no staff member \"" + r.staff_id() + "\"");
      }
      if (!req->department_id().empty() &&
          !repository::FindDepartment(tx, req->department_id(), repository::Lock::kShare)) {
        return NotFound("department_id", "no department \"" + req->department_id() + "\"");
      }
      if (!repository::FindStaff(tx, req->decided_by_staff_id(), repository::Lock::kShare)) {
        return NotFound("decided_by_staff_id",
                        "no staff member \"" + req->decided_by_staff_id() + "\"");
      }
      r.set_measure(req->measure());
      r.set_decided_by_staff_id(req->decided_by_staff_id());
      time::ToProto(*decided_at, r.mutable_decided_at());
      r.set_note(req->note());
      const absl::Time now = Now();
      r.set_id(repository::InsertRecord(tx, r, now));
      time::ToProto(now, r.mutable_recorded_at());
      if (!direct) repository::MarkSuggestionConfirmed(tx, r.suggestion_id(), r.id());
      v1::AccountabilityRecorded ev;
      *ev.mutable_record() = r;
      rt_.outbox().Append(tx, r.number(), ev);
      *resp->mutable_record() = std::move(r);
      return absl::OkStatus();
    });
    if (s.ok()) records_.With({direct ? "direct" : "suggestion"}).Increment();
    return s;
  });
}

grpc::ServerUnaryReactor* AssessmentService::ListAccountability(
    grpc::CallbackServerContext* ctx, const v1::ListAccountabilityRequest* req,
    v1::ListAccountabilityResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    repository::RecordFilter filter;
    if (!req->staff_id().empty()) {
      if (auto s = CheckStaffId("staff_id", req->staff_id()); !s.ok()) return s;
      filter.staff_id = req->staff_id();
    }
    if (!req->department_id().empty()) {
      if (auto s = CheckDepartmentId("department_id", req->department_id()); !s.ok()) return s;
      filter.department_id = req->department_id();
    }
    if (!req->number().empty()) {
      if (auto s = validation::CheckComplaintNumber("number", req->number()); !s.ok()) return s;
      filter.number = req->number();
    }
    if (req->year() != 0 || req->quarter() != 0) {
      if (auto s = assessment::CheckQuarter(req->year(), req->quarter()); !s.ok()) return s;
      filter.decided_in = assessment::QuarterSpan({.year = req->year(), .quarter = req->quarter()});
    }
    if (filter.staff_id.empty() && filter.department_id.empty() && filter.number.empty() &&
        !filter.decided_in) {
      return Invalid("staff_id", "give at least one filter (staff_id, department_id, number, "
                                 "year and quarter)");
    }
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      for (auto& r : repository::ListRecords(tx, filter)) *resp->add_records() = std::move(r);
      return absl::OkStatus();
    });
  });
}

}  // namespace tousu::staff
