// The analytics service's settings: defaults, accepted values and refusals naming the variable.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "services/analytics/settings.h"

namespace tousu::analytics {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<Settings> Read(const std::vector<std::string>& env) {
  return Settings::FromConfig(config::Config("ANALYTICS", env, {}));
}

TEST(AnalyticsSettings, DefaultsMatchThePolicyAndTheServicesEnforcingIt) {
  auto s = Read({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->spike.stddevs, 2.0);
  EXPECT_EQ(s->spike.min_count, 10);
  EXPECT_EQ(s->month_end_delay, absl::Hours(1));
  EXPECT_EQ(s->month_end_check_interval, absl::Minutes(1));
  EXPECT_EQ(s->sla_terms.ack_window, absl::Hours(1));
  EXPECT_EQ(s->sla_terms.solution_days, 2);
  EXPECT_EQ(s->sla_terms.callback_days, 3);
}

TEST(AnalyticsSettings, WithoutADirectoryAddressTheDirectoryIsNotAsked) {
  auto s = Read({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->staff_assessment_addr, "");
  EXPECT_EQ(s->staff_timeout, absl::Seconds(2));
  EXPECT_EQ(s->department_sync_every, absl::Minutes(1));
}

TEST(AnalyticsSettings, ReadsTheDirectorysAddressTimeoutAndSyncInterval) {
  auto s =
      Read({"TOUSU_ANALYTICS_STAFF_ASSESSMENT_ADDR=tousu-staff-assessment:7106",
            "TOUSU_ANALYTICS_STAFF_TIMEOUT=500ms", "TOUSU_ANALYTICS_DEPARTMENT_SYNC_EVERY=24h"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->staff_assessment_addr, "tousu-staff-assessment:7106");
  EXPECT_EQ(s->staff_timeout, absl::Milliseconds(500));
  EXPECT_EQ(s->department_sync_every, absl::Hours(24));
}

TEST(AnalyticsSettings, RefusesADirectoryTimeoutOrSyncIntervalOutOfRangeNamingTheVariable) {
  for (const auto& [env, variable] : std::vector<std::pair<std::string, std::string>>{
           {"TOUSU_ANALYTICS_STAFF_TIMEOUT=0s", "TOUSU_ANALYTICS_STAFF_TIMEOUT"},
           {"TOUSU_ANALYTICS_STAFF_TIMEOUT=soon", "TOUSU_ANALYTICS_STAFF_TIMEOUT"},
           {"TOUSU_ANALYTICS_DEPARTMENT_SYNC_EVERY=500ms", "TOUSU_ANALYTICS_DEPARTMENT_SYNC_EVERY"},
           {"TOUSU_ANALYTICS_DEPARTMENT_SYNC_EVERY=25h",
            "TOUSU_ANALYTICS_DEPARTMENT_SYNC_EVERY"}}) {
    auto s = Read({env});
    ASSERT_FALSE(s.ok()) << env;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << env;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(variable)) << env;
  }
}

TEST(AnalyticsSettings, ReadsEachVariable) {
  auto s = Read({"TOUSU_ANALYTICS_SPIKE_STDDEVS=2.5", "TOUSU_ANALYTICS_SPIKE_MIN_COUNT=20",
                 "TOUSU_ANALYTICS_MONTH_END_DELAY=0s",
                 "TOUSU_ANALYTICS_MONTH_END_CHECK_INTERVAL=5m", "TOUSU_ANALYTICS_ACK_WINDOW=30m",
                 "TOUSU_ANALYTICS_SOLUTION_DAYS=3", "TOUSU_ANALYTICS_CALLBACK_DAYS=5"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->spike.stddevs, 2.5);
  EXPECT_EQ(s->spike.min_count, 20);
  EXPECT_EQ(s->month_end_delay, absl::ZeroDuration());
  EXPECT_EQ(s->month_end_check_interval, absl::Minutes(5));
  EXPECT_EQ(s->sla_terms.ack_window, absl::Minutes(30));
  EXPECT_EQ(s->sla_terms.solution_days, 3);
  EXPECT_EQ(s->sla_terms.callback_days, 5);
}

TEST(AnalyticsSettings, RefusesOutOfRangeValuesNamingTheVariable) {
  for (const auto& [env, variable] : std::vector<std::pair<std::string, std::string>>{
           {"TOUSU_ANALYTICS_SPIKE_STDDEVS=11", "TOUSU_ANALYTICS_SPIKE_STDDEVS"},
           {"TOUSU_ANALYTICS_SPIKE_MIN_COUNT=0", "TOUSU_ANALYTICS_SPIKE_MIN_COUNT"},
           {"TOUSU_ANALYTICS_MONTH_END_DELAY=169h", "TOUSU_ANALYTICS_MONTH_END_DELAY"},
           {"TOUSU_ANALYTICS_MONTH_END_CHECK_INTERVAL=0s",
            "TOUSU_ANALYTICS_MONTH_END_CHECK_INTERVAL"},
           {"TOUSU_ANALYTICS_ACK_WINDOW=0s", "TOUSU_ANALYTICS_ACK_WINDOW"},
           {"TOUSU_ANALYTICS_SOLUTION_DAYS=0", "TOUSU_ANALYTICS_SOLUTION_DAYS"},
           {"TOUSU_ANALYTICS_CALLBACK_DAYS=61", "TOUSU_ANALYTICS_CALLBACK_DAYS"}}) {
    auto s = Read({env});
    ASSERT_FALSE(s.ok()) << env;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << env;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(variable)) << env;
  }
  EXPECT_THAT(std::string(Read({"TOUSU_ANALYTICS_SPIKE_STDDEVS=11"}).status().message()),
              HasSubstr("must be a number 0..10"));
}

}  // namespace
}  // namespace tousu::analytics
