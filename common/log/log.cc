#include "common/log/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/validation/text.h"

namespace tousu::log {
namespace {

struct State {
  std::mutex mu;
  std::string service_json = "unknown";  // already escaped
  std::string* sink = nullptr;
};

// Leaked on purpose: code running in static destructors may still log.
State& GetState() {
  static State* state = new State;
  return *state;
}

// Read on every call without the lock, so filtered-out lines cost one atomic load.
std::atomic<int> min_level{static_cast<int>(Level::kInfo)};

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Deduction guide: clang before 17 does not deduce aggregate templates (P1816) by itself.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

void AppendEscapedCodePoint(char32_t cp, std::string* out) {
  absl::StrAppendFormat(out, "\\u%04x", static_cast<uint32_t>(cp));
}

void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  out->append(JsonEscape(s));
  out->push_back('"');
}

void AppendValue(const Value& value, std::string* out) {
  std::visit(Overloaded{
                 [out](const std::string& s) { AppendString(s, out); },
                 [out](std::string_view s) { AppendString(s, out); },
                 [out](const char* s) {
                   if (s == nullptr) {
                     out->append("null");
                   } else {
                     AppendString(s, out);
                   }
                 },
                 [out](int64_t v) { absl::StrAppend(out, v); },
                 [out](int v) { absl::StrAppend(out, v); },
                 [out](double v) {
                   // JSON has no NaN or infinity.
                   if (!std::isfinite(v)) {
                     out->append("null");
                     return;
                   }
                   // Shortest text that reads back as the same double ("3.2",
                   // not 3.2000000000000002).
                   char buf[32];
                   auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
                   out->append(buf, ec == std::errc() ? end : buf);
                 },
                 [out](bool v) { out->append(v ? "true" : "false"); },
             },
             value);
}

bool IsReservedKey(std::string_view key) {
  return key == "ts" || key == "level" || key == "service" || key == "msg";
}

// One write(2) per line where the kernel allows; retries cover partial writes and signals.
void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report a failing stderr
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void Init(const std::string& service, Level min) {
  State& state = GetState();
  std::lock_guard<std::mutex> lock(state.mu);
  state.service_json = JsonEscape(service);
  min_level.store(static_cast<int>(min), std::memory_order_relaxed);
}

void SetSinkForTesting(std::string* sink) {
  State& state = GetState();
  std::lock_guard<std::mutex> lock(state.mu);
  state.sink = sink;
}

bool Enabled(Level level) {
  return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed);
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

bool ParseLevel(std::string_view name, Level* level) {
  const std::string lower = absl::AsciiStrToLower(std::string(name));
  if (lower == "debug") {
    *level = Level::kDebug;
  } else if (lower == "info") {
    *level = Level::kInfo;
  } else if (lower == "warn" || lower == "warning") {
    *level = Level::kWarn;
  } else if (lower == "error") {
    *level = Level::kError;
  } else {
    return false;
  }
  return true;
}

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  // Everything but the timestamp and service is built outside the lock.
  std::string body = ",\"msg\":";
  AppendString(msg, &body);
  for (const auto& [key, value] : fields) {
    body.append(IsReservedKey(key) ? ",\"field_" : ",\"");
    body.append(JsonEscape(key));
    body.append("\":");
    AppendValue(value, &body);
  }
  body.append("}\n");

  State& state = GetState();
  std::lock_guard<std::mutex> lock(state.mu);
  // Stamped under the lock so timestamps never go backwards within the output.
  std::string line = "{\"ts\":\"";
  line.append(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()))
      .append("\",\"level\":\"")
      .append(LevelName(level))
      .append("\",\"service\":\"")
      .append(state.service_json)
      .append("\"")
      .append(body);
  if (state.sink != nullptr) {
    state.sink->append(line);
  } else {
    WriteAll(STDERR_FILENO, line);
  }
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8 + 2);
  while (!s.empty()) {
    const auto c = static_cast<unsigned char>(s[0]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          // DEL is legal JSON but, like the C0 controls, can garble a terminal.
          if (c < 0x20 || c == 0x7F) {
            AppendEscapedCodePoint(c, &out);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      s.remove_prefix(1);
      continue;
    }
    validation::Utf8Step step = validation::DecodeUtf8(s);
    if (!step.valid) {
      out.append("\\ufffd");
    } else if ((step.code_point >= 0x80 && step.code_point <= 0x9F) || step.code_point == 0x2028 ||
               step.code_point == 0x2029) {
      // C1 controls can act as terminal escapes; U+2028/9 end lines in JavaScript.
      AppendEscapedCodePoint(step.code_point, &out);
    } else {
      out.append(s.substr(0, step.length));
    }
    s.remove_prefix(step.length);
  }
  return out;
}

}  // namespace tousu::log
