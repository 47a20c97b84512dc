#include "common/client/channel.h"

#include <gtest/gtest.h>

namespace tousu::client {
namespace {

TEST(Channel, RetriesAreConfiguredOnlyForTheIdempotentMethods) {
  ChannelOptions o;
  EXPECT_EQ(RetryServiceConfig(o), "{}");
  o.idempotent_methods = {"complaints.common.v1.EventSink/DeliverEvent",
                          "complaints.intake.v1.IntakeService"};
  const std::string json = RetryServiceConfig(o);
  EXPECT_NE(json.find(R"({"service":"complaints.common.v1.EventSink","method":"DeliverEvent"})"),
            std::string::npos);
  EXPECT_NE(json.find(R"({"service":"complaints.intake.v1.IntakeService"})"), std::string::npos);
  EXPECT_NE(json.find(R"("retryableStatusCodes":["UNAVAILABLE"])"), std::string::npos);
}

TEST(Channel, ACallContextAlwaysHasADeadline) {
  auto ctx = NewCallContext(absl::Seconds(2));
  const auto left = ctx->deadline() - std::chrono::system_clock::now();
  EXPECT_GT(left, std::chrono::milliseconds(1500));
  EXPECT_LE(left, std::chrono::milliseconds(2000));
}

}  // namespace
}  // namespace tousu::client
