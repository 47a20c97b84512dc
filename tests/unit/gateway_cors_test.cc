// Which browser origins may call the edge, and what the answers tell the browser.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/gateway/cors.h"

namespace tousu::gateway {
namespace {

using ::testing::HasSubstr;

TEST(Cors, OnlyTheExactConfiguredOriginsAreAllowed) {
  auto policy = CorsPolicy::Parse(" https://tousu.example.com, http://localhost:5173 ");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->Decide("https://tousu.example.com"), CorsPolicy::Decision::kAllowed);
  EXPECT_EQ(policy->Decide("http://localhost:5173"), CorsPolicy::Decision::kAllowed);
  for (const char* other : {"https://evil.example.com", "http://tousu.example.com",
                            "https://tousu.example.com.evil.com", "https://tousu.example.com:444",
                            "null", "http://localhost:5174"}) {
    EXPECT_EQ(policy->Decide(other), CorsPolicy::Decision::kRefused) << other;
  }
}

TEST(Cors, RequestsWithoutOriginAreNotCrossOrigin) {
  auto policy = CorsPolicy::Parse("https://tousu.example.com");
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->Decide(""), CorsPolicy::Decision::kNotCrossOrigin);
  EXPECT_EQ(CorsPolicy().Decide("https://tousu.example.com"), CorsPolicy::Decision::kRefused);
}

TEST(Cors, WildcardsPathsAndNonOriginsAreRefusedAtStart) {
  for (const char* bad : {"*", "https://*.example.com", "https://tousu.example.com/",
                          "tousu.example.com", "ftp://tousu.example.com", "https://Tousu.com"}) {
    auto policy = CorsPolicy::Parse(bad);
    ASSERT_FALSE(policy.ok()) << bad;
    EXPECT_THAT(policy.status().message(), HasSubstr("allowed origin"));
  }
  EXPECT_TRUE(CorsPolicy::Parse("").ok());
}

TEST(Cors, ThePreflightNamesTheProtocolsHeadersAndAnswersEchoTheOrigin) {
  auto policy = CorsPolicy::Parse("https://tousu.example.com");
  ASSERT_TRUE(policy.ok());
  const auto preflight = policy->PreflightHeaders("https://tousu.example.com");
  EXPECT_EQ(preflight.at("Access-Control-Allow-Origin"), "https://tousu.example.com");
  EXPECT_THAT(preflight.at("Access-Control-Allow-Methods"), HasSubstr("POST"));
  for (const char* header :
       {"content-type", "connect-protocol-version", "connect-timeout-ms", "authorization",
        "x-request-id", "x-grpc-web", "x-user-agent", "grpc-timeout"}) {
    EXPECT_THAT(preflight.at("Access-Control-Allow-Headers"), HasSubstr(header));
  }
  EXPECT_FALSE(preflight.at("Access-Control-Max-Age").empty());
  EXPECT_EQ(preflight.at("Vary"), "Origin");
  const auto response = policy->ResponseHeaders("https://tousu.example.com");
  EXPECT_EQ(response.at("Access-Control-Allow-Origin"), "https://tousu.example.com");
  for (const char* header : {"grpc-status", "grpc-message", "x-request-id"}) {
    EXPECT_THAT(response.at("Access-Control-Expose-Headers"), HasSubstr(header));
  }
}

}  // namespace
}  // namespace tousu::gateway
