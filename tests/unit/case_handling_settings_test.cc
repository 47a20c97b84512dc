// The case-handling service's settings: defaults, accepted values and refusals naming the
// variable.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/case-handling/settings.h"

namespace tousu::casehandling {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<CaseHandlingSettings> Read(const std::vector<std::string>& env) {
  return CaseHandlingSettings::FromConfig(config::Config("CASE_HANDLING", env, {}));
}

TEST(CaseHandlingSettings, DefaultsAreThePolicys) {
  auto s = Read({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rules.solution_days, 2);
  EXPECT_EQ(s->rules.revision_days, 2);
  EXPECT_EQ(s->deadline_check_interval, absl::Seconds(1));
}

TEST(CaseHandlingSettings, ReadsEachVariable) {
  auto s = Read({"TOUSU_CASE_HANDLING_SOLUTION_DAYS=3", "TOUSU_CASE_HANDLING_REVISION_DAYS=5",
                 "TOUSU_CASE_HANDLING_DEADLINE_CHECK_INTERVAL=30s"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rules.solution_days, 3);
  EXPECT_EQ(s->rules.revision_days, 5);
  EXPECT_EQ(s->deadline_check_interval, absl::Seconds(30));
}

TEST(CaseHandlingSettings, RefusesOutOfRangeValuesNamingTheVariable) {
  for (const auto& [env, variable] : std::vector<std::pair<std::string, std::string>>{
           {"TOUSU_CASE_HANDLING_SOLUTION_DAYS=0", "TOUSU_CASE_HANDLING_SOLUTION_DAYS"},
           {"TOUSU_CASE_HANDLING_REVISION_DAYS=31", "TOUSU_CASE_HANDLING_REVISION_DAYS"},
           {"TOUSU_CASE_HANDLING_DEADLINE_CHECK_INTERVAL=0s",
            "TOUSU_CASE_HANDLING_DEADLINE_CHECK_INTERVAL"}}) {
    auto s = Read({env});
    ASSERT_FALSE(s.ok()) << env;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << env;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(variable)) << env;
  }
  EXPECT_THAT(std::string(Read({"TOUSU_CASE_HANDLING_REVISION_DAYS=31"}).status().message()),
              HasSubstr("must be 1..30 business days"));
}

}  // namespace
}  // namespace tousu::casehandling
