// Intake's settings as Settings::FromConfig reads them from TOUSU_INTAKE_* (and --flags): the
// defaults, values within range, and refusals that name the variable.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/config/config.h"
#include "services/intake/settings.h"

namespace tousu::intake {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<IntakeSettings> Read(const std::vector<std::string>& env) {
  return IntakeSettings::FromConfig(config::Config("INTAKE", env, {}));
}

TEST(Settings, UnsetKeysTakeTheDefaults) {
  absl::StatusOr<IntakeSettings> s = Read({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->number_block, 100);
  EXPECT_EQ(s->read_cache_entries, 10000);
  EXPECT_EQ(s->read_cache_ttl, absl::Seconds(1));
  EXPECT_EQ(s->per_customer.count, 30);
  EXPECT_EQ(s->per_customer.per, absl::Hours(1));
  EXPECT_EQ(s->per_source.count, 0);
  EXPECT_EQ(s->retention.after_close, kDefaultRetentionAfterClose);
  EXPECT_EQ(s->retention.check_every, absl::Hours(1));
  EXPECT_EQ(s->retention.batch, 200);
  EXPECT_EQ(s->staff_assessment_addr, "");
  EXPECT_EQ(s->staff_timeout, absl::Seconds(2));
  EXPECT_EQ(s->department_sync_every, absl::Minutes(1));
  // What a service built without reading the configuration gets is the same.
  const IntakeSettings built;
  EXPECT_EQ(built.retention.after_close, s->retention.after_close);
  EXPECT_EQ(built.number_block, s->number_block);
}

TEST(Settings, ValuesWithinRangeAreTaken) {
  absl::StatusOr<IntakeSettings> s = Read({
      "TOUSU_INTAKE_NUMBER_BLOCK=1000",
      "TOUSU_INTAKE_READ_CACHE_ENTRIES=0",
      "TOUSU_INTAKE_READ_CACHE_TTL=1m",
      "TOUSU_INTAKE_RATE_PER_CUSTOMER=5/10m",
      "TOUSU_INTAKE_RATE_PER_SOURCE=600/1m",
      "TOUSU_INTAKE_RETENTION_AFTER_CLOSE=30d",
      "TOUSU_INTAKE_RETENTION_CHECK_EVERY=100ms",
      "TOUSU_INTAKE_RETENTION_BATCH=10000",
      "TOUSU_INTAKE_STAFF_ASSESSMENT_ADDR=127.0.0.1:7106",
      "TOUSU_INTAKE_STAFF_TIMEOUT=500ms",
      "TOUSU_INTAKE_DEPARTMENT_SYNC_EVERY=24h",
  });
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->number_block, 1000);
  EXPECT_EQ(s->read_cache_entries, 0);
  EXPECT_EQ(s->read_cache_ttl, absl::Minutes(1));
  EXPECT_EQ(s->per_customer.count, 5);
  EXPECT_EQ(s->per_customer.per, absl::Minutes(10));
  EXPECT_EQ(s->per_source.count, 600);
  EXPECT_EQ(s->retention.after_close, absl::Hours(24 * 30));
  EXPECT_EQ(s->retention.check_every, absl::Milliseconds(100));
  EXPECT_EQ(s->retention.batch, 10000);
  EXPECT_EQ(s->staff_assessment_addr, "127.0.0.1:7106");
  EXPECT_EQ(s->staff_timeout, absl::Milliseconds(500));
  EXPECT_EQ(s->department_sync_every, absl::Hours(24));
}

TEST(Settings, AValueOutOfRangeIsRefusedNamingTheVariable) {
  for (const auto& [setting, variable] : std::vector<std::pair<std::string, std::string>>{
           {"TOUSU_INTAKE_NUMBER_BLOCK=0", "TOUSU_INTAKE_NUMBER_BLOCK"},
           {"TOUSU_INTAKE_NUMBER_BLOCK=1001", "TOUSU_INTAKE_NUMBER_BLOCK"},
           {"TOUSU_INTAKE_READ_CACHE_ENTRIES=1000001", "TOUSU_INTAKE_READ_CACHE_ENTRIES"},
           {"TOUSU_INTAKE_READ_CACHE_TTL=61s", "TOUSU_INTAKE_READ_CACHE_TTL"},
           {"TOUSU_INTAKE_RATE_PER_CUSTOMER=often", "TOUSU_INTAKE_RATE_PER_CUSTOMER"},
           {"TOUSU_INTAKE_RETENTION_CHECK_EVERY=99ms", "TOUSU_INTAKE_RETENTION_CHECK_EVERY"},
           {"TOUSU_INTAKE_RETENTION_BATCH=0", "TOUSU_INTAKE_RETENTION_BATCH"},
           {"TOUSU_INTAKE_STAFF_TIMEOUT=0s", "TOUSU_INTAKE_STAFF_TIMEOUT"},
           {"TOUSU_INTAKE_DEPARTMENT_SYNC_EVERY=500ms", "TOUSU_INTAKE_DEPARTMENT_SYNC_EVERY"},
       }) {
    absl::StatusOr<IntakeSettings> s = Read({setting});
    ASSERT_FALSE(s.ok()) << setting;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << setting;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(variable)) << setting;
  }
}

}  // namespace
}  // namespace tousu::intake
