#pragma once
// Helpers for integration tests: the real MariaDB started by tools/test, scratch databases, child
// processes of the probe server, health checks and /metrics scrapes over loopback.

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/pool.h"

namespace tousu::testing {

// The test database server from tools/test (TOUSU_TEST_DB_*). Fails the test when unset: the
// integration tests never skip themselves.
db::DbOptions ServerOptions();

// A database of its own for one test, dropped afterwards.
class ScratchDatabase {
 public:
  ScratchDatabase();
  ~ScratchDatabase();
  const std::string& name() const { return name_; }
  db::DbOptions options(int pool_size = 4) const;
  // Runs one statement and returns the first column of the first row as text ("" if none).
  std::string QueryScalar(const std::string& sql) const;
  void Execute(const std::string& sql) const;

 private:
  std::string name_;
};

int FreePort();

// The run-wide folder tools/test collects every service log and /metrics scrape in, for the PII
// check (tests/pii); "" when TOUSU_TEST_LOG_DIR is unset.
std::string TestLogDir();
// With TestLogDir() set, saves `content` there under a name made of `name` and this process, unique
// in the run; does nothing otherwise.
void SaveToTestLogDir(const std::string& name, const std::string& content);

// A child process (the probe server) with extra environment variables; SIGKILLed if still running
// when destroyed.
class ChildProcess {
 public:
  ChildProcess(const std::string& path, const std::map<std::string, std::string>& env,
               const std::string& log_path);
  ~ChildProcess();
  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // Waits for exit; returns the exit status (or -signal), or nullopt-like INT_MIN on timeout.
  int Wait(absl::Duration timeout);
  bool running();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string log_path_;  // copied to TestLogDir() when the process is gone
};

// Environment for a service process (TOUSU_<prefix>_...) against `db` with the given ports.
std::map<std::string, std::string> ServiceEnv(const std::string& prefix, const db::DbOptions& db,
                                              int grpc_port, int metrics_port);
// Settings ("TOUSU_<prefix>_KEY=value") for a runtime an integration test builds in-process
// against `db`: any free ports, no drain pause; append the test's own settings.
std::vector<std::string> InProcessEnv(const std::string& prefix, const db::DbOptions& db);
// The same for the probe server.
std::map<std::string, std::string> ProbeEnv(const db::DbOptions& db, int grpc_port,
                                            int metrics_port);
// Loads a SQL file (statements ending with ';' at the end of a line) into the scratch database.
void LoadSqlFile(const ScratchDatabase& scratch, const std::string& path);

// grpc.health.v1.Health/Check for `service` at 127.0.0.1:port: 1 = SERVING, 2 = NOT_SERVING,
// 0 = UNKNOWN, -1 = the call failed (e.g. the server is not up).
int HealthStatus(int port, const std::string& service);
// Polls HealthStatus until it equals `want` or `timeout` passes.
bool WaitForHealth(int port, const std::string& service, int want, absl::Duration timeout);

// GET http://127.0.0.1:port/path; the body, or "" on failure.
std::string HttpGet(int port, const std::string& path);
// The value of one exposition line "name{labels} value" whose name and labels contain every one of
// `must_contain`; -1 if absent.
double MetricValue(const std::string& exposition, const std::string& name,
                   const std::vector<std::string>& must_contain);

}  // namespace tousu::testing
