// The load generator's pure parts: exact percentiles, the open-loop schedule, mixes.

#include <gtest/gtest.h>

#include <map>

#include "tools/loadgen/mix.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/schedule.h"
#include "tools/loadgen/stats.h"

namespace tousu::loadgen {
namespace {

std::vector<int64_t> Millis(std::initializer_list<int64_t> ms) {
  std::vector<int64_t> out;
  for (int64_t m : ms) out.push_back(m * 1000000);
  return out;
}

TEST(LoadgenPercentiles, AreTheNearestRankOfEveryRecordedLatency) {
  std::vector<int64_t> v;
  for (int i = 100; i >= 1; --i) v.push_back(int64_t{i} * 1000000);  // 1..100 ms, unsorted
  LatencySummary s = Summarize(v);
  EXPECT_EQ(s.count, 100);
  EXPECT_DOUBLE_EQ(s.p50_ms, 50);
  EXPECT_DOUBLE_EQ(s.p90_ms, 90);
  EXPECT_DOUBLE_EQ(s.p99_ms, 99);
  EXPECT_DOUBLE_EQ(s.p999_ms, 100);
  EXPECT_DOUBLE_EQ(s.max_ms, 100);
  EXPECT_DOUBLE_EQ(s.mean_ms, 50.5);
}

TEST(LoadgenPercentiles, OfOneOutlierInAThousandShowItOnlyFromP999) {
  std::vector<int64_t> v(999, 2000000);
  v.push_back(500000000);  // one stall of 500 ms
  LatencySummary s = Summarize(v);
  EXPECT_DOUBLE_EQ(s.p99_ms, 2);
  EXPECT_DOUBLE_EQ(s.p999_ms, 2);
  EXPECT_DOUBLE_EQ(s.max_ms, 500);
  std::vector<int64_t> w(998, 2000000);
  w.push_back(500000000);
  w.push_back(500000000);
  EXPECT_DOUBLE_EQ(Summarize(w).p999_ms, 500);
}

TEST(LoadgenPercentiles, OfNothingAreZeroAndOfOneValueAreThatValue) {
  std::vector<int64_t> none;
  EXPECT_EQ(Summarize(none).count, 0);
  EXPECT_DOUBLE_EQ(Summarize(none).p99_ms, 0);
  auto one = Millis({7});
  LatencySummary s = Summarize(one);
  EXPECT_DOUBLE_EQ(s.p50_ms, 7);
  EXPECT_DOUBLE_EQ(s.max_ms, 7);
  EXPECT_DOUBLE_EQ(PercentileMs(one, 0), 7);
}

TEST(LoadgenStats, MergeAddsCallsErrorsAndLatencies) {
  CallStats a, b;
  a.calls = 2;
  a.ok_ns = Millis({1});
  a.errors["RESOURCE_EXHAUSTED"] = 1;
  b.calls = 3;
  b.ok_ns = Millis({2, 3});
  b.errors["RESOURCE_EXHAUSTED"] = 1;
  b.errors["DEADLINE_EXCEEDED"] = 1;
  a.Merge(b);
  EXPECT_EQ(a.calls, 5);
  EXPECT_EQ(a.ok_ns.size(), 3u);
  EXPECT_EQ(a.errors["RESOURCE_EXHAUSTED"], 2);
  EXPECT_EQ(a.errors["DEADLINE_EXCEEDED"], 1);
  EXPECT_EQ(StatusCodeName(8), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(StatusCodeName(99), "CODE_99");
}

TEST(LoadgenOpenLoop, SendsCallIAtStartPlusIOverRateWhateverHappenedBefore) {
  const auto start = OpenLoopSchedule::Clock::time_point() + std::chrono::seconds(100);
  OpenLoopSchedule schedule(start, 400);  // one call every 2.5 ms
  EXPECT_EQ(schedule.IntendedTime(0), start);
  EXPECT_EQ(schedule.IntendedTime(4), start + std::chrono::milliseconds(10));
  // No drift after many calls: call 400 000 is due exactly 1000 s later.
  EXPECT_EQ(schedule.IntendedTime(400000), start + std::chrono::seconds(1000));
}

TEST(LoadgenOpenLoop, CountsTheCallsDueByAnInstant) {
  const auto start = OpenLoopSchedule::Clock::time_point() + std::chrono::seconds(100);
  OpenLoopSchedule schedule(start, 100);  // every 10 ms
  EXPECT_EQ(schedule.DueBy(start - std::chrono::milliseconds(1)), 0);
  EXPECT_EQ(schedule.DueBy(start), 1);
  EXPECT_EQ(schedule.DueBy(start + std::chrono::milliseconds(9)), 1);
  EXPECT_EQ(schedule.DueBy(start + std::chrono::milliseconds(10)), 2);
  // After a 1 s stall, 100 more calls are due at once: the schedule does not wait for answers.
  EXPECT_EQ(schedule.DueBy(start + std::chrono::milliseconds(1005)), 101);
}

TEST(LoadgenMix, ParsesNamesAndWeightsAndSpreadsEachKindOverTheCycle) {
  auto mix = Mix::Parse("submit=2, get=1 ,list=1");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_EQ(mix->ToString(), "submit=2,get=1,list=1");
  std::map<CallKind, int> counts;
  for (int i = 0; i < 400; ++i) ++counts[mix->Pick(i)];
  EXPECT_EQ(counts[CallKind::kSubmit], 200);
  EXPECT_EQ(counts[CallKind::kGet], 100);
  EXPECT_EQ(counts[CallKind::kList], 100);
  // Spread, not in runs: the 2:1:1 cycle is submit, get, list, submit.
  EXPECT_EQ(mix->Pick(0), CallKind::kSubmit);
  EXPECT_EQ(mix->Pick(1), CallKind::kGet);
  EXPECT_EQ(mix->Pick(2), CallKind::kList);
  EXPECT_EQ(mix->Pick(3), CallKind::kSubmit);
}

TEST(LoadgenMix, ANameAloneWeighsOne) {
  auto mix = Mix::Parse("routed");
  ASSERT_TRUE(mix.ok());
  EXPECT_EQ(mix->Pick(0), CallKind::kRouted);
  EXPECT_EQ(mix->Pick(12345), CallKind::kRouted);
  EXPECT_TRUE(mix->Contains(CallKind::kRouted));
  EXPECT_FALSE(mix->Contains(CallKind::kGet));
}

TEST(LoadgenMix, RefusesUnknownNamesBadWeightsRepeatsAndEmptyEntries) {
  for (const char* bad :
       {"", "submit,", "fetch", "submit=0", "submit=x", "submit=1001", "get,get", "submit=-1"}) {
    auto mix = Mix::Parse(bad);
    EXPECT_FALSE(mix.ok()) << bad;
    if (!mix.ok()) {
      EXPECT_EQ(mix.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    }
  }
}

TEST(LoadgenJson, EscapesStringsAndWritesCountsAndSummaries) {
  EXPECT_EQ(JsonString("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
  EXPECT_EQ(ToJson(std::map<std::string, int64_t>{{"ABORTED", 2}, {"UNAVAILABLE", 1}}),
            "{\"ABORTED\":2,\"UNAVAILABLE\":1}");
  LatencySummary s;
  s.count = 1;
  s.p99_ms = 1.5;
  EXPECT_NE(ToJson(s).find("\"p99_ms\":1.500"), std::string::npos);
}

TEST(LoadgenResults, GiveEachStreamItsRateOverTheMeasuredSecondsAndEchoTheRun) {
  CallStats submit;
  submit.calls = 3;
  submit.ok_ns = Millis({4, 2});
  submit.errors["RESOURCE_EXHAUSTED"] = 1;
  submit.refused_ns = Millis({1});
  const RunDescription run{.label = "l",
                           .run_id = "lg-1",
                           .target = "127.0.0.1:7101",
                           .mix = "submit=1",
                           .open_loop = true,
                           .concurrency = 64,
                           .rate = 400,
                           .duration_s = 2,
                           .deadline_s = 5};
  const std::map<std::string, CallStats> streams{{"submit", submit}};

  const std::string json = FormatResults(run, streams, /*json=*/true);
  EXPECT_EQ(json.rfind("{\"label\":\"l\",\"run_id\":\"lg-1\",\"target\":\"127.0.0.1:7101\","
                       "\"mix\":\"submit=1\",\"mode\":\"open\",\"concurrency\":0,"
                       "\"offered_rate\":400.0,\"duration_s\":2.000,\"deadline_s\":5.000,",
                       0),
            0u);
  EXPECT_NE(json.find("\"submit\":{\"calls\":3,\"ok\":2,\"rate\":1.0,"), std::string::npos);
  EXPECT_NE(json.find("\"errors\":{\"RESOURCE_EXHAUSTED\":1}"), std::string::npos);
  EXPECT_EQ(json.back(), '\n');

  const std::string text = FormatResults(run, streams, /*json=*/false);
  EXPECT_EQ(text.rfind("submit          calls       3  ok/s      1.0  p50    2.00", 0), 0u);
  EXPECT_NE(text.find("RESOURCE_EXHAUSTED=1  (refused p99 1.00 ms)\n"), std::string::npos);
}

}  // namespace
}  // namespace tousu::loadgen
