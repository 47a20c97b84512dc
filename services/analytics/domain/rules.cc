#include "services/analytics/domain/rules.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/proto/enum_labels.h"
#include "common/time/beijing_zone.h"
#include "complaints/common/v1/types.pb.h"

namespace tousu::analytics {

namespace cv1 = complaints::common::v1;

Sla CombineSla(Sla current, bool on_time) {
  if (current == Sla::kMissed || !on_time) return Sla::kMissed;
  return Sla::kMet;
}

int MonthOf(absl::Time t) {
  const absl::CivilDay day = absl::ToCivilDay(t, time::BeijingZone());
  return static_cast<int>(day.year()) * 100 + day.month();
}

int AddMonths(int yyyymm, int n) {
  int index = (yyyymm / 100) * 12 + (yyyymm % 100 - 1) + n;
  return (index / 12) * 100 + index % 12 + 1;
}

bool ValidYearMonth(int year, int month) {
  return year >= 2000 && year <= 2100 && month >= 1 && month <= 12;
}

namespace {

// The rollup name of enum value `number` (common/proto/enum_labels.h); kUnspecified for zero or
// unknown.
std::string NameOf(const google::protobuf::EnumDescriptor* type, int number) {
  return proto::EnumValueLabel(type, number).value_or(kUnspecified);
}

}  // namespace

std::string CategoryName(int category) { return NameOf(cv1::Category_descriptor(), category); }
std::string StageName(int stage) { return NameOf(cv1::JourneyStage_descriptor(), stage); }
std::string ChannelName(int channel) { return NameOf(cv1::Channel_descriptor(), channel); }
std::vector<int> KnownCategories() { return proto::LabelledValues(cv1::Category_descriptor()); }
std::vector<int> KnownStages() { return proto::LabelledValues(cv1::JourneyStage_descriptor()); }

std::optional<int> CategoryFromName(const std::string& name) {
  for (int c : KnownCategories()) {
    if (CategoryName(c) == name) return c;
  }
  return std::nullopt;
}

std::string ProjectCategory(const std::string& project, int category) {
  return absl::StrCat(project, "|", CategoryName(category));
}

namespace {

const char* SlaValue(Sla s) { return s == Sla::kMet ? "met" : "missed"; }

}  // namespace

Rollup RollupOf(const Fact& f, bool with_satisfaction) {
  Rollup r;
  if (!f.month) return r;
  r[{"total", ""}] = 1;
  r[{"category", CategoryName(f.category)}] = 1;
  r[{"stage", StageName(f.stage)}] = 1;
  r[{"channel", ChannelName(f.channel)}] = 1;
  r[{"project", f.project}] = 1;
  r[{"department", f.department_id.empty() ? kUnassigned : f.department_id}] = 1;
  r[{"project_category", ProjectCategory(f.project, f.category)}] = 1;
  if (f.ack_sla != Sla::kUnknown) r[{"sla_ack", SlaValue(f.ack_sla)}] = 1;
  if (f.solution_sla != Sla::kUnknown) r[{"sla_solution", SlaValue(f.solution_sla)}] = 1;
  if (f.callback_sla != Sla::kUnknown) r[{"sla_callback", SlaValue(f.callback_sla)}] = 1;
  if (f.reopen_count > 0) r[{"reopened", ""}] = 1;
  if (with_satisfaction) {
    for (const auto& [cycle, score] : f.satisfaction) {
      if (score >= 1 && score <= 5) r[{"satisfaction", absl::StrCat(score)}] += 1;
    }
  }
  for (const auto& [name, d] : DurationsOf(f)) {
    const int64_t ms = absl::ToInt64Milliseconds(d);
    r[{absl::StrCat(name, "_seconds"), absl::StrCat(DurationBucketSeconds(ms / 1000))}] = 1;
    if (ms != 0) r[{absl::StrCat(name, "_ms_sum"), ""}] = ms;
  }
  return r;
}

std::string ProjectScope(const std::string& project) { return "project:" + project; }
std::string CategoryScope(int category) { return "category:" + CategoryName(category); }
std::string DepartmentScope(const std::string& department_id) {
  return "department:" + department_id;
}

ScopedRollup ScopedRollupOf(const Fact& f) {
  ScopedRollup out;
  Rollup r = RollupOf(f);
  if (r.empty()) return out;
  if (!f.project.empty()) out[ProjectScope(f.project)] = r;
  if (f.category != 0) out[CategoryScope(f.category)] = r;
  if (!f.department_id.empty()) out[DepartmentScope(f.department_id)] = r;
  out[""] = std::move(r);
  return out;
}

ScopedRollup ScopedRollupDiff(const ScopedRollup& before, const ScopedRollup& after) {
  ScopedRollup out;
  static const Rollup kEmpty;
  auto diff = [&](const std::string& scope) {
    auto b = before.find(scope), a = after.find(scope);
    Rollup d =
        RollupDiff(b == before.end() ? kEmpty : b->second, a == after.end() ? kEmpty : a->second);
    if (!d.empty()) out[scope] = std::move(d);
  };
  for (const auto& [scope, r] : before) diff(scope);
  for (const auto& [scope, r] : after) {
    if (!before.count(scope)) diff(scope);
  }
  return out;
}

std::vector<std::pair<std::string, absl::Duration>> DurationsOf(const Fact& f) {
  std::vector<std::pair<std::string, absl::Duration>> out;
  auto add = [&](const char* name, const std::optional<absl::Time>& from,
                 const std::optional<absl::Time>& to) {
    if (from && to && *to >= *from) out.emplace_back(name, *to - *from);
  };
  add("ack", f.received_at, f.acknowledged_at);
  add("solution", f.acknowledged_at, f.first_solution_at);
  add("resolution", f.received_at, f.resolved_at);
  return out;
}

int64_t DurationBucketSeconds(int64_t seconds) {
  if (seconds < 1000) return seconds;
  int64_t scale = 1;
  while (seconds / scale >= 1000) scale *= 10;
  return seconds / scale * scale;
}

Rollup RollupDiff(const Rollup& before, const Rollup& after) {
  Rollup d = after;
  for (const auto& [k, v] : before) d[k] -= v;
  for (auto it = d.begin(); it != d.end();) {
    it = it->second == 0 ? d.erase(it) : std::next(it);
  }
  return d;
}

DurationStats SummariseRollup(const Rollup& rollup, const std::string& name) {
  DurationStats s;
  const std::string buckets = name + "_seconds";
  std::vector<std::pair<int64_t, int64_t>> histogram;  // (bucket seconds, how many)
  for (auto it = rollup.lower_bound({buckets, ""});
       it != rollup.end() && it->first.first == buckets; ++it) {
    int64_t seconds = 0;
    if (it->second <= 0 || !absl::SimpleAtoi(it->first.second, &seconds)) continue;
    histogram.emplace_back(seconds, it->second);
    s.samples += it->second;
  }
  if (s.samples == 0) return s;
  std::sort(histogram.begin(), histogram.end());
  auto sum = rollup.find({name + "_ms_sum", ""});
  const int64_t sum_ms = sum == rollup.end() ? 0 : sum->second;
  s.mean = static_cast<double>(sum_ms) / 1000.0 / static_cast<double>(s.samples);
  auto nearest_rank = [&](double p) {
    auto rank = static_cast<int64_t>(std::ceil(p * static_cast<double>(s.samples)));
    rank = std::clamp<int64_t>(rank, 1, s.samples);
    int64_t seen = 0;
    for (const auto& [seconds, n] : histogram) {
      seen += n;
      if (seen >= rank) return static_cast<double>(seconds);
    }
    return static_cast<double>(histogram.back().first);
  };
  s.p50 = nearest_rank(0.5);
  s.p90 = nearest_rank(0.9);
  return s;
}

SpikeDecision CheckSpike(int64_t count, const std::vector<int64_t>& trailing,
                         const SpikePolicy& policy) {
  SpikeDecision d;
  if (!trailing.empty()) {
    double sum = 0;
    for (auto v : trailing) sum += static_cast<double>(v);
    d.mean = sum / static_cast<double>(trailing.size());
    double sq = 0;
    for (auto v : trailing)
      sq += (static_cast<double>(v) - d.mean) * (static_cast<double>(v) - d.mean);
    d.stddev = std::sqrt(sq / static_cast<double>(trailing.size()));
  }
  if (trailing.empty()) return d;
  d.threshold = d.mean + policy.stddevs * std::max(d.stddev, std::sqrt(d.mean));
  d.spike = count >= policy.min_count && static_cast<double>(count) > d.threshold;
  return d;
}

bool IsSpikeCandidate(const std::string& dimension, const std::string& value) {
  if (dimension == "category") return value != kUnspecified;
  if (dimension == "project_category") {
    return !absl::StartsWith(value, "|") && !absl::EndsWith(value, absl::StrCat("|", kUnspecified));
  }
  return false;
}

}  // namespace tousu::analytics
