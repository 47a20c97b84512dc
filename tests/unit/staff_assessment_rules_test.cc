// The quarterly assessment's rules (services/staff-assessment/domain/assessment.h and
// assessment_rules.h), each figure against a value computed by hand in the comments.

#include <gtest/gtest.h>

#include "complaints/common/v1/types.pb.h"
#include "services/staff-assessment/domain/assessment.h"
#include "services/staff-assessment/domain/assessment_rules.h"
#include "tests/support/shanghai_time.h"

namespace tousu::staff::assessment {
namespace {

namespace cv1 = complaints::common::v1;

absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}
using ::tousu::testing::Shanghai;

// ---- Quarters -----------------------------------------------------------------------------------

TEST(Quarters, AQuarterRunsFromMidnightShanghaiOnItsFirstDayToMidnightOnTheNextQuartersFirst) {
  const Span q1 = QuarterSpan({2026, 1});
  EXPECT_EQ(q1.start, Utc(2025, 12, 31, 16));  // 2026-01-01 00:00 Shanghai
  EXPECT_EQ(q1.end, Utc(2026, 3, 31, 16));     // 2026-04-01 00:00 Shanghai
  const Span q4 = QuarterSpan({2026, 4});
  EXPECT_EQ(q4.start, Utc(2026, 9, 30, 16));
  EXPECT_EQ(q4.end, Utc(2026, 12, 31, 16));
}

TEST(Quarters, AnInstantBelongsToTheQuarterOfItsShanghaiDate) {
  EXPECT_EQ(QuarterOf(Utc(2026, 3, 31, 15, 59, 59)), (Quarter{2026, 1}));  // 23:59:59 on 31 March
  EXPECT_EQ(QuarterOf(Utc(2026, 3, 31, 16)), (Quarter{2026, 2}));          // 00:00 on 1 April
  EXPECT_EQ(QuarterOf(Utc(2025, 12, 31, 16, 30)), (Quarter{2026, 1}));     // New Year in Shanghai
  EXPECT_EQ(QuarterOf(Utc(2025, 12, 31, 15, 30)), (Quarter{2025, 4}));
  EXPECT_TRUE(QuarterSpan({2026, 1}).Contains(Utc(2025, 12, 31, 16)));
  EXPECT_FALSE(QuarterSpan({2026, 1}).Contains(Utc(2026, 3, 31, 16)));
}

TEST(Quarters, AreLabelledYearQNumberAndCheckedNamingTheField) {
  EXPECT_EQ(QuarterLabel({2026, 3}), "2026Q3");
  EXPECT_TRUE(CheckQuarter(2026, 1).ok());
  EXPECT_EQ(CheckQuarter(2026, 5).message(), "quarter: must be 1..4");
  EXPECT_EQ(CheckQuarter(2026, 0).message(), "quarter: must be 1..4");
  EXPECT_EQ(CheckQuarter(1999, 1).message(), "year: must be 2000..2100");
}

// ---- Formulas -----------------------------------------------------------------------------------

TEST(Formulas, TimelinessIsTheShareOfDeadlinesMet) {
  EXPECT_DOUBLE_EQ(Rate(3, 4), 0.75);
  EXPECT_DOUBLE_EQ(Rate(0, 5), 0.0);
  EXPECT_DOUBLE_EQ(Rate(0, 0), 0.0);  // nothing to measure: 0, and the component is left out
}

TEST(Formulas, SatisfactionIsTheMeanScore) {
  EXPECT_DOUBLE_EQ(AverageSatisfaction(4 + 5 + 2, 3), 11.0 / 3.0);
  EXPECT_DOUBLE_EQ(AverageSatisfaction(0, 0), 0.0);
}

TEST(Formulas, TheScoreWeighsTimelinessSatisfactionAndEffectiveness) {
  const Policy policy;  // 0.4 / 0.3 / 0.3
  // 100 × (0.4 × 0.75 + 0.3 × (4 − 1) / 4 + 0.3 × 0.5) = 100 × (0.3 + 0.225 + 0.15) = 67.5
  EXPECT_DOUBLE_EQ(*WeightedScore({0.75, 4.0, 0.5}, policy), 67.5);
  // Perfect and worst.
  EXPECT_DOUBLE_EQ(*WeightedScore({1.0, 5.0, 1.0}, policy), 100.0);
  EXPECT_DOUBLE_EQ(*WeightedScore({0.0, 1.0, 0.0}, policy), 0.0);
}

TEST(Formulas, AComponentWithoutDataGivesItsWeightToTheOthers) {
  const Policy policy;
  // No satisfaction: 100 × (0.4 × 0.75 + 0.3 × 0.5) / 0.7 = 100 × 0.45 / 0.7 = 64.2857 (4 d.p.)
  EXPECT_DOUBLE_EQ(*WeightedScore({0.75, std::nullopt, 0.5}, policy), 64.2857);
  // Only timeliness.
  EXPECT_DOUBLE_EQ(*WeightedScore({0.5, std::nullopt, std::nullopt}, policy), 50.0);
  // Nothing at all: no score.
  EXPECT_FALSE(WeightedScore({std::nullopt, std::nullopt, std::nullopt}, policy).has_value());
  // A zero weight counts for nothing, even with data.
  Policy only_timeliness{.weight_timeliness = 1,
                         .weight_satisfaction = 0,
                         .weight_effectiveness = 0,
                         .excellent_at = 90,
                         .pass_at = 60};
  EXPECT_DOUBLE_EQ(*WeightedScore({0.8, 1.0, 0.0}, only_timeliness), 80.0);
  EXPECT_FALSE(WeightedScore({std::nullopt, 5.0, 1.0}, only_timeliness).has_value());
}

TEST(Formulas, OnlyTheRatiosOfTheWeightsMatter) {
  const Policy tenths;
  const Policy whole{.weight_timeliness = 4,
                     .weight_satisfaction = 3,
                     .weight_effectiveness = 3,
                     .excellent_at = 90,
                     .pass_at = 60};
  EXPECT_DOUBLE_EQ(*WeightedScore({0.75, 4.0, 0.5}, tenths),
                   *WeightedScore({0.75, 4.0, 0.5}, whole));
}

TEST(Grades, AtOrAboveAThresholdGetsTheGrade) {
  const Policy policy;  // excellent at 90, pass at 60
  EXPECT_EQ(GradeFor(100.0, policy), v1::GRADE_EXCELLENT);
  EXPECT_EQ(GradeFor(90.0, policy), v1::GRADE_EXCELLENT);
  EXPECT_EQ(GradeFor(89.9999, policy), v1::GRADE_PASS);
  EXPECT_EQ(GradeFor(60.0, policy), v1::GRADE_PASS);
  EXPECT_EQ(GradeFor(59.9999, policy), v1::GRADE_BELOW_BAR);
  EXPECT_EQ(GradeFor(0.0, policy), v1::GRADE_BELOW_BAR);
  EXPECT_EQ(GradeFor(std::nullopt, policy), v1::GRADE_UNSPECIFIED);
}

TEST(Grades, AScoreMeantToBeExactlyOnTheBarIsOnTheBar) {
  // Every component 0.6 (satisfaction (3.4 − 1) / 4 = 0.6): 60 exactly, not 59.99999999.
  const auto score = WeightedScore({0.6, 3.4, 0.6}, Policy{});
  EXPECT_DOUBLE_EQ(*score, 60.0);
  EXPECT_EQ(GradeFor(score, Policy{}), v1::GRADE_PASS);
}

TEST(Policy, WeightsAndThresholdsAreChecked) {
  EXPECT_TRUE(ValidatePolicy(Policy{}).ok());
  Policy p;
  p.weight_satisfaction = -1;
  EXPECT_EQ(ValidatePolicy(p).message(), "weight_satisfaction: must be a number from 0 to 100");
  p = Policy{};
  p.weight_timeliness = p.weight_satisfaction = p.weight_effectiveness = 0;
  EXPECT_FALSE(ValidatePolicy(p).ok());
  p = Policy{};
  p.pass_at = 0;
  EXPECT_EQ(ValidatePolicy(p).message(), "pass_at: must be more than 0 and at most 100");
  p = Policy{};
  p.excellent_at = 50;  // below the pass threshold
  EXPECT_FALSE(ValidatePolicy(p).ok());
  p = Policy{};
  p.excellent_at = p.pass_at = 75;  // one bar for both is allowed
  EXPECT_TRUE(ValidatePolicy(p).ok());
}

// ---- Figures from the activity log --------------------------------------------------------------

class Figures : public ::testing::Test {
 protected:
  Activity& Add(const std::string& type, const std::string& number, absl::Time at,
                const std::string& staff = "", const std::string& role = "") {
    Activity a;
    a.event_id = "e" + std::to_string(rows_.size() + 1);
    a.event_type = type;
    a.number = number;
    a.at = at;
    a.staff_id = staff;
    a.role = role;
    a.department_id = role == kHandler ? "engineering" : "";
    rows_.push_back(a);
    return rows_.back();
  }
  Activity& Sla(const std::string& type, const std::string& number, absl::Time at,
                const std::string& staff, const std::string& role, const char* sla, absl::Time due,
                bool met) {
    Activity& a = Add(type, number, at, staff, role);
    a.sla = sla;
    a.due = due;
    a.met = met;
    return a;
  }

  // Three complaints of 2026 Q1, as the events tell them:
  //  A: H1 acknowledges on time and proposes late (an overdue notice and the late proposal: one
  //     missed deadline), resolves; tracker T1; C1 calls back on time, score 4.
  //  B: the acknowledgement is overdue (nobody named) and H1 acknowledges late (one missed
  //     deadline, H1's); proposes on time, resolves; C1 calls back late with 2, the case reopens,
  //     C1 calls back on time with 5.
  //  C: H1 acknowledged it in Q4 2025 (not this quarter's deadline) and resolves it in January.
  void MakeQuarter() {
    const std::string a = "TS-202602-000001", b = "TS-202603-000002", c = "TS-202512-000003";
    Sla("ComplaintAcknowledged", a, Shanghai(2026, 2, 2, 9, 30), "H1", kHandler, kAcknowledgement,
        Shanghai(2026, 2, 2, 10), true);
    Add("TrackerAssigned", a, Shanghai(2026, 2, 2, 9, 31), "T1", kTracker);
    Sla("SolutionDeadlineMissed", a, Shanghai(2026, 2, 4, 10, 1), "H1", kHandler, kSolution,
        Shanghai(2026, 2, 4, 9, 30), false);
    Sla("SolutionProposed", a, Shanghai(2026, 2, 4, 15), "H1", kHandler, kSolution,
        Shanghai(2026, 2, 4, 9, 30), false);
    Add("CaseResolved", a, Shanghai(2026, 2, 10), "H1", kHandler).resolved = true;
    Sla("CallbackRecorded", a, Shanghai(2026, 2, 12), "C1", kCallbackAgent, kCallback,
        Shanghai(2026, 2, 13), true)
        .satisfaction = 4;

    Sla("AcknowledgementOverdue", b, Shanghai(2026, 3, 1, 11), "", "", kAcknowledgement,
        Shanghai(2026, 3, 1, 10), false);
    Sla("ComplaintAcknowledged", b, Shanghai(2026, 3, 1, 11, 30), "H1", kHandler, kAcknowledgement,
        Shanghai(2026, 3, 1, 10), false);
    Sla("SolutionProposed", b, Shanghai(2026, 3, 2), "H1", kHandler, kSolution,
        Shanghai(2026, 3, 3, 11, 30), true);
    Add("CaseResolved", b, Shanghai(2026, 3, 5), "H1", kHandler).resolved = true;
    Sla("CallbackRecorded", b, Shanghai(2026, 3, 12), "C1", kCallbackAgent, kCallback,
        Shanghai(2026, 3, 10), false)
        .satisfaction = 2;
    Add("CustomerUnsatisfied", b, Shanghai(2026, 3, 12)).reopened = true;
    Add("CaseReopened", b, Shanghai(2026, 3, 12, 0, 1), "H1", kHandler).reopened = true;
    Add("CaseResolved", b, Shanghai(2026, 3, 16), "H1", kHandler).resolved = true;
    Sla("CallbackRecorded", b, Shanghai(2026, 3, 20), "C1", kCallbackAgent, kCallback,
        Shanghai(2026, 3, 21), true)
        .satisfaction = 5;

    Sla("ComplaintAcknowledged", c, Shanghai(2025, 12, 31, 22), "H1", kHandler, kAcknowledgement,
        Shanghai(2025, 12, 31, 23), true);
    Add("CaseResolved", c, Shanghai(2026, 1, 5), "H1", kHandler).resolved = true;
  }

  std::vector<Activity> rows_;
};

TEST_F(Figures, AHandlersFiguresCountEachDeadlineOnceInTheQuarterItFellDue) {
  MakeQuarter();
  const auto figures = ComputeFigures(rows_, QuarterSpan({2026, 1}));
  ASSERT_TRUE(figures.contains("H1"));
  const PersonFigures& h = figures.at("H1");
  EXPECT_EQ(h.role, kHandler);
  EXPECT_EQ(h.department_id, "engineering");
  EXPECT_EQ(h.cases_touched, 3);  // A, B and C (resolved in January)
  // A: acknowledgement met, solution missed; B: acknowledgement missed, solution met. C's
  // acknowledgement fell due in 2025 Q4.
  EXPECT_EQ(h.sla_checks, 4);
  EXPECT_EQ(h.sla_met, 2);
  // A: 4; B: the last score of the quarter, 5; C: none.
  EXPECT_EQ(h.satisfaction_responses, 2);
  EXPECT_EQ(h.satisfaction_sum, 9);
  // A, B, C resolved; B reopened.
  EXPECT_EQ(h.cases_resolved, 3);
  EXPECT_EQ(h.resolved_without_reopening, 2);
  // 100 × (0.4 × 2/4 + 0.3 × (4.5 − 1)/4 + 0.3 × 2/3) = 100 × (0.2 + 0.2625 + 0.2) = 66.25
  const auto score = WeightedScore(h.components(), Policy{});
  EXPECT_DOUBLE_EQ(*score, 66.25);
  EXPECT_EQ(GradeFor(score, Policy{}), v1::GRADE_PASS);
}

TEST_F(Figures, TheCallbackAgentAndTheTrackerShareTheCasesSatisfactionAndEffectiveness) {
  MakeQuarter();
  const auto figures = ComputeFigures(rows_, QuarterSpan({2026, 1}));
  const PersonFigures& c = figures.at("C1");
  EXPECT_EQ(c.role, kCallbackAgent);
  EXPECT_EQ(c.cases_touched, 2);
  EXPECT_EQ(c.sla_checks, 3);  // A on time; B's first callback late, its second on time
  EXPECT_EQ(c.sla_met, 2);
  EXPECT_EQ(c.satisfaction_responses, 2);
  EXPECT_EQ(c.satisfaction_sum, 9);
  EXPECT_EQ(c.cases_resolved, 2);
  EXPECT_EQ(c.resolved_without_reopening, 1);
  // 100 × (0.4 × 2/3 + 0.3 × 0.875 + 0.3 × 0.5) = 26.6667 + 26.25 + 15 = 67.9167 (4 d.p.)
  EXPECT_DOUBLE_EQ(*WeightedScore(c.components(), Policy{}), 67.9167);

  const PersonFigures& t = figures.at("T1");
  EXPECT_EQ(t.cases_touched, 1);
  EXPECT_EQ(t.sla_checks, 0);
  // No deadline: 100 × (0.3 × 0.75 + 0.3 × 1) / 0.6 = 87.5
  EXPECT_DOUBLE_EQ(*WeightedScore(t.components(), Policy{}), 87.5);
}

TEST_F(Figures, EveryFigureListsTheEventsBehindIt) {
  MakeQuarter();
  const auto figures = ComputeFigures(rows_, QuarterSpan({2026, 1}));
  const PersonFigures& h = figures.at("H1");
  int sla = 0, satisfaction = 0, resolution = 0, touch = 0;
  for (const auto& e : h.evidence) {
    if (e.kind == "sla") ++sla;
    if (e.kind == "satisfaction") ++satisfaction;
    if (e.kind == "resolution") ++resolution;
    if (e.kind == "touch") ++touch;
    if (e.number == "TS-202603-000002" && e.kind == "sla" && e.sla == kAcknowledgement) {
      EXPECT_FALSE(e.met);
      EXPECT_EQ(e.events, (std::vector<std::string>{"AcknowledgementOverdue:e7",
                                                    "ComplaintAcknowledged:e8"}));
    }
    if (e.number == "TS-202603-000002" && e.kind == "resolution") {
      EXPECT_FALSE(e.met);             // reopened
      EXPECT_EQ(e.events.size(), 4u);  // two resolutions, the unsatisfied callback, the reopen
    }
  }
  EXPECT_EQ(sla, h.sla_checks);
  EXPECT_EQ(satisfaction, h.satisfaction_responses);
  EXPECT_EQ(resolution, h.cases_resolved);
  EXPECT_EQ(touch, h.cases_touched);
}

TEST_F(Figures, TheQuarterBeforeAndAfterSeeOnlyTheirOwnDeadlines) {
  MakeQuarter();
  const auto q4 = ComputeFigures(rows_, QuarterSpan({2025, 4}));
  ASSERT_TRUE(q4.contains("H1"));
  EXPECT_EQ(q4.at("H1").cases_touched, 1);  // C
  EXPECT_EQ(q4.at("H1").sla_checks, 1);
  EXPECT_EQ(q4.at("H1").sla_met, 1);
  EXPECT_EQ(q4.at("H1").cases_resolved, 0);  // resolved in January
  EXPECT_TRUE(ComputeFigures(rows_, QuarterSpan({2026, 2})).empty());
}

TEST_F(Figures, ADeadlineNobodyWasNamedForIsNobodys) {
  Sla("AcknowledgementOverdue", "TS-202602-000009", Shanghai(2026, 2, 1, 11), "", "",
      kAcknowledgement, Shanghai(2026, 2, 1, 10), false);
  EXPECT_TRUE(ComputeFigures(rows_, QuarterSpan({2026, 1})).empty());
}

// ---- Suggestions --------------------------------------------------------------------------------

TEST(Suggestions, ALateAcknowledgementSuggestsItsOwner) {
  Activity row{.event_id = "e1",
               .event_type = "ComplaintAcknowledged",
               .number = "TS-202602-000001",
               .at = Shanghai(2026, 2, 1, 11),
               .staff_id = "S0021",
               .role = kHandler,
               .department_id = "engineering",
               .sla = kAcknowledgement,
               .due = Shanghai(2026, 2, 1, 10),
               .met = false,
               .satisfaction = 0,
               .resolved = false,
               .reopened = false};
  auto s = SuggestFrom(row, cv1::CATEGORY_PRODUCT_QUALITY);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->rule, "late_acknowledgement");
  EXPECT_EQ(s->staff_id, "S0021");
  EXPECT_EQ(s->department_id, "engineering");
  EXPECT_EQ(s->cause, v1::ACCOUNTABILITY_CAUSE_DELAY);
  EXPECT_EQ(s->severity, v1::ACCOUNTABILITY_SEVERITY_MINOR);
  EXPECT_NE(s->reason.find("2026-02-01 10:00"), std::string::npos) << s->reason;

  row.met = true;
  EXPECT_FALSE(SuggestFrom(row, cv1::CATEGORY_PRODUCT_QUALITY).has_value());
}

TEST(Suggestions, AMissedQualitySolutionIsASlowQualityFixOtherwiseADelay) {
  Activity row;
  row.event_type = "SolutionDeadlineMissed";
  row.number = "TS-202602-000001";
  row.staff_id = "S0021";
  row.department_id = "engineering";
  EXPECT_EQ(SuggestFrom(row, cv1::CATEGORY_PRODUCT_QUALITY)->cause,
            v1::ACCOUNTABILITY_CAUSE_SLOW_QUALITY_FIX);
  EXPECT_EQ(SuggestFrom(row, cv1::CATEGORY_PROPERTY_SERVICE)->cause,
            v1::ACCOUNTABILITY_CAUSE_DELAY);
}

TEST(Suggestions, AnUpheldSalesComplaintSuggestsTheSalesDepartmentForFalseAdvertising) {
  Activity row;
  row.event_type = "CaseResolved";
  row.number = "TS-202602-000001";
  row.staff_id = "S0023";  // the handler, not the culprit
  row.department_id = "sales";
  row.resolved = true;
  auto s = SuggestFrom(row, cv1::CATEGORY_SALES_SERVICE);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->rule, "sales_complaint_upheld");
  EXPECT_EQ(s->staff_id, "");
  EXPECT_EQ(s->department_id, "sales");
  EXPECT_EQ(s->cause, v1::ACCOUNTABILITY_CAUSE_FALSE_ADVERTISING);
  EXPECT_EQ(s->severity, v1::ACCOUNTABILITY_SEVERITY_SERIOUS);
  EXPECT_FALSE(SuggestFrom(row, cv1::CATEGORY_PRODUCT_QUALITY).has_value());
}

TEST(Suggestions, AnOverdueCallbackSuggestsTheAgentAndOtherEventsNothing) {
  Activity row;
  row.event_type = "CallbackOverdue";
  row.number = "TS-202602-000001";
  row.staff_id = "S0014";
  EXPECT_EQ(SuggestFrom(row, 0)->rule, "callback_overdue");
  row.event_type = "TrackerAssigned";
  EXPECT_FALSE(SuggestFrom(row, 0).has_value());
}

// ---- What a grade leads to ----------------------------------------------------------------------

TEST(GradeConsequences, ExcellentIsProposedForARewardAndBelowTheBarRetrainedAndReviewed) {
  const GradeConsequences excellent = ConsequencesOf(v1::GRADE_EXCELLENT);
  EXPECT_TRUE(excellent.reward);
  EXPECT_FALSE(excellent.role_review);
  EXPECT_FALSE(excellent.targeted_training);
  const GradeConsequences pass = ConsequencesOf(v1::GRADE_PASS);
  EXPECT_FALSE(pass.reward || pass.role_review || pass.targeted_training);
  const GradeConsequences below = ConsequencesOf(v1::GRADE_BELOW_BAR);
  EXPECT_FALSE(below.reward);
  EXPECT_TRUE(below.role_review);
  EXPECT_TRUE(below.targeted_training);
  const GradeConsequences ungraded = ConsequencesOf(v1::GRADE_UNSPECIFIED);
  EXPECT_FALSE(ungraded.reward || ungraded.role_review || ungraded.targeted_training);
}

TEST_F(Figures, TheVerdictFollowsThePolicysThresholds) {
  MakeQuarter();
  const auto figures = ComputeFigures(rows_, QuarterSpan({2026, 1}));
  // H1 scores 66.25 under the default policy (above): a pass.
  const Verdict pass = AssessmentRules(Policy{}).Assess(figures.at("H1"));
  EXPECT_DOUBLE_EQ(pass.score, 66.25);
  EXPECT_EQ(pass.grade, v1::GRADE_PASS);
  EXPECT_FALSE(pass.consequences.targeted_training);
  // A stricter bar puts the same figures below it, with retraining.
  const Verdict below = AssessmentRules({.weight_timeliness = 0.4,
                                         .weight_satisfaction = 0.3,
                                         .weight_effectiveness = 0.3,
                                         .excellent_at = 95,
                                         .pass_at = 70})
                            .Assess(figures.at("H1"));
  EXPECT_EQ(below.grade, v1::GRADE_BELOW_BAR);
  EXPECT_TRUE(below.consequences.targeted_training);
  EXPECT_TRUE(below.consequences.role_review);
}

TEST(GradeConsequences, NothingToScoreIsNoGradeAndScoresZero) {
  const Verdict none = AssessmentRules(Policy{}).Assess(PersonFigures{});
  EXPECT_EQ(none.score, 0);
  EXPECT_EQ(none.grade, v1::GRADE_UNSPECIFIED);
  EXPECT_FALSE(none.consequences.reward || none.consequences.role_review);
}

// ---- Confirming a suggestion --------------------------------------------------------------------

v1::AccountabilitySuggestion PendingSuggestion() {
  v1::AccountabilitySuggestion s;
  s.set_id(7);
  s.set_number("TS-202603-000005");
  s.set_department_id("sales");
  s.set_cause(v1::ACCOUNTABILITY_CAUSE_FALSE_ADVERTISING);
  s.set_severity(v1::ACCOUNTABILITY_SEVERITY_SERIOUS);
  s.set_status(v1::SUGGESTION_STATUS_PENDING);
  return s;
}

TEST(Confirmation, WhatThePersonDecidesWinsAndWhatTheyLeaveOutComesFromTheSuggestion) {
  v1::AccountabilityRecord decided;
  decided.set_staff_id("S0024");
  decided.set_severity(v1::ACCOUNTABILITY_SEVERITY_MINOR);
  decided.set_measure(v1::ACCOUNTABILITY_MEASURE_BONUS_DEDUCTION);
  auto r = AssessmentRules(Policy{}).Confirm(decided, PendingSuggestion());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->number(), "TS-202603-000005");
  EXPECT_EQ(r->staff_id(), "S0024");
  EXPECT_EQ(r->department_id(), "sales");
  EXPECT_EQ(r->cause(), v1::ACCOUNTABILITY_CAUSE_FALSE_ADVERTISING);
  EXPECT_EQ(r->severity(), v1::ACCOUNTABILITY_SEVERITY_MINOR);
  EXPECT_EQ(r->measure(), v1::ACCOUNTABILITY_MEASURE_BONUS_DEDUCTION);
  EXPECT_EQ(r->suggestion_id(), 7);
}

TEST(Confirmation, ASuggestionIsConfirmedOnceAndOnlyForItsOwnComplaint) {
  const AssessmentRules rules{Policy{}};
  v1::AccountabilitySuggestion done = PendingSuggestion();
  done.set_status(v1::SUGGESTION_STATUS_CONFIRMED);
  done.set_record_id(3);
  auto twice = rules.Confirm(v1::AccountabilityRecord(), done);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(twice.status().message(), "suggestion_id: already confirmed as record 3");

  v1::AccountabilityRecord other;
  other.set_number("TS-202603-000004");
  auto wrong = rules.Confirm(other, PendingSuggestion());
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().message(), "number: is not the suggestion's complaint TS-202603-000005");
}

TEST(Names, StoredSpellingsRoundTrip) {
  EXPECT_EQ(GradeFromName(GradeName(v1::GRADE_BELOW_BAR)), v1::GRADE_BELOW_BAR);
  EXPECT_EQ(CauseFromName(CauseName(v1::ACCOUNTABILITY_CAUSE_SHIRKING)),
            v1::ACCOUNTABILITY_CAUSE_SHIRKING);
  EXPECT_EQ(MeasureFromName("BONUS_DEDUCTION"), v1::ACCOUNTABILITY_MEASURE_BONUS_DEDUCTION);
  EXPECT_EQ(ResultFromName("nonsense"), v1::TRAINING_RESULT_UNSPECIFIED);
}

}  // namespace
}  // namespace tousu::staff::assessment
