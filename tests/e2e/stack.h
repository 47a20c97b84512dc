#pragma once
// The whole Tousu stack for end-to-end tests: every service binary as a real process on its own
// scratch database, wired as tools/run wires them (subscriptions, peers, addresses, calendar,
// classifier data), with one controllable clock file, and the reference data loaded.

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
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
  std::string address() const;
};

class Stack {
 public:
  Stack();
  // Starts every service, waits for SERVING, loads the seed data. Fails the test on trouble.
  void Start();
  ServiceProcess& service(const std::string& name);
  // Moves every service's clock to wall clock + offset.
  void SetClockOffset(absl::Duration offset);
  // The offset file every service's clock reads (for tools that move time themselves).
  const std::string& clock_file() const { return clock_file_; }

 private:
  std::vector<std::unique_ptr<ServiceProcess>> services_;
  std::string clock_file_;
};

}  // namespace tousu::e2e
