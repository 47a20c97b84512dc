#include "services/analytics/summary.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/time/proto_time.h"

namespace tousu::analytics {

namespace {

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
const std::map<std::string, TrendReader> kTrendMetrics = {
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

}  // namespace

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

const TrendReader* TrendReaderOf(const std::string& metric) {
  auto it = kTrendMetrics.find(metric);
  return it == kTrendMetrics.end() ? nullptr : &it->second;
}

double SlaRateOf(const Rollup& counts, const std::string& dimension) {
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

}  // namespace tousu::analytics
