#include "tools/tousuctl/render_analytics.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "tools/tousuctl/table.h"

namespace tousu::ctl {
namespace av1 = complaints::analytics::v1;
namespace {

std::string Percent(double rate) { return absl::StrFormat("%.1f%%", 100.0 * rate); }

// Durations read best in the unit people think of them in.
std::string Duration(double seconds) {
  if (seconds < 3600) return absl::StrFormat("%.0f min", seconds / 60);
  if (seconds < 3 * 86400) return absl::StrFormat("%.1f h", seconds / 3600);
  return absl::StrFormat("%.1f d", seconds / 86400);
}

std::string Counts(const char* title, const google::protobuf::RepeatedPtrField<av1::Count>& counts,
                   int64_t total) {
  if (counts.empty()) return "";
  Table t({title, "COMPLAINTS", "SHARE"});
  t.AlignRight(1).AlignRight(2);
  for (const av1::Count& c : counts) {
    t.AddRow(
        {c.value(), absl::StrCat(c.count()),
         total == 0 ? "" : Percent(static_cast<double>(c.count()) / static_cast<double>(total))});
  }
  return t.Render() + "\n";
}

}  // namespace

std::string RenderMonthlySummary(const av1::MonthlySummary& s) {
  std::string out = absl::StrFormat("%04d-%02d: %d complaints", s.year(), s.month(), s.total());
  if (s.previous_month_total() > 0) {
    absl::StrAppendFormat(&out, " (%+d, %+.1f%% on the month before)", s.total_change(),
                          s.total_change_percent());
  }
  absl::StrAppend(&out, "; ", s.reopened(), " reopened (", Percent(s.reopen_rate()), ")\n\n");
  absl::StrAppend(&out, Counts("CATEGORY", s.by_category(), s.total()),
                  Counts("STAGE", s.by_stage(), s.total()),
                  Counts("CHANNEL", s.by_channel(), s.total()),
                  Counts("PROJECT", s.by_project(), s.total()),
                  Counts("DEPARTMENT", s.by_department(), s.total()));

  Table times({"HANDLING TIME", "SAMPLES", "MEAN", "P50", "P90"});
  times.AlignRight(1).AlignRight(2).AlignRight(3).AlignRight(4);
  auto time_row = [&](const char* name, const av1::Durations& d) {
    if (d.samples() == 0) {
      times.AddRow({name, "0"});
      return;
    }
    times.AddRow({name, absl::StrCat(d.samples()), Duration(d.mean_seconds()),
                  Duration(d.p50_seconds()), Duration(d.p90_seconds())});
  };
  time_row("acknowledgement", s.acknowledgement_time());
  time_row("solution", s.solution_time());
  time_row("resolution", s.resolution_time());
  absl::StrAppend(&out, times.Render(), "\n");

  Table sla({"SLA", "MET", "MISSED", "COMPLIANCE"});
  sla.AlignRight(1).AlignRight(2).AlignRight(3);
  auto sla_row = [&](const char* name, const av1::SlaCompliance& c) {
    sla.AddRow({name, absl::StrCat(c.met()), absl::StrCat(c.missed()),
                c.met() + c.missed() == 0 ? "" : Percent(c.rate())});
  };
  sla_row("acknowledged within 1 h", s.acknowledgement_sla());
  sla_row("solution within 2 business days", s.solution_sla());
  sla_row("callback within 3 business days", s.callback_sla());
  absl::StrAppend(&out, sla.Render(), "\n");

  absl::StrAppend(&out, "Satisfaction: ", s.satisfaction_responses(), " ratings");
  if (s.satisfaction_responses() > 0) {
    absl::StrAppendFormat(&out, ", mean %.2f (", s.satisfaction_mean());
    for (int i = 0; i < s.satisfaction_distribution_size(); ++i) {
      absl::StrAppend(&out, i == 0 ? "" : ", ", i + 1, ": ", s.satisfaction_distribution(i));
    }
    absl::StrAppend(&out, ")");
  }
  absl::StrAppend(&out, "\n");
  return out;
}

std::string RenderTrend(const av1::GetTrendResponse& response) {
  Table t({"MONTH", "VALUE"});
  t.AlignRight(1);
  for (const av1::TrendPoint& p : response.points()) {
    t.AddRow({absl::StrFormat("%04d-%02d", p.year(), p.month()), absl::StrCat(p.value())});
  }
  return t.Render();
}

std::string RenderAlerts(const google::protobuf::RepeatedPtrField<av1::SpikeAlert>& alerts) {
  if (alerts.empty()) return "No spike alerts.\n";
  Table t({"MONTH", "DIMENSION", "VALUE", "COUNT", "TRAILING MEAN", "THRESHOLD"});
  t.AlignRight(3).AlignRight(4).AlignRight(5);
  for (const av1::SpikeAlert& a : alerts) {
    t.AddRow({absl::StrFormat("%04d-%02d", a.year(), a.month()), a.dimension(), a.value(),
              absl::StrCat(a.count()), absl::StrFormat("%.1f", a.trailing_mean()),
              absl::StrFormat("%.1f", a.threshold())});
  }
  return t.Render();
}

std::string RenderRollupCheck(const av1::CheckRollupsResponse& response) {
  std::string out = absl::StrCat(response.facts(), " facts; ");
  if (response.differences().empty()) return out + "the rollups match them.\n";
  absl::StrAppend(&out, response.differences_size(), " rollup entries differ",
                  response.repaired() ? " (repaired: the rollups now match the facts)" : "", ":\n");
  Table t({"SCOPE", "DIMENSION", "VALUE", "STORED", "FROM FACTS"});
  t.AlignRight(3).AlignRight(4);
  for (const av1::RollupDifference& d : response.differences()) {
    t.AddRow({d.scope().empty() ? "(month)" : d.scope(), d.dimension(), d.value(),
              absl::StrCat(d.stored()), absl::StrCat(d.from_facts())});
  }
  return out + t.Render();
}

}  // namespace tousu::ctl
