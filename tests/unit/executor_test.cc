#include "common/server/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace tousu::server {
namespace {

TEST(BoundedExecutor, RunsEverySubmittedTask) {
  BoundedExecutor ex(2, 100);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(ex.TrySubmit([&] { ++ran; }));
  ex.Shutdown();
  EXPECT_EQ(ran.load(), 50);
}

TEST(BoundedExecutor, RefusesWorkBeyondItsQueueInsteadOfPilingItUp) {
  BoundedExecutor ex(1, 2);
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(ex.TrySubmit([&, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the only thread is busy
  EXPECT_TRUE(ex.TrySubmit([] {}));
  EXPECT_TRUE(ex.TrySubmit([] {}));
  EXPECT_FALSE(ex.TrySubmit([] {}));  // queue of 2 is full
  EXPECT_EQ(ex.queued(), 2u);
  release.set_value();
  ex.Shutdown();
  EXPECT_EQ(ex.queued(), 0u);
}

TEST(BoundedExecutor, RefusesWorkAfterShutdown) {
  BoundedExecutor ex(1, 10);
  ex.Shutdown();
  EXPECT_FALSE(ex.TrySubmit([] {}));
  ex.Shutdown();  // idempotent
}

}  // namespace
}  // namespace tousu::server
