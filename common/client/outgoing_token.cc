#include "common/client/outgoing_token.h"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/strings/ascii.h"

namespace tousu::client {
namespace {

struct TokenFile {
  std::mutex mu;
  std::string path;
  std::string token;
  struct timespec mtime {};
  off_t size = -1;
  std::chrono::steady_clock::time_point next_check;
};

TokenFile& State() {
  static auto* state = new TokenFile();
  return *state;
}

}  // namespace

void SetOutgoingTokenFile(const std::string& path) {
  TokenFile& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  s.path = path;
  s.token.clear();
  s.size = -1;
  s.next_check = {};
}

std::string OutgoingToken() {
  TokenFile& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.path.empty()) return "";
  const auto now = std::chrono::steady_clock::now();
  if (now < s.next_check) return s.token;
  s.next_check = now + std::chrono::seconds(1);
  struct stat st {};
  if (stat(s.path.c_str(), &st) != 0) return s.token;  // keep the last good token
  if (st.st_size == s.size && st.st_mtim.tv_sec == s.mtime.tv_sec &&
      st.st_mtim.tv_nsec == s.mtime.tv_nsec) {
    return s.token;
  }
  std::ifstream in(s.path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in) return s.token;
  s.token = std::string(absl::StripAsciiWhitespace(buf.str()));
  s.size = st.st_size;
  s.mtime = st.st_mtim;
  return s.token;
}

}  // namespace tousu::client

namespace tousu::client {

void AddOutgoingToken(grpc::ClientContext* ctx) {
  if (std::string token = OutgoingToken(); !token.empty()) {
    ctx->AddMetadata("authorization", "Bearer " + token);
  }
}

}  // namespace tousu::client
