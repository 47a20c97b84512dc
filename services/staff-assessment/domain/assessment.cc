#include "services/staff-assessment/domain/assessment.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/events/event_type.h"
#include "common/time/beijing_zone.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/common/v1/types.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"

namespace tousu::staff::assessment {
namespace {

bool Finite(double x) { return std::isfinite(x); }

absl::Status Bad(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(std::string(field) + ": " + std::string(what));
}

std::string EventRef(const Activity& row) {
  return absl::StrCat(row.event_type, ":", row.event_id);
}

template <typename Enum>
struct NameTable {
  std::vector<std::pair<Enum, std::string_view>> entries;
  std::string_view Name(Enum e) const {
    for (const auto& [v, n] : entries) {
      if (v == e) return n;
    }
    return "";
  }
  Enum From(std::string_view name) const {
    for (const auto& [v, n] : entries) {
      if (n == name) return v;
    }
    return Enum{};
  }
};

// Storage spellings, fixed here so that renaming a proto constant never changes stored data.
const NameTable<v1::Grade>& Grades() {
  static const NameTable<v1::Grade> t{{{v1::GRADE_EXCELLENT, "EXCELLENT"},
                                       {v1::GRADE_PASS, "PASS"},
                                       {v1::GRADE_BELOW_BAR, "BELOW_BAR"},
                                       {v1::GRADE_UNSPECIFIED, "NOT_GRADED"}}};
  return t;
}
const NameTable<v1::AccountabilityCause>& Causes() {
  static const NameTable<v1::AccountabilityCause> t{
      {{v1::ACCOUNTABILITY_CAUSE_PERSONAL_ERROR, "PERSONAL_ERROR"},
       {v1::ACCOUNTABILITY_CAUSE_SHIRKING, "SHIRKING"},
       {v1::ACCOUNTABILITY_CAUSE_DELAY, "DELAY"},
       {v1::ACCOUNTABILITY_CAUSE_IMPROPER_HANDLING, "IMPROPER_HANDLING"},
       {v1::ACCOUNTABILITY_CAUSE_FALSE_ADVERTISING, "FALSE_ADVERTISING"},
       {v1::ACCOUNTABILITY_CAUSE_UNKEPT_PROMISE, "UNKEPT_PROMISE"},
       {v1::ACCOUNTABILITY_CAUSE_SLOW_QUALITY_FIX, "SLOW_QUALITY_FIX"},
       {v1::ACCOUNTABILITY_CAUSE_OTHER, "OTHER"}}};
  return t;
}
const NameTable<v1::AccountabilitySeverity>& Severities() {
  static const NameTable<v1::AccountabilitySeverity> t{
      {{v1::ACCOUNTABILITY_SEVERITY_MINOR, "MINOR"},
       {v1::ACCOUNTABILITY_SEVERITY_SERIOUS, "SERIOUS"}}};
  return t;
}
const NameTable<v1::AccountabilityMeasure>& Measures() {
  static const NameTable<v1::AccountabilityMeasure> t{
      {{v1::ACCOUNTABILITY_MEASURE_CRITICISM_AND_EDUCATION, "CRITICISM_AND_EDUCATION"},
       {v1::ACCOUNTABILITY_MEASURE_WARNING, "WARNING"},
       {v1::ACCOUNTABILITY_MEASURE_BONUS_DEDUCTION, "BONUS_DEDUCTION"},
       {v1::ACCOUNTABILITY_MEASURE_ROLE_CHANGE, "ROLE_CHANGE"},
       {v1::ACCOUNTABILITY_MEASURE_OTHER, "OTHER"}}};
  return t;
}
const NameTable<v1::TrainingResult>& Results() {
  static const NameTable<v1::TrainingResult> t{
      {{v1::TRAINING_RESULT_PASSED, "PASSED"}, {v1::TRAINING_RESULT_FAILED, "FAILED"}}};
  return t;
}

}  // namespace

// ---- Quarters -----------------------------------------------------------------------------------

absl::Status CheckQuarter(int year, int quarter) {
  if (year < 2000 || year > 2100) return Bad("year", "must be 2000..2100");
  if (quarter < 1 || quarter > 4) return Bad("quarter", "must be 1..4");
  return absl::OkStatus();
}

Span QuarterSpan(Quarter q) {
  const absl::CivilMonth first(q.year, 3 * (q.quarter - 1) + 1);
  return {absl::FromCivil(absl::CivilDay(first), time::BeijingZone()),
          absl::FromCivil(absl::CivilDay(first + 3), time::BeijingZone())};
}

Quarter QuarterOf(absl::Time t) {
  const absl::CivilDay day = absl::ToCivilDay(t, time::BeijingZone());
  return {static_cast<int>(day.year()), (day.month() - 1) / 3 + 1};
}

std::string QuarterLabel(Quarter q) { return absl::StrFormat("%04dQ%d", q.year, q.quarter); }

// ---- Policy -------------------------------------------------------------------------------------

absl::Status ValidatePolicy(const Policy& p) {
  const std::pair<const char*, double> weights[] = {
      {"weight_timeliness", p.weight_timeliness},
      {"weight_satisfaction", p.weight_satisfaction},
      {"weight_effectiveness", p.weight_effectiveness}};
  for (const auto& [name, w] : weights) {
    if (!Finite(w) || w < 0 || w > 100) return Bad(name, "must be a number from 0 to 100");
  }
  if (p.weight_timeliness + p.weight_satisfaction + p.weight_effectiveness <= 0) {
    return Bad("weight_timeliness", "the three weights must not all be 0");
  }
  if (!Finite(p.pass_at) || p.pass_at <= 0 || p.pass_at > 100) {
    return Bad("pass_at", "must be more than 0 and at most 100");
  }
  if (!Finite(p.excellent_at) || p.excellent_at < p.pass_at || p.excellent_at > 100) {
    return Bad("excellent_at", "must be at least the pass threshold and at most 100");
  }
  return absl::OkStatus();
}

// ---- Formulas -----------------------------------------------------------------------------------

double Rate(int part, int whole) {
  return whole <= 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

double AverageSatisfaction(int sum, int responses) { return Rate(sum, responses); }

std::optional<double> WeightedScore(const Components& c, const Policy& policy) {
  double weighted = 0, weights = 0;
  auto add = [&](const std::optional<double>& value, double weight) {
    if (!value.has_value() || weight <= 0) return;
    weighted += weight * *value;
    weights += weight;
  };
  add(c.timeliness, policy.weight_timeliness);
  if (c.average_satisfaction) {
    add((*c.average_satisfaction - 1.0) / 4.0, policy.weight_satisfaction);
  }
  add(c.effectiveness, policy.weight_effectiveness);
  if (weights <= 0) return std::nullopt;
  return std::round(100.0 * weighted / weights * 1e4) / 1e4;
}

v1::Grade GradeFor(std::optional<double> score, const Policy& policy) {
  if (!score.has_value()) return v1::GRADE_UNSPECIFIED;
  if (*score >= policy.excellent_at) return v1::GRADE_EXCELLENT;
  if (*score >= policy.pass_at) return v1::GRADE_PASS;
  return v1::GRADE_BELOW_BAR;
}

Components PersonFigures::components() const {
  Components c;
  if (sla_checks > 0) c.timeliness = Rate(sla_met, sla_checks);
  if (satisfaction_responses > 0) {
    c.average_satisfaction = AverageSatisfaction(satisfaction_sum, satisfaction_responses);
  }
  if (cases_resolved > 0) c.effectiveness = Rate(resolved_without_reopening, cases_resolved);
  return c;
}

// ---- Figures ------------------------------------------------------------------------------------

std::map<std::string, PersonFigures> ComputeFigures(const std::vector<Activity>& rows, Span span) {
  std::map<std::string, std::vector<const Activity*>> by_number;
  for (const auto& r : rows) by_number[r.number].push_back(&r);

  std::map<std::string, PersonFigures> out;
  // Across all cases: how often each person appears in each role, and their latest department.
  std::map<std::string, std::map<std::string, int>> role_counts;
  std::map<std::string, std::pair<absl::Time, std::string>> latest_department;

  for (auto& [number, list] : by_number) {
    std::sort(list.begin(), list.end(), [](const Activity* a, const Activity* b) {
      return std::tie(a->at, a->event_id) < std::tie(b->at, b->event_id);
    });

    struct Check {
      bool met = true;
      std::string staff_id;
      std::vector<std::string> events;
    };
    std::map<std::pair<std::string, absl::Time>, Check> checks;  // (sla, due)
    for (const Activity* r : list) {
      if (r->sla.empty() || !r->due.has_value()) continue;
      Check& c = checks[{r->sla, *r->due}];
      if (r->met.has_value() && !*r->met) c.met = false;
      if (!r->staff_id.empty()) c.staff_id = r->staff_id;
      c.events.push_back(EventRef(*r));
    }

    std::map<std::string, std::vector<const Activity*>> touches;  // staff -> rows in the quarter
    for (const Activity* r : list) {
      if (!r->staff_id.empty() && span.Contains(r->at)) touches[r->staff_id].push_back(r);
    }
    for (const auto& [key, c] : checks) {
      if (!c.staff_id.empty() && span.Contains(key.second)) touches[c.staff_id];
    }
    if (touches.empty()) continue;

    const Activity* last_score = nullptr;
    std::vector<const Activity*> resolved, reopened;
    for (const Activity* r : list) {
      if (r->satisfaction >= 1 && r->satisfaction <= 5 && span.Contains(r->at)) last_score = r;
      if (r->resolved && r->at < span.end) resolved.push_back(r);
      if (r->reopened) reopened.push_back(r);
    }

    for (const auto& [staff, mine] : touches) {
      PersonFigures& p = out[staff];
      p.staff_id = staff;
      ++p.cases_touched;
      for (const Activity* r : mine) {
        if (!r->role.empty()) ++role_counts[staff][r->role];
        if (!r->department_id.empty()) {
          auto& latest = latest_department[staff];
          if (latest.second.empty() || r->at >= latest.first) latest = {r->at, r->department_id};
        }
      }
      if (!mine.empty()) {
        Evidence e{.number = number,
                   .kind = "touch",
                   .sla = "",
                   .met = false,
                   .satisfaction = 0,
                   .at = mine.front()->at,
                   .events = {}};
        for (const Activity* r : mine) e.events.push_back(EventRef(*r));
        p.evidence.push_back(std::move(e));
      }
      for (const auto& [key, c] : checks) {
        if (c.staff_id != staff || !span.Contains(key.second)) continue;
        ++p.sla_checks;
        if (c.met) ++p.sla_met;
        p.evidence.push_back({.number = number,
                              .kind = "sla",
                              .sla = key.first,
                              .met = c.met,
                              .satisfaction = 0,
                              .at = key.second,
                              .events = c.events});
      }
      if (last_score != nullptr) {
        ++p.satisfaction_responses;
        p.satisfaction_sum += last_score->satisfaction;
        p.evidence.push_back({.number = number,
                              .kind = "satisfaction",
                              .sla = "",
                              .met = false,
                              .satisfaction = last_score->satisfaction,
                              .at = last_score->at,
                              .events = {EventRef(*last_score)}});
      }
      if (!resolved.empty()) {
        ++p.cases_resolved;
        const bool clean = reopened.empty();
        if (clean) ++p.resolved_without_reopening;
        Evidence e{.number = number,
                   .kind = "resolution",
                   .sla = "",
                   .met = clean,
                   .satisfaction = 0,
                   .at = resolved.back()->at,
                   .events = {}};
        for (const Activity* r : resolved) e.events.push_back(EventRef(*r));
        for (const Activity* r : reopened) e.events.push_back(EventRef(*r));
        p.evidence.push_back(std::move(e));
      }
    }
  }

  for (auto& [staff, p] : out) {
    int best = 0;
    for (const auto& [role, n] : role_counts[staff]) {
      if (n > best) {
        best = n;
        p.role = role;
      }
    }
    p.department_id = latest_department[staff].second;
  }
  return out;
}

// ---- Suggestions --------------------------------------------------------------------------------

std::optional<Suggestion> SuggestFrom(const Activity& row, int category) {
  Suggestion s;
  s.number = row.number;
  s.staff_id = row.staff_id;
  s.department_id = row.department_id;
  s.severity = v1::ACCOUNTABILITY_SEVERITY_MINOR;
  s.cause = v1::ACCOUNTABILITY_CAUSE_DELAY;
  const std::string due =
      row.due ? absl::FormatTime("%Y-%m-%d %H:%M", *row.due, time::BeijingZone()) + " Shanghai time"
              : "";
  using events::EventTypeOf;
  if (row.event_type == EventTypeOf<complaints::routing::v1::ComplaintAcknowledged>() &&
      row.met == std::optional<bool>(false) && !row.staff_id.empty()) {
    s.rule = "late_acknowledgement";
    s.reason = "acknowledged after the 1-hour deadline (" + due + "); the owner named is suggested";
    return s;
  }
  if (row.event_type == EventTypeOf<complaints::casehandling::v1::SolutionDeadlineMissed>()) {
    s.rule = "solution_deadline_missed";
    if (category == complaints::common::v1::CATEGORY_PRODUCT_QUALITY) {
      s.cause = v1::ACCOUNTABILITY_CAUSE_SLOW_QUALITY_FIX;
    }
    s.reason = "no solution proposed by the 2-business-day deadline (" + due + ")";
    return s;
  }
  if (row.event_type == EventTypeOf<complaints::followup::v1::CallbackOverdue>() &&
      !row.staff_id.empty()) {
    s.rule = "callback_overdue";
    s.reason = "callback not made by the 3-business-day deadline (" + due + ")";
    return s;
  }
  if (row.event_type == EventTypeOf<complaints::casehandling::v1::CaseResolved>() &&
      category == complaints::common::v1::CATEGORY_SALES_SERVICE) {
    s.rule = "sales_complaint_upheld";
    s.staff_id.clear();  // the owner handled the complaint; the sales staff behind it are unknown
    s.cause = v1::ACCOUNTABILITY_CAUSE_FALSE_ADVERTISING;
    s.severity = v1::ACCOUNTABILITY_SEVERITY_SERIOUS;
    s.reason =
        "a sales-service complaint was upheld: if it was false advertising or an unkept promise, "
        "name the sales staff responsible and correct the cause when confirming";
    return s;
  }
  return std::nullopt;
}

// ---- Names --------------------------------------------------------------------------------------

std::string_view GradeName(v1::Grade g) { return Grades().Name(g); }
v1::Grade GradeFromName(std::string_view n) { return Grades().From(n); }
std::string_view CauseName(v1::AccountabilityCause c) { return Causes().Name(c); }
v1::AccountabilityCause CauseFromName(std::string_view n) { return Causes().From(n); }
std::string_view SeverityName(v1::AccountabilitySeverity s) { return Severities().Name(s); }
v1::AccountabilitySeverity SeverityFromName(std::string_view n) { return Severities().From(n); }
std::string_view MeasureName(v1::AccountabilityMeasure m) { return Measures().Name(m); }
v1::AccountabilityMeasure MeasureFromName(std::string_view n) { return Measures().From(n); }
std::string_view ResultName(v1::TrainingResult r) { return Results().Name(r); }
v1::TrainingResult ResultFromName(std::string_view n) { return Results().From(n); }

}  // namespace tousu::staff::assessment
