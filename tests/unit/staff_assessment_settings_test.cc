// The staff-assessment service's settings (services/staff-assessment/settings.h): the quarterly
// assessment's weights and grade thresholds from TOUSU_STAFF_ASSESSMENT_*, checked at start-up.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/staff-assessment/settings.h"

namespace tousu {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<staff::Settings> SettingsOf(const std::vector<std::string>& env) {
  return staff::Settings::FromConfig(config::Config("STAFF_ASSESSMENT", env, {}));
}

TEST(StaffAssessmentConfig, UnsetKeysGiveThePolicysDefaults) {
  auto settings = SettingsOf({});
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_DOUBLE_EQ(settings->policy.weight_timeliness, 0.4);
  EXPECT_DOUBLE_EQ(settings->policy.weight_satisfaction, 0.3);
  EXPECT_DOUBLE_EQ(settings->policy.weight_effectiveness, 0.3);
  EXPECT_DOUBLE_EQ(settings->policy.excellent_at, 90);
  EXPECT_DOUBLE_EQ(settings->policy.pass_at, 60);
}

TEST(StaffAssessmentConfig, BadWeightsOrThresholdsStopStartUpNamingTheVariable) {
  auto policy_of =
      [](const std::vector<std::string>& env) -> absl::StatusOr<staff::assessment::Policy> {
    auto settings = SettingsOf(env);
    if (!settings.ok()) return settings.status();
    return settings->policy;
  };
  auto ok = policy_of(
      {"TOUSU_STAFF_ASSESSMENT_WEIGHT_TIMELINESS=2", "TOUSU_STAFF_ASSESSMENT_GRADE_PASS_AT=55"});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_DOUBLE_EQ(ok->weight_timeliness, 2);
  EXPECT_DOUBLE_EQ(ok->pass_at, 55);
  auto bad = policy_of({"TOUSU_STAFF_ASSESSMENT_WEIGHT_SATISFACTION=lots"});
  EXPECT_THAT(bad.status().message(), HasSubstr("TOUSU_STAFF_ASSESSMENT_WEIGHT_SATISFACTION"));
  bad = policy_of({"TOUSU_STAFF_ASSESSMENT_GRADE_EXCELLENT_AT=50"});
  EXPECT_THAT(bad.status().message(), HasSubstr("TOUSU_STAFF_ASSESSMENT_GRADE_EXCELLENT_AT"));
  bad = policy_of({"TOUSU_STAFF_ASSESSMENT_WEIGHT_TIMELINESS=0",
                   "TOUSU_STAFF_ASSESSMENT_WEIGHT_SATISFACTION=0",
                   "TOUSU_STAFF_ASSESSMENT_WEIGHT_EFFECTIVENESS=0"});
  EXPECT_FALSE(bad.ok());
}

TEST(StaffAssessmentConfig, AValueOutside0To100IsRefusedNamingTheVariableAndTheRange) {
  auto bad = SettingsOf({"TOUSU_STAFF_ASSESSMENT_WEIGHT_EFFECTIVENESS=101"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("TOUSU_STAFF_ASSESSMENT_WEIGHT_EFFECTIVENESS"));
  EXPECT_THAT(bad.status().message(), HasSubstr("0..100"));
  bad = SettingsOf({"TOUSU_STAFF_ASSESSMENT_GRADE_PASS_AT=-1"});
  EXPECT_THAT(bad.status().message(), HasSubstr("TOUSU_STAFF_ASSESSMENT_GRADE_PASS_AT"));
}

TEST(StaffAssessmentConfig, APassThresholdOf0IsRefused) {
  auto bad = SettingsOf({"TOUSU_STAFF_ASSESSMENT_GRADE_PASS_AT=0"});
  EXPECT_EQ(bad.status().message(), "TOUSU_STAFF_ASSESSMENT_GRADE_PASS_AT must be more than 0");
}

}  // namespace
}  // namespace tousu
