#pragma once
// A simulated period of complaints (policy §8 analytics needs months of realistic data): who
// complains, when, through which channel, about what, and what then happens to each complaint,
// all decided up front from a seed so the same seed always gives the same period.
//
// The plan is pure: no services, no clock. tools/simulate/driver.h plays it against the real
// services; the end-to-end test computes its expectations from what the driver records.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/business_calendar.h"
#include "complaints/common/v1/types.pb.h"

namespace tousu::simulate {

namespace cv1 = complaints::common::v1;

struct MonthSpec {
  int year = 0;
  int month = 0;       // 1..12
  int complaints = 0;  // before any spike
};

struct PlanOptions {
  uint64_t seed = 1;
  std::vector<MonthSpec> months;  // consecutive, oldest first
  // The policy's own example of a spike: one project's product-quality complaints jump in the
  // last month. `spike_extra` such complaints are added to that month.
  bool spike = false;
  std::string spike_project = "翠湖花园";
  int spike_extra = 12;
  // The last complaints received in the last month stay open at the end of the run, in turn
  // not acknowledged, investigating, resolved but not yet called back.
  int open_at_end = 6;
  // Shares of the fates (each drawn independently per complaint).
  double night_share = 0.2;           // received outside 08:00-19:00
  double late_ack_share = 0.15;       // acknowledged 2-3 h after receipt instead of within 1 h
  double late_solution_share = 0.15;  // first solution after its 2-business-day deadline
  double rejected_share = 0.2;        // the first solution is rejected, then revised
  double late_callback_share = 0.15;  // per callback: after its 3-business-day deadline
  double unsatisfied_share = 0.15;    // first callback scores 1-2: the case reopens
  // A handler clearly below the bar for the quarterly assessment (§9.2): every complaint this
  // owner handles is acknowledged late, its first solution is late and its first callback is
  // unsatisfied (the case reopens once). Applied after the draws, so every other complaint's
  // story is the same as without it. Empty: nobody.
  std::string struggling_owner;
};

// The SLA outcome the plan intends, as analytics should count it: unknown until known, a miss
// is final.
enum class SlaOutcome { kUnknown, kMet, kMissed };
const char* SlaOutcomeName(SlaOutcome outcome);

// How far a complaint gets before the run ends.
enum class Stop { kNotAcknowledged, kInvestigating, kAwaitingCallback, kClosed };
const char* StopName(Stop stop);

struct PlannedCallback {
  int cycle = 1;
  int satisfaction = 5;  // 1..5; 1-2 reopens the case
  bool late = false;
};

struct PlannedComplaint {
  int index = 0;  // position in Plan::complaints
  std::string request_id;
  std::string customer_name, customer_phone;  // every complaint has its own phone
  std::string project, building, unit;
  std::string description, expected_resolution;
  cv1::Channel channel = cv1::CHANNEL_UNSPECIFIED;
  std::string recorded_by_staff_id;  // hotline agent or receptionist; empty for self-service
  cv1::JourneyStage stage = cv1::JOURNEY_STAGE_UNSPECIFIED;
  cv1::Category category = cv1::CATEGORY_UNSPECIFIED;  // chosen by staff at submission
  cv1::Severity severity = cv1::SEVERITY_UNSPECIFIED;
  std::string department_id;   // where routing sends the category (deploy/seed/routing.sql)
  std::string owner_staff_id;  // who acknowledges and handles it in that department
  bool spike = false;          // one of the spike's extra complaints
  absl::Time received_at;      // planned; the services record the real instant
  Stop stop = Stop::kClosed;
  bool ack_late = false;
  bool solution_late = false;
  bool rejected_once = false;
  std::vector<PlannedCallback> callbacks;  // in cycle order; more than one when reopened
  SlaOutcome ack_sla = SlaOutcome::kUnknown;
  SlaOutcome solution_sla = SlaOutcome::kUnknown;
  SlaOutcome callback_sla = SlaOutcome::kUnknown;
};

enum class StepKind {
  kSubmit,
  kAcknowledge,
  kPropose,  // for product quality, the cycle's first proposal comes with an inspection report
  kReject,   // the customer rejects the solution awaiting a decision
  kAccept,
  kProgress,  // implementation progress
  kResolve,
  kCallback,
};
const char* StepKindName(StepKind kind);

struct Step {
  absl::Time at;
  int complaint = 0;  // index into Plan::complaints
  StepKind kind = StepKind::kSubmit;
  int cycle = 1;
  int satisfaction = 0;  // kCallback only
};

struct Plan {
  PlanOptions options;
  std::vector<PlannedComplaint> complaints;  // in order of receipt
  std::vector<Step> steps;                   // in time order (ties: complaint, then lifecycle)
  // Where the run leaves the clock: after every step, so every deadline the plan's SLA outcomes
  // count on has passed.
  absl::Time end_at;
};

// The department routing sends a category to, and the staff who handle it there.
std::string DepartmentOf(cv1::Category category);

// Deterministic for (options, calendar). INVALID_ARGUMENT for bad options; the calendar's error
// when a deadline falls outside it.
absl::StatusOr<Plan> GeneratePlan(const PlanOptions& options,
                                  const time::BusinessCalendar& calendar);

// First instant of a month in Asia/Shanghai.
absl::Time MonthStart(int year, int month);

}  // namespace tousu::simulate
