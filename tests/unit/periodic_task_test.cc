// The services' timer: passes only while ready, counts each pass by result, records the last
// success, and stops promptly.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>

#include "absl/time/clock.h"
#include "common/server/periodic.h"

namespace tousu::server {
namespace {

double Value(prometheus::Registry& registry, const std::string& family,
             const std::map<std::string, std::string>& labels) {
  for (const auto& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const auto& m : f.metric) {
      std::map<std::string, std::string> got;
      for (const auto& l : m.label) got[l.name] = l.value;
      bool match = true;
      for (const auto& [k, v] : labels) match = match && got[k] == v;
      if (match) return f.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
    }
  }
  return -1;  // no such series
}

bool Eventually(const std::function<bool()>& check) {
  const absl::Time until = absl::Now() + absl::Seconds(5);
  while (absl::Now() < until && !check()) absl::SleepFor(absl::Milliseconds(5));
  return check();
}

TEST(PeriodicTask, CountsSkippedFailedAndOkPassesAndRecordsTheLastSuccess) {
  prometheus::Registry registry;
  std::atomic<bool> ready{false}, fail{true};
  std::atomic<int> runs{0};
  PeriodicTask task(
      "escalation", absl::Milliseconds(5), registry, [&] { return ready.load(); },
      [&] {
        ++runs;
        return fail ? absl::UnavailableError("database down") : absl::OkStatus();
      });
  const std::string passes = "tousu_timer_passes_total";
  EXPECT_EQ(Value(registry, passes, {{"timer", "escalation"}, {"result", "ok"}}), 0);
  EXPECT_EQ(Value(registry, "tousu_timer_last_success_timestamp_seconds", {}), -1);
  task.Start();
  // Not serving: skipped, and the pass never runs.
  ASSERT_TRUE(Eventually([&] {
    return Value(registry, passes, {{"timer", "escalation"}, {"result", "skipped"}}) >= 2;
  }));
  EXPECT_EQ(runs.load(), 0);
  ready = true;
  ASSERT_TRUE(Eventually([&] {
    return Value(registry, passes, {{"timer", "escalation"}, {"result", "failed"}}) >= 1;
  }));
  EXPECT_EQ(Value(registry, "tousu_timer_last_success_timestamp_seconds", {}), -1);
  const absl::Time before = absl::Now();
  fail = false;
  ASSERT_TRUE(Eventually([&] {
    return Value(registry, passes, {{"timer", "escalation"}, {"result", "ok"}}) >= 1;
  }));
  EXPECT_GE(
      Value(registry, "tousu_timer_last_success_timestamp_seconds", {{"timer", "escalation"}}),
      absl::ToDoubleSeconds(before - absl::UnixEpoch()) - 1);
  const absl::Time stop_started = absl::Now();
  task.Stop();
  EXPECT_LT(absl::Now() - stop_started, absl::Seconds(1));
  const int after_stop = runs.load();
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_EQ(runs.load(), after_stop);
  task.Stop();  // again: harmless
}

TEST(PeriodicTask, AnEagerTaskPassesOnceReadyWithoutWaitingAnInterval) {
  prometheus::Registry registry;
  std::atomic<bool> ready{false};
  std::atomic<int> runs{0};
  PeriodicTask task(
      "directory_gauges", absl::Hours(1), registry, [&] { return ready.load(); },
      [&] {
        ++runs;
        return absl::OkStatus();
      },
      FirstPass::kOnceReady);
  task.Start();
  absl::SleepFor(absl::Milliseconds(700));
  EXPECT_EQ(runs.load(), 0);  // not ready: no pass
  ready = true;
  ASSERT_TRUE(Eventually([&] { return runs.load() == 1; }));
  // After its first success it keeps the hour's interval.
  absl::SleepFor(absl::Milliseconds(1200));
  EXPECT_EQ(runs.load(), 1);
  task.Stop();
}

TEST(PeriodicTask, AnOrdinaryTaskWaitsItsIntervalBeforeTheFirstPass) {
  prometheus::Registry registry;
  std::atomic<int> runs{0};
  PeriodicTask task(
      "escalation", absl::Hours(1), registry, [] { return true; },
      [&] {
        ++runs;
        return absl::OkStatus();
      });
  task.Start();
  absl::SleepFor(absl::Milliseconds(700));
  EXPECT_EQ(runs.load(), 0);
  task.Stop();
}

}  // namespace
}  // namespace tousu::server
