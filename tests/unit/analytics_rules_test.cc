// Pure rules of the analytics service: months of receipt, SLA outcomes, rollup keys and their
// moves, percentiles and the spike rule (policy §8).

#include <gtest/gtest.h>

#include "complaints/common/v1/types.pb.h"
#include "services/analytics/domain/rules.h"

namespace tousu::analytics {
namespace {

namespace cv1 = complaints::common::v1;

absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::UTCTimeZone());
}

TEST(MonthOf, IsTheShanghaiMonthOfReceipt) {
  EXPECT_EQ(MonthOf(Utc(2026, 3, 31, 15, 59)), 202603);  // 23:59 in Shanghai
  EXPECT_EQ(MonthOf(Utc(2026, 3, 31, 16, 0)), 202604);   // 00:00 on 1 April in Shanghai
  EXPECT_EQ(MonthOf(Utc(2025, 12, 31, 17, 0)), 202601);
}

TEST(AddMonths, CrossesYears) {
  EXPECT_EQ(AddMonths(202601, -1), 202512);
  EXPECT_EQ(AddMonths(202601, -6), 202507);
  EXPECT_EQ(AddMonths(202512, 1), 202601);
  EXPECT_EQ(AddMonths(202603, 0), 202603);
  EXPECT_EQ(AddMonths(202603, -15), 202412);
}

TEST(Sla, AMissIsFinal) {
  EXPECT_EQ(CombineSla(Sla::kUnknown, true), Sla::kMet);
  EXPECT_EQ(CombineSla(Sla::kUnknown, false), Sla::kMissed);
  EXPECT_EQ(CombineSla(Sla::kMet, false), Sla::kMissed);
  EXPECT_EQ(CombineSla(Sla::kMissed, true), Sla::kMissed);
  EXPECT_EQ(CombineSla(Sla::kMet, true), Sla::kMet);
}

TEST(Names, FollowTheEnums) {
  EXPECT_EQ(CategoryName(cv1::CATEGORY_PRODUCT_QUALITY), "product_quality");
  EXPECT_EQ(CategoryName(0), "unspecified");
  EXPECT_EQ(StageName(cv1::JOURNEY_STAGE_PRE_SALE), "pre_sale");
  EXPECT_EQ(ChannelName(cv1::CHANNEL_WALK_IN), "walk_in");
  EXPECT_EQ(CategoryFromName("handover"), cv1::CATEGORY_HANDOVER);
  EXPECT_FALSE(CategoryFromName("nonsense").has_value());
}

TEST(Names, NoneIsSpeltOneWayAndUnknownNumbersAreNone) {
  EXPECT_EQ(CategoryName(99), kUnspecified);
  EXPECT_EQ(StageName(0), kUnspecified);
  EXPECT_EQ(ChannelName(-1), kUnspecified);
  EXPECT_EQ(KnownCategories(),
            (std::vector<int>{cv1::CATEGORY_PRODUCT_QUALITY, cv1::CATEGORY_SALES_SERVICE,
                              cv1::CATEGORY_HANDOVER, cv1::CATEGORY_PROPERTY_SERVICE}));
  EXPECT_EQ(StageName(KnownStages().back()), "property_service");
}

TEST(Rollup, NothingUntilTheMonthIsKnown) {
  Fact f;
  f.category = cv1::CATEGORY_HANDOVER;
  EXPECT_TRUE(RollupOf(f).empty());
}

TEST(Rollup, ClassifyingMovesTheComplaintBetweenValues) {
  Fact before;
  before.month = 202603;
  before.project = "翠湖天地";
  before.channel = cv1::CHANNEL_HOTLINE;
  Fact after = before;
  after.category = cv1::CATEGORY_PRODUCT_QUALITY;
  after.department_id = "engineering";
  after.ack_sla = Sla::kMet;
  const Rollup d = RollupDiff(RollupOf(before), RollupOf(after));
  EXPECT_EQ(d.at({"category", "unspecified"}), -1);
  EXPECT_EQ(d.at({"category", "product_quality"}), 1);
  EXPECT_EQ(d.at({"department", "unassigned"}), -1);
  EXPECT_EQ(d.at({"department", "engineering"}), 1);
  EXPECT_EQ(d.at({"project_category", "翠湖天地|unspecified"}), -1);
  EXPECT_EQ(d.at({"project_category", "翠湖天地|product_quality"}), 1);
  EXPECT_EQ(d.at({"sla_ack", "met"}), 1);
  EXPECT_EQ(d.count({"total", ""}), 0u);
  EXPECT_EQ(d.count({"channel", "hotline"}), 0u);
  EXPECT_TRUE(RollupDiff(RollupOf(after), RollupOf(after)).empty());
}

TEST(Rollup, SatisfactionCountsEveryRatedCycle) {
  Fact f;
  f.month = 202603;
  f.satisfaction = {{1, 2}, {2, 5}};
  f.reopen_count = 1;
  const Rollup r = RollupOf(f);
  EXPECT_EQ(r.at({"satisfaction", "2"}), 1);
  EXPECT_EQ(r.at({"satisfaction", "5"}), 1);
  EXPECT_EQ(r.at({"reopened", ""}), 1);
  EXPECT_EQ(RollupOf(f, false).count({"satisfaction", "2"}), 0u);
}

TEST(Scopes, AFactCountsInTheWholeMonthAndInEachOfItsOwnValues) {
  Fact f;
  f.month = 202603;
  f.project = "翠湖花园";
  f.category = 1;  // product quality
  const ScopedRollup before = ScopedRollupOf(f);
  EXPECT_EQ(before.size(), 3u);  // "", project, category; no department yet
  EXPECT_EQ(before.at("project:翠湖花园").at({"total", ""}), 1);
  EXPECT_EQ(before.at("category:product_quality").at({"department", "unassigned"}), 1);
  EXPECT_EQ(before.count("department:"), 0u);

  Fact routed = f;
  routed.department_id = "engineering";
  const ScopedRollup diff = ScopedRollupDiff(before, ScopedRollupOf(routed));
  // Every existing scope moves unassigned -> engineering; the new department scope gets it all.
  EXPECT_EQ(diff.at("").at({"department", "unassigned"}), -1);
  EXPECT_EQ(diff.at("").at({"department", "engineering"}), 1);
  EXPECT_EQ(diff.at("project:翠湖花园").size(), 2u);
  EXPECT_EQ(diff.at("department:engineering").at({"total", ""}), 1);
  EXPECT_TRUE(ScopedRollupDiff(before, before).empty());
  Fact unknown_month;
  EXPECT_TRUE(ScopedRollupOf(unknown_month).empty());
}

TEST(Durations, BucketsKeepThreeSignificantDigitsFromOneThousandSeconds) {
  EXPECT_EQ(DurationBucketSeconds(0), 0);
  EXPECT_EQ(DurationBucketSeconds(999), 999);
  EXPECT_EQ(DurationBucketSeconds(1000), 1000);
  EXPECT_EQ(DurationBucketSeconds(1234), 1230);
  EXPECT_EQ(DurationBucketSeconds(12345), 12300);
  EXPECT_EQ(DurationBucketSeconds(172799), 172000);
}

TEST(Durations, AFactRollsUpEachKnownHandlingTime) {
  Fact f;
  f.month = 202603;
  const absl::Time t0 = absl::FromUnixSeconds(1770000000);
  f.received_at = t0;
  f.acknowledged_at = t0 + absl::Minutes(20) + absl::Milliseconds(1500);
  f.resolved_at = t0 - absl::Seconds(1);  // before receipt: left out
  const Rollup r = RollupOf(f);
  EXPECT_EQ(r.at({"ack_seconds", "1200"}), 1);
  EXPECT_EQ(r.at({"ack_ms_sum", ""}), 1201500);
  EXPECT_EQ(r.count({"solution_seconds", "0"}), 0u);
  for (const auto& [key, n] : r) EXPECT_NE(key.first, "resolution_seconds");
}

TEST(Durations, NearestRankOverTheBuckets) {
  Rollup r;
  EXPECT_EQ(SummariseRollup(r, "ack").samples, 0);
  // 10 samples: 1..10 s, sum 55 s.
  for (int s = 1; s <= 10; ++s) r[{"ack_seconds", std::to_string(s)}] = 1;
  r[{"ack_ms_sum", ""}] = 55000;
  DurationStats st = SummariseRollup(r, "ack");
  EXPECT_EQ(st.samples, 10);
  EXPECT_DOUBLE_EQ(st.mean, 5.5);
  EXPECT_EQ(st.p50, 5);
  EXPECT_EQ(st.p90, 9);
  // An 11th at 11 s moves both ranks (ceil(5.5) = 6, ceil(9.9) = 10).
  r[{"ack_seconds", "11"}] = 1;
  st = SummariseRollup(r, "ack");
  EXPECT_EQ(st.p50, 6);
  EXPECT_EQ(st.p90, 10);
  // Buckets compare as numbers, not as text ("1230" > "999").
  Rollup wide{{{"solution_seconds", "999"}, 1}, {{"solution_seconds", "1230"}, 9}};
  EXPECT_EQ(SummariseRollup(wide, "solution").p50, 1230);
  EXPECT_EQ(SummariseRollup(wide, "solution").p90, 1230);
  EXPECT_EQ(SummariseRollup(wide, "ack").samples, 0);
}

TEST(Spike, ThePolicysExampleProductQualityRisingInOneProject) {
  // Product-quality complaints of one project: 3-5 a month, then 14.
  const SpikePolicy policy;
  const SpikeDecision d = CheckSpike(14, {3, 4, 5, 4, 3, 5}, policy);
  EXPECT_TRUE(d.spike);
  EXPECT_DOUBLE_EQ(d.mean, 4);
  EXPECT_NEAR(d.stddev, 0.8165, 1e-3);
  // The Poisson floor sqrt(4) = 2 is wider than the sample's 0.8165.
  EXPECT_NEAR(d.threshold, 4 + 2 * 2, 1e-9);
}

TEST(Spike, CountsVaryLikePoissonCountsAtLeast) {
  // One month of history at 25: its sample deviation is 0, its noise is still about 5.
  EXPECT_FALSE(CheckSpike(29, {25}, {}).spike);
  EXPECT_FALSE(CheckSpike(35, {25}, {}).spike);
  EXPECT_TRUE(CheckSpike(36, {25}, {}).spike);
}

TEST(Spike, NoHistoryNoSpike) {
  const SpikeDecision d = CheckSpike(500, {}, {});
  EXPECT_FALSE(d.spike);
  EXPECT_EQ(d.threshold, 0);
}

TEST(Spike, AFlatSeriesIsNoSpike) {
  EXPECT_FALSE(CheckSpike(12, {11, 12, 13, 12, 11, 13}, {}).spike);
  // Within K standard deviations of a noisy series.
  EXPECT_FALSE(CheckSpike(20, {10, 20, 5, 25, 10, 20}, {}).spike);
}

TEST(Spike, NeedsTheMinimumVolume) {
  EXPECT_FALSE(CheckSpike(9, {0, 0, 0, 0, 0, 1}, {}).spike);
  EXPECT_TRUE(CheckSpike(10, {0, 0, 0, 0, 0, 1}, {}).spike);
  SpikePolicy strict{.stddevs = 2.0, .min_count = 50, .trailing_months = 6};
  EXPECT_FALSE(CheckSpike(40, {0, 0, 0, 0, 0, 1}, strict).spike);
}

TEST(Spike, KIsConfigurable) {
  // mean 10, sd 1.633 < sqrt(10) = 3.162: thresholds 16.32 (k = 2) and 19.49 (k = 3).
  const std::vector<int64_t> trailing = {10, 12, 8, 10, 12, 8};
  EXPECT_TRUE(
      CheckSpike(17, trailing, {.stddevs = 2.0, .min_count = 10, .trailing_months = 6}).spike);
  EXPECT_FALSE(
      CheckSpike(17, trailing, {.stddevs = 3.0, .min_count = 10, .trailing_months = 6}).spike);
}

TEST(Spike, UnclassifiedComplaintsAndThoseOfNoProjectAreNoTrend) {
  EXPECT_TRUE(IsSpikeCandidate("category", "product_quality"));
  EXPECT_FALSE(IsSpikeCandidate("category", kUnspecified));
  EXPECT_TRUE(IsSpikeCandidate("project_category", "翠湖天地|handover"));
  EXPECT_FALSE(IsSpikeCandidate("project_category", "翠湖天地|unspecified"));
  EXPECT_FALSE(IsSpikeCandidate("project_category", "|handover"));
}

}  // namespace
}  // namespace tousu::analytics
