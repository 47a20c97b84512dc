#include "common/status/status_map.h"

#include <gtest/gtest.h>

namespace tousu::status {
namespace {

TEST(StatusMap, KeepsTheCodeAndTheMessageCallersNeed) {
  auto s = ToGrpc(absl::InvalidArgumentError("customer_phone: not a valid number"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "customer_phone: not a valid number");
  EXPECT_EQ(ToGrpc(absl::NotFoundError("x")).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpc(absl::AlreadyExistsError("x")).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ToGrpc(absl::FailedPreconditionError("x")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ToGrpc(absl::AbortedError("x")).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ToGrpc(absl::UnavailableError("x")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok());
}

TEST(StatusMap, NeverLeaksInternalDetailToCallers) {
  auto s = ToGrpc(absl::InternalError("You have an error in your SQL syntax near 'SELECT * FROM'"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(s.error_message(), "internal error");
  EXPECT_EQ(ToGrpc(absl::UnknownError("stack trace")).error_message(), "internal error");
}

TEST(StatusMap, SpellsCodesAsGrafanaDashboardsExpect) {
  EXPECT_STREQ(CodeName(grpc::StatusCode::OK), "OK");
  EXPECT_STREQ(CodeName(grpc::StatusCode::INVALID_ARGUMENT), "InvalidArgument");
  EXPECT_STREQ(CodeName(grpc::StatusCode::RESOURCE_EXHAUSTED), "ResourceExhausted");
  EXPECT_STREQ(CodeName(grpc::StatusCode::UNAUTHENTICATED), "Unauthenticated");
}

}  // namespace
}  // namespace tousu::status
