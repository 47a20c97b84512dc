// tousuctl: argument parsing, enum names, tables with Chinese text, masking, JSON, and whole
// command lines against in-process fake services on loopback.

#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "complaints/analytics/v1/analytics.grpc.pb.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "complaints/staff/v1/assessment.grpc.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "tools/tousuctl/args.h"
#include "tools/tousuctl/commands.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/json.h"
#include "tools/tousuctl/render.h"
#include "tools/tousuctl/render_case.h"
#include "tools/tousuctl/render_follow_up.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {
namespace {

namespace chv1 = complaints::casehandling::v1;
namespace cv1 = complaints::common::v1;
namespace fv1 = complaints::followup::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace sv1 = complaints::staff::v1;

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Column (in display columns) at which `needle` starts in `line`.
size_t ColumnOf(const std::string& line, const std::string& needle) {
  const size_t at = line.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " not in " << line;
  return DisplayWidth(line.substr(0, at));
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

absl::Time At(const char* rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

// --- Arguments ----------------------------------------------------------------------------------

const std::vector<FlagSpec> kSpecs = {
    {.name = "department", .value_name = "DEPT"},
    {.name = "assist", .value_name = "DEPT", .repeatable = true},
    {.name = "json"},
    {.name = "active"},
    {.name = "page-size", .value_name = "N"},
    {.name = "help"},
};

TEST(ArgsTest, ValuesBooleansAndPositionalsMix) {
  auto p = ParseFlags({"TS-202611-000001", "--department", "engineering", "--json",
                       "--active=false", "--page-size=20", "extra"},
                      kSpecs);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->positional, ElementsAre("TS-202611-000001", "extra"));
  EXPECT_EQ(p->Get("department"), "engineering");
  EXPECT_EQ(*p->Bool("json"), std::optional<bool>(true));
  EXPECT_EQ(*p->Bool("active"), std::optional<bool>(false));
  EXPECT_EQ(*p->Int("page-size", 1, 200), std::optional<int>(20));
  EXPECT_FALSE(p->Has("assist"));
  EXPECT_EQ(*p->Bool("help"), std::nullopt);
}

TEST(ArgsTest, DoubleDashEndsFlagsAndDashIsAnArgument) {
  auto p = ParseFlags({"-", "--", "--json", "-x"}, kSpecs);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->positional, ElementsAre("-", "--json", "-x"));
  EXPECT_FALSE(p->Has("json"));
}

TEST(ArgsTest, RepeatableFlagsCollectAndSplitAtCommas) {
  auto p = ParseFlags({"--assist", "sales, handover", "--assist=property-management"}, kSpecs);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->List("assist"), ElementsAre("sales", "handover", "property-management"));
}

TEST(ArgsTest, ValueMayStartWithDashWhenGivenWithEquals) {
  auto p = ParseFlags({"--department=--odd"}, kSpecs);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->Get("department"), "--odd");
}

TEST(ArgsTest, ShortHelp) {
  auto p = ParseFlags({"-h"}, kSpecs);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Has("help"));
}

TEST(ArgsTest, TextThatIsNotUtf8IsRefusedNamingTheFlagOrArgument) {
  const std::string gbk = "\xB9\xA4\xB3\xCC";  // "工程" in GBK
  EXPECT_EQ(ParseFlags({"--department", gbk}, kSpecs).status().message(),
            "--department: not UTF-8 text (is the terminal set to UTF-8?)");
  EXPECT_EQ(ParseFlags({"--department=" + gbk}, kSpecs).status().message(),
            "--department: not UTF-8 text (is the terminal set to UTF-8?)");
  EXPECT_THAT(ParseFlags({"TS-202611-000001", gbk}, kSpecs).status().message(),
              HasSubstr("argument 2: not UTF-8 text"));
  EXPECT_THAT(ParseFlags({"--", gbk}, kSpecs).status().message(),
              HasSubstr("argument 1: not UTF-8 text"));
  EXPECT_TRUE(ParseFlags({"--department", "工程"}, kSpecs).ok());
}

TEST(ArgsTest, Errors) {
  EXPECT_THAT(ParseFlags({"--nope"}, kSpecs).status().message(), HasSubstr("unknown flag --nope"));
  EXPECT_THAT(ParseFlags({"-j"}, kSpecs).status().message(), HasSubstr("unknown flag -j"));
  EXPECT_THAT(ParseFlags({"--department"}, kSpecs).status().message(),
              HasSubstr("--department needs a value"));
  EXPECT_THAT(ParseFlags({"--department", "--json"}, kSpecs).status().message(),
              HasSubstr("--department needs a value"));
  EXPECT_THAT(ParseFlags({"--department", "a", "--department=b"}, kSpecs).status().message(),
              HasSubstr("--department given more than once"));
  auto p = ParseFlags({"--active=maybe", "--page-size", "0"}, kSpecs);
  ASSERT_TRUE(p.ok());
  EXPECT_THAT(p->Bool("active").status().message(), HasSubstr("--active: expected true or false"));
  EXPECT_THAT(p->Int("page-size", 1, 200).status().message(),
              HasSubstr("--page-size: expected a whole number from 1 to 200"));
}

// --- Enum names ---------------------------------------------------------------------------------

TEST(EnumsTest, CommandLineNamesFromTheProtos) {
  EXPECT_EQ(EnumName(cv1::CATEGORY_PRODUCT_QUALITY), "product-quality");
  EXPECT_EQ(EnumName(cv1::CATEGORY_PROPERTY_SERVICE), "property-service");
  EXPECT_EQ(EnumName(cv1::CHANNEL_WALK_IN), "walk-in");
  EXPECT_EQ(EnumName(cv1::JOURNEY_STAGE_PRE_SALE), "pre-sale");
  EXPECT_EQ(EnumName(cv1::SEVERITY_CRITICAL), "critical");
  EXPECT_EQ(EnumName(iv1::COMPLAINT_STATUS_WITH_SUPERVISOR), "with-supervisor");
  EXPECT_EQ(EnumName(iv1::TIMELINE_EVENT_TYPE_ASSIGNMENT_REJECTED), "assignment-rejected");
  EXPECT_EQ(EnumName(sv1::STAFF_ROLE_CALLBACK_AGENT), "callback-agent");
  EXPECT_EQ(EnumName(sv1::DEPARTMENT_KIND_ENGINEERING_QUALITY), "engineering-quality");
  EXPECT_EQ(EnumName(rv1::ASSIGNMENT_STATE_ACKNOWLEDGED), "acknowledged");
  EXPECT_EQ(EnumName(cv1::CATEGORY_UNSPECIFIED), "-");
  // A newer server's value is shown neutrally, never an error.
  EXPECT_EQ(EnumName(static_cast<cv1::Channel>(42)), "other(42)");
  EXPECT_THAT(EnumNames<cv1::Channel>(), ElementsAre("hotline", "web", "app", "walk-in", "email"));
  EXPECT_THAT(EnumNames<cv1::JourneyStage>(),
              ElementsAre("pre-sale", "sale", "handover", "property-service"));
}

TEST(EnumsTest, EveryNameParsesBack) {
  auto round_trip = [](const google::protobuf::EnumDescriptor* d) {
    for (int i = 0; i < d->value_count(); ++i) {
      const int number = d->value(i)->number();
      if (number == 0) continue;
      const std::string name = EnumName(d, number);
      auto parsed = ParseEnum(d, name, "--x");
      ASSERT_TRUE(parsed.ok()) << d->full_name() << " " << name << ": " << parsed.status();
      EXPECT_EQ(*parsed, number) << name;
      EXPECT_EQ(*ParseEnum(d, d->value(i)->name(), "--x"), number);  // the proto name too
    }
  };
  round_trip(cv1::Category_descriptor());
  round_trip(cv1::Channel_descriptor());
  round_trip(cv1::JourneyStage_descriptor());
  round_trip(cv1::Severity_descriptor());
  round_trip(iv1::ComplaintStatus_descriptor());
  round_trip(sv1::StaffRole_descriptor());
  round_trip(sv1::DepartmentKind_descriptor());
  round_trip(chv1::CaseState_descriptor());
  round_trip(chv1::InvestigationKind_descriptor());
  round_trip(chv1::ContactChannel_descriptor());
  round_trip(fv1::CallbackMethod_descriptor());
  round_trip(fv1::TaskKind_descriptor());
}

TEST(EnumsTest, CaseAndFollowUpNames) {
  EXPECT_EQ(EnumName(chv1::CASE_STATE_AWAITING_DECISION), "awaiting-decision");
  EXPECT_EQ(EnumName(chv1::INVESTIGATION_KIND_SITE_VISIT), "site-visit");
  EXPECT_EQ(EnumName(chv1::CONTACT_PURPOSE_DEADLINE_EXTENSION), "deadline-extension");
  EXPECT_EQ(EnumName(fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK), "awaiting-callback");
  EXPECT_EQ(EnumName(fv1::TASK_KIND_PROGRESS_UPDATE), "progress-update");
  EXPECT_EQ(EnumName(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_UNSATISFIED), "customer-unsatisfied");
  EXPECT_EQ(*ParseEnumAs<chv1::InvestigationKind>("site", "--kind"),
            chv1::INVESTIGATION_KIND_SITE_VISIT);
  EXPECT_EQ(*ParseEnumAs<chv1::CaseState>("awaiting", "--state"),
            chv1::CASE_STATE_AWAITING_DECISION);
  EXPECT_EQ(*ParseEnumAs<fv1::TaskKind>("callback", "--kind"), fv1::TASK_KIND_CALLBACK);
}

TEST(EnumsTest, ForgivingSpellingsAndLeadingWords) {
  EXPECT_EQ(*ParseEnumAs<cv1::Channel>("WALK_IN", "--channel"), cv1::CHANNEL_WALK_IN);
  EXPECT_EQ(*ParseEnumAs<cv1::Channel>("walkin", "--channel"), cv1::CHANNEL_WALK_IN);
  EXPECT_EQ(*ParseEnumAs<cv1::Channel>("Walk-In", "--channel"), cv1::CHANNEL_WALK_IN);
  EXPECT_EQ(*ParseEnumAs<cv1::JourneyStage>("property", "--stage"),
            cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
  EXPECT_EQ(*ParseEnumAs<cv1::Category>("sales", "--category"), cv1::CATEGORY_SALES_SERVICE);
  EXPECT_EQ(*ParseEnumAs<sv1::StaffRole>("callback", "--role"), sv1::STAFF_ROLE_CALLBACK_AGENT);
}

TEST(EnumsTest, UnknownUnspecifiedAndAmbiguousAreRejectedNamingTheFlag) {
  auto bad = ParseEnumAs<cv1::Severity>("huge", "--severity");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), AllOf(HasSubstr("--severity"), HasSubstr("\"huge\""),
                                            HasSubstr("low, medium, high, critical")));
  EXPECT_FALSE(ParseEnumAs<cv1::Severity>("unspecified", "--severity").ok());
  EXPECT_FALSE(ParseEnumAs<cv1::Severity>("SEVERITY_UNSPECIFIED", "--severity").ok());
  EXPECT_FALSE(ParseEnumAs<cv1::Severity>("", "--severity").ok());
  // "pre" and "sale" are different stages: a prefix must be whole words of exactly one name.
  EXPECT_EQ(*ParseEnumAs<cv1::JourneyStage>("sale", "--stage"), cv1::JOURNEY_STAGE_SALE);
  EXPECT_FALSE(ParseEnumAs<cv1::JourneyStage>("pr", "--stage").ok());
}

// --- Tables -------------------------------------------------------------------------------------

TEST(TableTest, DisplayWidthCountsCjkAsTwoColumns) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("墙体开裂"), 8u);
  EXPECT_EQ(DisplayWidth("3栋 1502"), 8u);
  EXPECT_EQ(DisplayWidth("阳光花园，"), 10u);       // fullwidth comma
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4u);              // fullwidth Latin
  EXPECT_EQ(DisplayWidth("陽光花園"), 8u);          // Traditional
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1u);         // e + combining acute
  EXPECT_EQ(DisplayWidth("\xF0\x9F\x98\x80"), 2u);  // emoji
  EXPECT_EQ(DisplayWidth("한국"), 4u);              // hangul
  EXPECT_EQ(DisplayWidth("\xFF"), 1u);              // invalid byte: one U+FFFD
}

TEST(TableTest, ChineseCellsLineUp) {
  Table t({"NUMBER", "PROJECT", "UNIT", "STATUS"});
  t.AddRow({"TS-202611-000001", "阳光花园", "3栋 1502", "routed"});
  t.AddRow({"TS-202611-000002", "Sunny Garden Phase II", "A-1", "received"});
  t.AddRow({"TS-202611-000003", "翠湖", "", "acknowledged"});
  const auto lines = Lines(t.Render());
  ASSERT_EQ(lines.size(), 4u);
  const size_t unit_col = ColumnOf(lines[0], "UNIT");
  const size_t status_col = ColumnOf(lines[0], "STATUS");
  EXPECT_EQ(ColumnOf(lines[1], "3栋"), unit_col);
  EXPECT_EQ(ColumnOf(lines[2], "A-1"), unit_col);
  EXPECT_EQ(ColumnOf(lines[3], "- "), unit_col);  // an empty cell shows as "-"
  EXPECT_EQ(ColumnOf(lines[1], "routed"), status_col);
  EXPECT_EQ(ColumnOf(lines[2], "received"), status_col);
  EXPECT_EQ(ColumnOf(lines[3], "acknowledged"), status_col);
  // The widest project decides the column: two spaces after it.
  EXPECT_EQ(unit_col, ColumnOf(lines[0], "PROJECT") + DisplayWidth("Sunny Garden Phase II") + 2);
  for (const auto& line : lines) EXPECT_NE(line.back(), ' ') << line;
}

TEST(TableTest, RightAlignedNumbers) {
  Table t({"#", "ACTION"});
  t.AlignRight(0);
  t.AddRow({"1", "routed"});
  t.AddRow({"10", "acknowledged"});
  EXPECT_EQ(t.Render(), " #  ACTION\n 1  routed\n10  acknowledged\n");
}

TEST(TableTest, TruncatesByColumnsWithoutSplittingCharacters) {
  EXPECT_EQ(Truncate("墙体开裂渗水", 12), "墙体开裂渗水");
  EXPECT_EQ(Truncate("墙体开裂渗水", 8), "墙体...");    // 5 columns for text: 开 would need 6
  EXPECT_EQ(Truncate("墙体开裂渗水", 9), "墙体开...");  // exactly 9
  EXPECT_EQ(Truncate("abcdefghij", 6), "abc...");
  Table t({"DESCRIPTION", "X"});
  t.MaxWidth(0, 10);
  t.AddRow({"卫生间墙体开裂，雨天渗水", "y"});
  const auto lines = Lines(t.Render());
  EXPECT_THAT(lines[1], HasSubstr("卫生间...    y"));  // 9 columns, padded to the header's 11
  EXPECT_EQ(ColumnOf(lines[1], "y"), ColumnOf(lines[0], "X"));
}

TEST(TableTest, TerminalControlsNeverReachTheOutput) {
  EXPECT_EQ(SanitizeLine("a\tb\nc"), "a b c");
  EXPECT_EQ(SanitizeLine("\x1b[31mred"), "\xEF\xBF\xBD[31mred");
  EXPECT_EQ(SanitizeLine("ok\xC2\x9B"
                         "2J"),
            "ok\xEF\xBF\xBD"
            "2J");                                              // C1 CSI
  EXPECT_EQ(SanitizeLine("x\xE2\x80\xAEy"), "x\xEF\xBF\xBDy");  // bidi override
  EXPECT_EQ(SanitizeLine("bad\xFF"), "bad\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeText("一\r\n二\r三\n"), "一\n二\n三\n");
}

TEST(TableTest, DetailsIndentContinuationLines) {
  Details d;
  d.Add("Number", "TS-202611-000001");
  d.Add("Description", "墙体开裂，\n雨天渗水");
  d.Add("Owner", "");
  EXPECT_EQ(d.Render(),
            "Number       TS-202611-000001\n"
            "Description  墙体开裂，\n"
            "             雨天渗水\n"
            "Owner        -\n");
}

// --- Times --------------------------------------------------------------------------------------

TEST(TimeTextTest, ParsesWhatPeopleType) {
  const absl::Time now = At("2026-11-26T07:00:00Z");
  EXPECT_EQ(*ParseInstant("now", "--occurred-at", now), now);
  EXPECT_EQ(*ParseInstant("NOW", "--occurred-at", now), now);
  EXPECT_EQ(*ParseInstant("2026-11-20T06:30:00Z", "--from", now), At("2026-11-20T06:30:00Z"));
  EXPECT_EQ(*ParseInstant("2026-11-20T14:30:00+08:00", "--from", now), At("2026-11-20T06:30:00Z"));
  EXPECT_EQ(*ParseInstant("2026-11-20T06:30:00.25Z", "--from", now), At("2026-11-20T06:30:00.25Z"));
  EXPECT_EQ(*ParseInstant("2026-11-20 14:30", "--from", now), At("2026-11-20T06:30:00Z"));
  EXPECT_EQ(*ParseInstant("2026-11-20T14:30:05", "--from", now), At("2026-11-20T06:30:05Z"));
  EXPECT_EQ(*ParseInstant("2026-11-20", "--from", now), At("2026-11-19T16:00:00Z"));
  auto bad = ParseInstant("yesterday", "--occurred-at", now);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), AllOf(HasSubstr("--occurred-at"), HasSubstr("yesterday")));
  EXPECT_FALSE(ParseInstant("2026-13-01", "--from", now).ok());
}

TEST(TimeTextTest, FormatsInBeijingTime) {
  EXPECT_EQ(FormatBeijing(ToProto(At("2026-11-26T07:04:59Z"))), "2026-11-26 15:04");
  EXPECT_EQ(FormatBeijing(ToProto(At("2026-12-31T16:30:00Z"))), "2027-01-01 00:30");
  EXPECT_EQ(FormatBeijing(google::protobuf::Timestamp(), false), "");
  EXPECT_EQ(FromProto(ToProto(At("2026-11-20T06:30:00.123456Z"))),
            At("2026-11-20T06:30:00.123456Z"));
}

TEST(TimeTextTest, RemainingAndTimeouts) {
  EXPECT_EQ(FormatRemaining(absl::Minutes(42)), "42m");
  EXPECT_EQ(FormatRemaining(absl::Minutes(185)), "3h05m");
  EXPECT_EQ(FormatRemaining(absl::Hours(52)), "2d04h");
  EXPECT_EQ(FormatRemaining(-absl::Minutes(7)), "overdue 7m");
  EXPECT_EQ(*ParseTimeout("5s"), absl::Seconds(5));
  EXPECT_EQ(*ParseTimeout("1500ms"), absl::Milliseconds(1500));
  EXPECT_EQ(*ParseTimeout("2.5"), absl::Milliseconds(2500));
  EXPECT_FALSE(ParseTimeout("0s").ok());
  EXPECT_FALSE(ParseTimeout("-1s").ok());
  EXPECT_FALSE(ParseTimeout("2h").ok());
  EXPECT_THAT(ParseTimeout("soon").status().message(), HasSubstr("--timeout"));
}

// --- Records, masking, JSON ---------------------------------------------------------------------

iv1::Complaint SampleComplaint() {
  iv1::Complaint c;
  c.set_number("TS-202611-000123");
  c.set_status(iv1::COMPLAINT_STATUS_ROUTED);
  c.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  c.set_department_id("engineering");
  *c.mutable_ack_due() = ToProto(At("2026-11-26T08:04:00Z"));
  *c.mutable_received_at() = ToProto(At("2026-11-26T07:04:00Z"));
  *c.mutable_updated_at() = ToProto(At("2026-11-26T07:04:01Z"));
  iv1::ComplaintInput* in = c.mutable_input();
  in->set_customer_name("张三");
  in->set_customer_phone("13800138000");
  in->set_customer_email("zhang.san@example.com");
  in->set_project("阳光花园");
  in->set_building("3栋");
  in->set_unit("1502");
  in->set_description("卫生间墙体开裂，\n雨天渗水");
  *in->mutable_occurred_at() = ToProto(At("2026-11-20T06:30:00Z"));
  in->set_severity(cv1::SEVERITY_HIGH);
  in->set_expected_resolution("上门检测并修复");
  in->set_channel(cv1::CHANNEL_HOTLINE);
  in->set_journey_stage(cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
  in->set_recorded_by_staff_id("S0006");
  auto* e = c.add_timeline();
  *e->mutable_at() = ToProto(At("2026-11-26T07:04:00Z"));
  e->set_type(iv1::TIMELINE_EVENT_TYPE_RECEIVED);
  e->set_summary("已受理");
  e->set_actor_id("S0006");
  e = c.add_timeline();
  *e->mutable_at() = ToProto(At("2026-11-26T07:04:01Z"));
  e->set_type(iv1::TIMELINE_EVENT_TYPE_ROUTED);
  e->set_summary("已分派至责任部门，须于 2026-11-26 16:04（北京时间）前确认受理");
  e->set_department_id("engineering");
  return c;
}

TEST(RenderTest, ComplaintRecordAndTimeline) {
  const std::string text = RenderComplaint(SampleComplaint(), At("2026-11-26T07:22:00Z"));
  EXPECT_THAT(text, HasSubstr("Number          TS-202611-000123\n"));
  EXPECT_THAT(text, HasSubstr("Status          routed\n"));
  EXPECT_THAT(text, HasSubstr("Ack due         2026-11-26 16:04 (42m left)\n"));
  EXPECT_THAT(text, HasSubstr("Occurred        2026-11-20 14:30\n"));
  EXPECT_THAT(text, HasSubstr("Description     卫生间墙体开裂，\n                雨天渗水\n"));
  EXPECT_THAT(text, HasSubstr("Stage           property-service\n"));
  const auto lines = Lines(text.substr(text.find("Timeline")));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(ColumnOf(lines[2], "已受理"), ColumnOf(lines[1], "SUMMARY"));
  EXPECT_EQ(ColumnOf(lines[3], "已分派"), ColumnOf(lines[1], "SUMMARY"));
  EXPECT_THAT(lines[2], HasSubstr("2026-11-26 15:04  received"));
}

TEST(RenderTest, PersonalDataIsMaskedUnlessShown) {
  iv1::Complaint c = SampleComplaint();
  const std::string clear = RenderComplaint(c, absl::Now());
  EXPECT_THAT(clear, AllOf(HasSubstr("13800138000"), HasSubstr("张三")));
  MaskComplaintInput(c.mutable_input());
  const std::string masked = RenderComplaint(c, absl::Now());
  EXPECT_THAT(masked,
              AllOf(HasSubstr("Phone           138****8000\n"), HasSubstr("Customer        张*\n"),
                    HasSubstr("Email           z***@example.com\n")));
  EXPECT_THAT(masked, AllOf(Not(HasSubstr("13800138000")), Not(HasSubstr("张三")),
                            Not(HasSubstr("zhang.san"))));
  // Landlines too.
  c.mutable_input()->set_customer_phone("010-12345678");
  MaskComplaintInput(c.mutable_input());
  EXPECT_EQ(c.input().customer_phone(), "010****5678");

  sv1::Staff s;
  s.set_id("S0021");
  s.set_name("马丽");
  s.set_phone("13800000021");
  s.set_email("ma.li@staff.example.com");
  MaskStaff(&s);
  EXPECT_EQ(s.phone(), "138****0021");
  EXPECT_EQ(s.email(), "m***@staff.example.com");
  EXPECT_EQ(s.name(), "马丽");
}

TEST(RenderTest, QueueShowsTimeLeftAndOverdue) {
  rv1::ListDepartmentQueueResponse q;
  auto* a = q.add_assignments();
  a->set_number("TS-202611-000001");
  a->set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  a->set_severity(cv1::SEVERITY_HIGH);
  *a->mutable_routed_at() = ToProto(At("2026-11-26T06:00:00Z"));
  *a->mutable_ack_due() = ToProto(At("2026-11-26T07:00:00Z"));
  a = q.add_assignments();
  a->set_number("TS-202611-000002");
  *a->mutable_ack_due() = ToProto(At("2026-11-26T07:50:00Z"));
  q.mutable_page()->set_next_page_token("abc");
  const std::string text = RenderDepartmentQueue(q, At("2026-11-26T07:05:00Z"));
  EXPECT_THAT(text, HasSubstr("overdue 5m"));
  EXPECT_THAT(text, HasSubstr("45m"));
  EXPECT_THAT(text, HasSubstr("--page-token abc"));
  EXPECT_EQ(RenderDepartmentQueue(rv1::ListDepartmentQueueResponse(), absl::Now()),
            "Nothing waiting for acknowledgement.\n");
}

TEST(RenderTest, SupervisorQueueShowsHowLongEachWaitedAndTheTimeLeft) {
  rv1::ListSupervisorQueueResponse q;
  auto* a = q.add_assignments();
  a->set_number("TS-202611-000003");
  a->set_supervisor_reason("critical_severity");
  *a->mutable_queued_at() = ToProto(At("2026-11-26T06:40:00Z"));
  *a->mutable_queue_due() = ToProto(At("2026-11-26T07:40:00Z"));
  a = q.add_assignments();
  a->set_number("TS-202611-000004");
  *a->mutable_queued_at() = ToProto(At("2026-11-26T05:50:00Z"));
  *a->mutable_queue_due() = ToProto(At("2026-11-26T06:50:00Z"));
  const std::string text = RenderSupervisorQueue(q, At("2026-11-26T07:05:00Z"));
  const std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << text;
  EXPECT_THAT(lines[0], HasSubstr("TIME LEFT"));
  EXPECT_THAT(lines[1], AllOf(HasSubstr("critical-severity"), HasSubstr("25m"), HasSubstr("35m")));
  EXPECT_THAT(lines[2], AllOf(HasSubstr("1h15m"), HasSubstr("overdue 15m")));
}

TEST(RenderTest, AssignmentWithHops) {
  rv1::Assignment a;
  a.set_number("TS-202611-000001");
  a.set_state(rv1::ASSIGNMENT_STATE_ACKNOWLEDGED);
  a.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  a.set_category_source("classifier");
  a.set_confidence(0.873);
  a.set_department_id("engineering");
  a.set_owner_staff_id("S0021");
  *a.mutable_acknowledged_at() = ToProto(At("2026-11-26T07:30:00Z"));
  a.set_acknowledged_on_time(true);
  auto* h = a.add_hops();
  h->set_hop(1);
  h->set_action("sent_to_supervisor");
  h->set_reason("low_confidence");
  h = a.add_hops();
  h->set_hop(2);
  h->set_action("assigned_by_supervisor");
  h->set_department_id("engineering");
  h->set_staff_id("S0001");
  const std::string text = RenderAssignment(a, absl::Now());
  EXPECT_THAT(text, HasSubstr("product-quality (classifier, confidence 0.87)"));
  EXPECT_THAT(text, HasSubstr("2026-11-26 15:30 (on time)"));
  EXPECT_THAT(text, HasSubstr("sent-to-supervisor"));
  EXPECT_THAT(text, HasSubstr("assigned-by-supervisor  engineering"));
}

TEST(RenderTest, ComplaintShowsCaseAndFollowUpFields) {
  iv1::Complaint c = SampleComplaint();
  const std::string before = RenderComplaint(c, At("2026-11-26T07:22:00Z"));
  EXPECT_THAT(before, AllOf(Not(HasSubstr("Cycle")), Not(HasSubstr("Tracker")),
                            Not(HasSubstr("Callback due"))));  // nothing yet to show
  c.set_status(iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  c.set_cycle(2);
  *c.mutable_solution_due() = ToProto(At("2026-12-04T10:00:00Z"));
  c.set_solution_due_extended(true);
  *c.mutable_original_solution_due() = ToProto(At("2026-11-30T09:30:00Z"));
  c.set_solution("免费重做卫生间防水层");
  c.set_tracker_staff_id("S0041");
  const std::string text = RenderComplaint(c, At("2026-12-01T10:00:00Z"));
  EXPECT_THAT(text, HasSubstr("Solution due    2026-12-04 18:00 (3d00h left) extended from "
                              "2026-11-30 17:30\n"));
  EXPECT_THAT(text, HasSubstr("Cycle           2 (reopened)\n"));
  EXPECT_THAT(text, HasSubstr("Solution        免费重做卫生间防水层\n"));
  EXPECT_THAT(text, HasSubstr("Tracker         S0041\n"));

  c.set_status(iv1::COMPLAINT_STATUS_RESOLVED);
  *c.mutable_callback_due() = ToProto(At("2026-12-03T10:00:00Z"));
  c.set_callback_due_provisional(true);
  c.set_resolution("防水层已重做");
  EXPECT_THAT(RenderComplaint(c, At("2026-12-03T11:00:00Z")),
              AllOf(HasSubstr("Callback due    2026-12-03 18:00 (provisional, overdue 1h00m)\n"),
                    HasSubstr("Resolution      防水层已重做\n")));
}

chv1::Case SampleCase() {
  chv1::Case k;
  k.set_number("TS-202611-000123");
  k.set_state(chv1::CASE_STATE_INVESTIGATING);
  k.set_cycle(1);
  k.set_department_id("engineering");
  k.set_owner_staff_id("S0021");
  k.add_assisting_department_ids("property-management");
  k.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  k.set_severity(cv1::SEVERITY_HIGH);
  k.set_complex(true);
  *k.mutable_solution_due() = ToProto(At("2026-11-30T09:30:00Z"));
  k.set_solution_due_provisional(false);
  *k.mutable_acknowledged_at() = ToProto(At("2026-11-26T07:30:00Z"));
  auto* cy = k.add_cycles();
  cy->set_cycle(1);
  *cy->mutable_opened_at() = ToProto(At("2026-11-26T07:30:00Z"));
  cy->set_opened_by("acknowledged");
  auto* dl = k.add_deadlines();
  dl->set_cycle(1);
  dl->set_kind(chv1::DEADLINE_KIND_INITIAL);
  *dl->mutable_due() = ToProto(At("2026-11-30T09:30:00Z"));
  auto* e = k.add_investigation_entries();
  e->set_id(7);
  e->set_cycle(1);
  e->set_kind(chv1::INVESTIGATION_KIND_SITE_VISIT);
  e->set_author_staff_id("S0021");
  e->set_note("现场查看：东墙两条裂缝");
  *e->mutable_at() = ToProto(At("2026-11-27T02:00:00Z"));
  auto* a = e->add_attachments();
  a->set_uri("s3://tousu-evidence/TS-202611-000123/wall.jpg");
  a->set_media_type("image/jpeg");
  a->set_sha256(std::string(64, 'a'));
  e = k.add_investigation_entries();
  e->set_id(12);
  e->set_cycle(1);
  e->set_kind(chv1::INVESTIGATION_KIND_INTERVIEW);
  e->set_author_staff_id("S0022");
  e->set_note("Interviewed the site foreman");
  auto* ct = k.add_contacts();
  ct->set_id(3);
  ct->set_cycle(1);
  ct->set_channel(chv1::CONTACT_CHANNEL_PHONE);
  ct->set_purpose(chv1::CONTACT_PURPOSE_PROGRESS);
  ct->set_staff_id("S0021");
  ct->set_summary("已告知客户：明日上门");
  auto* sol = k.add_solutions();
  sol->set_cycle(1);
  sol->set_revision(1);
  sol->set_staff_id("S0021");
  sol->set_owner_staff_id("S0021");
  sol->set_solution("免费重做防水层");
  sol->add_planned_actions("拆除墙砖");
  sol->add_planned_actions("重做防水, 闭水试验");
  sol->set_on_time(true);
  auto* d = k.add_decisions();
  d->set_cycle(1);
  d->set_revision(1);
  d->set_decision(chv1::CUSTOMER_DECISION_REJECTED);
  d->set_reason("希望更换整面墙砖");
  *d->mutable_revised_solution_due() = ToProto(At("2026-12-02T09:30:00Z"));
  return k;
}

TEST(RenderTest, CaseWithHistory) {
  const std::string text = RenderCase(SampleCase(), At("2026-11-30T08:00:00Z"));
  EXPECT_THAT(text, HasSubstr("State         investigating\n"));
  EXPECT_THAT(text, HasSubstr("Solution due  2026-11-30 17:30 (1h30m left)\n"));
  EXPECT_THAT(text, HasSubstr("Assisting     property-management\n"));
  EXPECT_THAT(text, HasSubstr("Complex       yes\n"));
  // Investigation: Chinese and Latin notes line up under NOTE; the attachment is listed.
  const std::string inv = text.substr(text.find("\nInvestigation\n") + 1);
  const auto lines = Lines(inv);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(ColumnOf(lines[2], "现场查看"), ColumnOf(lines[1], "NOTE"));
  EXPECT_EQ(ColumnOf(lines[3], "Interviewed"), ColumnOf(lines[1], "NOTE"));
  EXPECT_THAT(lines[2], HasSubstr("site-visit"));
  EXPECT_THAT(text, HasSubstr("entry 7  image/jpeg"));
  EXPECT_THAT(text, HasSubstr("s3://tousu-evidence/TS-202611-000123/wall.jpg"));
  EXPECT_THAT(text, HasSubstr("Contacts with the customer"));
  EXPECT_THAT(text, HasSubstr("已告知客户：明日上门"));
  EXPECT_THAT(text, HasSubstr("Actions      1. 拆除墙砖\n             2. 重做防水, 闭水试验\n"));
  EXPECT_THAT(text, HasSubstr("rejected"));
  EXPECT_THAT(text, HasSubstr("希望更换整面墙砖"));
  EXPECT_THAT(text, Not(HasSubstr("Implementation\n")));  // empty sections are left out
  // Past the deadline, the same case reads overdue.
  chv1::Case late = SampleCase();
  late.set_solution_deadline_missed(true);
  EXPECT_THAT(RenderCase(late, At("2026-11-30T10:00:00Z")),
              HasSubstr("Solution due  2026-11-30 17:30 (overdue 30m) MISSED\n"));
}

TEST(RenderTest, CaseListShowsTimeLeftOnlyWhileASolutionIsDue) {
  chv1::ListCasesResponse r;
  chv1::Case* k = r.add_cases();
  *k = SampleCase();
  k->clear_cycles();
  k = r.add_cases();
  k->set_number("TS-202611-000124");
  k->set_state(chv1::CASE_STATE_INVESTIGATING);
  k->set_department_id("工程部");
  *k->mutable_solution_due() = ToProto(At("2026-11-30T07:00:00Z"));
  k->set_solution_due_provisional(true);
  k = r.add_cases();
  k->set_number("TS-202611-000125");
  k->set_state(chv1::CASE_STATE_IMPLEMENTING);
  *k->mutable_solution_due() = ToProto(At("2026-11-20T07:00:00Z"));
  r.mutable_page()->set_next_page_token("c2");
  const std::string text = RenderCaseList(r, At("2026-11-30T08:00:00Z"));
  const auto lines = Lines(text);
  ASSERT_GE(lines.size(), 5u);
  EXPECT_THAT(lines[1], AllOf(HasSubstr("2026-11-30 17:30"), HasSubstr("1h30m")));
  EXPECT_THAT(lines[2], AllOf(HasSubstr("2026-11-30 15:00 *"), HasSubstr("overdue 1h00m")));
  EXPECT_THAT(lines[3], AllOf(HasSubstr("implementing"), Not(HasSubstr("2026-11-20")),
                              Not(HasSubstr("overdue"))));
  EXPECT_EQ(ColumnOf(lines[2], "工程部"), ColumnOf(lines[0], "DEPARTMENT"));
  EXPECT_EQ(ColumnOf(lines[1], "engineering"), ColumnOf(lines[0], "DEPARTMENT"));
  EXPECT_THAT(text, AllOf(HasSubstr("* provisional"), HasSubstr("--page-token c2")));
  EXPECT_EQ(RenderCaseList(chv1::ListCasesResponse(), absl::Now()), "No cases match.\n");
}

fv1::FollowUp SampleFollowUp() {
  fv1::FollowUp f;
  f.set_number("TS-202611-000123");
  f.set_state(fv1::FOLLOW_UP_STATE_OPEN);
  f.set_cycle(2);
  f.set_department_id("engineering");
  f.set_owner_staff_id("S0021");
  f.set_tracker_staff_id("S0041");
  *f.mutable_next_progress_due() = ToProto(At("2026-12-03T10:00:00Z"));
  f.set_progress_overdue(true);
  auto* cb = f.add_callbacks();
  cb->set_cycle(1);
  cb->set_status(fv1::CALLBACK_STATUS_RECORDED);
  cb->set_assigned_agent_staff_id("S0051");
  cb->set_method(fv1::CALLBACK_METHOD_PHONE);
  cb->set_recorded_by_staff_id("S0051");
  cb->set_satisfaction(2);
  cb->set_unsatisfied(true);
  cb->set_on_time(true);
  *cb->mutable_recorded_at() = ToProto(At("2026-11-28T02:00:00Z"));
  cb->set_comments("墙面仍有水渍");
  auto* u = f.add_progress_updates();
  u->set_cycle(2);
  u->set_source("tracker");
  u->set_staff_id("S0041");
  u->set_summary("已告知客户：返工中");
  u->set_on_time(true);
  *u->mutable_at() = ToProto(At("2026-11-29T02:00:00Z"));
  return f;
}

TEST(RenderTest, FollowUpWithCallbacksAndUpdates) {
  const std::string text = RenderFollowUp(SampleFollowUp(), At("2026-12-03T11:30:00Z"));
  EXPECT_THAT(text, HasSubstr("Cycle          2 (reopened)\n"));
  EXPECT_THAT(text, HasSubstr("Tracker        S0041\n"));
  EXPECT_THAT(text, HasSubstr("Next update    2026-12-03 18:00 (overdue 1h30m) OVERDUE\n"));
  EXPECT_THAT(text, AllOf(HasSubstr("2/5 unsatisfied"), HasSubstr("墙面仍有水渍"),
                          HasSubstr("2026-11-28 10:00 (on time)")));
  const auto lines = Lines(text.substr(text.find("Progress updates")));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(ColumnOf(lines[2], "已告知客户"), ColumnOf(lines[1], "SUMMARY"));

  fv1::FollowUp none = SampleFollowUp();
  none.clear_tracker_staff_id();
  EXPECT_THAT(RenderFollowUp(none, absl::Now()), HasSubstr("reassign-tracker"));
}

TEST(RenderTest, DueTasksSoonestFirstWithTimeLeft) {
  fv1::ListDueTasksResponse r;
  auto* t = r.add_tasks();
  t->set_kind(fv1::TASK_KIND_CALLBACK);
  t->set_number("TS-202611-000123");
  t->set_cycle(1);
  *t->mutable_due() = ToProto(At("2026-12-01T07:00:00Z"));
  t->set_overdue(true);
  t = r.add_tasks();
  t->set_kind(fv1::TASK_KIND_PROGRESS_UPDATE);
  t->set_number("TS-202611-000124");
  t->set_cycle(2);
  *t->mutable_due() = ToProto(At("2026-12-03T10:00:00Z"));
  t->set_due_provisional(true);
  const std::string text = RenderDueTasks(r, At("2026-12-01T08:00:00Z"));
  const auto lines = Lines(text);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[1], AllOf(HasSubstr("2026-12-01 15:00"), HasSubstr("overdue 1h00m"),
                              HasSubstr("callback"), HasSubstr("TS-202611-000123")));
  EXPECT_THAT(lines[2], AllOf(HasSubstr("2026-12-03 18:00 *"), HasSubstr("2d02h"),
                              HasSubstr("progress-update")));
  EXPECT_THAT(lines[3], HasSubstr("* provisional"));
  EXPECT_EQ(RenderDueTasks(fv1::ListDueTasksResponse(), absl::Now()), "No tasks due.\n");
}

TEST(JsonTest, TextFieldsAreTextNotBase64) {
  iv1::GetComplaintResponse r;
  *r.mutable_complaint() = SampleComplaint();
  const absl::StatusOr<std::string> printed = ToJson(r);
  ASSERT_TRUE(printed.ok()) << printed.status();
  const std::string& json = *printed;
  EXPECT_THAT(json, HasSubstr("\"project\": \"阳光花园\""));
  EXPECT_THAT(json, HasSubstr("\"description\": \"卫生间墙体开裂，\\n雨天渗水\""));
  EXPECT_THAT(json, HasSubstr("\"customerName\": \"张三\""));
  EXPECT_THAT(json, HasSubstr("\"category\": \"CATEGORY_PRODUCT_QUALITY\""));
  EXPECT_THAT(json, HasSubstr("\"receivedAt\": \"2026-11-26T07:04:00Z\""));
  EXPECT_THAT(json, HasSubstr("\"ownerStaffId\": \"\""));  // defaults printed
  EXPECT_THAT(json, Not(HasSubstr("\"solutionDue\"")));    // unset message left out
  // It is JSON.
  google::protobuf::Value parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  EXPECT_EQ(parsed.struct_value()
                .fields()
                .at("complaint")
                .struct_value()
                .fields()
                .at("number")
                .string_value(),
            "TS-202611-000123");
}

TEST(JsonTest, SameAsProtobufsOwnPrinterWithDefaultsPrinted) {
  rv1::GetAssignmentResponse r;
  rv1::Assignment* a = r.mutable_assignment();
  a->set_number("TS-202611-000001");
  a->set_state(rv1::ASSIGNMENT_STATE_ROUTED);
  a->set_confidence(0.87);
  a->set_bounces(2);
  a->add_assisting_department_ids("sales");
  *a->mutable_ack_due() = ToProto(At("2026-11-26T08:04:00.5Z"));
  a->set_category(static_cast<cv1::Category>(42));  // unknown to this build: its number
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string theirs;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(r, &theirs, options).ok());
  const std::string ours = ToJson(r).value_or("");
  google::protobuf::Value a_ours;
  google::protobuf::Value a_theirs;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ours, &a_ours).ok()) << ours;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(theirs, &a_theirs).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a_ours, a_theirs)) << ours << "\n"
                                                                                    << theirs;
}

TEST(JsonTest, ControlCharactersAreEscaped) {
  // A text field's value as printed. (Text that is not UTF-8 cannot arrive: a `string` field
  // holding it does not parse.)
  auto quoted = [](const std::string& text) {
    iv1::ComplaintInput c;
    c.set_description(text);
    const std::string json = ToJson(c).value_or("");
    const std::string key = "\"description\": ";
    const size_t at = json.find(key);
    if (at == std::string::npos) return json;
    std::string value = json.substr(at + key.size(), json.find('\n', at) - at - key.size());
    if (absl::EndsWith(value, ",")) value.pop_back();
    return value;
  };
  EXPECT_EQ(quoted("a\"b\\c\x1b[0m\t"), "\"a\\\"b\\\\c\\u001b[0m\\t\"");
  EXPECT_EQ(quoted("\xC2\x9B"), "\"\\u009b\"");
  EXPECT_EQ(quoted("墙"), "\"墙\"");
}

// --- Whole command lines ------------------------------------------------------------------------

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

class FakeIntake final : public iv1::IntakeService::Service {
 public:
  grpc::Status SubmitComplaint(grpc::ServerContext* ctx, const iv1::SubmitComplaintRequest* req,
                               iv1::SubmitComplaintResponse* resp) override {
    std::lock_guard lock(mu);
    Note(ctx);
    submitted.push_back(*req);
    iv1::Complaint* c = resp->mutable_complaint();
    c->set_number("TS-202611-000001");
    *c->mutable_input() = req->complaint();
    c->set_status(iv1::COMPLAINT_STATUS_RECEIVED);
    resp->set_replayed(submitted.size() > 1);
    return grpc::Status::OK;
  }
  grpc::Status GetComplaint(grpc::ServerContext* ctx, const iv1::GetComplaintRequest* req,
                            iv1::GetComplaintResponse* resp) override {
    std::lock_guard lock(mu);
    Note(ctx);
    if (req->number() == "TS-202611-000001") {
      *resp->mutable_complaint() = SampleComplaint();
      return grpc::Status::OK;
    }
    if (req->number() == "TS-202611-000777") {
      absl::SleepFor(absl::Seconds(1));
      return grpc::Status::OK;
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "number: no complaint " + req->number());
  }
  grpc::Status ListComplaints(grpc::ServerContext* ctx, const iv1::ListComplaintsRequest* req,
                              iv1::ListComplaintsResponse* resp) override {
    std::lock_guard lock(mu);
    Note(ctx);
    listed.push_back(*req);
    auto* s = resp->add_complaints();
    s->set_project("阳光花园");
    if (req->page().page_token().empty()) {
      s->set_number("TS-202611-000002");
      resp->mutable_page()->set_next_page_token("p2");
    } else {
      s->set_number("TS-202611-000001");
    }
    return grpc::Status::OK;
  }

  void Note(grpc::ServerContext* ctx) {
    deadlines.push_back(ctx->deadline());
    auto it = ctx->client_metadata().find("x-request-id");
    request_ids.push_back(it == ctx->client_metadata().end()
                              ? std::string()
                              : std::string(it->second.data(), it->second.size()));
  }

  std::mutex mu;
  std::vector<iv1::SubmitComplaintRequest> submitted;
  std::vector<iv1::ListComplaintsRequest> listed;
  std::vector<std::chrono::system_clock::time_point> deadlines;
  std::vector<std::string> request_ids;
};

class FakeRouting final : public rv1::RoutingService::Service {
 public:
  grpc::Status ClassifyComplaint(grpc::ServerContext*, const rv1::ClassifyComplaintRequest* req,
                                 rv1::ClassifyComplaintResponse* resp) override {
    std::lock_guard lock(mu);
    classified.push_back(req->text());
    resp->set_category(cv1::CATEGORY_PRODUCT_QUALITY);
    resp->set_confidence(0.91);
    auto* o = resp->add_others();
    o->set_category(cv1::CATEGORY_PROPERTY_SERVICE);
    o->set_probability(0.06);
    return grpc::Status::OK;
  }
  grpc::Status AcknowledgeAssignment(grpc::ServerContext*,
                                     const rv1::AcknowledgeAssignmentRequest* req,
                                     rv1::AcknowledgeAssignmentResponse* resp) override {
    std::lock_guard lock(mu);
    acks.push_back(*req);
    if (req->owner_staff_id() == "S0099") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "owner_staff_id: S0099 is not active staff of engineering");
    }
    rv1::Assignment* a = resp->mutable_assignment();
    a->set_number(req->number());
    a->set_state(rv1::ASSIGNMENT_STATE_ACKNOWLEDGED);
    a->set_department_id(req->department_id());
    a->set_owner_staff_id(req->owner_staff_id());
    a->set_acknowledged_on_time(true);
    return grpc::Status::OK;
  }
  grpc::Status AssignBySupervisor(grpc::ServerContext*, const rv1::AssignBySupervisorRequest* req,
                                  rv1::AssignBySupervisorResponse* resp) override {
    std::lock_guard lock(mu);
    assigns.push_back(*req);
    resp->mutable_assignment()->set_number(req->number());
    resp->mutable_assignment()->set_department_id(req->lead_department_id());
    return grpc::Status::OK;
  }

  std::mutex mu;
  std::vector<std::string> classified;
  std::vector<rv1::AcknowledgeAssignmentRequest> acks;
  std::vector<rv1::AssignBySupervisorRequest> assigns;
};

class FakeStaff final : public sv1::StaffService::Service {
 public:
  grpc::Status ListStaff(grpc::ServerContext*, const sv1::ListStaffRequest* req,
                         sv1::ListStaffResponse* resp) override {
    std::lock_guard lock(mu);
    listed.push_back(*req);
    auto* s = resp->add_staff();
    s->set_id("S0021");
    s->set_name("马丽");
    s->set_phone("13800000021");
    s->set_role(sv1::STAFF_ROLE_HANDLER);
    s->set_department_id("engineering");
    s->set_active(true);
    return grpc::Status::OK;
  }

  std::mutex mu;
  std::vector<sv1::ListStaffRequest> listed;
};

class FakeCase final : public chv1::CaseService::Service {
 public:
  grpc::Status GetCase(grpc::ServerContext* ctx, const chv1::GetCaseRequest* req,
                       chv1::GetCaseResponse* resp) override {
    std::lock_guard lock(mu);
    deadlines.push_back(ctx->deadline());
    if (req->number() != "TS-202611-000123") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "number: no case " + req->number());
    }
    *resp->mutable_case_file() = SampleCase();
    return grpc::Status::OK;
  }
  grpc::Status ListCases(grpc::ServerContext*, const chv1::ListCasesRequest* req,
                         chv1::ListCasesResponse* resp) override {
    std::lock_guard lock(mu);
    listed.push_back(*req);
    chv1::Case* k = resp->add_cases();
    *k = SampleCase();
    k->clear_cycles();
    if (req->page().page_token().empty()) {
      resp->mutable_page()->set_next_page_token("c2");
    } else {
      k->set_number("TS-202611-000124");
    }
    return grpc::Status::OK;
  }
  grpc::Status AddInvestigationEntry(grpc::ServerContext*,
                                     const chv1::AddInvestigationEntryRequest* req,
                                     chv1::AddInvestigationEntryResponse* resp) override {
    std::lock_guard lock(mu);
    investigations.push_back(*req);
    chv1::InvestigationEntry* e = resp->mutable_entry();
    e->set_id(17);
    e->set_cycle(1);
    e->set_kind(req->kind());
    e->set_author_staff_id(req->author_staff_id());
    e->set_note(req->note());
    *e->mutable_attachments() = req->attachments();
    return grpc::Status::OK;
  }
  grpc::Status AttachInspectionReport(grpc::ServerContext*,
                                      const chv1::AttachInspectionReportRequest* req,
                                      chv1::AttachInspectionReportResponse* resp) override {
    std::lock_guard lock(mu);
    inspections.push_back(*req);
    resp->mutable_report()->set_id(4);
    resp->mutable_report()->set_cause(req->cause());
    resp->mutable_report()->set_findings(req->findings());
    return grpc::Status::OK;
  }
  grpc::Status LogCustomerContact(grpc::ServerContext*, const chv1::LogCustomerContactRequest* req,
                                  chv1::LogCustomerContactResponse* resp) override {
    std::lock_guard lock(mu);
    contacts.push_back(*req);
    if (req->number() == "TS-202611-000503") {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "database is down");
    }
    resp->mutable_contact()->set_id(5);
    resp->mutable_contact()->set_summary(req->summary());
    resp->mutable_contact()->set_channel(req->channel());
    return grpc::Status::OK;
  }
  grpc::Status ProposeSolution(grpc::ServerContext*, const chv1::ProposeSolutionRequest* req,
                               chv1::ProposeSolutionResponse* resp) override {
    std::lock_guard lock(mu);
    proposals.push_back(*req);
    chv1::Solution* s = resp->mutable_solution();
    s->set_cycle(1);
    s->set_revision(2);
    s->set_staff_id(req->staff_id());
    s->set_owner_staff_id("S0021");
    s->set_solution(req->solution());
    *s->mutable_planned_actions() = req->planned_actions();
    *s->mutable_planned_completion() = req->planned_completion();
    *s->mutable_due() = ToProto(At("2026-11-30T09:30:00Z"));
    s->set_on_time(req->staff_id() != "S0022");
    return grpc::Status::OK;
  }
  grpc::Status ExtendSolutionDeadline(grpc::ServerContext*,
                                      const chv1::ExtendSolutionDeadlineRequest* req,
                                      chv1::ExtendSolutionDeadlineResponse* resp) override {
    std::lock_guard lock(mu);
    extensions.push_back(*req);
    *resp->mutable_deadline()->mutable_due() = req->new_due();
    *resp->mutable_previous()->mutable_due() = ToProto(At("2026-11-30T09:30:00Z"));
    resp->mutable_notice()->set_id(6);
    resp->mutable_notice()->set_purpose(chv1::CONTACT_PURPOSE_DEADLINE_EXTENSION);
    resp->mutable_notice()->set_summary(req->customer_notice());
    return grpc::Status::OK;
  }
  grpc::Status RecordCustomerDecision(grpc::ServerContext*,
                                      const chv1::RecordCustomerDecisionRequest* req,
                                      chv1::RecordCustomerDecisionResponse* resp) override {
    std::lock_guard lock(mu);
    decisions.push_back(*req);
    if (req->revision() == 1) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "revision: solution 1 was replaced by solution 2");
    }
    chv1::Decision* d = resp->mutable_decision();
    d->set_revision(2);
    d->set_decision(req->decision());
    d->set_reason(req->reason());
    if (req->decision() == chv1::CUSTOMER_DECISION_REJECTED) {
      *d->mutable_revised_solution_due() = ToProto(At("2026-12-02T09:30:00Z"));
    }
    return grpc::Status::OK;
  }
  grpc::Status RecordImplementationProgress(
      grpc::ServerContext*, const chv1::RecordImplementationProgressRequest* req,
      chv1::RecordImplementationProgressResponse* resp) override {
    std::lock_guard lock(mu);
    progress.push_back(*req);
    resp->mutable_note()->set_note(req->note());
    resp->mutable_note()->set_plan_changed(req->plan_changed());
    resp->mutable_note()->set_customer_explanation(req->customer_explanation());
    return grpc::Status::OK;
  }
  grpc::Status ResolveCase(grpc::ServerContext*, const chv1::ResolveCaseRequest* req,
                           chv1::ResolveCaseResponse* resp) override {
    std::lock_guard lock(mu);
    resolutions.push_back(*req);
    chv1::Case* k = resp->mutable_case_file();
    k->set_number(req->number());
    k->set_state(chv1::CASE_STATE_RESOLVED);
    k->set_cycle(1);
    return grpc::Status::OK;
  }

  std::mutex mu;
  std::vector<std::chrono::system_clock::time_point> deadlines;
  std::vector<chv1::ListCasesRequest> listed;
  std::vector<chv1::AddInvestigationEntryRequest> investigations;
  std::vector<chv1::AttachInspectionReportRequest> inspections;
  std::vector<chv1::LogCustomerContactRequest> contacts;
  std::vector<chv1::ProposeSolutionRequest> proposals;
  std::vector<chv1::ExtendSolutionDeadlineRequest> extensions;
  std::vector<chv1::RecordCustomerDecisionRequest> decisions;
  std::vector<chv1::RecordImplementationProgressRequest> progress;
  std::vector<chv1::ResolveCaseRequest> resolutions;
};

class FakeFollowUp final : public fv1::FollowUpService::Service {
 public:
  grpc::Status GetFollowUp(grpc::ServerContext* ctx, const fv1::GetFollowUpRequest* req,
                           fv1::GetFollowUpResponse* resp) override {
    std::lock_guard lock(mu);
    deadlines.push_back(ctx->deadline());
    *resp->mutable_follow_up() = SampleFollowUp();
    resp->mutable_follow_up()->set_number(req->number());
    return grpc::Status::OK;
  }
  grpc::Status ReassignTracker(grpc::ServerContext*, const fv1::ReassignTrackerRequest* req,
                               fv1::ReassignTrackerResponse* resp) override {
    std::lock_guard lock(mu);
    reassigned.push_back(*req);
    *resp->mutable_follow_up() = SampleFollowUp();
    resp->mutable_follow_up()->set_tracker_staff_id(req->tracker_staff_id());
    return grpc::Status::OK;
  }
  grpc::Status RecordProgressUpdate(grpc::ServerContext*,
                                    const fv1::RecordProgressUpdateRequest* req,
                                    fv1::RecordProgressUpdateResponse* resp) override {
    std::lock_guard lock(mu);
    updates.push_back(*req);
    resp->mutable_update()->set_on_time(true);
    *resp->mutable_next_due() = ToProto(At("2026-12-01T07:22:00Z"));
    return grpc::Status::OK;
  }
  grpc::Status RecordCallback(grpc::ServerContext*, const fv1::RecordCallbackRequest* req,
                              fv1::RecordCallbackResponse* resp) override {
    std::lock_guard lock(mu);
    callbacks.push_back(*req);
    fv1::Callback* cb = resp->mutable_callback();
    cb->set_cycle(1);
    cb->set_status(fv1::CALLBACK_STATUS_RECORDED);
    cb->set_method(req->method());
    cb->set_satisfaction(req->satisfaction());
    cb->set_comments(req->comments());
    cb->set_recorded_by_staff_id(req->callback_agent_staff_id());
    cb->set_unsatisfied(req->satisfaction() <= 2);
    resp->set_state(cb->unsatisfied() ? fv1::FOLLOW_UP_STATE_REOPENING
                                      : fv1::FOLLOW_UP_STATE_CLOSED);
    return grpc::Status::OK;
  }
  grpc::Status IssueQuestionnaireLink(grpc::ServerContext*,
                                      const fv1::IssueQuestionnaireLinkRequest* req,
                                      fv1::IssueQuestionnaireLinkResponse* resp) override {
    std::lock_guard lock(mu);
    links.push_back(*req);
    resp->set_token("tok_abcdefghijklmnopqrstuvwxyz0123456789ABCD");
    resp->set_cycle(1);
    *resp->mutable_due() = ToProto(At("2026-12-01T10:00:00Z"));
    return grpc::Status::OK;
  }
  grpc::Status SubmitQuestionnaire(grpc::ServerContext*, const fv1::SubmitQuestionnaireRequest* req,
                                   fv1::SubmitQuestionnaireResponse* resp) override {
    std::lock_guard lock(mu);
    submitted.push_back(*req);
    resp->set_number("TS-202611-000123");
    resp->set_cycle(1);
    return grpc::Status::OK;
  }
  grpc::Status ListDueTasks(grpc::ServerContext*, const fv1::ListDueTasksRequest* req,
                            fv1::ListDueTasksResponse* resp) override {
    std::lock_guard lock(mu);
    tasks.push_back(*req);
    auto* t = resp->add_tasks();
    t->set_kind(fv1::TASK_KIND_PROGRESS_UPDATE);
    t->set_number("TS-202611-000123");
    t->set_cycle(1);
    *t->mutable_due() = ToProto(At("2026-11-26T07:00:00Z"));
    t->set_overdue(true);
    return grpc::Status::OK;
  }

  std::mutex mu;
  std::vector<std::chrono::system_clock::time_point> deadlines;
  std::vector<fv1::ReassignTrackerRequest> reassigned;
  std::vector<fv1::RecordProgressUpdateRequest> updates;
  std::vector<fv1::RecordCallbackRequest> callbacks;
  std::vector<fv1::IssueQuestionnaireLinkRequest> links;
  std::vector<fv1::SubmitQuestionnaireRequest> submitted;
  std::vector<fv1::ListDueTasksRequest> tasks;
};

// The analytics service as far as the analytics verbs need it: answers from canned figures and
// remembers what it was asked.
class FakeAnalytics final : public complaints::analytics::v1::AnalyticsService::Service {
 public:
  using Summary = complaints::analytics::v1::GetMonthlySummaryRequest;
  grpc::Status GetMonthlySummary(
      grpc::ServerContext*, const Summary* req,
      complaints::analytics::v1::GetMonthlySummaryResponse* resp) override {
    std::lock_guard lock(mu);
    summaries.push_back(*req);
    auto* s = resp->mutable_summary();
    s->set_year(req->year());
    s->set_month(req->month());
    s->set_total(40);
    s->set_previous_month_total(32);
    s->set_total_change(8);
    s->set_total_change_percent(25);
    auto* c = s->add_by_category();
    c->set_value("product_quality");
    c->set_count(30);
    s->mutable_acknowledgement_time()->set_samples(40);
    s->mutable_acknowledgement_time()->set_mean_seconds(1800);
    s->mutable_acknowledgement_time()->set_p50_seconds(1500);
    s->mutable_acknowledgement_time()->set_p90_seconds(5400);
    s->mutable_acknowledgement_sla()->set_met(36);
    s->mutable_acknowledgement_sla()->set_missed(4);
    s->mutable_acknowledgement_sla()->set_rate(0.9);
    return grpc::Status::OK;
  }
  grpc::Status GenerateMonthlyReport(
      grpc::ServerContext*, const complaints::analytics::v1::GenerateMonthlyReportRequest* req,
      complaints::analytics::v1::GenerateMonthlyReportResponse* resp) override {
    std::lock_guard lock(mu);
    ++generated;
    resp->mutable_report()->set_year(req->year());
    resp->mutable_report()->set_month(req->month());
    resp->mutable_report()->set_html("<html>月度投诉分析报告</html>");
    resp->mutable_report()->set_json("{\"total\":40}");
    resp->mutable_report()->mutable_generated_at()->set_seconds(1796000000);
    return grpc::Status::OK;
  }
  grpc::Status GetReport(grpc::ServerContext*, const complaints::analytics::v1::GetReportRequest*,
                         complaints::analytics::v1::GetReportResponse*) override {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no report of 2026-10 is stored");
  }
  std::mutex mu;
  std::vector<Summary> summaries;
  int generated = 0;
};

// The assessment API as far as the training, assessment and accountability verbs need it: answers
// from canned records and remembers every request.
class FakeAssessment final : public sv1::AssessmentService::Service {
 public:
  static sv1::Assessment BelowTheBar() {
    sv1::Assessment a;
    a.set_year(2026);
    a.set_quarter(1);
    a.set_staff_id("S0022");
    a.set_department_id("engineering");
    a.set_role(sv1::STAFF_ROLE_HANDLER);
    a.set_cases_touched(2);
    a.set_sla_checks(4);
    a.set_sla_met(1);
    a.set_timeliness_rate(0.25);
    a.set_satisfaction_responses(1);
    a.set_average_satisfaction(3);
    a.set_cases_resolved(1);
    a.set_resolved_without_reopening(0);
    a.set_score(25);
    a.set_grade(sv1::GRADE_BELOW_BAR);
    a.set_role_review(true);
    a.set_enrolled_plan_id("plan-handler");
    a.set_run_number(2);
    a.mutable_computed_at()->set_seconds(1775030400);  // 2026-04-01 08:00 UTC
    return a;
  }
  static sv1::Assessment Excellent() {
    sv1::Assessment a;
    a.set_year(2026);
    a.set_quarter(1);
    a.set_staff_id("S0021");
    a.set_department_id("engineering");
    a.set_role(sv1::STAFF_ROLE_HANDLER);
    a.set_cases_touched(2);
    a.set_sla_checks(4);
    a.set_sla_met(4);
    a.set_timeliness_rate(1);
    a.set_satisfaction_responses(2);
    a.set_average_satisfaction(4.5);
    a.set_cases_resolved(2);
    a.set_resolved_without_reopening(2);
    a.set_effectiveness_rate(1);
    a.set_score(96.25);
    a.set_grade(sv1::GRADE_EXCELLENT);
    a.set_reward(true);
    a.set_run_number(2);
    return a;
  }
  static sv1::AccountabilityRecord Record() {
    sv1::AccountabilityRecord r;
    r.set_id(3);
    r.set_number("TS-202602-000003");
    r.set_staff_id("S0022");
    r.set_department_id("engineering");
    r.set_cause(sv1::ACCOUNTABILITY_CAUSE_DELAY);
    r.set_severity(sv1::ACCOUNTABILITY_SEVERITY_MINOR);
    r.set_measure(sv1::ACCOUNTABILITY_MEASURE_CRITICISM_AND_EDUCATION);
    r.set_decided_by_staff_id("S0002");
    r.mutable_decided_at()->set_seconds(1773990000);
    r.set_note("首次超时，批评教育");
    r.set_suggestion_id(7);
    return r;
  }

  grpc::Status UpsertTrainingCourse(grpc::ServerContext*,
                                    const sv1::UpsertTrainingCourseRequest* req,
                                    sv1::UpsertTrainingCourseResponse* resp) override {
    std::lock_guard lock(mu);
    courses_set.push_back(*req);
    *resp->mutable_course() = req->course();
    resp->set_outcome(sv1::UPSERT_OUTCOME_CREATED);
    return grpc::Status::OK;
  }
  grpc::Status ListTrainingCourses(grpc::ServerContext*, const sv1::ListTrainingCoursesRequest* req,
                                   sv1::ListTrainingCoursesResponse* resp) override {
    std::lock_guard lock(mu);
    courses_listed.push_back(*req);
    auto* c = resp->add_courses();
    c->set_id("handler-investigation");
    c->set_title("投诉调查方法");
    c->set_topic("调查取证");
    c->set_target_role(sv1::STAFF_ROLE_HANDLER);
    c->set_hours(6);
    return grpc::Status::OK;
  }
  grpc::Status UpsertTrainingPlan(grpc::ServerContext*, const sv1::UpsertTrainingPlanRequest* req,
                                  sv1::UpsertTrainingPlanResponse* resp) override {
    std::lock_guard lock(mu);
    plans_set.push_back(*req);
    *resp->mutable_plan() = req->plan();
    resp->set_outcome(sv1::UPSERT_OUTCOME_UNCHANGED);
    return grpc::Status::OK;
  }
  grpc::Status ListTrainingPlans(grpc::ServerContext*, const sv1::ListTrainingPlansRequest* req,
                                 sv1::ListTrainingPlansResponse* resp) override {
    std::lock_guard lock(mu);
    plans_listed.push_back(*req);
    auto* p = resp->add_plans();
    p->set_id("plan-handler");
    p->set_name("处理人员培训");
    p->set_role(sv1::STAFF_ROLE_HANDLER);
    p->add_course_ids("handler-customer-communication");
    p->add_course_ids("handler-investigation");
    return grpc::Status::OK;
  }
  grpc::Status Enrol(grpc::ServerContext*, const sv1::EnrolRequest* req,
                     sv1::EnrolResponse* resp) override {
    std::lock_guard lock(mu);
    enrolled.push_back(*req);
    auto* e = resp->add_enrolments();
    e->set_staff_id(req->staff_id());
    e->set_course_id(req->course_id().empty() ? "handler-investigation" : req->course_id());
    e->set_plan_id(req->plan_id());
    e->set_reason("manual");
    e->mutable_enrolled_at()->set_seconds(1796000000);
    resp->set_newly_enrolled(1);
    return grpc::Status::OK;
  }
  grpc::Status RecordTrainingCompletion(grpc::ServerContext*,
                                        const sv1::RecordTrainingCompletionRequest* req,
                                        sv1::RecordTrainingCompletionResponse* resp) override {
    std::lock_guard lock(mu);
    completed.push_back(*req);
    auto* e = resp->mutable_enrolment();
    e->set_staff_id(req->staff_id());
    e->set_course_id(req->course_id());
    e->set_reason("assessment");
    e->set_assessment_quarter("2026Q1");
    e->set_completed(true);
    *e->mutable_completed_at() = req->completed_at();
    e->set_result(req->result());
    return grpc::Status::OK;
  }
  grpc::Status ListTrainingStatus(grpc::ServerContext*, const sv1::ListTrainingStatusRequest* req,
                                  sv1::ListTrainingStatusResponse* resp) override {
    std::lock_guard lock(mu);
    statuses.push_back(*req);
    auto* p = resp->add_people();
    p->set_staff_id("S0022");
    p->set_role(sv1::STAFF_ROLE_HANDLER);
    p->set_department_id("engineering");
    p->set_open(1);
    auto* e = p->add_enrolments();
    e->set_staff_id("S0022");
    e->set_course_id("handler-investigation");
    e->set_plan_id("plan-handler");
    e->set_reason("assessment");
    e->set_assessment_quarter("2026Q1");
    return grpc::Status::OK;
  }
  grpc::Status RunQuarterlyAssessment(grpc::ServerContext*,
                                      const sv1::RunQuarterlyAssessmentRequest* req,
                                      sv1::RunQuarterlyAssessmentResponse* resp) override {
    std::lock_guard lock(mu);
    runs.push_back(*req);
    resp->set_year(req->year());
    resp->set_quarter(req->quarter());
    resp->set_run_number(2);
    resp->set_replaced_previous_run(true);
    *resp->add_assessments() = Excellent();
    *resp->add_assessments() = BelowTheBar();
    resp->set_weight_timeliness(0.4);
    resp->set_weight_satisfaction(0.3);
    resp->set_weight_effectiveness(0.3);
    resp->set_excellent_threshold(90);
    resp->set_pass_threshold(60);
    return grpc::Status::OK;
  }
  grpc::Status GetAssessment(grpc::ServerContext*, const sv1::GetAssessmentRequest* req,
                             sv1::GetAssessmentResponse* resp) override {
    std::lock_guard lock(mu);
    gets.push_back(*req);
    if (req->staff_id() != "S0022") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "staff_id: no assessment of " + req->staff_id() + " in 2026Q1");
    }
    *resp->mutable_assessment() = BelowTheBar();
    *resp->mutable_assessment()->add_accountability() = Record();
    return grpc::Status::OK;
  }
  grpc::Status ListAssessments(grpc::ServerContext*, const sv1::ListAssessmentsRequest* req,
                               sv1::ListAssessmentsResponse* resp) override {
    std::lock_guard lock(mu);
    lists.push_back(*req);
    *resp->add_assessments() = BelowTheBar();
    return grpc::Status::OK;
  }
  grpc::Status ExplainAssessment(grpc::ServerContext*, const sv1::ExplainAssessmentRequest* req,
                                 sv1::ExplainAssessmentResponse* resp) override {
    std::lock_guard lock(mu);
    explains.push_back(*req);
    *resp->mutable_assessment() = BelowTheBar();
    auto* e = resp->add_evidence();
    e->set_number("TS-202602-000003");
    e->set_kind("sla");
    e->set_sla("acknowledgement");
    e->set_met(false);
    e->mutable_at()->set_seconds(1771207200);
    e->add_events("AcknowledgementOverdue:ev-1");
    e->add_events("ComplaintAcknowledged:ev-2");
    return grpc::Status::OK;
  }
  grpc::Status ListAccountabilitySuggestions(
      grpc::ServerContext*, const sv1::ListAccountabilitySuggestionsRequest* req,
      sv1::ListAccountabilitySuggestionsResponse* resp) override {
    std::lock_guard lock(mu);
    suggestions.push_back(*req);
    auto* s = resp->add_suggestions();
    s->set_id(7);
    s->set_number("TS-202602-000003");
    s->set_staff_id("S0022");
    s->set_department_id("engineering");
    s->set_cause(sv1::ACCOUNTABILITY_CAUSE_DELAY);
    s->set_severity(sv1::ACCOUNTABILITY_SEVERITY_MINOR);
    s->set_rule("late_acknowledgement");
    s->set_reason("acknowledged after the 1-hour deadline");
    s->set_event("ComplaintAcknowledged:ev-2");
    s->set_status(sv1::SUGGESTION_STATUS_PENDING);
    return grpc::Status::OK;
  }
  grpc::Status RecordAccountability(grpc::ServerContext*,
                                    const sv1::RecordAccountabilityRequest* req,
                                    sv1::RecordAccountabilityResponse* resp) override {
    std::lock_guard lock(mu);
    recorded.push_back(*req);
    *resp->mutable_record() = Record();
    return grpc::Status::OK;
  }
  grpc::Status ListAccountability(grpc::ServerContext*, const sv1::ListAccountabilityRequest* req,
                                  sv1::ListAccountabilityResponse* resp) override {
    std::lock_guard lock(mu);
    records_listed.push_back(*req);
    *resp->add_records() = Record();
    return grpc::Status::OK;
  }

  // Requests of every kind, so a refused command line can be seen to have sent nothing.
  size_t Requests() {
    std::lock_guard lock(mu);
    return courses_set.size() + courses_listed.size() + plans_set.size() + plans_listed.size() +
           enrolled.size() + completed.size() + statuses.size() + runs.size() + gets.size() +
           lists.size() + explains.size() + suggestions.size() + recorded.size() +
           records_listed.size();
  }

  std::mutex mu;
  std::vector<sv1::UpsertTrainingCourseRequest> courses_set;
  std::vector<sv1::ListTrainingCoursesRequest> courses_listed;
  std::vector<sv1::UpsertTrainingPlanRequest> plans_set;
  std::vector<sv1::ListTrainingPlansRequest> plans_listed;
  std::vector<sv1::EnrolRequest> enrolled;
  std::vector<sv1::RecordTrainingCompletionRequest> completed;
  std::vector<sv1::ListTrainingStatusRequest> statuses;
  std::vector<sv1::RunQuarterlyAssessmentRequest> runs;
  std::vector<sv1::GetAssessmentRequest> gets;
  std::vector<sv1::ListAssessmentsRequest> lists;
  std::vector<sv1::ExplainAssessmentRequest> explains;
  std::vector<sv1::ListAccountabilitySuggestionsRequest> suggestions;
  std::vector<sv1::RecordAccountabilityRequest> recorded;
  std::vector<sv1::ListAccountabilityRequest> records_listed;
};

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&intake_);
    builder.RegisterService(&routing_);
    builder.RegisterService(&staff_);
    builder.RegisterService(&case_);
    builder.RegisterService(&followup_);
    builder.RegisterService(&analytics_);
    builder.RegisterService(&assessment_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = absl::StrCat("127.0.0.1:", port_);
    env_.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars_.find(name);
      if (it == vars_.end()) return std::nullopt;
      return it->second;
    };
    env_.now = [] { return At("2026-11-26T07:22:00Z"); };
    env_.new_request_id = [] { return std::string("rid-1"); };
    env_.in = &stdin_;
    // Every service at the fake, through the environment (as a shell would set it).
    vars_["TOUSU_CTL_INTAKE_ADDR"] = address_;
    vars_["TOUSU_CTL_ROUTING_ADDR"] = address_;
    vars_["TOUSU_CTL_STAFF_ADDR"] = address_;
    vars_["TOUSU_CTL_CASE_ADDR"] = address_;
    vars_["TOUSU_CTL_FOLLOWUP_ADDR"] = address_;
    vars_["TOUSU_CTL_ANALYTICS_ADDR"] = address_;
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  Result RunCli(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    Result r;
    r.code = ctl::Run(args, out, err, env_);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

  std::vector<std::string> SubmitArgs() {
    return {"submit",
            "--name",
            "张三",
            "--phone",
            "13800138000",
            "--project",
            "阳光花园",
            "--building",
            "3栋",
            "--unit",
            "1502",
            "--description",
            "卫生间墙体开裂，雨天渗水",
            "--occurred-at",
            "2026-11-20 14:30",
            "--severity",
            "high",
            "--expected",
            "上门检测并修复",
            "--channel",
            "hotline",
            "--stage",
            "property",
            "--recorded-by",
            "s0006"};
  }

  FakeIntake intake_;
  FakeRouting routing_;
  FakeStaff staff_;
  FakeCase case_;
  FakeFollowUp followup_;
  FakeAnalytics analytics_;
  FakeAssessment assessment_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
  std::map<std::string, std::string> vars_;
  std::istringstream stdin_;
  Environment env_;
};

TEST_F(CommandLineTest, SubmitSendsEveryFieldAndPrintsTheRequestId) {
  Result r = RunCli(SubmitArgs());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("request id: rid-1"));
  EXPECT_THAT(r.out, HasSubstr("Recorded TS-202611-000001 (request id rid-1)."));
  EXPECT_THAT(r.out, HasSubstr("138****8000"));
  EXPECT_THAT(r.out, Not(HasSubstr("13800138000")));
  ASSERT_EQ(intake_.submitted.size(), 1u);
  const iv1::SubmitComplaintRequest& req = intake_.submitted[0];
  EXPECT_EQ(req.request_id(), "rid-1");
  EXPECT_EQ(intake_.request_ids[0], "rid-1");  // also the call's request id, for the logs
  const iv1::ComplaintInput& in = req.complaint();
  EXPECT_EQ(in.customer_name(), "张三");
  EXPECT_EQ(in.customer_phone(), "13800138000");
  EXPECT_EQ(in.customer_email(), "");
  EXPECT_EQ(in.project(), "阳光花园");
  EXPECT_EQ(in.building(), "3栋");
  EXPECT_EQ(in.unit(), "1502");
  EXPECT_EQ(in.description(), "卫生间墙体开裂，雨天渗水");
  EXPECT_EQ(FromProto(in.occurred_at()), At("2026-11-20T06:30:00Z"));
  EXPECT_EQ(in.severity(), cv1::SEVERITY_HIGH);
  EXPECT_EQ(in.expected_resolution(), "上门检测并修复");
  EXPECT_EQ(in.channel(), cv1::CHANNEL_HOTLINE);
  EXPECT_EQ(in.journey_stage(), cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
  EXPECT_EQ(in.recorded_by_staff_id(), "S0006");
  EXPECT_EQ(in.staff_category(), cv1::CATEGORY_UNSPECIFIED);
  // Every call carries a deadline: now + --timeout (5s by default). The server sees it as a
  // timeout relative to its own clock, so allow some slack either way.
  const auto left = intake_.deadlines[0] - std::chrono::system_clock::now();
  EXPECT_GT(left, std::chrono::seconds(3));
  EXPECT_LT(left, std::chrono::seconds(6));
}

TEST_F(CommandLineTest, SubmitRetryReusesTheRequestId) {
  ASSERT_EQ(RunCli(SubmitArgs()).code, 0);
  auto args = SubmitArgs();
  args.insert(args.end(),
              {"--request-id", "rid-1", "--category", "product-quality", "--description", "-"});
  args.erase(args.begin() + 11, args.begin() + 13);  // the first --description
  stdin_.str("卫生间墙体开裂，雨天渗水\n");
  Result r = RunCli(args);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("request id:")));  // given, not made
  EXPECT_THAT(r.out, HasSubstr("Already recorded as TS-202611-000001"));
  ASSERT_EQ(intake_.submitted.size(), 2u);
  EXPECT_EQ(intake_.submitted[1].request_id(), "rid-1");
  EXPECT_EQ(intake_.submitted[1].complaint().description(), "卫生间墙体开裂，雨天渗水");
  EXPECT_EQ(intake_.submitted[1].complaint().staff_category(), cv1::CATEGORY_PRODUCT_QUALITY);
}

TEST_F(CommandLineTest, SubmitJsonIsTheResponseWithTextAndMaskedPhone) {
  auto args = SubmitArgs();
  args.push_back("--json");
  Result r = RunCli(args);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"customerPhone\": \"138****8000\""));
  EXPECT_THAT(r.out, HasSubstr("\"project\": \"阳光花园\""));
  EXPECT_THAT(r.out, HasSubstr("\"replayed\": false"));
  google::protobuf::Value parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << r.out;

  args.push_back("--show-personal-data");
  r = RunCli(args);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"customerPhone\": \"13800138000\""));
}

TEST_F(CommandLineTest, SubmitWithoutRequiredFlagsIsAUsageError) {
  Result r = RunCli({"submit", "--name", "张三", "--phone", "13800138000"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              AllOf(HasSubstr("--project"), HasSubstr("--description"), HasSubstr("--occurred-at"),
                    HasSubstr("--severity"), HasSubstr("--channel"), HasSubstr("--stage"),
                    HasSubstr("tousuctl submit --help")));
  EXPECT_TRUE(intake_.submitted.empty());
  auto args = SubmitArgs();
  args[16] = "huge";  // --severity
  r = RunCli(args);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--severity: unknown value \"huge\""));
  args = SubmitArgs();
  args[14] = "last week";  // --occurred-at
  r = RunCli(args);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--occurred-at"));
  EXPECT_TRUE(intake_.submitted.empty());
}

TEST_F(CommandLineTest, TextThatIsNotUtf8IsAUsageErrorAndNothingIsSent) {
  auto args = SubmitArgs();
  args[2] = "\xD5\xC5\xC8\xFD";  // --name "张三" typed in a GBK terminal
  Result r = RunCli(args);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--name: not UTF-8 text"));
  args = SubmitArgs();
  args[12] = "-";  // --description from standard input
  stdin_.str("\xC2\xA9 \xFF");
  r = RunCli(args);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("standard input: not UTF-8 text"));
  EXPECT_TRUE(intake_.submitted.empty());
}

TEST_F(CommandLineTest, GetShowsTheRecordAndFailuresGiveTheCode) {
  Result r = RunCli({"get", "ts-202611-000001"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(
      r.out, AllOf(HasSubstr("TS-202611-000123"), HasSubstr("Timeline"), HasSubstr("138****8000")));
  r = RunCli({"get", "TS-202611-000999"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("tousuctl: get: NOT_FOUND: number: no complaint TS-202611-000999"));
}

TEST_F(CommandLineTest, TimeoutGivesDeadlineExceeded) {
  Result r = RunCli({"get", "TS-202611-000777", "--timeout", "200ms"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("DEADLINE_EXCEEDED"), HasSubstr("--timeout")));
}

TEST_F(CommandLineTest, UnreachableServiceIsUnavailableAndNamesTheAddress) {
  // A port nothing listens on: the flag wins over the environment.
  Result r = RunCli({"--intake", "127.0.0.1:1", "get", "TS-202611-000001", "--timeout", "3s"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("UNAVAILABLE"), HasSubstr("127.0.0.1:1"),
                           HasSubstr("TOUSU_CTL_INTAKE_ADDR")));
}

TEST_F(CommandLineTest, ListFollowsEveryPageWithAll) {
  Result r = RunCli({"list", "--project", "阳光花园", "--status", "routed", "--from", "2026-11-01",
                     "--page-size", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("TS-202611-000002"), HasSubstr("--page-token p2")));
  EXPECT_THAT(r.out, Not(HasSubstr("TS-202611-000001")));
  ASSERT_EQ(intake_.listed.size(), 1u);
  EXPECT_EQ(intake_.listed[0].project(), "阳光花园");
  EXPECT_EQ(intake_.listed[0].status(), iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(FromProto(intake_.listed[0].received_from()), At("2026-10-31T16:00:00Z"));
  EXPECT_FALSE(intake_.listed[0].has_received_to());
  EXPECT_EQ(intake_.listed[0].page().page_size(), 1);

  r = RunCli({"list", "--all", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("TS-202611-000002"), HasSubstr("TS-202611-000001"),
                           HasSubstr("\"nextPageToken\": \"\"")));
  ASSERT_EQ(intake_.listed.size(), 3u);
  EXPECT_EQ(intake_.listed[2].page().page_token(), "p2");
}

TEST_F(CommandLineTest, ClassifyThenAck) {
  Result r = RunCli({"classify", "卫生间墙体开裂，", "雨天渗水"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(routing_.classified, ElementsAre("卫生间墙体开裂， 雨天渗水"));
  EXPECT_THAT(r.out, AllOf(HasSubstr("product-quality"), HasSubstr("0.91"), HasSubstr("suggested"),
                           HasSubstr("property-service"), HasSubstr("0.06")));

  r = RunCli({"ack", "TS-202611-000001", "--department", "Engineering", "--owner", "s0021"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Acknowledged TS-202611-000001 for engineering, owner S0021"));
  ASSERT_EQ(routing_.acks.size(), 1u);
  EXPECT_EQ(routing_.acks[0].department_id(), "engineering");
  EXPECT_EQ(routing_.acks[0].owner_staff_id(), "S0021");

  r = RunCli({"ack", "TS-202611-000001", "--department", "engineering", "--owner", "S0099"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION: owner_staff_id: S0099 is not active staff"));

  r = RunCli({"ack", "TS-202611-000001", "--owner", "S0021"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("ack needs --department"));
  r = RunCli({"ack", "--department", "engineering", "--owner", "S0021"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("ack takes NUMBER"));
}

TEST_F(CommandLineTest, AssignTakesAssistingDepartments) {
  Result r = RunCli({"assign", "TS-202611-000001", "--supervisor", "S0001", "--lead", "engineering",
                     "--assist", "sales,handover", "--complex"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(routing_.assigns.size(), 1u);
  EXPECT_THAT(routing_.assigns[0].assisting_department_ids(), ElementsAre("sales", "handover"));
  EXPECT_TRUE(routing_.assigns[0].complex());
}

TEST_F(CommandLineTest, StaffListFiltersAndMasks) {
  Result r =
      RunCli({"staff", "list", "--department", "engineering", "--role", "handler", "--active"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(staff_.listed.size(), 1u);
  EXPECT_EQ(staff_.listed[0].role(), sv1::STAFF_ROLE_HANDLER);
  EXPECT_TRUE(staff_.listed[0].has_active());
  EXPECT_TRUE(staff_.listed[0].active());
  EXPECT_THAT(r.out, AllOf(HasSubstr("马丽"), HasSubstr("138****0021"), HasSubstr("handler")));
  r = RunCli({"staff", "list", "--show-personal-data"});
  EXPECT_THAT(r.out, HasSubstr("13800000021"));
  EXPECT_FALSE(staff_.listed[1].has_active());
}

const std::string kSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

TEST_F(CommandLineTest, CaseGetAndListCarryDeadlinesAndFilters) {
  Result r = RunCli({"case", "get", "ts-202611-000123"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("Solution due  2026-11-30 17:30 (4d02h left)"),
                           HasSubstr("现场查看：东墙两条裂缝")));
  const auto left = case_.deadlines[0] - std::chrono::system_clock::now();
  EXPECT_GT(left, std::chrono::seconds(3));  // a deadline, as every call has
  EXPECT_LT(left, std::chrono::seconds(6));
  r = RunCli({"case", "get", "TS-202611-000999"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("tousuctl: case get: NOT_FOUND: number: no case TS-202611-000999"));

  r = RunCli({"case", "list", "--department", "Engineering", "--owner", "s0021", "--state",
              "investigating", "--all"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(case_.listed.size(), 2u);
  EXPECT_EQ(case_.listed[0].department_id(), "engineering");
  EXPECT_EQ(case_.listed[0].owner_staff_id(), "S0021");
  EXPECT_EQ(case_.listed[0].state(), chv1::CASE_STATE_INVESTIGATING);
  EXPECT_EQ(case_.listed[1].page().page_token(), "c2");
  EXPECT_THAT(r.out, AllOf(HasSubstr("TS-202611-000123"), HasSubstr("TS-202611-000124"),
                           HasSubstr("4d02h"), Not(HasSubstr("--page-token"))));
  EXPECT_EQ(RunCli({"case", "list", "--state", "lost"}).code, 2);
}

TEST_F(CommandLineTest, InvestigateTakesRepeatedAttachments) {
  Result r =
      RunCli({"case", "investigate", "TS-202611-000123", "--kind", "site-visit", "--by", "s0021",
              "--note", "现场查看：卫生间东墙两条裂缝，雨后渗水", "--attachment",
              "s3://tousu-evidence/TS-202611-000123/wall.jpg,image/jpeg," + kSha, "--attachment",
              "https://docs.example.com/a?x=1,2,application/pdf, " + std::string(64, 'A')});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(case_.investigations.size(), 1u);
  const chv1::AddInvestigationEntryRequest& req = case_.investigations[0];
  EXPECT_EQ(req.number(), "TS-202611-000123");
  EXPECT_EQ(req.kind(), chv1::INVESTIGATION_KIND_SITE_VISIT);
  EXPECT_EQ(req.author_staff_id(), "S0021");
  EXPECT_EQ(req.note(), "现场查看：卫生间东墙两条裂缝，雨后渗水");
  ASSERT_EQ(req.attachments_size(), 2);
  EXPECT_EQ(req.attachments(0).uri(), "s3://tousu-evidence/TS-202611-000123/wall.jpg");
  EXPECT_EQ(req.attachments(0).media_type(), "image/jpeg");
  EXPECT_EQ(req.attachments(0).sha256(), kSha);
  EXPECT_EQ(req.attachments(1).uri(), "https://docs.example.com/a?x=1,2");  // its comma kept
  EXPECT_EQ(req.attachments(1).media_type(), "application/pdf");
  EXPECT_EQ(req.attachments(1).sha256(), std::string(64, 'a'));  // lower case
  EXPECT_THAT(r.out, AllOf(HasSubstr("Logged investigation entry 17 on TS-202611-000123."),
                           HasSubstr("Kind         site-visit"), HasSubstr(kSha)));

  for (const std::string& bad :
       std::vector<std::string>{"s3://x/y.jpg,image/jpeg", "s3://x/y.jpg,image/jpeg,abc",
                                ",image/jpeg," + kSha, "s3://x/y.jpg,," + kSha}) {
    r = RunCli({"case", "investigate", "TS-202611-000123", "--kind", "evidence", "--by", "S0021",
                "--note", "照片", "--attachment", bad});
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_THAT(r.err, HasSubstr("--attachment")) << bad;
  }
  r = RunCli({"case", "investigate", "TS-202611-000123", "--kind", "walk", "--by", "S0021",
              "--note", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--kind: unknown value \"walk\"; one of site-visit"));
  EXPECT_EQ(case_.investigations.size(), 1u);
}

TEST_F(CommandLineTest, InspectReadsOneTextFromStandardInput) {
  stdin_.str("东墙防水层断裂约40厘米，\n砂浆空鼓\n");
  Result r =
      RunCli({"case", "inspect", "TS-202611-000123", "--inspector", "S0031", "--severity", "high",
              "--cause", "防水层施工缺陷", "--findings", "-", "--repair", "重做卫生间防水层"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(case_.inspections.size(), 1u);
  EXPECT_EQ(case_.inspections[0].findings(), "东墙防水层断裂约40厘米，\n砂浆空鼓");
  EXPECT_EQ(case_.inspections[0].severity(), cv1::SEVERITY_HIGH);
  EXPECT_EQ(case_.inspections[0].recommended_repair(), "重做卫生间防水层");
  EXPECT_THAT(r.out, HasSubstr("Findings     东墙防水层断裂约40厘米，\n             砂浆空鼓\n"));
  r = RunCli({"case", "inspect", "TS-202611-000123", "--inspector", "S0031", "--severity", "high",
              "--cause", "-", "--findings", "-", "--repair", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("standard input was already read"));
  EXPECT_EQ(case_.inspections.size(), 1u);
}

TEST_F(CommandLineTest, ContactAndAnUnknownOutcome) {
  Result r = RunCli({"case", "contact", "TS-202611-000123", "--by", "S0021", "--channel", "phone",
                     "--summary", "已告知客户：明日上午工程师上门检测"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(case_.contacts[0].channel(), chv1::CONTACT_CHANNEL_PHONE);
  EXPECT_EQ(case_.contacts[0].staff_id(), "S0021");
  EXPECT_THAT(r.out, HasSubstr("Logged contact 5 with the customer of TS-202611-000123"));
  // A write whose outcome is unknown says how to check before repeating it.
  r = RunCli({"case", "contact", "TS-202611-000503", "--by", "S0021", "--channel", "sms",
              "--summary", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("case contact: UNAVAILABLE: database is down"),
                           HasSubstr("TOUSU_CTL_CASE_ADDR"),
                           HasSubstr("check with 'tousuctl case get TS-202611-000503'")));
}

TEST_F(CommandLineTest, ProposeSendsActionsInOrderAndReportsLateness) {
  Result r = RunCli({"case", "propose", "TS-202611-000123", "--by", "S0021", "--solution",
                     "免费重做卫生间防水层并修补墙面", "--action", "12月1日 拆除墙砖", "--action",
                     "12月2日 重做防水, 闭水试验48小时", "--action", "12月5日 恢复墙砖",
                     "--complete-by", "2026-12-05 18:00"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(case_.proposals.size(), 1u);
  const chv1::ProposeSolutionRequest& req = case_.proposals[0];
  EXPECT_EQ(req.solution(), "免费重做卫生间防水层并修补墙面");
  EXPECT_THAT(
      req.planned_actions(),
      ElementsAre("12月1日 拆除墙砖", "12月2日 重做防水, 闭水试验48小时", "12月5日 恢复墙砖"));
  EXPECT_EQ(FromProto(req.planned_completion()), At("2026-12-05T10:00:00Z"));
  EXPECT_THAT(r.out, AllOf(HasSubstr("Proposed solution 2 of cycle 1 for TS-202611-000123"),
                           Not(HasSubstr("LATE")),
                           HasSubstr("Actions      1. 12月1日 拆除墙砖\n"
                                     "             2. 12月2日 重做防水, 闭水试验48小时\n"),
                           HasSubstr("Complete by  2026-12-05 18:00")));

  r = RunCli({"case", "propose", "TS-202611-000123", "--by", "S0022", "--solution", "方案",
              "--action", "修复", "--complete-by", "2026-12-05"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("LATE: proposed after the deadline 2026-11-30 17:30, an SLA breach "
                               "counted against S0022, who proposed it."));

  r = RunCli({"case", "propose", "TS-202611-000123", "--by", "S0021", "--solution", "方案"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("case propose needs --action, --complete-by"));
  r = RunCli({"case", "propose", "TS-202611-000123", "--by", "S0021", "--solution", "方案",
              "--action", "修复", "--complete-by", "next week"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--complete-by"));
  EXPECT_EQ(case_.proposals.size(), 2u);
}

TEST_F(CommandLineTest, ExtendLogsTheNotice) {
  Result r = RunCli({"case", "extend", "TS-202611-000123", "--by", "S0021", "--until",
                     "2026-12-04 18:00", "--reason", "需第三方检测机构出具报告", "--channel",
                     "phone", "--notice", "因需第三方检测，解决方案将于12月4日前提供"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(case_.extensions.size(), 1u);
  EXPECT_EQ(FromProto(case_.extensions[0].new_due()), At("2026-12-04T10:00:00Z"));
  EXPECT_EQ(case_.extensions[0].notice_channel(), chv1::CONTACT_CHANNEL_PHONE);
  EXPECT_EQ(case_.extensions[0].reason(), "需第三方检测机构出具报告");
  EXPECT_THAT(r.out, AllOf(HasSubstr("from 2026-11-30 17:30 to 2026-12-04 18:00"),
                           HasSubstr("logged as contact 6"), HasSubstr("deadline-extension")));
}

TEST_F(CommandLineTest, DecideAcceptsOrRejectsWithAReason) {
  Result r = RunCli({"case", "decide", "TS-202611-000123", "--accept", "--recorded-by", "s0021"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(case_.decisions[0].decision(), chv1::CUSTOMER_DECISION_ACCEPTED);
  EXPECT_EQ(case_.decisions[0].recorded_by_staff_id(), "S0021");
  EXPECT_EQ(case_.decisions[0].revision(), 0);
  EXPECT_THAT(r.out, HasSubstr("The customer accepted solution 2 of TS-202611-000123"));

  r = RunCli({"case", "decide", "TS-202611-000123", "--reject", "--reason", "希望更换整面墙砖",
              "--revision", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(case_.decisions[1].decision(), chv1::CUSTOMER_DECISION_REJECTED);
  EXPECT_EQ(case_.decisions[1].reason(), "希望更换整面墙砖");
  EXPECT_EQ(case_.decisions[1].revision(), 2);
  EXPECT_EQ(case_.decisions[1].recorded_by_staff_id(), "");
  EXPECT_THAT(r.out, AllOf(HasSubstr("a revised solution is due by 2026-12-02 17:30"),
                           HasSubstr("(customer, in the app)")));

  r = RunCli(
      {"case", "decide", "TS-202611-000123", "--reject", "--reason", "x", "--revision", "1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION: revision: solution 1 was replaced"));

  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--accept", "--reject", "--reason", "x"},
                                             {},
                                             {"--reject"},
                                             {"--accept", "--reason", "x"},
                                             {"--accept", "--revision", "0"}}) {
    std::vector<std::string> args = {"case", "decide", "TS-202611-000123"};
    args.insert(args.end(), bad.begin(), bad.end());
    r = RunCli(args);
    EXPECT_EQ(r.code, 2) << absl::StrJoin(bad, " ");
  }
  EXPECT_EQ(case_.decisions.size(), 3u);
}

TEST_F(CommandLineTest, ProgressWithAChangedPlanNeedsTheExplanation) {
  Result r = RunCli({"case", "progress", "TS-202611-000123", "--by", "S0021", "--note",
                     "墙砖已拆除，防水层施工中"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(case_.progress[0].plan_changed());
  EXPECT_EQ(case_.progress[0].explanation_channel(), chv1::CONTACT_CHANNEL_UNSPECIFIED);
  r = RunCli({"case", "progress", "TS-202611-000123", "--by", "S0021", "--note", "闭水试验延长",
              "--plan-changed", "--channel", "app", "--explanation", "完工推迟一天至12月6日"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(case_.progress[1].plan_changed());
  EXPECT_EQ(case_.progress[1].customer_explanation(), "完工推迟一天至12月6日");
  EXPECT_EQ(case_.progress[1].explanation_channel(), chv1::CONTACT_CHANNEL_APP);
  EXPECT_THAT(r.out, HasSubstr("plan changed; the explanation was logged as a contact"));
  r = RunCli({"case", "progress", "TS-202611-000123", "--by", "S0021", "--note", "x",
              "--plan-changed", "--channel", "app"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--plan-changed needs --explanation"));
  r = RunCli({"case", "progress", "TS-202611-000123", "--by", "S0021", "--note", "x",
              "--explanation", "y"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(case_.progress.size(), 2u);
}

TEST_F(CommandLineTest, ResolveThenFollowUp) {
  Result r = RunCli({"case", "resolve", "TS-202611-000123", "--by", "S0021", "--result",
                     "防水层已重做，闭水试验合格"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(case_.resolutions[0].result(), "防水层已重做，闭水试验合格");
  EXPECT_THAT(r.out, HasSubstr("Resolved TS-202611-000123 (cycle 1)"));

  r = RunCli({"follow-up", "get", "TS-202611-000123"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("Tracker        S0041"), HasSubstr("墙面仍有水渍")));
  EXPECT_FALSE(followup_.deadlines.empty());
  // "followup" is accepted for "follow-up".
  EXPECT_EQ(RunCli({"followup", "get", "TS-202611-000123", "--json"}).code, 0);

  r = RunCli({"follow-up", "reassign-tracker", "TS-202611-000123", "--tracker", "s0042", "--reason",
              "原跟进人员休假"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(followup_.reassigned[0].tracker_staff_id(), "S0042");
  EXPECT_EQ(followup_.reassigned[0].reason(), "原跟进人员休假");
  EXPECT_THAT(r.out, HasSubstr("TS-202611-000123 is tracked by S0042."));

  r = RunCli({"follow-up", "progress-update", "TS-202611-000123", "--tracker", "S0042", "--summary",
              "已电话告知客户：返工进行中"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(followup_.updates[0].summary(), "已电话告知客户：返工进行中");
  EXPECT_THAT(r.out, HasSubstr("(on time).\nThe next one is due 2026-12-01 15:22 (5d00h left)."));
}

TEST_F(CommandLineTest, CallbackClosesOrReopens) {
  Result r = RunCli({"follow-up", "callback", "TS-202611-000123", "--agent", "S0051", "--method",
                     "phone", "--satisfaction", "4", "--comments", "维修及时", "--suggestions",
                     "希望提前告知上门时间"});
  ASSERT_EQ(r.code, 0) << r.err;
  const fv1::RecordCallbackRequest& req = followup_.callbacks[0];
  EXPECT_EQ(req.method(), fv1::CALLBACK_METHOD_PHONE);
  EXPECT_EQ(req.satisfaction(), 4);
  EXPECT_EQ(req.cycle(), 0);
  EXPECT_EQ(req.comments(), "维修及时");
  EXPECT_EQ(req.suggestions(), "希望提前告知上门时间");
  EXPECT_THAT(r.out, AllOf(HasSubstr("satisfaction 4/5; the customer is satisfied and the "
                                     "complaint is closed."),
                           HasSubstr("Comments      维修及时")));

  r = RunCli({"follow-up", "callback", "TS-202611-000123", "--agent", "S0051", "--method",
              "questionnaire", "--satisfaction", "2", "--cycle", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(followup_.callbacks[1].cycle(), 1);
  EXPECT_THAT(r.out, HasSubstr("the customer is not satisfied: the case goes back"));

  r = RunCli({"follow-up", "callback", "TS-202611-000123", "--agent", "S0051", "--method", "phone",
              "--satisfaction", "6"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--satisfaction: expected a whole number from 1 to 5"));
  EXPECT_EQ(followup_.callbacks.size(), 2u);
}

TEST_F(CommandLineTest, QuestionnaireLinkAndAnswer) {
  Result r = RunCli({"follow-up", "questionnaire-link", "TS-202611-000123", "--agent", "S0051"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(followup_.links[0].issued_by_staff_id(), "S0051");
  EXPECT_THAT(r.out,
              AllOf(HasSubstr("\n  tok_abcdefghijklmnopqrstuvwxyz0123456789ABCD\n"),
                    HasSubstr("callback due 2026-12-01 18:00"), HasSubstr("shown only this once")));

  stdin_.str("tok_abcdefghijklmnopqrstuvwxyz0123456789ABCD\n");
  r = RunCli(
      {"follow-up", "questionnaire-submit", "-", "--satisfaction", "5", "--comments", "非常满意"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(followup_.submitted[0].token(), "tok_abcdefghijklmnopqrstuvwxyz0123456789ABCD");
  EXPECT_EQ(followup_.submitted[0].comments(), "非常满意");
  EXPECT_THAT(r.out, HasSubstr("answer for TS-202611-000123 (cycle 1): satisfaction 5/5"));
  EXPECT_EQ(RunCli({"follow-up", "questionnaire-submit", "--satisfaction", "5"}).code, 2);
}

TEST_F(CommandLineTest, TasksOfAStaffMember) {
  Result r = RunCli({"follow-up", "tasks", "s0041", "--kind", "progress-update"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(followup_.tasks[0].staff_id(), "S0041");
  EXPECT_EQ(followup_.tasks[0].kind(), fv1::TASK_KIND_PROGRESS_UPDATE);
  EXPECT_THAT(r.out, AllOf(HasSubstr("2026-11-26 15:00"), HasSubstr("overdue 22m"),
                           HasSubstr("progress-update")));
  EXPECT_EQ(RunCli({"follow-up", "tasks"}).code, 2);
}

TEST_F(CommandLineTest, CaseAndFollowUpAddressesFromFlags) {
  Result r =
      RunCli({"case", "get", "TS-202611-000123", "--case", "127.0.0.1:1", "--timeout", "3s"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("case-handling service running at 127.0.0.1:1"),
                           HasSubstr("TOUSU_CTL_CASE_ADDR")));
  r = RunCli(
      {"--followup", "127.0.0.1:1", "follow-up", "get", "TS-202611-000123", "--timeout", "3s"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("follow-up service running at 127.0.0.1:1"),
                           HasSubstr("TOUSU_CTL_FOLLOWUP_ADDR")));
  // The other address does not matter to a verb.
  r = RunCli({"--followup", "127.0.0.1:1", "case", "get", "TS-202611-000123"});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(CommandLineUsageTest, HelpAndBadUsage) {
  Environment env;
  env.now = [] { return absl::Now(); };
  env.new_request_id = [] { return std::string("x"); };
  auto run = [&](const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    Result r;
    r.code = ctl::Run(args, out, err, env);
    r.out = out.str();
    r.err = err.str();
    return r;
  };
  Result r = run({"help"});
  EXPECT_EQ(r.code, 0);
  for (const char* verb : {"submit",
                           "get NUMBER",
                           "list",
                           "classify TEXT",
                           "rules",
                           "rule-set",
                           "assignment NUMBER",
                           "queue",
                           "ack NUMBER",
                           "reject NUMBER",
                           "supervisor-queue",
                           "assign NUMBER",
                           "staff list",
                           "staff get ID",
                           "departments",
                           "TOUSU_CTL_INTAKE_ADDR",
                           "127.0.0.1:7106",
                           "case get NUMBER",
                           "case list",
                           "case investigate NUMBER",
                           "case inspect NUMBER",
                           "case contact NUMBER",
                           "case propose NUMBER",
                           "case extend NUMBER",
                           "case decide NUMBER",
                           "case progress NUMBER",
                           "case resolve NUMBER",
                           "follow-up get NUMBER",
                           "follow-up reassign-tracker NUMBER",
                           "follow-up progress-update NUMBER",
                           "follow-up callback NUMBER",
                           "follow-up questionnaire-link NUMBER",
                           "follow-up questionnaire-submit TOKEN",
                           "follow-up tasks STAFF_ID",
                           "TOUSU_CTL_CASE_ADDR",
                           "127.0.0.1:7103",
                           "TOUSU_CTL_FOLLOWUP_ADDR",
                           "127.0.0.1:7104"}) {
    EXPECT_THAT(r.out, HasSubstr(verb));
  }
  EXPECT_EQ(run({"--help"}).code, 0);
  r = run({"ack", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, AllOf(HasSubstr("Usage: tousuctl ack NUMBER --department DEPT --owner "
                                     "STAFF_ID [flags]"),
                           HasSubstr("(required)")));
  EXPECT_EQ(run({"help", "staff", "get"}).code, 0);
  EXPECT_EQ(run({"staff", "--help"}).code, 0);
  r = run({"submit", "-h"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("--severity LEVEL"));
  EXPECT_THAT(r.out, HasSubstr("low, medium, high, critical"));

  EXPECT_EQ(run({}).code, 2);
  r = run({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown verb \"frobnicate\""));
  EXPECT_EQ(run({"staff"}).code, 2);
  // The new groups: a list of their verbs, and every verb explained with an example.
  r = run({"case", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, AllOf(HasSubstr("case propose NUMBER"), HasSubstr("case resolve NUMBER")));
  r = run({"follow-up"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              AllOf(HasSubstr("follow-up needs a second word"), HasSubstr("follow-up tasks")));
  r = run({"case", "frob"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown verb \"case frob\""));
  for (const char* verb : {"get", "list", "investigate", "inspect", "contact", "propose", "extend",
                           "decide", "progress", "resolve"}) {
    r = run({"case", verb, "--help"});
    EXPECT_EQ(r.code, 0) << verb;
    EXPECT_THAT(r.out, AllOf(HasSubstr(absl::StrCat("Usage: tousuctl case ", verb)),
                             HasSubstr(absl::StrCat("  tousuctl case ", verb, " "))))
        << verb;
  }
  for (const char* verb : {"get", "reassign-tracker", "progress-update", "callback",
                           "questionnaire-link", "questionnaire-submit", "tasks"}) {
    r = run({"help", "followup", verb});
    EXPECT_EQ(r.code, 0) << verb;
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("  tousuctl follow-up ", verb, " "))) << verb;
  }
  r = run({"case", "propose", "-h"});
  EXPECT_THAT(r.out, HasSubstr("Usage: tousuctl case propose NUMBER --by STAFF_ID --solution TEXT "
                               "--action TEXT --complete-by TIME"));
  // Every help line fits in 100 columns.
  for (const std::string& line : Lines(run({"help"}).out)) {
    EXPECT_LE(DisplayWidth(line), 100u) << line;
  }
  EXPECT_EQ(run({"rules", "extra"}).code, 2);
  EXPECT_EQ(run({"get", "TS-1", "--bogus"}).code, 2);
  EXPECT_EQ(run({"get", "TS-1", "--timeout", "never"}).code, 2);
  EXPECT_EQ(run({"queue", "--department", "x", "--page-size", "500"}).code, 2);
  EXPECT_EQ(run({"list", "--status", "lost"}).code, 2);
  EXPECT_EQ(run({"list", "--to", "someday"}).code, 2);
}

TEST(RequestIdTest, FreshUuids) {
  const std::string a = NewRequestId();
  EXPECT_THAT(a, ::testing::MatchesRegex(
                     "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_NE(a, NewRequestId());
}

}  // namespace
}  // namespace tousu::ctl

namespace tousu::ctl {
namespace {

TEST_F(CommandLineTest, AnalyticsSummarySendsTheFiltersAndPrintsTheFigures) {
  Result r = RunCli({"analytics", "summary", "--year", "2026", "--month", "11", "--project",
                     "翠湖花园", "--category", "product-quality", "--department", "Engineering"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(analytics_.summaries.size(), 1u);
  const auto& req = analytics_.summaries[0];
  EXPECT_EQ(req.year(), 2026);
  EXPECT_EQ(req.month(), 11);
  EXPECT_EQ(req.project(), "翠湖花园");
  EXPECT_EQ(req.category(), complaints::common::v1::CATEGORY_PRODUCT_QUALITY);
  EXPECT_EQ(req.department_id(), "engineering");
  EXPECT_THAT(r.out,
              ::testing::HasSubstr("2026-11: 40 complaints (+8, +25.0% on the month before)"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("product_quality"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("90.0%"));   // acknowledgement SLA
  EXPECT_THAT(r.out, ::testing::HasSubstr("30 min"));  // mean acknowledgement time

  Result missing = RunCli({"analytics", "summary", "--year", "2026"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, ::testing::HasSubstr("--month"));
  EXPECT_EQ(analytics_.summaries.size(), 1u);
}

TEST_F(CommandLineTest, AnalyticsReportWritesTheFileOrSaysHowToMakeOne) {
  const std::string path = ::testing::TempDir() + "/tousuctl-report.html";
  std::remove(path.c_str());
  Result stored = RunCli({"analytics", "report", "--year", "2026", "--month", "10", "--out", path});
  EXPECT_EQ(stored.code, 1);
  EXPECT_THAT(stored.err, ::testing::HasSubstr("NOT_FOUND"));
  EXPECT_THAT(stored.err, ::testing::HasSubstr("--generate"));
  EXPECT_FALSE(std::ifstream(path).good());

  Result made = RunCli(
      {"analytics", "report", "--year", "2026", "--month", "10", "--generate", "--out", path});
  ASSERT_EQ(made.code, 0) << made.err;
  EXPECT_EQ(analytics_.generated, 1);
  std::ifstream in(path);
  std::stringstream body;
  body << in.rdbuf();
  EXPECT_EQ(body.str(), "<html>月度投诉分析报告</html>");
  EXPECT_THAT(made.out, ::testing::HasSubstr("Wrote the 2026-10 report (html"));

  Result json = RunCli({"analytics", "report", "--year", "2026", "--month", "10", "--generate",
                        "--format", "json", "--out", path});
  ASSERT_EQ(json.code, 0) << json.err;
  std::ifstream again(path);
  std::stringstream json_body;
  json_body << again.rdbuf();
  EXPECT_EQ(json_body.str(), "{\"total\":40}");
}

TEST_F(CommandLineTest, TrainingVerbsSendTheCoursePlanEnrolmentAndCompletion) {
  Result r = RunCli({"training", "courses", "--role", "handler"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.courses_listed.size(), 1u);
  EXPECT_EQ(assessment_.courses_listed[0].target_role(), sv1::STAFF_ROLE_HANDLER);
  EXPECT_THAT(r.out, AllOf(HasSubstr("COURSE"), HasSubstr("handler-investigation"),
                           HasSubstr("投诉调查方法"), HasSubstr("handler")));

  r = RunCli({"training", "course-set", "Handler-Escalation", "--title", "升级投诉处理", "--topic",
              "复杂投诉", "--role", "handler", "--hours", "4.5"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.courses_set.size(), 1u);
  const sv1::TrainingCourse& course = assessment_.courses_set[0].course();
  EXPECT_EQ(course.id(), "handler-escalation");
  EXPECT_EQ(course.title(), "升级投诉处理");
  EXPECT_EQ(course.topic(), "复杂投诉");
  EXPECT_EQ(course.target_role(), sv1::STAFF_ROLE_HANDLER);
  EXPECT_DOUBLE_EQ(course.hours(), 4.5);
  EXPECT_THAT(r.out, AllOf(HasSubstr("Course handler-escalation created."), HasSubstr("4.5")));

  r = RunCli({"training", "plans"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(assessment_.plans_listed.at(0).role(), sv1::STAFF_ROLE_UNSPECIFIED);
  EXPECT_THAT(r.out, HasSubstr("handler-customer-communication, handler-investigation"));

  r = RunCli({"training", "plan-set", "plan-handler", "--name", "处理人员培训", "--role", "handler",
              "--course", "handler-customer-communication,handler-investigation", "--course",
              "handler-escalation"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.plans_set.size(), 1u);
  EXPECT_THAT(
      assessment_.plans_set[0].plan().course_ids(),
      ElementsAre("handler-customer-communication", "handler-investigation", "handler-escalation"));
  EXPECT_THAT(r.out, HasSubstr("Plan plan-handler unchanged (already so)."));

  r = RunCli({"training", "enrol", "s0022", "--plan", "plan-handler"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.enrolled.size(), 1u);
  EXPECT_EQ(assessment_.enrolled[0].staff_id(), "S0022");
  EXPECT_EQ(assessment_.enrolled[0].plan_id(), "plan-handler");
  EXPECT_TRUE(assessment_.enrolled[0].course_id().empty());
  EXPECT_THAT(r.out, AllOf(HasSubstr("S0022: 1 new enrolment(s), 0 already there."),
                           HasSubstr("manual"), HasSubstr("open")));

  r = RunCli({"training", "complete", "S0022", "--course", "handler-investigation", "--result",
              "passed", "--at", "2026-11-20 17:00"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.completed.size(), 1u);
  EXPECT_EQ(assessment_.completed[0].result(), sv1::TRAINING_RESULT_PASSED);
  EXPECT_EQ(FromProto(assessment_.completed[0].completed_at()), At("2026-11-20T09:00:00Z"));
  EXPECT_THAT(r.out, AllOf(HasSubstr("S0022 completed handler-investigation (passed)"),
                           HasSubstr("assessment 2026Q1"), HasSubstr("2026-11-20 17:00")));
  // Without --at: now.
  r = RunCli(
      {"training", "complete", "S0022", "--course", "handler-investigation", "--result", "failed"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(FromProto(assessment_.completed[1].completed_at()), At("2026-11-26T07:22:00Z"));

  r = RunCli({"training", "status", "S0022"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = RunCli({"training", "status", "--department", "Engineering"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.statuses.size(), 2u);
  EXPECT_EQ(assessment_.statuses[0].staff_id(), "S0022");
  EXPECT_EQ(assessment_.statuses[1].department_id(), "engineering");
  EXPECT_TRUE(assessment_.statuses[1].staff_id().empty());
  EXPECT_THAT(r.out, AllOf(HasSubstr("ENROLLED"), HasSubstr("plan-handler"),
                           HasSubstr("assessment 2026Q1")));
}

TEST_F(CommandLineTest, AssessmentVerbsShowFiguresGradesAndWhatTheyBring) {
  Result r = RunCli({"assessment", "run", "--year", "2026", "--quarter", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.runs.size(), 1u);
  EXPECT_EQ(assessment_.runs[0].year(), 2026);
  EXPECT_EQ(assessment_.runs[0].quarter(), 1);
  EXPECT_THAT(r.out,
              AllOf(HasSubstr("2026Q1 assessed: run 2, 2 people (replaced run 1)."),
                    HasSubstr("Weights: timeliness 0.4, satisfaction 0.3, effectiveness 0.3; "
                              "excellent at 90, pass at 60."),
                    HasSubstr("1/4 (25.0%)"), HasSubstr("3.00 (1)"), HasSubstr("0/1 (0.0%)"),
                    HasSubstr("below-bar"), HasSubstr("role review, training plan-handler"),
                    HasSubstr("96.25"), HasSubstr("reward")));
  // The rows come in the service's order, S0021 first.
  EXPECT_LT(r.out.find("S0021"), r.out.find("S0022"));

  r = RunCli({"assessment", "get", "s0022", "--year", "2026", "--quarter", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(assessment_.gets.at(0).staff_id(), "S0022");
  EXPECT_THAT(r.out, AllOf(HasSubstr("1/4 (25.0%) deadlines met"),
                           HasSubstr("below-bar: role review, training plan-handler"),
                           HasSubstr("Accountability:"), HasSubstr("criticism-and-education"),
                           HasSubstr("首次超时，批评教育")));
  r = RunCli({"assessment", "get", "S0099", "--year", "2026", "--quarter", "1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND"));

  r = RunCli({"assessment", "list", "--year", "2026", "--quarter", "1", "--department",
              "Engineering", "--grade", "below-bar"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(assessment_.lists.at(0).department_id(), "engineering");
  EXPECT_EQ(assessment_.lists.at(0).grade(), sv1::GRADE_BELOW_BAR);

  r = RunCli({"assessment", "explain", "S0022", "--year", "2026", "--quarter", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(assessment_.explains.at(0).staff_id(), "S0022");
  EXPECT_THAT(r.out, AllOf(HasSubstr("Evidence:"), HasSubstr("acknowledgement"),
                           HasSubstr("AcknowledgementOverdue:ev-1 ComplaintAcknowledged:ev-2")));

  r = RunCli({"assessment", "list", "--year", "2026", "--quarter", "1", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("\"grade\": \"GRADE_BELOW_BAR\""),
                           HasSubstr("\"enrolledPlanId\": \"plan-handler\"")));
}

TEST_F(CommandLineTest, AccountabilityIsSuggestedThenConfirmedByAPerson) {
  Result r = RunCli(
      {"accountability", "suggestions", "--person", "s0022", "--number", "ts-202602-000003"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.suggestions.size(), 1u);
  EXPECT_EQ(assessment_.suggestions[0].staff_id(), "S0022");
  EXPECT_EQ(assessment_.suggestions[0].number(), "TS-202602-000003");
  EXPECT_EQ(assessment_.suggestions[0].status(), sv1::SUGGESTION_STATUS_UNSPECIFIED);
  EXPECT_THAT(r.out,
              AllOf(HasSubstr("late_acknowledgement"), HasSubstr("delay"), HasSubstr("pending")));
  r = RunCli({"accountability", "suggestions", "--status", "confirmed"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(assessment_.suggestions[1].status(), sv1::SUGGESTION_STATUS_CONFIRMED);

  r = RunCli({"accountability", "record", "--suggestion", "7", "--measure",
              "criticism-and-education", "--decided-by", "s0002", "--decided-at",
              "2026-03-20 15:00", "--note", "首次超时，批评教育"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.recorded.size(), 1u);
  const sv1::RecordAccountabilityRequest& confirm = assessment_.recorded[0];
  EXPECT_EQ(confirm.suggestion_id(), 7);
  EXPECT_EQ(confirm.measure(), sv1::ACCOUNTABILITY_MEASURE_CRITICISM_AND_EDUCATION);
  EXPECT_EQ(confirm.decided_by_staff_id(), "S0002");
  EXPECT_EQ(FromProto(confirm.decided_at()), At("2026-03-20T07:00:00Z"));
  EXPECT_EQ(confirm.cause(), sv1::ACCOUNTABILITY_CAUSE_UNSPECIFIED);  // the suggestion's
  EXPECT_TRUE(confirm.staff_id().empty());
  EXPECT_THAT(r.out, AllOf(HasSubstr("Recorded accountability 3 for TS-202602-000003."),
                           HasSubstr("S0002")));

  r = RunCli({"accountability", "record", "--number", "TS-202603-000005", "--department", "sales",
              "--cause", "false-advertising", "--severity", "serious", "--measure", "warning",
              "--decided-by", "S0003"});
  ASSERT_EQ(r.code, 0) << r.err;
  const sv1::RecordAccountabilityRequest& direct = assessment_.recorded[1];
  EXPECT_EQ(direct.suggestion_id(), 0);
  EXPECT_EQ(direct.department_id(), "sales");
  EXPECT_EQ(direct.cause(), sv1::ACCOUNTABILITY_CAUSE_FALSE_ADVERTISING);
  EXPECT_EQ(direct.severity(), sv1::ACCOUNTABILITY_SEVERITY_SERIOUS);
  EXPECT_EQ(direct.measure(), sv1::ACCOUNTABILITY_MEASURE_WARNING);

  r = RunCli({"accountability", "list", "--person", "S0022", "--year", "2026", "--quarter", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(assessment_.records_listed.size(), 1u);
  EXPECT_EQ(assessment_.records_listed[0].staff_id(), "S0022");
  EXPECT_EQ(assessment_.records_listed[0].year(), 2026);
  EXPECT_EQ(assessment_.records_listed[0].quarter(), 1);
  EXPECT_THAT(r.out, AllOf(HasSubstr("TS-202602-000003"), HasSubstr("minor"), HasSubstr("7")));
}

TEST_F(CommandLineTest, BadAssessmentFlagsAreUsageErrorsNamingTheFlagAndSendNothing) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"assessment", "run", "--year", "2026", "--quarter", "5"}, "--quarter"},
      {{"assessment", "run", "--year", "1999", "--quarter", "1"}, "--year"},
      {{"assessment", "run", "--year", "2026"}, "--quarter"},
      {{"assessment", "get", "S0022", "--year", "2026"}, "--quarter"},
      {{"assessment", "list", "--year", "2026", "--quarter", "1", "--grade", "great"}, "--grade"},
      {{"assessment", "explain", "--year", "2026", "--quarter", "1"}, "STAFF_ID"},
      {{"training", "courses", "--role", "janitor"}, "--role"},
      {{"training", "course-set", "c1", "--title", "t", "--topic", "t", "--role", "handler",
        "--hours", "lots"},
       "--hours"},
      {{"training", "course-set", "c1", "--title", "t", "--role", "handler", "--hours", "2"},
       "--topic"},
      {{"training", "plan-set", "p1", "--name", "n", "--role", "handler"}, "--course"},
      {{"training", "enrol", "S0022"}, "--plan or --course"},
      {{"training", "enrol", "S0022", "--plan", "p", "--course", "c"}, "--plan or --course"},
      {{"training", "complete", "S0022", "--course", "c", "--result", "maybe"}, "--result"},
      {{"training", "complete", "S0022", "--course", "c", "--result", "passed", "--at", "soon"},
       "--at"},
      {{"training", "status"}, "--department"},
      {{"accountability", "suggestions", "--status", "lost"}, "--status"},
      {{"accountability", "record", "--suggestion", "x", "--measure", "warning", "--decided-by",
        "S0002"},
       "--suggestion"},
      {{"accountability", "record", "--suggestion", "7", "--measure", "fine", "--decided-by",
        "S0002"},
       "--measure"},
      {{"accountability", "record", "--suggestion", "7", "--decided-by", "S0002"}, "--measure"},
      {{"accountability", "record", "--number", "TS-202603-000005", "--person", "S0023",
        "--measure", "warning", "--decided-by", "S0003"},
       "--cause"},
      {{"accountability", "record", "--suggestion", "7", "--measure", "warning", "--decided-by",
        "S0002", "--decided-at", "yesterday-ish"},
       "--decided-at"},
      {{"accountability", "list"}, "--person"},
      {{"accountability", "list", "--year", "2026"}, "--quarter"},
  };
  for (const auto& [args, flag] : cases) {
    Result r = RunCli(args);
    EXPECT_EQ(r.code, 2) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, HasSubstr(flag)) << absl::StrJoin(args, " ");
  }
  EXPECT_EQ(assessment_.Requests(), 0u);
}

TEST_F(CommandLineTest, AssessmentGroupsListTheirVerbsAndTheStaffAddressFlagWorks) {
  Result r = RunCli({"training", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out,
              AllOf(HasSubstr("training courses"), HasSubstr("training course-set COURSE_ID"),
                    HasSubstr("training plans"), HasSubstr("training plan-set PLAN_ID"),
                    HasSubstr("training enrol STAFF_ID"), HasSubstr("training complete STAFF_ID"),
                    HasSubstr("training status [STAFF_ID]")));
  r = RunCli({"assessment"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, AllOf(HasSubstr("assessment needs a second word"), HasSubstr("assessment run"),
                           HasSubstr("assessment explain STAFF_ID")));
  r = RunCli({"help", "accountability"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, AllOf(HasSubstr("accountability suggestions"),
                           HasSubstr("accountability record"), HasSubstr("accountability list")));
  for (const char* verb :
       {"training courses", "training course-set", "training plans", "training plan-set",
        "training enrol", "training complete", "training status", "assessment run",
        "assessment get", "assessment list", "assessment explain", "accountability suggestions",
        "accountability record", "accountability list"}) {
    std::vector<std::string> args = absl::StrSplit(verb, ' ');
    args.push_back("--help");
    r = RunCli(args);
    EXPECT_EQ(r.code, 0) << verb;
    EXPECT_THAT(r.out, AllOf(HasSubstr(absl::StrCat("Usage: tousuctl ", verb)),
                             HasSubstr(absl::StrCat("  tousuctl ", verb, " "))))
        << verb;
    for (const std::string& line : Lines(r.out)) EXPECT_LE(DisplayWidth(line), 100u) << line;
  }
  // --staff is the service's address here too: a wrong one fails naming it.
  r = RunCli({"assessment", "run", "--year", "2026", "--quarter", "1", "--staff", "127.0.0.1:1",
              "--timeout", "2s"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("127.0.0.1:1"));
  EXPECT_TRUE(assessment_.runs.empty());
}

}  // namespace
}  // namespace tousu::ctl
