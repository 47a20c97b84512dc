#include "common/log/mask.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "common/validation/text.h"

namespace tousu::log {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

using namespace std::string_view_literals;

std::string DigitsOf(std::string_view s) {
  std::string digits;
  for (char c : s) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return digits;
}

// --- MaskPhone ---------------------------------------------------------------------------------

TEST(MaskPhone, KeepsTheCarrierPrefixAndLastFourOfAMobile) {
  EXPECT_EQ(MaskPhone("13812341234"), "138****1234");
  EXPECT_EQ(MaskPhone("19956781234"), "199****1234");
}

TEST(MaskPhone, DropsTheCountryPrefixAndSeparatorsOfAMobile) {
  EXPECT_EQ(MaskPhone("+8613812341234"), "138****1234");
  EXPECT_EQ(MaskPhone("8613812341234"), "138****1234");
  EXPECT_EQ(MaskPhone("+86 138-1234-1234"), "138****1234");
  EXPECT_EQ(MaskPhone("138 1234 1234"), "138****1234");
}

TEST(MaskPhone, KeepsTheAreaCodeAndLastFourOfALandline) {
  EXPECT_EQ(MaskPhone("010-12345678"), "010****5678");
  EXPECT_EQ(MaskPhone("0755-12345678"), "0755****5678");
  EXPECT_EQ(MaskPhone("0931-8123456"), "0931****456");
}

TEST(MaskPhone, FindsTheAreaCodeOfALandlineWrittenWithoutDash) {
  EXPECT_EQ(MaskPhone("01012345678"), "010****5678");
  EXPECT_EQ(MaskPhone("02162345678"), "021****5678");
  EXPECT_EQ(MaskPhone("075512345678"), "0755****5678");
  EXPECT_EQ(MaskPhone("09318123456"), "0931****456");
}

TEST(MaskPhone, HidesFourDigitsOfASevenDigitLocalNumberToo) {
  EXPECT_EQ(MaskPhone("0755-1234567"), "0755****567");
  EXPECT_THAT(MaskPhone("0755-1234567"), Not(HasSubstr("4567")));
}

TEST(MaskPhone, DropsALandlineExtension) {
  EXPECT_EQ(MaskPhone("021-12345678-8001"), "021****5678");
}

TEST(MaskPhone, KeepsOnlyTheLastFourDigitsOfAnythingElse) {
  EXPECT_EQ(MaskPhone("+852 9123 4567"), "****4567");
  EXPECT_EQ(MaskPhone("4008123123"), "****3123");
  EXPECT_EQ(MaskPhone("12345678"), "****5678");
}

TEST(MaskPhone, ShowsNoDigitOfAShortNumber) {
  // Keeping "the last four" of a 4- to 7-digit value would show most or all of it.
  EXPECT_EQ(MaskPhone("1234"), "****");
  EXPECT_EQ(MaskPhone("1234567"), "****");
  EXPECT_EQ(MaskPhone("110"), "****");
}

TEST(MaskPhone, NeverReturnsEmptyOrGarbageInput) {
  EXPECT_EQ(MaskPhone(""), "****");
  EXPECT_EQ(MaskPhone("张三"), "****");
  EXPECT_EQ(MaskPhone("zhang.san@example.com"), "****");
  EXPECT_EQ(MaskPhone("\xFF\xFE"), "****");
  EXPECT_EQ(MaskPhone("'; DROP TABLE users; --"), "****");
  EXPECT_EQ(MaskPhone("****"), "****");
}

TEST(MaskPhone, NeverShowsTheWholeNumberOrAnythingButDigitsAndStars) {
  const std::vector<std::string_view> phones = {
      "13812341234",
      "+8613812341234",
      "8613812341234",
      "010-12345678",
      "01012345678",
      "0755-1234567",
      "021-12345678-8001",
      "+852 9123 4567",
      "12345678",
      "1234",
      "1",
      "张三 13812341234",
      "call 13812341234 after 6pm",
      "tel:+86-138-1234-1234",
      "0086 13812341234",
      "\x1B[31m13812341234"sv,
  };
  for (std::string_view phone : phones) {
    const std::string masked = MaskPhone(phone);
    EXPECT_NE(masked, phone);
    EXPECT_THAT(masked, MatchesRegex("[0-9]*\\*\\*\\*\\*[0-9]*")) << phone;
    const std::string digits = DigitsOf(phone);
    if (!digits.empty()) {
      EXPECT_THAT(masked, Not(HasSubstr(digits))) << phone;
    }
    // At least four digits are always hidden.
    EXPECT_LE(DigitsOf(masked).size() + 4, std::max<size_t>(digits.size(), 4)) << phone;
  }
}

TEST(MaskPhone, HidesTheMiddleDigitsOfAMobile) {
  const std::string masked = MaskPhone("13856781234");
  EXPECT_THAT(masked, Not(HasSubstr("5678")));
  EXPECT_THAT(masked, Not(HasSubstr("38567")));
}

// --- MaskEmail ---------------------------------------------------------------------------------

TEST(MaskEmail, KeepsTheFirstCharacterAndTheDomain) {
  EXPECT_EQ(MaskEmail("zhang.san@example.com"), "z***@example.com");
  EXPECT_EQ(MaskEmail("13812341234@qq.com"), "1***@qq.com");
  EXPECT_EQ(MaskEmail("ab@mail.example.cn"), "a***@mail.example.cn");
}

TEST(MaskEmail, HidesAOneCharacterLocalPartEntirely) {
  EXPECT_EQ(MaskEmail("z@example.com"), "***@example.com");
}

TEST(MaskEmail, KeepsAWholeChineseCharacterAtTheStart) {
  EXPECT_EQ(MaskEmail("张三@example.com"), "张***@example.com");
}

TEST(MaskEmail, HidesADomainThatIsNotAPlainHostName) {
  // Whatever sits after '@' may be personal data typed in the wrong field.
  EXPECT_EQ(MaskEmail("z@13812341234"), "***@***");
  EXPECT_EQ(MaskEmail("zhang@张三.中国"), "z***@***");
  EXPECT_EQ(MaskEmail("zhang@exa mple.com"), "z***@***");
  EXPECT_EQ(MaskEmail("zhang@"), "z***@***");
}

TEST(MaskEmail, NeverReturnsGarbageInput) {
  EXPECT_EQ(MaskEmail(""), "***");
  EXPECT_EQ(MaskEmail("no-at-sign"), "***");
  EXPECT_EQ(MaskEmail("张三 13812341234"), "***");
  EXPECT_EQ(MaskEmail("@"), "***@***");
  EXPECT_EQ(MaskEmail("@example.com"), "***@example.com");
  EXPECT_EQ(MaskEmail("\xFFzhang@example.com"), "***@example.com");
  EXPECT_EQ(MaskEmail("\x1B[2Jzhang@example.com"), "***@example.com");
}

TEST(MaskEmail, SplitsAtTheLastAt) { EXPECT_EQ(MaskEmail("a@b@example.com"), "a***@example.com"); }

TEST(MaskEmail, NeverShowsTheLocalPart) {
  for (std::string_view email : {"zhang.san@example.com", "zs@example.com", "13812341234@qq.com"}) {
    const std::string masked = MaskEmail(email);
    const std::string_view local = email.substr(0, email.find('@'));
    EXPECT_THAT(masked, Not(HasSubstr(std::string(local)))) << email;
  }
}

// --- MaskName ----------------------------------------------------------------------------------

TEST(MaskName, KeepsTheSurnameCharacterOfAChineseName) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("王小明"), "王**");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧***");
  EXPECT_EQ(MaskName("阿卜杜·热合曼"), "阿******");
}

TEST(MaskName, KeepsTheFirstLetterOfALatinName) {
  EXPECT_EQ(MaskName("John Smith"), "J*********");
  EXPECT_EQ(MaskName("Zoë"), "Z**");
  EXPECT_EQ(MaskName("Élodie"), "É*****");
}

TEST(MaskName, KeepsAFourByteFirstCharacterWhole) {
  EXPECT_EQ(MaskName("𠀀三"), "𠀀*");  // CJK Extension B
  EXPECT_EQ(MaskName("😀ab"), "😀**");
}

TEST(MaskName, MasksAOneCharacterNameEntirely) {
  EXPECT_EQ(MaskName("张"), "*");
  EXPECT_EQ(MaskName("J"), "*");
  EXPECT_EQ(MaskName("  张  "), "*");
}

TEST(MaskName, IgnoresSurroundingSpaces) { EXPECT_EQ(MaskName("  张三 "), "张*"); }

TEST(MaskName, NeverReturnsEmptyOrGarbageInput) {
  EXPECT_EQ(MaskName(""), "*");
  EXPECT_EQ(MaskName("   "), "*");
  // Each invalid byte sequence counts as one character and is never kept.
  EXPECT_EQ(MaskName("\xFF\xFE张"), "***");
  EXPECT_EQ(MaskName("\xE5\x8C"
                     "x"),
            "**");
  EXPECT_EQ(MaskName("\xE5\xBC\xA0\xFF"), "张*");
  // A control character is not kept as the visible first character.
  EXPECT_EQ(MaskName("\x1B[31m张三"), "*******");
  EXPECT_EQ(MaskName("\0张三"sv), "***");
}

TEST(MaskName, AlwaysProducesValidUtf8WithoutTheRestOfTheName) {
  const std::vector<std::string_view> names = {
      "张三",     "欧阳娜娜",      "John Smith", "\xFF\xFE",
      "\xE5\x8C", "a\xF0\x9F\x98", "😀😀",         "\xED\xA0\x80张三",
  };
  for (std::string_view name : names) {
    const std::string masked = MaskName(name);
    EXPECT_TRUE(validation::Utf8Length(masked).has_value()) << name;
    EXPECT_NE(masked, name);
    if (name.size() > 3) {
      EXPECT_THAT(masked, Not(HasSubstr(std::string(name.substr(3)))));
    }
  }
}

}  // namespace
}  // namespace tousu::log
