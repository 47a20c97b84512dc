#include "common/config/config.h"

#include <charconv>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

extern char** environ;  // POSIX; not declared by every libc header set

namespace tousu::config {
namespace {

// Keys are compared upper case with '_' only, so --db-host, --db_host and DB_HOST meet.
std::string Normalize(std::string_view key) {
  std::string out(key);
  for (char& c : out) {
    c = (c == '-') ? '_' : absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  return out;
}

// Debian builds Abseil with its own absl::string_view, which std::string_view does not convert to,
// so std::string_view is handled with std operations here.
bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (!s->starts_with(prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}

bool IsKeyText(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

Config::Config(const std::string& service, const std::vector<std::string>& env,
               const std::vector<std::string>& args)
    : service_(Normalize(service)) {
  const std::string prefix = absl::StrCat("TOUSU_", service_, "_");
  for (const std::string& entry : env) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string_view name(entry.data(), eq);
    // Environment names are case-sensitive: only the documented upper-case spelling counts.
    if (!ConsumePrefix(&name, prefix) || name.empty()) continue;
    env_.emplace(std::string(name), entry.substr(eq + 1));  // first one wins, as with getenv
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    const size_t eq = arg.find('=');
    // Reported without anything after '=': the value may be a password.
    std::string_view shown = arg.substr(0, eq);
    std::string_view name = shown;
    if (!ConsumePrefix(&name, "--")) {
      // A positional argument may be a secret meant for the flag before it ("--db-password x").
      malformed_.push_back(arg.starts_with("-") ? std::string(shown)
                                                : absl::StrCat("argument #", i + 1));
      continue;
    }
    if (eq == std::string_view::npos || !IsKeyText(name)) {
      malformed_.emplace_back(shown);
      continue;
    }
    const std::string key = Normalize(name);
    flags_[key] = std::string(arg.substr(eq + 1));  // the last one wins
    flag_spelling_[key] = std::string(shown);
  }
}

Config Config::FromProcess(const std::string& service, int argc, char** argv) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return Config(service, env, args);
}

std::string Config::VariableName(const std::string& key) const {
  return absl::StrCat("TOUSU_", service_, "_", Normalize(key));
}

std::optional<std::string> Config::Lookup(const std::string& key) const {
  const std::string k = Normalize(key);
  asked_[k] = true;
  // An empty flag counts as not given, like an empty variable.
  if (auto it = flags_.find(k); it != flags_.end() && !it->second.empty()) return it->second;
  if (auto it = env_.find(k); it != env_.end() && !it->second.empty()) return it->second;
  return std::nullopt;
}

std::string Config::Source(const std::string& key) const {
  const std::string k = Normalize(key);
  if (auto it = flags_.find(k); it != flags_.end() && !it->second.empty()) {
    return absl::StrCat(VariableName(k), " (flag ", flag_spelling_.at(k), ")");
  }
  return VariableName(k);
}

std::optional<std::string> Config::Get(const std::string& key) const { return Lookup(key); }

std::string Config::GetOr(const std::string& key, const std::string& fallback) const {
  return Lookup(key).value_or(fallback);
}

absl::StatusOr<std::string> Config::Require(const std::string& key) const {
  std::optional<std::string> value = Lookup(key);
  if (value.has_value()) return *std::move(value);
  const std::string k = Normalize(key);
  const bool empty = env_.count(k) != 0 || flags_.count(k) != 0;
  return absl::NotFoundError(
      absl::StrCat(VariableName(k), " is not set", empty ? " (it is empty)" : ""));
}

absl::StatusOr<int64_t> Config::IntOr(const std::string& key, int64_t fallback) const {
  std::optional<std::string> raw = Lookup(key);
  if (!raw.has_value()) return fallback;
  const absl::string_view text = absl::StripAsciiWhitespace(*raw);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return absl::InvalidArgumentError(
        absl::StrCat(Source(key), ": integer out of range (64-bit signed)"));
  }
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Source(key), ": not a decimal integer"));
  }
  return value;
}

absl::StatusOr<bool> Config::BoolOr(const std::string& key, bool fallback) const {
  std::optional<std::string> raw = Lookup(key);
  if (!raw.has_value()) return fallback;
  const std::string text = absl::AsciiStrToLower(absl::StripAsciiWhitespace(*raw));
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return absl::InvalidArgumentError(
      absl::StrCat(Source(key), ": not a boolean (true/false, 1/0, yes/no, on/off)"));
}

absl::StatusOr<absl::Duration> Config::DurationOr(const std::string& key,
                                                  absl::Duration fallback) const {
  std::optional<std::string> raw = Lookup(key);
  if (!raw.has_value()) return fallback;
  absl::Duration value;
  if (!absl::ParseDuration(absl::StripAsciiWhitespace(*raw), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Source(key), ": not a duration (write e.g. 500ms, 2s, 1h30m)"));
  }
  // Timeouts and periods only: a negative or infinite one is a typo, not a setting.
  if (value < absl::ZeroDuration() || value == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Source(key), ": must be a finite, non-negative duration"));
  }
  return value;
}

absl::StatusOr<int64_t> Config::IntInRange(const std::string& key, int64_t fallback, int64_t lo,
                                           int64_t hi, const std::string& unit) const {
  auto value = IntOr(key, fallback);
  if (!value.ok()) return value.status();
  if (*value < lo || *value > hi) {
    return absl::InvalidArgumentError(
        absl::StrCat(VariableName(key), " must be ", lo, "..", hi, unit.empty() ? "" : " ", unit));
  }
  return *value;
}

absl::StatusOr<double> Config::DoubleInRange(const std::string& key, double fallback, double lo,
                                             double hi) const {
  std::optional<std::string> raw = Lookup(key);
  double value = fallback;
  if (raw.has_value() && !absl::SimpleAtod(absl::StripAsciiWhitespace(*raw), &value)) {
    return absl::InvalidArgumentError(absl::StrCat(Source(key), ": not a number"));
  }
  // Written so that NaN fails too.
  if (!(value >= lo && value <= hi)) {
    return absl::InvalidArgumentError(
        absl::StrCat(VariableName(key), " must be a number ", lo, "..", hi));
  }
  return value;
}

absl::StatusOr<absl::Duration> Config::DurationInRange(const std::string& key,
                                                       absl::Duration fallback, absl::Duration lo,
                                                       absl::Duration hi) const {
  auto value = DurationOr(key, fallback);
  if (!value.ok()) return value.status();
  if (*value < lo || *value > hi) {
    return absl::InvalidArgumentError(absl::StrCat(
        VariableName(key), " must be ", absl::FormatDuration(lo), "..", absl::FormatDuration(hi)));
  }
  return *value;
}

absl::StatusOr<absl::Duration> Config::PositiveDurationOr(const std::string& key,
                                                          absl::Duration fallback) const {
  auto value = DurationOr(key, fallback);
  if (!value.ok()) return value.status();
  if (*value <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(VariableName(key) + " must be positive");
  }
  return *value;
}

std::vector<std::string> Config::UnusedFlags() const {
  std::vector<std::string> unused = malformed_;
  for (const auto& [key, value] : flags_) {
    if (asked_.count(key) == 0) unused.push_back(flag_spelling_.at(key));
  }
  return unused;
}

absl::Status Config::CheckArgs() const {
  std::vector<std::string> unused = UnusedFlags();
  if (unused.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("unknown or malformed command-line arguments (expected --key=value): ",
                   absl::StrJoin(unused, ", ")));
}

}  // namespace tousu::config
