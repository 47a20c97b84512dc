#include "common/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace tousu::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;
using ::testing::StartsWith;

// gmock's Optional() needs operator!, which absl::StatusOr lacks.
MATCHER_P(IsOkAndHolds, matcher,
          "is OK and holds a value that " +
              ::testing::DescribeMatcher<decltype(matcher)>(matcher)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

// absl::Status::message() is an absl::string_view, which in Debian's Abseil is not
// std::string_view; gmock string matchers want a std::string.
std::string Message(const absl::Status& status) { return std::string(status.message()); }

Config Intake(const std::vector<std::string>& env, const std::vector<std::string>& args = {}) {
  return Config("INTAKE", env, args);
}

// --- Names -------------------------------------------------------------------------------------

TEST(Config, NamesTheVariableAfterServiceAndKey) {
  Config config = Intake({});
  EXPECT_EQ(config.VariableName("DB_HOST"), "TOUSU_INTAKE_DB_HOST");
  EXPECT_EQ(config.VariableName("db-host"), "TOUSU_INTAKE_DB_HOST");
  EXPECT_EQ(Config("case-handling", {}, {}).VariableName("GRPC_PORT"),
            "TOUSU_CASE_HANDLING_GRPC_PORT");
  EXPECT_EQ(Config("case-handling", {}, {}).service(), "CASE_HANDLING");
}

// --- Environment -------------------------------------------------------------------------------

TEST(Config, ReadsItsOwnServicesVariables) {
  Config config = Intake({"TOUSU_INTAKE_DB_HOST=db.local", "PATH=/usr/bin"});
  EXPECT_THAT(config.Get("DB_HOST"), Optional(std::string("db.local")));
  EXPECT_THAT(config.Get("db_host"), Optional(std::string("db.local")));
}

TEST(Config, IgnoresOtherServicesAndUnprefixedVariables) {
  Config config =
      Intake({"TOUSU_ROUTING_DB_HOST=routing-db", "DB_HOST=plain", "TOUSU_DB_HOST=no-service",
              "tousu_intake_db_host=lower", "TOUSU_INTAKE_db_host=mixed"});
  EXPECT_EQ(config.Get("DB_HOST"), std::nullopt);
}

TEST(Config, KeepsEverythingAfterTheFirstEqualsSign) {
  Config config = Intake({"TOUSU_INTAKE_DSN=user=a;password=b=c"});
  EXPECT_THAT(config.Get("DSN"), Optional(std::string("user=a;password=b=c")));
}

TEST(Config, TakesTheFirstOfDuplicateVariablesAsGetenvDoes) {
  Config config = Intake({"TOUSU_INTAKE_PORT=1", "TOUSU_INTAKE_PORT=2", "MALFORMED"});
  EXPECT_THAT(config.Get("PORT"), Optional(std::string("1")));
}

TEST(Config, TreatsAnEmptyValueAsUnset) {
  Config config = Intake({"TOUSU_INTAKE_DB_HOST=", "TOUSU_INTAKE_PORT="});
  EXPECT_EQ(config.Get("DB_HOST"), std::nullopt);
  EXPECT_EQ(config.GetOr("DB_HOST", "localhost"), "localhost");
  EXPECT_THAT(config.IntOr("PORT", 50051), IsOkAndHolds(50051));
}

TEST(Config, FallsBackWhenUnset) {
  Config config = Intake({});
  EXPECT_EQ(config.GetOr("DB_HOST", "localhost"), "localhost");
  EXPECT_THAT(config.IntOr("PORT", 50051), IsOkAndHolds(50051));
  EXPECT_THAT(config.BoolOr("REFLECTION", true), IsOkAndHolds(true));
  EXPECT_THAT(config.DurationOr("DRAIN", absl::Seconds(5)), IsOkAndHolds(absl::Seconds(5)));
}

// --- Require -----------------------------------------------------------------------------------

TEST(Config, FailsFastNamingAMissingRequiredVariable) {
  absl::StatusOr<std::string> host = Intake({}).Require("DB_HOST");
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(host.status().message(), "TOUSU_INTAKE_DB_HOST is not set");
}

TEST(Config, FailsFastOnARequiredVariableSetEmpty) {
  absl::StatusOr<std::string> host = Intake({"TOUSU_INTAKE_DB_HOST="}).Require("DB_HOST");
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(host.status()), StartsWith("TOUSU_INTAKE_DB_HOST is not set"));
}

TEST(Config, ReturnsARequiredVariableThatIsSet) {
  EXPECT_THAT(Intake({"TOUSU_INTAKE_DB_HOST=db"}).Require("DB_HOST"),
              IsOkAndHolds(std::string("db")));
}

// --- Flags -------------------------------------------------------------------------------------

TEST(Config, LetsAFlagOverrideTheVariable) {
  Config config = Intake({"TOUSU_INTAKE_DB_HOST=from-env"}, {"--db-host=from-flag"});
  EXPECT_THAT(config.Get("DB_HOST"), Optional(std::string("from-flag")));
}

TEST(Config, AcceptsDashOrUnderscoreInFlagNames) {
  EXPECT_THAT(Intake({}, {"--db-host=a"}).Get("DB_HOST"), Optional(std::string("a")));
  EXPECT_THAT(Intake({}, {"--db_host=b"}).Get("DB_HOST"), Optional(std::string("b")));
  EXPECT_THAT(Intake({}, {"--DB-HOST=c"}).Get("db_host"), Optional(std::string("c")));
}

TEST(Config, SetsAFlagOnlyKeyWithoutAnyVariable) {
  EXPECT_THAT(Intake({}, {"--db-host=x"}).Require("DB_HOST"), IsOkAndHolds(std::string("x")));
}

TEST(Config, TakesTheLastOfRepeatedFlags) {
  Config config = Intake({}, {"--port=1", "--port=2", "--db-host=a", "--db_host=b"});
  EXPECT_THAT(config.IntOr("PORT", 0), IsOkAndHolds(2));
  EXPECT_THAT(config.Get("DB_HOST"), Optional(std::string("b")));
  EXPECT_THAT(config.UnusedFlags(), IsEmpty());
}

TEST(Config, KeepsEqualsSignsInsideAFlagValue) {
  EXPECT_THAT(Intake({}, {"--dsn=a=b=c"}).Get("DSN"), Optional(std::string("a=b=c")));
}

TEST(Config, IgnoresAnEmptyFlagLikeAnEmptyVariable) {
  Config config = Intake({"TOUSU_INTAKE_DB_HOST=from-env"}, {"--db-host="});
  EXPECT_THAT(config.Get("DB_HOST"), Optional(std::string("from-env")));
}

TEST(Config, ListsFlagsNoKeyAskedFor) {
  Config config = Intake({}, {"--db-host=a", "--db-hots=secret", "--port=1"});
  ASSERT_TRUE(config.Get("DB_HOST").has_value());
  ASSERT_TRUE(config.IntOr("PORT", 0).ok());
  EXPECT_THAT(config.UnusedFlags(), ElementsAre("--db-hots"));
  absl::Status status = config.CheckArgs();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("--db-hots"));
  EXPECT_THAT(Message(status), Not(HasSubstr("secret")));
}

TEST(Config, CountsAKeyAsAskedForByEveryGetter) {
  Config config = Intake({}, {"--a=1", "--b=1", "--c=1", "--d=1", "--e=true", "--f=1s"});
  config.Get("A");
  config.GetOr("b", "");
  ASSERT_TRUE(config.Require("C").ok());
  ASSERT_TRUE(config.IntOr("D", 0).ok());
  ASSERT_TRUE(config.BoolOr("E", false).ok());
  ASSERT_TRUE(config.DurationOr("F", absl::ZeroDuration()).ok());
  EXPECT_THAT(config.UnusedFlags(), IsEmpty());
  EXPECT_TRUE(config.CheckArgs().ok());
}

TEST(Config, ReportsAFlagWithoutEqualsSignAsAnError) {
  Config config =
      Intake({}, {"--verbose", "--db-password", "hunter2", "-x=1", "--=1", "--", "--bad key=1"});
  EXPECT_THAT(config.MalformedArgs(), ElementsAre("--verbose", "--db-password", "argument #3", "-x",
                                                  "--", "--", "--bad key"));
  // Callers that only check UnusedFlags() still fail.
  EXPECT_THAT(config.UnusedFlags(), ElementsAre("--verbose", "--db-password", "argument #3", "-x",
                                                "--", "--", "--bad key"));
  absl::Status status = config.CheckArgs();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("--verbose"));
  EXPECT_THAT(Message(status), HasSubstr("--key=value"));
  // A positional argument may be the value meant for the flag before it: never repeated.
  EXPECT_THAT(Message(status), Not(HasSubstr("hunter2")));
  EXPECT_EQ(config.Get("VERBOSE"), std::nullopt);
}

TEST(Config, AcceptsNoArgumentsAtAll) { EXPECT_TRUE(Intake({}).CheckArgs().ok()); }

// --- Typed values ------------------------------------------------------------------------------

TEST(Config, ParsesIntegers) {
  Config config = Intake({"TOUSU_INTAKE_A=8080", "TOUSU_INTAKE_B=-5", "TOUSU_INTAKE_C= 42 ",
                          "TOUSU_INTAKE_D=9223372036854775807", "TOUSU_INTAKE_E=0"});
  EXPECT_THAT(config.IntOr("A", 0), IsOkAndHolds(8080));
  EXPECT_THAT(config.IntOr("B", 0), IsOkAndHolds(-5));
  EXPECT_THAT(config.IntOr("C", 0), IsOkAndHolds(42));
  EXPECT_THAT(config.IntOr("D", 0), IsOkAndHolds(INT64_MAX));
  EXPECT_THAT(config.IntOr("E", 7), IsOkAndHolds(0));
}

TEST(Config, RejectsMalformedIntegersNamingTheVariable) {
  for (const char* bad : {"80x", "x80", "0x10", "1e3", "1.5", "+-1", "8 080", "9223372036854775808",
                          "-9223372036854775809", "五"}) {
    Config config = Intake({std::string("TOUSU_INTAKE_PORT=") + bad});
    absl::StatusOr<int64_t> port = config.IntOr("PORT", 1);
    ASSERT_FALSE(port.ok()) << bad;
    EXPECT_EQ(port.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(port.status()), StartsWith("TOUSU_INTAKE_PORT: ")) << bad;
    EXPECT_THAT(Message(port.status()), Not(HasSubstr(bad)));
  }
}

TEST(Config, NamesTheFlagWhenAFlagValueIsMalformed) {
  Config config = Intake({"TOUSU_INTAKE_PORT=1"}, {"--port=abc"});
  absl::StatusOr<int64_t> port = config.IntOr("PORT", 1);
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.status().message(), "TOUSU_INTAKE_PORT (flag --port): not a decimal integer");
}

TEST(Config, ParsesBooleansInTheUsualSpellings) {
  for (const char* yes : {"true", "TRUE", "True", "1", "yes", "on", " on "}) {
    EXPECT_THAT(Intake({std::string("TOUSU_INTAKE_X=") + yes}).BoolOr("X", false),
                IsOkAndHolds(true))
        << yes;
  }
  for (const char* no : {"false", "FALSE", "0", "no", "off", "Off"}) {
    EXPECT_THAT(Intake({std::string("TOUSU_INTAKE_X=") + no}).BoolOr("X", true),
                IsOkAndHolds(false))
        << no;
  }
}

TEST(Config, RejectsMalformedBooleansNamingTheVariable) {
  for (const char* bad : {"2", "y", "enabled", "truee", "是"}) {
    absl::StatusOr<bool> value = Intake({std::string("TOUSU_INTAKE_X=") + bad}).BoolOr("X", false);
    ASSERT_FALSE(value.ok()) << bad;
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(value.status()), StartsWith("TOUSU_INTAKE_X: ")) << bad;
  }
}

TEST(Config, ParsesDurationsInAbslSyntax) {
  Config config = Intake({"TOUSU_INTAKE_A=500ms", "TOUSU_INTAKE_B=2s", "TOUSU_INTAKE_C=1h30m",
                          "TOUSU_INTAKE_D=0", "TOUSU_INTAKE_E=1.5s"});
  EXPECT_THAT(config.DurationOr("A", absl::ZeroDuration()), IsOkAndHolds(absl::Milliseconds(500)));
  EXPECT_THAT(config.DurationOr("B", absl::ZeroDuration()), IsOkAndHolds(absl::Seconds(2)));
  EXPECT_THAT(config.DurationOr("C", absl::ZeroDuration()), IsOkAndHolds(absl::Minutes(90)));
  EXPECT_THAT(config.DurationOr("D", absl::Seconds(1)), IsOkAndHolds(absl::ZeroDuration()));
  EXPECT_THAT(config.DurationOr("E", absl::ZeroDuration()), IsOkAndHolds(absl::Milliseconds(1500)));
}

TEST(Config, RejectsMalformedNegativeAndInfiniteDurations) {
  for (const char* bad : {"10", "2 s", "abc", "1d", "-1s", "inf", "-inf", "s"}) {
    absl::StatusOr<absl::Duration> value = Intake({std::string("TOUSU_INTAKE_TIMEOUT=") + bad})
                                               .DurationOr("TIMEOUT", absl::Seconds(1));
    ASSERT_FALSE(value.ok()) << bad;
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(value.status()), StartsWith("TOUSU_INTAKE_TIMEOUT: ")) << bad;
  }
}

// --- Ranges ------------------------------------------------------------------------------------

TEST(Config, RangeGettersAcceptTheBoundsAndTheFallback) {
  Config config = Intake({"TOUSU_INTAKE_LOW=1", "TOUSU_INTAKE_HIGH=30", "TOUSU_INTAKE_RATIO=0.25",
                          "TOUSU_INTAKE_DELAY=168h", "TOUSU_INTAKE_EVERY=1ms"});
  EXPECT_THAT(config.IntInRange("LOW", 5, 1, 30), IsOkAndHolds(1));
  EXPECT_THAT(config.IntInRange("HIGH", 5, 1, 30), IsOkAndHolds(30));
  EXPECT_THAT(config.IntInRange("UNSET", 5, 1, 30), IsOkAndHolds(5));
  EXPECT_THAT(config.DoubleInRange("RATIO", 0.5, 0, 1), IsOkAndHolds(0.25));
  EXPECT_THAT(config.DoubleInRange("UNSET", 0.5, 0, 1), IsOkAndHolds(0.5));
  EXPECT_THAT(
      config.DurationInRange("DELAY", absl::Hours(1), absl::ZeroDuration(), absl::Hours(168)),
      IsOkAndHolds(absl::Hours(168)));
  EXPECT_THAT(config.PositiveDurationOr("EVERY", absl::Minutes(1)),
              IsOkAndHolds(absl::Milliseconds(1)));
  EXPECT_THAT(config.PositiveDurationOr("UNSET", absl::Minutes(1)), IsOkAndHolds(absl::Minutes(1)));
}

TEST(Config, RangeGettersNameTheVariableAndTheRangeButNotTheValue) {
  Config config =
      Intake({"TOUSU_INTAKE_DAYS=31", "TOUSU_INTAKE_RATIO=1.5", "TOUSU_INTAKE_NAN=nan",
              "TOUSU_INTAKE_WORD=abc", "TOUSU_INTAKE_DELAY=169h", "TOUSU_INTAKE_EVERY=0s"});
  auto days = config.IntInRange("DAYS", 5, 1, 30, "business days");
  ASSERT_FALSE(days.ok());
  EXPECT_EQ(days.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(days.status()), "TOUSU_INTAKE_DAYS must be 1..30 business days");
  EXPECT_EQ(Message(config.DoubleInRange("RATIO", 0.5, 0, 1).status()),
            "TOUSU_INTAKE_RATIO must be a number 0..1");
  EXPECT_FALSE(config.DoubleInRange("NAN", 0.5, 0, 1).ok());
  EXPECT_THAT(Message(config.DoubleInRange("WORD", 0.5, 0, 1).status()),
              StartsWith("TOUSU_INTAKE_WORD: not a number"));
  EXPECT_EQ(
      Message(
          config.DurationInRange("DELAY", absl::Hours(1), absl::ZeroDuration(), absl::Hours(168))
              .status()),
      "TOUSU_INTAKE_DELAY must be 0..168h");
  EXPECT_EQ(Message(config.PositiveDurationOr("EVERY", absl::Minutes(1)).status()),
            "TOUSU_INTAKE_EVERY must be positive");
  // The integer getter's own parse errors still come first.
  EXPECT_THAT(Message(config.IntInRange("WORD", 5, 1, 30).status()),
              StartsWith("TOUSU_INTAKE_WORD: not a decimal integer"));
}

// --- Process -----------------------------------------------------------------------------------

TEST(Config, ReadsTheProcessEnvironmentAndArgv) {
  ASSERT_EQ(setenv("TOUSU_CONFIG_TEST_DB_HOST", "env-host", 1), 0);
  ASSERT_EQ(setenv("TOUSU_CONFIG_TEST_PORT", "1234", 1), 0);
  char prog[] = "intake";
  char flag[] = "--port=4321";
  char* argv[] = {prog, flag, nullptr};
  Config config = Config::FromProcess("CONFIG_TEST", 2, argv);
  EXPECT_THAT(config.Require("DB_HOST"), IsOkAndHolds(std::string("env-host")));
  EXPECT_THAT(config.IntOr("PORT", 0), IsOkAndHolds(4321));
  EXPECT_TRUE(config.CheckArgs().ok());
  unsetenv("TOUSU_CONFIG_TEST_DB_HOST");
  unsetenv("TOUSU_CONFIG_TEST_PORT");
}

}  // namespace
}  // namespace tousu::config
