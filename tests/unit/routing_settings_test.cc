// The routing service's settings: defaults, accepted values and refusals naming the variable.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "services/routing/settings.h"

namespace tousu::routing {
namespace {

using ::testing::HasSubstr;

// The two variables routing cannot start without, plus `more`.
absl::StatusOr<RoutingSettings> Read(std::vector<std::string> more) {
  more.push_back("TOUSU_ROUTING_STAFF_ASSESSMENT_ADDR=127.0.0.1:50055");
  more.push_back("TOUSU_ROUTING_CLASSIFIER_EXAMPLES=/srv/routing/labelled-complaints.tsv");
  return RoutingSettings::FromConfig(config::Config("ROUTING", more, {}));
}

TEST(RoutingSettings, DefaultsAreThePolicys) {
  auto s = Read({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->staff_directory_address, "127.0.0.1:50055");
  EXPECT_EQ(s->classifier_examples_path, "/srv/routing/labelled-complaints.tsv");
  EXPECT_EQ(s->policy.low_confidence, 0.6);
  EXPECT_EQ(s->policy.max_bounces, 2);
  EXPECT_EQ(s->policy.ack_window, absl::Hours(1));
  EXPECT_EQ(s->escalation_interval, absl::Seconds(1));
}

TEST(RoutingSettings, ReadsEachVariable) {
  auto s = Read({"TOUSU_ROUTING_LOW_CONFIDENCE=0.75", "TOUSU_ROUTING_MAX_BOUNCES=3",
                 "TOUSU_ROUTING_ACK_WINDOW=30m", "TOUSU_ROUTING_ESCALATION_INTERVAL=200ms"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->policy.low_confidence, 0.75);
  EXPECT_EQ(s->policy.max_bounces, 3);
  EXPECT_EQ(s->policy.ack_window, absl::Minutes(30));
  EXPECT_EQ(s->escalation_interval, absl::Milliseconds(200));
}

TEST(RoutingSettings, NeedsTheStaffDirectoryAndTheLabelledExamples) {
  for (const char* variable :
       {"TOUSU_ROUTING_STAFF_ASSESSMENT_ADDR", "TOUSU_ROUTING_CLASSIFIER_EXAMPLES"}) {
    std::vector<std::string> env = {"TOUSU_ROUTING_STAFF_ASSESSMENT_ADDR=127.0.0.1:50055",
                                    "TOUSU_ROUTING_CLASSIFIER_EXAMPLES=/srv/examples.tsv"};
    std::erase_if(env, [&](const std::string& e) { return e.starts_with(variable); });
    auto s = RoutingSettings::FromConfig(config::Config("ROUTING", env, {}));
    ASSERT_FALSE(s.ok()) << variable;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(variable));
  }
}

TEST(RoutingSettings, RefusesOutOfRangeValuesNamingTheVariable) {
  for (const auto& [env, variable] : std::vector<std::pair<std::string, std::string>>{
           {"TOUSU_ROUTING_LOW_CONFIDENCE=1.5", "TOUSU_ROUTING_LOW_CONFIDENCE"},
           {"TOUSU_ROUTING_LOW_CONFIDENCE=high", "TOUSU_ROUTING_LOW_CONFIDENCE"},
           {"TOUSU_ROUTING_MAX_BOUNCES=-1", "TOUSU_ROUTING_MAX_BOUNCES"},
           {"TOUSU_ROUTING_ACK_WINDOW=0s", "TOUSU_ROUTING_ACK_WINDOW"},
           {"TOUSU_ROUTING_ESCALATION_INTERVAL=0s", "TOUSU_ROUTING_ESCALATION_INTERVAL"}}) {
    auto s = Read({env});
    ASSERT_FALSE(s.ok()) << env;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << env;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(variable)) << env;
  }
  EXPECT_THAT(std::string(Read({"TOUSU_ROUTING_LOW_CONFIDENCE=1.5"}).status().message()),
              HasSubstr("must be a number 0..1"));
}

}  // namespace
}  // namespace tousu::routing
