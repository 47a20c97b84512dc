// Intake's rules (§4.2): what a valid complaint is, who may submit it, its number, the
// idempotency hash, list filters and page tokens, and the labels metrics count complaints by.
// (What other services' events do to the customer-facing record: intake_progress_test.cc.)

#include <gmock/gmock.h>
#include <google/protobuf/unknown_field_set.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/time/civil_time.h"
#include "services/intake/domain/complaint_number.h"
#include "services/intake/domain/fingerprint.h"
#include "services/intake/domain/listing.h"
#include "services/intake/domain/submission.h"
#include "services/intake/domain/submitter.h"
#include "services/intake/domain/timestamps.h"

namespace tousu::intake {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// 2026-11-26 11:00 in Shanghai.
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 11, 26, 3, 0, 0), absl::UTCTimeZone());

std::string Times(const std::string& unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

iv1::SubmitComplaintRequest Valid() {
  iv1::SubmitComplaintRequest r;
  r.set_request_id("web-2f6c1a.01:retry_ok");
  iv1::ComplaintInput* c = r.mutable_complaint();
  c->set_customer_name("欧阳娜娜");
  c->set_customer_phone("13800138000");
  c->set_customer_email("nana@example.com");
  c->set_project("翡翠湾");
  c->set_building("3栋");
  c->set_unit("1502");
  c->set_description("客厅墙体开裂，雨天渗水严重 😢\n已经持续两周。");
  *c->mutable_occurred_at() = ToProto(kNow - absl::Hours(48));
  c->set_severity(cv1::SEVERITY_HIGH);
  c->set_expected_resolution("尽快维修并赔偿损失");
  c->set_channel(cv1::CHANNEL_APP);
  c->set_journey_stage(cv1::JOURNEY_STAGE_HANDOVER);
  return r;
}

// The field a rejection names, or "" for OK.
std::string Rejects(const iv1::SubmitComplaintRequest& r) {
  absl::Status s = ValidateSubmission(r, kNow);
  if (s.ok()) return "";
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return FieldOf(s);
}

// --- Required fields and text --------------------------------------------------------------

TEST(Submission, AComplaintWithEveryFieldFilledInIsAccepted) {
  EXPECT_TRUE(ValidateSubmission(Valid(), kNow).ok()) << ValidateSubmission(Valid(), kNow);
}

TEST(Submission, RequiredFieldsMissingAreRejectedNamingTheField) {
  const std::vector<std::pair<std::string, void (*)(iv1::ComplaintInput*)>> cases = {
      {"complaint.customer_name", [](iv1::ComplaintInput* c) { c->clear_customer_name(); }},
      {"complaint.customer_phone", [](iv1::ComplaintInput* c) { c->clear_customer_phone(); }},
      {"complaint.project", [](iv1::ComplaintInput* c) { c->clear_project(); }},
      {"complaint.building", [](iv1::ComplaintInput* c) { c->clear_building(); }},
      {"complaint.unit", [](iv1::ComplaintInput* c) { c->clear_unit(); }},
      {"complaint.description", [](iv1::ComplaintInput* c) { c->clear_description(); }},
      {"complaint.occurred_at", [](iv1::ComplaintInput* c) { c->clear_occurred_at(); }},
      {"complaint.severity", [](iv1::ComplaintInput* c) { c->clear_severity(); }},
      {"complaint.expected_resolution",
       [](iv1::ComplaintInput* c) { c->clear_expected_resolution(); }},
      {"complaint.channel", [](iv1::ComplaintInput* c) { c->clear_channel(); }},
      {"complaint.journey_stage", [](iv1::ComplaintInput* c) { c->clear_journey_stage(); }},
  };
  for (const auto& [field, clear] : cases) {
    auto r = Valid();
    clear(r.mutable_complaint());
    absl::Status s = ValidateSubmission(r, kNow);
    EXPECT_EQ(FieldOf(s), field);
    EXPECT_THAT(std::string(s.message()), StartsWith(field + ": ")) << s;
  }
}

TEST(Submission, AMissingComplaintIsRejectedAtItsFirstField) {
  iv1::SubmitComplaintRequest r;
  r.set_request_id("abc");
  EXPECT_EQ(Rejects(r), "complaint.customer_name");
}

TEST(Submission, TextMadeOnlyOfBlanksCountsAsMissing) {
  auto r = Valid();
  r.mutable_complaint()->set_customer_name("\xE3\x80\x80 ");  // ideographic space + space
  EXPECT_EQ(Rejects(r), "complaint.customer_name");
}

TEST(Submission, LengthsAreCountedInCharactersNotBytes) {
  auto r = Valid();
  r.mutable_complaint()->set_customer_name(Times("欧", 50));  // 150 bytes, 50 characters
  EXPECT_EQ(Rejects(r), "");
  r.mutable_complaint()->set_customer_name(Times("欧", 51));
  EXPECT_EQ(Rejects(r), "complaint.customer_name");

  r = Valid();
  r.mutable_complaint()->set_description(Times("😢", 2000));  // 8000 bytes
  EXPECT_EQ(Rejects(r), "");
  r.mutable_complaint()->set_description(Times("😢", 2001));
  EXPECT_EQ(Rejects(r), "complaint.description");
}

TEST(Submission, EachTextFieldHasItsLimit) {
  const std::vector<std::tuple<std::string, size_t, void (*)(iv1::ComplaintInput*, std::string)>>
      cases = {
          {"complaint.project", kMaxProjectChars,
           [](iv1::ComplaintInput* c, std::string v) { c->set_project(v); }},
          {"complaint.building", kMaxBuildingChars,
           [](iv1::ComplaintInput* c, std::string v) { c->set_building(v); }},
          {"complaint.unit", kMaxUnitChars,
           [](iv1::ComplaintInput* c, std::string v) { c->set_unit(v); }},
          {"complaint.expected_resolution", kMaxExpectedResolutionChars,
           [](iv1::ComplaintInput* c, std::string v) { c->set_expected_resolution(v); }},
      };
  for (const auto& [field, limit, set] : cases) {
    auto r = Valid();
    set(r.mutable_complaint(), Times("楼", limit));
    EXPECT_EQ(Rejects(r), "") << field;
    set(r.mutable_complaint(), Times("楼", limit + 1));
    EXPECT_EQ(Rejects(r), field);
  }
}

TEST(Submission, ADescriptionNeedsAtLeastFiveCharacters) {
  auto r = Valid();
  r.mutable_complaint()->set_description("墙体开裂");  // 4 characters, 12 bytes
  EXPECT_EQ(Rejects(r), "complaint.description");
  r.mutable_complaint()->set_description("墙体开裂了");
  EXPECT_EQ(Rejects(r), "");
}

TEST(Submission, InvalidUtf8IsRejectedNamingTheField) {
  auto r = Valid();
  r.mutable_complaint()->set_project("\xE7\xBF");  // truncated
  absl::Status s = ValidateSubmission(r, kNow);
  EXPECT_EQ(FieldOf(s), "complaint.project");
  EXPECT_THAT(std::string(s.message()), HasSubstr("UTF-8"));
}

TEST(Submission, LineBreaksAreAllowedOnlyInTheDescriptionAndTheExpectedResolution) {
  auto r = Valid();
  r.mutable_complaint()->set_description("第一行\r\n第二行\t缩进");
  r.mutable_complaint()->set_expected_resolution("一、维修\n二、赔偿");
  EXPECT_EQ(Rejects(r), "");
  for (const char* field : {"customer_name", "project", "building", "unit"}) {
    auto bad = Valid();
    auto* c = bad.mutable_complaint();
    const std::string text = "两行\n文字";
    if (std::string(field) == "customer_name") c->set_customer_name(text);
    if (std::string(field) == "project") c->set_project(text);
    if (std::string(field) == "building") c->set_building(text);
    if (std::string(field) == "unit") c->set_unit(text);
    EXPECT_EQ(Rejects(bad), std::string("complaint.") + field);
  }
}

TEST(Submission, ControlCharactersAreRejectedEvenInTheDescription) {
  auto r = Valid();
  r.mutable_complaint()->set_description(std::string("漏水") + '\0' + "严重了啊");
  EXPECT_EQ(Rejects(r), "complaint.description");
  r.mutable_complaint()->set_description("漏水\x1b[31m严重了啊");
  EXPECT_EQ(Rejects(r), "complaint.description");
}

TEST(Submission, QuotesAndSqlLookingTextAreOrdinaryText) {
  auto r = Valid();
  r.mutable_complaint()->set_description("'; DROP TABLE complaints; -- \"引号\" `反引号`");
  r.mutable_complaint()->set_customer_name("O'Brien \"小明\"");
  EXPECT_EQ(Rejects(r), "");
}

// --- Phone, email, staff ---------------------------------------------------------------------

TEST(Submission, AMainlandMobileOrLandlineIsAccepted) {
  for (const char* phone : {"13800138000", "+86 13800138000", "8613800138000", "010-12345678",
                            "0755-88886666", "021-61234567-8001"}) {
    auto r = Valid();
    r.mutable_complaint()->set_customer_phone(phone);
    EXPECT_EQ(Rejects(r), "") << phone;
  }
}

TEST(Submission, AMalformedPhoneNumberIsRejectedNamingTheField) {
  for (const char* phone : {"12345", "23800138000", "1380013800", "138001380001", "abc",
                            "010-0123456", "138 0013 8000 x"}) {
    auto r = Valid();
    r.mutable_complaint()->set_customer_phone(phone);
    absl::Status s = ValidateSubmission(r, kNow);
    EXPECT_EQ(FieldOf(s), "complaint.customer_phone") << phone;
    EXPECT_THAT(std::string(s.message()), HasSubstr("mobile or landline"));
  }
}

TEST(Submission, EmailIsOptionalButMustBeAnAddressWhenGiven) {
  auto r = Valid();
  r.mutable_complaint()->clear_customer_email();
  EXPECT_EQ(Rejects(r), "");
  for (const char* email :
       {"nana", "nana@", "@example.com", "na na@example.com", "a@b@c.com", "nana@localhost"}) {
    r.mutable_complaint()->set_customer_email(email);
    EXPECT_EQ(Rejects(r), "complaint.customer_email") << email;
  }
}

TEST(Submission, HotlineAndWalkInComplaintsNameTheStaffMemberWhoRecordedThem) {
  for (cv1::Channel channel : {cv1::CHANNEL_HOTLINE, cv1::CHANNEL_WALK_IN}) {
    auto r = Valid();
    r.mutable_complaint()->set_channel(channel);
    EXPECT_EQ(Rejects(r), "complaint.recorded_by_staff_id");
    r.mutable_complaint()->set_recorded_by_staff_id("S0001");
    EXPECT_EQ(Rejects(r), "");
  }
}

TEST(Submission, WebAppAndEmailComplaintsMayLeaveTheStaffMemberEmpty) {
  for (cv1::Channel channel : {cv1::CHANNEL_WEB, cv1::CHANNEL_APP, cv1::CHANNEL_EMAIL}) {
    auto r = Valid();
    r.mutable_complaint()->set_channel(channel);
    EXPECT_EQ(Rejects(r), "");
    r.mutable_complaint()->set_recorded_by_staff_id("S0002");
    EXPECT_EQ(Rejects(r), "");
  }
}

TEST(Submission, AStaffIdMustLookLikeOneTheDirectoryIssues) {
  for (const char* id :
       {"s0001", "S 0001", "-S1", "S1-", "员工1", "S000000000000000000000000000000001"}) {
    auto r = Valid();
    r.mutable_complaint()->set_channel(cv1::CHANNEL_HOTLINE);
    r.mutable_complaint()->set_recorded_by_staff_id(id);
    EXPECT_EQ(Rejects(r), "complaint.recorded_by_staff_id") << id;
  }
}

// --- Enums ---------------------------------------------------------------------------------

TEST(Submission, UnspecifiedAndUnknownEnumValuesAreRejected) {
  auto r = Valid();
  r.mutable_complaint()->set_severity(static_cast<cv1::Severity>(99));
  EXPECT_EQ(Rejects(r), "complaint.severity");
  r = Valid();
  r.mutable_complaint()->set_channel(static_cast<cv1::Channel>(6));
  EXPECT_EQ(Rejects(r), "complaint.channel");
  r = Valid();
  r.mutable_complaint()->set_journey_stage(static_cast<cv1::JourneyStage>(-1));
  EXPECT_EQ(Rejects(r), "complaint.journey_stage");
}

TEST(Submission, TheStaffCategoryIsOptionalButMustBeKnown) {
  auto r = Valid();
  r.mutable_complaint()->set_staff_category(cv1::CATEGORY_UNSPECIFIED);
  EXPECT_EQ(Rejects(r), "");
  r.mutable_complaint()->set_staff_category(cv1::CATEGORY_PROPERTY_SERVICE);
  EXPECT_EQ(Rejects(r), "");
  r.mutable_complaint()->set_staff_category(static_cast<cv1::Category>(5));
  EXPECT_EQ(Rejects(r), "complaint.staff_category");
}

TEST(Submission, APreSaleComplaintMayHaveNoBuildingOrUnitYet) {
  auto r = Valid();
  r.mutable_complaint()->set_journey_stage(cv1::JOURNEY_STAGE_PRE_SALE);
  r.mutable_complaint()->clear_building();
  r.mutable_complaint()->clear_unit();
  EXPECT_EQ(Rejects(r), "");
  r.mutable_complaint()->set_journey_stage(cv1::JOURNEY_STAGE_SALE);
  EXPECT_EQ(Rejects(r), "complaint.building");
}

// --- When it happened ---------------------------------------------------------------------

TEST(Submission, ItCannotHaveHappenedInTheFutureBeyondFiveMinutesOfClockSkew) {
  auto r = Valid();
  *r.mutable_complaint()->mutable_occurred_at() = ToProto(kNow + absl::Minutes(5));
  EXPECT_EQ(Rejects(r), "");
  *r.mutable_complaint()->mutable_occurred_at() =
      ToProto(kNow + absl::Minutes(5) + absl::Seconds(1));
  EXPECT_EQ(Rejects(r), "complaint.occurred_at");
}

TEST(Submission, ItCannotHaveHappenedMoreThanTenYearsAgo) {
  auto r = Valid();
  *r.mutable_complaint()->mutable_occurred_at() = ToProto(kNow - kMaxAge);
  EXPECT_EQ(Rejects(r), "");
  *r.mutable_complaint()->mutable_occurred_at() = ToProto(kNow - kMaxAge - absl::Seconds(1));
  EXPECT_EQ(Rejects(r), "complaint.occurred_at");
}

TEST(Submission, AnOutOfRangeTimestampIsRejected) {
  auto r = Valid();
  r.mutable_complaint()->mutable_occurred_at()->set_nanos(-1);
  EXPECT_EQ(Rejects(r), "complaint.occurred_at");
  r.mutable_complaint()->mutable_occurred_at()->set_nanos(0);
  r.mutable_complaint()->mutable_occurred_at()->set_seconds(kMaxTimestampSeconds + 1);
  EXPECT_EQ(Rejects(r), "complaint.occurred_at");
}

// --- Request id -----------------------------------------------------------------------------

TEST(Submission, TheRequestIdIsRequiredAndPlain) {
  auto r = Valid();
  r.clear_request_id();
  EXPECT_EQ(Rejects(r), "request_id");
  for (const std::string& id :
       {std::string("has space"), std::string("中文"), std::string("a/b"), Times("a", 65)}) {
    r.set_request_id(id);
    EXPECT_EQ(Rejects(r), "request_id") << id;
  }
  r.set_request_id(Times("a", 64));
  EXPECT_EQ(Rejects(r), "");
  r.set_request_id("550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(Rejects(r), "");
}

// --- Numbers --------------------------------------------------------------------------------

TEST(Number, TheMonthIsTheMonthOfReceiptInShanghai) {
  // 2026-11-30 16:30 UTC is already 1 December in Shanghai.
  const absl::Time t =
      absl::FromCivil(absl::CivilSecond(2026, 11, 30, 16, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(MonthOfReceipt(t), "202612");
  EXPECT_EQ(MonthOfReceipt(t - absl::Hours(1)), "202611");
}

TEST(Number, IsTsMonthAndASixDigitCounter) {
  EXPECT_EQ(FormatNumber("202611", 123), "TS-202611-000123");
  EXPECT_EQ(FormatNumber("202611", 1), "TS-202611-000001");
  // An extraordinary month grows a digit rather than refusing complaints.
  EXPECT_EQ(FormatNumber("202611", 1000000), "TS-202611-1000000");
}

TEST(Number, AWellFormedNumberIsAccepted) {
  EXPECT_TRUE(CheckNumber("number", "TS-202611-000123").ok());
  EXPECT_TRUE(CheckNumber("number", "TS-202612-1000000").ok());
  EXPECT_TRUE(CheckNumber("number", FormatNumber(MonthOfReceipt(kNow), 42)).ok());
}

TEST(Number, AMalformedNumberIsRejectedNamingTheField) {
  for (const char* n : {"", "TS-202611-00012", "TS-202613-000123", "TS-202600-000123",
                        "ts-202611-000123", "TS-202611-000000", "TS202611000123",
                        "TS-202611-000123 ", "TS-2026-11-00123", "TS-202611-0001234567"}) {
    absl::Status s = CheckNumber("number", n);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << n;
    EXPECT_EQ(FieldOf(s), "number") << n;
  }
}

// --- Idempotency hash -------------------------------------------------------------------------

TEST(Idempotency, TheSameComplaintAlwaysHashesTheSame) {
  const auto a = Valid().complaint();
  auto b = Valid().complaint();
  EXPECT_EQ(InputHash(a), InputHash(b));
  EXPECT_EQ(InputHash(a).size(), 64u);
  // Building the message in another order changes nothing.
  iv1::ComplaintInput c;
  c.set_journey_stage(a.journey_stage());
  c.set_channel(a.channel());
  c.set_expected_resolution(a.expected_resolution());
  c.set_severity(a.severity());
  *c.mutable_occurred_at() = a.occurred_at();
  c.set_description(a.description());
  c.set_unit(a.unit());
  c.set_building(a.building());
  c.set_project(a.project());
  c.set_customer_email(a.customer_email());
  c.set_customer_phone(a.customer_phone());
  c.set_customer_name(a.customer_name());
  EXPECT_EQ(InputHash(c), InputHash(a));
}

TEST(Idempotency, TheHashIsPinnedSoStoredHashesStayValidAcrossReleases) {
  iv1::ComplaintInput in;
  in.set_customer_name("张三");
  EXPECT_EQ(CanonicalInput(in),
            "tousu.intake.ComplaintInput/1\n1:6:张三;2:0:;3:0:;4:0:;5:0:;6:0:;7:0:;8:1:-;9:1:0;"
            "10:0:;11:1:0;12:1:0;13:0:;14:1:0;");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Idempotency, AnyChangedFieldChangesTheHash) {
  const std::string base = InputHash(Valid().complaint());
  std::set<std::string> seen = {base};
  const std::vector<void (*)(iv1::ComplaintInput*)> changes = {
      [](iv1::ComplaintInput* c) { c->set_customer_name("欧阳娜"); },
      [](iv1::ComplaintInput* c) { c->set_customer_phone("13800138001"); },
      [](iv1::ComplaintInput* c) { c->clear_customer_email(); },
      [](iv1::ComplaintInput* c) { c->set_project("翡翠湾二期"); },
      [](iv1::ComplaintInput* c) { c->set_building("3栋 "); },
      [](iv1::ComplaintInput* c) { c->set_unit("1503"); },
      [](iv1::ComplaintInput* c) { c->set_description("客厅墙体开裂"); },
      [](iv1::ComplaintInput* c) { c->mutable_occurred_at()->set_nanos(1000); },
      [](iv1::ComplaintInput* c) { c->clear_occurred_at(); },
      [](iv1::ComplaintInput* c) { c->set_severity(cv1::SEVERITY_LOW); },
      [](iv1::ComplaintInput* c) { c->set_expected_resolution("维修"); },
      [](iv1::ComplaintInput* c) { c->set_channel(cv1::CHANNEL_WEB); },
      [](iv1::ComplaintInput* c) { c->set_journey_stage(cv1::JOURNEY_STAGE_SALE); },
      [](iv1::ComplaintInput* c) { c->set_recorded_by_staff_id("S1"); },
      [](iv1::ComplaintInput* c) { c->set_staff_category(cv1::CATEGORY_HANDOVER); },
  };
  for (auto change : changes) {
    auto in = Valid().complaint();
    change(&in);
    EXPECT_TRUE(seen.insert(InputHash(in)).second);
  }
}

TEST(Idempotency, ValuesCannotRunIntoTheNextField) {
  iv1::ComplaintInput a, b;
  a.set_building("3;6:1");
  b.set_building("3");
  b.set_unit("1");
  EXPECT_NE(InputHash(a), InputHash(b));
}

TEST(Idempotency, UnknownFieldsDoNotChangeTheHash) {
  auto in = Valid().complaint();
  const std::string before = InputHash(in);
  in.GetReflection()->MutableUnknownFields(&in)->AddVarint(999, 1);  // a field from a newer client
  EXPECT_EQ(InputHash(in), before);
}

// --- Phone key --------------------------------------------------------------------------------

TEST(PhoneKey, OneNumberWrittenAnyAcceptedWayHasOneKey) {
  for (const char* p : {"13800138000", "+86 13800138000", "+86-13800138000", "8613800138000"}) {
    EXPECT_EQ(PhoneKey(p), "13800138000") << p;
  }
  EXPECT_EQ(PhoneKey("010-12345678"), "01012345678");
  EXPECT_EQ(PhoneKey("01012345678"), "01012345678");
}

// --- Listing ------------------------------------------------------------------------------------

TEST(Listing, AnEmptyRequestListsEverythingFiftyAtATime) {
  auto q = ParseListRequest({});
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->page_size, 50);
  EXPECT_FALSE(q->before_id.has_value());
  EXPECT_FALSE(q->phone_key.has_value());
}

TEST(Listing, PageSizeIsOneToTwoHundred) {
  iv1::ListComplaintsRequest r;
  r.mutable_page()->set_page_size(200);
  EXPECT_EQ(ParseListRequest(r)->page_size, 200);
  r.mutable_page()->set_page_size(1);
  EXPECT_EQ(ParseListRequest(r)->page_size, 1);
  for (int bad : {201, -1}) {
    r.mutable_page()->set_page_size(bad);
    EXPECT_EQ(FieldOf(ParseListRequest(r).status()), "page.page_size") << bad;
  }
}

TEST(Listing, FiltersAreValidatedNamingTheFilter) {
  iv1::ListComplaintsRequest r;
  r.set_customer_phone("12345");
  EXPECT_EQ(FieldOf(ParseListRequest(r).status()), "customer_phone");
  r = {};
  r.set_project(Times("盘", 101));
  EXPECT_EQ(FieldOf(ParseListRequest(r).status()), "project");
  r = {};
  r.set_status(static_cast<iv1::ComplaintStatus>(42));
  EXPECT_EQ(FieldOf(ParseListRequest(r).status()), "status");
  r = {};
  r.set_channel(static_cast<cv1::Channel>(42));
  EXPECT_EQ(FieldOf(ParseListRequest(r).status()), "channel");
  r = {};
  *r.mutable_received_from() = ToProto(kNow);
  *r.mutable_received_to() = ToProto(kNow);
  EXPECT_EQ(FieldOf(ParseListRequest(r).status()), "received_to");
  r = {};
  r.mutable_received_from()->set_nanos(2000000000);
  EXPECT_EQ(FieldOf(ParseListRequest(r).status()), "received_from");
}

TEST(Listing, TimeBoundsBeyondWhatTheDatabaseHoldsAreClampedNotPassedOn) {
  iv1::ListComplaintsRequest r;
  r.mutable_received_from()->set_seconds(kMinTimestampSeconds);  // year 1
  r.mutable_received_to()->set_seconds(kMaxTimestampSeconds);    // year 9999
  auto q = ParseListRequest(r);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_FALSE(q->received_from.has_value());  // no lower bound
  EXPECT_TRUE(q->received_to.has_value() && IsStorable(*q->received_to));
  r.clear_received_from();
  r.mutable_received_to()->set_seconds(kMinTimestampSeconds + 1);
  q = ParseListRequest(r);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_TRUE(q->received_to.has_value() && IsStorable(*q->received_to));
}

TEST(Listing, APhoneFilterMatchesHoweverTheNumberWasWritten) {
  iv1::ListComplaintsRequest r;
  r.set_customer_phone("+86 13800138000");
  EXPECT_EQ(ParseListRequest(r)->phone_key, "13800138000");
}

TEST(Listing, APageTokenLeadsToTheRowsAfterTheLastOneReturned) {
  iv1::ListComplaintsRequest r;
  r.set_channel(cv1::CHANNEL_WEB);
  auto first = ParseListRequest(r);
  ASSERT_TRUE(first.ok());
  r.mutable_page()->set_page_token(EncodePageToken(1234, first->filter_fingerprint));
  auto next = ParseListRequest(r);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->before_id, 1234u);
}

TEST(Listing, APageTokenIsRefusedWithOtherFilters) {
  iv1::ListComplaintsRequest r;
  r.set_channel(cv1::CHANNEL_WEB);
  const std::string token = EncodePageToken(1234, ParseListRequest(r)->filter_fingerprint);
  r.set_channel(cv1::CHANNEL_APP);
  r.mutable_page()->set_page_token(token);
  absl::Status s = ParseListRequest(r).status();
  EXPECT_EQ(FieldOf(s), "page.page_token");
  EXPECT_THAT(std::string(s.message()), HasSubstr("other filters"));
}

TEST(Listing, AMalformedPageTokenIsRefused) {
  for (const std::string& token :
       {std::string("not base64!"), absl::WebSafeBase64Escape("c1.abc.x"),
        absl::WebSafeBase64Escape("c1.0.x"), absl::WebSafeBase64Escape("c2.5.x"),
        std::string("x")}) {
    iv1::ListComplaintsRequest r;
    r.mutable_page()->set_page_token(token);
    EXPECT_EQ(FieldOf(ParseListRequest(r).status()), "page.page_token") << token;
  }
}

// --- Who submits ---------------------------------------------------------------------------------

auth::Caller CallerOf(auth::Caller::Kind kind, const std::string& subject) {
  auth::Caller caller;
  caller.kind = kind;
  caller.subject = subject;
  return caller;
}

TEST(Submitter, ACustomersComplaintIsRecordedUnderTheirOwnAccount) {
  const auth::Caller customer = CallerOf(auth::Caller::Kind::kCustomer, "C42");
  iv1::ComplaintInput owned;
  auto input = InputToRecord(customer, Valid().complaint(), &owned);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ((*input)->customer_id(), "C42");
  iv1::ComplaintInput other = Valid().complaint();
  other.set_customer_id("C43");
  EXPECT_EQ(InputToRecord(customer, other, &owned).status().code(),
            absl::StatusCode::kPermissionDenied);
  iv1::ComplaintInput as_staff = Valid().complaint();
  as_staff.set_recorded_by_staff_id("S0001");
  EXPECT_EQ(FieldOf(InputToRecord(customer, as_staff, &owned).status()),
            "complaint.recorded_by_staff_id");
}

TEST(Submitter, StaffRecordComplaintsUnderTheirOwnIdOnly) {
  const auth::Caller agent = CallerOf(auth::Caller::Kind::kStaff, "S0001");
  iv1::ComplaintInput owned;
  iv1::ComplaintInput in = Valid().complaint();
  in.set_recorded_by_staff_id("S0001");
  auto input = InputToRecord(agent, in, &owned);
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(*input, &in);  // recorded as submitted
  in.set_recorded_by_staff_id("S0002");
  EXPECT_EQ(InputToRecord(agent, in, &owned).status().code(), absl::StatusCode::kPermissionDenied);
}

// --- Metric labels -----------------------------------------------------------------------------

TEST(Labels, ComeFromTheEnumsValueNames) {
  EXPECT_EQ(ChannelLabel(cv1::CHANNEL_WALK_IN), "walk_in");
  EXPECT_EQ(ChannelLabel(cv1::CHANNEL_HOTLINE), "hotline");
  EXPECT_EQ(ChannelLabel(static_cast<cv1::Channel>(99)), "unknown");
  EXPECT_EQ(CategoryLabel(cv1::CATEGORY_PROPERTY_SERVICE), "property_service");
  EXPECT_EQ(CategoryLabel(cv1::CATEGORY_UNSPECIFIED), "unclassified");
  EXPECT_EQ(CategoryLabel(static_cast<cv1::Category>(99)), "unclassified");
  EXPECT_EQ(ChannelLabels(),
            std::vector<std::string>({"hotline", "web", "app", "walk_in", "email"}));
  EXPECT_EQ(CategoryLabels().size(), 5u);  // four categories and "unclassified"
}

// --- Timestamps ---------------------------------------------------------------------------------

TEST(Timestamps, RoundTripBeforeAndAfterTheEpoch) {
  for (absl::Time t : {kNow, absl::FromUnixMicros(-1500001), absl::UnixEpoch()}) {
    EXPECT_EQ(FromProto(ToProto(t)), t);
    EXPECT_GE(ToProto(t).nanos(), 0);
  }
}

}  // namespace
}  // namespace tousu::intake
