// Service configuration parsing (common/config/config.*): environment variables and command-line
// flags built from arbitrary text, read back as strings, integers, booleans and durations.
//
// Input: one entry per line. "-..." is a command-line argument as typed; "+TEXT" a positional
// argument TEXT; "=NAME=VALUE" a raw environment entry; any other line NAME=VALUE an environment
// variable TOUSU_FUZZ_NAME=VALUE.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - Require: a value is never empty; a missing key is NOT_FOUND naming the variable;
//   - IntOr / BoolOr / DurationOr: a malformed value is INVALID_ARGUMENT naming the variable, and
//     the message never repeats the value (it may be a secret); durations are finite and >= 0;
//   - CheckArgs is OK exactly when UnusedFlags is empty; neither ever shows a flag's value or a
//     positional argument (either may be a secret).

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/config/config.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

bool IsKey(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// A rejection of `key`'s value: "<variable>[ (flag --spelling)]: <fixed text>", so it cannot
// repeat the value (which may be a secret).
void CheckValueRejection(std::string_view m, const std::string& var) {
  constexpr std::string_view kTexts[] = {
      "integer out of range (64-bit signed)", "not a decimal integer",
      "not a boolean (true/false, 1/0, yes/no, on/off)",
      "not a duration (write e.g. 500ms, 2s, 1h30m)", "must be a finite, non-negative duration"};
  FUZZ_CHECK(m.starts_with(var), "message does not name " << var << ": " << m);
  std::string_view rest = m.substr(var.size());
  if (rest.starts_with(" (flag --")) {
    const size_t close = rest.find(')');
    FUZZ_CHECK(close != std::string_view::npos, m);
    const std::string_view spelling = rest.substr(7, close - 7);
    FUZZ_CHECK(spelling.find('=') == std::string_view::npos, "flag value shown: " << m);
    rest.remove_prefix(close + 1);
  }
  bool fixed = false;
  for (std::string_view t : kTexts)
    fixed = fixed || (rest.starts_with(": ") && rest.substr(2) == t);
  FUZZ_CHECK(fixed, "unexpected text after the variable (a value?): " << m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> env, args;
  std::set<std::string> keys = {"DB_HOST", "db-port", "TIMEOUT", "verbose"};
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty()) continue;
    const std::string l(line);
    const size_t eq = l.find('=');
    if (l[0] == '-') {
      args.push_back(l);
      if (eq != std::string::npos) {
        std::string_view name = std::string_view(l).substr(0, eq);
        while (!name.empty() && name.front() == '-') name.remove_prefix(1);
        if (IsKey(name)) keys.insert(std::string(name));
      }
    } else if (l[0] == '+') {
      args.push_back(l.substr(1));
    } else if (l[0] == '=') {
      env.push_back(l.substr(1));
    } else {
      env.push_back("TOUSU_FUZZ_" + l);
      if (eq != std::string::npos) {
        if (IsKey(l.substr(0, eq))) keys.insert(l.substr(0, eq));
      }
    }
  }

  const tousu::config::Config config("fuzz", env, args);
  for (const std::string& key : keys) {
    const std::string var = config.VariableName(key);
    FUZZ_CHECK(absl::StartsWith(var, "TOUSU_FUZZ_"), var);
    const std::optional<std::string> got = config.Get(key);
    FUZZ_CHECK(!got.has_value() || !got->empty(), "Get returned an empty value for " << key);
    FUZZ_CHECK(config.GetOr(key, "fallback") == got.value_or("fallback"), key);

    const absl::StatusOr<std::string> required = config.Require(key);
    FUZZ_CHECK(required.ok() == got.has_value(), key);
    if (!required.ok()) {
      FUZZ_CHECK(required.status().code() == absl::StatusCode::kNotFound, required.status());
      FUZZ_CHECK(tousu::fuzz::Message(required.status()).starts_with(var), required.status());
    }

    auto check_rejection = [&](const absl::Status& s) {
      FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, s);
      FUZZ_CHECK(got.has_value(), "rejected an unset key: " << s);
      CheckValueRejection(tousu::fuzz::Message(s), var);
    };
    const absl::StatusOr<int64_t> i = config.IntOr(key, 7);
    if (!i.ok()) check_rejection(i.status());
    if (!got.has_value()) FUZZ_CHECK(i.ok() && *i == 7, key);
    const absl::StatusOr<bool> b = config.BoolOr(key, true);
    if (!b.ok()) check_rejection(b.status());
    const absl::StatusOr<absl::Duration> d = config.DurationOr(key, absl::Seconds(3));
    if (!d.ok()) {
      check_rejection(d.status());
    } else {
      FUZZ_CHECK(*d >= absl::ZeroDuration() && *d != absl::InfiniteDuration(),
                 key << ": " << absl::FormatDuration(*d));
    }
  }

  // Unused and malformed arguments are shown as typed up to '=' (or as "argument #N"), nothing
  // more: never a value, never a positional argument.
  const std::vector<std::string> unused = config.UnusedFlags();
  for (const std::string& u : unused) {
    bool shown_ok = u.starts_with("argument #") && u.size() > 10 &&
                    u.find_first_not_of("0123456789", 10) == std::string::npos;
    for (const std::string& a : args)
      shown_ok = shown_ok || (a.starts_with("-") && u == a.substr(0, a.find('=')));
    FUZZ_CHECK(shown_ok, "unused flag shown as [" << u << "]");
  }
  const absl::Status checked = config.CheckArgs();
  FUZZ_CHECK(checked.ok() == unused.empty(), checked);
  if (!checked.ok()) {
    FUZZ_CHECK(checked.code() == absl::StatusCode::kInvalidArgument, checked);
    FUZZ_CHECK(tousu::fuzz::Message(checked) ==
                   "unknown or malformed command-line arguments (expected --key=value): " +
                       absl::StrJoin(unused, ", "),
               checked);
  }
  return 0;
}
