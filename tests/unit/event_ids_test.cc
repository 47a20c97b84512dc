#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "common/events/outbox.h"

namespace tousu::events {
namespace {

TEST(EventIds, AreVersion4UuidsAndDoNotRepeat) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewEventId();
    ASSERT_TRUE(std::regex_match(id, uuid)) << id;
    ASSERT_TRUE(seen.insert(id).second);
  }
}

TEST(EventIds, AComplaintAlwaysMapsToTheSamePartition) {
  EXPECT_EQ(PartitionOf("TS-202611-000123"), PartitionOf("TS-202611-000123"));
  std::set<int> used;
  for (int i = 0; i < 1000; ++i) {
    int p = PartitionOf("TS-202611-" + std::to_string(i));
    ASSERT_GE(p, 0);
    ASSERT_LT(p, kOutboxPartitions);
    used.insert(p);
  }
  EXPECT_EQ(used.size(), static_cast<size_t>(kOutboxPartitions));  // spreads over all of them
}

}  // namespace
}  // namespace tousu::events
