// Mutual TLS between the services (docs/security.md): real service processes with
// certificates from tools/dev-certs, each refusing callers without a certificate from the CA,
// calling each other with their own certificates, and picking up a rotated certificate from its
// files without a restart.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <future>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/client/channel.h"
#include "common/config/config.h"
#include "common/tls/tls.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;

const std::string kSource = TOUSU_SOURCE_DIR;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// "serial=0A1B..." -> "0A1B...", or "" when the command failed.
std::string SerialOf(const std::string& command) {
  auto r = RunCommand(command);
  if (r.exit_code != 0) return "";
  absl::string_view out = absl::StripAsciiWhitespace(r.output);
  return absl::ConsumePrefix(&out, "serial=") ? std::string(out) : "";
}

std::string FileSerial(const std::string& pem) {
  return SerialOf(absl::StrCat("openssl x509 -in ", pem, " -noout -serial"));
}

// The serial of the certificate a server presents to a client holding `client` (NAME.pem and
// NAME.key), verified against `ca`.
std::string ServedSerial(int port, const std::string& client, const std::string& ca) {
  return SerialOf(
      absl::StrCat("openssl s_client -connect 127.0.0.1:", port, " -alpn h2 -cert ", client,
                   ".pem -key ", client, ".key -CAfile ", ca,
                   " -verify_return_error </dev/null 2>/dev/null | openssl x509 -noout -serial"));
}

// grpc.health.v1.Health/Check for the whole server (empty service name) with `credentials`:
// the call's status (a refused handshake shows as UNAVAILABLE); `serving` is set to whether the
// server answered SERVING.
grpc::Status HealthCheck(int port, std::shared_ptr<grpc::ChannelCredentials> credentials,
                         const grpc::ChannelArguments& args = {}, bool* serving = nullptr) {
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port), credentials, args);
  grpc::GenericStub stub(channel);
  grpc::Slice empty_request("");  // HealthCheckRequest{service: ""} encodes to no bytes
  grpc::ByteBuffer request(&empty_request, 1), response;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(s); });
  grpc::Status status = done.get_future().get();
  if (serving != nullptr) {
    std::vector<grpc::Slice> slices;
    if (status.ok()) response.Dump(&slices);
    std::string body;
    for (auto& slice : slices)
      body.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    // HealthCheckResponse{status = 1 (SERVING)} encodes as 08 01.
    *serving = body == std::string("\x08\x01", 2);
  }
  return status;
}

struct Service {
  std::string name, prefix, binary;
  int grpc_port = testing::FreePort();
  int metrics_port = testing::FreePort();
  std::unique_ptr<testing::ScratchDatabase> db = std::make_unique<testing::ScratchDatabase>();
  std::unique_ptr<testing::ChildProcess> process;
  std::string log;
  std::string address() const { return absl::StrCat("127.0.0.1:", grpc_port); }
};

class TlsMutualAuth : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir_template[] = "/tmp/tousu-tls-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = new std::string(dir_template);
    certs_ = new std::string(*dir_ + "/certs");
    other_ = new std::string(*dir_ + "/other-ca");
    auto issued = RunCommand(absl::StrCat(kSource, "/tools/dev-certs ", *certs_));
    ASSERT_EQ(issued.exit_code, 0) << issued.output;
    auto foreign = RunCommand(absl::StrCat(kSource, "/tools/dev-certs ", *other_,
                                           " --ca-name 'Someone else CA' --only client"));
    ASSERT_EQ(foreign.exit_code, 0) << foreign.output;

    services_ = new std::vector<std::unique_ptr<Service>>();
    auto add = [](std::string name, std::string prefix, std::string binary) {
      auto s = std::make_unique<Service>();
      s->name = std::move(name);
      s->prefix = std::move(prefix);
      s->binary = std::move(binary);
      services_->push_back(std::move(s));
    };
    // The services a complaint passes on its way to an owner (routing asks the staff directory):
    // enough to show every direction of a call over mTLS, light enough for a two-core machine.
    // The others use the same runtime code (common/server) for their TLS.
    add("staff-assessment", "STAFF_ASSESSMENT", TOUSU_STAFF_SERVER);
    add("intake", "INTAKE", TOUSU_INTAKE_SERVER);
    add("routing", "ROUTING", TOUSU_ROUTING_SERVER);

    std::vector<std::string> peers;
    for (auto& s : *services_) peers.push_back(s->name + "=" + s->address());
    for (auto& s : *services_) {
      auto env = testing::ServiceEnv(s->prefix, s->db->options(), s->grpc_port, s->metrics_port);
      const std::string p = "TOUSU_" + s->prefix + "_";
      env[p + "LOG_LEVEL"] = "info";  // the start-up line saying TLS is on
      env[p + "SUBSCRIPTIONS_FILE"] = kSource + "/deploy/subscriptions.txt";
      env[p + "PEERS"] = absl::StrJoin(peers, ",");
      for (auto& other : *services_) env[p + other->prefix + "_ADDR"] = other->address();
      env[p + "CALENDAR_FILE"] = kSource + "/deploy/calendar/cn-business-calendar.txt";
      env[p + "CLASSIFIER_EXAMPLES"] = kSource + "/deploy/routing/labelled-complaints.tsv";
      env[p + "TLS_CERT"] = *certs_ + "/" + s->name + ".pem";
      env[p + "TLS_KEY"] = *certs_ + "/" + s->name + ".key";
      env[p + "TLS_CA"] = *certs_ + "/ca.pem";
      env[p + "TLS_RELOAD"] = "1s";
      s->log = *dir_ + "/" + s->name + ".log";
      s->process = std::make_unique<testing::ChildProcess>(s->binary, env, s->log);
    }
    for (auto& s : *services_) {
      const absl::Time until = absl::Now() + absl::Seconds(60);
      grpc::Status health;
      bool serving = false;
      do {
        health = HealthCheck(s->grpc_port, ClientCredentials(), {}, &serving);
        if (serving) break;
        absl::SleepFor(absl::Milliseconds(100));
      } while (absl::Now() < until && s->process->running());
      ASSERT_TRUE(serving) << s->name
                           << " did not become SERVING over mTLS: " << health.error_message()
                           << "; its log ends:\n"
                           << RunCommand("tail -20 " + s->log).output;
    }
    testing::LoadSqlFile(*Find("staff-assessment").db,
                         kSource + "/deploy/seed/staff-assessment.sql");
    testing::LoadSqlFile(*Find("routing").db, kSource + "/deploy/seed/routing.sql");
  }

  static void TearDownTestSuite() {
    delete services_;  // SIGKILLs the processes, drops the databases
    services_ = nullptr;
    if (dir_ != nullptr) RunCommand("rm -rf " + *dir_);
    delete dir_;
    delete certs_;
    delete other_;
  }

  static Service& Find(const std::string& name) {
    for (auto& s : *services_) {
      if (s->name == name) return *s;
    }
    ADD_FAILURE() << "no service " << name;
    return *services_->front();
  }

  // The `client` certificate tools/dev-certs issues for tools and tests, through the same code
  // the services use for their outgoing calls.
  static std::shared_ptr<grpc::ChannelCredentials> ClientCredentials() {
    return tls::ChannelCredentialsFor(tls::TlsFiles{.cert = *certs_ + "/client.pem",
                                                    .key = *certs_ + "/client.key",
                                                    .ca = *certs_ + "/ca.pem",
                                                    .reload = absl::Seconds(1)});
  }

  static iv1::SubmitComplaintRequest Complaint(const std::string& request_id) {
    iv1::SubmitComplaintRequest req;
    req.set_request_id(request_id);
    auto* c = req.mutable_complaint();
    c->set_customer_name("陈美玲");
    c->set_customer_phone("13911110101");
    c->set_project("翠湖花园");
    c->set_building("3栋");
    c->set_unit("1202");
    c->set_description("卫生间天花板漏水，墙面大面积渗水发霉，已经影响正常使用，请尽快派人维修");
    c->mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(30)));
    c->set_severity(cv1::SEVERITY_MEDIUM);
    c->set_expected_resolution("尽快上门检修");
    c->set_channel(cv1::CHANNEL_HOTLINE);
    c->set_journey_stage(cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
    c->set_recorded_by_staff_id("S0006");
    return req;
  }

  // Submits a complaint to intake over mTLS and waits until routing's decision came back
  // (intake's relay calls routing, routing's relay calls intake: both with their certificates).
  void SubmitAndExpectRouted(const std::string& request_id) {
    auto intake = iv1::IntakeService::NewStub(
        grpc::CreateChannel(Find("intake").address(), ClientCredentials()));
    iv1::SubmitComplaintResponse submitted;
    auto ctx = client::NewCallContext(absl::Seconds(10));
    auto s = intake->SubmitComplaint(ctx.get(), Complaint(request_id), &submitted);
    ASSERT_TRUE(s.ok()) << s.error_message();
    const std::string number = submitted.complaint().number();
    iv1::Complaint c;
    const absl::Time until = absl::Now() + absl::Seconds(30);
    while (absl::Now() < until) {
      iv1::GetComplaintRequest get;
      get.set_number(number);
      iv1::GetComplaintResponse got;
      auto get_ctx = client::NewCallContext(absl::Seconds(5));
      auto gs = intake->GetComplaint(get_ctx.get(), get, &got);
      ASSERT_TRUE(gs.ok()) << gs.error_message();
      c = got.complaint();
      if (c.status() == iv1::COMPLAINT_STATUS_ROUTED) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_EQ(c.status(), iv1::COMPLAINT_STATUS_ROUTED)
        << number << " was not routed; see " << Find("intake").log << " and "
        << Find("routing").log;
    int routed = 0;
    for (const auto& e : c.timeline()) routed += e.type() == iv1::TIMELINE_EVENT_TYPE_ROUTED;
    EXPECT_EQ(routed, 1);
    EXPECT_FALSE(c.department_id().empty());
  }

  static std::string* dir_;
  static std::string* certs_;
  static std::string* other_;
  static std::vector<std::unique_ptr<Service>>* services_;
};

std::string* TlsMutualAuth::dir_ = nullptr;
std::string* TlsMutualAuth::certs_ = nullptr;
std::string* TlsMutualAuth::other_ = nullptr;
std::vector<std::unique_ptr<Service>>* TlsMutualAuth::services_ = nullptr;

TEST_F(TlsMutualAuth, EveryServiceSaysAtStartUpThatTlsIsOnWithoutLoggingKeyMaterial) {
  std::string key_pem;
  {
    auto r = RunCommand("cat " + *certs_ + "/intake.key");
    ASSERT_EQ(r.exit_code, 0);
    key_pem = r.output;
  }
  for (auto& s : *services_) {
    auto log = RunCommand("cat " + s->log);
    EXPECT_NE(log.output.find("\"mutual TLS on\""), std::string::npos) << s->name;
    EXPECT_NE(log.output.find(*certs_ + "/" + s->name + ".key"), std::string::npos) << s->name;
    EXPECT_EQ(log.output.find("PRIVATE KEY"), std::string::npos) << s->name;
  }
}

TEST_F(TlsMutualAuth, AComplaintFlowsFromIntakeToRoutingAndBackOverMutualTls) {
  SubmitAndExpectRouted("tls-flow-1");
}

TEST_F(TlsMutualAuth, TheStaffCliSpeaksMutualTlsWhenGivenTheFiles) {
  const std::string ctl = absl::StrCat(TOUSU_CTL, " --intake ", Find("intake").address(),
                                       " --timeout 3s get TS-202601-000001");
  // Plaintext: refused at the handshake.
  auto plain = RunCommand(ctl);
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(plain.output.find("UNAVAILABLE"), std::string::npos) << plain.output;
  // With the client certificate: the call reaches intake (which has no such complaint).
  auto tls = RunCommand(absl::StrCat("TOUSU_CTL_TLS_CERT=", *certs_,
                                     "/client.pem TOUSU_CTL_TLS_KEY=", *certs_,
                                     "/client.key TOUSU_CTL_TLS_CA=", *certs_, "/ca.pem ", ctl));
  EXPECT_NE(tls.output.find("NOT_FOUND"), std::string::npos) << tls.output;
  // Two of the three: a usage error naming the missing one.
  auto partial =
      RunCommand(absl::StrCat("TOUSU_CTL_TLS_CERT=", *certs_,
                              "/client.pem TOUSU_CTL_TLS_KEY=", *certs_, "/client.key ", ctl));
  EXPECT_NE(partial.exit_code, 0);
  EXPECT_NE(partial.output.find("TOUSU_CTL_TLS_CA"), std::string::npos) << partial.output;
}

TEST_F(TlsMutualAuth, APlaintextClientIsRefused) {
  for (auto& s : *services_) {
    auto status = HealthCheck(s->grpc_port, grpc::InsecureChannelCredentials());
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << s->name;
    EXPECT_TRUE(HealthCheck(s->grpc_port, ClientCredentials()).ok()) << s->name;
  }
}

TEST_F(TlsMutualAuth, AClientWithoutACertificateIsRefused) {
  // Trusts the servers' CA but presents nothing.
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(*certs_ + "/ca.pem", 1));
  options.watch_root_certs();
  auto no_certificate = grpc::experimental::TlsCredentials(options);
  for (auto& s : *services_) {
    EXPECT_EQ(HealthCheck(s->grpc_port, no_certificate).error_code(), grpc::StatusCode::UNAVAILABLE)
        << s->name;
  }
  EXPECT_TRUE(HealthCheck(Find("intake").grpc_port, ClientCredentials()).ok());
}

TEST_F(TlsMutualAuth, AClientWithACertificateFromAnotherCaIsRefused) {
  // Trusts the servers' CA, presents a certificate from a CA the servers do not trust.
  auto foreign = tls::ChannelCredentialsFor(tls::TlsFiles{.cert = *other_ + "/client.pem",
                                                          .key = *other_ + "/client.key",
                                                          .ca = *certs_ + "/ca.pem",
                                                          .reload = absl::Seconds(1)});
  for (auto& s : *services_) {
    EXPECT_EQ(HealthCheck(s->grpc_port, foreign).error_code(), grpc::StatusCode::UNAVAILABLE)
        << s->name;
  }
  EXPECT_TRUE(HealthCheck(Find("intake").grpc_port, ClientCredentials()).ok());
}

TEST_F(TlsMutualAuth, AClientRefusesAServerWhoseCertificateDoesNotNameTheHostDialled) {
  grpc::ChannelArguments wrong_host;
  wrong_host.SetSslTargetNameOverride("intake.elsewhere.example");
  EXPECT_EQ(HealthCheck(Find("intake").grpc_port, ClientCredentials(), wrong_host).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  grpc::ChannelArguments service_name;
  service_name.SetSslTargetNameOverride("intake.tousu-prod.svc");
  EXPECT_TRUE(HealthCheck(Find("intake").grpc_port, ClientCredentials(), service_name).ok());
  // A client trusting only another CA refuses our servers.
  auto trusts_other_ca = tls::ChannelCredentialsFor(tls::TlsFiles{.cert = *certs_ + "/client.pem",
                                                                  .key = *certs_ + "/client.key",
                                                                  .ca = *other_ + "/ca.pem",
                                                                  .reload = absl::Seconds(1)});
  EXPECT_EQ(HealthCheck(Find("intake").grpc_port, trusts_other_ca).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsMutualAuth, ARotatedCertificateIsServedWithoutARestart) {
  Service& intake = Find("intake");
  const std::string ca = *certs_ + "/ca.pem";
  const std::string client = *certs_ + "/client";
  const std::string before = ServedSerial(intake.grpc_port, client, ca);
  ASSERT_FALSE(before.empty()) << "openssl s_client could not read intake's certificate";
  ASSERT_EQ(before, FileSerial(*certs_ + "/intake.pem"));
  const pid_t pid = intake.process->pid();

  // Same CA, new key and serial, written over the files intake reads.
  auto reissued =
      RunCommand(absl::StrCat(kSource, "/tools/dev-certs ", *certs_, " --force --only intake"));
  ASSERT_EQ(reissued.exit_code, 0) << reissued.output;
  const std::string issued = FileSerial(*certs_ + "/intake.pem");
  ASSERT_FALSE(issued.empty());
  ASSERT_NE(issued, before);

  // TLS_RELOAD is 1s: the new certificate is served within a few seconds.
  std::string served;
  const absl::Time until = absl::Now() + absl::Seconds(15);
  do {
    absl::SleepFor(absl::Milliseconds(250));
    served = ServedSerial(intake.grpc_port, client, ca);
  } while (served != issued && absl::Now() < until);
  EXPECT_EQ(served, issued);
  EXPECT_TRUE(intake.process->running());
  EXPECT_EQ(intake.process->pid(), pid);
  EXPECT_EQ(RunCommand(absl::StrCat("kill -0 ", pid)).exit_code, 0);
  // New connections verify the new certificate; the other services' relays still reach intake.
  EXPECT_TRUE(HealthCheck(intake.grpc_port, ClientCredentials()).ok());
  SubmitAndExpectRouted("tls-after-rotation-1");
}

TEST_F(TlsMutualAuth, OneOrTwoOfTheThreeTlsSettingsIsAStartUpErrorNamingTheMissingOne) {
  config::Config none("INTAKE", {}, {});
  auto plain = tls::TlsFilesFromConfig(none);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->has_value());

  config::Config partial("INTAKE", {"TOUSU_INTAKE_TLS_CERT=" + *certs_ + "/intake.pem"}, {});
  auto refused = tls::TlsFilesFromConfig(partial);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("TOUSU_INTAKE_TLS_KEY"), std::string::npos);
  EXPECT_NE(refused.status().message().find("TOUSU_INTAKE_TLS_CA"), std::string::npos);

  config::Config unreadable(
      "INTAKE",
      {"TOUSU_INTAKE_TLS_CERT=" + *certs_ + "/intake.pem",
       "TOUSU_INTAKE_TLS_KEY=" + *certs_ + "/no-such.key",
       "TOUSU_INTAKE_TLS_CA=" + *certs_ + "/ca.pem", "TOUSU_INTAKE_TLS_RELOAD=2s"},
      {});
  auto missing_file = tls::TlsFilesFromConfig(unreadable);
  ASSERT_FALSE(missing_file.ok());
  EXPECT_NE(missing_file.status().message().find("TOUSU_INTAKE_TLS_KEY"), std::string::npos);

  // The real binary refuses to start, naming the variable.
  Service& intake = Find("intake");
  const std::string log = *dir_ + "/intake-partial.log";
  auto env =
      testing::ServiceEnv("INTAKE", intake.db->options(), testing::FreePort(), testing::FreePort());
  env["TOUSU_INTAKE_TLS_CERT"] = *certs_ + "/intake.pem";
  env["TOUSU_INTAKE_TLS_CA"] = *certs_ + "/ca.pem";
  testing::ChildProcess partial_process(intake.binary, env, log);
  EXPECT_EQ(partial_process.Wait(absl::Seconds(10)), 2);
  auto output = RunCommand("cat " + log);
  EXPECT_NE(output.output.find("TOUSU_INTAKE_TLS_KEY"), std::string::npos) << output.output;
}

}  // namespace
}  // namespace tousu
