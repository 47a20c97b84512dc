// Complaint numbers handed out from reserved blocks (services/intake/domain/number_blocks.h).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>
#include <vector>

#include "services/intake/domain/number_blocks.h"

namespace tousu::intake {
namespace {

// The shared counter rows of the database, in memory; counts the reservations.
struct FakeCounters {
  std::mutex mu;
  std::map<std::string, int64_t> last;
  int reservations = 0;
  bool fail_next = false;
  NumberBlocks::Reserve AsReserve() {
    return [this](const std::string& month, int n) -> absl::StatusOr<int64_t> {
      std::lock_guard<std::mutex> lock(mu);
      if (fail_next) {
        fail_next = false;
        return absl::UnavailableError("database down");
      }
      ++reservations;
      return last[month] += n;
    };
  }
};

TEST(NumberBlocks, HandsOutConsecutiveValuesAndReservesOncePerBlock) {
  FakeCounters db;
  NumberBlocks blocks(5, db.AsReserve());
  for (int64_t want = 1; want <= 12; ++want) EXPECT_EQ(*blocks.Next("202611"), want);
  EXPECT_EQ(db.reservations, 3);  // 1-5, 6-10, 11-15
  EXPECT_EQ(db.last["202611"], 15);
}

TEST(NumberBlocks, TwoReplicasNeverShareAValue) {
  FakeCounters db;
  NumberBlocks a(4, db.AsReserve()), b(4, db.AsReserve());
  std::set<int64_t> seen;
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(seen.insert(*a.Next("202611")).second);
    EXPECT_TRUE(seen.insert(*b.Next("202611")).second);
  }
  // Taking turns, a got the blocks 1-4, 9-12 and 17-20 and handed out 1-4, 9-12, 17 and 18.
  EXPECT_EQ(*a.Next("202611"), 19);
  EXPECT_EQ(*b.Next("202611"), 23);  // b: 5-8, 13-16, 21-24
}

TEST(NumberBlocks, ANewMonthStartsFromItsOwnCounterAndDropsTheOldBlock) {
  FakeCounters db;
  NumberBlocks blocks(10, db.AsReserve());
  EXPECT_EQ(*blocks.Next("202611"), 1);
  EXPECT_EQ(*blocks.Next("202611"), 2);
  EXPECT_EQ(*blocks.Next("202612"), 1);
  EXPECT_EQ(db.last["202611"], 10);  // 3..10 of November are left unissued: a gap, never a repeat
  EXPECT_EQ(*blocks.Next("202612"), 2);
}

TEST(NumberBlocks, AFailedReservationIsReturnedAndTheNextCallTriesAgain) {
  FakeCounters db;
  NumberBlocks blocks(3, db.AsReserve());
  db.fail_next = true;
  auto first = blocks.Next("202611");
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(*blocks.Next("202611"), 1);
}

TEST(NumberBlocks, ConcurrentCallersGetDistinctValuesWithoutHoles) {
  FakeCounters db;
  NumberBlocks blocks(7, db.AsReserve());
  std::mutex mu;
  std::vector<int64_t> all;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        int64_t v = *blocks.Next("202611");
        std::lock_guard<std::mutex> lock(mu);
        all.push_back(v);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> distinct(all.begin(), all.end());
  ASSERT_EQ(distinct.size(), 4000u);
  EXPECT_EQ(*distinct.begin(), 1);
  EXPECT_EQ(*distinct.rbegin(), 4000);  // one replica alone leaves no gap
}

}  // namespace
}  // namespace tousu::intake
