#include "common/time/business_calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/log/log.h"
#include "tests/support/shanghai_time.h"

#ifndef TOUSU_CALENDAR_FILE
#error "TOUSU_CALENDAR_FILE must name deploy/calendar/cn-business-calendar.txt"
#endif

namespace tousu::time {
namespace {

using ::testing::HasSubstr;

// Expected instants are written in UTC, independently of the calendar's own zone handling;
// Asia/Shanghai is UTC+8 all year (no DST since 1991).
absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

using ::tousu::testing::Shanghai;

class RealCalendarTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    load_log_ = new std::string;
    log::SetSinkForTesting(load_log_);
    absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::LoadFile(TOUSU_CALENDAR_FILE);
    log::SetSinkForTesting(nullptr);
    ASSERT_TRUE(cal.ok()) << cal.status();
    calendar_ = new BusinessCalendar(*std::move(cal));
  }
  static void TearDownTestSuite() {
    delete calendar_;
    calendar_ = nullptr;
    delete load_log_;
    load_log_ = nullptr;
  }

  static const BusinessCalendar& cal() { return *calendar_; }

  static DayInfo DayOf(int y, int m, int d) {
    absl::StatusOr<DayInfo> info = calendar_->Day(absl::CivilDay(y, m, d));
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? *info : DayInfo{};
  }

  static Deadline Add(absl::Time from, int n) {
    absl::StatusOr<Deadline> deadline = calendar_->AddBusinessDays(from, n);
    EXPECT_TRUE(deadline.ok()) << deadline.status();
    return deadline.ok() ? *deadline : Deadline{absl::InfinitePast(), false};
  }

  static BusinessCalendar* calendar_;
  static std::string* load_log_;  // what LoadFile logged
};

BusinessCalendar* RealCalendarTest::calendar_ = nullptr;
std::string* RealCalendarTest::load_log_ = nullptr;

// --- The shipped data file ---

TEST_F(RealCalendarTest, TheShippedFileCoversPublishedYears2024To2026InShanghaiTime) {
  EXPECT_EQ(cal().zone().name(), "Asia/Shanghai");
  EXPECT_EQ(cal().first_year(), 2024);
  EXPECT_EQ(cal().last_year(), 2027);
  EXPECT_THAT(cal().published_years(), ::testing::ElementsAre(2024, 2025, 2026));
  EXPECT_THAT(cal().provisional_years(), ::testing::ElementsAre(2027));
}

TEST_F(RealCalendarTest, LoadingWarnsLoudlyThat2027IsProvisional) {
  EXPECT_THAT(*load_log_, HasSubstr("\"published_years\":\"2024,2025,2026\""));
  EXPECT_THAT(*load_log_, HasSubstr("\"level\":\"warn\""));
  EXPECT_THAT(*load_log_, HasSubstr("\"provisional_years\":\"2027\""));
}

TEST_F(RealCalendarTest, OrdinaryWeekdaysAreWorkingDaysAndWeekendsAreNot) {
  EXPECT_TRUE(DayOf(2026, 3, 2).working);   // Monday
  EXPECT_TRUE(DayOf(2026, 3, 6).working);   // Friday
  EXPECT_FALSE(DayOf(2026, 3, 7).working);  // Saturday
  EXPECT_FALSE(DayOf(2026, 3, 8).working);  // Sunday
  EXPECT_FALSE(DayOf(2026, 3, 2).provisional);
  EXPECT_EQ(DayOf(2026, 3, 2).holiday_name, "");
}

// --- Spring Festival 2026: Feb 15-23 off, Saturdays Feb 14 and Feb 28 worked ---

TEST_F(RealCalendarTest, SpringFestival2026IsOffFromFebruary15To23) {
  for (int d = 15; d <= 23; ++d) {
    const DayInfo info = DayOf(2026, 2, d);
    EXPECT_FALSE(info.working) << "2026-02-" << d;
    EXPECT_EQ(info.holiday_name, "春节") << "2026-02-" << d;
    EXPECT_FALSE(info.provisional);
  }
  EXPECT_TRUE(DayOf(2026, 2, 13).working);  // Friday before
  EXPECT_TRUE(DayOf(2026, 2, 24).working);  // Tuesday after
}

TEST_F(RealCalendarTest, SaturdaysFebruary14And28Of2026AreMakeUpWorkingDays) {
  for (int d : {14, 28}) {
    ASSERT_EQ(absl::GetWeekday(absl::CivilDay(2026, 2, d)), absl::Weekday::saturday);
    const DayInfo info = DayOf(2026, 2, d);
    EXPECT_TRUE(info.working) << "2026-02-" << d;
    EXPECT_EQ(info.holiday_name, "春节");
    absl::StatusOr<bool> working = cal().IsWorkingDay(absl::CivilDay(2026, 2, d));
    ASSERT_TRUE(working.ok());
    EXPECT_TRUE(*working);
  }
}

TEST_F(RealCalendarTest, AMakeUpSaturdayCountsAsAWorkingDay) {
  // Fri 2026-02-13 10:00 + 1 = Sat 02-14 10:00 (make-up day).
  EXPECT_EQ(Add(Shanghai(2026, 2, 13, 10), 1).at, Utc(2026, 2, 14, 2));
  // + 2 jumps the whole festival: Tue 02-24 10:00.
  EXPECT_EQ(Add(Shanghai(2026, 2, 13, 10), 2).at, Utc(2026, 2, 24, 2));
  // Fri 02-27 16:00 + 1 = Sat 02-28 16:00; + 2 = Mon 03-02 16:00.
  EXPECT_EQ(Add(Shanghai(2026, 2, 27, 16), 1).at, Utc(2026, 2, 28, 8));
  EXPECT_EQ(Add(Shanghai(2026, 2, 27, 16), 2).at, Utc(2026, 3, 2, 8));
}

TEST_F(RealCalendarTest, AnInstantOnAMakeUpSaturdayKeepsItsTimeOfDay) {
  // Sat 2026-02-14 09:30 is a working day: + 1 = Tue 02-24 09:30.
  const Deadline d = Add(Shanghai(2026, 2, 14, 9, 30), 1);
  EXPECT_EQ(d.at, Utc(2026, 2, 24, 1, 30));
  EXPECT_FALSE(d.provisional);
}

TEST_F(RealCalendarTest, AComplaintDuringSpringFestivalCountsFromTheFirstDayBack) {
  // Wed 2026-02-18 11:00 (holiday) counts from Tue 02-24 00:00; + 2 = Thu 02-26 00:00.
  EXPECT_EQ(Add(Shanghai(2026, 2, 18, 11), 2).at, Utc(2026, 2, 25, 16));
  EXPECT_EQ(Add(Shanghai(2026, 2, 18, 11), 0).at, Utc(2026, 2, 23, 16));
}

// --- National Day golden weeks ---

TEST_F(RealCalendarTest, NationalDayGoldenWeek2025IsOffFromOctober1To8) {
  for (int d = 1; d <= 8; ++d) {
    const DayInfo info = DayOf(2025, 10, d);
    EXPECT_FALSE(info.working) << "2025-10-" << d;
    EXPECT_EQ(info.holiday_name, "国庆节、中秋节");
  }
  EXPECT_TRUE(DayOf(2025, 9, 28).working);    // Sunday, make-up
  EXPECT_TRUE(DayOf(2025, 10, 11).working);   // Saturday, make-up
  EXPECT_FALSE(DayOf(2025, 10, 12).working);  // ordinary Sunday
}

TEST_F(RealCalendarTest, NationalDay2025DeadlinesSkipTheGoldenWeek) {
  // Tue 2025-09-30 11:00 + 1 = Thu 10-09 11:00.
  EXPECT_EQ(Add(Shanghai(2025, 9, 30, 11), 1).at, Utc(2025, 10, 9, 3));
  // Thu 10-09 09:00 + 2 = Sat 10-11 09:00 (make-up Saturday).
  EXPECT_EQ(Add(Shanghai(2025, 10, 9, 9), 2).at, Utc(2025, 10, 11, 1));
  // Sun 09-28 14:00 is a make-up working day: + 1 = Mon 09-29 14:00.
  EXPECT_EQ(Add(Shanghai(2025, 9, 28, 14), 1).at, Utc(2025, 9, 29, 6));
  // Sat 09-27 14:00 counts from Sun 09-28 00:00; + 1 = Mon 09-29 00:00.
  EXPECT_EQ(Add(Shanghai(2025, 9, 27, 14), 1).at, Utc(2025, 9, 28, 16));
}

TEST_F(RealCalendarTest, NationalDayGoldenWeek2026IsOffFromOctober1To7) {
  for (int d = 1; d <= 7; ++d) {
    const DayInfo info = DayOf(2026, 10, d);
    EXPECT_FALSE(info.working) << "2026-10-" << d;
    EXPECT_EQ(info.holiday_name, "国庆节");
  }
  EXPECT_TRUE(DayOf(2026, 10, 8).working);   // Thursday
  EXPECT_TRUE(DayOf(2026, 10, 10).working);  // Saturday, make-up
  EXPECT_TRUE(DayOf(2026, 9, 20).working);   // Sunday, make-up
  EXPECT_FALSE(DayOf(2026, 9, 25).working);  // Mid-Autumn Friday
  EXPECT_EQ(DayOf(2026, 9, 25).holiday_name, "中秋节");
}

TEST_F(RealCalendarTest, NationalDay2026DeadlinesSkipTheGoldenWeek) {
  // Wed 2026-09-30 10:00 + 1 = Thu 10-08 10:00; + 3 = Sat 10-10 10:00 (make-up).
  EXPECT_EQ(Add(Shanghai(2026, 9, 30, 10), 1).at, Utc(2026, 10, 8, 2));
  EXPECT_EQ(Add(Shanghai(2026, 9, 30, 10), 3).at, Utc(2026, 10, 10, 2));
  // + 4 = Mon 10-12 10:00 (Sunday 10-11 is an ordinary weekend day).
  EXPECT_EQ(Add(Shanghai(2026, 9, 30, 10), 4).at, Utc(2026, 10, 12, 2));
  // Thu 09-24 17:00 + 1 = Mon 09-28 17:00 (Mid-Autumn Fri-Sun off).
  EXPECT_EQ(Add(Shanghai(2026, 9, 24, 17), 1).at, Utc(2026, 9, 28, 9));
  // Sat 09-19 12:00 + 0 = Sun 09-20 00:00, a make-up working day.
  EXPECT_EQ(Add(Shanghai(2026, 9, 19, 12), 0).at, Utc(2026, 9, 19, 16));
}

TEST_F(RealCalendarTest, AnInstantOnAHolidayEveningCountsFromMidnightOfTheNextWorkingDay) {
  // Wed 2025-10-08 21:00, the last day off; the next working day is Thu 10-09.
  const absl::Time evening = Shanghai(2025, 10, 8, 21);
  EXPECT_EQ(Add(evening, 0).at, Utc(2025, 10, 8, 16));   // Thu 10-09 00:00
  EXPECT_EQ(Add(evening, 1).at, Utc(2025, 10, 9, 16));   // Fri 10-10 00:00
  EXPECT_EQ(Add(evening, 2).at, Utc(2025, 10, 10, 16));  // Sat 10-11 00:00 (make-up)
  EXPECT_EQ(Add(evening, 3).at, Utc(2025, 10, 12, 16));  // Mon 10-13 00:00
}

// --- Ordinary weeks ---

TEST_F(RealCalendarTest, FridayAt1500PlusTwoBusinessDaysIsTuesdayAt1500) {
  ASSERT_EQ(absl::GetWeekday(absl::CivilDay(2026, 3, 6)), absl::Weekday::friday);
  const Deadline d = Add(Shanghai(2026, 3, 6, 15), 2);
  EXPECT_EQ(d.at, Utc(2026, 3, 10, 7));  // Tue 2026-03-10 15:00 Shanghai
  EXPECT_FALSE(d.provisional);
}

TEST_F(RealCalendarTest, AWeekendInstantCountsFromMondayMidnight) {
  // Sat 2026-03-07 10:00 counts from Mon 03-09 00:00.
  EXPECT_EQ(Add(Shanghai(2026, 3, 7, 10), 0).at, Utc(2026, 3, 8, 16));
  EXPECT_EQ(Add(Shanghai(2026, 3, 7, 10), 1).at, Utc(2026, 3, 9, 16));  // Tue 00:00
  // Sun 03-08 23:59:59 as well.
  EXPECT_EQ(Add(Shanghai(2026, 3, 8, 23, 59, 59), 2).at, Utc(2026, 3, 10, 16));  // Wed 00:00
}

TEST_F(RealCalendarTest, ZeroBusinessDaysOnAWorkingDayIsTheInstantItself) {
  const absl::Time t = Shanghai(2026, 3, 4, 13, 14, 15) + absl::Milliseconds(678);
  const Deadline d = Add(t, 0);
  EXPECT_EQ(d.at, t);
  EXPECT_FALSE(d.provisional);
}

TEST_F(RealCalendarTest, TheTimeOfDayIsKeptToTheSubSecond) {
  const absl::Time t = Shanghai(2026, 3, 4, 23, 59, 59) + absl::Microseconds(999999);
  EXPECT_EQ(Add(t, 1).at, Utc(2026, 3, 5, 15, 59, 59) + absl::Microseconds(999999));
}

TEST_F(RealCalendarTest, LocalDayIsTheShanghaiDateNotTheUtcDate) {
  // 16:30 UTC on Feb 14 is already 00:30 on Feb 15 in Shanghai.
  EXPECT_EQ(cal().LocalDay(Utc(2026, 2, 14, 16, 30)), absl::CivilDay(2026, 2, 15));
  EXPECT_EQ(cal().LocalDay(Utc(2026, 2, 14, 15, 59, 59)), absl::CivilDay(2026, 2, 14));
}

TEST_F(RealCalendarTest, AnInstantLateInTheUtcDayIsJudgedByItsShanghaiDate) {
  // Fri 2026-03-06 17:00 UTC is Sat 01:00 in Shanghai: a weekend instant.
  EXPECT_EQ(Add(Utc(2026, 3, 6, 17), 0).at, Utc(2026, 3, 8, 16));  // Mon 00:00 Shanghai
}

TEST_F(RealCalendarTest, NewYearsDay2025IsSkippedAcrossThe2024Boundary) {
  // Tue 2024-12-31 16:00 + 1 = Thu 2025-01-02 16:00 (Jan 1 off), both years published.
  const Deadline d = Add(Shanghai(2024, 12, 31, 16), 1);
  EXPECT_EQ(d.at, Utc(2025, 1, 2, 8));
  EXPECT_FALSE(d.provisional);
}

TEST_F(RealCalendarTest, Sunday4January2026IsAMakeUpWorkingDayAfterNewYear) {
  // Wed 2025-12-31 09:00 + 1 = Sun 2026-01-04 09:00 (Jan 1-3 off, Jan 4 worked).
  EXPECT_EQ(Add(Shanghai(2025, 12, 31, 9), 1).at, Utc(2026, 1, 4, 1));
  EXPECT_EQ(DayOf(2026, 1, 4).holiday_name, "元旦");
}

// --- Provisional years and the edges of the data ---

TEST_F(RealCalendarTest, AnUnpublishedYearIsWeekendsOnlyAndMarkedProvisional) {
  const DayInfo fri = DayOf(2027, 1, 1);  // surely a holiday once published, but unknown now
  EXPECT_TRUE(fri.working);
  EXPECT_TRUE(fri.provisional);
  EXPECT_EQ(fri.holiday_name, "");
  const DayInfo sat = DayOf(2027, 1, 2);
  EXPECT_FALSE(sat.working);
  EXPECT_TRUE(sat.provisional);
}

TEST_F(RealCalendarTest, YearsAfterTheLastDeclaredYearAreProvisionalToo) {
  const DayInfo info = DayOf(2030, 6, 3);  // Monday
  EXPECT_TRUE(info.working);
  EXPECT_TRUE(info.provisional);
}

TEST_F(RealCalendarTest, ADeadlineLandingInAnUnpublishedYearIsProvisional) {
  // Wed 2026-12-30 10:00 + 3: Thu 12-31, Fri 2027-01-01 (weekends only), Mon 2027-01-04 10:00.
  const Deadline d = Add(Shanghai(2026, 12, 30, 10), 3);
  EXPECT_EQ(d.at, Utc(2027, 1, 4, 2));
  EXPECT_TRUE(d.provisional);
}

TEST_F(RealCalendarTest, ADeadlineWithinAPublishedYearIsNotProvisional) {
  // Tue 2026-12-29 10:00 + 2 = Thu 12-31 10:00.
  const Deadline d = Add(Shanghai(2026, 12, 29, 10), 2);
  EXPECT_EQ(d.at, Utc(2026, 12, 31, 2));
  EXPECT_FALSE(d.provisional);
}

TEST_F(RealCalendarTest, AComplaintOnAWeekendOfAnUnpublishedYearStillGetsAProvisionalDeadline) {
  // Sat 2027-01-02 counts from Mon 01-04 00:00; + 1 = Tue 01-05 00:00. Never a refusal.
  const Deadline d = Add(Shanghai(2027, 1, 2, 20), 1);
  EXPECT_EQ(d.at, Utc(2027, 1, 4, 16));
  EXPECT_TRUE(d.provisional);
}

TEST_F(RealCalendarTest, AYearBeforeTheDataIsAnError) {
  absl::StatusOr<DayInfo> day = cal().Day(absl::CivilDay(2023, 12, 29));
  EXPECT_EQ(day.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(day.status().message(), HasSubstr("2024"));
  EXPECT_FALSE(cal().IsWorkingDay(absl::CivilDay(2023, 12, 29)).ok());
  absl::StatusOr<Deadline> d = cal().AddBusinessDays(Shanghai(2023, 12, 29, 10), 1);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kOutOfRange);
  // The first day of the data is fine: Mon 2024-01-01 is New Year's Day.
  EXPECT_EQ(Add(Shanghai(2024, 1, 1, 10), 0).at, Utc(2024, 1, 1, 16));  // Tue 01-02 00:00
}

TEST_F(RealCalendarTest, NegativeDayCountsAndInfiniteInstantsAreErrors) {
  absl::StatusOr<Deadline> d = cal().AddBusinessDays(Shanghai(2026, 3, 4, 10), -1);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  d = cal().AddBusinessDays(Shanghai(2026, 3, 4, 10), BusinessCalendar::kMaxBusinessDays + 1);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  d = cal().AddBusinessDays(absl::InfiniteFuture(), 1);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RealCalendarTest, EveryPublishedDayOffAndMakeUpDayIsNamed) {
  for (absl::CivilDay d(2024, 1, 1); d < absl::CivilDay(2027, 1, 1); ++d) {
    const DayInfo info = DayOf(static_cast<int>(d.year()), d.month(), d.day());
    const absl::Weekday wd = absl::GetWeekday(d);
    const bool weekend = wd == absl::Weekday::saturday || wd == absl::Weekday::sunday;
    if (info.working == weekend) {  // an exception to the ordinary week
      EXPECT_NE(info.holiday_name, "") << d;
    }
  }
}

TEST_F(RealCalendarTest, ThePublishedYearsMatchTheHolidayCnCounts) {
  // Counted from holiday-cn's JSON files: weekdays off and weekend days worked, per year.
  struct Count {
    int year, weekdays_off, weekends_worked;
  };
  for (const Count& c : {Count{2024, 19, 8}, Count{2025, 18, 5}, Count{2026, 19, 6}}) {
    int off = 0, worked = 0;
    for (absl::CivilDay d(c.year, 1, 1); d.year() == c.year; ++d) {
      const absl::Weekday wd = absl::GetWeekday(d);
      const bool weekend = wd == absl::Weekday::saturday || wd == absl::Weekday::sunday;
      const bool working = DayOf(c.year, d.month(), d.day()).working;
      if (!weekend && !working) ++off;
      if (weekend && working) ++worked;
    }
    EXPECT_EQ(off, c.weekdays_off) << c.year;
    EXPECT_EQ(worked, c.weekends_worked) << c.year;
  }
}

// --- The file format ---

constexpr char kHeader[] =
    "timezone Asia/Shanghai\n"
    "published 2025 source https://example.gov.cn/2025\n"
    "provisional 2026\n";

absl::Status ParseError(const std::string& text) { return BusinessCalendar::Parse(text).status(); }

TEST(CalendarFormatTest, AMinimalFileParses) {
  absl::StatusOr<BusinessCalendar> cal =
      BusinessCalendar::Parse(std::string(kHeader) + "2025-01-01 off 元旦\n2025-01-26 work 春节\n");
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->first_year(), 2025);
  EXPECT_EQ(cal->last_year(), 2026);
  EXPECT_FALSE(*cal->IsWorkingDay(absl::CivilDay(2025, 1, 1)));
  EXPECT_TRUE(*cal->IsWorkingDay(absl::CivilDay(2025, 1, 26)));
  EXPECT_EQ(cal->Day(absl::CivilDay(2025, 1, 26))->holiday_name, "春节");
  EXPECT_TRUE(cal->Day(absl::CivilDay(2026, 1, 1))->provisional);
}

TEST(CalendarFormatTest, CommentsBlankLinesCrlfAndDeclarationOrderDoNotMatter) {
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Parse(
      "\xEF\xBB\xBF# a comment\r\n"
      "\r\n"
      "2025-10-01 off   国庆节 中秋节   # Wed\r\n"
      "   published 2025 source https://a https://b\r\n"
      "\ttimezone\tAsia/Shanghai  # the policy's zone\r\n");
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->Day(absl::CivilDay(2025, 10, 1))->holiday_name, "国庆节 中秋节");
  EXPECT_THAT(cal->provisional_years(), ::testing::IsEmpty());
}

TEST(CalendarFormatTest, ADayOffMayFallOnAWeekendToNameTheHoliday) {
  absl::StatusOr<BusinessCalendar> cal =
      BusinessCalendar::Parse(std::string(kHeader) + "2025-10-04 off 国庆节\n");
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->Day(absl::CivilDay(2025, 10, 4))->holiday_name, "国庆节");
}

TEST(CalendarFormatTest, AnUnknownKeywordIsRejectedNamingTheLine) {
  const absl::Status s = ParseError(std::string(kHeader) + "\nholiday 2025-01-01\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("line 5:"));
  EXPECT_THAT(s.message(), HasSubstr("holiday"));
}

TEST(CalendarFormatTest, MalformedDatesAreRejectedNamingTheLine) {
  for (const char* bad : {"2025-02-30 off x", "2025-13-01 off x", "2025-1-1 off x",
                          "25-01-01 off x", "2025/01/01 off x", "2025-01-0a off x"}) {
    const absl::Status s = ParseError(std::string(kHeader) + bad + "\n");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("line 4:")) << bad;
  }
}

TEST(CalendarFormatTest, ADayWithoutAKindOrANameIsRejected) {
  EXPECT_THAT(ParseError(std::string(kHeader) + "2025-01-01 off\n").message(),
              HasSubstr("line 4:"));
  EXPECT_THAT(ParseError(std::string(kHeader) + "2025-01-01\n").message(), HasSubstr("line 4:"));
  EXPECT_THAT(ParseError(std::string(kHeader) + "2025-01-01 holiday 元旦\n").message(),
              HasSubstr("`off` or `work`"));
  // A name that is only a comment is no name.
  EXPECT_THAT(ParseError(std::string(kHeader) + "2025-01-01 off # 元旦\n").message(),
              HasSubstr("line 4:"));
}

TEST(CalendarFormatTest, ADateOutsideTheDeclaredYearsIsRejected) {
  const absl::Status s = ParseError(std::string(kHeader) + "\n\n2024-10-01 off 国庆节\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("line 6:"));
  EXPECT_THAT(s.message(), HasSubstr("not declared"));
  EXPECT_THAT(ParseError(std::string(kHeader) + "2027-01-01 off 元旦\n").message(),
              HasSubstr("line 4:"));
}

TEST(CalendarFormatTest, ADayInAProvisionalYearIsRejected) {
  const absl::Status s = ParseError(std::string(kHeader) + "2026-01-01 off 元旦\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("line 4:"));
  EXPECT_THAT(s.message(), HasSubstr("provisional"));
}

TEST(CalendarFormatTest, ADateListedTwiceIsRejected) {
  const absl::Status s =
      ParseError(std::string(kHeader) + "2025-01-01 off 元旦\n2025-01-01 off 元旦\n");
  EXPECT_THAT(s.message(), HasSubstr("line 5:"));
  EXPECT_THAT(s.message(), HasSubstr("2025-01-01 listed twice (first on line 4)"));
}

TEST(CalendarFormatTest, AWeekdayCannotBeAMakeUpWorkingDay) {
  // Thu 2025-01-02 is a working day already: a `work` line for it is a wrong date.
  const absl::Status s = ParseError(std::string(kHeader) + "2025-01-02 work 元旦\n");
  EXPECT_THAT(s.message(), HasSubstr("line 4:"));
  EXPECT_THAT(s.message(), HasSubstr("weekday"));
}

TEST(CalendarFormatTest, AYearDeclaredTwiceIsRejected) {
  EXPECT_THAT(ParseError(std::string(kHeader) + "published 2025 source https://x\n").message(),
              HasSubstr("line 4: year 2025 already declared on line 2"));
  EXPECT_THAT(ParseError(std::string(kHeader) + "provisional 2025\n").message(),
              HasSubstr("line 4:"));
}

TEST(CalendarFormatTest, MalformedYearDeclarationsAreRejected) {
  for (const char* bad : {"published 2025", "published 2025 https://x", "published 2025 source",
                          "published 25 source https://x", "provisional", "provisional 2027 x",
                          "provisional twenty"}) {
    const absl::Status s = ParseError(std::string("timezone Asia/Shanghai\n") + bad + "\n");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("line 2:")) << bad;
  }
}

TEST(CalendarFormatTest, YearsMustHaveNoGaps) {
  const absl::Status s =
      ParseError("timezone Asia/Shanghai\npublished 2024 source https://x\nprovisional 2026\n");
  EXPECT_THAT(s.message(), HasSubstr("line 3:"));
  EXPECT_THAT(s.message(), HasSubstr("2025 is missing"));
}

TEST(CalendarFormatTest, AFileWithoutYearsIsRejected) {
  EXPECT_EQ(ParseError("timezone Asia/Shanghai\n").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseError("").code(), absl::StatusCode::kInvalidArgument);
}

TEST(CalendarFormatTest, TheTimeZoneMustBeGivenOnceAndLoad) {
  EXPECT_THAT(ParseError("published 2025 source https://x\n").message(), HasSubstr("timezone"));
  EXPECT_THAT(ParseError(std::string(kHeader) + "timezone Asia/Shanghai\n").message(),
              HasSubstr("line 4: timezone already given on line 1"));
  EXPECT_THAT(ParseError("timezone\npublished 2025 source https://x\n").message(),
              HasSubstr("line 1:"));
  // An unknown zone is an error, never a silent fall-back to UTC.
  const absl::Status s = ParseError("timezone Mars/Olympus_Mons\nprovisional 2025\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("line 1:"));
  EXPECT_THAT(s.message(), HasSubstr("Mars/Olympus_Mons"));
}

TEST(CalendarFormatTest, ACalendarInAnotherZoneCountsInThatZone) {
  absl::StatusOr<BusinessCalendar> cal =
      BusinessCalendar::Parse("timezone UTC\nprovisional 2026\n");
  ASSERT_TRUE(cal.ok()) << cal.status();
  // Fri 2026-03-06 20:00 UTC is a Friday there (it would be Saturday in Shanghai).
  absl::StatusOr<Deadline> d = cal->AddBusinessDays(Utc(2026, 3, 6, 20), 1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->at, Utc(2026, 3, 9, 20));
  EXPECT_TRUE(d->provisional);
}

TEST(CalendarFormatTest, LoadFileNamesTheFileInErrors) {
  const std::string missing = ::testing::TempDir() + "/no-such-calendar.txt";
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::LoadFile(missing);
  EXPECT_EQ(cal.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(cal.status().message(), HasSubstr(missing));

  const std::string bad = ::testing::TempDir() + "/bad-calendar-" +
                          std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                          ".txt";
  {
    std::ofstream out(bad);
    out << "timezone Asia/Shanghai\nprovisional 2025\n2025-01-01 off 元旦\n";
  }
  cal = BusinessCalendar::LoadFile(bad);
  std::remove(bad.c_str());
  EXPECT_EQ(cal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(cal.status().message(), HasSubstr(bad + ": line 3:"));
}

TEST(CalendarFormatTest, ANewlyPublishedYearIsPickedUpFromTheData) {
  // The same instant before and after 2027's schedule is added: data only, no rebuild.
  absl::StatusOr<BusinessCalendar> before =
      BusinessCalendar::Parse("timezone Asia/Shanghai\nprovisional 2027\n");
  absl::StatusOr<BusinessCalendar> after = BusinessCalendar::Parse(
      "timezone Asia/Shanghai\npublished 2027 source https://x\n2027-01-01 off 元旦\n");
  ASSERT_TRUE(before.ok() && after.ok());
  const absl::Time new_year = Shanghai(2027, 1, 1, 10);  // Friday
  // Provisional: Fri 01-01 is a working day, + 1 = Mon 01-04 10:00.
  absl::StatusOr<Deadline> d = before->AddBusinessDays(new_year, 1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->at, Utc(2027, 1, 4, 2));
  EXPECT_TRUE(d->provisional);
  // Published: Fri 01-01 is off, counts from Mon 01-04 00:00, + 1 = Tue 01-05 00:00.
  d = after->AddBusinessDays(new_year, 1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->at, Utc(2027, 1, 4, 16));
  EXPECT_FALSE(d->provisional);
}

}  // namespace
}  // namespace tousu::time
