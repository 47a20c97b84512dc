// Case-handling rules (policy §6) over the real business calendar shipped in
// deploy/calendar/cn-business-calendar.txt, with a fake clock.

#include "services/case-handling/domain/case_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/time/civil_time.h"
#include "common/log/log.h"
#include "tests/support/shanghai_time.h"

#ifndef TOUSU_CALENDAR_FILE
#error "TOUSU_CALENDAR_FILE must name deploy/calendar/cn-business-calendar.txt"
#endif

namespace tousu::casehandling {
namespace {

namespace chv1 = complaints::casehandling::v1;
namespace cv1 = complaints::common::v1;
using ::testing::HasSubstr;

using ::tousu::testing::Shanghai;

class CaseRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string quiet;
    log::SetSinkForTesting(&quiet);  // the loader warns about the provisional year
    auto cal = time::BusinessCalendar::LoadFile(TOUSU_CALENDAR_FILE);
    log::SetSinkForTesting(nullptr);
    ASSERT_TRUE(cal.ok()) << cal.status();
    calendar_ = new time::BusinessCalendar(*std::move(cal));
  }
  static void TearDownTestSuite() {
    delete calendar_;
    calendar_ = nullptr;
  }

  CaseRules Rules(Settings settings = {}) { return CaseRules(clock_, *calendar_, settings); }

  // A case opened (acknowledged) at `at`, now in `state`.
  CaseFacts OpenAt(absl::Time at, bool complex = false,
                   cv1::Category category = cv1::CATEGORY_SALES_SERVICE) {
    clock_.Set(at);
    CaseFacts c;
    c.complex = complex;
    c.category = category;
    auto opening = Rules().Open(c, at);
    EXPECT_TRUE(opening.ok()) << opening.status();
    return c;
  }

  static CaseFacts InState(CaseState state) {
    CaseFacts c;
    c.state = state;
    c.revision = state == chv1::CASE_STATE_INVESTIGATING ? 0 : 1;
    c.complex = true;
    c.category = cv1::CATEGORY_PRODUCT_QUALITY;
    c.has_inspection_report = true;
    c.solution_due = absl::InfiniteFuture();
    return c;
  }

  static time::BusinessCalendar* calendar_;
  time::FakeClock clock_{Shanghai(2026, 3, 2, 9)};
};

time::BusinessCalendar* CaseRulesTest::calendar_ = nullptr;

// --- The 2-business-day solution deadline on the real calendar ---

TEST_F(CaseRulesTest, ASolutionIsDueTwoBusinessDaysAfterAcknowledgementAtTheSameTimeOfDay) {
  // Monday 09:30 → Wednesday 09:30.
  const CaseFacts c = OpenAt(Shanghai(2026, 3, 9, 9, 30));
  EXPECT_EQ(c.state, chv1::CASE_STATE_INVESTIGATING);
  EXPECT_EQ(c.cycle, 1);
  EXPECT_EQ(c.solution_due, Shanghai(2026, 3, 11, 9, 30));
  EXPECT_FALSE(c.solution_due_provisional);
}

TEST_F(CaseRulesTest, AProposalDueAcrossAWeekendSkipsSaturdayAndSunday) {
  // Thursday 10:00 → Friday, (weekend), Monday 10:00.
  EXPECT_EQ(OpenAt(Shanghai(2026, 3, 12, 10)).solution_due, Shanghai(2026, 3, 16, 10));
  // Friday 15:00 → Monday, Tuesday 15:00.
  EXPECT_EQ(OpenAt(Shanghai(2026, 3, 13, 15)).solution_due, Shanghai(2026, 3, 17, 15));
}

TEST_F(CaseRulesTest, AProposalDueAcrossAHolidaySkipsTheHoliday) {
  // Friday 2026-04-03, then 清明节 04-04..04-06 (Sat-Mon): Tuesday, Wednesday.
  EXPECT_EQ(OpenAt(Shanghai(2026, 4, 3, 9, 30)).solution_due, Shanghai(2026, 4, 8, 9, 30));
  // Thursday 2026-04-30, then 劳动节 05-01..05-05: Wednesday 05-06, Thursday 05-07.
  EXPECT_EQ(OpenAt(Shanghai(2026, 4, 30, 14)).solution_due, Shanghai(2026, 5, 7, 14));
  // Friday 2026-02-13: Saturday 02-14 is worked, then 春节 02-15..02-23: Tuesday 02-24.
  EXPECT_EQ(OpenAt(Shanghai(2026, 2, 13, 10)).solution_due, Shanghai(2026, 2, 24, 10));
}

TEST_F(CaseRulesTest, AMakeUpWorkdayCountsAsABusinessDay) {
  // Thursday 2026-05-07 16:00: Friday 05-08, then Saturday 05-09 is a make-up workday (調休).
  EXPECT_EQ(OpenAt(Shanghai(2026, 5, 7, 16)).solution_due, Shanghai(2026, 5, 9, 16));
}

TEST_F(CaseRulesTest, AnAcknowledgementOnAHolidayCountsFromTheStartOfTheNextWorkingDay) {
  // Friday 2026-01-02 is 元旦; Sunday 01-04 is worked: counting starts there at 00:00.
  EXPECT_EQ(OpenAt(Shanghai(2026, 1, 2, 15)).solution_due, Shanghai(2026, 1, 6, 0));
}

TEST_F(CaseRulesTest, ADeadlineInAnUnpublishedYearIsMarkedProvisional) {
  // Thursday 2026-12-31: Friday 2027-01-01 and Monday 01-04, on weekends only.
  const CaseFacts c = OpenAt(Shanghai(2026, 12, 31, 10));
  EXPECT_EQ(c.solution_due, Shanghai(2027, 1, 4, 10));
  EXPECT_TRUE(c.solution_due_provisional);
}

TEST_F(CaseRulesTest, ADayBeforeTheCalendarIsAnErrorNotAGuess) {
  CaseFacts c;
  EXPECT_EQ(Rules().Open(c, Shanghai(2023, 6, 1, 10)).status().code(),
            absl::StatusCode::kOutOfRange);
}

// --- Proposals and the deadline ---

TEST_F(CaseRulesTest, AProposalByTheDeadlineIsOnTimeAndOneAfterItIsLate) {
  CaseFacts on_time = OpenAt(Shanghai(2026, 3, 9, 9, 30));
  clock_.Set(on_time.solution_due);
  auto p = Rules().Propose(on_time);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->on_time);
  EXPECT_EQ(p->revision, 1);
  EXPECT_EQ(on_time.state, chv1::CASE_STATE_AWAITING_DECISION);

  CaseFacts late = OpenAt(Shanghai(2026, 3, 9, 9, 30));
  clock_.Set(late.solution_due + absl::Seconds(1));
  p = Rules().Propose(late);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->on_time);
  EXPECT_EQ(p->due, Shanghai(2026, 3, 11, 9, 30));
}

TEST_F(CaseRulesTest, AProductQualityCaseCannotProposeBeforeItsInspectionReport) {
  CaseFacts c = OpenAt(Shanghai(2026, 3, 9, 9), false, cv1::CATEGORY_PRODUCT_QUALITY);
  auto p = Rules().Propose(c);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(p.status().message(), HasSubstr("inspection report"));
  EXPECT_EQ(c.state, chv1::CASE_STATE_INVESTIGATING);
  ASSERT_TRUE(Rules().Record(c, Step::kAttachInspectionReport).ok());
  EXPECT_TRUE(Rules().Propose(c).ok());
}

TEST_F(CaseRulesTest, OnlyProductQualityCasesCarryAnInspectionReport) {
  CaseFacts c = OpenAt(Shanghai(2026, 3, 9, 9), false, cv1::CATEGORY_PROPERTY_SERVICE);
  auto r = Rules().Record(c, Step::kAttachInspectionReport);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("product-quality"));
}

// --- Extensions ---

TEST_F(CaseRulesTest, OnlyAComplexCaseMayExtendItsDeadlineToALaterDate) {
  CaseFacts ordinary = OpenAt(Shanghai(2026, 3, 9, 9));
  auto e = Rules().Extend(ordinary, Shanghai(2026, 3, 20, 18));
  EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(e.status().message(), HasSubstr("complex"));

  CaseFacts complex = OpenAt(Shanghai(2026, 3, 9, 9), /*complex=*/true);
  e = Rules().Extend(complex, complex.solution_due);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(e.status().message(), HasSubstr("new_due"));
  e = Rules().Extend(complex, Shanghai(2026, 3, 20, 18));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->previous_due, Shanghai(2026, 3, 11, 9));
  EXPECT_EQ(complex.solution_due, Shanghai(2026, 3, 20, 18));
  EXPECT_EQ(complex.state, chv1::CASE_STATE_INVESTIGATING);
}

TEST_F(CaseRulesTest, ADeadlineThatAlreadyPassedCannotBeExtended) {
  CaseFacts c = OpenAt(Shanghai(2026, 3, 9, 9), /*complex=*/true);
  clock_.Set(c.solution_due + absl::Minutes(1));
  auto e = Rules().Extend(c, Shanghai(2026, 3, 20, 18));
  EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(e.status().message(), HasSubstr("passed"));
}

TEST_F(CaseRulesTest, AnExtendedDeadlineCanBeMissedAgain) {
  CaseFacts c = OpenAt(Shanghai(2026, 3, 9, 9), /*complex=*/true);
  ASSERT_TRUE(Rules().Extend(c, Shanghai(2026, 3, 13, 18)).ok());
  EXPECT_FALSE(Rules().MarkDeadlineMissed(c, Shanghai(2026, 3, 12, 9)));
  EXPECT_TRUE(Rules().MarkDeadlineMissed(c, Shanghai(2026, 3, 13, 18, 1)));
}

// --- Decisions, revisions, resolution, reopening ---

TEST_F(CaseRulesTest, ARejectedSolutionMakesARevisedOneDueInTheConfiguredBusinessDays) {
  CaseFacts c = OpenAt(Shanghai(2026, 9, 17, 9));
  ASSERT_TRUE(Rules().Propose(c).ok());
  // Rejected on Friday 2026-09-18 17:00; Sunday 09-20 is a make-up workday.
  clock_.Set(Shanghai(2026, 9, 18, 17));
  auto d = Rules().Decide(c, 1, /*accepted=*/false);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_TRUE(d->revised_due.has_value());
  EXPECT_EQ(d->revised_due->at, Shanghai(2026, 9, 21, 17));
  EXPECT_EQ(c.state, chv1::CASE_STATE_INVESTIGATING);
  EXPECT_EQ(c.solution_due, Shanghai(2026, 9, 21, 17));

  // Three business days when so configured; the next proposal is revision 2.
  CaseFacts c3 = OpenAt(Shanghai(2026, 9, 17, 9));
  ASSERT_TRUE(Rules().Propose(c3).ok());
  clock_.Set(Shanghai(2026, 9, 18, 17));
  d = Rules({.solution_days = 2, .revision_days = 3}).Decide(c3, 0, false);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->revised_due->at, Shanghai(2026, 9, 22, 17));
  auto p = Rules().Propose(c3);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->revision, 2);
}

TEST_F(CaseRulesTest, TheCustomerDecidesOnTheSolutionAwaitingADecisionOnly) {
  CaseFacts c = OpenAt(Shanghai(2026, 3, 9, 9));
  ASSERT_TRUE(Rules().Propose(c).ok());
  auto d = Rules().Decide(c, 2, true);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(d.status().message(), HasSubstr("solution 1"));
  d = Rules().Decide(c, 1, true);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->revised_due.has_value());
  EXPECT_EQ(c.state, chv1::CASE_STATE_IMPLEMENTING);
}

TEST_F(CaseRulesTest, AnUnsatisfiedCustomerReopensTheCaseAsANewCycleWithItsOwnDeadline) {
  CaseFacts c = OpenAt(Shanghai(2026, 9, 21, 9));
  ASSERT_TRUE(Rules().Propose(c).ok());
  ASSERT_TRUE(Rules().Decide(c, 0, true).ok());
  ASSERT_TRUE(Rules().Resolve(c).ok());
  EXPECT_EQ(c.state, chv1::CASE_STATE_RESOLVED);
  // Reopened Wednesday 2026-09-30: 国庆节 10-01..10-07, then Thursday 10-08 and Friday 10-09.
  auto o = Rules().Reopen(c, Shanghai(2026, 9, 30, 10));
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->cycle, 2);
  EXPECT_EQ(c.cycle, 2);
  EXPECT_EQ(c.revision, 0);
  EXPECT_EQ(c.state, chv1::CASE_STATE_INVESTIGATING);
  EXPECT_EQ(c.solution_due, Shanghai(2026, 10, 9, 10));
}

TEST_F(CaseRulesTest, AMissedDeadlineIsMarkedOnceAndOnlyWhileASolutionIsDue) {
  CaseFacts c = OpenAt(Shanghai(2026, 3, 9, 9));
  EXPECT_FALSE(Rules().MarkDeadlineMissed(c, c.solution_due));
  EXPECT_TRUE(Rules().MarkDeadlineMissed(c, c.solution_due + absl::Seconds(1)));
  EXPECT_FALSE(Rules().MarkDeadlineMissed(c, c.solution_due + absl::Hours(5)));
  CaseFacts proposed = OpenAt(Shanghai(2026, 3, 9, 9));
  ASSERT_TRUE(Rules().Propose(proposed).ok());
  EXPECT_FALSE(Rules().MarkDeadlineMissed(proposed, proposed.solution_due + absl::Hours(1)));
}

// --- The state machine: every step in every state ---

TEST_F(CaseRulesTest, EveryStepIsAllowedInItsStatesAndRefusedInEveryOther) {
  using S = CaseState;
  const S kI = chv1::CASE_STATE_INVESTIGATING, kA = chv1::CASE_STATE_AWAITING_DECISION,
          kM = chv1::CASE_STATE_IMPLEMENTING, kR = chv1::CASE_STATE_RESOLVED,
          kC = chv1::CASE_STATE_CLOSED;
  const std::map<Step, std::set<S>> allowed = {
      {Step::kAddInvestigationEntry, {kI, kA, kM}},
      {Step::kAttachInspectionReport, {kI, kA, kM}},
      {Step::kLogCustomerContact, {kI, kA, kM, kR}},
      {Step::kProposeSolution, {kI}},
      {Step::kExtendSolutionDeadline, {kI}},
      {Step::kRecordCustomerDecision, {kA}},
      {Step::kRecordImplementationProgress, {kM}},
      {Step::kResolve, {kM}},
      {Step::kReopen, {kR}},
      {Step::kClose, {kR}},
  };
  for (const auto& [step, states] : allowed) {
    for (S state : {kI, kA, kM, kR, kC}) {
      const CaseFacts c = InState(state);
      const absl::Status s = CheckStep(c, step);
      if (states.contains(state)) {
        EXPECT_TRUE(s.ok()) << StepName(step) << " in " << chv1::CaseState_Name(state) << ": " << s;
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition)
            << StepName(step) << " in " << chv1::CaseState_Name(state);
        EXPECT_THAT(s.message(), HasSubstr(std::string("cannot ") + StepName(step)));
      }
    }
  }
}

TEST_F(CaseRulesTest, ARefusalSaysWhichStepIsDue) {
  auto message = [](CaseState state, Step step) {
    return std::string(CheckStep(InState(state), step).message());
  };
  EXPECT_THAT(message(chv1::CASE_STATE_AWAITING_DECISION, Step::kProposeSolution),
              HasSubstr("case is awaiting the customer's decision on solution 1"));
  EXPECT_THAT(message(chv1::CASE_STATE_INVESTIGATING, Step::kResolve),
              HasSubstr("awaiting a solution proposal"));
  EXPECT_THAT(message(chv1::CASE_STATE_IMPLEMENTING, Step::kRecordCustomerDecision),
              HasSubstr("awaiting implementation of the accepted solution"));
  EXPECT_THAT(message(chv1::CASE_STATE_RESOLVED, Step::kAddInvestigationEntry),
              HasSubstr("resolved and awaiting the customer's callback"));
  EXPECT_THAT(message(chv1::CASE_STATE_CLOSED, Step::kLogCustomerContact),
              HasSubstr("case is closed"));
  CaseFacts revising = InState(chv1::CASE_STATE_INVESTIGATING);
  revising.revision = 1;
  EXPECT_THAT(std::string(CheckStep(revising, Step::kResolve).message()),
              HasSubstr("awaiting a revised solution"));
}

TEST_F(CaseRulesTest, TheTransitionsRefuseTheWrongStateWithoutChangingTheCase) {
  CaseFacts c = InState(chv1::CASE_STATE_AWAITING_DECISION);
  const CaseFacts before = c;
  EXPECT_EQ(Rules().Propose(c).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Rules().Extend(c, absl::InfiniteFuture()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Rules().Resolve(c).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Rules().Reopen(c, clock_.Now()).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Rules().Close(c).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.state, before.state);
  EXPECT_EQ(c.revision, before.revision);
  EXPECT_EQ(c.cycle, before.cycle);
}

TEST_F(CaseRulesTest, OnlyTheCurrentCyclesCallbackReopensAResolvedCase) {
  CaseFacts c = InState(chv1::CASE_STATE_RESOLVED);
  c.cycle = 2;
  EXPECT_TRUE(CallbackReopens(c, 2));
  EXPECT_FALSE(CallbackReopens(c, 1));  // a stale callback of the cycle before
  EXPECT_FALSE(CallbackReopens(c, 3));
  c.state = chv1::CASE_STATE_INVESTIGATING;  // already reopened: a repeat changes nothing
  EXPECT_FALSE(CallbackReopens(c, 2));
}

}  // namespace
}  // namespace tousu::casehandling
