// Follow-up's rules (policy §7) over the real business calendar shipped in deploy/calendar/.

#include <gtest/gtest.h>

#include <set>

#include "common/time/business_calendar.h"
#include "services/follow-up/domain/questionnaire_token.h"
#include "services/follow-up/domain/rules.h"

namespace tousu::followup {
namespace {

class FollowUpRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto cal = time::BusinessCalendar::LoadFile(TOUSU_CALENDAR_FILE);
    ASSERT_TRUE(cal.ok()) << cal.status();
    calendar_ = new time::BusinessCalendar(std::move(*cal));
  }
  static void TearDownTestSuite() {
    delete calendar_;
    calendar_ = nullptr;
  }
  // A Shanghai wall-clock time.
  static absl::Time Cst(int y, int m, int d, int hh, int mm) {
    return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), calendar_->zone());
  }
  static time::BusinessCalendar* calendar_;
  Policy policy_;
};

time::BusinessCalendar* FollowUpRulesTest::calendar_ = nullptr;

TEST_F(FollowUpRulesTest, TheCallbackIsDueThreeBusinessDaysAfterResolutionAtTheSameTimeOfDay) {
  // Tuesday 10:00 -> Friday 10:00.
  auto due = CallbackDue(*calendar_, Cst(2026, 11, 24, 10, 0), policy_);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 11, 27, 10, 0));
  EXPECT_FALSE(due->provisional);
}

TEST_F(FollowUpRulesTest, ACallbackDueAcrossAWeekendSkipsSaturdayAndSunday) {
  // Thursday 2026-11-26 10:00: Friday, Monday, Tuesday.
  auto due = CallbackDue(*calendar_, Cst(2026, 11, 26, 10, 0), policy_);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 12, 1, 10, 0));
}

TEST_F(FollowUpRulesTest, ACallbackDueAcrossTheNationalDayHolidayCountsTheMakeUpSaturday) {
  // Wednesday 2026-09-30 15:00; 1-7 October off; Thu 8, Fri 9, and Saturday 10 October is worked.
  auto due = CallbackDue(*calendar_, Cst(2026, 9, 30, 15, 0), policy_);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 10, 10, 15, 0));
}

TEST_F(FollowUpRulesTest, AMakeUpWorkdayBeforeTheSpringFestivalCountsAndTheHolidayDoesNot) {
  // Friday 2026-02-13 09:00: Saturday 14 February is worked (1); 15-23 February off; 24 (2), 25
  // (3).
  auto due = CallbackDue(*calendar_, Cst(2026, 2, 13, 9, 0), policy_);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 2, 25, 9, 0));
}

TEST_F(FollowUpRulesTest, AResolutionOnASundayCountsFromTheStartOfMonday) {
  // Sunday 2026-11-29 16:00 counts from Monday 00:00: Tue, Wed, Thu at 00:00.
  auto due = CallbackDue(*calendar_, Cst(2026, 11, 29, 16, 0), policy_);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 12, 3, 0, 0));
}

TEST_F(FollowUpRulesTest, ADueDateInAnUnpublishedYearIsMarkedProvisional) {
  // Wednesday 2026-12-30: Thu 31, then 2027 on weekends only: Fri 1 January, Mon 4 January.
  auto due = CallbackDue(*calendar_, Cst(2026, 12, 30, 10, 0), policy_);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2027, 1, 4, 10, 0));
  EXPECT_TRUE(due->provisional);
}

TEST_F(FollowUpRulesTest,
       AProgressUpdateIsDueEveryThreeBusinessDaysByDefaultAndTheCadenceIsConfigurable) {
  auto due = ProgressDue(*calendar_, Cst(2026, 11, 23, 9, 30), policy_);  // Monday
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 11, 26, 9, 30));
  policy_.progress_update_days = 5;
  due = ProgressDue(*calendar_, Cst(2026, 11, 23, 9, 30), policy_);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 11, 30, 9, 30));
}

TEST_F(FollowUpRulesTest, AProgressUpdateDueOverMayDayWaitsForTheHolidayToEnd) {
  // Thursday 2026-04-30 11:00; 1-5 May off; Wed 6, Thu 7, Fri 8.
  auto due = ProgressDue(*calendar_, Cst(2026, 4, 30, 11, 0), policy_);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 5, 8, 11, 0));
}

TEST_F(FollowUpRulesTest, AnUpdateGivenAtTheDueInstantIsOnTimeAndOneSecondLaterIsNot) {
  const absl::Time due = Cst(2026, 11, 26, 9, 30);
  EXPECT_TRUE(OnTime(due, due));
  EXPECT_TRUE(OnTime(due - absl::Hours(5), due));
  EXPECT_FALSE(OnTime(due + absl::Seconds(1), due));
}

TEST_F(FollowUpRulesTest, TheTrackerIsTheOneWithTheFewestOpenCases) {
  const std::vector<std::string> trackers = {"S0012", "S0013", "S0020"};
  EXPECT_EQ(PickFewestOpen(trackers, {{"S0012", 4}, {"S0013", 2}, {"S0020", 3}}), "S0013");
}

TEST_F(FollowUpRulesTest, ATrackerWithNoCasesYetCountsAsZero) {
  EXPECT_EQ(PickFewestOpen({"S0012", "S0013"}, {{"S0012", 1}}), "S0013");
}

TEST_F(FollowUpRulesTest, TiesGoToTheLowestStaffIdWhateverTheDirectoryOrder) {
  EXPECT_EQ(PickFewestOpen({"S0020", "S0013", "S0012"}, {{"S0020", 1}, {"S0013", 1}, {"S0012", 1}}),
            "S0012");
  EXPECT_EQ(PickFewestOpen({"S0020", "S0013"}, {}), "S0013");
}

TEST_F(FollowUpRulesTest, NoActiveTrackerMeansNoPick) {
  EXPECT_EQ(PickFewestOpen({}, {{"S0012", 0}}), std::nullopt);
}

TEST_F(FollowUpRulesTest, AScoreOfTwoOrLessIsUnsatisfiedByDefault) {
  EXPECT_TRUE(IsUnsatisfied(1, policy_));
  EXPECT_TRUE(IsUnsatisfied(2, policy_));
  EXPECT_FALSE(IsUnsatisfied(3, policy_));
  EXPECT_FALSE(IsUnsatisfied(5, policy_));
}

TEST_F(FollowUpRulesTest, TheUnsatisfiedThresholdIsConfigurable) {
  policy_.unsatisfied_at_or_below = 3;
  EXPECT_TRUE(IsUnsatisfied(3, policy_));
  EXPECT_FALSE(IsUnsatisfied(4, policy_));
  policy_.unsatisfied_at_or_below = 1;
  EXPECT_FALSE(IsUnsatisfied(2, policy_));
}

TEST_F(FollowUpRulesTest, ADeadlineCountsFromTheEventsOwnTimeWhenItHasOne) {
  const absl::Time event_time = Cst(2026, 11, 23, 9, 0);
  const absl::Time now = Cst(2026, 11, 25, 9, 0);
  EXPECT_EQ(EventTimeOr(event_time, now), event_time);
  EXPECT_EQ(EventTimeOr(std::nullopt, now), now);
}

TEST(QuestionnaireTokenTest, ATokenIs43UnguessableBase64UrlCharactersAndOnlyItsHashIsKept) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = NewQuestionnaireToken();
    EXPECT_TRUE(IsWellFormedQuestionnaireToken(token)) << token;
    EXPECT_TRUE(seen.insert(token).second);
    const std::string hash = QuestionnaireTokenHash(token);
    EXPECT_EQ(hash.size(), 64u);
    EXPECT_EQ(hash.find(token), std::string::npos);
  }
  EXPECT_EQ(QuestionnaireTokenHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(QuestionnaireTokenTest, AnythingButA43CharacterBase64UrlStringIsNotAToken) {
  EXPECT_FALSE(IsWellFormedQuestionnaireToken(""));
  EXPECT_FALSE(IsWellFormedQuestionnaireToken(std::string(42, 'a')));
  EXPECT_FALSE(IsWellFormedQuestionnaireToken(std::string(44, 'a')));
  EXPECT_FALSE(IsWellFormedQuestionnaireToken(std::string(42, 'a') + "="));
  EXPECT_FALSE(IsWellFormedQuestionnaireToken(std::string(42, 'a') + "+"));
  EXPECT_TRUE(IsWellFormedQuestionnaireToken(std::string(42, 'a') + "_"));
}

}  // namespace
}  // namespace tousu::followup
