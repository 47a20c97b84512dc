// Follow-up's rules (policy §7, services/follow-up/domain/follow_up_rules.h) over the real business
// calendar shipped in deploy/calendar/ and a fake clock.

#include "services/follow-up/domain/follow_up_rules.h"

#include <gtest/gtest.h>

#include <set>

#include "common/events/event_time.h"
#include "common/time/business_calendar.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "services/follow-up/domain/questionnaire_token.h"

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
  // The rules under `policy_` as it is when asked.
  FollowUpRules Rules() const { return FollowUpRules(clock_, *calendar_, policy_); }

  static time::BusinessCalendar* calendar_;
  Policy policy_;
  time::FakeClock clock_{Cst(2026, 11, 24, 10, 0)};  // a Tuesday
};

time::BusinessCalendar* FollowUpRulesTest::calendar_ = nullptr;

TEST_F(FollowUpRulesTest, TheCallbackIsDueThreeBusinessDaysAfterResolutionAtTheSameTimeOfDay) {
  // Tuesday 10:00 -> Friday 10:00.
  auto due = Rules().CallbackDue(Cst(2026, 11, 24, 10, 0));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 11, 27, 10, 0));
  EXPECT_FALSE(due->provisional);
}

TEST_F(FollowUpRulesTest, ACallbackDueAcrossAWeekendSkipsSaturdayAndSunday) {
  // Thursday 2026-11-26 10:00: Friday, Monday, Tuesday.
  auto due = Rules().CallbackDue(Cst(2026, 11, 26, 10, 0));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 12, 1, 10, 0));
}

TEST_F(FollowUpRulesTest, ACallbackDueAcrossTheNationalDayHolidayCountsTheMakeUpSaturday) {
  // Wednesday 2026-09-30 15:00; 1-7 October off; Thu 8, Fri 9, and Saturday 10 October is worked.
  auto due = Rules().CallbackDue(Cst(2026, 9, 30, 15, 0));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 10, 10, 15, 0));
}

TEST_F(FollowUpRulesTest, AMakeUpWorkdayBeforeTheSpringFestivalCountsAndTheHolidayDoesNot) {
  // Friday 2026-02-13 09:00: Saturday 14 February is worked (1); 15-23 February off; 24 (2), 25
  // (3).
  auto due = Rules().CallbackDue(Cst(2026, 2, 13, 9, 0));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 2, 25, 9, 0));
}

TEST_F(FollowUpRulesTest, AResolutionOnASundayCountsFromTheStartOfMonday) {
  // Sunday 2026-11-29 16:00 counts from Monday 00:00: Tue, Wed, Thu at 00:00.
  auto due = Rules().CallbackDue(Cst(2026, 11, 29, 16, 0));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 12, 3, 0, 0));
}

TEST_F(FollowUpRulesTest, ADueDateInAnUnpublishedYearIsMarkedProvisional) {
  // Wednesday 2026-12-30: Thu 31, then 2027 on weekends only: Fri 1 January, Mon 4 January.
  auto due = Rules().CallbackDue(Cst(2026, 12, 30, 10, 0));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2027, 1, 4, 10, 0));
  EXPECT_TRUE(due->provisional);
}

TEST_F(FollowUpRulesTest,
       AProgressUpdateIsDueEveryThreeBusinessDaysByDefaultAndTheCadenceIsConfigurable) {
  auto due = Rules().ProgressDue(Cst(2026, 11, 23, 9, 30));  // Monday
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 11, 26, 9, 30));
  policy_.progress_update_days = 5;
  due = Rules().ProgressDue(Cst(2026, 11, 23, 9, 30));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->at, Cst(2026, 11, 30, 9, 30));
}

TEST_F(FollowUpRulesTest, AProgressUpdateDueOverMayDayWaitsForTheHolidayToEnd) {
  // Thursday 2026-04-30 11:00; 1-5 May off; Wed 6, Thu 7, Fri 8.
  auto due = Rules().ProgressDue(Cst(2026, 4, 30, 11, 0));
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
  // The anchor the event handlers give the rules (events::EventTime).
  const absl::Time event_time = Cst(2026, 11, 23, 9, 0);
  const absl::Time now = Cst(2026, 11, 25, 9, 0);
  const complaints::common::v1::Event envelope;  // no occurred_at either
  EXPECT_EQ(events::EventTime(time::ToProto(event_time), envelope, now), event_time);
  EXPECT_EQ(events::EventTime(google::protobuf::Timestamp(), envelope, now), now);
}

TEST_F(FollowUpRulesTest, ADeadlineAnchoredBeforeTheCalendarCountsFromNow) {
  // 1999 is before the calendar's first year: only a bad event time says so.
  auto due = Rules().CallbackDue(Cst(1999, 6, 1, 10, 0));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_TRUE(due->counted_from_now);
  EXPECT_EQ(due->at, Cst(2026, 11, 27, 10, 0));  // the clock's Tuesday 10:00 + 3
  due = Rules().CallbackDue(Cst(2026, 11, 24, 10, 0));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_FALSE(due->counted_from_now);
}

// ---- the follow-up's life
// ------------------------------------------------------------------------

CycleEvent Cycle(int cycle, absl::Time at) {
  return {.number = "TS-202611-000001",
          .cycle = cycle,
          .department_id = "engineering",
          .owner_staff_id = "S-ENG-1",
          .at = at};
}

TEST_F(FollowUpRulesTest, ANewCaseIsFollowedByTheLeastBusyTrackerWithAnUpdateDueInThreeDays) {
  const absl::Time opened = Cst(2026, 11, 23, 9, 30);  // Monday
  auto fu = Rules().Open(Cycle(1, opened), {"S-TRK-2", "S-TRK-1"}, {{"S-TRK-1", 2}});
  ASSERT_TRUE(fu.ok()) << fu.status();
  EXPECT_EQ(fu->follow_up.state, fv1::FOLLOW_UP_STATE_OPEN);
  EXPECT_EQ(fu->follow_up.tracker_staff_id, "S-TRK-2");
  EXPECT_EQ(fu->follow_up.department_id, "engineering");
  EXPECT_EQ(fu->follow_up.opened_at, opened);
  EXPECT_EQ(fu->follow_up.progress_due, Cst(2026, 11, 26, 9, 30));
  EXPECT_EQ(fu->progress_due.at, Cst(2026, 11, 26, 9, 30));
  EXPECT_FALSE(fu->follow_up.progress_due_provisional);
}

TEST_F(FollowUpRulesTest, ACaseWithNoActiveTrackerIsFollowedWithoutOne) {
  auto fu = Rules().Open(Cycle(1, Cst(2026, 11, 23, 9, 30)), {}, {});
  ASSERT_TRUE(fu.ok()) << fu.status();
  EXPECT_EQ(fu->follow_up.tracker_staff_id, "");
}

TEST_F(FollowUpRulesTest, OnlyALaterCycleOfACaseNotClosedIsNews) {
  FollowUpRow fu;
  fu.state = fv1::FOLLOW_UP_STATE_REOPENING;
  fu.cycle = 1;
  EXPECT_TRUE(FollowUpRules::IsNewCycle(fu, 2));
  EXPECT_FALSE(FollowUpRules::IsNewCycle(fu, 1));
  fu.state = fv1::FOLLOW_UP_STATE_CLOSED;
  EXPECT_FALSE(FollowUpRules::IsNewCycle(fu, 2));
}

TEST_F(FollowUpRulesTest, AReopenedCycleKeepsTheTrackerAndRestartsTheCadenceFromTheReopening) {
  auto opened = Rules().Open(Cycle(1, Cst(2026, 11, 2, 9, 0)), {"S-TRK-1"}, {});
  ASSERT_TRUE(opened.ok());
  FollowUpRow fu = opened->follow_up;
  fu.state = fv1::FOLLOW_UP_STATE_REOPENING;
  fu.progress_overdue = true;
  CycleEvent reopened = Cycle(2, Cst(2026, 11, 23, 14, 0));
  reopened.department_id = "";  // unchanged
  auto due = Rules().Resume(fu, reopened);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(fu.state, fv1::FOLLOW_UP_STATE_OPEN);
  EXPECT_EQ(fu.cycle, 2);
  EXPECT_EQ(fu.tracker_staff_id, "S-TRK-1");
  EXPECT_EQ(fu.department_id, "engineering");
  EXPECT_EQ(fu.progress_due, Cst(2026, 11, 26, 14, 0));
  EXPECT_FALSE(fu.progress_overdue);
  // The same cycle announced again is refused, so it cannot move the cadence.
  EXPECT_EQ(Rules().Resume(fu, Cycle(2, Cst(2026, 11, 24, 9, 0))).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(FollowUpRulesTest, OnlyTheCasesTrackerGivesUpdatesAndOnlyWhileItIsOpen) {
  auto opened = Rules().Open(Cycle(1, Cst(2026, 11, 20, 9, 0)), {"S-TRK-1"}, {});
  ASSERT_TRUE(opened.ok());
  FollowUpRow fu = opened->follow_up;
  auto s = Rules().RecordTrackerUpdate(fu, "S-TRK-2", "进展").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "tracker_staff_id: not the case's tracker (reassign first)");
  fu.state = fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK;
  s = Rules().RecordTrackerUpdate(fu, "S-TRK-1", "进展").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "progress updates are given while the case is open");
}

TEST_F(FollowUpRulesTest, AnUpdateRestartsTheCadenceFromNowAndALateOneCountsAsLate) {
  // Opened Friday 20 November 09:00: due Wednesday 25 09:00.
  auto opened = Rules().Open(Cycle(1, Cst(2026, 11, 20, 9, 0)), {"S-TRK-1"}, {});
  ASSERT_TRUE(opened.ok());
  FollowUpRow fu = opened->follow_up;
  auto given = Rules().RecordTrackerUpdate(fu, "S-TRK-1", "维修方案已确定");  // Tue 24 10:00
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_TRUE(given->update.on_time);
  EXPECT_EQ(given->update.due, Cst(2026, 11, 25, 9, 0));
  EXPECT_EQ(given->update.source, "tracker");
  EXPECT_EQ(given->next_due.at, Cst(2026, 11, 27, 10, 0));
  EXPECT_EQ(fu.progress_due, Cst(2026, 11, 27, 10, 0));
  EXPECT_EQ(fu.last_informed_at, Cst(2026, 11, 24, 10, 0));

  clock_.Set(Cst(2026, 12, 1, 10, 0));
  given = Rules().RecordTrackerUpdate(fu, "S-TRK-1", "材料已到");
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_FALSE(given->update.on_time);
  EXPECT_EQ(given->next_due.at, Cst(2026, 12, 4, 10, 0));
}

TEST_F(FollowUpRulesTest, ADepartmentContactCountsAsAnUpdateButAnOlderOneNeverMovesTheDueDate) {
  auto opened = Rules().Open(Cycle(1, Cst(2026, 11, 23, 9, 0)), {"S-TRK-1"}, {});
  ASSERT_TRUE(opened.ok());
  FollowUpRow fu = opened->follow_up;
  auto contact = Rules().RecordContact(fu, 1, "S-ENG-1", Cst(2026, 11, 24, 9, 0));
  ASSERT_TRUE(contact.ok() && contact->has_value());
  EXPECT_EQ((*contact)->update.source, "department");
  ASSERT_TRUE((*contact)->next_due.has_value());
  EXPECT_EQ((*contact)->next_due->at, Cst(2026, 11, 27, 9, 0));
  EXPECT_EQ(fu.progress_due, Cst(2026, 11, 27, 9, 0));

  contact = Rules().RecordContact(fu, 1, "S-ENG-1", Cst(2026, 11, 23, 10, 0));
  ASSERT_TRUE(contact.ok() && contact->has_value());
  EXPECT_FALSE((*contact)->next_due.has_value());
  EXPECT_EQ(fu.progress_due, Cst(2026, 11, 27, 9, 0));
  EXPECT_EQ(fu.last_informed_at, Cst(2026, 11, 24, 9, 0));
}

TEST_F(FollowUpRulesTest, AContactOutsideTheOpenCycleIsNoUpdate) {
  auto opened = Rules().Open(Cycle(2, Cst(2026, 11, 23, 9, 0)), {"S-TRK-1"}, {});
  ASSERT_TRUE(opened.ok());
  FollowUpRow fu = opened->follow_up;
  auto contact = Rules().RecordContact(fu, 1, "S-ENG-1", Cst(2026, 11, 24, 9, 0));
  ASSERT_TRUE(contact.ok());
  EXPECT_FALSE(contact->has_value());  // an earlier cycle
  fu.state = fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK;
  contact = Rules().RecordContact(fu, 2, "S-ENG-1", Cst(2026, 11, 24, 9, 0));
  ASSERT_TRUE(contact.ok());
  EXPECT_FALSE(contact->has_value());
}

TEST_F(FollowUpRulesTest, ATrackerIsReassignedUntilTheComplaintClosesAndARetryChangesNothing) {
  FollowUpRow fu;
  fu.state = fv1::FOLLOW_UP_STATE_OPEN;
  fu.tracker_staff_id = "S-TRK-1";
  auto changed = Rules().ReassignTracker(fu, "S-TRK-2");
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(fu.tracker_staff_id, "S-TRK-2");
  changed = Rules().ReassignTracker(fu, "S-TRK-2");
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_FALSE(*changed);
  fu.state = fv1::FOLLOW_UP_STATE_CLOSED;
  EXPECT_EQ(Rules().ReassignTracker(fu, "S-TRK-1").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(FollowUpRulesTest, AResolutionSchedulesTheCallbackForTheLeastBusyAgentAndStopsUpdates) {
  auto opened = Rules().Open(Cycle(1, Cst(2026, 11, 20, 9, 0)), {"S-TRK-1"}, {});
  ASSERT_TRUE(opened.ok());
  FollowUpRow fu = opened->follow_up;
  auto scheduled = Rules().Resolve(fu, Cycle(1, Cst(2026, 11, 24, 10, 0)), {"S-CB-1", "S-CB-2"},
                                   {{"S-CB-1", 3}, {"S-CB-2", 1}});
  ASSERT_TRUE(scheduled.ok()) << scheduled.status();
  EXPECT_EQ(scheduled->callback.assigned_agent_staff_id, "S-CB-2");
  EXPECT_EQ(scheduled->callback.status, fv1::CALLBACK_STATUS_SCHEDULED);
  EXPECT_EQ(scheduled->callback.due, Cst(2026, 11, 27, 10, 0));
  EXPECT_EQ(fu.state, fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK);
  EXPECT_FALSE(fu.progress_due.has_value());
}

TEST_F(FollowUpRulesTest, AResolutionOvertakenByALaterCycleOrTheCloseSchedulesNothing) {
  FollowUpRow fu;
  fu.state = fv1::FOLLOW_UP_STATE_OPEN;
  fu.cycle = 2;
  EXPECT_TRUE(FollowUpRules::IsOvertaken(fu, 1));
  EXPECT_FALSE(FollowUpRules::IsOvertaken(fu, 2));
  EXPECT_EQ(Rules().Resolve(fu, Cycle(1, Cst(2026, 11, 24, 10, 0)), {}, {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  fu.state = fv1::FOLLOW_UP_STATE_CLOSED;
  EXPECT_TRUE(FollowUpRules::IsOvertaken(fu, 3));
}

TEST_F(FollowUpRulesTest, ACaseResolvedBeforeItWasSeenOpenIsFollowedFromTheResolution) {
  const FollowUpRow fu = Rules().FollowFromResolution(Cycle(1, Cst(2026, 11, 24, 10, 0)));
  EXPECT_EQ(fu.state, fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK);
  EXPECT_EQ(fu.tracker_staff_id, "");
  EXPECT_EQ(fu.opened_at, Cst(2026, 11, 24, 10, 0));
}

// A case resolved on Tuesday 24 November 10:00, its callback due Friday 27 10:00.
struct Resolved {
  FollowUpRow fu;
  CallbackRow cb;
};
Resolved ResolvedCase(const FollowUpRules& rules, absl::Time at) {
  Resolved r;
  r.fu.number = "TS-202611-000001";
  r.fu.state = fv1::FOLLOW_UP_STATE_OPEN;
  r.fu.cycle = 1;
  auto scheduled = rules.Resolve(r.fu, Cycle(1, at), {"S-CB-1"}, {});
  EXPECT_TRUE(scheduled.ok()) << scheduled.status();
  if (scheduled.ok()) r.cb = scheduled->callback;
  return r;
}

CallbackAnswer Answer(int satisfaction) {
  return {.method = fv1::CALLBACK_METHOD_PHONE,
          .staff_id = "S-CB-1",
          .satisfaction = satisfaction,
          .comments = "",
          .suggestions = ""};
}

TEST_F(FollowUpRulesTest, AScoreAtOrBelowTheThresholdSendsTheCaseBack) {
  for (int score : {1, 2}) {
    Resolved r = ResolvedCase(Rules(), Cst(2026, 11, 24, 10, 0));
    const CallbackOutcome outcome = Rules().RecordAnswer(r.fu, r.cb, Answer(score));
    EXPECT_TRUE(outcome.unsatisfied) << score;
    EXPECT_TRUE(outcome.on_time);
    EXPECT_EQ(r.fu.state, fv1::FOLLOW_UP_STATE_REOPENING) << score;
    EXPECT_FALSE(r.fu.closed_at.has_value());
    EXPECT_EQ(r.cb.status, fv1::CALLBACK_STATUS_RECORDED);
    EXPECT_EQ(r.cb.satisfaction, score);
    EXPECT_EQ(r.cb.unsatisfied, true);
  }
}

TEST_F(FollowUpRulesTest, AScoreAboveTheThresholdClosesTheComplaint) {
  for (int score : {3, 5}) {
    Resolved r = ResolvedCase(Rules(), Cst(2026, 11, 24, 10, 0));
    const CallbackOutcome outcome = Rules().RecordAnswer(r.fu, r.cb, Answer(score));
    EXPECT_FALSE(outcome.unsatisfied) << score;
    EXPECT_EQ(r.fu.state, fv1::FOLLOW_UP_STATE_CLOSED) << score;
    EXPECT_EQ(r.fu.closed_at, Cst(2026, 11, 24, 10, 0));
    EXPECT_EQ(r.cb.recorded_at, Cst(2026, 11, 24, 10, 0));
  }
  policy_.unsatisfied_at_or_below = 3;
  Resolved r = ResolvedCase(Rules(), Cst(2026, 11, 24, 10, 0));
  EXPECT_TRUE(Rules().RecordAnswer(r.fu, r.cb, Answer(3)).unsatisfied);
}

TEST_F(FollowUpRulesTest, ACallbackMadeAfterItsDueTimeIsRecordedAsLate) {
  Resolved r = ResolvedCase(Rules(), Cst(2026, 11, 24, 10, 0));
  clock_.Set(Cst(2026, 11, 27, 10, 0) + absl::Seconds(1));
  EXPECT_FALSE(Rules().RecordAnswer(r.fu, r.cb, Answer(4)).on_time);
  EXPECT_EQ(r.cb.on_time, false);
}

TEST_F(FollowUpRulesTest, ACallbackIsRecordedOncePerCycleAndOnlyForTheCycleDue) {
  Resolved r = ResolvedCase(Rules(), Cst(2026, 11, 24, 10, 0));
  EXPECT_TRUE(FollowUpRules::CheckCallbackDue(r.fu, r.cb, 0).ok());
  EXPECT_TRUE(FollowUpRules::CheckCallbackDue(r.fu, r.cb, 1).ok());
  EXPECT_EQ(FollowUpRules::CheckCallbackDue(r.fu, r.cb, 2).message(),
            "cycle: the callback due is for cycle 1");
  EXPECT_EQ(FollowUpRules::CheckCallbackDue(r.fu, std::nullopt, 0).message(),
            "no callback is due: the case is not resolved");
  EXPECT_TRUE(FollowUpRules::CheckLinkIssuable(r.fu, r.cb).ok());
  EXPECT_TRUE(FollowUpRules::CheckQuestionnaireOpen(r.fu, r.cb).ok());
  Rules().RecordAnswer(r.fu, r.cb, Answer(2));
  EXPECT_EQ(FollowUpRules::CheckCallbackDue(r.fu, r.cb, 0).message(),
            "the callback of this cycle is already recorded");
  EXPECT_EQ(FollowUpRules::CheckLinkIssuable(r.fu, r.cb).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FollowUpRules::CheckQuestionnaireOpen(r.fu, r.cb).message(),
            "this questionnaire has already been answered or is closed");
}

// ---- overdue
// -------------------------------------------------------------------------------------

TEST_F(FollowUpRulesTest, AMissedProgressUpdateIsOverdueOnceAndOnlyWhileTheCaseIsOpen) {
  auto opened = Rules().Open(Cycle(1, Cst(2026, 11, 23, 9, 0)), {"S-TRK-1"}, {});
  ASSERT_TRUE(opened.ok());
  FollowUpRow fu = opened->follow_up;  // due Thursday 26 09:00
  EXPECT_FALSE(FollowUpRules::MarkProgressOverdue(fu, Cst(2026, 11, 26, 9, 0) - absl::Seconds(1)));
  EXPECT_TRUE(FollowUpRules::MarkProgressOverdue(fu, Cst(2026, 11, 26, 9, 0)));
  EXPECT_TRUE(fu.progress_overdue);
  EXPECT_FALSE(FollowUpRules::MarkProgressOverdue(fu, Cst(2026, 11, 27, 9, 0)));  // once

  FollowUpRow resolved = opened->follow_up;
  resolved.state = fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK;
  EXPECT_FALSE(FollowUpRules::MarkProgressOverdue(resolved, Cst(2026, 12, 1, 9, 0)));
}

TEST_F(FollowUpRulesTest, AnUnmadeCallbackIsOverdueOnceAndAMadeOneNever) {
  Resolved r = ResolvedCase(Rules(), Cst(2026, 11, 24, 10, 0));  // due Friday 27 10:00
  CallbackRow made = r.cb;
  EXPECT_FALSE(FollowUpRules::MarkCallbackOverdue(r.cb, Cst(2026, 11, 27, 9, 59)));
  EXPECT_TRUE(FollowUpRules::MarkCallbackOverdue(r.cb, Cst(2026, 11, 27, 10, 0)));
  EXPECT_TRUE(r.cb.overdue);
  EXPECT_FALSE(FollowUpRules::MarkCallbackOverdue(r.cb, Cst(2026, 11, 30, 10, 0)));
  Rules().RecordAnswer(r.fu, made, Answer(4));
  EXPECT_FALSE(FollowUpRules::MarkCallbackOverdue(made, Cst(2026, 11, 30, 10, 0)));
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
