#pragma once
// tousuctl: the complaint desk's command-line client of the intake, routing, case-handling,
// follow-up and staff services.
// `tousuctl help` lists the verbs; `tousuctl VERB --help` explains one.
//
// Exit status: 0 done; 1 a call failed (the gRPC code and message go to stderr); 2 bad usage.

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace tousu::ctl {

constexpr int kExitOk = 0;
constexpr int kExitCallFailed = 1;
constexpr int kExitUsage = 2;

// What the commands take from the process, replaceable in tests.
struct Environment {
  // Environment variables (TOUSU_CTL_INTAKE_ADDR, TOUSU_CTL_CASE_ADDR, ...).
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::function<absl::Time()> now;
  // A fresh request id for a submission.
  std::function<std::string()> new_request_id;
  // Standard input, for "-" arguments (classify -, submit --description -).
  std::istream* in = nullptr;
};

// The real process: getenv, the system clock, random UUIDs, std::cin.
Environment ProcessEnvironment();

// A random (version 4) UUID, e.g. "1b4e28ba-2fa1-41d2-883f-0016d3cca427".
std::string NewRequestId();

// Runs one command line (without the program name). Output goes to `out`, diagnostics (errors,
// the request id of a submission) to `err`. Returns the exit status.
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const Environment& env);

}  // namespace tousu::ctl
