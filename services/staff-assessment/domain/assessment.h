#pragma once
// The quarterly assessment's rules (policy §9.2) and the accountability suggestions (§10), pure:
// quarters in Asia/Shanghai, which deadlines were whose and whether they were met, the figures
// per person, the weighted score and the grade. No database, no server, no clock.
//
// Input is the `activity` log: one row per event the service learnt from (who acted on which
// complaint, when, and which deadline it settled). Every figure keeps the rows behind it, so
// ExplainAssessment can list them.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "complaints/staff/v1/assessment.pb.h"

namespace tousu::staff::assessment {

namespace v1 = ::complaints::staff::v1;

// Roles in which a person is assessed, as stored in `activity.role`.
inline constexpr char kHandler[] = "HANDLER";
inline constexpr char kTracker[] = "TRACKER";
inline constexpr char kCallbackAgent[] = "CALLBACK_AGENT";

// Deadlines, as stored in `activity.sla`.
inline constexpr char kAcknowledgement[] = "acknowledgement";
inline constexpr char kSolution[] = "solution";
inline constexpr char kProgressUpdate[] = "progress_update";
inline constexpr char kCallback[] = "callback";

// ---- Quarters -----------------------------------------------------------------------------------

struct Quarter {
  int year = 0;
  int quarter = 0;  // 1..4
  bool operator==(const Quarter&) const = default;
};

// [start, end) of a quarter in UTC.
struct Span {
  absl::Time start;
  absl::Time end;
  bool Contains(absl::Time t) const { return t >= start && t < end; }
};

// INVALID_ARGUMENT "year: ..." / "quarter: ..." unless 2000 <= year <= 2100 and 1 <= quarter <= 4.
absl::Status CheckQuarter(int year, int quarter);
// The quarter's instants: from 00:00 on its first day to 00:00 on the next quarter's first day,
// Shanghai time.
Span QuarterSpan(Quarter q);
// The Shanghai quarter an instant falls in.
Quarter QuarterOf(absl::Time t);
// "2026Q1".
std::string QuarterLabel(Quarter q);

// ---- Policy (configuration) ---------------------------------------------------------------------

struct Policy {
  double weight_timeliness = 0.4;
  double weight_satisfaction = 0.3;
  double weight_effectiveness = 0.3;
  // Scores (0..100) at or above these get the grade.
  double excellent_at = 90;
  double pass_at = 60;
};

// Weights finite and in [0, 100] with a positive sum; 0 < pass_at <= excellent_at <= 100.
// INVALID_ARGUMENT naming the setting (e.g. "weight_timeliness: ...") otherwise.
absl::Status ValidatePolicy(const Policy& policy);

// ---- Formulas -----------------------------------------------------------------------------------

// part / whole, or 0 when whole is 0.
double Rate(int part, int whole);
// sum / responses, or 0 when there are none.
double AverageSatisfaction(int sum, int responses);

// The three components; nullopt when the person has nothing to measure it by.
struct Components {
  std::optional<double> timeliness;            // 0..1
  std::optional<double> average_satisfaction;  // 1..5
  std::optional<double> effectiveness;         // 0..1
};

// 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components present, satisfaction scaled to (mean − 1) / 4, rounded
// to 4 decimals (so a score meant to be exactly on a threshold is not 59.99999999). nullopt when
// no component with a positive weight is present.
std::optional<double> WeightedScore(const Components& c, const Policy& policy);

// EXCELLENT at or above excellent_at, PASS at or above pass_at, BELOW_BAR under it; UNSPECIFIED
// for no score.
v1::Grade GradeFor(std::optional<double> score, const Policy& policy);

// ---- The activity log and the figures -----------------------------------------------------------

struct Activity {
  std::string event_id;
  std::string event_type;
  std::string number;
  absl::Time at;         // when it happened (the event's own time)
  std::string staff_id;  // "" when the event names nobody
  std::string role;      // kHandler, kTracker, kCallbackAgent, or ""
  std::string department_id;
  std::string sla;                // "" or one of the deadlines above
  std::optional<absl::Time> due;  // with sla
  std::optional<bool> met;        // with sla
  int satisfaction = 0;           // 1..5 on a callback, else 0
  bool resolved = false;
  bool reopened = false;
};

struct Evidence {
  std::string number;
  std::string kind;  // "touch", "sla", "satisfaction", "resolution"
  std::string sla;
  bool met = false;
  int satisfaction = 0;
  absl::Time at;
  std::vector<std::string> events;  // "<type>:<id>"
};

struct PersonFigures {
  std::string staff_id;
  std::string department_id;  // the latest the events named
  std::string role;           // the role of most of the person's rows
  int cases_touched = 0;
  int sla_checks = 0;
  int sla_met = 0;
  int satisfaction_responses = 0;
  int satisfaction_sum = 0;
  int cases_resolved = 0;
  int resolved_without_reopening = 0;
  std::vector<Evidence> evidence;  // ordered by number, then kind, then time

  Components components() const;
};

// The figures of everyone who touched a complaint in `span`, by staff id. `rows` are all the
// activity rows of the complaints concerned (any time). The rules:
// - A person touched a case in the quarter when a row naming them happened in it, or a deadline
//   of theirs fell due in it.
// - A deadline is identified by (complaint, kind, due time); all rows about it are one check,
//   met only if none says missed (an overdue notice and the late action count once). It is the
//   person's whom a row about it names (the last such row), and counts in the quarter of its due
//   time. A deadline no row attributes to a person (an acknowledgement never given) is nobody's.
// - Satisfaction of a case: the last callback score recorded in the quarter; it counts for every
//   person who touched the case in the quarter.
// - Effectiveness: of the cases touched that were resolved before the quarter ended, those never
//   reopened (as far as the events known at the run tell).
std::map<std::string, PersonFigures> ComputeFigures(const std::vector<Activity>& rows, Span span);

// ---- Accountability suggestions -----------------------------------------------------------------

struct Suggestion {
  std::string number;
  std::string staff_id;
  std::string department_id;
  v1::AccountabilityCause cause = v1::ACCOUNTABILITY_CAUSE_UNSPECIFIED;
  v1::AccountabilitySeverity severity = v1::ACCOUNTABILITY_SEVERITY_UNSPECIFIED;
  std::string rule;
  std::string reason;
};

// What the rules suggest from one activity row, given the complaint's category (0: unknown):
// - a late acknowledgement → its owner, delay, minor ("late_acknowledgement");
// - a missed solution deadline → the owner; slow quality fix for product quality, else delay
//   ("solution_deadline_missed");
// - an overdue callback → the callback agent, delay, minor ("callback_overdue");
// - a sales-service complaint resolved (upheld) → the sales department, false advertising,
//   serious; the person confirming names the sales staff ("sales_complaint_upheld").
// A suggestion is only ever a proposal: a person confirms it with RecordAccountability.
std::optional<Suggestion> SuggestFrom(const Activity& row, int category);

// ---- Names as stored ----------------------------------------------------------------------------

std::string_view GradeName(v1::Grade g);
v1::Grade GradeFromName(std::string_view name);
std::string_view CauseName(v1::AccountabilityCause c);
v1::AccountabilityCause CauseFromName(std::string_view name);
std::string_view SeverityName(v1::AccountabilitySeverity s);
v1::AccountabilitySeverity SeverityFromName(std::string_view name);
std::string_view MeasureName(v1::AccountabilityMeasure m);
v1::AccountabilityMeasure MeasureFromName(std::string_view name);
std::string_view ResultName(v1::TrainingResult r);
v1::TrainingResult ResultFromName(std::string_view name);

}  // namespace tousu::staff::assessment
