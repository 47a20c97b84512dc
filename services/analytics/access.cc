#include "services/analytics/access.h"

namespace tousu::analytics {

using namespace auth::role;

auth::AccessTable AnalyticsAccessTable() {
  constexpr char kAnalyticsService[] = "complaints.analytics.v1.AnalyticsService";
  auth::AccessTable t;
  t.Allow(kAnalyticsService, "GetMonthlySummary", {kAnalyst, kManager, kSupervisor});
  t.Allow(kAnalyticsService, "GetTrend", {kAnalyst, kManager, kSupervisor});
  t.Allow(kAnalyticsService, "ListAlerts", {kAnalyst, kManager, kSupervisor});
  t.Allow(kAnalyticsService, "RunSpikeCheck", {kAnalyst, kManager});
  t.Allow(kAnalyticsService, "GenerateMonthlyReport", {kAnalyst, kManager});
  t.Allow(kAnalyticsService, "GetReport", {kAnalyst, kManager, kSupervisor});
  t.Allow(kAnalyticsService, "CheckRollups", {kAnalyst, kManager});
  return t;
}

}  // namespace tousu::analytics
