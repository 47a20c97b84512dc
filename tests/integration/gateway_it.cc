// The edge gateway over real HTTP: the gateway in-process on a scratch database, in front of a
// real intake service (with authentication on, verifying the same keys), called with
// tests/support/http_client in Connect (JSON and binary) and gRPC-Web (binary and text).

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/token_minter.h"
#include "common/config/config.h"
#include "common/server/server.h"
#include "complaints/intake/v1/intake.pb.h"
#include "services/gateway/gateway.h"
#include "services/gateway/protocol.h"
#include "services/intake/access.h"
#include "services/intake/intake_service.h"
#include "tests/integration/intake_test_replica.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace iv1 = complaints::intake::v1;
using ::testing::HasSubstr;
using testing::HttpCall;
using testing::HttpResult;
using ::testing::Not;
using testing::ScratchDatabase;
using testing::SendHttp;

constexpr char kOrigin[] = "https://app.tousu.test";
constexpr char kCustomer[] = "C0123456789abcdef0123";
constexpr char kSubmitPath[] = "/complaints.intake.v1.IntakeService/SubmitComplaint";
constexpr char kGetPath[] = "/complaints.intake.v1.IntakeService/GetComplaint";

// A signing key whose public half is the only one in AUTH_KEYS, and one nobody trusts.
class Keys {
 public:
  Keys() {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("gateway_keys_", getpid(), "_", reinterpret_cast<uintptr_t>(this));
    std::filesystem::create_directories(dir_);
    auto trusted = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
    auto forger = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
    EXPECT_TRUE(trusted.ok() && forger.ok());
    trusted_ = *trusted;
    forger_ = *forger;
    std::ofstream(dir_ / "gw-test.pem") << trusted_.public_pem;
  }
  ~Keys() { std::filesystem::remove_all(dir_); }
  std::string dir() const { return dir_.string(); }

  std::string Token(const std::string& subject, absl::Time issued = absl::Now(),
                    bool forged = false) const {
    auth::TokenClaims claims;
    claims.subject = subject;
    claims.role = auth::role::kCustomer;
    claims.phone = intake_testing::kPhone;
    claims.issued_at = issued;
    claims.lifetime = absl::Minutes(15);
    claims.kid = "gw-test";
    auto token = auth::MintToken(forged ? forger_.private_pem : trusted_.private_pem, claims);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }
  std::string Bearer(const std::string& subject = kCustomer) const {
    return "Bearer " + Token(subject);
  }

 private:
  std::filesystem::path dir_;
  auth::KeyPair trusted_, forger_;
};

std::unique_ptr<server::ServiceRuntime> MakeRuntime(const std::string& env_name,
                                                    const std::string& name,
                                                    const ScratchDatabase& db,
                                                    std::vector<std::string> extra,
                                                    server::RuntimeSpec spec) {
  std::vector<std::string> env = testing::InProcessEnv(env_name, db.options());
  env.insert(env.end(), extra.begin(), extra.end());
  config::Config cfg(env_name, env, {});
  spec.name = name;
  spec.env_name = env_name;
  auto rt = server::ServiceRuntime::Create(std::move(spec), cfg);
  EXPECT_TRUE(rt.ok()) << rt.status();
  return rt.ok() ? std::move(*rt) : nullptr;
}

// Intake with authentication on: it verifies the token the gateway passes on.
class Intake {
 public:
  Intake(const ScratchDatabase& db, const Keys& keys) {
    runtime_ = MakeRuntime("INTAKE", "intake", db,
                           {"TOUSU_INTAKE_AUTH_KEYS=" + keys.dir(), "TOUSU_INTAKE_LOG_LEVEL=error"},
                           {.name = "",
                            .env_name = "",
                            .grpc_services = {intake::kGrpcServiceName},
                            .migrations = &db::intake_migrations(),
                            .needs_calendar = false,
                            .access = intake::IntakeAccessTable()});
    if (!runtime_) return;
    service_ = std::make_unique<intake::IntakeService>(*runtime_, intake::IntakeSettings{});
    EXPECT_TRUE(runtime_->Start().ok());
    EXPECT_TRUE(runtime_->WaitUntilServing(absl::Seconds(30)));
  }
  ~Intake() {
    if (runtime_) runtime_->Shutdown();
  }
  int port() const { return runtime_->grpc_port(); }

 private:
  std::unique_ptr<server::ServiceRuntime> runtime_;
  std::unique_ptr<intake::IntakeService> service_;
};

struct GatewayOptions {
  int64_t per_address = 0;
  int64_t per_customer = 0;
  std::string follow_up_addr;  // default: a port nothing listens on
  std::string drain_grace = "2s";
  std::string trusted_proxies;  // TRUSTED_PROXIES; empty: not set
  std::string public_rpcs =
      "complaints.intake.v1.IntakeService/SubmitComplaint  token\n"
      "complaints.intake.v1.IntakeService/GetComplaint     token\n"
      "complaints.intake.v1.IntakeService/ListComplaints   anonymous\n"
      // Nothing listens at the follow-up address: the upstream is down.
      "complaints.followup.v1.FollowUpService/SubmitQuestionnaire  anonymous\n";
};

class Edge {
 public:
  Edge(const ScratchDatabase& db, const Keys& keys, int intake_port, GatewayOptions options = {}) {
    rpcs_file_ = ::testing::TempDir() + "/gateway_rpcs_" + db.name() + ".txt";
    std::ofstream(rpcs_file_) << options.public_rpcs;
    const std::string p = "TOUSU_GATEWAY_";
    std::vector<std::string> extra = {
        p + "HTTP_ADDR=127.0.0.1:0",
        p + "HTTP_THREADS=2",
        p + "PUBLIC_RPCS_FILE=" + rpcs_file_,
        p + "INTAKE_ADDR=127.0.0.1:" + std::to_string(intake_port),
        p + "FOLLOW_UP_ADDR=" +
            (options.follow_up_addr.empty() ? "127.0.0.1:" + std::to_string(testing::FreePort())
                                            : options.follow_up_addr),
        p + "AUTH_KEYS=" + keys.dir(),
        p + "ALLOWED_ORIGINS=" + std::string(kOrigin) + ",http://localhost:5173",
        p + "MAX_BODY_BYTES=8192",
        p + "RATE_PER_ADDRESS=" + std::to_string(options.per_address),
        p + "RATE_PER_CUSTOMER=" + std::to_string(options.per_customer),
        p + "HTTP_DRAIN_GRACE=" + options.drain_grace,
        p + "LOG_LEVEL=error",
    };
    if (!options.trusted_proxies.empty()) {
      extra.push_back(p + "TRUSTED_PROXIES=" + options.trusted_proxies);
    }
    runtime_ = MakeRuntime("GATEWAY", "gateway", db, extra,
                           {.name = "",
                            .env_name = "",
                            .grpc_services = {},
                            .migrations = &db::gateway_migrations(),
                            .needs_calendar = false,
                            .access = {}});
    if (!runtime_) return;
    std::vector<std::string> env = testing::InProcessEnv("GATEWAY", db.options());
    env.insert(env.end(), extra.begin(), extra.end());
    auto settings = gateway::Settings::FromConfig(config::Config("GATEWAY", env, {}));
    EXPECT_TRUE(settings.ok()) << settings.status();
    if (!settings.ok()) return;
    auto gateway = gateway::Gateway::Create(*runtime_, *settings);
    EXPECT_TRUE(gateway.ok()) << gateway.status();
    if (!gateway.ok()) return;
    gateway_ = std::move(*gateway);
    EXPECT_TRUE(runtime_->Start().ok());
    EXPECT_TRUE(runtime_->WaitUntilServing(absl::Seconds(30)));
  }
  ~Edge() {
    Stop();
    std::filesystem::remove(rpcs_file_);
  }
  // The HTTP drain, then the runtime, as the process does after SIGTERM.
  void Stop() {
    gateway_.reset();
    if (runtime_) runtime_->Shutdown();
  }
  int port() const { return gateway_->http_port(); }
  std::string Metrics() const { return testing::HttpGet(runtime_->metrics_port(), "/metrics"); }
  gateway::Gateway& gateway() { return *gateway_; }

 private:
  std::string rpcs_file_;
  std::unique_ptr<server::ServiceRuntime> runtime_;
  std::unique_ptr<gateway::Gateway> gateway_;
};

GatewayOptions Limits(int64_t per_address, int64_t per_customer) {
  GatewayOptions options;
  options.per_address = per_address;
  options.per_customer = per_customer;
  return options;
}

HttpCall Post(const std::string& path, std::string body) {
  HttpCall call;
  call.target = path;
  call.body = std::move(body);
  return call;
}

HttpCall Get(const std::string& path) {
  HttpCall call;
  call.method = "GET";
  call.target = path;
  return call;
}

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out).ok());
  return out;
}

template <typename Message>
Message FromJson(const std::string& json) {
  Message m;
  const auto s = google::protobuf::util::JsonStringToMessage(json, &m);
  EXPECT_TRUE(s.ok()) << json;
  return m;
}

iv1::SubmitComplaintRequest SubmitRequest(const std::string& request_id) {
  iv1::SubmitComplaintRequest req;
  req.set_request_id(request_id);
  *req.mutable_complaint() = intake_testing::Input();
  return req;
}

HttpCall Connect(const std::string& path, const std::string& json, const std::string& bearer) {
  HttpCall call = Post(path, json);
  call.headers = {{"content-type", "application/json"}, {"connect-protocol-version", "1"}};
  if (!bearer.empty()) call.headers.push_back({"authorization", bearer});
  return call;
}

HttpCall GrpcWeb(const std::string& path, const google::protobuf::Message& m,
                 const std::string& bearer, bool text) {
  const std::string frame = gateway::EncodeFrame(gateway::kDataFrame, m.SerializeAsString());
  HttpCall call = Post(path, text ? gateway::EncodeGrpcWebText(frame) : frame);
  call.headers = {
      {"content-type", text ? "application/grpc-web-text" : "application/grpc-web+proto"},
      {"x-grpc-web", "1"}};
  if (!bearer.empty()) call.headers.push_back({"authorization", bearer});
  return call;
}

gateway::GrpcWebResponse DecodeWeb(const HttpResult& r, bool text) {
  auto bytes = text ? gateway::DecodeGrpcWebText(r.body) : absl::StatusOr<std::string>(r.body);
  EXPECT_TRUE(bytes.ok());
  auto decoded = gateway::DecodeGrpcWebResponse(bytes.ok() ? *bytes : "");
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  return decoded.ok() ? *decoded : gateway::GrpcWebResponse{};
}

// One gateway in front of one intake, shared by the tests of the suite (each starts in a couple
// of seconds); tests compare counts before and after rather than assume an empty database.
class GatewayTest : public ::testing::Test {
 protected:
  struct Stack {
    Keys keys;
    ScratchDatabase intake_db, gateway_db;
    Intake intake{intake_db, keys};
    Edge edge{gateway_db, keys, intake.port()};
  };
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  const Keys& keys_ = stack_->keys;
  Edge& edge_ = stack_->edge;

  std::string SubmitOne(const std::string& request_id) {
    const HttpResult r = SendHttp(
        edge_.port(), Connect(kSubmitPath, ToJson(SubmitRequest(request_id)), keys_.Bearer()));
    EXPECT_EQ(r.status, 200) << r.body << r.error;
    return FromJson<iv1::SubmitComplaintResponse>(r.body).complaint().number();
  }
  int Complaints() {
    return std::stoi(stack_->intake_db.QueryScalar("SELECT COUNT(*) FROM complaints"));
  }

 private:
  static Stack* stack_;
};

GatewayTest::Stack* GatewayTest::stack_ = nullptr;

TEST_F(GatewayTest, ConnectJsonSubmitsAndReadsBackTheCustomersComplaint) {
  HttpCall submit = Connect(kSubmitPath, ToJson(SubmitRequest("gw-json-1")), keys_.Bearer());
  submit.headers.push_back({"x-request-id", "client-chosen-id-1"});
  const HttpResult r = SendHttp(edge_.port(), submit);
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("x-request-id"), "client-chosen-id-1");
  const auto submitted = FromJson<iv1::SubmitComplaintResponse>(r.body);
  const std::string number = submitted.complaint().number();
  ASSERT_FALSE(number.empty()) << r.body;
  EXPECT_EQ(submitted.complaint().input().customer_id(), kCustomer);  // the token's subject

  iv1::GetComplaintRequest get;
  get.set_number(number);
  const HttpResult got = SendHttp(edge_.port(), Connect(kGetPath, ToJson(get), keys_.Bearer()));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_FALSE(got.Header("x-request-id").empty());  // one is made up when the client sent none
  const auto complaint = FromJson<iv1::GetComplaintResponse>(got.body).complaint();
  EXPECT_EQ(complaint.number(), number);
  EXPECT_EQ(complaint.input().description(), intake_testing::kDescription);
}

TEST_F(GatewayTest, ConnectProtoPassesTheBytesThrough) {
  HttpCall call = Post(kSubmitPath, SubmitRequest("gw-proto-1").SerializeAsString());
  call.headers = {{"content-type", "application/proto"}, {"authorization", keys_.Bearer()}};
  const HttpResult r = SendHttp(edge_.port(), call);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/proto");
  iv1::SubmitComplaintResponse resp;
  ASSERT_TRUE(resp.ParseFromString(r.body));
  EXPECT_FALSE(resp.complaint().number().empty());
}

TEST_F(GatewayTest, GrpcWebBinaryAndTextCarryTheSameCall) {
  const std::string number = SubmitOne("gw-web-1");
  iv1::GetComplaintRequest get;
  get.set_number(number);
  for (bool text : {false, true}) {
    const HttpResult r = SendHttp(edge_.port(), GrpcWeb(kGetPath, get, keys_.Bearer(), text));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"),
              text ? "application/grpc-web-text+proto" : "application/grpc-web+proto");
    const auto web = DecodeWeb(r, text);
    EXPECT_EQ(web.status, 0) << web.status_message;
    ASSERT_TRUE(web.message.has_value());
    iv1::GetComplaintResponse resp;
    ASSERT_TRUE(resp.ParseFromString(*web.message));
    EXPECT_EQ(resp.complaint().number(), number);
  }
  // A gRPC-Web error is HTTP 200 with the status in the trailers frame.
  get.set_number("TS-209901-999999");
  const HttpResult missing = SendHttp(edge_.port(), GrpcWeb(kGetPath, get, keys_.Bearer(), true));
  EXPECT_EQ(missing.status, 200);
  const auto web = DecodeWeb(missing, true);
  EXPECT_EQ(web.status, static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_FALSE(web.message.has_value());
}

TEST_F(GatewayTest, OneKeepAliveConnectionCarriesSeveralCalls) {
  testing::HttpConnection connection(edge_.port());
  ASSERT_TRUE(connection.connected());
  for (int i = 0; i < 3; ++i) {
    const HttpResult r = connection.Send(
        Connect(kSubmitPath, ToJson(SubmitRequest(absl::StrCat("gw-keep-", i))), keys_.Bearer()));
    ASSERT_EQ(r.status, 200) << r.body << r.error;
    EXPECT_TRUE(r.keep_alive);
  }
}

TEST_F(GatewayTest, BrowsersFromTheAllowedOriginsPassAndOthersAreRefused) {
  HttpCall preflight = Get(kSubmitPath);
  preflight.method = "OPTIONS";
  preflight.headers = {{"origin", kOrigin},
                       {"access-control-request-method", "POST"},
                       {"access-control-request-headers", "content-type,authorization"}};
  const HttpResult allowed = SendHttp(edge_.port(), preflight);
  EXPECT_EQ(allowed.status, 204);
  EXPECT_EQ(allowed.Header("access-control-allow-origin"), kOrigin);
  EXPECT_THAT(allowed.Header("access-control-allow-headers"), HasSubstr("authorization"));
  EXPECT_THAT(allowed.Header("access-control-allow-methods"), HasSubstr("POST"));
  EXPECT_FALSE(allowed.Header("access-control-max-age").empty());

  preflight.headers[0].second = "https://evil.example.com";
  const HttpResult refused = SendHttp(edge_.port(), preflight);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.Header("access-control-allow-origin"), "");

  HttpCall call = Connect(kSubmitPath, ToJson(SubmitRequest("gw-cors-1")), keys_.Bearer());
  call.headers.push_back({"origin", kOrigin});
  const HttpResult actual = SendHttp(edge_.port(), call);
  EXPECT_EQ(actual.status, 200) << actual.body;
  EXPECT_EQ(actual.Header("access-control-allow-origin"), kOrigin);
  EXPECT_THAT(actual.Header("access-control-expose-headers"), HasSubstr("grpc-status"));

  call.headers.back().second = "https://evil.example.com";
  const int before = Complaints();
  EXPECT_EQ(SendHttp(edge_.port(), call).status, 403);
  EXPECT_EQ(Complaints(), before);
}

TEST_F(GatewayTest, AnOversizeBodyIsRefusedBeforeItIsRead) {
  const std::string big(20000, 'x');
  const HttpResult connect = SendHttp(edge_.port(), Connect(kSubmitPath, big, keys_.Bearer()));
  EXPECT_EQ(connect.status, 413);
  EXPECT_THAT(connect.body, HasSubstr(R"("code":"resource_exhausted")"));
  HttpCall web = Post(kSubmitPath, big);
  web.headers = {{"content-type", "application/grpc-web+proto"}};
  const HttpResult r = SendHttp(edge_.port(), web);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(DecodeWeb(r, false).status, static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
}

TEST_F(GatewayTest, UnknownAndNonPublicRpcsDoNotExistFromOutside) {
  for (const char* path :
       {"/complaints.common.v1.AuditTrail/GetAuditTrail",
        "/complaints.common.v1.EventSink/DeliverEvent", "/grpc.health.v1.Health/Check",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        "/complaints.staff.v1.StaffService/UpsertStaff", "/complaints.intake.v1.IntakeService/Nope",
        "/no/such/route"}) {
    const HttpResult connect = SendHttp(edge_.port(), Connect(path, "{}", keys_.Bearer()));
    EXPECT_EQ(connect.status, 404) << path;
    EXPECT_THAT(connect.body, HasSubstr(R"("code":"unimplemented")")) << path;
    iv1::GetComplaintRequest empty;
    const HttpResult web = SendHttp(edge_.port(), GrpcWeb(path, empty, keys_.Bearer(), false));
    EXPECT_EQ(web.status, 200) << path;
    EXPECT_EQ(DecodeWeb(web, false).status, static_cast<int>(grpc::StatusCode::UNIMPLEMENTED));
  }
  EXPECT_EQ(SendHttp(edge_.port(), Get("/metrics")).status, 404);
}

TEST_F(GatewayTest, MalformedJsonIsInvalidArgumentNamingTheField) {
  const int before = Complaints();
  const HttpResult unknown = SendHttp(
      edge_.port(), Connect(kSubmitPath, R"({"complaint":{"colour":"red"}})", keys_.Bearer()));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr(R"("code":"invalid_argument")"));
  EXPECT_THAT(unknown.body, HasSubstr("colour"));
  const HttpResult wrong =
      SendHttp(edge_.port(),
               Connect(kSubmitPath, R"({"complaint":{"severity":"VERY_BAD"}})", keys_.Bearer()));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_THAT(wrong.body, HasSubstr("severity"));
  // A field the service itself refuses: its message, naming the field, reaches the client.
  iv1::SubmitComplaintRequest req = SubmitRequest("gw-invalid-1");
  req.mutable_complaint()->set_customer_phone("12345");
  const HttpResult refused =
      SendHttp(edge_.port(), Connect(kSubmitPath, ToJson(req), keys_.Bearer()));
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.body, HasSubstr("complaint.customer_phone"));
  EXPECT_EQ(Complaints(), before);
}

TEST_F(GatewayTest, MissingExpiredAndForgedTokensNeverReachTheService) {
  const int before = Complaints();
  const std::string body = ToJson(SubmitRequest("gw-auth-1"));
  const std::vector<std::string> bad = {
      "",
      "Bearer " + keys_.Token(kCustomer, absl::Now() - absl::Hours(2)),
      "Bearer " + keys_.Token(kCustomer, absl::Now(), /*forged=*/true),
      "Bearer not.a.jwt",
      "Basic dXNlcjpwYXNz",
  };
  for (const auto& authorization : bad) {
    const HttpResult r = SendHttp(edge_.port(), Connect(kSubmitPath, body, authorization));
    EXPECT_EQ(r.status, 401) << authorization << " " << r.body;
    EXPECT_THAT(r.body, HasSubstr(R"("code":"unauthenticated")"));
    const HttpResult web = SendHttp(
        edge_.port(), GrpcWeb(kSubmitPath, SubmitRequest("gw-auth-2"), authorization, true));
    EXPECT_EQ(DecodeWeb(web, true).status, static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
  }
  EXPECT_EQ(Complaints(), before);
  // An anonymous route goes through without a token (intake then decides: it wants one)...
  iv1::ListComplaintsRequest list;
  const HttpResult anonymous =
      SendHttp(edge_.port(),
               Connect("/complaints.intake.v1.IntakeService/ListComplaints", ToJson(list), ""));
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  // ... but a forged token on it is still refused at the edge.
  const HttpResult forged = SendHttp(
      edge_.port(), Connect("/complaints.intake.v1.IntakeService/ListComplaints", ToJson(list),
                            "Bearer " + keys_.Token(kCustomer, absl::Now(), true)));
  EXPECT_EQ(forged.status, 401);
  EXPECT_THAT(edge_.Metrics(), HasSubstr("tousu_gateway_http_requests_total"));
}

TEST_F(GatewayTest, AnUpstreamThatIsDownIsUnavailableWithoutItsAddress) {
  HttpCall call = Connect("/complaints.followup.v1.FollowUpService/SubmitQuestionnaire", "{}", "");
  call.headers.push_back({"connect-timeout-ms", "3000"});
  const HttpResult r = SendHttp(edge_.port(), call);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_THAT(r.body, HasSubstr(R"("code":"unavailable")"));
  EXPECT_THAT(r.body, Not(HasSubstr("127.0.0.1")));
}

TEST_F(GatewayTest, BadProtocolHeadersAreTheClientsError) {
  HttpCall call = Connect(kGetPath, "{}", keys_.Bearer());
  call.headers.push_back({"connect-timeout-ms", "soon"});
  HttpResult r = SendHttp(edge_.port(), call);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("connect-timeout-ms"));
  call.headers.back() = {"connect-protocol-version", "2"};
  EXPECT_EQ(SendHttp(edge_.port(), call).status, 400);
  call.headers = {{"content-type", "text/plain"}};
  EXPECT_EQ(SendHttp(edge_.port(), call).status, 415);
  EXPECT_EQ(SendHttp(edge_.port(), Get(kGetPath)).status, 405);
}

TEST_F(GatewayTest, HealthAndReadinessAnswerOverHttp) {
  const HttpResult alive = SendHttp(edge_.port(), Get("/healthz"));
  EXPECT_EQ(alive.status, 200);
  const HttpResult ready = SendHttp(edge_.port(), Get("/readyz"));
  EXPECT_EQ(ready.status, 200) << ready.body;
  SubmitOne("gw-metrics-1");
  const std::string metrics = edge_.Metrics();
  EXPECT_GE(testing::MetricValue(metrics, "tousu_gateway_http_requests_total",
                                 {"complaints.intake.v1.IntakeService/SubmitComplaint",
                                  "connect_json", "code=\"ok\""}),
            1);
  EXPECT_THAT(metrics, HasSubstr("tousu_gateway_http_request_duration_seconds_bucket"));
}

// The limits count per wall-clock minute: a test that needs its requests in one window starts
// early enough in a minute.
void WaitForAFreshMinute() {
  const int64_t second = absl::ToUnixSeconds(absl::Now()) % 60;
  if (second >= 50) absl::SleepFor(absl::Seconds(61 - second));
}

TEST(GatewayRateLimit, AnAddressOverItsLimitGets429WithRetryAfterAcrossReplicas) {
  Keys keys;
  ScratchDatabase intake_db, gateway_db;
  Intake intake(intake_db, keys);
  // Two replicas on one schema: the limit holds across them.
  Edge first(gateway_db, keys, intake.port(), Limits(3, 0));
  Edge second(gateway_db, keys, intake.port(), Limits(3, 0));
  iv1::GetComplaintRequest get;
  get.set_number("TS-209901-999999");
  WaitForAFreshMinute();
  std::vector<int> statuses;
  HttpResult last;
  for (int i = 0; i < 4; ++i) {
    last = SendHttp(i % 2 ? second.port() : first.port(),
                    Connect(kGetPath, ToJson(get), keys.Bearer()));
    statuses.push_back(last.status);
  }
  EXPECT_THAT(statuses, ::testing::ElementsAre(404, 404, 404, 429));
  EXPECT_THAT(last.body, HasSubstr(R"("code":"resource_exhausted")"));
  const int retry_after =
      std::stoi(last.Header("retry-after").empty() ? "0" : last.Header("retry-after"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 60);
  EXPECT_EQ(
      gateway_db.QueryScalar("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA ="
                             " DATABASE() AND TABLE_NAME = 'rate_limit_hits'"),
      "MEMORY");
}

TEST(GatewayRateLimit, ACustomerOverTheirLimitGets429WhateverTheAddress) {
  Keys keys;
  ScratchDatabase intake_db, gateway_db;
  Intake intake(intake_db, keys);
  Edge edge(gateway_db, keys, intake.port(), Limits(0, 2));
  iv1::GetComplaintRequest get;
  get.set_number("TS-209901-999999");
  WaitForAFreshMinute();
  EXPECT_EQ(SendHttp(edge.port(), Connect(kGetPath, ToJson(get), keys.Bearer())).status, 404);
  EXPECT_EQ(SendHttp(edge.port(), Connect(kGetPath, ToJson(get), keys.Bearer())).status, 404);
  const HttpResult limited = SendHttp(edge.port(), GrpcWeb(kGetPath, get, keys.Bearer(), false));
  EXPECT_EQ(DecodeWeb(limited, false).status,
            static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_FALSE(limited.Header("retry-after").empty());
  // Another customer still passes.
  EXPECT_EQ(
      SendHttp(edge.port(), Connect(kGetPath, ToJson(get), keys.Bearer("C99999999999999999999")))
          .status,
      404);
}

TEST(GatewayRateLimit, BehindATrustedProxyEachForwardedClientHasItsOwnAddressBucket) {
  Keys keys;
  ScratchDatabase intake_db, proxied_db, direct_db;
  Intake intake(intake_db, keys);
  GatewayOptions proxied_options = Limits(2, 0);
  proxied_options.trusted_proxies = "127.0.0.0/8";
  Edge proxied(proxied_db, keys, intake.port(), proxied_options);
  Edge direct(direct_db, keys, intake.port(), Limits(2, 0));
  iv1::GetComplaintRequest get;
  get.set_number("TS-209901-999999");
  const auto from = [&](const Edge& edge, const std::string& forwarded_for) {
    HttpCall call = Connect(kGetPath, ToJson(get), keys.Bearer());
    call.headers.push_back({"x-forwarded-for", forwarded_for});
    return SendHttp(edge.port(), call).status;
  };
  WaitForAFreshMinute();
  // The test's connections come from 127.0.0.1: a trusted proxy naming two different clients.
  EXPECT_EQ(from(proxied, "198.51.100.1"), 404);
  EXPECT_EQ(from(proxied, "198.51.100.1"), 404);
  EXPECT_EQ(from(proxied, "198.51.100.1"), 429);
  EXPECT_EQ(from(proxied, "198.51.100.2"), 404);
  // Without the setting the header counts for nothing: every request is 127.0.0.1's.
  EXPECT_EQ(from(direct, "198.51.100.1"), 404);
  EXPECT_EQ(from(direct, "198.51.100.2"), 404);
  EXPECT_EQ(from(direct, "198.51.100.3"), 429);
}

// An upstream that accepts connections and never answers: calls to it wait for their deadline.
class SilentUpstream {
 public:
  SilentUpstream() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(fd_, 16), 0);  // the kernel completes handshakes; nobody ever reads
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentUpstream() { close(fd_); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

constexpr char kQuestionnairePath[] = "/complaints.followup.v1.FollowUpService/SubmitQuestionnaire";

TEST(GatewayDrain, AStopLetsTheRequestInFlightFinishAndThenRefusesNewConnections) {
  Keys keys;
  ScratchDatabase intake_db, gateway_db;
  Intake intake(intake_db, keys);
  SilentUpstream silent;
  GatewayOptions options;
  options.follow_up_addr = silent.address();
  options.drain_grace = "10s";
  Edge edge(gateway_db, keys, intake.port(), options);
  const int port = edge.port();
  HttpCall slow = Connect(kQuestionnairePath, "{}", "");
  slow.headers.push_back({"connect-timeout-ms", "1500"});
  HttpResult in_flight;
  std::thread client([&] { in_flight = SendHttp(port, slow); });
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time stop_began = absl::Now();
  edge.Stop();
  client.join();
  // The request ran to its own deadline (the upstream never answered), then the stop finished.
  EXPECT_EQ(in_flight.status, 504) << in_flight.body << in_flight.error;
  EXPECT_THAT(in_flight.body, HasSubstr(R"("code":"deadline_exceeded")"));
  EXPECT_FALSE(in_flight.keep_alive);
  EXPECT_GE(absl::Now() - stop_began, absl::Milliseconds(1000));
  EXPECT_EQ(SendHttp(port, Get("/healthz")).status, 0);  // nobody listens any more
}

TEST(GatewayDrain, WhatOutlivesTheGraceIsCancelledAsUnavailable) {
  Keys keys;
  ScratchDatabase intake_db, gateway_db;
  Intake intake(intake_db, keys);
  SilentUpstream silent;
  GatewayOptions options;
  options.follow_up_addr = silent.address();
  options.drain_grace = "200ms";
  Edge edge(gateway_db, keys, intake.port(), options);
  const int port = edge.port();
  HttpCall slow = Connect(kQuestionnairePath, "{}", "");
  slow.headers.push_back({"connect-timeout-ms", "10000"});
  HttpResult in_flight;
  std::thread client([&] { in_flight = SendHttp(port, slow); });
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time stop_began = absl::Now();
  edge.Stop();
  client.join();
  EXPECT_EQ(in_flight.status, 503) << in_flight.body << in_flight.error;
  EXPECT_THAT(in_flight.body, HasSubstr(R"("code":"unavailable")"));
  EXPECT_LT(absl::Now() - stop_began, absl::Seconds(8));  // not the call's 10 s
}

}  // namespace
}  // namespace tousu
