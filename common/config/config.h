#pragma once
// Service configuration from TOUSU_<SERVICE>_<KEY> environment variables, with command-line flags
// `--<key>=<value>` (lower case, '_' or '-') overriding them. A missing required key fails start-up
// naming the variable. An empty value counts as unset (Kubernetes writes VAR= for a missing
// ConfigMap key). Reads mark keys as asked for, so a Config is not thread-safe: read it at
// start-up.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tousu::config {

class Config {
 public:
  // `service` is the upper-case env name, e.g. "INTAKE", "CASE_HANDLING" ("case-handling" is
  // normalised to that).
  // `env` is a list of "NAME=value" strings (pass `environ`); `args` are argv[1..].
  Config(const std::string& service, const std::vector<std::string>& env,
         const std::vector<std::string>& args);
  // Reads the process environment and argv.
  static Config FromProcess(const std::string& service, int argc, char** argv);

  const std::string& service() const { return service_; }
  // TOUSU_<SERVICE>_<KEY> for `key` (e.g. "DB_HOST" -> "TOUSU_INTAKE_DB_HOST"). Keys are
  // case-insensitive and '-' equals '_' everywhere in this class.
  std::string VariableName(const std::string& key) const;

  std::optional<std::string> Get(const std::string& key) const;
  std::string GetOr(const std::string& key, const std::string& fallback) const;
  // Errors: NotFound naming the variable; InvalidArgument naming it for a malformed value.
  absl::StatusOr<std::string> Require(const std::string& key) const;
  absl::StatusOr<int64_t> IntOr(const std::string& key, int64_t fallback) const;
  absl::StatusOr<bool> BoolOr(const std::string& key, bool fallback) const;
  // Integers in decimal; booleans true/false, 1/0, yes/no, on/off (any case). Surrounding
  // whitespace is ignored. Error messages never repeat the value: it may be a secret.
  // Durations in absl syntax: "500ms", "2s", "1h"; negative and infinite ones are rejected.
  absl::StatusOr<absl::Duration> DurationOr(const std::string& key, absl::Duration fallback) const;

  // Range-checked settings: the value, or `fallback` when unset, must lie in [lo, hi]; otherwise
  // InvalidArgument "TOUSU_X_KEY must be lo..hi" (with `unit` appended when given). A malformed
  // value fails as in the getters above.
  absl::StatusOr<int64_t> IntInRange(const std::string& key, int64_t fallback, int64_t lo,
                                     int64_t hi, const std::string& unit = "") const;
  absl::StatusOr<double> DoubleInRange(const std::string& key, double fallback, double lo,
                                       double hi) const;
  absl::StatusOr<absl::Duration> DurationInRange(const std::string& key, absl::Duration fallback,
                                                 absl::Duration lo, absl::Duration hi) const;
  // A period that must be more than zero (a timer's interval): "TOUSU_X_KEY must be positive".
  absl::StatusOr<absl::Duration> PositiveDurationOr(const std::string& key,
                                                    absl::Duration fallback) const;
  // Flags given on the command line that match no key ever asked for are a start-up error;
  // this lists them (call after reading all keys). Arguments that are not `--key=value` (e.g.
  // "--verbose" with no '=') are listed too, so a caller checking only this list still fails.
  // Entries are the flag as typed up to '=', never its value.
  std::vector<std::string> UnusedFlags() const;
  // Arguments that are not `--key=value`: "--db-host" (no '='), "-x=1", positional arguments
  // (reported as "argument #N", as they may be a value meant for the flag before them).
  const std::vector<std::string>& MalformedArgs() const { return malformed_; }
  // OK, or InvalidArgument listing MalformedArgs() and UnusedFlags(); call after reading all keys.
  absl::Status CheckArgs() const;

 private:
  std::string service_;
  std::map<std::string, std::string> env_;    // KEY -> value, prefix stripped
  std::map<std::string, std::string> flags_;  // KEY (upper case) -> value
  mutable std::map<std::string, bool> asked_;
  std::map<std::string, std::string> flag_spelling_;  // KEY -> "--db-host" as typed
  std::vector<std::string> malformed_;

  // The raw value of `key` (flag over env), or nullopt when unset or empty; marks `key` asked.
  std::optional<std::string> Lookup(const std::string& key) const;
  // "TOUSU_INTAKE_DB_HOST", or "TOUSU_INTAKE_DB_HOST (flag --db-host)" when a flag set it.
  std::string Source(const std::string& key) const;
};

}  // namespace tousu::config
