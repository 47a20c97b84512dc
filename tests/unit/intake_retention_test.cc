// Retention of customers' personal data (PIPL): which complaints are anonymised when, and what
// happens to copies of the customer's contact data in free text.

#include <gtest/gtest.h>

#include "services/intake/domain/retention.h"

namespace tousu::intake {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const absl::Duration kThreeYears = absl::Hours(24 * 1095);

TEST(Retention, AComplaintClosedLongerAgoThanTheSettingIsAnonymised) {
  EXPECT_TRUE(
      ShouldAnonymise(true, kNow - kThreeYears - absl::Seconds(1), false, kNow, kThreeYears));
  EXPECT_TRUE(ShouldAnonymise(true, kNow - kThreeYears, false, kNow, kThreeYears));
}

TEST(Retention, ARecentlyClosedComplaintIsKept) {
  EXPECT_FALSE(
      ShouldAnonymise(true, kNow - kThreeYears + absl::Seconds(1), false, kNow, kThreeYears));
}

TEST(Retention, AnOpenComplaintIsKeptHoweverOld) {
  EXPECT_FALSE(ShouldAnonymise(false, std::nullopt, false, kNow, kThreeYears));
  EXPECT_FALSE(ShouldAnonymise(false, kNow - 10 * kThreeYears, false, kNow, kThreeYears));
}

TEST(Retention, AnAnonymisedComplaintIsNotAnonymisedAgain) {
  EXPECT_FALSE(ShouldAnonymise(true, kNow - 2 * kThreeYears, true, kNow, kThreeYears));
}

TEST(Retention, TheSettingIsDaysOrADurationAndZeroTurnsItOff) {
  EXPECT_EQ(**ParseRetentionAfterClose("1095d"), kThreeYears);
  EXPECT_EQ(**ParseRetentionAfterClose(" 26280h "), kThreeYears);
  EXPECT_EQ(**ParseRetentionAfterClose("90m"), absl::Minutes(90));
  EXPECT_FALSE(ParseRetentionAfterClose("0")->has_value());
  EXPECT_FALSE(ParseRetentionAfterClose("0s")->has_value());
  EXPECT_FALSE(ParseRetentionAfterClose("0d")->has_value());
  EXPECT_FALSE(ParseRetentionAfterClose("-1d").ok());
  EXPECT_FALSE(ParseRetentionAfterClose("-5h").ok());
  EXPECT_FALSE(ParseRetentionAfterClose("three years").ok());
  EXPECT_FALSE(ParseRetentionAfterClose("inf").ok());
}

TEST(Retention, CopiesOfTheCustomersOwnContactDataInFreeTextAreBlanked) {
  const CustomerContact c{.name = "欧阳娜娜",
                          .phone = "+86 139-0000-1111",
                          .phone_key = "13900001111",
                          .email = "nana@example.com"};
  EXPECT_EQ(RedactContact("欧阳娜娜女士来电，电话13900001111，邮箱nana@example.com", c),
            "**女士来电，电话**，邮箱**");
  EXPECT_EQ(RedactContact("回电 +86 139-0000-1111 未接", c), "回电 ** 未接");
}

TEST(Retention, OtherTextAndOtherPeoplesDataAreLeftAsTheyWere) {
  const CustomerContact c{.name = "欧阳娜娜",
                          .phone = "13900001111",
                          .phone_key = "13900001111",
                          .email = "nana@example.com"};
  const std::string text = "工程师李志刚(13800138000)上门，卫生间墙体开裂 TS-202611-000123";
  EXPECT_EQ(RedactContact(text, c), text);
  // A one-character name or an empty phone would blank far too much: never replaced.
  EXPECT_EQ(RedactContact("王先生说", {.name = "王", .phone = "", .phone_key = "", .email = ""}),
            "王先生说");
  EXPECT_EQ(RedactContact("abc", {}), "abc");
}

}  // namespace
}  // namespace tousu::intake
