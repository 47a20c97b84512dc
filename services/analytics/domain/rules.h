#pragma once
// Pure rules of the analytics service (policy §8): months of receipt, SLA outcomes, the rollup
// keys a complaint contributes, percentiles and the spike rule. No database, no server.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace tousu::analytics {

// SLA outcome of one complaint. A miss is final: a later on-time report does not undo it.
enum class Sla : int { kUnknown = 0, kMet = 1, kMissed = 2 };
Sla CombineSla(Sla current, bool on_time);

// yyyymm of `t` in Asia/Shanghai (UTC+8 all year, no daylight saving).
int MonthOf(absl::Time t);
// The month `n` months after (negative: before) `yyyymm`.
int AddMonths(int yyyymm, int n);
bool ValidYearMonth(int year, int month);

// Names used as rollup values, from the enums' descriptors: CATEGORY_PRODUCT_QUALITY ->
// "product_quality", CHANNEL_WALK_IN -> "walk_in". Zero (not yet classified, not given) and
// unknown numbers are kUnspecified, the one spelling of "none" in analytics' rollups.
inline constexpr char kUnspecified[] = "unspecified";
std::string CategoryName(int category);
std::string StageName(int stage);
std::string ChannelName(int channel);
// The known categories and journey stages, in the enums' order, without the zero value.
std::vector<int> KnownCategories();
std::vector<int> KnownStages();
// The category number of a name, or nullopt.
std::optional<int> CategoryFromName(const std::string& name);
// The department value of a complaint no department took yet.
inline constexpr char kUnassigned[] = "unassigned";

// The deadlines the policy sets, as the services enforcing them are configured (routing's
// ACK_WINDOW, case-handling's SOLUTION_DAYS, follow-up's CALLBACK_DAYS). Analytics only states
// them: the SLA outcomes it counts come with the events.
struct SlaTerms {
  absl::Duration ack_window = absl::Hours(1);
  int solution_days = 2;  // business days
  int callback_days = 3;  // business days
};

// What analytics knows of one complaint.
struct Fact {
  std::string number;
  std::optional<int> month;  // unknown until ComplaintReceived
  int channel = 0, stage = 0, category = 0, severity = 0;
  std::string project, department_id;
  std::optional<absl::Time> received_at, routed_at, acknowledged_at, first_solution_at, resolved_at,
      callback_at, closed_at;
  int reopen_count = 0;
  Sla ack_sla = Sla::kUnknown, solution_sla = Sla::kUnknown, callback_sla = Sla::kUnknown;
  std::map<int, int> satisfaction;  // cycle -> score 1..5
};

// (dimension, value) -> how many. A complaint contributes 1 to total/category/stage/channel/
// project/department/project_category/sla_*/reopened, one per rated cycle to satisfaction, and
// for each handling time it knows (acknowledgement, solution, resolution: see DurationsOf) 1 to
// "<name>_seconds" at its DurationBucketSeconds and its whole milliseconds to "<name>_ms_sum".
// Handling times are rolled up too, so a month's summary never has to scan its facts.
using RollupKey = std::pair<std::string, std::string>;
using Rollup = std::map<RollupKey, int64_t>;
// Nothing while the month is unknown.
Rollup RollupOf(const Fact& f, bool with_satisfaction = true);
// new - old, without zero entries.
Rollup RollupDiff(const Rollup& before, const Rollup& after);
std::string ProjectCategory(const std::string& project, int category);

// Rollups are kept per scope: the whole month ("") and each single filter a summary may take
// (a project, a category, a department), so a summary of one project reads rollups, not facts.
// scope -> its rollup.
using ScopedRollup = std::map<std::string, Rollup>;
std::string ProjectScope(const std::string& project);           // "project:<name>"
std::string CategoryScope(int category);                        // "category:<name>"
std::string DepartmentScope(const std::string& department_id);  // "department:<id>"
// The fact's rollup under "" and under each scope of a value it has (an empty project, an
// unspecified category or an unassigned department has no scope of its own).
ScopedRollup ScopedRollupOf(const Fact& f);
// new - old per scope, without zero entries or empty scopes.
ScopedRollup ScopedRollupDiff(const ScopedRollup& before, const ScopedRollup& after);

// The handling times a complaint knows, by rollup name: "ack" received -> acknowledged,
// "solution" acknowledged -> first solution proposed, "resolution" received -> (last) resolved.
// A time whose end is before its start (clock trouble upstream) is left out.
std::vector<std::pair<std::string, absl::Duration>> DurationsOf(const Fact& f);

// The histogram bucket of a duration in whole seconds: exact below 1000 s, else rounded down to
// three significant digits (12345 -> 12300), so percentiles are at most 1 % low and a month has
// at most a few thousand buckets per handling time however many complaints it holds.
int64_t DurationBucketSeconds(int64_t seconds);

struct DurationStats {
  int64_t samples = 0;
  double mean = 0, p50 = 0, p90 = 0;
};
// The statistics of handling time `name` from a rollup: samples and mean from "<name>_ms_sum"
// and the bucket counts, p50/p90 by nearest rank over the buckets.
DurationStats SummariseRollup(const Rollup& rollup, const std::string& name);

// The spike rule: `count` is a spike when count >= min_count and
//   count > mean + k * max(stddev, sqrt(mean))
// over `trailing`, the months of history before it (population standard deviation). Monthly
// complaint counts vary at least like Poisson counts (variance = mean), so sqrt(mean) is a floor
// on the noise: a steady 25 a month needs more than 35 to alarm, not 26. An empty history (the
// service's first month) is never a spike: there is no recent level to rise above.
struct SpikePolicy {
  double stddevs = 2.0;
  int64_t min_count = 10;
  int trailing_months = 6;
};
struct SpikeDecision {
  bool spike = false;
  double mean = 0, stddev = 0, threshold = 0;
};
SpikeDecision CheckSpike(int64_t count, const std::vector<int64_t>& trailing,
                         const SpikePolicy& policy);
// Whether a month's count of `value` in `dimension` ("category" or "project_category") can be a
// trend at all: complaints not yet classified, or of no known project, are no trend of anything.
bool IsSpikeCandidate(const std::string& dimension, const std::string& value);

}  // namespace tousu::analytics
