// Whose address a request is counted under: the TCP peer, or, behind trusted proxies, the
// right-most address of X-Forwarded-For that none of them has.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "services/gateway/client_address.h"
#include "services/gateway/settings.h"

namespace tousu::gateway {
namespace {

using ::testing::HasSubstr;

TrustedProxies Trusting(absl::string_view ranges) {
  auto proxies = TrustedProxies::Parse(ranges);
  EXPECT_TRUE(proxies.ok()) << proxies.status();
  return proxies.ok() ? *proxies : TrustedProxies();
}

TEST(IpRangeTest, AnIpv4RangeHoldsItsAddressesAndNoOthers) {
  auto range = IpRange::Parse("10.0.0.0/8");
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("10.0.0.0")));
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("10.255.255.255")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("11.0.0.0")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("9.255.255.255")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("::a00:1")));  // an IPv6 address is not in it

  auto odd = IpRange::Parse("192.168.4.0/22");
  ASSERT_TRUE(odd.ok()) << odd.status();
  EXPECT_TRUE(odd->Contains(*IpAddress::Parse("192.168.7.255")));
  EXPECT_FALSE(odd->Contains(*IpAddress::Parse("192.168.8.0")));
  EXPECT_FALSE(odd->Contains(*IpAddress::Parse("192.168.3.255")));
}

TEST(IpRangeTest, AnIpv6RangeHoldsItsAddressesAndNoOthers) {
  auto range = IpRange::Parse("2001:db8:1200::/40");
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("2001:db8:1200::1")));
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("2001:db8:12ff:ffff::")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("2001:db8:1300::")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("10.0.0.1")));

  auto ula = IpRange::Parse("fd00::/8");
  ASSERT_TRUE(ula.ok());
  EXPECT_TRUE(ula->Contains(*IpAddress::Parse("fd12:3456::7")));
  EXPECT_FALSE(ula->Contains(*IpAddress::Parse("fe80::1")));
}

TEST(IpRangeTest, ABareAddressIsOneHostAndSlashZeroIsEverything) {
  auto host = IpRange::Parse("192.0.2.7");
  ASSERT_TRUE(host.ok());
  EXPECT_TRUE(host->Contains(*IpAddress::Parse("192.0.2.7")));
  EXPECT_FALSE(host->Contains(*IpAddress::Parse("192.0.2.8")));
  auto v6_host = IpRange::Parse("2001:db8::7");
  ASSERT_TRUE(v6_host.ok());
  EXPECT_EQ(v6_host->ToString(), "2001:db8::7/128");
  auto all = IpRange::Parse("0.0.0.0/0");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->Contains(*IpAddress::Parse("203.0.113.9")));
}

TEST(IpRangeTest, Ipv4MappedAddressesAndRangesAreTheirIpv4Form) {
  const auto mapped = IpAddress::Parse("::ffff:10.1.2.3");
  ASSERT_TRUE(mapped.has_value());
  EXPECT_TRUE(mapped->is_v4());
  EXPECT_EQ(mapped->ToString(), "10.1.2.3");
  auto range = IpRange::Parse("::ffff:10.0.0.0/104");
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->ToString(), "10.0.0.0/8");
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("10.9.9.9")));
}

TEST(IpRangeTest, MalformedRangesAreRefused) {
  for (const char* bad :
       {"", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8", "10.0.0/8",
        "10.0.0.0.0/8", "fd00::/129", "fd00::/abc", "10.0.0.0 /8", "example.com/8", "[fd00::]/8",
        "fe80::1%eth0", "10.1.0.0/8", "fd00::1/8", "::ffff:10.0.0.0/90"}) {
    EXPECT_FALSE(IpRange::Parse(bad).ok()) << bad;
  }
}

TEST(TrustedProxiesTest, AnEmptySettingTrustsNobody) {
  const TrustedProxies none = Trusting("");
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.Trusts("127.0.0.1"));
  EXPECT_EQ(none.ClientAddress("10.0.0.5", "203.0.113.9"), "10.0.0.5");
  EXPECT_TRUE(Trusting(" , ").empty());
}

TEST(TrustedProxiesTest, AListMixesIpv4AndIpv6Ranges) {
  const TrustedProxies proxies = Trusting(" 10.0.0.0/8, fd00::/8 ,192.0.2.1");
  EXPECT_EQ(proxies.ranges().size(), 3u);
  EXPECT_TRUE(proxies.Trusts("10.20.30.40"));
  EXPECT_TRUE(proxies.Trusts("fd00::1"));
  EXPECT_TRUE(proxies.Trusts("192.0.2.1"));
  EXPECT_TRUE(proxies.Trusts("::ffff:10.0.0.1"));
  EXPECT_FALSE(proxies.Trusts("192.0.2.2"));
  EXPECT_FALSE(proxies.Trusts("2001:db8::1"));
  EXPECT_FALSE(proxies.Trusts("unknown"));
}

TEST(TrustedProxiesTest, TheErrorNamesTheBadEntry) {
  auto proxies = TrustedProxies::Parse("10.0.0.0/8, 172.16.0.0/33, fd00::/8");
  ASSERT_FALSE(proxies.ok());
  EXPECT_EQ(proxies.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(proxies.status().message(), HasSubstr("172.16.0.0/33"));
}

TEST(ClientAddressTest, ATrustedPeerNamesTheClientInXForwardedFor) {
  const TrustedProxies proxies = Trusting("10.0.0.0/8");
  EXPECT_EQ(proxies.ClientAddress("10.1.2.3", "203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(proxies.ClientAddress("10.1.2.3", " 203.0.113.9 "), "203.0.113.9");
}

TEST(ClientAddressTest, AnUntrustedPeerIsTheClientWhateverItsXForwardedForSays) {
  const TrustedProxies proxies = Trusting("10.0.0.0/8, fd00::/8");
  EXPECT_EQ(proxies.ClientAddress("203.0.113.9", "198.51.100.1"), "203.0.113.9");
  EXPECT_EQ(proxies.ClientAddress("203.0.113.9", "10.0.0.1"), "203.0.113.9");
  EXPECT_EQ(proxies.ClientAddress("2001:db8::9", "198.51.100.1, 10.0.0.2"), "2001:db8::9");
  EXPECT_EQ(proxies.ClientAddress("unknown", "198.51.100.1"), "unknown");
}

TEST(ClientAddressTest, ASpoofedLeftPartDoesNotHideTheAddressTheProxySaw) {
  // The client wrote "1.2.3.4" itself; the ingress controller appended the address it saw.
  const TrustedProxies proxies = Trusting("10.0.0.0/8");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "1.2.3.4, 203.0.113.9"), "203.0.113.9");
  // Claiming to be a trusted proxy does not help either: the address the proxy saw is not one.
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "198.51.100.1, 10.0.0.99, 203.0.113.9"),
            "203.0.113.9");
}

TEST(ClientAddressTest, AChainOfTrustedProxiesIsWalkedFromTheRight) {
  // client -> CDN edge (trusted 192.0.2.0/24) -> ingress controller (10/8) -> gateway.
  const TrustedProxies proxies = Trusting("10.0.0.0/8, 192.0.2.0/24, fd00::/8");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "203.0.113.9, 192.0.2.10"), "203.0.113.9");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "1.1.1.1, 203.0.113.9, 192.0.2.10, 10.9.0.1"),
            "203.0.113.9");
  EXPECT_EQ(proxies.ClientAddress("fd00::7", "2001:db8::9, fd00::1"), "2001:db8::9");
  // Several X-Forwarded-For fields arrive joined with commas, in order.
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "203.0.113.9,192.0.2.10,10.9.0.1"), "203.0.113.9");
}

TEST(ClientAddressTest, WhenEveryAddressIsTrustedTheLeftMostIsTheClient) {
  const TrustedProxies proxies = Trusting("10.0.0.0/8, 192.0.2.0/24");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "192.0.2.5, 10.1.1.1"), "192.0.2.5");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "10.1.1.1"), "10.1.1.1");
}

TEST(ClientAddressTest, MalformedEntriesAreSkipped) {
  const TrustedProxies proxies = Trusting("10.0.0.0/8");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "203.0.113.9, unknown"), "203.0.113.9");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "203.0.113.9, 198.51.100.1:443, , _hidden"),
            "203.0.113.9");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "[2001:db8::1], 10.1.1.1"), "10.1.1.1");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "999.1.1.1, 203.0.113.9 x"), "10.0.0.7");
  // Nothing usable at all: the peer.
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", ""), "10.0.0.7");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "garbage"), "10.0.0.7");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", ",,"), "10.0.0.7");
}

TEST(ClientAddressTest, TheClientAddressIsCanonicalSoOneHostHasOneBucket) {
  const TrustedProxies proxies = Trusting("10.0.0.0/8");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "2001:DB8:0:0::0001"), "2001:db8::1");
  EXPECT_EQ(proxies.ClientAddress("10.0.0.7", "::ffff:203.0.113.9"), "203.0.113.9");
}

class TrustedProxiesSettingTest : public ::testing::Test {
 protected:
  TrustedProxiesSettingTest() {
    rpcs_ = ::testing::TempDir() + "/gateway_client_address_rpcs.txt";
    std::ofstream(rpcs_) << "complaints.intake.v1.IntakeService/GetComplaint  token\n";
  }
  ~TrustedProxiesSettingTest() override { std::filesystem::remove(rpcs_); }

  absl::StatusOr<Settings> Read(std::vector<std::string> extra) const {
    std::vector<std::string> env = {
        "TOUSU_GATEWAY_HTTP_ADDR=127.0.0.1:0", "TOUSU_GATEWAY_PUBLIC_RPCS_FILE=" + rpcs_,
        "TOUSU_GATEWAY_INTAKE_ADDR=127.0.0.1:7101", "TOUSU_GATEWAY_AUTH_KEYS=/keys"};
    env.insert(env.end(), extra.begin(), extra.end());
    return Settings::FromConfig(config::Config("GATEWAY", env, {}));
  }

  std::string rpcs_;
};

TEST_F(TrustedProxiesSettingTest, ByDefaultNoProxyIsTrusted) {
  auto s = Read({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->trusted_proxies.empty());
}

TEST_F(TrustedProxiesSettingTest, TheSettingIsReadFromTheEnvironment) {
  auto s = Read({"TOUSU_GATEWAY_TRUSTED_PROXIES=10.244.0.0/16,fd00:10:244::/56"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->trusted_proxies.ranges().size(), 2u);
  EXPECT_TRUE(s->trusted_proxies.Trusts("10.244.3.4"));
  EXPECT_TRUE(s->trusted_proxies.Trusts("fd00:10:244:ff::1"));
}

TEST_F(TrustedProxiesSettingTest, ABadEntryRefusesTheStartNamingTheVariableAndTheEntry) {
  auto s = Read({"TOUSU_GATEWAY_TRUSTED_PROXIES=10.244.0.0/16, 10.96.0.0/99"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("TOUSU_GATEWAY_TRUSTED_PROXIES"));
  EXPECT_THAT(s.status().message(), HasSubstr("10.96.0.0/99"));
}

}  // namespace
}  // namespace tousu::gateway
