#pragma once
// gRPC mapping of the analytics service (policy §8) and its event handlers. It learns only from
// the other services' events (EventSink) and never reads their schemas. Rules live in domain/,
// SQL in repository/.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics/metrics.h"
#include "common/server/periodic.h"
#include "common/server/server.h"
#include "complaints/analytics/v1/analytics.grpc.pb.h"
#include "complaints/common/v1/events.pb.h"
#include "services/analytics/domain/rules.h"
#include "services/analytics/repository/facts.h"

namespace tousu::db {
// Generated from services/analytics/migrations by tousu_embed_migrations.
const std::vector<MigrationFile>& analytics_migrations();
}  // namespace tousu::db

namespace tousu::analytics {

namespace av1 = complaints::analytics::v1;

inline constexpr char kGrpcServiceName[] = "complaints.analytics.v1.AnalyticsService";

struct Settings {
  SpikePolicy spike;
  // The month-end job closes a month this long after it ends (Asia/Shanghai), leaving time for
  // the last day's events to arrive (MONTH_END_DELAY).
  absl::Duration month_end_delay = absl::Hours(1);
  // How often the job looks whether a month is due (MONTH_END_CHECK_INTERVAL).
  absl::Duration month_end_check_interval = absl::Minutes(1);
};

class AnalyticsService final : public av1::AnalyticsService::CallbackService {
 public:
  // `rt` must outlive the service.
  AnalyticsService(server::ServiceRuntime& rt, Settings settings);
  ~AnalyticsService() override;

  // Subscribes to the intake, routing, case-handling and follow-up events that move a fact.
  void RegisterEventHandlers();

  // The spike check of one month (what RunSpikeCheck runs): stores and announces new alerts.
  absl::Status CheckSpikes(int month, av1::RunSpikeCheckResponse* out);

  grpc::ServerUnaryReactor* GetMonthlySummary(grpc::CallbackServerContext*,
                                              const av1::GetMonthlySummaryRequest*,
                                              av1::GetMonthlySummaryResponse*) override;
  grpc::ServerUnaryReactor* GetTrend(grpc::CallbackServerContext*, const av1::GetTrendRequest*,
                                     av1::GetTrendResponse*) override;
  grpc::ServerUnaryReactor* ListAlerts(grpc::CallbackServerContext*, const av1::ListAlertsRequest*,
                                       av1::ListAlertsResponse*) override;
  grpc::ServerUnaryReactor* RunSpikeCheck(grpc::CallbackServerContext*,
                                          const av1::RunSpikeCheckRequest*,
                                          av1::RunSpikeCheckResponse*) override;
  grpc::ServerUnaryReactor* GenerateMonthlyReport(grpc::CallbackServerContext*,
                                                  const av1::GenerateMonthlyReportRequest*,
                                                  av1::GenerateMonthlyReportResponse*) override;
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext*, const av1::GetReportRequest*,
                                      av1::GetReportResponse*) override;
  grpc::ServerUnaryReactor* CheckRollups(grpc::CallbackServerContext*,
                                         const av1::CheckRollupsRequest*,
                                         av1::CheckRollupsResponse*) override;

  // The month-end job (policy §8: the monthly report and the month's spike check): once the
  // month before the current one has been over for month_end_delay and is not closed yet, runs
  // its spike check, generates and stores its report, and records it closed. Returns the month
  // closed (yyyymm), or nullopt when none was due.
  absl::StatusOr<std::optional<int>> CloseMonthIfDue();
  void StartTimers();
  void StopTimers();

  // Builds, stores (replacing) and returns the monthly report (what GenerateMonthlyReport runs).
  absl::Status GenerateReport(int year, int month, av1::MonthlyReport* out);

 private:
  template <typename Msg, typename Apply>
  void OnEvent(const char* type, Apply apply);
  void Skip(const complaints::common::v1::Event& event, const std::string& reason);
  absl::Time Now() const;
  absl::Status Summary(const av1::GetMonthlySummaryRequest& req, av1::MonthlySummary* out);

  server::ServiceRuntime& rt_;
  Settings settings_;
  metrics::CachedCounter spike_alerts_;
  metrics::CachedCounter skipped_;
  metrics::CachedCounter months_closed_;
  std::unique_ptr<server::PeriodicTask> month_end_timer_;
};

}  // namespace tousu::analytics
