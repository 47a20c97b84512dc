#pragma once
// Plays a Plan against the real services over gRPC, moving one shared simulated clock (the
// offset file every service of a controllable-clock stack reads) forward to each step's time,
// and records what the services actually did with each complaint.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/simulate/plan.h"

namespace tousu::simulate {

struct Endpoints {
  std::string intake, routing, case_handling, follow_up;
};

struct DriverOptions {
  // The clock offset file the services read (TOUSU_<SERVICE>_CLOCK_OFFSET_FILE).
  std::string clock_file;
  // How long to wait for an asynchronous effect a step needs (the complaint routed, the case
  // opened, the callback scheduled) before giving up.
  absl::Duration wait_timeout = absl::Seconds(30);
  absl::Duration call_timeout = absl::Seconds(10);
  // Told about progress now and then ("day 2026-09-14: 37/120 complaints ...").
  std::function<void(const std::string&)> progress;
};

// What the services recorded for one complaint, read back after the run.
struct ComplaintRecord {
  int plan_index = 0;
  std::string number;
  std::string customer_phone;
  cv1::Channel channel = cv1::CHANNEL_UNSPECIFIED;
  cv1::JourneyStage stage = cv1::JOURNEY_STAGE_UNSPECIFIED;
  cv1::Category category = cv1::CATEGORY_UNSPECIFIED;
  cv1::Severity severity = cv1::SEVERITY_UNSPECIFIED;
  std::string project;
  std::string department_id;  // routing's; empty while unrouted
  absl::Time received_at;     // from SubmitComplaint's answer
  std::optional<absl::Time> acknowledged_at;
  std::optional<absl::Time> first_solution_at;  // earliest proposal of any cycle
  std::optional<absl::Time> resolved_at;        // the last cycle's resolution
  std::optional<absl::Time> callback_at;        // the last callback recorded
  std::optional<absl::Time> closed_at;
  int reopen_count = 0;
  std::vector<int> satisfaction;  // one score per recorded callback, in cycle order
  Stop stop = Stop::kClosed;
  SlaOutcome ack_sla = SlaOutcome::kUnknown;  // planned
  SlaOutcome solution_sla = SlaOutcome::kUnknown;
  SlaOutcome callback_sla = SlaOutcome::kUnknown;
};

struct Record {
  std::vector<ComplaintRecord> complaints;  // in plan order
  absl::Time clock_at_end;                  // the simulated time when the run ended
};

class Driver {
 public:
  Driver(Endpoints endpoints, DriverOptions options);
  ~Driver();

  // Runs every step in time order. FAILED_PRECONDITION when the clock is already past the
  // plan's first step (the clock only moves forward); a failed call or wait fails the run,
  // naming the complaint and the step.
  absl::StatusOr<Record> Run(const Plan& plan);

 private:
  struct Stubs;
  absl::Status MoveClockTo(absl::Time at);
  absl::Status Execute(const Plan& plan, const Step& step);
  absl::StatusOr<ComplaintRecord> ReadBack(const PlannedComplaint& planned);

  Endpoints endpoints_;
  DriverOptions options_;
  std::unique_ptr<Stubs> stubs_;
  absl::Duration offset_ = absl::ZeroDuration();
  std::vector<std::string> numbers_;  // by plan index
  std::vector<absl::Time> received_;  // by plan index
};

}  // namespace tousu::simulate
