// The edge's rate limits, against a counter store standing in for the MEMORY table.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "services/gateway/rate_limiter.h"

namespace tousu::gateway {
namespace {

class FakeStore final : public RateCounterStore {
 public:
  absl::StatusOr<int64_t> Hit(const std::string& bucket, int64_t window) override {
    ++calls;
    if (down) return absl::UnavailableError("database down");
    return ++hits[{bucket, window}];
  }
  absl::StatusOr<int64_t> DeleteBefore(int64_t window) override {
    int64_t n = 0;
    for (auto it = hits.begin(); it != hits.end();) {
      if (it->first.second < window) {
        it = hits.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }
  std::map<std::pair<std::string, int64_t>, int64_t> hits;
  bool down = false;
  int calls = 0;
};

class RateLimiterTest : public ::testing::Test {
 protected:
  // 12:00:15 UTC: the window ends in 45 s.
  time::FakeClock clock_{absl::FromUnixSeconds(1796644800 + 15)};
  FakeStore store_;
  prometheus::Registry registry_;
};

TEST_F(RateLimiterTest, AnAddressOverItsLimitIsRefusedUntilTheWindowEnds) {
  RateLimiter limiter({.per_address = 3, .per_customer = 0}, store_, clock_, registry_);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Check("203.0.113.7", "").allowed);
  const RateDecision refused = limiter.Check("203.0.113.7", "");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.exceeded, "address");
  EXPECT_EQ(refused.retry_after, absl::Seconds(45));
  EXPECT_TRUE(limiter.Check("203.0.113.8", "").allowed);  // another address
  clock_.Advance(absl::Seconds(45));                      // the next window
  EXPECT_TRUE(limiter.Check("203.0.113.7", "").allowed);
}

TEST_F(RateLimiterTest, ACustomerIsCountedWhateverTheAddress) {
  RateLimiter limiter({.per_address = 100, .per_customer = 2}, store_, clock_, registry_);
  EXPECT_TRUE(limiter.Check("203.0.113.1", "C1").allowed);
  EXPECT_TRUE(limiter.Check("203.0.113.2", "C1").allowed);
  const RateDecision refused = limiter.Check("203.0.113.3", "C1");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.exceeded, "customer");
  EXPECT_TRUE(limiter.Check("203.0.113.3", "C2").allowed);
  EXPECT_TRUE(limiter.Check("203.0.113.3", "").allowed);  // no token: the address only
}

TEST_F(RateLimiterTest, ZeroTurnsALimitOff) {
  RateLimiter limiter({.per_address = 0, .per_customer = 0}, store_, clock_, registry_);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Check("203.0.113.7", "C1").allowed);
  EXPECT_EQ(store_.calls, 0);
  EXPECT_FALSE(limiter.enabled());
}

TEST_F(RateLimiterTest, AStoreThatIsDownLetsRequestsThroughAndIsCounted) {
  RateLimiter limiter({.per_address = 1, .per_customer = 1}, store_, clock_, registry_);
  store_.down = true;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Check("203.0.113.7", "C1").allowed);
  // After a failure the store is left alone for a moment: a dead database costs nothing per call.
  EXPECT_EQ(store_.calls, 1);
  bool counted = false;
  for (const auto& family : registry_.Collect()) {
    if (family.name == "tousu_gateway_rate_limit_store_errors_total") {
      counted = family.metric.at(0).counter.value >= 5;
    }
  }
  EXPECT_TRUE(counted);
}

TEST_F(RateLimiterTest, OldWindowsAreDeleted) {
  RateLimiter limiter({.per_address = 10, .per_customer = 0}, store_, clock_, registry_);
  limiter.Check("203.0.113.7", "");
  clock_.Advance(absl::Minutes(2));
  limiter.Check("203.0.113.7", "");
  ASSERT_EQ(store_.hits.size(), 2u);
  ASSERT_TRUE(limiter.DeleteOldWindows().ok());
  EXPECT_EQ(store_.hits.size(), 1u);
}

}  // namespace
}  // namespace tousu::gateway
