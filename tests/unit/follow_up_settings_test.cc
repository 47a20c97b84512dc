// Follow-up's settings (services/follow-up/settings.h) from TOUSU_FOLLOW_UP_* variables.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/follow-up/settings.h"

namespace tousu::followup {
namespace {

absl::StatusOr<Settings> From(std::vector<std::string> env) {
  env.push_back("TOUSU_FOLLOW_UP_STAFF_ASSESSMENT_ADDR=127.0.0.1:7006");
  return Settings::FromConfig(config::Config("FOLLOW_UP", env, {}));
}

TEST(FollowUpSettings, DefaultsFollowThePolicy) {
  auto s = From({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->staff_assessment_addr, "127.0.0.1:7006");
  EXPECT_EQ(s->policy.progress_update_days, 3);
  EXPECT_EQ(s->policy.callback_days, 3);
  EXPECT_EQ(s->policy.unsatisfied_at_or_below, 2);
  EXPECT_EQ(s->policy.tracker_department, "customer-service");
  EXPECT_EQ(s->policy.callback_department, "customer-service");
  EXPECT_EQ(s->check_interval, absl::Seconds(1));
  EXPECT_EQ(s->staff_timeout, absl::Seconds(2));
}

TEST(FollowUpSettings, GoodValuesAreTaken) {
  auto s = From({"TOUSU_FOLLOW_UP_TRACKER_DEPARTMENT=aftercare",
                 "TOUSU_FOLLOW_UP_PROGRESS_UPDATE_DAYS=5", "TOUSU_FOLLOW_UP_CALLBACK_DAYS=60",
                 "TOUSU_FOLLOW_UP_UNSATISFIED_AT_OR_BELOW=4",
                 "TOUSU_FOLLOW_UP_CHECK_INTERVAL=250ms", "TOUSU_FOLLOW_UP_STAFF_TIMEOUT=500ms"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->policy.tracker_department, "aftercare");
  // The callback department defaults to the tracker department.
  EXPECT_EQ(s->policy.callback_department, "aftercare");
  EXPECT_EQ(s->policy.progress_update_days, 5);
  EXPECT_EQ(s->policy.callback_days, 60);
  EXPECT_EQ(s->policy.unsatisfied_at_or_below, 4);
  EXPECT_EQ(s->check_interval, absl::Milliseconds(250));
  EXPECT_EQ(s->staff_timeout, absl::Milliseconds(500));
}

TEST(FollowUpSettings, AnOutOfRangeValueIsRefusedNamingItsVariable) {
  auto s = From({"TOUSU_FOLLOW_UP_PROGRESS_UPDATE_DAYS=61"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "TOUSU_FOLLOW_UP_PROGRESS_UPDATE_DAYS must be 1..60");
  // A threshold of 5 would never let a complaint close.
  s = From({"TOUSU_FOLLOW_UP_UNSATISFIED_AT_OR_BELOW=5"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "TOUSU_FOLLOW_UP_UNSATISFIED_AT_OR_BELOW must be 1..4");
  s = From({"TOUSU_FOLLOW_UP_CHECK_INTERVAL=0s"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "TOUSU_FOLLOW_UP_CHECK_INTERVAL must be positive");
  s = From({"TOUSU_FOLLOW_UP_CALLBACK_DEPARTMENT=customer service"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "TOUSU_FOLLOW_UP_CALLBACK_DEPARTMENT must be a department id");
}

TEST(FollowUpSettings, TheStaffDirectoryAddressIsRequired) {
  auto s = Settings::FromConfig(config::Config("FOLLOW_UP", {}, {}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("TOUSU_FOLLOW_UP_STAFF_ASSESSMENT_ADDR"), std::string::npos)
      << s.status();
}

}  // namespace
}  // namespace tousu::followup
