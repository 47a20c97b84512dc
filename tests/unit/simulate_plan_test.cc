// The complaint simulator's plan: the same seed gives the same period, the shares and the spike
// knob do what they say, and every complaint's steps make a lifecycle the services accept.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/time/beijing_zone.h"
#include "tools/simulate/plan.h"

namespace tousu::simulate {
namespace {

const time::BusinessCalendar& Calendar() {
  static const time::BusinessCalendar calendar = [] {
    auto c = time::BusinessCalendar::LoadFile(TOUSU_CALENDAR_FILE);
    EXPECT_TRUE(c.ok()) << c.status();
    return *std::move(c);
  }();
  return calendar;
}

PlanOptions Options(uint64_t seed, int per_month, bool spike) {
  PlanOptions o;
  o.seed = seed;
  o.months = {{.year = 2026, .month = 9, .complaints = per_month},
              {.year = 2026, .month = 10, .complaints = per_month}};
  o.spike = spike;
  return o;
}

Plan Generate(const PlanOptions& o) {
  auto plan = GeneratePlan(o, Calendar());
  EXPECT_TRUE(plan.ok()) << plan.status();
  return plan.ok() ? *std::move(plan) : Plan{};
}

// Everything a plan decides, as text, to compare two plans.
std::string Describe(const Plan& p) {
  std::string out;
  for (const auto& c : p.complaints) {
    absl::StrAppend(&out, c.request_id, " ", c.customer_phone, " ", c.project, " ", c.category, " ",
                    c.channel, " ", c.stage, " ", c.severity, " ", c.owner_staff_id, " ",
                    absl::FormatTime(c.received_at), " ", StopName(c.stop), " ", c.ack_late,
                    c.solution_late, c.rejected_once, "\n");
  }
  for (const auto& s : p.steps) {
    absl::StrAppend(&out, absl::FormatTime(s.at), " ", s.complaint, " ", StepKindName(s.kind), " ",
                    s.cycle, " ", s.satisfaction, "\n");
  }
  return out;
}

int MonthOf(absl::Time t) {
  const auto day = absl::ToCivilDay(t, time::BeijingZone());
  return static_cast<int>(day.year()) * 100 + day.month();
}

TEST(SimulatePlan, TheSameSeedGivesTheSamePeriodAndAnotherSeedAnother) {
  EXPECT_EQ(Describe(Generate(Options(7, 40, true))), Describe(Generate(Options(7, 40, true))));
  EXPECT_NE(Describe(Generate(Options(7, 40, true))), Describe(Generate(Options(8, 40, true))));
}

TEST(SimulatePlan, EveryComplaintIsReceivedInItsMonthWithItsOwnPhoneAndTheRightDepartment) {
  const Plan p = Generate(Options(3, 60, false));
  ASSERT_EQ(p.complaints.size(), 120u);
  std::map<int, int> per_month;
  std::set<std::string> phones, request_ids;
  for (const auto& c : p.complaints) {
    ++per_month[MonthOf(c.received_at)];
    phones.insert(c.customer_phone);
    request_ids.insert(c.request_id);
    EXPECT_EQ(c.department_id, DepartmentOf(c.category));
    EXPECT_NE(c.severity, cv1::SEVERITY_CRITICAL)
        << "critical complaints would wait for the supervisor";
    const bool staffed = c.channel == cv1::CHANNEL_HOTLINE || c.channel == cv1::CHANNEL_WALK_IN;
    EXPECT_EQ(staffed, !c.recorded_by_staff_id.empty());
  }
  EXPECT_EQ(per_month[202609], 60);
  EXPECT_EQ(per_month[202610], 60);
  EXPECT_EQ(phones.size(), 120u);
  EXPECT_EQ(request_ids.size(), 120u);
}

TEST(SimulatePlan, StepsRunInTimeOrderAndEachLifecycleInTheServicesOrder) {
  const Plan p = Generate(Options(5, 50, true));
  std::map<int, std::vector<Step>> by_complaint;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    if (i > 0) {
      EXPECT_LE(p.steps[i - 1].at, p.steps[i].at);
    }
    by_complaint[p.steps[i].complaint].push_back(p.steps[i]);
    EXPECT_LT(p.steps[i].at, p.end_at);
  }
  for (const auto& c : p.complaints) {
    const auto& steps = by_complaint[c.index];
    ASSERT_FALSE(steps.empty());
    EXPECT_EQ(steps.front().kind, StepKind::kSubmit);
    EXPECT_EQ(steps.front().at, c.received_at);
    const StepKind last = steps.back().kind;
    switch (c.stop) {
      case Stop::kNotAcknowledged:
        EXPECT_EQ(last, StepKind::kSubmit);
        break;
      case Stop::kInvestigating:
        EXPECT_EQ(last, StepKind::kAcknowledge);
        break;
      case Stop::kAwaitingCallback:
        EXPECT_EQ(last, StepKind::kResolve);
        break;
      case Stop::kClosed:
        EXPECT_EQ(last, StepKind::kCallback);
        EXPECT_GE(steps.back().satisfaction, 3)
            << "a closed complaint ends with a satisfied customer";
        break;
    }
    int callbacks = 0, proposals = 0;
    for (const auto& s : steps) {
      callbacks += s.kind == StepKind::kCallback;
      proposals += s.kind == StepKind::kPropose;
    }
    if (c.stop == Stop::kClosed) {
      EXPECT_EQ(callbacks, static_cast<int>(c.callbacks.size()));
      EXPECT_EQ(proposals, (c.rejected_once ? 2 : 1) + static_cast<int>(c.callbacks.size()) - 1);
    }
  }
}

TEST(SimulatePlan, TheSharesOfEachFateAreRoughlyAsAsked) {
  PlanOptions o = Options(11, 600, false);
  o.open_at_end = 0;
  const Plan p = Generate(o);
  const double n = static_cast<double>(p.complaints.size());
  int late_ack = 0, late_solution = 0, rejected = 0, reopened = 0, night = 0;
  std::map<cv1::Channel, int> channels;
  std::map<cv1::Category, int> categories;
  for (const auto& c : p.complaints) {
    late_ack += c.ack_late;
    late_solution += c.solution_late;
    rejected += c.rejected_once;
    reopened += c.callbacks.size() > 1;
    const int hour = absl::ToCivilHour(c.received_at, time::BeijingZone()).hour();
    night += hour < 8 || hour >= 19;
    ++channels[c.channel];
    ++categories[c.category];
    EXPECT_EQ(c.ack_sla, c.ack_late ? SlaOutcome::kMissed : SlaOutcome::kMet);
    EXPECT_EQ(c.solution_sla, c.solution_late ? SlaOutcome::kMissed : SlaOutcome::kMet);
  }
  EXPECT_NEAR(late_ack / n, o.late_ack_share, 0.04);
  EXPECT_NEAR(late_solution / n, o.late_solution_share, 0.04);
  EXPECT_NEAR(rejected / n, o.rejected_share, 0.04);
  EXPECT_NEAR(reopened / n, o.unsatisfied_share, 0.04);
  EXPECT_NEAR(night / n, o.night_share, 0.04);
  EXPECT_EQ(channels.size(), 5u) << "hotline, web, app, walk-in and email all appear";
  EXPECT_EQ(categories.size(), 4u);
}

TEST(SimulatePlan, TheLastComplaintsOfTheLastMonthAreLeftAtMixedStages) {
  const Plan p = Generate(Options(9, 40, false));
  std::map<Stop, int> stops;
  for (const auto& c : p.complaints) {
    ++stops[c.stop];
    if (c.stop != Stop::kClosed) {
      EXPECT_EQ(MonthOf(c.received_at), 202610);
    }
  }
  EXPECT_EQ(stops[Stop::kNotAcknowledged], 2);
  EXPECT_EQ(stops[Stop::kInvestigating], 2);
  EXPECT_EQ(stops[Stop::kAwaitingCallback], 2);
  EXPECT_EQ(stops[Stop::kClosed], 74);
}

TEST(SimulatePlan, TheSpikeKnobAddsTheProjectsQualityComplaintsToTheLastMonthOnly) {
  auto quality_of_project = [](const Plan& p, int month) {
    int n = 0;
    for (const auto& c : p.complaints) {
      n += MonthOf(c.received_at) == month && c.project == "翠湖花园" &&
           c.category == cv1::CATEGORY_PRODUCT_QUALITY;
    }
    return n;
  };
  const Plan quiet = Generate(Options(21, 30, false));
  const Plan spiking = Generate(Options(21, 30, true));
  EXPECT_EQ(spiking.complaints.size(), quiet.complaints.size() + 12);
  // Analytics' spike rule over six trailing months, the five before the simulation empty:
  // at least 10 and above mean + 2 standard deviations.
  const double before = quality_of_project(spiking, 202609);
  const double mean = before / 6,
               stddev = std::sqrt((5 * mean * mean + (before - mean) * (before - mean)) / 6);
  EXPECT_GE(quality_of_project(spiking, 202610), 10);
  EXPECT_GT(quality_of_project(spiking, 202610), mean + 2 * stddev);
  EXPECT_GE(quality_of_project(spiking, 202610), 12);
  int spike_marked = 0;
  for (const auto& c : spiking.complaints) {
    if (!c.spike) continue;
    ++spike_marked;
    EXPECT_EQ(MonthOf(c.received_at), 202610);
  }
  EXPECT_EQ(spike_marked, 12);
}

TEST(SimulatePlan, TheStrugglingOwnerIsLateAndUnsatisfyingOnEveryCase) {
  const Plan usual = Generate(Options(7, 40, false));
  PlanOptions o = Options(7, 40, false);
  o.struggling_owner = "S0022";
  const Plan struggling = Generate(o);
  ASSERT_EQ(usual.complaints.size(), struggling.complaints.size());
  int owned = 0;
  for (size_t i = 0; i < struggling.complaints.size(); ++i) {
    const PlannedComplaint& a = usual.complaints[i];
    const PlannedComplaint& b = struggling.complaints[i];
    EXPECT_EQ(a.request_id, b.request_id);
    EXPECT_EQ(a.owner_staff_id, b.owner_staff_id);
    // The same complaints to the same owners; the timing of later ones may differ, since the
    // struggling owner's extra callback cycles draw more.
    if (b.owner_staff_id != "S0022") continue;
    ++owned;
    EXPECT_TRUE(b.ack_late);
    EXPECT_TRUE(b.solution_late);
    ASSERT_FALSE(b.callbacks.empty());
    EXPECT_LE(b.callbacks.front().satisfaction, 2);  // unsatisfied: the case reopens
    EXPECT_GE(b.callbacks.size(), 2u);
  }
  EXPECT_GT(owned, 0) << "S0022 owns none of the planned complaints";
}

TEST(SimulatePlan, BadOptionsAreRefused) {
  PlanOptions o = Options(1, 10, false);
  o.months[1].month = 12;
  EXPECT_EQ(GeneratePlan(o, Calendar()).status().code(), absl::StatusCode::kInvalidArgument);
  o.months.clear();
  EXPECT_EQ(GeneratePlan(o, Calendar()).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tousu::simulate
