#include "tests/e2e/stack.h"

#include <gtest/gtest.h>

#include <climits>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time/clock.h"

namespace tousu::e2e {

std::string ServiceProcess::address() const { return absl::StrCat("127.0.0.1:", grpc_port); }

Stack::Stack() {
  auto add = [&](std::string name, std::string prefix, std::string binary, std::string health) {
    auto s = std::make_unique<ServiceProcess>();
    s->name = std::move(name);
    s->prefix = std::move(prefix);
    s->binary = std::move(binary);
    s->health_name = std::move(health);
    services_.push_back(std::move(s));
  };
  // Start order as in deploy/stack.conf: the directory first, others call it.
  add("staff-assessment", "STAFF_ASSESSMENT", TOUSU_STAFF_SERVER,
      "complaints.staff.v1.StaffService");
  add("intake", "INTAKE", TOUSU_INTAKE_SERVER, "complaints.intake.v1.IntakeService");
  add("routing", "ROUTING", TOUSU_ROUTING_SERVER, "complaints.routing.v1.RoutingService");
  add("case-handling", "CASE_HANDLING", TOUSU_CASE_HANDLING_SERVER,
      "complaints.casehandling.v1.CaseService");
  add("follow-up", "FOLLOW_UP", TOUSU_FOLLOW_UP_SERVER, "complaints.followup.v1.FollowUpService");
  add("analytics", "ANALYTICS", TOUSU_ANALYTICS_SERVER, "complaints.analytics.v1.AnalyticsService");
}

Stack::~Stack() {
  if (testing::TestLogDir().empty()) return;
  for (auto& s : services_) {
    if (s->process == nullptr) continue;
    testing::SaveToTestLogDir("e2e_" + s->name + "_" + s->db->name() + ".metrics",
                              testing::HttpGet(s->metrics_port, "/metrics"));
  }
}

ServiceProcess& Stack::service(const std::string& name) {
  for (auto& s : services_) {
    if (s->name == name) return *s;
  }
  ADD_FAILURE() << "no service " << name;
  return *services_.front();
}

void Stack::SetClockOffset(absl::Duration offset) {
  ASSERT_TRUE(time::OffsetFileClock::WriteOffset(clock_file_, offset));
  absl::SleepFor(absl::Milliseconds(120));  // every clock re-reads the file within 50 ms
}

void Stack::Set(const std::string& service_name, const std::string& key, const std::string& value) {
  service(service_name).settings[key] = value;
}

void Stack::EnableAuth() {
  auto key = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
  ASSERT_TRUE(key.ok()) << key.status();
  signing_key_ = *key;
  auth_dir_ = ::testing::TempDir() + "/e2e_auth_" + services_.front()->db->name();
  std::filesystem::create_directories(auth_dir_ + "/public");
  std::ofstream(auth_dir_ + "/public/e2e.pem") << signing_key_.public_pem;
  for (auto& s : services_) {
    std::ofstream(auth_dir_ + "/" + s->name + ".token")
        << Token(s->name, auth::role::kService, "",
                 [](auth::TokenClaims& c) { c.lifetime = absl::Hours(24); });
  }
}

void Stack::EnableNotifications(const std::map<std::string, std::string>& settings) {
  auto s = std::make_unique<ServiceProcess>();
  s->name = "notification";
  s->prefix = "NOTIFICATION";
  s->binary = TOUSU_NOTIFICATION_SERVER;
  s->health_name = "complaints.notification.v1.NotificationService";
  s->settings = settings;
  s->settings["TEMPLATES_FILE"] =
      std::string(TOUSU_SOURCE_DIR) + "/deploy/notification/templates.txt";
  for (const char* key : {"PLAN_INTERVAL", "SEND_INTERVAL", "RECEIPT_INTERVAL"}) {
    if (!s->settings.contains(key)) s->settings[key] = "200ms";
  }
  if (!auth_dir_.empty()) {  // authentication turned on first: its own service token too
    std::ofstream(auth_dir_ + "/notification.token")
        << Token("notification", auth::role::kService, "",
                 [](auth::TokenClaims& c) { c.lifetime = absl::Hours(24); });
  }
  services_.push_back(std::move(s));
}

void Stack::EnableEdge(const std::string& allowed_origins) {
  if (auth_dir_.empty()) EnableAuth();
  // The gateway forwards customers' notice calls to it; without channels its messages wait.
  bool has_notification = false;
  for (const auto& s : services_) has_notification |= s->name == "notification";
  if (!has_notification) EnableNotifications({});
  const std::string source = TOUSU_SOURCE_DIR;
  auto add = [&](std::string name, std::string prefix, std::string binary, std::string health) {
    auto s = std::make_unique<ServiceProcess>();
    s->name = std::move(name);
    s->prefix = std::move(prefix);
    s->binary = std::move(binary);
    s->health_name = std::move(health);
    std::ofstream(auth_dir_ + "/" + s->name + ".token")
        << Token(s->name, auth::role::kService, "",
                 [](auth::TokenClaims& c) { c.lifetime = absl::Hours(24); });
    services_.push_back(std::move(s));
  };
  add("identity", "IDENTITY", TOUSU_IDENTITY_SERVER,
      "complaints.identity.v1.CustomerIdentityService");
  add("gateway", "GATEWAY", TOUSU_GATEWAY_SERVER, "");  // health for the process as a whole
  // identity signs customers' tokens with the stack's key, so every service verifies them.
  std::ofstream(auth_dir_ + "/e2e.key") << signing_key_.private_pem;
  std::ofstream(auth_dir_ + "/code-secret") << "e2e code secret " << auth_dir_;
  sms_outbox_ = auth_dir_ + "/sms-outbox.jsonl";
  Set("identity", "SIGNING_KEY", auth_dir_ + "/e2e.key");
  Set("identity", "SIGNING_KEY_ID", "e2e");
  Set("identity", "CODE_SECRET_FILE", auth_dir_ + "/code-secret");
  Set("identity", "SMS_OUTBOX_FILE", sms_outbox_);
  gateway_http_port_ = testing::FreePort();
  Set("gateway", "HTTP_ADDR", absl::StrCat("127.0.0.1:", gateway_http_port_));
  Set("gateway", "PUBLIC_RPCS_FILE", source + "/deploy/gateway/public-rpcs.txt");
  if (!allowed_origins.empty()) Set("gateway", "ALLOWED_ORIGINS", allowed_origins);
}

std::string Stack::Token(const std::string& subject, const std::string& role,
                         const std::string& department,
                         const std::function<void(auth::TokenClaims&)>& claims) const {
  auth::TokenClaims c;
  c.subject = subject;
  c.role = role;
  c.department = department;
  c.issued_at = absl::Now();
  c.kid = "e2e";
  if (claims) claims(c);
  auto token = auth::MintToken(signing_key_.private_pem, c);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

void Stack::Start() {
  clock_file_ = ::testing::TempDir() + "/e2e_clock_" + services_.front()->db->name();
  ASSERT_TRUE(time::OffsetFileClock::WriteOffset(clock_file_, absl::ZeroDuration()));
  for (auto& s : services_) Launch(*s);
  for (auto& s : services_) {
    ASSERT_TRUE(testing::WaitForHealth(s->grpc_port, s->health_name, 1, absl::Seconds(30)))
        << s->name << " did not become SERVING; see " << LogPath(*s);
  }
  // The reference data tools/run loads.
  const std::string source = TOUSU_SOURCE_DIR;
  testing::LoadSqlFile(*service("staff-assessment").db,
                       source + "/deploy/seed/staff-assessment.sql");
  testing::LoadSqlFile(*service("routing").db, source + "/deploy/seed/routing.sql");
}

void Stack::Kill(const std::string& name, int signal) {
  ServiceProcess& s = service(name);
  ASSERT_NE(s.process, nullptr) << name << " was never started";
  s.process->Signal(signal);
  ASSERT_NE(s.process->Wait(absl::Seconds(30)), INT_MIN)
      << name << " still runs 30 s after signal " << signal;
}

void Stack::Restart(const std::string& name) {
  ServiceProcess& s = service(name);
  ASSERT_NE(s.process, nullptr) << name << " was never started";
  ASSERT_FALSE(s.process->running()) << name << " is still running: Kill it first";
  s.process.reset();
  Launch(s);
  ASSERT_TRUE(testing::WaitForHealth(s.grpc_port, s.health_name, 1, absl::Seconds(30)))
      << name << " did not become SERVING again; see " << LogPath(s);
}

std::string Stack::LogPath(const ServiceProcess& s) const {
  return ::testing::TempDir() + "/e2e_" + s.name + "_" + s.db->name() + ".log";
}

void Stack::Launch(ServiceProcess& s) {
  const std::string source = TOUSU_SOURCE_DIR;
  std::vector<std::string> peers, addresses;
  for (const auto& other : services_) {
    peers.push_back(other->name + "=" + other->address());
    addresses.push_back(other->prefix + "_ADDR=" + other->address());
  }
  auto env = testing::ServiceEnv(s.prefix, s.db->options(), s.grpc_port, s.metrics_port);
  const std::string p = "TOUSU_" + s.prefix + "_";
  env[p + "SUBSCRIPTIONS_FILE"] = source + "/deploy/subscriptions.txt";
  env[p + "PEERS"] = absl::StrJoin(peers, ",");
  for (const auto& a : addresses) {
    const size_t eq = a.find('=');
    env[p + a.substr(0, eq)] = a.substr(eq + 1);
  }
  env[p + "CLOCK_OFFSET_FILE"] = clock_file_;
  for (const auto& [key, value] : s.settings) env[p + key] = value;
  if (!auth_dir_.empty()) {
    env[p + "AUTH_KEYS"] = auth_dir_ + "/public";
    env[p + "AUTH_TOKEN_FILE"] = auth_dir_ + "/" + s.name + ".token";
  }
  env[p + "CALENDAR_FILE"] = source + "/deploy/calendar/cn-business-calendar.txt";
  env[p + "CLASSIFIER_EXAMPLES"] = source + "/deploy/routing/labelled-complaints.tsv";
  // Timers check often, so moving the clock shows its effect within a second.
  for (const char* key : {"ESCALATION_INTERVAL", "DEADLINE_CHECK_INTERVAL", "CHECK_INTERVAL"}) {
    env[p + key] = "200ms";
  }
  s.process = std::make_unique<testing::ChildProcess>(s.binary, env, LogPath(s));
}

}  // namespace tousu::e2e
