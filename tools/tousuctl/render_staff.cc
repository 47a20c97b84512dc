#include "tools/tousuctl/render_staff.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {
namespace sv1 = complaints::staff::v1;
namespace {

std::string Percent(double rate) { return absl::StrFormat("%.1f%%", 100.0 * rate); }

std::string Quarter(int year, int quarter) { return absl::StrFormat("%04dQ%d", year, quarter); }

std::string GradeText(sv1::Grade grade) {
  return grade == sv1::GRADE_UNSPECIFIED ? "not graded" : EnumName(grade);
}

// "3/4 (75.0%)", or "-" when there was nothing to count.
std::string Ratio(int part, int whole, double rate) {
  if (whole == 0) return "";
  return absl::StrCat(part, "/", whole, " (", Percent(rate), ")");
}

std::string Satisfaction(const sv1::Assessment& a) {
  if (a.satisfaction_responses() == 0) return "";
  return absl::StrFormat("%.2f (%d)", a.average_satisfaction(), a.satisfaction_responses());
}

// What the grade brings: the reward, or the role review and the targeted training.
std::string Consequence(const sv1::Assessment& a) {
  if (a.reward()) return "reward";
  if (!a.role_review()) return "";
  if (a.enrolled_plan_id().empty()) return "role review";
  return absl::StrCat("role review, training ", a.enrolled_plan_id());
}

std::string Reason(const sv1::Enrolment& e) {
  if (e.assessment_quarter().empty()) return e.reason();
  return absl::StrCat(e.reason(), " ", e.assessment_quarter());
}

}  // namespace

std::string RenderCourses(const google::protobuf::RepeatedPtrField<sv1::TrainingCourse>& courses) {
  if (courses.empty()) return "No training courses.\n";
  Table t({"COURSE", "TITLE", "TOPIC", "ROLE", "HOURS"});
  t.AlignRight(4);
  for (const auto& c : courses) {
    t.AddRow({c.id(), c.title(), c.topic(), EnumName(c.target_role()),
              absl::StrFormat("%g", c.hours())});
  }
  return t.Render();
}

std::string RenderPlans(const google::protobuf::RepeatedPtrField<sv1::TrainingPlan>& plans) {
  if (plans.empty()) return "No training plans.\n";
  Table t({"PLAN", "NAME", "ROLE", "COURSES"});
  for (const auto& p : plans) {
    t.AddRow({p.id(), p.name(), EnumName(p.role()), absl::StrJoin(p.course_ids(), ", ")});
  }
  return t.Render();
}

std::string RenderEnrolments(const google::protobuf::RepeatedPtrField<sv1::Enrolment>& enrolments) {
  if (enrolments.empty()) return "No enrolments.\n";
  Table t({"STAFF", "COURSE", "PLAN", "REASON", "ENROLLED", "COMPLETED", "RESULT"});
  for (const auto& e : enrolments) {
    t.AddRow({e.staff_id(), e.course_id(), e.plan_id(), Reason(e),
              FormatBeijing(e.enrolled_at(), e.has_enrolled_at()),
              e.completed() ? FormatBeijing(e.completed_at(), e.has_completed_at()) : "",
              e.completed() ? EnumName(e.result()) : "open"});
  }
  return t.Render();
}

std::string RenderTrainingStatus(const sv1::ListTrainingStatusResponse& response) {
  if (response.people().empty()) return "No staff.\n";
  Table people({"STAFF", "ROLE", "DEPARTMENT", "ENROLLED", "COMPLETED", "PASSED", "OPEN"});
  people.AlignRight(3).AlignRight(4).AlignRight(5).AlignRight(6);
  google::protobuf::RepeatedPtrField<sv1::Enrolment> all;
  for (const auto& p : response.people()) {
    people.AddRow({p.staff_id(), EnumName(p.role()), p.department_id(),
                   absl::StrCat(p.enrolments_size()), absl::StrCat(p.completed()),
                   absl::StrCat(p.passed()), absl::StrCat(p.open())});
    for (const auto& e : p.enrolments()) *all.Add() = e;
  }
  std::string out = people.Render();
  if (!all.empty()) absl::StrAppend(&out, "\n", RenderEnrolments(all));
  return out;
}

std::string RenderAssessments(
    const google::protobuf::RepeatedPtrField<sv1::Assessment>& assessments) {
  if (assessments.empty()) return "No assessments.\n";
  Table t({"STAFF", "ROLE", "DEPARTMENT", "CASES", "SLA MET", "SATISFACTION", "RESOLVED CLEAN",
           "SCORE", "GRADE", "CONSEQUENCE"});
  t.AlignRight(3).AlignRight(7);
  for (const auto& a : assessments) {
    t.AddRow({a.staff_id(), EnumName(a.role()), a.department_id(), absl::StrCat(a.cases_touched()),
              Ratio(a.sla_met(), a.sla_checks(), a.timeliness_rate()), Satisfaction(a),
              Ratio(a.resolved_without_reopening(), a.cases_resolved(), a.effectiveness_rate()),
              a.grade() == sv1::GRADE_UNSPECIFIED ? "" : absl::StrFormat("%.2f", a.score()),
              GradeText(a.grade()), Consequence(a)});
  }
  return t.Render();
}

std::string RenderAssessmentRun(const sv1::RunQuarterlyAssessmentResponse& run) {
  std::string out = absl::StrCat(Quarter(run.year(), run.quarter()), " assessed: run ",
                                 run.run_number(), ", ", run.assessments_size(), " people");
  if (run.replaced_previous_run()) {
    absl::StrAppend(&out, " (replaced run ", run.run_number() - 1, ")");
  }
  absl::StrAppendFormat(&out,
                        ".\nWeights: timeliness %g, satisfaction %g, effectiveness %g; excellent "
                        "at %g, pass at %g.\n\n",
                        run.weight_timeliness(), run.weight_satisfaction(),
                        run.weight_effectiveness(), run.excellent_threshold(),
                        run.pass_threshold());
  return out + RenderAssessments(run.assessments());
}

std::string RenderAssessment(const sv1::Assessment& a) {
  Details d;
  d.Add("Staff", a.staff_id());
  d.Add("Quarter", Quarter(a.year(), a.quarter()));
  d.Add("Role", EnumName(a.role()));
  d.Add("Department", a.department_id());
  d.Add("Cases touched", absl::StrCat(a.cases_touched()));
  d.Add("Timeliness", a.sla_checks() == 0
                          ? "no deadline of theirs fell due"
                          : absl::StrCat(Ratio(a.sla_met(), a.sla_checks(), a.timeliness_rate()),
                                         " deadlines met"));
  d.Add("Satisfaction", a.satisfaction_responses() == 0
                            ? "no score"
                            : absl::StrFormat("%.2f mean of %d score(s)", a.average_satisfaction(),
                                              a.satisfaction_responses()));
  d.Add("Effectiveness", a.cases_resolved() == 0
                             ? "no case resolved"
                             : absl::StrCat(Ratio(a.resolved_without_reopening(),
                                                  a.cases_resolved(), a.effectiveness_rate()),
                                            " resolved without reopening"));
  d.Add("Score", a.grade() == sv1::GRADE_UNSPECIFIED ? "" : absl::StrFormat("%.2f", a.score()));
  std::string grade = GradeText(a.grade());
  if (const std::string c = Consequence(a); !c.empty()) absl::StrAppend(&grade, ": ", c);
  d.Add("Grade", grade);
  d.Add("Run", absl::StrCat(a.run_number(), ", computed ",
                            FormatBeijing(a.computed_at(), a.has_computed_at())));
  std::string out = d.Render();
  if (!a.accountability().empty()) {
    absl::StrAppend(&out, "\nAccountability:\n", RenderAccountabilityRecords(a.accountability()));
  }
  return out;
}

std::string RenderExplanation(const sv1::ExplainAssessmentResponse& response) {
  std::string out = RenderAssessment(response.assessment());
  if (response.evidence().empty()) return out;
  Table t({"NUMBER", "FACT", "DEADLINE", "MET", "SCORE", "AT", "EVENTS"});
  t.MaxWidth(6, 60);
  for (const auto& e : response.evidence()) {
    const bool has_met = e.kind() == "sla" || e.kind() == "resolution";
    t.AddRow({e.number(), e.kind(), e.sla(), has_met ? (e.met() ? "yes" : "no") : "",
              e.satisfaction() == 0 ? "" : absl::StrCat(e.satisfaction()),
              FormatBeijing(e.at(), e.has_at()), absl::StrJoin(e.events(), " ")});
  }
  return absl::StrCat(out, "\nEvidence:\n", t.Render());
}

std::string RenderSuggestions(
    const google::protobuf::RepeatedPtrField<sv1::AccountabilitySuggestion>& list) {
  if (list.empty()) return "No accountability suggestions.\n";
  Table t({"ID", "NUMBER", "STAFF", "DEPARTMENT", "RULE", "CAUSE", "SEVERITY", "STATUS",
           "SUGGESTED", "REASON"});
  t.AlignRight(0).MaxWidth(9, 60);
  for (const auto& s : list) {
    std::string status = EnumName(s.status());
    if (s.record_id() != 0) absl::StrAppend(&status, " (record ", s.record_id(), ")");
    t.AddRow({absl::StrCat(s.id()), s.number(), s.staff_id(), s.department_id(), s.rule(),
              EnumName(s.cause()), EnumName(s.severity()), status,
              FormatBeijing(s.suggested_at(), s.has_suggested_at()), s.reason()});
  }
  return t.Render();
}

std::string RenderAccountabilityRecords(
    const google::protobuf::RepeatedPtrField<sv1::AccountabilityRecord>& list) {
  if (list.empty()) return "No accountability records.\n";
  Table t({"ID", "NUMBER", "STAFF", "DEPARTMENT", "CAUSE", "SEVERITY", "MEASURE", "DECIDED BY",
           "DECIDED", "SUGGESTION", "NOTE"});
  t.AlignRight(0).MaxWidth(10, 40);
  for (const auto& r : list) {
    t.AddRow({absl::StrCat(r.id()), r.number(), r.staff_id(), r.department_id(),
              EnumName(r.cause()), EnumName(r.severity()), EnumName(r.measure()),
              r.decided_by_staff_id(), FormatBeijing(r.decided_at(), r.has_decided_at()),
              r.suggestion_id() == 0 ? "" : absl::StrCat(r.suggestion_id()), r.note()});
  }
  return t.Render();
}

}  // namespace tousu::ctl
