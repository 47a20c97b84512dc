#include "services/analytics/analytics_service.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "common/time/proto_time.h"
#include "common/validation/text.h"
#include "complaints/analytics/v1/events.pb.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/analytics/domain/request_checks.h"
#include "services/analytics/report/report.h"

namespace tousu::analytics {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
using server::RunUnary;

namespace {

// A timestamp an event carries, when it carries a usable one.
std::optional<absl::Time> UsableTime(const google::protobuf::Timestamp& ts) {
  if ((ts.seconds() == 0 && ts.nanos() == 0) || !time::IsValidTimestamp(ts)) return std::nullopt;
  const absl::Time t = time::FromProto(ts);
  if (!time::IsStorable(t)) return std::nullopt;
  return absl::FromUnixMicros(absl::ToUnixMicros(t));  // what DATETIME(6) keeps
}

void Earliest(std::optional<absl::Time>& slot, std::optional<absl::Time> t) {
  if (t && (!slot || *t < *slot)) slot = t;
}
void Latest(std::optional<absl::Time>& slot, std::optional<absl::Time> t) {
  if (t && (!slot || *t > *slot)) slot = t;
}
void SetCategory(Fact& f, int category) {
  if (category != 0 && cv1::Category_IsValid(category)) f.category = category;
}
void SetDepartment(Fact& f, const std::string& department) {
  if (!department.empty() && department.size() <= kMaxDepartmentBytes) f.department_id = department;
}
void SetSatisfaction(Fact& f, int cycle, int score) {
  if (cycle >= 1 && score >= 1 && score <= 5) f.satisfaction[cycle] = score;
}

void FillDurations(const DurationStats& s, av1::Durations* out) {
  out->set_samples(s.samples);
  out->set_mean_seconds(s.mean);
  out->set_p50_seconds(s.p50);
  out->set_p90_seconds(s.p90);
}

void FillSla(const Rollup& tally, const std::string& dimension, av1::SlaCompliance* out) {
  auto get = [&](const char* v) {
    auto it = tally.find({dimension, v});
    return it == tally.end() ? int64_t{0} : it->second;
  };
  out->set_met(get("met"));
  out->set_missed(get("missed"));
  const int64_t known = out->met() + out->missed();
  out->set_rate(known == 0 ? 0.0 : static_cast<double>(out->met()) / static_cast<double>(known));
}

// The monthly series GetTrend offers besides "count", each read off a month's summary.
const std::map<std::string, std::function<double(const av1::MonthlySummary&)>> kTrendMetrics = {
    {"count", [](const av1::MonthlySummary& s) { return static_cast<double>(s.total()); }},
    {"reopen_rate", [](const av1::MonthlySummary& s) { return s.reopen_rate(); }},
    {"satisfaction_mean", [](const av1::MonthlySummary& s) { return s.satisfaction_mean(); }},
    {"acknowledgement_sla_rate",
     [](const av1::MonthlySummary& s) { return s.acknowledgement_sla().rate(); }},
    {"solution_sla_rate", [](const av1::MonthlySummary& s) { return s.solution_sla().rate(); }},
    {"callback_sla_rate", [](const av1::MonthlySummary& s) { return s.callback_sla().rate(); }},
    {"acknowledgement_time_mean",
     [](const av1::MonthlySummary& s) { return s.acknowledgement_time().mean_seconds(); }},
    {"acknowledgement_time_p90",
     [](const av1::MonthlySummary& s) { return s.acknowledgement_time().p90_seconds(); }},
    {"solution_time_mean",
     [](const av1::MonthlySummary& s) { return s.solution_time().mean_seconds(); }},
    {"solution_time_p90",
     [](const av1::MonthlySummary& s) { return s.solution_time().p90_seconds(); }},
    {"resolution_time_mean",
     [](const av1::MonthlySummary& s) { return s.resolution_time().mean_seconds(); }},
    {"resolution_time_p90",
     [](const av1::MonthlySummary& s) { return s.resolution_time().p90_seconds(); }},
};

// Every figure of a summary but its year and month, from one scope's rollup of the month and
// the previous month's total.
void FillSummary(const Rollup& tally, int64_t previous, av1::MonthlySummary* out) {
  auto get = [&](const std::string& d, const std::string& v) {
    auto it = tally.find({d, v});
    return it == tally.end() ? int64_t{0} : it->second;
  };
  const int64_t total = get("total", "");
  out->set_total(total);
  for (const auto& [key, n] : tally) {
    if (n <= 0) continue;
    av1::Count* c = nullptr;
    if (key.first == "category") c = out->add_by_category();
    if (key.first == "stage") c = out->add_by_stage();
    if (key.first == "channel") c = out->add_by_channel();
    if (key.first == "project") c = out->add_by_project();
    if (key.first == "department") c = out->add_by_department();
    if (c == nullptr) continue;
    c->set_value(key.second);
    c->set_count(n);
  }
  FillDurations(SummariseRollup(tally, "ack"), out->mutable_acknowledgement_time());
  FillDurations(SummariseRollup(tally, "solution"), out->mutable_solution_time());
  FillDurations(SummariseRollup(tally, "resolution"), out->mutable_resolution_time());
  int64_t responses = 0, score_sum = 0;
  for (int score = 1; score <= 5; ++score) {
    const int64_t n = get("satisfaction", absl::StrCat(score));
    out->add_satisfaction_distribution(n);
    responses += n;
    score_sum += n * score;
  }
  out->set_satisfaction_responses(responses);
  out->set_satisfaction_mean(
      responses == 0 ? 0.0 : static_cast<double>(score_sum) / static_cast<double>(responses));
  FillSla(tally, "sla_ack", out->mutable_acknowledgement_sla());
  FillSla(tally, "sla_solution", out->mutable_solution_sla());
  FillSla(tally, "sla_callback", out->mutable_callback_sla());
  const int64_t reopened = get("reopened", "");
  out->set_reopened(reopened);
  out->set_reopen_rate(total == 0 ? 0.0
                                  : static_cast<double>(reopened) / static_cast<double>(total));
  out->set_previous_month_total(previous);
  out->set_total_change(total - previous);
  out->set_total_change_percent(previous == 0 ? 0.0
                                              : 100.0 * static_cast<double>(total - previous) /
                                                    static_cast<double>(previous));
}


void ToProto(const AlertRow& a, av1::SpikeAlert* out) {
  out->set_year(a.month / 100);
  out->set_month(a.month % 100);
  out->set_dimension(a.dimension);
  out->set_value(a.value);
  if (a.dimension == "project_category") {
    const size_t bar = a.value.rfind('|');
    out->set_project(a.value.substr(0, bar));
    out->set_category(bar == std::string::npos ? "" : a.value.substr(bar + 1));
  } else {
    out->set_category(a.value);
  }
  out->set_count(a.count);
  out->set_trailing_mean(a.mean);
  out->set_trailing_stddev(a.stddev);
  out->set_threshold(a.threshold);
  time::ToProto(a.detected_at, out->mutable_detected_at());
}

}  // namespace

AnalyticsService::AnalyticsService(server::ServiceRuntime& rt, Settings settings)
    : rt_(rt),
      settings_(settings),
      spike_alerts_(rt.registry(), "tousu_analytics_spike_alerts_total",
                    "Spike alerts raised (once per month, dimension and value).", {"dimension"}),
      skipped_(rt.registry(), "tousu_analytics_events_skipped_total",
               "Events acknowledged without effect because they were malformed.",
               {"event_type", "reason"}),
      months_closed_(rt.registry(), "tousu_analytics_months_closed_total",
                     "Months closed by the month-end job (spike check run, report stored).", {}) {
  for (const char* d : {"category", "project_category"}) spike_alerts_.With({d});
  months_closed_.With({});
}

AnalyticsService::~AnalyticsService() { StopTimers(); }

void AnalyticsService::StartTimers() {
  month_end_timer_ = std::make_unique<server::PeriodicTask>(
      "month_end", settings_.month_end_check_interval, rt_.registry(),
      [this] { return rt_.serving(); },
      [this] { return CloseMonthIfDue().status(); });
  month_end_timer_->Start();
}

void AnalyticsService::StopTimers() {
  if (month_end_timer_) month_end_timer_->Stop();
}

absl::StatusOr<std::optional<int>> AnalyticsService::CloseMonthIfDue() {
  const int due = AddMonths(MonthOf(Now() - settings_.month_end_delay), -1);
  bool closed = false;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    closed = MonthClosed(tx, due);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (closed) return std::optional<int>();
  av1::RunSpikeCheckResponse spikes;
  if (s = CheckSpikes(due, &spikes); !s.ok()) return s;
  av1::MonthlyReport report;
  if (s = GenerateReport(due / 100, due % 100, &report); !s.ok()) return s;
  s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    RecordMonthClosed(tx, due, spikes.alerts_size(), Now());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  months_closed_.With({}).Increment();
  log::Info("month closed", {{"month", absl::StrCat(due)},
                             {"spike_alerts", absl::StrCat(spikes.alerts_size())},
                             {"report_bytes", absl::StrCat(report.html().size())}});
  return std::optional<int>(due);
}

absl::Time AnalyticsService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(rt_.clock().Now()));
}

void AnalyticsService::Skip(const cv1::Event& event, const std::string& reason) {
  log::Warn("event skipped", {{"event_type", event.event_type()}, {"reason", reason}});
  skipped_.With({event.event_type(), reason}).Increment();
}

// Unpacks, locks the complaint's fact, applies `apply(msg, fallback time, fact)` and saves the
// fact with its monthly counts in the delivery's transaction.
template <typename Msg, typename Apply>
void AnalyticsService::OnEvent(const char* type, Apply apply) {
  rt_.event_sink().On(type,
                      [this, apply](db::Transaction& tx, const cv1::Event& event) -> absl::Status {
                        Msg msg;
                        if (!event.payload().UnpackTo(&msg)) {
                          Skip(event, "payload");
                          return absl::OkStatus();
                        }
                        if (!validation::CheckComplaintNumber("number", msg.number()).ok()) {
                          Skip(event, "number");
                          return absl::OkStatus();
                        }
                        const absl::Time fallback = UsableTime(event.occurred_at()).value_or(Now());
                        const Fact before = LockFact(tx, msg.number());
                        Fact after = before;
                        apply(msg, fallback, after);
                        SaveFact(tx, before, after, Now());
                        return absl::OkStatus();
                      });
}

void AnalyticsService::RegisterEventHandlers() {
  using T = absl::Time;
  auto at = [](const google::protobuf::Timestamp& ts, T fallback) {
    return std::optional<T>(UsableTime(ts).value_or(fallback));
  };
  OnEvent<iv1::ComplaintReceived>("ComplaintReceived", [at](const auto& m, T fb, Fact& f) {
    f.received_at = at(m.received_at(), fb);
    f.month = MonthOf(*f.received_at);
    if (cv1::Channel_IsValid(m.channel())) f.channel = m.channel();
    if (cv1::JourneyStage_IsValid(m.journey_stage())) f.stage = m.journey_stage();
    if (m.severity() != 0 && cv1::Severity_IsValid(m.severity())) f.severity = m.severity();
    if (m.project().size() <= kMaxProjectBytes && validation::Utf8Length(m.project()))
      f.project = m.project();
    if (f.category == 0) SetCategory(f, m.staff_category());
  });
  OnEvent<rv1::ComplaintRouted>("ComplaintRouted", [at](const auto& m, T fb, Fact& f) {
    SetCategory(f, m.category());
    SetDepartment(f, m.department_id());
    Earliest(f.routed_at, at(m.routed_at(), fb));
  });
  OnEvent<rv1::ComplaintSentToSupervisor>("ComplaintSentToSupervisor",
                                          [at](const auto& m, T fb, Fact& f) {
                                            SetCategory(f, m.category());
                                            Earliest(f.routed_at, at(m.at(), fb));
                                          });
  OnEvent<rv1::ComplaintAssignedBySupervisor>("ComplaintAssignedBySupervisor",
                                              [at](const auto& m, T fb, Fact& f) {
                                                SetDepartment(f, m.lead_department_id());
                                                Earliest(f.routed_at, at(m.at(), fb));
                                              });
  OnEvent<rv1::ComplaintAcknowledged>("ComplaintAcknowledged", [at](const auto& m, T fb, Fact& f) {
    SetCategory(f, m.category());
    SetDepartment(f, m.department_id());
    if (m.severity() != 0 && cv1::Severity_IsValid(m.severity())) f.severity = m.severity();
    Earliest(f.acknowledged_at, at(m.acknowledged_at(), fb));
    f.ack_sla = CombineSla(f.ack_sla, m.on_time());
  });
  OnEvent<rv1::AcknowledgementOverdue>("AcknowledgementOverdue", [](const auto&, T, Fact& f) {
    f.ack_sla = CombineSla(f.ack_sla, false);
  });
  OnEvent<chv1::CaseOpened>("CaseOpened", [](const auto& m, T, Fact& f) {
    SetCategory(f, m.category());
    SetDepartment(f, m.department_id());
  });
  OnEvent<chv1::SolutionProposed>("SolutionProposed", [at](const auto& m, T fb, Fact& f) {
    Earliest(f.first_solution_at, at(m.proposed_at(), fb));
    f.solution_sla = CombineSla(f.solution_sla, m.on_time());
  });
  OnEvent<chv1::SolutionDeadlineMissed>("SolutionDeadlineMissed", [](const auto&, T, Fact& f) {
    f.solution_sla = CombineSla(f.solution_sla, false);
  });
  OnEvent<chv1::CaseResolved>("CaseResolved", [at](const auto& m, T fb, Fact& f) {
    SetCategory(f, m.category());
    SetDepartment(f, m.department_id());
    Latest(f.resolved_at, at(m.resolved_at(), fb));
  });
  OnEvent<chv1::CaseReopened>("CaseReopened", [](const auto& m, T, Fact& f) {
    SetDepartment(f, m.department_id());
    f.reopen_count = std::max(f.reopen_count, m.cycle() - 1);
  });
  OnEvent<fv1::CallbackRecorded>("CallbackRecorded", [at](const auto& m, T fb, Fact& f) {
    Latest(f.callback_at, at(m.at(), fb));
    f.callback_sla = CombineSla(f.callback_sla, m.on_time());
    SetSatisfaction(f, m.cycle(), m.satisfaction());
  });
  OnEvent<fv1::CallbackOverdue>("CallbackOverdue", [](const auto&, T, Fact& f) {
    f.callback_sla = CombineSla(f.callback_sla, false);
  });
  OnEvent<fv1::CustomerUnsatisfied>("CustomerUnsatisfied", [](const auto& m, T, Fact& f) {
    SetSatisfaction(f, m.cycle(), m.satisfaction());
  });
  OnEvent<fv1::ComplaintClosed>("ComplaintClosed", [at](const auto& m, T fb, Fact& f) {
    Latest(f.closed_at, at(m.closed_at(), fb));
    SetSatisfaction(f, m.cycle(), m.satisfaction());
  });
}

// ---- queries -----------------------------------------------------------------------------------

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
    const auto metric = kTrendMetrics.find(req->metric());
    if (metric == kTrendMetrics.end()) return absl::InternalError("trend metric without a reader");
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
        p->set_value(metric->second(summary));
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

absl::Status AnalyticsService::CheckSpikes(int month, av1::RunSpikeCheckResponse* out) {
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    out->Clear();
    const SpikePolicy& policy = settings_.spike;
    int from = AddMonths(month, -policy.trailing_months);
    const int to = AddMonths(month, -1);
    // History starts at the first month with any complaint: months before the service was in
    // use are no "recent level" (they would make every category of its second month a spike).
    const auto totals = LoadSeries(tx, "total", "", from, to);
    while (from <= to && !(totals.count(from) && totals.at(from) > 0)) from = AddMonths(from, 1);
    const absl::Time now = Now();
    for (const std::string dimension : {"category", "project_category"}) {
      for (const auto& [value, count] : LoadDimension(tx, month, dimension)) {
        if (count < policy.min_count) continue;
        // Complaints not yet classified, or of no known project, are no trend of anything.
        if (value == "unspecified" || absl::EndsWith(value, "|unspecified") ||
            (dimension == "project_category" && absl::StartsWith(value, "|"))) {
          continue;
        }
        const auto series = LoadSeries(tx, dimension, value, from, to);
        std::vector<int64_t> trailing;
        for (int m = from; m <= to; m = AddMonths(m, 1)) {
          auto it = series.find(m);
          trailing.push_back(it == series.end() ? 0 : it->second);
        }
        const SpikeDecision d = CheckSpike(count, trailing, policy);
        if (!d.spike) continue;
        const AlertRow row{.month = month,
                           .dimension = dimension,
                           .value = value,
                           .count = count,
                           .mean = d.mean,
                           .stddev = d.stddev,
                           .threshold = d.threshold,
                           .detected_at = now};
        if (!InsertAlert(tx, row)) continue;  // raised before
        av1::SpikeDetected ev;
        ToProto(row, ev.mutable_alert());
        *out->add_raised() = ev.alert();
        rt_.outbox().Append(tx, absl::StrCat("spikes-", month), ev);
        tx.OnCommit([this, dimension, value, month] {
          log::Info("spike alert raised",
                    {{"dimension", dimension}, {"value", value}, {"month", absl::StrCat(month)}});
          spike_alerts_.With({dimension}).Increment();
        });
      }
    }
    for (const auto& a : LoadAlerts(tx, month)) ToProto(a, out->add_alerts());
    return absl::OkStatus();
  });
}

// ---- the monthly report ------------------------------------------------------------------------

namespace {

constexpr int kReportMonths = 12;
constexpr int kCasesPerRule = 3;

double RateOf(const Rollup& counts, const std::string& dimension) {
  auto get = [&](const char* v) {
    auto it = counts.find({dimension, v});
    return it == counts.end() ? int64_t{0} : it->second;
  };
  const int64_t met = get("met"), known = met + get("missed");
  return known <= 0 ? -1.0 : static_cast<double>(met) / static_cast<double>(known);
}

void ToProto(const ReportRow& r, av1::MonthlyReport* out) {
  out->set_year(r.month / 100);
  out->set_month(r.month % 100);
  out->set_html(r.html);
  out->set_json(r.json);
  time::ToProto(r.generated_at, out->mutable_generated_at());
}

}  // namespace

absl::Status AnalyticsService::GenerateReport(int year, int month, av1::MonthlyReport* out) {
  if (auto s = CheckMonth(year, month); !s.ok()) return s;
  report::ReportInputs base;
  av1::GetMonthlySummaryRequest sreq;
  sreq.set_year(year);
  sreq.set_month(month);
  if (auto s = Summary(sreq, &base.summary); !s.ok()) return s;
  const int ym = year * 100 + month;
  const int start = AddMonths(ym, -(kReportMonths - 1));
  base.generated_at = Now();
  return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
    report::ReportInputs in = base;  // the transaction may run again
    for (int m = start; m <= ym; m = AddMonths(m, 1)) in.trend_months.push_back(m);
    for (int c = 1; cv1::Category_IsValid(c); ++c) {
      const std::string name = CategoryName(c);
      const auto series = LoadSeries(tx, "category", name, start, ym);
      std::vector<int64_t>& values = in.category_trend[name];
      for (int m : in.trend_months) {
        auto it = series.find(m);
        values.push_back(it == series.end() ? 0 : it->second);
      }
    }
    for (int m : in.trend_months) {
      const Rollup counts = LoadMonthCounts(tx, m);
      const report::SlaPoint p{.yyyymm = m,
                               .acknowledgement = RateOf(counts, "sla_ack"),
                               .solution = RateOf(counts, "sla_solution"),
                               .callback = RateOf(counts, "sla_callback")};
      if (p.acknowledgement >= 0 || p.solution >= 0 || p.callback >= 0) {
        in.sla_history.push_back(p);
      }
    }
    for (const auto& a : LoadAlerts(tx, ym)) ToProto(a, &in.alerts.emplace_back());
    for (const auto& row : LoadTypicalCases(tx, ym, kCasesPerRule)) {
      const Fact& f = row.fact;
      report::TypicalCase c;
      c.number = f.number;
      c.reason = row.reason;
      c.category = CategoryName(f.category);
      c.stage = StageName(f.stage);
      c.project = f.project;
      c.department = f.department_id.empty() ? kUnassigned : f.department_id;
      if (f.received_at && f.resolved_at && *f.resolved_at >= *f.received_at) {
        c.resolution_hours = absl::ToDoubleHours(*f.resolved_at - *f.received_at);
      }
      c.reopen_count = f.reopen_count;
      c.critical = f.severity == cv1::SEVERITY_CRITICAL;
      in.cases.push_back(std::move(c));
    }
    const ReportRow row{.month = ym,
                        .html = report::RenderMonthlyReportHtml(in),
                        .json = report::RenderMonthlyReportJson(in),
                        .generated_at = in.generated_at};
    SaveReport(tx, row);
    ToProto(row, out);
    return absl::OkStatus();
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
