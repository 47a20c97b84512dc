// tousu_dbproxy: a loopback TCP proxy that delays traffic, for the slow-database fault run
// (tools/faults-slowdb). It listens on 127.0.0.1:PORT, forwards every connection to
// 127.0.0.1:TARGET_PORT, and holds each chunk read from either side for a delay of
// fixed + uniform(0, jitter) milliseconds before writing it on. Chunks of one direction keep
// their order (a chunk is never released before the one read before it), so the byte stream is
// unchanged: only late.
//
//   tousu_dbproxy --listen 0 --target 3306 --control FILE [--port-file FILE]
//                 [--latency-ms 0] [--jitter-ms 0] [--seed N]
//
// The delay can change while connections are open: the proxy re-reads FILE whenever its
// modification time or size changes (checked every 50 ms) and on SIGHUP. FILE holds
// "LATENCY_MS [JITTER_MS]"; a missing or unreadable file keeps the current delay. A new delay
// applies to chunks read from then on; chunks already held keep theirs.
//
// With --listen 0 the kernel chooses the port; it is written to --port-file (and stdout) once
// the proxy accepts connections. SIGTERM or SIGINT ends it. Loopback only, on purpose.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/flags/tool_flags.h"

ABSL_FLAG(std::optional<int>, listen, std::nullopt,
          "the loopback port to listen on (0: the kernel chooses); required");
ABSL_FLAG(std::optional<int>, target, std::nullopt, "MariaDB's loopback port; required");
ABSL_FLAG(std::string, control, "",
          "a file holding \"LATENCY_MS [JITTER_MS]\", re-read when it changes or on SIGHUP");
ABSL_FLAG(std::string, port_file, "", "where to write the port listened on");
ABSL_FLAG(int, latency_ms, 0, "fixed delay of every chunk, until the control file says otherwise");
ABSL_FLAG(int, jitter_ms, 0, "uniform extra delay 0..N ms, until the control file says otherwise");
ABSL_FLAG(int, seed, 1, "seed of the jitter");

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<int> g_latency_ms{0};
std::atomic<int> g_jitter_ms{0};
std::atomic<bool> g_reload{false};
std::atomic<bool> g_stop{false};
std::atomic<int64_t> g_connections{0}, g_open{0}, g_bytes{0}, g_chunks{0};

void OnHup(int) { g_reload = true; }
void OnTerm(int) { g_stop = true; }

constexpr char kUsage[] =
    "a delaying loopback TCP proxy\n"
    "usage: tousu_dbproxy --listen PORT --target PORT [--control FILE]\n"
    "  [--port-file FILE] [--latency-ms N] [--jitter-ms N] [--seed N]\n"
    "FILE holds \"LATENCY_MS [JITTER_MS]\" and is re-read when it changes or on SIGHUP.";

// `value` of the flag `spelling` within [min, max], or the program ends.
int InRange(const char* spelling, int value, int min, int max) {
  if (value < min || value > max) {
    tousu::tools::ExitWithUsageError(
        absl::StrCat(spelling, " must be a whole number ", min, "..", max));
  }
  return value;
}

// Reads "LATENCY_MS [JITTER_MS]" from `path`; false when missing or malformed.
bool ReadControl(const std::string& path, int* latency, int* jitter) {
  std::ifstream in(path);
  if (!in) return false;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream words(text);
  long l = -1, j = 0;
  if (!(words >> l) || l < 0 || l > 600000) return false;
  if (!(words >> j)) j = 0;
  if (j < 0 || j > 600000) return false;
  *latency = static_cast<int>(l);
  *jitter = static_cast<int>(j);
  return true;
}

void Log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void Log(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  std::fprintf(stderr, "[dbproxy %lld.%03lld] %s\n", ms / 1000, ms % 1000, buf);
}

// The delay of one chunk: fixed + uniform(0, jitter), from a per-thread generator.
Clock::duration NextDelay(std::mt19937_64& rng) {
  const int latency = g_latency_ms.load();
  const int jitter = g_jitter_ms.load();
  int64_t us = int64_t{latency} * 1000;
  if (jitter > 0) us += std::uniform_int_distribution<int64_t>(0, int64_t{jitter} * 1000)(rng);
  return std::chrono::microseconds(us);
}

// One direction of one connection: a reader thread stamps chunks with their release time and
// queues them, a writer thread writes each at its time. EOF is a chunk with no bytes.
class Pump {
 public:
  Pump(int from, int to, uint64_t seed) : from_(from), to_(to), rng_(seed) {}

  void Start() {
    reader_ = std::thread([this] { Read(); });
    writer_ = std::thread([this] { Write(); });
  }
  void Join() {
    reader_.join();
    writer_.join();
  }
  // Wakes both threads so they can notice the connection is gone.
  void Abort() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      aborted_ = true;
    }
    cv_.notify_all();
  }
  std::function<void()> on_failure;

 private:
  struct Chunk {
    Clock::time_point release;
    std::string bytes;  // empty = EOF
  };

  void Read() {
    std::vector<char> buf(64 * 1024);
    Clock::time_point last = Clock::now();
    for (;;) {
      const ssize_t n = ::recv(from_, buf.data(), buf.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      Chunk c;
      c.release = std::max(last, Clock::now() + NextDelay(rng_));
      last = c.release;
      if (n > 0) {
        c.bytes.assign(buf.data(), static_cast<size_t>(n));
        g_bytes += n;
        ++g_chunks;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (aborted_) return;
        queue_.push_back(std::move(c));
      }
      cv_.notify_all();
      if (n <= 0) return;  // EOF or error: the writer passes it on after the held chunks
    }
  }

  void Write() {
    for (;;) {
      Chunk c;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return aborted_ || !queue_.empty(); });
        if (aborted_) return;
        c = std::move(queue_.front());
        queue_.pop_front();
        // Wait until the chunk's release time (an abort ends the wait early).
        while (!aborted_ && Clock::now() < c.release) cv_.wait_until(lock, c.release);
        if (aborted_) return;
      }
      if (c.bytes.empty()) {
        ::shutdown(to_, SHUT_WR);
        return;
      }
      size_t off = 0;
      while (off < c.bytes.size()) {
        const ssize_t w = ::send(to_, c.bytes.data() + off, c.bytes.size() - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          if (on_failure) on_failure();
          return;
        }
        off += static_cast<size_t>(w);
      }
    }
  }

  int from_, to_;
  std::mt19937_64 rng_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> queue_;
  bool aborted_ = false;
  std::thread reader_, writer_;
};

// Both directions of one client connection; closes both sockets once both directions ended.
void Serve(int client, int target_port, uint64_t seed) {
  const int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(target_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (upstream < 0 || ::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Log("connect to 127.0.0.1:%d failed: %s", target_port, std::strerror(errno));
    if (upstream >= 0) ::close(upstream);
    ::close(client);
    --g_open;
    return;
  }
  const int one = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  Pump up(client, upstream, seed), down(upstream, client, seed ^ 0x9e3779b97f4a7c15ULL);
  // A write that fails means the other side is gone: reset both sockets so every thread ends.
  auto fail = [&] {
    ::shutdown(client, SHUT_RDWR);
    ::shutdown(upstream, SHUT_RDWR);
    up.Abort();
    down.Abort();
  };
  up.on_failure = fail;
  down.on_failure = fail;
  up.Start();
  down.Start();
  up.Join();
  down.Join();
  ::close(client);
  ::close(upstream);
  --g_open;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> args = tousu::tools::ParseToolFlags(argc, argv, kUsage);
  if (args.size() > 1) {
    tousu::tools::ExitWithUsageError(absl::StrCat("unexpected argument ", args[1]));
  }
  const std::optional<int> listen_flag = absl::GetFlag(FLAGS_listen);
  const std::optional<int> target_flag = absl::GetFlag(FLAGS_target);
  if (!listen_flag.has_value() || !target_flag.has_value()) {
    tousu::tools::ExitWithUsageError("--listen and --target are required");
  }
  const int listen_port = InRange("--listen", *listen_flag, 0, 65535);
  const int target_port = InRange("--target", *target_flag, 1, 65535);
  int latency = InRange("--latency-ms", absl::GetFlag(FLAGS_latency_ms), 0, 600000);
  int jitter = InRange("--jitter-ms", absl::GetFlag(FLAGS_jitter_ms), 0, 600000);
  const uint64_t seed =
      static_cast<uint64_t>(InRange("--seed", absl::GetFlag(FLAGS_seed), 0, 1 << 30));
  const std::string control = absl::GetFlag(FLAGS_control);
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!control.empty()) ReadControl(control, &latency, &jitter);
  g_latency_ms = latency;
  g_jitter_ms = jitter;

  struct sigaction sa {};
  sa.sa_handler = OnHup;
  ::sigaction(SIGHUP, &sa, nullptr);
  sa.sa_handler = OnTerm;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(listen_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 512) != 0) {
    Log("listen on 127.0.0.1:%d failed: %s", listen_port, std::strerror(errno));
    return 1;
  }
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  if (!port_file.empty()) {
    const std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), port_file.c_str());
  }
  std::printf("%d\n", port);
  std::fflush(stdout);
  Log("127.0.0.1:%d -> 127.0.0.1:%d, latency %d ms + jitter %d ms", port, target_port, latency,
      jitter);

  // The control file watcher: reload on a changed mtime/size or on SIGHUP.
  std::thread watcher([&] {
    struct stat last {};
    if (!control.empty()) ::stat(control.c_str(), &last);
    while (!g_stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (control.empty()) continue;
      struct stat now {};
      const bool exists = ::stat(control.c_str(), &now) == 0;
      const bool changed = exists && (now.st_mtim.tv_sec != last.st_mtim.tv_sec ||
                                      now.st_mtim.tv_nsec != last.st_mtim.tv_nsec ||
                                      now.st_size != last.st_size || now.st_ino != last.st_ino);
      if (!changed && !g_reload.exchange(false)) continue;
      last = now;
      int l, j;
      if (ReadControl(control, &l, &j)) {
        if (l != g_latency_ms.load() || j != g_jitter_ms.load()) {
          g_latency_ms = l;
          g_jitter_ms = j;
          Log("latency %d ms + jitter %d ms (connections open %lld, total %lld)", l, j,
              static_cast<long long>(g_open.load()), static_cast<long long>(g_connections.load()));
        }
      }
    }
  });

  uint64_t n = 0;
  while (!g_stop) {
    pollfd p{listener, POLLIN, 0};
    const int r = ::poll(&p, 1, 200);
    if (r <= 0) continue;
    const int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++g_connections;
    ++g_open;
    std::thread(Serve, client, target_port, seed * 1000003 + ++n).detach();
  }
  Log("stopping: %lld connections served, %lld chunks, %lld bytes",
      static_cast<long long>(g_connections.load()), static_cast<long long>(g_chunks.load()),
      static_cast<long long>(g_bytes.load()));
  ::close(listener);
  watcher.join();
  std::fflush(stderr);
  std::_Exit(0);  // connection threads are detached; the process ends them
}
