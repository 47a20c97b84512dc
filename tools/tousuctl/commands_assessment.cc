// Quarterly assessment and accountability (staff-assessment service): assessment run, get, list,
// explain; accountability suggestions, record, list.

#include "tools/tousuctl/commands_assessment.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_staff.h"
#include "tools/tousuctl/time_text.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {

namespace sv1 = complaints::staff::v1;

Api<sv1::AssessmentService> AssessmentApi(const Call& c) {
  // Upserts, enrolment (enrolling twice changes nothing), a completion (recording it again
  // replaces the result) and a run (a re-run replaces the quarter's results) are safe to repeat.
  // Recording accountability is not: a repeat would make a second record.
  return {c.options.staff,
          {"UpsertTrainingCourse", "ListTrainingCourses", "UpsertTrainingPlan", "ListTrainingPlans",
           "Enrol", "RecordTrainingCompletion", "ListTrainingStatus", "RunQuarterlyAssessment",
           "GetAssessment", "ListAssessments", "ExplainAssessment", "ListAccountabilitySuggestions",
           "ListAccountability"}};
}

namespace {

using AssessmentStub = sv1::AssessmentService::Stub;

// --year and --quarter, both required.
absl::Status ReadQuarter(const Call& c, int* year, int* quarter) {
  auto y = c.args.Int("year", 2000, 2100);
  if (!y.ok()) return y.status();
  auto q = c.args.Int("quarter", 1, 4);
  if (!q.ok()) return q.status();
  if (!y->has_value() || !q->has_value()) {
    return absl::InvalidArgumentError("--year and --quarter are required");
  }
  *year = **y;
  *quarter = **q;
  return absl::OkStatus();
}

int RunAssessmentRun(Call& c) {
  sv1::RunQuarterlyAssessmentRequest request;
  int year = 0, quarter = 0;
  if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_quarter(quarter);
  return CallAndPrint(c, AssessmentApi(c), &AssessmentStub::RunQuarterlyAssessment, request,
                      RenderAssessmentRun);
}

int RunAssessmentGet(Call& c) {
  sv1::GetAssessmentRequest request;
  int year = 0, quarter = 0;
  if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_quarter(quarter);
  request.set_staff_id(Upper(c.args.positional[0]));
  return CallAndPrint(
      c, AssessmentApi(c), &AssessmentStub::GetAssessment, request,
      [](const sv1::GetAssessmentResponse& r) { return RenderAssessment(r.assessment()); });
}

int RunAssessmentList(Call& c) {
  sv1::ListAssessmentsRequest request;
  int year = 0, quarter = 0;
  if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_quarter(quarter);
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (auto v = c.args.Get("grade"); v.has_value()) {
    auto grade = ParseEnumAs<sv1::Grade>(*v, "--grade");
    if (!grade.ok()) return UsageError(c, grade.status());
    request.set_grade(*grade);
  }
  return CallAndPrint(
      c, AssessmentApi(c), &AssessmentStub::ListAssessments, request,
      [](const sv1::ListAssessmentsResponse& r) { return RenderAssessments(r.assessments()); });
}

int RunAssessmentExplain(Call& c) {
  sv1::ExplainAssessmentRequest request;
  int year = 0, quarter = 0;
  if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_quarter(quarter);
  request.set_staff_id(Upper(c.args.positional[0]));
  return CallAndPrint(c, AssessmentApi(c), &AssessmentStub::ExplainAssessment, request,
                      RenderExplanation);
}

int RunAccountabilitySuggestions(Call& c) {
  sv1::ListAccountabilitySuggestionsRequest request;
  if (auto v = c.args.Get("status"); v.has_value()) {
    auto status = ParseEnumAs<sv1::SuggestionStatus>(*v, "--status");
    if (!status.ok()) return UsageError(c, status.status());
    request.set_status(*status);
  }
  request.set_staff_id(Upper(c.args.GetOr("person", "")));
  request.set_number(Upper(c.args.GetOr("number", "")));
  return CallAndPrint(c, AssessmentApi(c), &AssessmentStub::ListAccountabilitySuggestions, request,
                      [](const sv1::ListAccountabilitySuggestionsResponse& r) {
                        return RenderSuggestions(r.suggestions());
                      });
}

int RunAccountabilityRecord(Call& c) {
  sv1::RecordAccountabilityRequest request;
  if (auto v = c.args.Get("suggestion"); v.has_value()) {
    int64_t id = 0;
    if (!absl::SimpleAtoi(*v, &id) || id <= 0) {
      return UsageError(c, absl::InvalidArgumentError(
                               absl::StrCat("--suggestion \"", *v,
                                            "\": a suggestion id (a whole "
                                            "number, see 'tousuctl accountability suggestions')")));
    }
    request.set_suggestion_id(id);
  }
  request.set_number(Upper(c.args.GetOr("number", "")));
  request.set_staff_id(Upper(c.args.GetOr("person", "")));
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (auto v = c.args.Get("cause"); v.has_value()) {
    auto cause = ParseEnumAs<sv1::AccountabilityCause>(*v, "--cause");
    if (!cause.ok()) return UsageError(c, cause.status());
    request.set_cause(*cause);
  }
  if (auto v = c.args.Get("severity"); v.has_value()) {
    auto severity = ParseEnumAs<sv1::AccountabilitySeverity>(*v, "--severity");
    if (!severity.ok()) return UsageError(c, severity.status());
    request.set_severity(*severity);
  }
  // A record made without a suggestion says everything itself.
  if (request.suggestion_id() == 0) {
    std::vector<std::string> missing;
    if (request.number().empty()) missing.push_back("--number");
    if (request.staff_id().empty() && request.department_id().empty()) {
      missing.push_back("--person or --department");
    }
    if (request.cause() == sv1::ACCOUNTABILITY_CAUSE_UNSPECIFIED) missing.push_back("--cause");
    if (request.severity() == sv1::ACCOUNTABILITY_SEVERITY_UNSPECIFIED) {
      missing.push_back("--severity");
    }
    if (!missing.empty()) {
      return UsageError(c, absl::InvalidArgumentError(
                               absl::StrCat("without --suggestion, accountability record needs ",
                                            absl::StrJoin(missing, ", "))));
    }
  }
  auto measure = ParseEnumAs<sv1::AccountabilityMeasure>(c.args.GetOr("measure", ""), "--measure");
  if (!measure.ok()) return UsageError(c, measure.status());
  request.set_measure(*measure);
  request.set_decided_by_staff_id(Upper(c.args.GetOr("decided-by", "")));
  auto decided = ParseInstant(c.args.GetOr("decided-at", "now"), "--decided-at", c.env.now());
  if (!decided.ok()) return UsageError(c, decided.status());
  *request.mutable_decided_at() = ToProto(*decided);
  auto note = TextFlag(c, "note");
  if (!note.ok()) return UsageError(c, note.status());
  request.set_note(*note);
  return CallAndPrint(
      c, AssessmentApi(c), &AssessmentStub::RecordAccountability, request,
      [](const sv1::RecordAccountabilityResponse& response) {
        google::protobuf::RepeatedPtrField<sv1::AccountabilityRecord> one;
        *one.Add() = response.record();
        return absl::StrCat("Recorded accountability ", response.record().id(), " for ",
                            response.record().number(), ".\n\n", RenderAccountabilityRecords(one));
      },
      CheckBeforeRepeating(
          request.number().empty()
              ? std::string("tousuctl accountability suggestions --status confirmed")
              : absl::StrCat("tousuctl accountability list --number ", request.number())));
}

int RunAccountabilityList(Call& c) {
  sv1::ListAccountabilityRequest request;
  request.set_staff_id(Upper(c.args.GetOr("person", "")));
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  request.set_number(Upper(c.args.GetOr("number", "")));
  if (c.args.Has("year") || c.args.Has("quarter")) {
    int year = 0, quarter = 0;
    if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
    request.set_year(year);
    request.set_quarter(quarter);
  }
  if (request.staff_id().empty() && request.department_id().empty() && request.number().empty() &&
      request.year() == 0) {
    return UsageError(
        c, absl::InvalidArgumentError("accountability list needs a filter: --person, --department, "
                                      "--number, or --year with --quarter"));
  }
  return CallAndPrint(c, AssessmentApi(c), &AssessmentStub::ListAccountability, request,
                      [](const sv1::ListAccountabilityResponse& r) {
                        return RenderAccountabilityRecords(r.records());
                      });
}

}  // namespace

std::vector<Verb> AssessmentVerbs() {
  return {
      {.name = "assessment run",
       .group = "Quarterly assessment (staff-assessment service)",
       .summary = "assess everyone who touched a case in a quarter (re-running replaces it)",
       .description =
           "Computes every handler's, tracker's and callback agent's figures for a quarter\n"
           "(Beijing time) from the events: deadlines met, satisfaction, cases resolved without\n"
           "reopening; the weighted score and grade. Those below the bar are enrolled in their\n"
           "role's plan and flagged for role review. A re-run replaces the quarter's results.",
       .flags =
           {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
            {.name = "quarter", .value_name = "Q", .help = "the quarter, 1..4", .required = true}},
       .examples = {"tousuctl assessment run --year 2027 --quarter 1"},
       .run = RunAssessmentRun},
      {.name = "assessment get",
       .group = "Quarterly assessment (staff-assessment service)",
       .usage_args = "STAFF_ID",
       .summary = "one person's assessment of a quarter, with accountability records",
       .description = "Shows the figures, score, grade and what it brings (reward, role review,\n"
                      "training), and the accountability records decided in the quarter.",
       .flags =
           {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
            {.name = "quarter", .value_name = "Q", .help = "the quarter, 1..4", .required = true}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl assessment get S0022 --year 2027 --quarter 1"},
       .run = RunAssessmentGet},
      {.name = "assessment list",
       .group = "Quarterly assessment (staff-assessment service)",
       .summary = "a quarter's assessments, optionally of one department or grade",
       .description = "One row per person, ordered by staff id.",
       .flags =
           {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
            {.name = "quarter", .value_name = "Q", .help = "the quarter, 1..4", .required = true},
            {.name = "department", .value_name = "DEPT", .help = "only this department"},
            {.name = "grade", .value_name = "GRADE", .help = OneOf(EnumNames<sv1::Grade>())}},
       .examples = {"tousuctl assessment list --year 2027 --quarter 1 --grade below-bar"},
       .run = RunAssessmentList},
      {.name = "assessment explain",
       .group = "Quarterly assessment (staff-assessment service)",
       .usage_args = "STAFF_ID",
       .summary = "the cases and events behind every figure of one assessment",
       .description =
           "The assessment, then one line per fact: a case touched, a deadline (met or\n"
           "not), a satisfaction score, a resolution (reopened or not), with its events.",
       .flags =
           {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
            {.name = "quarter", .value_name = "Q", .help = "the quarter, 1..4", .required = true}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl assessment explain S0022 --year 2027 --quarter 1"},
       .run = RunAssessmentExplain},
      {.name = "accountability suggestions",
       .group = "Accountability (staff-assessment service)",
       .summary = "what the rules suggest from late or upheld complaints (pending by default)",
       .description = "A suggestion is never applied by itself: a person confirms it with\n"
                      "'tousuctl accountability record --suggestion ID'.",
       .flags = {{.name = "status",
                  .value_name = "STATUS",
                  .help = OneOf(EnumNames<sv1::SuggestionStatus>()) + " (default pending)"},
                 {.name = "person",
                  .value_name = "STAFF_ID",
                  .help = "only those naming this person"},
                 {.name = "number", .value_name = "NUMBER", .help = "only this complaint"}},
       .examples = {"tousuctl accountability suggestions --person S0022"},
       .run = RunAccountabilitySuggestions},
      {.name = "accountability record",
       .group = "Accountability (staff-assessment service)",
       .summary = "record accountability decided by a person, confirming a suggestion or directly",
       .description =
           "With --suggestion, confirms it: its complaint, person, department, cause and\n"
           "severity are used unless given here. Without, --number, --person or --department,\n"
           "--cause and --severity say it all.",
       .flags = {{.name = "suggestion", .value_name = "ID", .help = "the suggestion confirmed"},
                 {.name = "number", .value_name = "NUMBER", .help = "the complaint"},
                 {.name = "person", .value_name = "STAFF_ID", .help = "the responsible person"},
                 {.name = "department", .value_name = "DEPT", .help = "the responsible department"},
                 {.name = "cause",
                  .value_name = "CAUSE",
                  .help = OneOf(EnumNames<sv1::AccountabilityCause>())},
                 {.name = "severity",
                  .value_name = "SEVERITY",
                  .help = OneOf(EnumNames<sv1::AccountabilitySeverity>())},
                 {.name = "measure",
                  .value_name = "MEASURE",
                  .help = OneOf(EnumNames<sv1::AccountabilityMeasure>()),
                  .required = true},
                 {.name = "decided-by",
                  .value_name = "STAFF_ID",
                  .help = "who decided",
                  .required = true},
                 {.name = "decided-at", .value_name = "TIME", .help = "when (default now)"},
                 {.name = "note",
                  .value_name = "TEXT",
                  .help = "optional, at most 500 characters; - reads stdin"}},
       .examples =
           {"tousuctl accountability record --suggestion 12 --measure criticism-and-education \\\n"
            "    --decided-by S0002 --note 首次超时，批评教育"},
       .run = RunAccountabilityRecord},
      {.name = "accountability list",
       .group = "Accountability (staff-assessment service)",
       .summary = "accountability records by person, department, complaint and/or quarter",
       .description = "At least one filter. Ordered by when they were decided.",
       .flags = {{.name = "person", .value_name = "STAFF_ID", .help = "the responsible person"},
                 {.name = "department", .value_name = "DEPT", .help = "the responsible department"},
                 {.name = "number", .value_name = "NUMBER", .help = "the complaint"},
                 {.name = "year", .value_name = "YYYY", .help = "decided in this year's --quarter"},
                 {.name = "quarter", .value_name = "Q", .help = "1..4, with --year"}},
       .examples = {"tousuctl accountability list --person S0022 --year 2027 --quarter 1"},
       .run = RunAccountabilityList},
  };
}

}  // namespace tousu::ctl
