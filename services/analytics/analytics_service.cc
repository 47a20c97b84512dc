#include "services/analytics/analytics_service.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "services/analytics/domain/request_checks.h"
#include "services/analytics/summary.h"

namespace tousu::analytics {

using server::RunUnary;

AnalyticsService::AnalyticsService(server::ServiceRuntime& rt, Settings settings)
    : rt_(rt),
      settings_(settings),
      spike_alerts_(rt.registry(), "tousu_analytics_spike_alerts_total",
                    "Spike alerts raised (once per month, dimension and value).", {"dimension"}),
      months_closed_(rt.registry(), "tousu_analytics_months_closed_total",
                     "Months closed by the month-end job (spike check run, report stored).", {}) {
  for (const char* d : {"category", "project_category"}) spike_alerts_.With({d});
  months_closed_.With({});
  rt.AddService(this);
  SubscribeToEvents();
  rt.ServeEventSink();
  rt.AddPeriodicTask("month_end", settings.month_end_check_interval,
                     [this] { return CloseMonthIfDue().status(); });
  if (!settings.staff_assessment_addr.empty()) {
    department_sync_ = std::make_unique<client::DepartmentNameSync>(
        rt,
        std::make_unique<client::StaffDirectory>(settings.staff_assessment_addr,
                                                 settings.staff_timeout),
        settings.department_sync_every, KeepListedDepartments);
  } else {
    log::Warn("no staff directory: the report names only departments announced by events",
              {{"setting", "STAFF_ASSESSMENT_ADDR"}});
  }
}

absl::Time AnalyticsService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(rt_.clock().Now()));
}

absl::Status AnalyticsService::Summary(const av1::GetMonthlySummaryRequest& req,
                                       av1::MonthlySummary* out) {
  if (auto s = CheckGetMonthlySummary(req); !s.ok()) return s;
  const int month = req.year() * 100 + req.month();
  const MonthFilter filter{
      .project = req.project(), .category = req.category(), .department_id = req.department_id()};
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    // No filter or one: the rollups of that scope. Two or more: the same rollup keys summed
    // over the matching facts (one indexed pass), since scopes are not kept per combination.
    Rollup tally;
    int64_t previous = 0;
    const int prev_month = AddMonths(month, -1);
    const std::optional<std::string> scope = filter.scope();
    if (!scope) {
      ScanMonth(tx, month, filter, [&](const Fact& f) {
        for (const auto& [k, n] : RollupOf(f, /*with_satisfaction=*/false)) tally[k] += n;
      });
      for (const auto& [score, n] : SatisfactionOf(tx, month, filter)) {
        tally[{"satisfaction", absl::StrCat(score)}] += n;
      }
      previous = CountMonth(tx, prev_month, filter);
    } else {
      tally = LoadMonthCounts(tx, month, *scope);
      auto series = LoadSeries(tx, "total", "", prev_month, prev_month, *scope);
      if (auto it = series.find(prev_month); it != series.end()) previous = it->second;
    }

    out->set_year(req.year());
    out->set_month(req.month());
    FillSummary(tally, previous, out);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AnalyticsService::GetMonthlySummary(
    grpc::CallbackServerContext* ctx, const av1::GetMonthlySummaryRequest* req,
    av1::GetMonthlySummaryResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    return Summary(*req, resp->mutable_summary());
  });
}

grpc::ServerUnaryReactor* AnalyticsService::GetTrend(grpc::CallbackServerContext* ctx,
                                                     const av1::GetTrendRequest* req,
                                                     av1::GetTrendResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    auto query = CheckGetTrend(*req);
    if (!query.ok()) return query.status();
    const TrendReader* metric = TrendReaderOf(req->metric());
    if (metric == nullptr) return absl::InternalError("trend metric without a reader");
    const bool counting = query->counting;
    const int start = query->start;
    const int end = query->end;
    const std::string& value = query->value;
    const std::string& scope = query->scope;
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      std::map<int, int64_t> series;
      if (counting) series = LoadSeries(tx, req->dimension(), value, start, end);
      for (int m = start; m <= end; m = AddMonths(m, 1)) {
        auto* p = resp->add_points();
        p->set_year(m / 100);
        p->set_month(m % 100);
        if (counting) {
          auto it = series.find(m);
          p->set_value(it == series.end() ? 0.0 : static_cast<double>(it->second));
          continue;
        }
        av1::MonthlySummary summary;
        FillSummary(LoadMonthCounts(tx, m, scope), 0, &summary);
        p->set_value((*metric)(summary));
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AnalyticsService::ListAlerts(grpc::CallbackServerContext* ctx,
                                                       const av1::ListAlertsRequest* req,
                                                       av1::ListAlertsResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckListAlerts(*req); !s.ok()) return s;
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      for (const auto& a : LoadAlerts(tx, req->year() * 100 + req->month())) {
        ToProto(a, resp->add_alerts());
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AnalyticsService::RunSpikeCheck(grpc::CallbackServerContext* ctx,
                                                          const av1::RunSpikeCheckRequest* req,
                                                          av1::RunSpikeCheckResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckRunSpikeCheck(*req); !s.ok()) return s;
    return CheckSpikes(req->year() * 100 + req->month(), resp);
  });
}

grpc::ServerUnaryReactor* AnalyticsService::CheckRollups(grpc::CallbackServerContext* ctx,
                                                         const av1::CheckRollupsRequest* req,
                                                         av1::CheckRollupsResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckCheckRollups(*req); !s.ok()) return s;
    const int month = req->year() * 100 + req->month();
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      int64_t facts = 0;
      const ScopedRollup recomputed = RecomputeMonth(tx, month, &facts);
      const ScopedRollup stored = LoadAllMonthCounts(tx, month);
      resp->set_facts(facts);
      for (const auto& [scope, diff] : ScopedRollupDiff(stored, recomputed)) {
        const auto in_scope = stored.find(scope);
        for (const auto& [key, delta] : diff) {
          auto* d = resp->add_differences();
          d->set_scope(scope);
          d->set_dimension(key.first);
          d->set_value(key.second);
          if (in_scope != stored.end()) {
            auto it = in_scope->second.find(key);
            if (it != in_scope->second.end()) d->set_stored(it->second);
          }
          d->set_from_facts(d->stored() + delta);
        }
      }
      if (req->repair() && resp->differences_size() > 0) {
        ReplaceMonthCounts(tx, month, recomputed);
        log::Warn("rollups repaired from facts",
                  {{"month", absl::StrCat(month)},
                   {"differences", absl::StrCat(resp->differences_size())}});
      }
      resp->set_repaired(req->repair() || resp->differences_size() == 0);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AnalyticsService::GenerateMonthlyReport(
    grpc::CallbackServerContext* ctx, const av1::GenerateMonthlyReportRequest* req,
    av1::GenerateMonthlyReportResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckGenerateMonthlyReport(*req); !s.ok()) return s;
    return GenerateReport(req->year(), req->month(), resp->mutable_report());
  });
}

grpc::ServerUnaryReactor* AnalyticsService::GetReport(grpc::CallbackServerContext* ctx,
                                                      const av1::GetReportRequest* req,
                                                      av1::GetReportResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = CheckGetReport(*req); !s.ok()) return s;
    const int ym = req->year() * 100 + req->month();
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      ReportRow row;
      if (!LoadReport(tx, ym, &row)) {
        return absl::NotFoundError(absl::StrFormat("no report of %04d-%02d: generate it first",
                                                   req->year(), req->month()));
      }
      ToProto(row, resp->mutable_report());
      return absl::OkStatus();
    });
  });
}

}  // namespace tousu::analytics
