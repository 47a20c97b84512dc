// The gateway's start-up settings: what it refuses to start without, and its defaults.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "services/gateway/settings.h"

namespace tousu::gateway {
namespace {

using ::testing::HasSubstr;

class GatewaySettingsTest : public ::testing::Test {
 protected:
  GatewaySettingsTest() {
    rpcs_ = ::testing::TempDir() + "/gateway_settings_rpcs.txt";
    std::ofstream(rpcs_) << "complaints.intake.v1.IntakeService/GetComplaint  token\n";
  }
  ~GatewaySettingsTest() override { std::filesystem::remove(rpcs_); }

  std::vector<std::string> Env() const {
    return {"TOUSU_GATEWAY_HTTP_ADDR=127.0.0.1:0", "TOUSU_GATEWAY_PUBLIC_RPCS_FILE=" + rpcs_,
            "TOUSU_GATEWAY_INTAKE_ADDR=127.0.0.1:7101", "TOUSU_GATEWAY_AUTH_KEYS=/keys"};
  }
  absl::StatusOr<Settings> Read(std::vector<std::string> env) const {
    return Settings::FromConfig(config::Config("GATEWAY", env, {}));
  }
  std::vector<std::string> Without(const std::string& prefix) const {
    std::vector<std::string> env;
    for (const auto& e : Env()) {
      if (e.rfind(prefix, 0) != 0) env.push_back(e);
    }
    return env;
  }

  std::string rpcs_;
};

TEST_F(GatewaySettingsTest, DefaultsAreTheDocumentedOnes) {
  auto s = Read(Env());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->max_body_bytes, 1 << 20);
  EXPECT_EQ(s->default_timeout, absl::Seconds(10));
  EXPECT_EQ(s->max_timeout, absl::Seconds(15));
  EXPECT_EQ(s->rate_limits.per_address, 600);
  EXPECT_EQ(s->rate_limits.per_customer, 120);
  EXPECT_EQ(s->http_threads, 2);
  EXPECT_EQ(s->upstreams.at("INTAKE"), "127.0.0.1:7101");
  EXPECT_TRUE(s->cors.origins().empty());
  EXPECT_EQ(s->verifier.keys_dir, "/keys");
}

TEST_F(GatewaySettingsTest, TheEdgeNeverStartsWithoutTokenKeys) {
  auto s = Read(Without("TOUSU_GATEWAY_AUTH_KEYS"));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("TOUSU_GATEWAY_AUTH_KEYS"));
}

TEST_F(GatewaySettingsTest, EachListedServiceNeedsItsUpstreamAddress) {
  auto s = Read(Without("TOUSU_GATEWAY_INTAKE_ADDR"));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("TOUSU_GATEWAY_INTAKE_ADDR"));
}

TEST_F(GatewaySettingsTest, AListedRpcThatDoesNotExistRefusesTheStart) {
  std::ofstream(rpcs_) << "complaints.intake.v1.IntakeService/DeleteEverything  token\n";
  auto s = Read(Env());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("TOUSU_GATEWAY_PUBLIC_RPCS_FILE"));
  EXPECT_THAT(s.status().message(), HasSubstr("DeleteEverything"));
}

TEST_F(GatewaySettingsTest, MalformedValuesAreRefusedNamingTheVariable) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"TOUSU_GATEWAY_ALLOWED_ORIGINS=*", "TOUSU_GATEWAY_ALLOWED_ORIGINS"},
      {"TOUSU_GATEWAY_MAX_TIMEOUT=1h", "TOUSU_GATEWAY_MAX_TIMEOUT"},
      {"TOUSU_GATEWAY_DEFAULT_TIMEOUT=20s", "TOUSU_GATEWAY_DEFAULT_TIMEOUT"},  // over the cap
      {"TOUSU_GATEWAY_RATE_PER_ADDRESS=-1", "TOUSU_GATEWAY_RATE_PER_ADDRESS"},
      {"TOUSU_GATEWAY_MAX_BODY_BYTES=10", "TOUSU_GATEWAY_MAX_BODY_BYTES"},
  };
  for (const auto& [entry, variable] : bad) {
    std::vector<std::string> env = Env();
    env.push_back(entry);
    auto s = Read(env);
    ASSERT_FALSE(s.ok()) << entry;
    EXPECT_THAT(s.status().message(), HasSubstr(variable)) << entry;
  }
}

}  // namespace
}  // namespace tousu::gateway
