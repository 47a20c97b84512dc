// The monthly report's figures as JSON for programs (a google.protobuf.Struct printed as protobuf
// JSON): the same counts, rates, trends, alerts, typical cases and problems as the HTML, keyed by
// rollup names and ids rather than display labels.

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/log/mask.h"
#include "services/analytics/report/figures.h"
#include "services/analytics/report/report.h"
#include "services/analytics/report/text.h"

namespace tousu::analytics::report {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

Value Str(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}
Value Number(double d) {
  Value v;
  v.set_number_value(d);
  return v;
}
Value Obj(Struct s) {
  Value v;
  *v.mutable_struct_value() = std::move(s);
  return v;
}
Value List(std::vector<Value> items) {
  Value v;
  for (auto& i : items) *v.mutable_list_value()->add_values() = std::move(i);
  return v;
}
void Put(Struct& s, const std::string& key, Value v) { (*s.mutable_fields())[key] = std::move(v); }

Value CountsJson(const Pairs& rows) {
  Struct s;
  for (const auto& [k, n] : rows) Put(s, k, Number(static_cast<double>(n)));
  return Obj(std::move(s));
}
Value SlaJson(const av1::SlaCompliance& c) {
  Struct s;
  Put(s, "met", Number(static_cast<double>(c.met())));
  Put(s, "missed", Number(static_cast<double>(c.missed())));
  Put(s, "rate", Number(c.rate()));
  return Obj(std::move(s));
}
Value DurationsJson(const av1::Durations& d) {
  Struct s;
  Put(s, "samples", Number(static_cast<double>(d.samples())));
  Put(s, "mean_seconds", Number(d.mean_seconds()));
  Put(s, "p50_seconds", Number(d.p50_seconds()));
  Put(s, "p90_seconds", Number(d.p90_seconds()));
  return Obj(std::move(s));
}
Value RateOrNull(double r) {
  if (r < 0) {
    Value v;
    v.set_null_value(google::protobuf::NULL_VALUE);
    return v;
  }
  return Number(r);
}

}  // namespace

std::string RenderMonthlyReportJson(const ReportInputs& in) {
  const av1::MonthlySummary& s = in.summary;
  Struct root;
  Put(root, "year", Number(s.year()));
  Put(root, "month", Number(s.month()));
  Put(root, "generated_at",
      Str(absl::FormatTime(absl::RFC3339_full, in.generated_at, absl::UTCTimeZone())));
  Put(root, "total", Number(static_cast<double>(s.total())));
  Put(root, "previous_month_total", Number(static_cast<double>(s.previous_month_total())));
  Put(root, "total_change", Number(static_cast<double>(s.total_change())));
  Put(root, "total_change_percent", Number(s.total_change_percent()));
  Put(root, "by_category", CountsJson(ByCategory(s)));
  Put(root, "by_stage", CountsJson(ByStage(s)));
  Put(root, "by_department", CountsJson(ByDepartment(s)));
  Put(root, "by_channel", CountsJson(ByName(s.by_channel())));
  Put(root, "by_project", CountsJson(ByName(s.by_project())));
  {
    Struct d;
    Put(d, "acknowledgement", DurationsJson(s.acknowledgement_time()));
    Put(d, "solution", DurationsJson(s.solution_time()));
    Put(d, "resolution", DurationsJson(s.resolution_time()));
    Put(root, "durations", Obj(std::move(d)));
  }
  {
    Struct sla;
    Put(sla, "acknowledgement_1h", SlaJson(s.acknowledgement_sla()));
    Put(sla, "solution_2bd", SlaJson(s.solution_sla()));
    Put(sla, "callback_3bd", SlaJson(s.callback_sla()));
    Put(root, "sla", Obj(std::move(sla)));
  }
  {
    Struct sat;
    Put(sat, "responses", Number(static_cast<double>(s.satisfaction_responses())));
    Put(sat, "mean", Number(s.satisfaction_mean()));
    std::vector<Value> dist;
    for (int64_t n : s.satisfaction_distribution()) dist.push_back(Number(static_cast<double>(n)));
    Put(sat, "distribution", List(std::move(dist)));
    Put(root, "satisfaction", Obj(std::move(sat)));
  }
  Put(root, "reopened", Number(static_cast<double>(s.reopened())));
  Put(root, "reopen_rate", Number(s.reopen_rate()));
  {
    Struct trend;
    std::vector<Value> months;
    for (int m : in.trend_months) months.push_back(Str(MonthLabel(m)));
    Put(trend, "months", List(std::move(months)));
    Struct series;
    for (const auto& [cat, values] : in.category_trend) {
      std::vector<Value> v;
      for (int64_t n : values) v.push_back(Number(static_cast<double>(n)));
      Put(series, cat, List(std::move(v)));
    }
    Put(trend, "by_category", Obj(std::move(series)));
    Put(root, "trend", Obj(std::move(trend)));
  }
  {
    std::vector<Value> hist;
    for (const auto& p : in.sla_history) {
      Struct o;
      Put(o, "month", Str(MonthLabel(p.yyyymm)));
      Put(o, "acknowledgement_1h", RateOrNull(p.acknowledgement));
      Put(o, "solution_2bd", RateOrNull(p.solution));
      Put(o, "callback_3bd", RateOrNull(p.callback));
      hist.push_back(Obj(std::move(o)));
    }
    Put(root, "sla_history", List(std::move(hist)));
  }
  {
    std::vector<Value> alerts;
    for (const auto& a : in.alerts) {
      Struct o;
      Put(o, "dimension", Str(a.dimension()));
      Put(o, "value", Str(a.value()));
      Put(o, "project", Str(a.project()));
      Put(o, "category", Str(a.category()));
      Put(o, "count", Number(static_cast<double>(a.count())));
      Put(o, "trailing_mean", Number(a.trailing_mean()));
      Put(o, "threshold", Number(a.threshold()));
      alerts.push_back(Obj(std::move(o)));
    }
    Put(root, "alerts", List(std::move(alerts)));
  }
  {
    std::vector<Value> cases;
    for (const auto& c : in.cases) {
      Struct o;
      Put(o, "number", Str(c.number));
      Put(o, "reason", Str(c.reason));
      Put(o, "category", Str(c.category));
      Put(o, "stage", Str(c.stage));
      Put(o, "project", Str(c.project));
      Put(o, "department", Str(c.department));
      if (!c.room.empty()) Put(o, "room", Str(log::MaskName(c.room)));
      if (!c.customer_name.empty()) Put(o, "customer_name", Str(log::MaskName(c.customer_name)));
      if (!c.phone.empty()) Put(o, "phone", Str(log::MaskPhone(c.phone)));
      Put(o, "resolution_hours", RateOrNull(c.resolution_hours));
      Put(o, "reopen_count", Number(c.reopen_count));
      Put(o, "critical", [&] {
        Value v;
        v.set_bool_value(c.critical);
        return v;
      }());
      cases.push_back(Obj(std::move(o)));
    }
    Put(root, "typical_cases", List(std::move(cases)));
  }
  {
    std::vector<Value> problems;
    int no = 0;
    for (const auto& p : Problems(in)) {
      Struct o;
      Put(o, "no", Number(++no));
      Put(o, "finding", Str(p.finding));
      Put(o, "recommendation", Str(p.recommendation));
      problems.push_back(Obj(std::move(o)));
    }
    Put(root, "problems", List(std::move(problems)));
  }
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = false;
  opts.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(root, &out, opts);
  return out;
}

}  // namespace tousu::analytics::report
