// tousuctl run as a whole command line against one fake service on loopback: the fake server, a
// fixed environment (clock, request id, variables) and the captured output. For the tousuctl unit
// tests whose verbs talk to one service.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/tousuctl/commands.h"

namespace tousu::testing {

class CtlHarness {
 public:
  // Serves `fake` on a free loopback port; tousuctl's clock reads `now`.
  void Start(grpc::Service* fake, absl::Time now) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(fake);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    env_.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars_.find(name);
      if (it == vars_.end()) return std::nullopt;
      return it->second;
    };
    env_.now = [now] { return now; };
    env_.new_request_id = [] { return std::string("rid"); };
  }
  ~CtlHarness() {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  // The exit code of `tousuctl args...`; out() and err() hold what it printed.
  int Run(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    return ctl::Run(args, out_, err_, env_);
  }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  // An environment variable as tousuctl sees it.
  void SetEnv(const std::string& name, const std::string& value) { vars_[name] = value; }

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::map<std::string, std::string> vars_;
  ctl::Environment env_;
  std::ostringstream out_, err_;
};

}  // namespace tousu::testing
