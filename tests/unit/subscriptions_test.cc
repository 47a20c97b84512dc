#include "common/events/subscriptions.h"

#include <gtest/gtest.h>

namespace tousu::events {
namespace {

TEST(Subscriptions, ListsEverySubscriberOfAnEventTypeOnce) {
  auto subs = Subscriptions::Parse(
      "# comment\n"
      "ComplaintReceived  routing analytics   # trailing comment\n"
      "\n"
      "ComplaintRouted intake\tanalytics\n"
      "ComplaintReceived routing\n");
  ASSERT_TRUE(subs.ok()) << subs.status();
  EXPECT_EQ(subs->SubscribersOf("ComplaintReceived"),
            (std::vector<std::string>{"routing", "analytics"}));
  EXPECT_EQ(subs->SubscribersOf("ComplaintRouted"),
            (std::vector<std::string>{"intake", "analytics"}));
  EXPECT_TRUE(subs->SubscribersOf("Unknown").empty());
}

TEST(Subscriptions, RejectsALineWithoutSubscribersNamingTheLine) {
  auto subs = Subscriptions::Parse("A b\nLonely\n");
  ASSERT_FALSE(subs.ok());
  EXPECT_NE(subs.status().message().find("line 2"), std::string::npos);
}

TEST(Subscriptions, RejectsNamesWithOddCharacters) {
  EXPECT_FALSE(Subscriptions::Parse("A b;c\n").ok());
}

TEST(Peers, ParsesNameEqualsAddressPairs) {
  auto peers = ParsePeers("routing=127.0.0.1:7102, analytics = 127.0.0.1:7105");
  ASSERT_TRUE(peers.ok()) << peers.status();
  EXPECT_EQ(peers->at("routing"), "127.0.0.1:7102");
  EXPECT_EQ(peers->at("analytics"), "127.0.0.1:7105");
  EXPECT_TRUE(ParsePeers("")->empty());
  EXPECT_FALSE(ParsePeers("routing").ok());
  EXPECT_FALSE(ParsePeers("=127.0.0.1:1").ok());
}

}  // namespace
}  // namespace tousu::events
