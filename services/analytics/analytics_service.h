#pragma once
// The analytics service (policy §8): the gRPC mapping of its queries (analytics_service.cc), the
// projection of the other services' events into complaint facts (fact_events.cc) and the
// month-end job with the monthly report (month_end.cc). It learns from events (EventSink), and
// the department names also from the staff directory; it never reads other services' schemas.
// Rules live in domain/, SQL in repository/, the report's rendering in report/.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/client/department_sync.h"
#include "common/db/migrations.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/analytics/v1/analytics.grpc.pb.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/staff/v1/staff.pb.h"
#include "services/analytics/domain/rules.h"
#include "services/analytics/repository/facts.h"
#include "services/analytics/settings.h"

namespace tousu::db {
// Generated from services/analytics/migrations by tousu_embed_migrations.
const std::vector<MigrationFile>& analytics_migrations();
}  // namespace tousu::db

namespace tousu::analytics {

namespace av1 = complaints::analytics::v1;

inline constexpr char kGrpcServiceName[] = "complaints.analytics.v1.AnalyticsService";

class AnalyticsService final : public av1::AnalyticsService::CallbackService {
 public:
  // Registers with `rt` (before Start): the API, the event handlers (the intake, routing,
  // case-handling and follow-up events that move a fact, and the staff directory's departments),
  // the month-end job and, with a staff directory configured, the department-name sync. `rt` must
  // outlive the service.
  AnalyticsService(server::ServiceRuntime& rt, Settings settings);

  // The spike check of one month (what RunSpikeCheck runs): stores and announces new alerts.
  absl::Status CheckSpikes(int month, av1::RunSpikeCheckResponse* out);
  // Builds, stores (replacing) and returns the monthly report (what GenerateMonthlyReport runs).
  absl::Status GenerateReport(int year, int month, av1::MonthlyReport* out);
  // The month-end job (policy §8: the monthly report and the month's spike check): once the
  // month before the current one has been over for month_end_delay and is not closed yet, runs
  // its spike check, generates and stores its report, and records it closed. Returns the month
  // closed (yyyymm), or nullopt when none was due.
  absl::StatusOr<std::optional<int>> CloseMonthIfDue();
  // nullptr when no staff directory is configured (Settings::staff_assessment_addr).
  client::DepartmentNameSync* department_sync() { return department_sync_.get(); }

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

 private:
  // fact_events.cc
  void SubscribeToEvents();
  // Subscribes to `Message`: locks its complaint's fact, applies Project(message) and saves the
  // fact with its monthly counts in the delivery's transaction.
  template <typename Message>
  void ProjectIntoFacts();
  absl::Status OnDepartmentUpserted(db::Transaction& tx,
                                    const complaints::staff::v1::Department& department,
                                    const complaints::common::v1::Event& event);
  // The department-name sync's part: stores the listed departments' names by the events' rule;
  // returns how many were kept.
  static int KeepListedDepartments(db::Transaction& tx,
                                   const std::vector<complaints::staff::v1::Department>& listed);

  // The clock's time to the microsecond, as DATETIME(6) keeps it.
  absl::Time Now() const;
  absl::Status Summary(const av1::GetMonthlySummaryRequest& req, av1::MonthlySummary* out);

  server::ServiceRuntime& rt_;
  Settings settings_;
  metrics::CachedCounter spike_alerts_;
  metrics::CachedCounter months_closed_;
  std::unique_ptr<client::DepartmentNameSync> department_sync_;
};

}  // namespace tousu::analytics
