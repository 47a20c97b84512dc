// The server bootstrap, metrics and client channel against real processes, MariaDB and loopback
// gRPC.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>

#include "absl/strings/str_cat.h"
#include "common/auth/token_minter.h"
#include "common/client/channel.h"
#include "common/server/unparsable_request.h"
#include "complaints/testing/v1/probe.grpc.pb.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace tv1 = complaints::testing::v1;
using testing::ChildProcess;
using testing::ScratchDatabase;

constexpr char kProbe[] = "complaints.testing.v1.ProbeService";
constexpr int kServing = 1, kNotServing = 2;

std::unique_ptr<tv1::ProbeService::Stub> Stub(int port) {
  return tv1::ProbeService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
}

TEST(Health, IsNotServingBeforeTheMigrationsRanAndServingAfter) {
  ScratchDatabase scratch;
  auto options = scratch.options();
  options.database = scratch.name() + "_later";  // does not exist yet: the database cannot answer
  const int port = testing::FreePort();
  ChildProcess probe(TOUSU_PROBE_SERVER, testing::ProbeEnv(options, port, testing::FreePort()),
                     ::testing::TempDir() + "/health_" + scratch.name() + ".log");
  ASSERT_TRUE(testing::WaitForHealth(port, kProbe, kNotServing, absl::Seconds(20)));
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(testing::HealthStatus(port, kProbe), kNotServing);

  scratch.Execute(absl::StrCat("CREATE DATABASE `", options.database, "`"));
  EXPECT_TRUE(testing::WaitForHealth(port, kProbe, kServing, absl::Seconds(20)));
  ScratchDatabase checker;  // just for a connection
  EXPECT_EQ(checker.QueryScalar(
                absl::StrCat("SELECT COUNT(*) FROM `", options.database, "`.migration_runs")),
            "1");
  checker.Execute(absl::StrCat("DROP DATABASE `", options.database, "`"));
}

TEST(Health, TurnsNotServingOnSigtermThenDrainsAndExitsCleanly) {
  ScratchDatabase scratch;
  const int port = testing::FreePort();
  auto env = testing::ProbeEnv(scratch.options(), port, testing::FreePort());
  env["TOUSU_PROBE_DRAIN"] = "2s";
  ChildProcess probe(TOUSU_PROBE_SERVER, env,
                     ::testing::TempDir() + "/sigterm_" + scratch.name() + ".log");
  ASSERT_TRUE(testing::WaitForHealth(port, kProbe, kServing, absl::Seconds(30)));
  probe.Signal(SIGTERM);
  // During the drain pause the server still answers, and says NOT_SERVING.
  EXPECT_TRUE(testing::WaitForHealth(port, kProbe, kNotServing, absl::Seconds(1)));
  EXPECT_EQ(probe.Wait(absl::Seconds(15)), 0);
}

TEST(Health, AnUnknownServiceNameIsNotReportedServing) {
  ScratchDatabase scratch;
  const int port = testing::FreePort();
  ChildProcess probe(TOUSU_PROBE_SERVER,
                     testing::ProbeEnv(scratch.options(), port, testing::FreePort()),
                     ::testing::TempDir() + "/unknown_" + scratch.name() + ".log");
  ASSERT_TRUE(testing::WaitForHealth(port, kProbe, kServing, absl::Seconds(30)));
  EXPECT_EQ(testing::HealthStatus(port, "complaints.nothing.v1.Nothing"), -1);  // NOT_FOUND
}

TEST(Config, AMissingSettingStopsStartUpNamingTheVariable) {
  ScratchDatabase scratch;
  auto env = testing::ProbeEnv(scratch.options(), testing::FreePort(), testing::FreePort());
  env.erase("TOUSU_PROBE_DB_USER");
  const std::string log = ::testing::TempDir() + "/missing_" + scratch.name() + ".log";
  ChildProcess probe(TOUSU_PROBE_SERVER, env, log);
  EXPECT_EQ(probe.Wait(absl::Seconds(10)), 2);
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("TOUSU_PROBE_DB_USER is not set"), std::string::npos) << text;
}

TEST(Metrics, TheEndpointServesTheGrpcSeriesWithRealCounts) {
  ScratchDatabase scratch;
  const int port = testing::FreePort(), metrics_port = testing::FreePort();
  ChildProcess probe(TOUSU_PROBE_SERVER, testing::ProbeEnv(scratch.options(), port, metrics_port),
                     ::testing::TempDir() + "/metrics_" + scratch.name() + ".log");
  ASSERT_TRUE(testing::WaitForHealth(port, kProbe, kServing, absl::Seconds(30)));
  auto stub = Stub(port);
  for (int i = 0; i < 5; ++i) {
    tv1::CreateNoteRequest req;
    req.set_aggregate_id("TS-METRICS");
    req.set_seq(i);
    tv1::CreateNoteResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->CreateNote(&ctx, req, &resp).ok());
  }
  for (int i = 0; i < 2; ++i) {
    tv1::CreateNoteRequest req;  // no aggregate id
    tv1::CreateNoteResponse resp;
    grpc::ClientContext ctx;
    EXPECT_EQ(stub->CreateNote(&ctx, req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  const std::string body = testing::HttpGet(metrics_port, "/metrics");
  const std::vector<std::string> create = {"grpc_service=\"complaints.testing.v1.ProbeService\"",
                                           "grpc_method=\"CreateNote\"", "grpc_type=\"unary\""};
  EXPECT_EQ(testing::MetricValue(body, "grpc_server_started_total", create), 7) << body;
  auto with = [&](const std::string& extra) {
    auto v = create;
    v.push_back(extra);
    return v;
  };
  EXPECT_EQ(testing::MetricValue(body, "grpc_server_handled_total", with("grpc_code=\"OK\"")), 5);
  EXPECT_EQ(testing::MetricValue(body, "grpc_server_handled_total",
                                 with("grpc_code=\"InvalidArgument\"")),
            2);
  EXPECT_EQ(testing::MetricValue(body, "grpc_server_handling_seconds_count", create), 7);
  // Methods never called are there at zero, for every code.
  const std::vector<std::string> slow = {"grpc_method=\"Slow\"", "grpc_code=\"Unavailable\""};
  EXPECT_EQ(testing::MetricValue(body, "grpc_server_handled_total", slow), 0);
  // Made-up methods do not create series of their own: they count as unknown.
  EXPECT_EQ(testing::HealthStatus(port, "x"), -1);  // a known service (health), unknown name
  for (const char* bogus : {"/complaints.testing.v1.ProbeService/Nope", "/made.up.Service/X"}) {
    grpc::GenericStub generic(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    grpc::Slice empty("");
    grpc::ByteBuffer req(&empty, 1), resp;
    grpc::ClientContext ctx;
    std::promise<grpc::Status> done;
    generic.UnaryCall(&ctx, bogus, grpc::StubOptions(), &req, &resp,
                      [&](grpc::Status s) { done.set_value(s); });
    EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  const std::string after = testing::HttpGet(metrics_port, "/metrics");
  EXPECT_EQ(after.find("Nope"), std::string::npos);
  EXPECT_EQ(after.find("made.up"), std::string::npos);
  // Prometheus' own checker accepts the exposition.
  const std::string file = ::testing::TempDir() + "/metrics_" + scratch.name() + ".txt";
  std::ofstream(file) << body;
  EXPECT_EQ(std::system(("promtool check metrics < " + file + " > /dev/null").c_str()), 0);
}

// A unary call of `method` with `wire` as the request's bytes, as a client with its own encoder
// (or none) could send them; `authorization` is sent when not empty.
grpc::Status RawCall(int port, const std::string& method, const std::string& wire,
                     const std::string& authorization = "") {
  grpc::GenericStub generic(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::Slice slice(wire);
  grpc::ByteBuffer req(&slice, 1), resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
  std::promise<grpc::Status> done;
  generic.UnaryCall(&ctx, method, grpc::StubOptions(), &req, &resp,
                    [&](grpc::Status s) { done.set_value(s); });
  return done.get_future().get();
}

constexpr char kCreateNote[] = "/complaints.testing.v1.ProbeService/CreateNote";
// CreateNoteRequest{aggregate_id: "\xff\xfe"} on the wire: field 1, length 2, not UTF-8.
const std::string kInvalidUtf8Note("\x0a\x02\xff\xfe", 4);
// Field 1 says 9 bytes follow; 2 do.
const std::string kTruncatedNote("\x0a\x09TS", 4);

TEST(Requests, AnUnparsableRequestIsTheCallersInvalidArgumentNeverAServerError) {
  ScratchDatabase scratch;
  const int port = testing::FreePort(), metrics_port = testing::FreePort();
  const std::string log = ::testing::TempDir() + "/unparsable_" + scratch.name() + ".log";
  auto env = testing::ProbeEnv(scratch.options(), port, metrics_port);
  env["TOUSU_PROBE_LOG_LEVEL"] = "debug";
  ChildProcess probe(TOUSU_PROBE_SERVER, env, log);
  ASSERT_TRUE(testing::WaitForHealth(port, kProbe, kServing, absl::Seconds(30)));

  for (const std::string& wire : {kInvalidUtf8Note, kTruncatedNote}) {
    const grpc::Status s = RawCall(port, kCreateNote, wire);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_EQ(s.error_message(), server::kUnparsableRequestMessage);
  }
  // The handler never ran: no note, no event.
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM notes"), "0");
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM outbox"), "0");
  // A well-formed request still works on the same server.
  EXPECT_TRUE(RawCall(port, kCreateNote, std::string("\x0a\x05TS-OK", 7)).ok());
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM notes"), "1");

  const std::string body = testing::HttpGet(metrics_port, "/metrics");
  auto handled = [&](const std::string& code) {
    return testing::MetricValue(body, "grpc_server_handled_total",
                                {"grpc_method=\"CreateNote\"", "grpc_code=\"" + code + "\""});
  };
  EXPECT_EQ(handled("InvalidArgument"), 2) << body;
  EXPECT_EQ(handled("OK"), 1);
  // Every code the error-rate rule counts as the server's fault (deploy/prometheus/rules).
  for (const char* server_error : {"Unknown", "DeadlineExceeded", "Unimplemented", "Internal",
                                   "Unavailable", "DataLoss", "ResourceExhausted"}) {
    EXPECT_EQ(handled(server_error), 0) << server_error;
  }
  // The log stays one JSON object per line: protobuf's own complaint about the text included.
  std::ifstream in(log);
  int protobuf_lines = 0;
  for (std::string line; std::getline(in, line);) {
    EXPECT_TRUE(line.starts_with("{\"")) << line;
    if (line.find("\"msg\":\"protobuf\"") != std::string::npos) ++protobuf_lines;
  }
  EXPECT_EQ(protobuf_lines, 1);
}

TEST(Requests, AnUnparsableRequestFromACallerWithoutTheRightIsRefusedForThatFirst) {
  ScratchDatabase scratch;
  auto keys = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
  ASSERT_TRUE(keys.ok()) << keys.status();
  const std::string keys_dir = ::testing::TempDir() + "/unparsable_keys_" + scratch.name();
  std::filesystem::create_directories(keys_dir);
  std::ofstream(keys_dir + "/test.pem") << keys->public_pem;
  const int port = testing::FreePort();
  auto env = testing::ProbeEnv(scratch.options(), port, testing::FreePort());
  env["TOUSU_PROBE_AUTH_KEYS"] = keys_dir;
  ChildProcess probe(TOUSU_PROBE_SERVER, env,
                     ::testing::TempDir() + "/unparsable_auth_" + scratch.name() + ".log");
  ASSERT_TRUE(testing::WaitForHealth(port, kProbe, kServing, absl::Seconds(30)));
  auto bearer = [&](const std::string& subject, const std::string& role,
                    const std::string& department) {
    auth::TokenClaims claims;
    claims.subject = subject;
    claims.role = role;
    claims.department = department;
    claims.issued_at = absl::Now();
    auto token = auth::MintToken(keys->private_pem, claims);
    EXPECT_TRUE(token.ok()) << token.status();
    return "Bearer " + token.value_or("");
  };

  EXPECT_EQ(RawCall(port, kCreateNote, kInvalidUtf8Note).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // The probe is open to staff and services, not to customers.
  EXPECT_EQ(
      RawCall(port, kCreateNote, kInvalidUtf8Note, bearer("C00000000000000000001", "customer", ""))
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status s =
      RawCall(port, kCreateNote, kInvalidUtf8Note, bearer("S0001", "handler", "engineering"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(s.error_message(), server::kUnparsableRequestMessage);
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM notes"), "0");
}

// An in-process ProbeService for the client tests: Slow forwards to a downstream probe while
// serving (inheriting the deadline), CreateNote fails as UNAVAILABLE and counts its calls.
class ScriptedProbe final : public tv1::ProbeService::CallbackService {
 public:
  std::atomic<int> create_calls{0}, slow_calls{0};
  int fail_first_slow_calls = 0;
  tv1::ProbeService::Stub* downstream = nullptr;

  grpc::ServerUnaryReactor* CreateNote(grpc::CallbackServerContext* ctx,
                                       const tv1::CreateNoteRequest*,
                                       tv1::CreateNoteResponse*) override {
    ++create_calls;
    auto* r = ctx->DefaultReactor();
    r->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "scripted"));
    return r;
  }
  grpc::ServerUnaryReactor* Slow(grpc::CallbackServerContext* ctx, const tv1::SlowRequest* req,
                                 tv1::SlowResponse* resp) override {
    auto* r = ctx->DefaultReactor();
    if (++slow_calls <= fail_first_slow_calls) {
      r->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "scripted"));
      return r;
    }
    if (downstream == nullptr) {
      resp->set_deadline_ms(0);
      r->Finish(grpc::Status::OK);
      return r;
    }
    // A generous 30 s of our own: the caller's shorter deadline must win.
    auto out = client::NewCallContext(absl::Seconds(30), ctx);
    grpc::Status s = downstream->Slow(out.get(), *req, resp);
    r->Finish(s);
    return r;
  }
};

struct InProcessServer {
  explicit InProcessServer(grpc::Service* service) {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(service);
    server = b.BuildAndStart();
  }
  ~InProcessServer() { server->Shutdown(std::chrono::system_clock::now()); }
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

TEST(Clients, EveryCallCarriesADeadlineAndACallMadeWhileServingInheritsTheIncomingOne) {
  ScratchDatabase scratch;
  const int port = testing::FreePort();
  ChildProcess probe(TOUSU_PROBE_SERVER,
                     testing::ProbeEnv(scratch.options(), port, testing::FreePort()),
                     ::testing::TempDir() + "/deadline_" + scratch.name() + ".log");
  ASSERT_TRUE(testing::WaitForHealth(port, kProbe, kServing, absl::Seconds(30)));
  auto downstream = Stub(port);

  // Direct call: the default deadline is set.
  {
    tv1::SlowRequest req;
    tv1::SlowResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(3));
    ASSERT_TRUE(downstream->Slow(ctx.get(), req, &resp).ok());
    EXPECT_GT(resp.deadline_ms(), 2000);
    EXPECT_LE(resp.deadline_ms(), 3100);  // grpc-timeout is rounded up on the wire
  }
  // Through a middle server: the caller's 1.5 s deadline reaches the downstream call.
  ScriptedProbe middle;
  middle.downstream = downstream.get();
  InProcessServer server(&middle);
  auto to_middle = Stub(server.port);
  tv1::SlowRequest req;
  tv1::SlowResponse resp;
  auto ctx = client::NewCallContext(absl::Milliseconds(1500));
  ASSERT_TRUE(to_middle->Slow(ctx.get(), req, &resp).ok());
  EXPECT_GT(resp.deadline_ms(), 500);
  EXPECT_LE(resp.deadline_ms(), 1600);
  // And it expires together with the caller's.
  req.set_sleep_ms(2500);
  auto short_ctx = client::NewCallContext(absl::Milliseconds(800));
  EXPECT_EQ(to_middle->Slow(short_ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST(Clients, OnlyIdempotentMethodsAreRetried) {
  ScriptedProbe scripted;
  scripted.fail_first_slow_calls = 2;
  InProcessServer server(&scripted);
  client::ChannelOptions options;
  options.idempotent_methods = {"complaints.testing.v1.ProbeService/Slow"};
  auto stub = tv1::ProbeService::NewStub(
      client::MakeChannel(absl::StrCat("127.0.0.1:", server.port), options));

  tv1::SlowRequest slow;
  tv1::SlowResponse slow_resp;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  EXPECT_TRUE(stub->Slow(ctx.get(), slow, &slow_resp).ok());
  EXPECT_EQ(scripted.slow_calls.load(), 3);

  tv1::CreateNoteRequest create;
  tv1::CreateNoteResponse create_resp;
  auto ctx2 = client::NewCallContext(absl::Seconds(5));
  EXPECT_EQ(stub->CreateNote(ctx2.get(), create, &create_resp).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(scripted.create_calls.load(), 1);
}

TEST(Executor, ABusyServerRefusesAtOnceWithResourceExhausted) {
  ScratchDatabase scratch;
  const int port = testing::FreePort();
  auto env = testing::ProbeEnv(scratch.options(), port, testing::FreePort());
  env["TOUSU_PROBE_WORKERS"] = "1";
  env["TOUSU_PROBE_QUEUE"] = "1";
  ChildProcess probe(TOUSU_PROBE_SERVER, env,
                     ::testing::TempDir() + "/busy_" + scratch.name() + ".log");
  ASSERT_TRUE(testing::WaitForHealth(port, kProbe, kServing, absl::Seconds(30)));
  auto stub = Stub(port);
  // One call runs, one waits in the queue; the rest are refused without waiting.
  std::vector<std::thread> callers;
  std::atomic<int> ok{0}, exhausted{0};
  for (int i = 0; i < 6; ++i) {
    callers.emplace_back([&] {
      tv1::SlowRequest req;
      req.set_sleep_ms(800);
      tv1::SlowResponse resp;
      auto ctx = client::NewCallContext(absl::Seconds(10));
      auto s = stub->Slow(ctx.get(), req, &resp);
      if (s.ok()) ++ok;
      if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++exhausted;
    });
    absl::SleepFor(absl::Milliseconds(50));
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(exhausted.load(), 4);
}

}  // namespace
}  // namespace tousu
