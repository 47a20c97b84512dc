// Simulation (every service): simulate, months of realistic complaints played through the
// services (tools/simulate plans and drives them).

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/time/business_calendar.h"
#include "tools/simulate/driver.h"
#include "tools/simulate/plan.h"
#include "tools/tousuctl/time_text.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

constexpr char kDefaultCalendar[] = "deploy/calendar/cn-business-calendar.txt";

int RunSimulate(Call& c) {
  simulate::PlanOptions plan_options;
  absl::CivilMonth start;
  if (!absl::ParseCivilTime(c.args.GetOr("start", ""), &start)) {
    return UsageError(c, absl::InvalidArgumentError("--start: a month like 2026-09"));
  }
  auto months = c.args.Int("months", 1, 24);
  if (!months.ok()) return UsageError(c, months.status());
  auto per_month = c.args.Int("per-month", 1, 10000);
  if (!per_month.ok()) return UsageError(c, per_month.status());
  auto seed = c.args.Int("seed", 0, std::numeric_limits<int>::max());
  if (!seed.ok()) return UsageError(c, seed.status());
  auto spike = c.args.Bool("spike");
  if (!spike.ok()) return UsageError(c, spike.status());
  plan_options.seed = static_cast<uint64_t>(seed->value_or(1));
  for (int i = 0; i < months->value_or(2); ++i) {
    const absl::CivilMonth m = start + i;
    plan_options.months.push_back({.year = static_cast<int>(m.year()),
                                   .month = m.month(),
                                   .complaints = per_month->value_or(120)});
  }
  plan_options.spike = spike->value_or(false);
  plan_options.spike_project = c.args.GetOr("spike-project", plan_options.spike_project);
  // The spike must clear analytics' minimum of 10 and stand out against a busy month.
  plan_options.spike_extra = std::max(12, per_month->value_or(120) / 10);

  std::string calendar_file = kDefaultCalendar;
  if (auto v = c.env.getenv ? c.env.getenv("TOUSU_CTL_CALENDAR_FILE") : std::nullopt;
      v && !v->empty()) {
    calendar_file = *v;
  }
  calendar_file = c.args.GetOr("calendar", calendar_file);
  auto calendar = time::BusinessCalendar::LoadFile(calendar_file);
  if (!calendar.ok()) return UsageError(c, calendar.status());
  auto plan = simulate::GeneratePlan(plan_options, *calendar);
  if (!plan.ok()) return UsageError(c, plan.status());
  c.out << "Simulating " << plan->complaints.size() << " complaints (" << plan->steps.size()
        << " steps) from " << absl::FormatCivilTime(start) << ", seed " << plan_options.seed
        << (plan_options.spike
                ? absl::StrCat(", spike: ", plan_options.spike_project, " product quality")
                : std::string())
        << ".\n";

  simulate::Driver driver(
      {.intake = c.options.intake.address,
       .routing = c.options.routing.address,
       .case_handling = c.options.case_handling.address,
       .follow_up = c.options.followup.address},
      {.clock_file = c.args.GetOr("clock-file", ""),
       .wait_timeout = absl::Seconds(30),
       .call_timeout = c.options.timeout,
       .progress = [&](const std::string& line) { c.out << "  " << line << "\n"
                                                        << std::flush; }});
  auto record = driver.Run(*plan);
  if (!record.ok()) {
    c.err << "tousuctl: simulate: " << record.status().message() << "\n";
    return kExitCallFailed;
  }

  std::map<std::string, int> stops;
  int reopened = 0, ack_missed = 0, solution_missed = 0, callback_missed = 0;
  for (const auto& r : record->complaints) {
    ++stops[simulate::StopName(r.stop)];
    reopened += r.reopen_count > 0;
    ack_missed += r.ack_sla == simulate::SlaOutcome::kMissed;
    solution_missed += r.solution_sla == simulate::SlaOutcome::kMissed;
    callback_missed += r.callback_sla == simulate::SlaOutcome::kMissed;
  }
  std::vector<std::string> stop_counts;
  for (const auto& [stop, n] : stops) stop_counts.push_back(absl::StrCat(stop, " ", n));
  c.out << "Done: " << record->complaints.size() << " complaints ("
        << absl::StrJoin(stop_counts, ", ") << "), " << reopened
        << " reopened; SLA misses: " << ack_missed << " acknowledgement, " << solution_missed
        << " solution, " << callback_missed << " callback.\n";
  if (!record->complaints.empty()) {
    c.out << "Numbers " << record->complaints.front().number << " .. "
          << record->complaints.back().number << "; the clock is now at "
          << absl::FormatTime("%Y-%m-%d %H:%M", record->clock_at_end, BeijingZone())
          << " (Beijing time).\n";
  }
  return kExitOk;
}

}  // namespace

std::vector<Verb> SimulateVerbs() {
  return {
      {.name = "simulate",
       .group = "Simulation (every service)",
       .summary = "drive months of realistic complaints through the services (demo and test data)",
       .description =
           "Plans a period of complaints from a seed (the same seed gives the same period) and\n"
           "plays it through the real services: submissions on every channel, acknowledgements\n"
           "on time or late, solutions (some rejected and revised, some late), implementation,\n"
           "resolution, callbacks with satisfaction scores, unsatisfied customers reopening their\n"
           "case; the last complaints stay open (not acknowledged, investigating, awaiting the\n"
           "callback). Time moves forward only, through the stack's clock offset file, so run it\n"
           "against a stack started with `tools/run --controllable-clock`, and start after the\n"
           "clock's current month. --spike makes one project's product-quality complaints jump\n"
           "in the last month, as in the policy's example of a spike alert.",
       .flags =
           {
               {.name = "clock-file",
                .value_name = "FILE",
                .help = "the clock offset file the services read, e.g. .local/run/clock-offset",
                .required = true},
               {.name = "start",
                .value_name = "YYYY-MM",
                .help = "the first month",
                .required = true},
               {.name = "months", .value_name = "N", .help = "how many months, 1..24 (default 2)"},
               {.name = "per-month",
                .value_name = "N",
                .help = "complaints per month (default 120)"},
               {.name = "seed", .value_name = "N", .help = "the plan's seed (default 1)"},
               {.name = "spike",
                .help = "a product-quality spike of one project in the last month"},
               {.name = "spike-project",
                .value_name = "TEXT",
                .help = "the spiking project (default 翠湖花园)"},
               {.name = "calendar",
                .value_name = "FILE",
                .help = absl::StrCat("business calendar (env TOUSU_CTL_CALENDAR_FILE, default ",
                                     kDefaultCalendar, ")")},
           },
       .examples = {"tousuctl simulate --clock-file .local/run/clock-offset --start 2026-09 \\\n"
                    "    --months 2 --per-month 120 --seed 7 --spike"},
       .run = RunSimulate},
  };
}

}  // namespace tousu::ctl
