#pragma once
// What a verb is made of: its entry in the verb table (name, help, flags, handler) and what its
// handler works with (the parsed command line, the global options, the output streams). Each
// commands_<area>.cc declares its verbs' entries beside their handlers; verb_table.cc lists the
// areas in the order `tousuctl help` shows them.

#include <cstddef>
#include <iosfwd>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "complaints/common/v1/types.pb.h"
#include "tools/tousuctl/args.h"
#include "tools/tousuctl/commands.h"

namespace tousu::ctl {

// Where a service answers, and how a failed call names it.
struct Endpoint {
  std::string service;  // "case-handling", as in "is the case-handling service running at ..."
  std::string flag;     // "case": --case and TOUSU_CTL_CASE_ADDR set the address
  std::string address;  // "127.0.0.1:7103"
};

// The global flags, resolved (flag, else environment, else the local stack).
struct Options {
  Endpoint intake;
  Endpoint routing;
  Endpoint staff;
  Endpoint case_handling;
  Endpoint followup;
  Endpoint analytics;
  Endpoint notification;
  absl::Duration timeout = absl::Seconds(5);
  bool json = false;
  bool show_personal_data = false;
};

// One run of a verb.
struct Call {
  const ParsedArgs& args;
  Options options;
  std::ostream& out;
  std::ostream& err;
  const Environment& env;
  std::string verb;
  // A "-" value already took standard input (it can be read once).
  bool stdin_taken = false;
};

using Handler = int (*)(Call&);

// max_args of a verb that takes any number of arguments.
constexpr size_t kAnyNumber = std::numeric_limits<size_t>::max();

struct Verb {
  std::string name{};         // "ack", "staff list"
  std::string group{};        // heading in `tousuctl help`
  std::string usage_args{};   // "NUMBER"
  std::string summary{};      // one line
  std::string description{};  // paragraphs for `VERB --help`
  std::vector<FlagSpec> flags{};
  size_t min_args = 0;
  size_t max_args = 0;
  std::vector<std::string> examples{};
  // A list verb: what --page-token continues through ("complaints"). It takes --page-size,
  // --page-token and --all. Empty for every other verb.
  std::string pages{};
  Handler run = nullptr;
};

// Each area's verbs, in the order `tousuctl help` lists them.
std::vector<Verb> IntakeVerbs();
std::vector<Verb> RoutingVerbs();
std::vector<Verb> StaffVerbs();
std::vector<Verb> CaseVerbs();
std::vector<Verb> CaseSolutionVerbs();
std::vector<Verb> FollowUpVerbs();
std::vector<Verb> SimulateVerbs();
std::vector<Verb> AnalyticsVerbs();
std::vector<Verb> TrainingVerbs();
std::vector<Verb> AssessmentVerbs();
std::vector<Verb> AuditVerbs();
std::vector<Verb> NotificationVerbs();

// --- What handlers share ------------------------------------------------------------------------

// "tousuctl: MESSAGE" and where to read about the verb; returns kExitUsage.
int UsageError(const Call& c, const absl::Status& s);

// Ids as the services spell them: department ids lower case, staff ids and numbers upper case.
std::string Lower(std::string_view s);
std::string Upper(std::string_view s);

// "one of low, medium, high" for a flag's help.
std::string OneOf(const std::vector<std::string>& names);

// Text given as a flag or argument; "-" reads standard input (to its end).
absl::StatusOr<std::string> TextValue(const Call& c, const std::string& value);

// The text of a flag ("" when absent); "-" reads standard input, which only one flag (or argument)
// of a command may do.
absl::StatusOr<std::string> TextFlag(Call& c, std::string_view flag);

// --page-size and --page-token into a list request's page.
absl::Status ReadPage(const Call& c, complaints::common::v1::PageRequest* page);

}  // namespace tousu::ctl
