// AssessmentService's quarterly assessment RPCs (policy §9.2): running a quarter (the figures from
// the activity log, each person's grade and what it leads to, the AssessmentCompleted event) and
// reading its results with the evidence behind them.

#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/db/transaction.h"
#include "common/log/log.h"
#include "common/time/proto_time.h"
#include "complaints/staff/v1/events.pb.h"
#include "services/staff-assessment/assessment_service.h"
#include "services/staff-assessment/domain/assessment_requests.h"
#include "services/staff-assessment/handler_support.h"
#include "services/staff-assessment/repository/accountability_repository.h"
#include "services/staff-assessment/repository/assessment_repository.h"
#include "services/staff-assessment/repository/directory_repository.h"
#include "services/staff-assessment/repository/training_repository.h"

namespace tousu::staff {
namespace {

using server::RunUnary;

// The figures as the API shows them.
void SetFigures(const assessment::PersonFigures& f, v1::Assessment& a) {
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
}

// The run's summary: the response's header and the AssessmentCompleted event.
v1::AssessmentCompleted Summarize(const assessment::Policy& policy, int run_number, bool replaced,
                                  absl::Time now, v1::RunQuarterlyAssessmentResponse* out) {
  out->set_run_number(run_number);
  out->set_replaced_previous_run(replaced);
  out->set_weight_timeliness(policy.weight_timeliness);
  out->set_weight_satisfaction(policy.weight_satisfaction);
  out->set_weight_effectiveness(policy.weight_effectiveness);
  out->set_excellent_threshold(policy.excellent_at);
  out->set_pass_threshold(policy.pass_at);
  v1::AssessmentCompleted done;
  done.set_year(out->year());
  done.set_quarter(out->quarter());
  done.set_run_number(run_number);
  done.set_replaced_previous_run(replaced);
  done.set_people(out->assessments_size());
  time::ToProto(now, done.mutable_completed_at());
  for (const auto& a : out->assessments()) {
    if (a.grade() == v1::GRADE_EXCELLENT) done.set_excellent(done.excellent() + 1);
    if (a.grade() == v1::GRADE_PASS) done.set_passed(done.passed() + 1);
    if (a.grade() == v1::GRADE_BELOW_BAR) done.set_below_bar(done.below_bar() + 1);
  }
  return done;
}

}  // namespace

absl::Status AssessmentService::RunAssessment(int year, int quarter,
                                              v1::RunQuarterlyAssessmentResponse* out) {
  if (auto s = assessment::CheckQuarter(year, quarter); !s.ok()) return s;
  const assessment::Quarter q{.year = year, .quarter = quarter};
  const assessment::Span span = assessment::QuarterSpan(q);
  int enrolled = 0;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    out->Clear();
    enrolled = 0;
    const absl::Time now = Now();
    const auto previous = repository::LockRun(tx, year, quarter);
    const int run_number = previous ? previous->run_number + 1 : 1;
    const auto figures = assessment::ComputeFigures(repository::ActivityForQuarter(tx, span), span);
    repository::DeleteAssessments(tx, year, quarter);
    out->set_year(year);
    out->set_quarter(quarter);
    for (const auto& [staff_id, f] : figures) {
      *out->add_assessments() = AssessPerson(tx, q, staff_id, f, run_number, now, enrolled);
    }
    repository::SaveRun(tx, year, quarter, run_number, static_cast<int>(figures.size()),
                        rules_.policy(), now);
    const v1::AssessmentCompleted done =
        Summarize(rules_.policy(), run_number, previous.has_value(), now, out);
    rt_.outbox().Append(tx, "assessment-" + assessment::QuarterLabel(q), done);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  CountRun(*out, enrolled);
  return absl::OkStatus();
}

v1::Assessment AssessmentService::AssessPerson(db::Transaction& tx, const assessment::Quarter& q,
                                               const std::string& staff_id,
                                               const assessment::PersonFigures& f, int run_number,
                                               absl::Time now, int& enrolled) {
  v1::Assessment a;
  a.set_year(q.year);
  a.set_quarter(q.quarter);
  a.set_staff_id(staff_id);
  // The directory knows the person's role and department better than the events do.
  if (auto person = repository::FindStaff(tx, staff_id, repository::Lock::kNone)) {
    a.set_department_id(person->department_id());
    a.set_role(person->role());
  } else {
    a.set_department_id(f.department_id);
    a.set_role(RoleFromName(f.role).value_or(v1::STAFF_ROLE_UNSPECIFIED));
  }
  SetFigures(f, a);
  const assessment::Verdict verdict = rules_.Assess(f);
  a.set_score(verdict.score);
  a.set_grade(verdict.grade);
  a.set_reward(verdict.consequences.reward);
  a.set_role_review(verdict.consequences.role_review);
  if (verdict.consequences.targeted_training) {
    // The role's plan. A re-run finds the enrolments there and adds none.
    if (auto plan = repository::FindPlanForRole(tx, RoleText(a.role()))) {
      a.set_enrolled_plan_id(plan->id());
      for (const auto& course : plan->course_ids()) {
        v1::Enrolment e;
        e.set_staff_id(staff_id);
        e.set_course_id(course);
        e.set_plan_id(plan->id());
        e.set_reason("assessment");
        e.set_assessment_quarter(assessment::QuarterLabel(q));
        if (repository::Enrol(tx, e, now)) ++enrolled;
      }
    }
  }
  a.set_run_number(run_number);
  time::ToProto(now, a.mutable_computed_at());
  repository::InsertAssessment(tx, a, f.satisfaction_sum);
  for (const auto& e : f.evidence) repository::InsertEvidence(tx, q.year, q.quarter, staff_id, e);
  return a;
}

void AssessmentService::CountRun(const v1::RunQuarterlyAssessmentResponse& run, int enrolled) {
  const std::string label =
      assessment::QuarterLabel({.year = run.year(), .quarter = run.quarter()});
  runs_.With({run.replaced_previous_run() ? "replaced" : "first_run"}).Increment();
  if (enrolled > 0) enrolments_.With({"assessment"}).Increment(enrolled);
  std::map<std::pair<std::string, std::string>, int> grades;  // (department, grade) -> people
  for (const auto& a : run.assessments()) {
    ++grades[{a.department_id(), std::string(assessment::GradeName(a.grade()))}];
  }
  // Every grade of every department seen gets a value, so a grade that emptied shows 0.
  std::set<std::string> departments;
  for (const auto& [key, n] : grades) departments.insert(key.first);
  for (const auto& d : departments) {
    for (auto g :
         {v1::GRADE_EXCELLENT, v1::GRADE_PASS, v1::GRADE_BELOW_BAR, v1::GRADE_UNSPECIFIED}) {
      const std::string grade(assessment::GradeName(g));
      auto it = grades.find({d, grade});
      grades_.With({label, d, grade}).Set(it == grades.end() ? 0 : it->second);
    }
  }
  log::Info("quarterly assessment run",
            {{"quarter", label},
             {"run", absl::StrCat(run.run_number())},
             {"people", absl::StrCat(run.assessments_size())},
             {"replaced", run.replaced_previous_run() ? "true" : "false"}});
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
  if (auto s = assessment::CheckAssessmentKey(year, quarter, staff_id); !s.ok()) return s;
  const assessment::Span span = assessment::QuarterSpan({.year = year, .quarter = quarter});
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    auto a = repository::FindAssessment(tx, year, quarter, staff_id);
    if (!a) {
      return NotFound("staff_id", "no assessment of " + staff_id + " in " +
                                      assessment::QuarterLabel({year, quarter}) +
                                      " (not run yet, or no case touched)");
    }
    // The accountability decided in the quarter comes with it.
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
    return LoadAssessment(req->year(), req->quarter(), req->staff_id(), resp->mutable_assessment(),
                          nullptr);
  });
}

grpc::ServerUnaryReactor* AssessmentService::ExplainAssessment(
    grpc::CallbackServerContext* ctx, const v1::ExplainAssessmentRequest* req,
    v1::ExplainAssessmentResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    return LoadAssessment(req->year(), req->quarter(), req->staff_id(), resp->mutable_assessment(),
                          resp->mutable_evidence());
  });
}

grpc::ServerUnaryReactor* AssessmentService::ListAssessments(grpc::CallbackServerContext* ctx,
                                                             const v1::ListAssessmentsRequest* req,
                                                             v1::ListAssessmentsResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckListAssessments(*req); !s.ok()) return s;
    const std::string grade = req->grade() == v1::GRADE_UNSPECIFIED
                                  ? ""
                                  : std::string(assessment::GradeName(req->grade()));
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

}  // namespace tousu::staff
