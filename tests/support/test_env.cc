#include "tests/support/test_env.h"

#include <arpa/inet.h>
#include <cppconn/driver.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <errno.h>  // program_invocation_short_name
#include <fcntl.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <mysql_driver.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <random>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/migrations.h"

namespace tousu::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    ADD_FAILURE() << name << " is not set: run the tests through tools/test, which starts MariaDB";
    return "";
  }
  return v;
}

std::unique_ptr<sql::Connection> AdminConnection(const std::string& schema) {
  auto o = ServerOptions();
  sql::ConnectOptionsMap props;
  props["hostName"] = sql::SQLString(absl::StrCat("tcp://", o.host, ":", o.port));
  props["userName"] = sql::SQLString(o.user);
  props["password"] = sql::SQLString(o.password);
  if (!schema.empty()) props["schema"] = sql::SQLString(schema);
  props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  return std::unique_ptr<sql::Connection>(sql::mysql::get_mysql_driver_instance()->connect(props));
}

}  // namespace

db::DbOptions ServerOptions() {
  db::DbOptions o;
  o.host = Env("TOUSU_TEST_DB_HOST");
  int port = 0;
  EXPECT_TRUE(absl::SimpleAtoi(Env("TOUSU_TEST_DB_PORT"), &port));
  o.port = port;
  o.user = Env("TOUSU_TEST_DB_USER");
  const char* pw = std::getenv("TOUSU_TEST_DB_PASSWORD");
  o.password = pw == nullptr ? "" : pw;
  o.connect_timeout = absl::Seconds(2);
  o.acquire_timeout = absl::Seconds(2);
  return o;
}

ScratchDatabase::ScratchDatabase() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = absl::StrCat("tousu_it_", getpid(), "_", counter++, "_", rd() % 100000);
  auto conn = AdminConnection("");
  std::unique_ptr<sql::Statement> st(conn->createStatement());
  st->execute(absl::StrCat("CREATE DATABASE `", name_,
                           "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
}

ScratchDatabase::~ScratchDatabase() {
  try {
    auto conn = AdminConnection("");
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    st->execute(absl::StrCat("DROP DATABASE IF EXISTS `", name_, "`"));
  } catch (const sql::SQLException&) {
    // A database left behind is harmless: the server is thrown away after the run.
  }
}

db::DbOptions ScratchDatabase::options(int pool_size) const {
  auto o = ServerOptions();
  o.database = name_;
  o.pool_size = pool_size;
  return o;
}

std::string ScratchDatabase::QueryScalar(const std::string& sql) const {
  auto conn = AdminConnection(name_);
  std::unique_ptr<sql::Statement> st(conn->createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
  if (!rs->next() || rs->isNull(1)) return "";
  return rs->getString(1);
}

void ScratchDatabase::Execute(const std::string& sql) const {
  auto conn = AdminConnection(name_);
  std::unique_ptr<sql::Statement> st(conn->createStatement());
  st->execute(sql);
}

int FreePort() {
  // From 10000-32767, below the kernel's ephemeral range (32768-60999): a port bind(0) hands out
  // lies in that range, where any outgoing connection may take it before the server binds it.
  static std::mutex mu;
  static std::mt19937 random_port(std::random_device{}() ^ static_cast<unsigned>(getpid()));
  std::uniform_int_distribution<int> pick(10000, 32767);
  for (int attempt = 0; attempt < 200; ++attempt) {
    int port;
    {
      std::lock_guard<std::mutex> lock(mu);
      port = pick(random_port);
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (free) return port;
  }
  return 0;
}

std::string TestLogDir() {
  const char* dir = std::getenv("TOUSU_TEST_LOG_DIR");
  return dir == nullptr ? "" : dir;
}

void SaveToTestLogDir(const std::string& name, const std::string& content) {
  const std::string dir = TestLogDir();
  if (dir.empty()) return;
  static std::atomic<int> sequence{0};
  const std::string path = absl::StrCat(dir, "/", program_invocation_short_name, ".", getpid(), ".",
                                        sequence.fetch_add(1), ".", name);
  std::ofstream(path, std::ios::binary) << content;
}

ChildProcess::ChildProcess(const std::string& path, const std::map<std::string, std::string>& env,
                           const std::string& log_path)
    : log_path_(log_path) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    // The test runner may have blocked signals; the child must see SIGTERM as a service would.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
    execve(path.c_str(), argv, envp.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (!TestLogDir().empty()) {
    std::ifstream in(log_path_, std::ios::binary);
    std::ostringstream log;
    log << in.rdbuf();
    const size_t slash = log_path_.rfind('/');
    SaveToTestLogDir(log_path_.substr(slash == std::string::npos ? 0 : slash + 1), log.str());
  }
}

void ChildProcess::Signal(int sig) {
  if (pid_ > 0 && !reaped_) kill(pid_, sig);
}

bool ChildProcess::running() {
  if (pid_ <= 0 || reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

int ChildProcess::Wait(absl::Duration timeout) {
  const absl::Time until = absl::Now() + timeout;
  while (absl::Now() < until) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return -WTERMSIG(status);
      return INT_MIN;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return INT_MIN;
}

std::map<std::string, std::string> ServiceEnv(const std::string& prefix, const db::DbOptions& db,
                                              int grpc_port, int metrics_port) {
  const std::string p = "TOUSU_" + prefix + "_";
  return {
      {p + "GRPC_ADDR", absl::StrCat("127.0.0.1:", grpc_port)},
      {p + "METRICS_ADDR", absl::StrCat("127.0.0.1:", metrics_port)},
      {p + "DB_HOST", db.host},
      {p + "DB_PORT", absl::StrCat(db.port)},
      {p + "DB_USER", db.user},
      {p + "DB_PASSWORD", db.password},
      {p + "DB_NAME", db.database},
      {p + "DRAIN", "0s"},
      // Every line when the run's logs are kept for the PII check, so that it sees them all.
      {p + "LOG_LEVEL", TestLogDir().empty() ? "warn" : "debug"},
  };
}

std::vector<std::string> InProcessEnv(const std::string& prefix, const db::DbOptions& db) {
  const std::string p = "TOUSU_" + prefix + "_";
  return {p + "GRPC_ADDR=127.0.0.1:0",  p + "METRICS_ADDR=127.0.0.1:0",
          p + "DB_HOST=" + db.host,     p + "DB_PORT=" + std::to_string(db.port),
          p + "DB_USER=" + db.user,     p + "DB_PASSWORD=" + db.password,
          p + "DB_NAME=" + db.database, p + "DRAIN=0s"};
}

std::map<std::string, std::string> ProbeEnv(const db::DbOptions& db, int grpc_port,
                                            int metrics_port) {
  return ServiceEnv("PROBE", db, grpc_port, metrics_port);
}

void LoadSqlFile(const ScratchDatabase& scratch, const std::string& path) {
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream buf;
  buf << in.rdbuf();
  for (const auto& stmt : db::SplitStatements(buf.str())) scratch.Execute(stmt);
}

int HealthStatus(int port, const std::string& service) {
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  // grpc.health.v1.HealthCheckRequest { string service = 1; }, encoded by hand to keep the test
  // free of a second copy of the health proto.
  std::string req;
  req.push_back(0x0a);
  req.push_back(static_cast<char>(service.size()));
  req += service;
  grpc::Slice slice(req);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(s); });
  grpc::Status s = done.get_future().get();
  if (!s.ok()) return -1;
  std::vector<grpc::Slice> slices;
  response.Dump(&slices);
  std::string body;
  for (auto& sl : slices) body.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  // HealthCheckResponse { ServingStatus status = 1; } -> 0x08 <varint>; absent field = UNKNOWN.
  if (body.size() >= 2 && body[0] == 0x08) return body[1];
  return 0;
}

bool WaitForHealth(int port, const std::string& service, int want, absl::Duration timeout) {
  const absl::Time until = absl::Now() + timeout;
  while (absl::Now() < until) {
    if (HealthStatus(port, service) == want) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string req = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return "";
  }
  std::string resp;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  const size_t body = resp.find("\r\n\r\n");
  return body == std::string::npos ? "" : resp.substr(body + 4);
}

double MetricValue(const std::string& exposition, const std::string& name,
                   const std::vector<std::string>& must_contain) {
  for (absl::string_view line : absl::StrSplit(exposition, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t name_end = line.find_first_of("{ ");
    if (name_end == absl::string_view::npos || line.substr(0, name_end) != name) continue;
    bool all = true;
    for (const auto& part : must_contain) all = all && absl::StrContains(line, part);
    if (!all) continue;
    const size_t space = line.rfind(' ');
    double v = 0;
    if (absl::SimpleAtod(line.substr(space + 1), &v)) return v;
  }
  return -1;
}

}  // namespace tousu::testing
