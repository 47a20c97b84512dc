#pragma once
// The whole Tousu stack for end-to-end tests: every service binary as a real process on its own
// scratch database, wired as tools/run wires them (subscriptions, peers, addresses, calendar,
// classifier data), with one controllable clock file, and the reference data loaded.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/auth/token_minter.h"
#include "tests/support/test_env.h"

namespace tousu::e2e {

struct ServiceProcess {
  std::string name;    // "intake"
  std::string prefix;  // "INTAKE"
  std::string binary;
  std::string health_name;  // the gRPC service health answers for
  int grpc_port = testing::FreePort();
  int metrics_port = testing::FreePort();
  std::unique_ptr<testing::ScratchDatabase> db = std::make_unique<testing::ScratchDatabase>();
  std::unique_ptr<testing::ChildProcess> process = nullptr;
  std::map<std::string, std::string>
      settings;  // extra KEY=value (TOUSU_<PREFIX>_KEY), see Stack::Set
  std::string address() const;
};

class Stack {
 public:
  Stack();
  // With TOUSU_TEST_LOG_DIR set, saves every service's /metrics there for the PII check first.
  ~Stack();
  // Sets TOUSU_<SERVICE>_<key> for `service_name` (before Start), e.g. a rate limit.
  void Set(const std::string& service_name, const std::string& key, const std::string& value);
  // Turns authentication on (call before Start): a signing key of the test's own, every service
  // verifying with its public half and calling the others with a service token.
  void EnableAuth();
  // Adds the edge of deploy/edge.conf (call before Start; turns authentication on): identity,
  // signing customers' tokens with the stack's key and writing SMS codes to sms_outbox(), and the
  // gateway, serving HTTP on gateway_http_port() for `allowed_origins` (comma separated).
  void EnableEdge(const std::string& allowed_origins = "");
  int gateway_http_port() const { return gateway_http_port_; }
  // Adds the notification service (call before Start) with `settings` (TOUSU_NOTIFICATION_<key>:
  // the channels' endpoints, e.g. SMS_ENDPOINT of a provider stand-in the test runs) and the
  // shipped templates; its timers check every 200 ms.
  void EnableNotifications(const std::map<std::string, std::string>& settings);
  const std::string& sms_outbox() const { return sms_outbox_; }
  // A token of the stack's key (EnableAuth first) for a caller of `role`; `claims` may adjust
  // anything (lifetime, audience, issuer...) before signing.
  std::string Token(const std::string& subject, const std::string& role,
                    const std::string& department = "",
                    const std::function<void(auth::TokenClaims&)>& claims = nullptr) const;
  // Starts every service, waits for SERVING, loads the seed data. Fails the test on trouble.
  void Start();
  // Sends `signal` to the service's process and waits (30 s at most) for it to end: SIGKILL for a
  // crash, SIGTERM for an orderly stop.
  void Kill(const std::string& name, int signal);
  // Starts the service's binary again, as Start did (same environment, same ports, same log file,
  // appended to), once its process has ended (Kill first), and waits for SERVING.
  void Restart(const std::string& name);
  ServiceProcess& service(const std::string& name);
  // Moves every service's clock to wall clock + offset.
  void SetClockOffset(absl::Duration offset);
  // The offset file every service's clock reads (for tools that move time themselves).
  const std::string& clock_file() const { return clock_file_; }

 private:
  // Starts the process of `s` with the environment tools/run gives it (Start and Restart).
  void Launch(ServiceProcess& s);
  std::string LogPath(const ServiceProcess& s) const;

  std::vector<std::unique_ptr<ServiceProcess>> services_;
  std::string clock_file_;
  std::string auth_dir_;  // public/ (AUTH_KEYS) and NAME.token; empty: authentication off
  auth::KeyPair signing_key_;
  int gateway_http_port_ = 0;  // 0: no edge
  std::string sms_outbox_;
};

}  // namespace tousu::e2e
