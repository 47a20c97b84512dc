// The edge's protocol rules: Connect codes and HTTP statuses, what upstream errors a client may
// read, timeout headers, gRPC-Web frames (binary and base64 text) and the JSON codec.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "complaints/intake/v1/intake.pb.h"
#include "services/gateway/codec.h"
#include "services/gateway/protocol.h"

namespace tousu::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ConnectCodes, EveryGrpcCodeHasConnectsNameAndHttpStatus) {
  const std::vector<std::tuple<grpc::StatusCode, std::string, int>> table = {
      {grpc::StatusCode::CANCELLED, "canceled", 499},
      {grpc::StatusCode::UNKNOWN, "unknown", 500},
      {grpc::StatusCode::INVALID_ARGUMENT, "invalid_argument", 400},
      {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline_exceeded", 504},
      {grpc::StatusCode::NOT_FOUND, "not_found", 404},
      {grpc::StatusCode::ALREADY_EXISTS, "already_exists", 409},
      {grpc::StatusCode::PERMISSION_DENIED, "permission_denied", 403},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, "resource_exhausted", 429},
      {grpc::StatusCode::FAILED_PRECONDITION, "failed_precondition", 400},
      {grpc::StatusCode::ABORTED, "aborted", 409},
      {grpc::StatusCode::OUT_OF_RANGE, "out_of_range", 400},
      {grpc::StatusCode::UNIMPLEMENTED, "unimplemented", 501},
      {grpc::StatusCode::INTERNAL, "internal", 500},
      {grpc::StatusCode::UNAVAILABLE, "unavailable", 503},
      {grpc::StatusCode::DATA_LOSS, "data_loss", 500},
      {grpc::StatusCode::UNAUTHENTICATED, "unauthenticated", 401},
  };
  for (const auto& [code, name, http_status] : table) {
    EXPECT_EQ(ConnectCodeName(code), name);
    EXPECT_EQ(ConnectHttpStatus(code), http_status) << name;
    EXPECT_EQ(CodeFromConnectName(name), code);
  }
  EXPECT_EQ(CodeFromConnectName("not_a_code"), std::nullopt);
  EXPECT_STREQ(ConnectCodeName(static_cast<grpc::StatusCode>(99)), "unknown");
}

TEST(ConnectCodes, TheErrorBodyIsValidJsonWhateverTheMessage) {
  EXPECT_EQ(ConnectErrorJson(grpc::StatusCode::INVALID_ARGUMENT, "phone: \"x\"\n"),
            R"({"code":"invalid_argument","message":"phone: \"x\"\n"})");
  EXPECT_EQ(ConnectErrorJson(grpc::StatusCode::NOT_FOUND, ""), R"({"code":"not_found"})");
}

TEST(UpstreamErrors, InternalUnknownDataLossAndUnavailableTextNeverReachesClients) {
  for (auto code : {grpc::StatusCode::INTERNAL, grpc::StatusCode::UNKNOWN,
                    grpc::StatusCode::DATA_LOSS, grpc::StatusCode::UNAVAILABLE}) {
    const std::string shown =
        ClientFacingMessage(code, "Duplicate entry 'x' for key; ipv4:10.0.3.7:7101 refused");
    EXPECT_THAT(shown, Not(HasSubstr("10.0.3.7")));
    EXPECT_THAT(shown, Not(HasSubstr("Duplicate")));
    EXPECT_FALSE(shown.empty());
  }
}

TEST(UpstreamErrors, MessagesWrittenForClientsAreKept) {
  for (auto code : {grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::NOT_FOUND,
                    grpc::StatusCode::FAILED_PRECONDITION, grpc::StatusCode::PERMISSION_DENIED}) {
    EXPECT_EQ(ClientFacingMessage(code, "complaint.customer_phone: not a phone number"),
              "complaint.customer_phone: not a phone number");
  }
}

TEST(Timeouts, ConnectTimeoutMsIsUpToTenDigitsOfMilliseconds) {
  EXPECT_EQ(*ParseConnectTimeoutMs("1500"), absl::Milliseconds(1500));
  EXPECT_EQ(*ParseConnectTimeoutMs("0"), absl::ZeroDuration());
  EXPECT_EQ(*ParseConnectTimeoutMs("9999999999"), absl::Milliseconds(9999999999));
  for (const char* bad : {"", "-1", "1.5", "12345678901", "10s", " 10"}) {
    auto parsed = ParseConnectTimeoutMs(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("connect-timeout-ms"));
  }
}

TEST(Timeouts, GrpcTimeoutIsUpToEightDigitsAndAUnit) {
  EXPECT_EQ(*ParseGrpcTimeout("1H"), absl::Hours(1));
  EXPECT_EQ(*ParseGrpcTimeout("2M"), absl::Minutes(2));
  EXPECT_EQ(*ParseGrpcTimeout("3S"), absl::Seconds(3));
  EXPECT_EQ(*ParseGrpcTimeout("250m"), absl::Milliseconds(250));
  EXPECT_EQ(*ParseGrpcTimeout("99999999u"), absl::Microseconds(99999999));
  EXPECT_EQ(*ParseGrpcTimeout("5n"), absl::Nanoseconds(5));
  for (const char* bad : {"", "S", "10", "123456789S", "10s", "1.5S", "-1S"}) {
    EXPECT_FALSE(ParseGrpcTimeout(bad).ok()) << bad;
  }
}

TEST(Timeouts, TheClientsTimeoutIsCappedAndTheDefaultFillsIn) {
  const absl::Duration def = absl::Seconds(10), max = absl::Seconds(15);
  EXPECT_EQ(EffectiveTimeout(std::nullopt, def, max), def);
  EXPECT_EQ(EffectiveTimeout(absl::Seconds(2), def, max), absl::Seconds(2));
  EXPECT_EQ(EffectiveTimeout(absl::Hours(1), def, max), max);
}

TEST(ContentTypes, EachProtocolIsKnownByItsContentType) {
  EXPECT_EQ(ProtocolFromContentType("application/json"), Protocol::kConnectJson);
  EXPECT_EQ(ProtocolFromContentType("application/json; charset=utf-8"), Protocol::kConnectJson);
  EXPECT_EQ(ProtocolFromContentType("application/proto"), Protocol::kConnectProto);
  EXPECT_EQ(ProtocolFromContentType("application/grpc-web"), Protocol::kGrpcWeb);
  EXPECT_EQ(ProtocolFromContentType("application/grpc-web+proto"), Protocol::kGrpcWeb);
  EXPECT_EQ(ProtocolFromContentType("Application/GRPC-Web-Text"), Protocol::kGrpcWebText);
  EXPECT_EQ(ProtocolFromContentType("application/grpc-web-text+proto"), Protocol::kGrpcWebText);
  for (const char* other : {"", "text/plain", "application/grpc", "application/grpc-web+json",
                            "application/connect+json"}) {
    EXPECT_EQ(ProtocolFromContentType(other), std::nullopt) << other;
  }
}

TEST(GrpcWebFrames, ARequestFrameRoundTrips) {
  const std::string message("\x0a\x03\x61\x62\x63", 5);
  const std::string frame = EncodeFrame(kDataFrame, message);
  ASSERT_EQ(frame.size(), 10u);
  EXPECT_EQ(frame.substr(0, 5), std::string("\x00\x00\x00\x00\x05", 5));
  EXPECT_EQ(*DecodeUnaryRequestFrame(frame), message);
  EXPECT_EQ(*DecodeUnaryRequestFrame(EncodeFrame(kDataFrame, "")), "");
}

TEST(GrpcWebFrames, MalformedRequestBodiesAreRefused) {
  const std::string frame = EncodeFrame(kDataFrame, "abc");
  EXPECT_EQ(DecodeUnaryRequestFrame("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeUnaryRequestFrame(frame.substr(0, 6)).status().code(),
            absl::StatusCode::kInvalidArgument);  // truncated
  EXPECT_EQ(DecodeUnaryRequestFrame(frame + frame).status().code(),
            absl::StatusCode::kInvalidArgument);  // two messages on a unary call
  EXPECT_EQ(DecodeUnaryRequestFrame(EncodeFrame(kTrailersFrame, "x")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeUnaryRequestFrame(EncodeFrame(kCompressedFlag, "x")).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(GrpcWebFrames, AResponseIsTheMessageFrameThenTheTrailersFrame) {
  const std::string body = EncodeGrpcWebResponse(grpc::Status::OK, "xyz");
  EXPECT_EQ(static_cast<unsigned char>(body[8]), kTrailersFrame);
  auto decoded = DecodeGrpcWebResponse(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->message, "xyz");
  EXPECT_EQ(decoded->status, 0);
  EXPECT_EQ(body.substr(13), "grpc-status:0\r\ngrpc-message:\r\n");
}

TEST(GrpcWebFrames, AnErrorIsTrailersOnlyWithThePercentEncodedMessage) {
  const std::string body = EncodeGrpcWebResponse(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "电话: 100%\r\n"), "ignored");
  EXPECT_EQ(static_cast<unsigned char>(body[0]), kTrailersFrame);
  EXPECT_THAT(body, HasSubstr("grpc-status:3\r\n"));
  EXPECT_THAT(body, HasSubstr("grpc-message:%E7%94%B5%E8%AF%9D: 100%25%0D%0A\r\n"));
  auto decoded = DecodeGrpcWebResponse(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->message, std::nullopt);
  EXPECT_EQ(decoded->status, 3);
  EXPECT_EQ(decoded->status_message, "电话: 100%\r\n");
}

TEST(GrpcWebText, Base64BodiesDecodeIncludingConcatenatedPaddedChunks) {
  const std::string frame = EncodeFrame(kDataFrame, std::string("\x0a\x01\x7a", 3));
  EXPECT_EQ(*DecodeGrpcWebText(EncodeGrpcWebText(frame)), frame);
  // Clients may flush several base64 chunks, each padded on its own.
  const std::string chunked = EncodeGrpcWebText("ab") + EncodeGrpcWebText("cde");
  EXPECT_EQ(chunked, "YWI=Y2Rl");
  EXPECT_EQ(*DecodeGrpcWebText(chunked), "abcde");
  EXPECT_EQ(*DecodeGrpcWebText(""), "");
  for (const char* bad : {"YW*=", "Y", "YWI==", "YW I=", "YWI=\n"}) {
    EXPECT_FALSE(DecodeGrpcWebText(bad).ok()) << bad;
  }
}

TEST(Codec, ConnectJsonUsesTheCanonicalMappingBothWays) {
  const auto& input = *complaints::intake::v1::GetComplaintRequest::descriptor();
  auto bytes = RequestBytes(Protocol::kConnectJson, input, R"({"number":"TS-202612-000001"})");
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  complaints::intake::v1::GetComplaintRequest req;
  ASSERT_TRUE(req.ParseFromString(*bytes));
  EXPECT_EQ(req.number(), "TS-202612-000001");

  complaints::intake::v1::SubmitComplaintRequest submit;
  submit.set_request_id("r-1");
  submit.mutable_complaint()->set_customer_name("欧阳娜娜");
  auto body = ResponseBody(Protocol::kConnectJson,
                           *complaints::intake::v1::SubmitComplaintRequest::descriptor(),
                           submit.SerializeAsString());
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(body->content_type, "application/json");
  EXPECT_EQ(body->body, R"({"requestId":"r-1","complaint":{"customerName":"欧阳娜娜"}})");
}

TEST(Codec, MalformedJsonIsTheClientsErrorNamingTheField) {
  const auto& input = *complaints::intake::v1::SubmitComplaintRequest::descriptor();
  auto unknown = RequestBytes(Protocol::kConnectJson, input, R"({"complaint":{"colour":"red"}})");
  ASSERT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("colour"));
  auto wrong_type =
      RequestBytes(Protocol::kConnectJson, input, R"({"complaint":{"severity":"VERY_BAD"}})");
  ASSERT_EQ(wrong_type.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong_type.status().message(), HasSubstr("severity"));
  auto not_json = RequestBytes(Protocol::kConnectJson, input, R"({"requestId": )");
  EXPECT_EQ(not_json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(not_json.status().message(), HasSubstr("request body"));
}

TEST(Codec, ErrorsAreConnectJsonOrGrpcWebTrailersWithHttp200) {
  const EncodedBody connect = ErrorBody(Protocol::kConnectProto, grpc::StatusCode::NOT_FOUND, "x");
  EXPECT_EQ(connect.http_status, 404);
  EXPECT_EQ(connect.content_type, "application/json");
  EXPECT_EQ(connect.body, R"({"code":"not_found","message":"x"})");
  EXPECT_EQ(ErrorBody(Protocol::kConnectJson, grpc::StatusCode::RESOURCE_EXHAUSTED, "big", 413)
                .http_status,
            413);
  const EncodedBody web = ErrorBody(Protocol::kGrpcWebText, grpc::StatusCode::UNAUTHENTICATED, "t");
  EXPECT_EQ(web.http_status, 200);
  EXPECT_EQ(web.content_type, "application/grpc-web-text+proto");
  auto decoded = DecodeGrpcWebResponse(*DecodeGrpcWebText(web.body));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->status, 16);
  EXPECT_EQ(decoded->status_message, "t");
}

}  // namespace
}  // namespace tousu::gateway
