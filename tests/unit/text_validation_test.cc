#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/validation/text.h"

namespace tousu::validation {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

using namespace std::string_view_literals;  // "\0"sv keeps embedded NULs

// Repeats `unit` n times.
std::string Times(std::string_view unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out.append(unit);
  return out;
}

// --- Utf8Length --------------------------------------------------------------------------------

TEST(Utf8Length, CountsAsciiOneCharacterPerByte) {
  EXPECT_THAT(Utf8Length(""), Optional(0u));
  EXPECT_THAT(Utf8Length("hello"), Optional(5u));
}

TEST(Utf8Length, CountsChineseTextInCharactersNotBytes) {
  // 12 bytes, 4 characters.
  EXPECT_THAT(Utf8Length("投訴處理"), Optional(4u));
  EXPECT_THAT(Utf8Length("墙体开裂，渗水严重"), Optional(9u));
}

TEST(Utf8Length, CountsAnEmojiAsOneCharacter) {
  EXPECT_THAT(Utf8Length("😀"), Optional(1u));      // F0 9F 98 80
  EXPECT_THAT(Utf8Length("a投😀b"), Optional(4u));  // 1 + 3 + 4 + 1 bytes
  EXPECT_THAT(Utf8Length("𠀀"), Optional(1u));     // CJK Extension B, 4 bytes
  // A family emoji is several code points joined by ZWJ; we count code points.
  EXPECT_THAT(Utf8Length("👨‍👩‍👧"), Optional(5u));
}

TEST(Utf8Length, AcceptsEveryEncodingLengthAtItsBoundaries) {
  EXPECT_THAT(Utf8Length("\x7F"), Optional(1u));              // U+007F
  EXPECT_THAT(Utf8Length("\xC2\x80"), Optional(1u));          // U+0080
  EXPECT_THAT(Utf8Length("\xDF\xBF"), Optional(1u));          // U+07FF
  EXPECT_THAT(Utf8Length("\xE0\xA0\x80"), Optional(1u));      // U+0800
  EXPECT_THAT(Utf8Length("\xED\x9F\xBF"), Optional(1u));      // U+D7FF, just below surrogates
  EXPECT_THAT(Utf8Length("\xEE\x80\x80"), Optional(1u));      // U+E000, just above surrogates
  EXPECT_THAT(Utf8Length("\xEF\xBF\xBF"), Optional(1u));      // U+FFFF
  EXPECT_THAT(Utf8Length("\xF0\x90\x80\x80"), Optional(1u));  // U+10000
  EXPECT_THAT(Utf8Length("\xF4\x8F\xBF\xBF"), Optional(1u));  // U+10FFFF
}

TEST(Utf8Length, AcceptsAnEmbeddedNulAsACodePoint) {
  EXPECT_THAT(Utf8Length("a\0b"sv), Optional(3u));
}

TEST(Utf8Length, RejectsOverlongEncodings) {
  EXPECT_EQ(Utf8Length("\xC0\x80"), std::nullopt);  // NUL in 2 bytes
  EXPECT_EQ(Utf8Length("\xC0\xAF"), std::nullopt);  // '/' in 2 bytes
  EXPECT_EQ(Utf8Length("\xC1\xBF"), std::nullopt);
  EXPECT_EQ(Utf8Length("\xE0\x80\xAF"), std::nullopt);      // '/' in 3 bytes
  EXPECT_EQ(Utf8Length("\xE0\x9F\xBF"), std::nullopt);      // U+07FF in 3 bytes
  EXPECT_EQ(Utf8Length("\xF0\x80\x80\xAF"), std::nullopt);  // '/' in 4 bytes
  EXPECT_EQ(Utf8Length("\xF0\x8F\xBF\xBF"), std::nullopt);  // U+FFFF in 4 bytes
}

TEST(Utf8Length, RejectsSurrogates) {
  EXPECT_EQ(Utf8Length("\xED\xA0\x80"), std::nullopt);  // U+D800
  EXPECT_EQ(Utf8Length("\xED\xBF\xBF"), std::nullopt);  // U+DFFF
  // CESU-8 / Java "modified UTF-8" spelling of U+1F600 as a surrogate pair.
  EXPECT_EQ(Utf8Length("\xED\xA0\xBD\xED\xB8\x80"), std::nullopt);
}

TEST(Utf8Length, RejectsCodePointsAboveU10FFFF) {
  EXPECT_EQ(Utf8Length("\xF4\x90\x80\x80"), std::nullopt);  // U+110000
  EXPECT_EQ(Utf8Length("\xF5\x80\x80\x80"), std::nullopt);
  EXPECT_EQ(Utf8Length("\xF7\xBF\xBF\xBF"), std::nullopt);
  EXPECT_EQ(Utf8Length("\xF8\x88\x80\x80\x80"), std::nullopt);  // old 5-byte form
  EXPECT_EQ(Utf8Length("\xFC\x84\x80\x80\x80\x80"), std::nullopt);
  EXPECT_EQ(Utf8Length("\xFE"), std::nullopt);
  EXPECT_EQ(Utf8Length("\xFF"), std::nullopt);
}

TEST(Utf8Length, RejectsTruncatedSequences) {
  EXPECT_EQ(Utf8Length("\xE6\x8A"), std::nullopt);      // "投" missing its last byte
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98"), std::nullopt);  // emoji missing its last byte
  EXPECT_EQ(Utf8Length("abc\xC3"), std::nullopt);       // lead byte at the very end
  EXPECT_EQ(Utf8Length("\xE6\x8A"
                       "a"),
            std::nullopt);                                // cut short by ASCII
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98投"), std::nullopt);  // cut short by another character
}

TEST(Utf8Length, RejectsStrayContinuationBytesAndLatin1) {
  EXPECT_EQ(Utf8Length("\x80"), std::nullopt);
  EXPECT_EQ(Utf8Length("a\xBF"
                       "b"),
            std::nullopt);
  EXPECT_EQ(Utf8Length("\xE6\x8A\x95\x95"), std::nullopt);  // one continuation too many
  EXPECT_EQ(Utf8Length("caf\xE9"), std::nullopt);           // "café" in Latin-1
  EXPECT_EQ(Utf8Length("\xCD\xB6\xCB\xDF"), std::nullopt);  // GBK bytes are not UTF-8
}

// --- DecodeUtf8 --------------------------------------------------------------------------------

TEST(DecodeUtf8, ReturnsCodePointAndLength) {
  Utf8Step step = DecodeUtf8("投訴");
  EXPECT_TRUE(step.valid);
  EXPECT_EQ(step.code_point, U'投');
  EXPECT_EQ(step.length, 3u);
  step = DecodeUtf8("😀");
  EXPECT_TRUE(step.valid);
  EXPECT_EQ(step.code_point, U'😀');
  EXPECT_EQ(step.length, 4u);
  step = DecodeUtf8("\xF4\x8F\xBF\xBF");
  EXPECT_EQ(step.code_point, char32_t{0x10FFFF});
}

TEST(DecodeUtf8, SkipsTheMaximalIllFormedSubpart) {
  // A valid prefix of a sequence is consumed whole, so one U+FFFD replaces it.
  EXPECT_EQ(DecodeUtf8("\xF0\x9F\x98"
                       "a")
                .length,
            3u);
  EXPECT_EQ(DecodeUtf8("\xE6\x8A").length, 2u);
  // A byte that cannot continue the sequence is not consumed.
  EXPECT_EQ(DecodeUtf8("\xE0\x80\x80").length, 1u);  // overlong: E0 needs A0..BF next
  EXPECT_EQ(DecodeUtf8("\xED\xA0\x80").length, 1u);  // surrogate: ED needs 80..9F next
  EXPECT_EQ(DecodeUtf8("\xF4\x90\x80\x80").length, 1u);
  EXPECT_EQ(DecodeUtf8("\xC0\x80").length, 1u);
  EXPECT_EQ(DecodeUtf8("\x80").length, 1u);
  EXPECT_FALSE(DecodeUtf8("\xFF").valid);
  EXPECT_FALSE(DecodeUtf8("").valid);
}

// --- CheckText ---------------------------------------------------------------------------------

const TextRule kName{.required = true, .max_chars = 50, .allow_newlines = false};
const TextRule kDescription{.required = true, .max_chars = 2000, .allow_newlines = true};

TEST(CheckText, AcceptsAChineseDescriptionOfExactlyTheLimitInCharacters) {
  // 2000 characters are 6000 bytes: the limit is on characters.
  EXPECT_TRUE(CheckText("description", Times("漏", 2000), kDescription).ok());
  EXPECT_TRUE(CheckText("description", Times("😀", 2000), kDescription).ok());
}

TEST(CheckText, RejectsADescriptionOneCharacterOverTheLimit) {
  absl::Status status = CheckText("description", Times("漏", 2001), kDescription);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "description: must be at most 2000 characters");
}

TEST(CheckText, TreatsSqlAndMarkupAsOrdinaryText) {
  // Injection is prevented by prepared statements and output escaping, not by refusing words.
  EXPECT_TRUE(CheckText("description", "'; DROP TABLE complaints; --", kDescription).ok());
  EXPECT_TRUE(CheckText("customer_name", "Robert'); DROP TABLE Students;--", kName).ok());
  EXPECT_TRUE(CheckText("description", "<script>alert(1)</script>", kDescription).ok());
  EXPECT_TRUE(CheckText("description", "100% \"quoted\" \\ back\\slash", kDescription).ok());
}

TEST(CheckText, AcceptsOtherScriptsAndEmoji) {
  EXPECT_TRUE(CheckText("customer_name", "欧阳娜娜", kName).ok());
  EXPECT_TRUE(CheckText("customer_name", "阿卜杜·热合曼", kName).ok());
  EXPECT_TRUE(CheckText("customer_name", "Zoë O'Brien-Łukasiewicz", kName).ok());
  EXPECT_TRUE(CheckText("customer_name", "محمد", kName).ok());
  EXPECT_TRUE(CheckText("description", "房子漏水了😡👨‍👩‍👧", kDescription).ok());
  EXPECT_TRUE(CheckText("customer_name", "张　三", kName).ok());  // full-width space inside
}

TEST(CheckText, RejectsInvalidUtf8NamingTheField) {
  for (std::string_view bad : {"\xFF"sv, "\xC0\x80"sv, "\xED\xA0\x80"sv, "\xE6\x8A"sv, "abc\x80"sv,
                               "\xF4\x90\x80\x80"sv}) {
    absl::Status status = CheckText("description", bad, kDescription);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(), "description: must be valid UTF-8");
  }
}

TEST(CheckText, RequiresARequiredField) {
  absl::Status status = CheckText("customer_name", "", kName);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "customer_name: is required");
}

TEST(CheckText, RejectsARequiredFieldMadeOnlyOfBlanks) {
  for (std::string_view blank : {" "sv, "   "sv, "\u3000\u3000"sv, "\u00A0"sv, "\u200B"sv}) {
    absl::Status status = CheckText("customer_name", blank, kName);
    EXPECT_EQ(status.message(), "customer_name: must not be blank");
  }
  EXPECT_EQ(CheckText("description", "\n\n\t", kDescription).message(),
            "description: must not be blank");
}

TEST(CheckText, AcceptsAnOptionalFieldLeftEmpty) {
  TextRule optional = kDescription;
  optional.required = false;
  EXPECT_TRUE(CheckText("expected_resolution", "", optional).ok());
  EXPECT_TRUE(CheckText("expected_resolution", "  ", optional).ok());
  EXPECT_FALSE(CheckText("expected_resolution", "\xFF", optional).ok());
}

TEST(CheckText, NoLimitWhenMaxCharsIsZero) {
  TextRule unlimited{.required = true, .max_chars = 0, .allow_newlines = true};
  EXPECT_TRUE(CheckText("notes", Times("长", 100000), unlimited).ok());
}

TEST(CheckText, AllowsLineBreaksAndTabsOnlyWhereTheRuleSays) {
  EXPECT_TRUE(CheckText("description", "第一行\n第二行\r\n\t第三行", kDescription).ok());
  for (std::string_view text : {"张\n三"sv, "张\r三"sv, "张\t三"sv}) {
    absl::Status status = CheckText("customer_name", text, kName);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(),
              "customer_name: must not contain line breaks, tabs or control characters");
  }
}

TEST(CheckText, RejectsControlCharactersEvenWhereNewlinesAreAllowed) {
  for (std::string_view text : {"a\0b"sv, "a\x01"sv, "\x1B[31mred"sv, "a\x7F"sv, "bell\a"sv,
                                "\x1F"sv, "a\u0085b"sv, "a\u009Bb"sv, "\u0080"sv}) {
    absl::Status status = CheckText("description", text, kDescription);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << testing::PrintToString(text);
    EXPECT_EQ(status.message(), "description: must not contain control characters");
  }
}

TEST(CheckText, NeverEchoesTheRejectedValue) {
  const std::string personal = "13812341234 张三 zhang@example.com";
  const std::vector<std::string> rejected = {
      personal + Times("x", 60),  // too long
      personal + "\x01",          // control character
      personal + "\xFF",          // invalid UTF-8
  };
  for (const std::string& value : rejected) {
    absl::Status status = CheckText("customer_name", value, kName);
    ASSERT_FALSE(status.ok());
    EXPECT_THAT(status.message(), Not(HasSubstr("13812341234")));
    EXPECT_THAT(status.message(), Not(HasSubstr("张三")));
    EXPECT_THAT(status.message(), Not(HasSubstr("zhang")));
  }
}

// --- CheckPhone --------------------------------------------------------------------------------

TEST(CheckPhone, AcceptsMainlandMobiles) {
  for (std::string_view phone : {"13812341234", "13012345678", "15912345678", "17712345678",
                                 "18612345678", "19912345678", "16612345678", "14712345678"}) {
    EXPECT_TRUE(CheckPhone("customer_phone", phone).ok()) << phone;
  }
}

TEST(CheckPhone, AcceptsMobilesWithTheCountryPrefix) {
  for (std::string_view phone :
       {"+8613812341234", "8613812341234", "+86 13812341234", "+86-13812341234"}) {
    EXPECT_TRUE(CheckPhone("customer_phone", phone).ok()) << phone;
  }
}

TEST(CheckPhone, AcceptsLandlinesWithOrWithoutTheDash) {
  for (std::string_view phone :
       {"010-12345678", "01012345678", "021-62345678", "02162345678", "0755-12345678",
        "075512345678", "0571-87654321", "0931-8123456", "09318123456", "020-87654321"}) {
    EXPECT_TRUE(CheckPhone("customer_phone", phone).ok()) << phone;
  }
}

TEST(CheckPhone, AcceptsALandlineExtension) {
  EXPECT_TRUE(CheckPhone("customer_phone", "021-12345678-8001").ok());
  EXPECT_TRUE(CheckPhone("customer_phone", "0755-1234567-1").ok());
  EXPECT_TRUE(CheckPhone("customer_phone", "01062345678-123456").ok());
}

TEST(CheckPhone, RejectsMalformedNumbersWithAMessageNamingTheField) {
  const std::vector<std::string_view> bad = {
      "12812341234",             // no mobile range starts 12
      "11812341234",             //
      "1381234123",              // 10 digits
      "138123412345",            // 12 digits
      "23812341234",             // not a mobile, not a landline
      "+8513812341234",          // wrong country code
      "+86+13812341234",         //
      "+86  13812341234",        // two spaces
      "0086138123412345",        //
      "138 1234 1234",           // inner spaces
      " 13812341234",            // untrimmed
      "13812341234 ",            //
      "13812341234\n",           //
      "１３８１２３４１２３４",  // full-width digits from an IME
      "138-1234-1234",           // mobiles take no dashes
      "010-02345678",            // local numbers cannot start with 0
      "0755-01234567",           //
      "001-62345678",            // no 00 area code
      "011-62345678",            // 010 is the only 01X
      "0755-623456",             // 6-digit local number
      "0755-623456789",          // 9-digit local number
      "010--62345678",           //
      "010-62345678-",           // empty extension
      "010-62345678-1234567",    // 7-digit extension
      "010-62345678-12a",        //
      "(010)62345678",           //
      "+86-10-62345678",         // international landline form is not taken
      "abc",                     //
      "'; DROP TABLE",           //
      "0",                       //
      "010",                     //
      "1",                       //
  };
  for (std::string_view phone : bad) {
    absl::Status status = CheckPhone("customer_phone", phone);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << phone;
    EXPECT_EQ(status.message(), "customer_phone: not a valid mainland mobile or landline number")
        << phone;
  }
}

TEST(CheckPhone, RejectsEmbeddedNulAndOverlongInput) {
  EXPECT_FALSE(CheckPhone("customer_phone",
                          "1381234\0"
                          "1234"sv)
                   .ok());
  EXPECT_FALSE(CheckPhone("customer_phone", std::string(1000, '1')).ok());
}

TEST(CheckPhone, RequiresAValue) {
  EXPECT_EQ(CheckPhone("customer_phone", "").message(), "customer_phone: is required");
}

TEST(CheckPhone, NeverEchoesTheRejectedValue) {
  absl::Status status = CheckPhone("customer_phone", "12812345678");
  EXPECT_THAT(status.message(), Not(HasSubstr("12812345678")));
  EXPECT_THAT(status.message(), Not(HasSubstr("2345678")));
}

// --- CheckEmail --------------------------------------------------------------------------------

TEST(CheckEmail, AcceptsPlainAddresses) {
  for (std::string_view email :
       {"zhang.san@example.com", "a+tag@mail.example.cn", "x@sub-domain.example.com",
        "12345678@qq.com", "o'brien@example.ie", "用户@例子.中国", "a@b.co"}) {
    EXPECT_TRUE(CheckEmail("customer_email", email).ok()) << email;
  }
}

TEST(CheckEmail, RejectsMalformedAddresses) {
  const std::vector<std::string_view> bad = {
      "zhang",
      "@example.com",
      "a@",
      "a@b",
      "a@@b.com",
      "a@b@c.com",
      "a b@c.com",
      "a@c .com",
      "a@.com",
      "a@com.",
      "a@-x.com",
      "a@x-.com",
      ".a@x.com",
      "a.@x.com",
      "a..b@x.com",
      "a@x..com",
      "a@x.com\n",
      "a\x01@x.com",
      "\"a\"@x.com",
      "a,b@x.com",
      "a@x_y.com",
      "a@x.com ",
      "张三@例子\u3000.中国",
      "a@x.c\u0085om",
      "<a@x.com>",
      "a@[1.2.3.4]",
  };
  for (std::string_view email : bad) {
    absl::Status status = CheckEmail("customer_email", email);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << email;
    EXPECT_EQ(status.message(), "customer_email: not a valid email address") << email;
  }
}

TEST(CheckEmail, RejectsInvalidUtf8) {
  EXPECT_EQ(CheckEmail("customer_email", "\xFF@x.com").message(),
            "customer_email: must be valid UTF-8");
  EXPECT_EQ(CheckEmail("customer_email", "a@\xE4\xBE.com").message(),
            "customer_email: must be valid UTF-8");
}

TEST(CheckEmail, LimitsTheAddressTo254Bytes) {
  // 64 + 1 + (62 + 1 + 62 + 1 + 59 + 4) = 254.
  const std::string email = std::string(64, 'a') + "@" + std::string(62, 'b') + "." +
                            std::string(62, 'c') + "." + std::string(59, 'd') + ".com";
  ASSERT_EQ(email.size(), 254u);
  EXPECT_TRUE(CheckEmail("customer_email", email).ok()) << email;
  EXPECT_EQ(CheckEmail("customer_email", "a" + email).message(),
            "customer_email: must be at most 254 bytes");
}

TEST(CheckEmail, LimitsTheLocalPartTo64Bytes) {
  EXPECT_TRUE(CheckEmail("customer_email", std::string(64, 'a') + "@x.com").ok());
  EXPECT_FALSE(CheckEmail("customer_email", std::string(65, 'a') + "@x.com").ok());
}

TEST(CheckEmail, RequiresAValueAndNeverEchoesIt) {
  EXPECT_EQ(CheckEmail("customer_email", "").message(), "customer_email: is required");
  EXPECT_THAT(CheckEmail("customer_email", "zhang.san@@example.com").message(),
              Not(HasSubstr("zhang")));
}

}  // namespace
}  // namespace tousu::validation

namespace tousu::validation {
namespace {

TEST(Identifiers, AcceptDepartmentStaffAndRequestIds) {
  EXPECT_TRUE(CheckIdentifier("department_id", "customer-service").ok());
  EXPECT_TRUE(CheckIdentifier("staff_id", "S0001").ok());
  EXPECT_TRUE(CheckIdentifier("request_id", "app:2026-11-26T03:00:00.1_x").ok());
  EXPECT_TRUE(CheckIdentifier("staff_id", "", 32, /*required=*/false).ok());
}

TEST(Identifiers, RejectEmptyLongAndOddCharactersNamingTheField) {
  auto empty = CheckIdentifier("owner_staff_id", "");
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.message(), "owner_staff_id: required");
  EXPECT_FALSE(CheckIdentifier("staff_id", std::string(33, 'a'), 32).ok());
  EXPECT_FALSE(CheckIdentifier("staff_id", "S 1").ok());
  EXPECT_FALSE(CheckIdentifier("staff_id", "工程部").ok());
  EXPECT_FALSE(CheckIdentifier("staff_id", "x'; DROP TABLE staff; --").ok());
}

TEST(ComplaintNumbers, LookLikeTsYearMonthSequence) {
  EXPECT_TRUE(CheckComplaintNumber("number", "TS-202611-000123").ok());
  EXPECT_TRUE(CheckComplaintNumber("number", "TS-202611-1000000").ok());  // a month past 999999
  EXPECT_FALSE(CheckComplaintNumber("number", "TS-202611-0000000001").ok());
  EXPECT_FALSE(CheckComplaintNumber("number", "TS-202611-00012").ok());
  EXPECT_FALSE(CheckComplaintNumber("number", "XX-202611-000123").ok());
  EXPECT_FALSE(CheckComplaintNumber("number", "TS-2026A1-000123").ok());
  EXPECT_FALSE(CheckComplaintNumber("number", "TS-202611_000123").ok());
  auto s = CheckComplaintNumber("number", "");
  EXPECT_EQ(s.message(), "number: must look like TS-202611-000123");
}

}  // namespace
}  // namespace tousu::validation
