#include <gtest/gtest.h>

#include "common/metrics/metrics.h"

namespace tousu::metrics {
namespace {

double Sum(prometheus::Registry& registry, const std::string& name) {
  double total = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) total += m.counter.value + m.gauge.value;
  }
  return total;
}

TEST(CachedMetrics, TheSameLabelsReuseOneChild) {
  prometheus::Registry registry;
  CachedCounter c(registry, "tousu_test_things_total", "Things.", {"kind"});
  auto& a = c.With({"a"});
  EXPECT_EQ(&a, &c.With({"a"}));
  EXPECT_NE(&a, &c.With({"b"}));
  a.Increment();
  c.With({"a"}).Increment(2);
  c.With({"b"}).Increment();
  EXPECT_DOUBLE_EQ(Sum(registry, "tousu_test_things_total"), 4);
}

TEST(CachedMetrics, GaugesAreSetPerLabelSet) {
  prometheus::Registry registry;
  CachedGauge g(registry, "tousu_test_backlog", "Backlog.", {"subscriber"});
  g.With({"routing"}).Set(5);
  g.With({"analytics"}).Set(2);
  g.With({"routing"}).Set(1);
  EXPECT_DOUBLE_EQ(Sum(registry, "tousu_test_backlog"), 3);
}

}  // namespace
}  // namespace tousu::metrics
