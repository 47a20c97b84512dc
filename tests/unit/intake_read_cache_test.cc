// GetComplaint's read cache (services/intake/read_cache.h).
#include <gtest/gtest.h>

#include <chrono>

#include "services/intake/read_cache.h"

namespace tousu::intake {
namespace {

using Record = ComplaintReadCache::Record;
constexpr auto kLong = std::chrono::hours(1);

Record WithStatus(const std::string& number, int status) {
  auto c = std::make_shared<::complaints::intake::v1::Complaint>();
  c->set_number(number);
  c->set_status(static_cast<::complaints::intake::v1::ComplaintStatus>(status));
  return c;
}

void Read(ComplaintReadCache& cache, const std::string& number, int status) {
  const uint64_t ticket = cache.BeginRead(number);
  cache.Insert(number, WithStatus(number, status), ticket);
}

TEST(ComplaintReadCache, AnswersWhatWasReadUntilAWriteInvalidatesIt) {
  ComplaintReadCache cache(100, kLong);
  EXPECT_EQ(cache.Find("TS-202611-000001"), nullptr);
  Read(cache, "TS-202611-000001", 1);
  ASSERT_NE(cache.Find("TS-202611-000001"), nullptr);
  EXPECT_EQ(cache.Find("TS-202611-000001")->status(), 1);
  cache.Invalidate("TS-202611-000001");
  EXPECT_EQ(cache.Find("TS-202611-000001"), nullptr);
}

TEST(ComplaintReadCache, AReadThatRacedWithAWriteIsNotKept) {
  ComplaintReadCache cache(100, kLong);
  const uint64_t ticket = cache.BeginRead("TS-202611-000001");
  // ... the database answers the old record, then a write commits and invalidates ...
  cache.Invalidate("TS-202611-000001");
  cache.Insert("TS-202611-000001", WithStatus("TS-202611-000001", 1), ticket);
  EXPECT_EQ(cache.Find("TS-202611-000001"), nullptr);
  Read(cache, "TS-202611-000001", 2);  // a read begun after the write is kept
  ASSERT_NE(cache.Find("TS-202611-000001"), nullptr);
  EXPECT_EQ(cache.Find("TS-202611-000001")->status(), 2);
}

TEST(ComplaintReadCache, AnExpiredRecordIsReadAgain) {
  ComplaintReadCache cache(100, std::chrono::seconds(0));
  Read(cache, "TS-202611-000001", 1);
  EXPECT_EQ(cache.Find("TS-202611-000001"), nullptr);
  EXPECT_EQ(cache.size(), 0u);  // and the expired entry is gone
}

TEST(ComplaintReadCache, KeepsAtMostItsCapacityDroppingTheLeastRecentlyUsed) {
  ComplaintReadCache cache(16, kLong);  // one entry per stripe
  for (int i = 1; i <= 200; ++i) Read(cache, "TS-202611-" + std::to_string(100000 + i), 1);
  EXPECT_LE(cache.size(), 16u);
  EXPECT_NE(cache.Find("TS-202611-100200"), nullptr);  // the latest survives
}

TEST(ComplaintReadCache, ZeroCapacityTurnsItOff) {
  ComplaintReadCache cache(0, kLong);
  EXPECT_FALSE(cache.enabled());
  Read(cache, "TS-202611-000001", 1);
  EXPECT_EQ(cache.Find("TS-202611-000001"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace tousu::intake
