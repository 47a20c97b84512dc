// Submission rate limits (services/intake/domain/rate_limit.h).

#include <gtest/gtest.h>

#include "services/intake/domain/rate_limit.h"

namespace tousu::intake {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(RateLimitTest, ParsesCountPerDurationAndOff) {
  auto limit = ParseRateLimit("V", "20/1h");
  ASSERT_TRUE(limit.ok());
  EXPECT_EQ(limit->count, 20);
  EXPECT_EQ(limit->per, absl::Hours(1));
  EXPECT_EQ(ParseRateLimit("V", "0")->count, 0);
  for (const char* bad : {"", "20", "20/", "/1h", "-1/1h", "20/0s", "20/1y", "x/1m", "20/500ms"}) {
    auto parsed = ParseRateLimit("TOUSU_INTAKE_RATE_PER_CUSTOMER", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("TOUSU_INTAKE_RATE_PER_CUSTOMER"), std::string::npos);
  }
}

TEST(RateLimitTest, ABurstUpToTheCountThenOneEveryInterval) {
  RateLimiter limiter({.count = 3, .per = absl::Minutes(3)});  // one back per minute
  absl::Duration retry;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("a", kT0, &retry)) << i;
  EXPECT_FALSE(limiter.Allow("a", kT0, &retry));
  EXPECT_EQ(retry, absl::Minutes(1));
  EXPECT_TRUE(limiter.Allow("b", kT0, &retry)) << "keys are independent";
  EXPECT_FALSE(limiter.Allow("a", kT0 + absl::Seconds(59), &retry));
  EXPECT_EQ(retry, absl::Seconds(1));
  EXPECT_TRUE(limiter.Allow("a", kT0 + absl::Seconds(60), &retry));
  EXPECT_FALSE(limiter.Allow("a", kT0 + absl::Seconds(61), &retry));
  // Refills up to the count, never beyond.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("a", kT0 + absl::Hours(5), &retry)) << i;
  EXPECT_FALSE(limiter.Allow("a", kT0 + absl::Hours(5), &retry));
  // A clock moved back does not mint tokens.
  EXPECT_FALSE(limiter.Allow("a", kT0, &retry));
}

TEST(RateLimitTest, OffAllowsEverything) {
  RateLimiter limiter({.count = 0});
  absl::Duration retry;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Allow("a", kT0, &retry));
  EXPECT_EQ(limiter.tracked_keys(), 0u);
}

TEST(RateLimitTest, MemoryStaysBoundedUnderAFloodOfKeys) {
  RateLimiter limiter({.count = 2, .per = absl::Hours(1)}, /*max_keys=*/100);
  absl::Duration retry;
  for (int i = 0; i < 10000; ++i) limiter.Allow("k" + std::to_string(i), kT0, &retry);
  EXPECT_LE(limiter.tracked_keys(), 100u);
  // A key that is being limited is kept while fresher keys come and go within the bound.
  RateLimiter small({.count = 1, .per = absl::Hours(1)}, 10);
  ASSERT_TRUE(small.Allow("abuser", kT0, &retry));
  for (int i = 0; i < 5; ++i) small.Allow("k" + std::to_string(i), kT0, &retry);
  EXPECT_FALSE(small.Allow("abuser", kT0, &retry));
}

TEST(RateLimitTest, PeerAddressDropsThePort) {
  EXPECT_EQ(PeerAddress("ipv4:10.0.0.7:51234"), "ipv4:10.0.0.7");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:443"), "ipv6:[::1]");
  EXPECT_EQ(PeerAddress("unix:/tmp/s"), "unix:/tmp/s");
}

}  // namespace
}  // namespace tousu::intake
