#include "common/log/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log/mask.h"
#include "common/validation/text.h"

namespace tousu::log {
namespace {

using ::testing::Not;

using namespace std::string_view_literals;

// --- A strict reader for the flat JSON objects the logger writes ------------------------------

struct JsonValue {
  enum Kind { kString, kNumber, kBool, kNull } kind;
  std::string text;  // decoded string, or the literal as written
};
using JsonObject = std::map<std::string, JsonValue>;

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}

  // RFC 8259 for objects whose values are scalars; duplicate keys are refused.
  std::optional<JsonObject> FlatObject() {
    if (!validation::Utf8Length(s_).has_value()) return std::nullopt;
    JsonObject object;
    if (!Eat('{')) return std::nullopt;
    if (Eat('}')) return Done() ? std::optional(object) : std::nullopt;
    do {
      std::optional<std::string> key = String();
      if (!key || !Eat(':')) return std::nullopt;
      std::optional<JsonValue> value = Scalar();
      if (!value || !object.emplace(*key, *value).second) return std::nullopt;
    } while (Eat(','));
    if (!Eat('}') || !Done()) return std::nullopt;
    return object;
  }

 private:
  bool Eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool Done() const { return i_ == s_.size(); }

  std::optional<unsigned> Hex4() {
    if (i_ + 4 > s_.size()) return std::nullopt;
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        return std::nullopt;
      }
    }
    return v;
  }

  std::optional<std::string> String() {
    if (!Eat('"')) return std::nullopt;
    std::string out;
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') return out;
      if (c < 0x20) return std::nullopt;  // raw control characters are not allowed
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        continue;
      }
      if (i_ >= s_.size()) return std::nullopt;
      switch (s_[i_++]) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          std::optional<unsigned> cp = Hex4();
          if (!cp) return std::nullopt;
          if (*cp >= 0xDC00 && *cp <= 0xDFFF) return std::nullopt;  // lone low surrogate
          if (*cp >= 0xD800 && *cp <= 0xDBFF) {
            if (!Eat('\\') || !Eat('u')) return std::nullopt;
            std::optional<unsigned> low = Hex4();
            if (!low || *low < 0xDC00 || *low > 0xDFFF) return std::nullopt;
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
          }
          AppendUtf8(*cp, &out);
          break;
        }
        default:
          return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::optional<JsonValue> Scalar() {
    if (i_ < s_.size() && s_[i_] == '"') {
      std::optional<std::string> s = String();
      if (!s) return std::nullopt;
      return JsonValue{JsonValue::kString, *s};
    }
    for (std::string_view literal : {"true"sv, "false"sv, "null"sv}) {
      if (s_.substr(i_).starts_with(literal)) {
        i_ += literal.size();
        return JsonValue{literal == "null" ? JsonValue::kNull : JsonValue::kBool,
                         std::string(literal)};
      }
    }
    static const std::regex kNumber(R"(^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)");
    std::match_results<std::string_view::const_iterator> m;
    const std::string_view rest = s_.substr(i_);
    if (!std::regex_search(rest.begin(), rest.end(), m, kNumber)) return std::nullopt;
    i_ += m.length(0);
    return JsonValue{JsonValue::kNumber, m.str(0)};
  }

  std::string_view s_;
  size_t i_ = 0;
};

// Splits captured output into lines, insisting that it ends with a newline.
std::vector<std::string> Lines(const std::string& out) {
  std::vector<std::string> lines;
  EXPECT_TRUE(out.empty() || out.back() == '\n') << "output does not end with a newline";
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    lines.push_back(out.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

JsonObject ParseLine(const std::string& line) {
  std::optional<JsonObject> object = JsonReader(line).FlatObject();
  EXPECT_TRUE(object.has_value()) << "not a valid flat JSON object: " << line;
  return object.value_or(JsonObject{});
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Init("intake", Level::kInfo);
    SetSinkForTesting(&sink_);
  }
  void TearDown() override {
    SetSinkForTesting(nullptr);
    Init("unknown", Level::kInfo);
  }

  // The one line written so far, parsed.
  JsonObject OnlyLine() {
    std::vector<std::string> lines = Lines(sink_);
    EXPECT_EQ(lines.size(), 1u) << sink_;
    return lines.empty() ? JsonObject{} : ParseLine(lines[0]);
  }

  std::string sink_;
};

// --- Lines -------------------------------------------------------------------------------------

TEST_F(LogTest, WritesOneJsonObjectPerLineWithTheFixedFields) {
  Info("complaint submitted", {{"method", "/complaints.intake.v1.IntakeService/Submit"},
                               {"code", "OK"},
                               {"duration_ms", 3.2},
                               {"request_id", "r-1"}});
  JsonObject line = OnlyLine();
  EXPECT_EQ(line["level"].text, "info");
  EXPECT_EQ(line["service"].text, "intake");
  EXPECT_EQ(line["msg"].text, "complaint submitted");
  EXPECT_EQ(line["method"].text, "/complaints.intake.v1.IntakeService/Submit");
  EXPECT_EQ(line["code"].text, "OK");
  EXPECT_EQ(line["duration_ms"].kind, JsonValue::kNumber);
  EXPECT_EQ(line["duration_ms"].text, "3.2");
  EXPECT_EQ(line["request_id"].text, "r-1");
  EXPECT_EQ(line.size(), 8u);
}

TEST_F(LogTest, StartsEachLineWithTheTimestampLevelAndService) {
  Warn("x");
  EXPECT_TRUE(sink_.starts_with("{\"ts\":\"")) << sink_;
  EXPECT_NE(sink_.find("\",\"level\":\"warn\",\"service\":\"intake\",\"msg\":\"x\"}\n"),
            std::string::npos)
      << sink_;
}

TEST_F(LogTest, StampsRfc3339UtcWithMilliseconds) {
  const absl::Time before = absl::Now();
  Info("tick");
  const absl::Time after = absl::Now();
  const std::string ts = OnlyLine()["ts"].text;
  EXPECT_TRUE(std::regex_match(ts, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"))) << ts;
  absl::Time parsed;
  std::string error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, ts, &parsed, &error)) << error;
  // Millisecond precision, truncated.
  EXPECT_GE(parsed, absl::FromUnixMillis(absl::ToUnixMillis(before)));
  EXPECT_LE(parsed, after);
}

TEST_F(LogTest, WritesEveryKindOfFieldValue) {
  const std::string owned = "owned";
  const char* null_text = nullptr;
  Error("values", {{"string", owned},
                   {"view", std::string_view("view")},
                   {"literal", "literal"},
                   {"null_text", null_text},
                   {"int64", int64_t{9007199254740993}},
                   {"int", -42},
                   {"double", 0.1},
                   {"big", 1e300},
                   {"nan", std::nan("")},
                   {"inf", std::numeric_limits<double>::infinity()},
                   {"yes", true},
                   {"no", false}});
  JsonObject line = OnlyLine();
  EXPECT_EQ(line["level"].text, "error");
  EXPECT_EQ(line["string"].text, "owned");
  EXPECT_EQ(line["view"].text, "view");
  EXPECT_EQ(line["literal"].text, "literal");
  EXPECT_EQ(line["null_text"].kind, JsonValue::kNull);
  EXPECT_EQ(line["int64"].text, "9007199254740993");
  EXPECT_EQ(line["int"].text, "-42");
  EXPECT_EQ(line["double"].text, "0.1");
  EXPECT_EQ(line["big"].kind, JsonValue::kNumber);
  EXPECT_EQ(std::strtod(line["big"].text.c_str(), nullptr), 1e300);
  // JSON has no NaN or infinity.
  EXPECT_EQ(line["nan"].kind, JsonValue::kNull);
  EXPECT_EQ(line["inf"].kind, JsonValue::kNull);
  EXPECT_EQ(line["yes"].text, "true");
  EXPECT_EQ(line["yes"].kind, JsonValue::kBool);
  EXPECT_EQ(line["no"].text, "false");
}

TEST_F(LogTest, WritesALineWithNoFieldsAndAnEmptyMessage) {
  Info("");
  JsonObject line = OnlyLine();
  EXPECT_EQ(line["msg"].text, "");
  EXPECT_EQ(line.size(), 4u);
}

TEST_F(LogTest, EscapesQuotesNewlinesAndControlsInMessagesFieldsAndKeys) {
  const std::string nasty = "say \"hi\"\n\\ \t\r\x01\x1f\x7f end";
  Info(nasty, {{"value", nasty}, {"k\"ey\n", 1}});
  ASSERT_EQ(Lines(sink_).size(), 1u) << "a newline in the data split the line";
  JsonObject line = OnlyLine();
  EXPECT_EQ(line["msg"].text, nasty);
  EXPECT_EQ(line["value"].text, nasty);
  EXPECT_EQ(line["k\"ey\n"].text, "1");
}

TEST_F(LogTest, PassesChineseAndEmojiThroughUnchanged) {
  Info("投訴已受理 😀", {{"project", "翠湖天地"}});
  EXPECT_NE(sink_.find("投訴已受理 😀"), std::string::npos);
  JsonObject line = OnlyLine();
  EXPECT_EQ(line["msg"].text, "投訴已受理 😀");
  EXPECT_EQ(line["project"].text, "翠湖天地");
}

TEST_F(LogTest, ReplacesInvalidUtf8SoTheLineStaysValidJson) {
  Info("bad \xFF\xC0\x80 bytes \xE6\x8A", {{"value", "\xED\xA0\x80"}});
  JsonObject line = OnlyLine();
  EXPECT_EQ(line["msg"].text, "bad \uFFFD\uFFFD\uFFFD bytes \uFFFD");
  EXPECT_EQ(line["value"].text, "\uFFFD\uFFFD\uFFFD");
}

TEST_F(LogTest, RenamesFieldsThatWouldDuplicateTheFixedOnes) {
  Info("real", {{"msg", "shadow"}, {"ts", 1}, {"level", "x"}, {"service", "y"}});
  JsonObject line = OnlyLine();  // the strict reader refuses duplicate keys
  EXPECT_EQ(line["msg"].text, "real");
  EXPECT_EQ(line["service"].text, "intake");
  EXPECT_EQ(line["field_msg"].text, "shadow");
  EXPECT_EQ(line["field_ts"].text, "1");
  EXPECT_EQ(line["field_level"].text, "x");
  EXPECT_EQ(line["field_service"].text, "y");
}

TEST_F(LogTest, EscapesTheServiceName) {
  Init("in\"take\n", Level::kInfo);
  Info("x");
  EXPECT_EQ(OnlyLine()["service"].text, "in\"take\n");
}

TEST_F(LogTest, CarriesMaskedPersonalDataOnly) {
  Info("callback scheduled",
       {{"customer_phone", MaskPhone("13812341234")}, {"customer_name", MaskName("张三")}});
  EXPECT_EQ(sink_.find("13812341234"), std::string::npos);
  EXPECT_EQ(sink_.find("张三"), std::string::npos);
  JsonObject line = OnlyLine();
  EXPECT_EQ(line["customer_phone"].text, "138****1234");
  EXPECT_EQ(line["customer_name"].text, "张*");
}

// --- Levels ------------------------------------------------------------------------------------

TEST_F(LogTest, DropsLinesBelowTheMinimumLevel) {
  Init("intake", Level::kWarn);
  Debug("d");
  Info("i");
  EXPECT_TRUE(sink_.empty()) << sink_;
  Warn("w");
  Error("e");
  std::vector<std::string> lines = Lines(sink_);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(ParseLine(lines[0])["level"].text, "warn");
  EXPECT_EQ(ParseLine(lines[1])["level"].text, "error");
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kWarn));
}

TEST_F(LogTest, DropsDebugByDefaultAndWritesItWhenAsked) {
  Debug("hidden");
  EXPECT_TRUE(sink_.empty());
  EXPECT_FALSE(Enabled(Level::kDebug));
  Init("intake", Level::kDebug);
  Debug("shown");
  EXPECT_EQ(OnlyLine()["level"].text, "debug");
}

TEST(LogLevel, NamesRoundTrip) {
  for (Level level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    Level parsed = Level::kError;
    ASSERT_TRUE(ParseLevel(LevelName(level), &parsed));
    EXPECT_EQ(parsed, level);
  }
  Level parsed = Level::kDebug;
  EXPECT_TRUE(ParseLevel("WARNING", &parsed));
  EXPECT_EQ(parsed, Level::kWarn);
  EXPECT_FALSE(ParseLevel("verbose", &parsed));
  EXPECT_FALSE(ParseLevel("", &parsed));
  EXPECT_EQ(parsed, Level::kWarn);  // untouched on failure
}

// --- Concurrency -------------------------------------------------------------------------------

TEST_F(LogTest, KeepsLinesWholeWhenManyThreadsLog) {
  constexpr int kThreads = 8;
  constexpr int kLines = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      const std::string payload(300, static_cast<char>('a' + t));
      for (int i = 0; i < kLines; ++i) Info(payload, {{"thread", t}, {"i", i}});
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<std::string> lines = Lines(sink_);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const std::string& text : lines) {
    JsonObject line = ParseLine(text);
    const int t = std::stoi(line["thread"].text);
    ASSERT_GE(t, 0);
    ASSERT_LT(t, kThreads);
    EXPECT_EQ(line["msg"].text, std::string(300, static_cast<char>('a' + t)));
    EXPECT_EQ(std::stoi(line["i"].text), next[t]++);  // each thread's lines stay in order
  }
}

// Points file descriptor 2 at a pipe drained by a thread, for the life of the object. A pipe, not
// a file: the kernel serialises writes to a regular file, but interleaves writers on a pipe once a
// write exceeds PIPE_BUF, so only a pipe shows whether the logger keeps lines whole by itself.
class StderrCapture {
 public:
  StderrCapture() {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    saved_ = dup(STDERR_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    read_fd_ = fds[0];
    reader_ = std::thread([this] {
      char buf[65536];
      for (ssize_t n; (n = read(read_fd_, buf, sizeof(buf))) > 0;) {
        out_.append(buf, static_cast<size_t>(n));
      }
    });
  }
  ~StderrCapture() { Take(); }

  // Restores stderr and returns everything written meanwhile.
  std::string Take() {
    if (saved_ >= 0) {
      dup2(saved_, STDERR_FILENO);  // closes the last write end, so the reader sees EOF
      close(saved_);
      saved_ = -1;
      reader_.join();
      close(read_fd_);
    }
    return out_;
  }

 private:
  int saved_ = -1;
  int read_fd_ = -1;
  std::thread reader_;
  std::string out_;
};

TEST_F(LogTest, WritesWholeLinesToStderrOnceTheSinkIsRemoved) {
  SetSinkForTesting(nullptr);
  // Lines far above PIPE_BUF, so whole lines depend on the logger's own lock.
  constexpr int kThreads = 4;
  constexpr int kLines = 50;
  constexpr size_t kSize = 20000;
  StderrCapture capture;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      const std::string payload(kSize, static_cast<char>('A' + t));
      for (int i = 0; i < kLines; ++i) Info(payload, {{"thread", t}});
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string out = capture.Take();
  EXPECT_TRUE(sink_.empty());
  std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  for (const std::string& text : lines) {
    JsonObject line = ParseLine(text);
    const int t = std::stoi(line["thread"].text);
    EXPECT_EQ(line["msg"].text, std::string(kSize, static_cast<char>('A' + t)));
  }
}

// --- JsonEscape --------------------------------------------------------------------------------

TEST(JsonEscape, EscapesQuoteAndBackslash) {
  EXPECT_EQ(JsonEscape(R"(a "b" \c)"), R"(a \"b\" \\c)");
}

TEST(JsonEscape, UsesShortFormsForNewlineCarriageReturnAndTab) {
  EXPECT_EQ(JsonEscape("a\nb\rc\td"), R"(a\nb\rc\td)");
}

TEST(JsonEscape, WritesOtherControlCharactersAsUnicodeEscapes) {
  EXPECT_EQ(JsonEscape("\0"sv), R"(\u0000)");
  EXPECT_EQ(JsonEscape("\x01\x08\x0c\x1b\x1f"), R"(\u0001\u0008\u000c\u001b\u001f)");
  EXPECT_EQ(JsonEscape("\x7f"), R"(\u007f)");
  EXPECT_EQ(JsonEscape("\u0085\u009b"), R"(\u0085\u009b)");  // C1 controls
  EXPECT_EQ(JsonEscape("\u2028\u2029"), R"(\u2028\u2029)");  // JavaScript line ends
}

TEST(JsonEscape, PassesValidUtf8AndPrintableAsciiThrough) {
  EXPECT_EQ(JsonEscape("投訴 😀 𠀀 café / <b>"), "投訴 😀 𠀀 café / <b>");
  EXPECT_EQ(JsonEscape("'; DROP TABLE complaints; --"), "'; DROP TABLE complaints; --");
  EXPECT_EQ(JsonEscape(""), "");
}

TEST(JsonEscape, ReplacesEachIllFormedSubpartWithOneReplacementCharacter) {
  EXPECT_EQ(JsonEscape("a\xFF"
                       "b"),
            R"(a\ufffdb)");
  EXPECT_EQ(JsonEscape("\xE6\x8A"), R"(\ufffd)");  // truncated 3-byte sequence
  EXPECT_EQ(JsonEscape("\xF0\x9F\x98"
                       "a"),
            R"(\ufffda)");                                         // truncated 4-byte sequence
  EXPECT_EQ(JsonEscape("\xC0\x80"), R"(\ufffd\ufffd)");            // overlong NUL
  EXPECT_EQ(JsonEscape("\xED\xA0\x80"), R"(\ufffd\ufffd\ufffd)");  // surrogate
  EXPECT_EQ(JsonEscape("\xF4\x90\x80\x80"), R"(\ufffd\ufffd\ufffd\ufffd)");
  EXPECT_EQ(JsonEscape("caf\xE9"), R"(caf\ufffd)");  // Latin-1
}

TEST(JsonEscape, AlwaysYieldsAStringThatReadsBackAsValidJson) {
  const std::vector<std::string_view> inputs = {
      "plain", "\"\\\n\r\t\b\f", "\0\x01\x1f\x7f"sv, "\u0080\u009f\u2028",
      "投訴😀", "\xFF\xFE\xFD",   "\xE6\x8A",         "\xED\xBF\xBF",
      "a\xC3", "\\u0000",        "\"}{\"",           "</script>",
  };
  for (std::string_view input : inputs) {
    const std::string quoted = "{\"k\":\"" + JsonEscape(input) + "\"}";
    std::optional<JsonObject> object = JsonReader(quoted).FlatObject();
    ASSERT_TRUE(object.has_value()) << quoted;
    if (validation::Utf8Length(input).has_value()) {
      EXPECT_EQ((*object)["k"].text, input);  // lossless for valid text
    }
  }
}

}  // namespace
}  // namespace tousu::log
