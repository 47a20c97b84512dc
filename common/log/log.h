#pragma once
// Structured logs: one JSON object per line on stderr, e.g.
// {"ts":"2026-11-26T03:00:00.123Z","level":"info","service":"intake","method":"/...Submit",
//  "code":"OK","duration_ms":3.2,"request_id":"...","msg":"..."}
// Personal data (names, phones, emails) must be passed through mask.h first; complaint text is
// never logged.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tousu::log {

enum class Level { kDebug, kInfo, kWarn, kError };

using Value = std::variant<std::string, std::string_view, const char*, int64_t, int, double, bool>;
using Field = std::pair<std::string_view, Value>;

// Set once at start-up: the service name stamped on every line, and the minimum level.
void Init(const std::string& service, Level min_level = Level::kInfo);
// Test hook: capture lines instead of writing to stderr (nullptr restores stderr).
void SetSinkForTesting(std::string* sink);

// Thread-safe; each call emits one whole line. Fields named like the fixed ones (ts, level,
// service, msg) are written as "field_<name>" so a line never holds a key twice.
void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
inline void Debug(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, msg, f);
}
inline void Info(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, msg, f);
}
inline void Warn(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, msg, f);
}
inline void Error(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kError, msg, f);
}

// Whether a line at `level` would be written (to skip building costly fields).
bool Enabled(Level level);
// "debug", "info", "warn", "error".
std::string_view LevelName(Level level);
// Parses a level name as LevelName writes it (case-insensitive; "warning" too).
bool ParseLevel(std::string_view name, Level* level);

// JSON string escaping (exposed for tests and other JSON writers), without the surrounding
// quotes. Control characters become \n, \r, \t or \u00XX; C1 controls, U+2028 and U+2029 are
// escaped too; invalid UTF-8 becomes U+FFFD, so the result is always valid JSON in valid UTF-8.
std::string JsonEscape(std::string_view s);

}  // namespace tousu::log
