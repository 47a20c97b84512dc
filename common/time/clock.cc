#include "common/time/clock.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace tousu::time {
namespace {

// ±100 years: anything larger is a corrupt file, and would overflow to an infinite time.
constexpr int64_t kMaxOffsetSeconds = int64_t{100} * 366 * 24 * 3600;

// The offset in the file, or an error message saying why there is none.
std::pair<std::optional<absl::Duration>, std::string> ReadOffsetFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {std::nullopt, absl::StrCat("cannot open: ", std::strerror(errno))};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return {std::nullopt, "read error"};
  const std::string content = text.str();
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(content), &seconds)) {
    return {std::nullopt, "not an integer number of seconds"};
  }
  if (seconds > kMaxOffsetSeconds || seconds < -kMaxOffsetSeconds) {
    return {std::nullopt, "offset larger than 100 years"};
  }
  return {absl::Seconds(seconds), ""};
}

}  // namespace

absl::Time FakeClock::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

void FakeClock::Set(absl::Time t) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = t;
}

void FakeClock::Advance(absl::Duration d) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += d;
}

OffsetFileClock::OffsetFileClock(std::string path, absl::Duration refresh)
    : path_(std::move(path)), refresh_(refresh) {
  // A shifted clock in the wrong place would corrupt every deadline, so it is never quiet.
  log::Warn("clock offset file enabled: time is wall clock plus the offset in the file",
            {{"path", path_}, {"refresh_ms", absl::ToDoubleMilliseconds(refresh_)}});
}

absl::Time OffsetFileClock::Now() const { return absl::Now() + Offset(); }

absl::Duration OffsetFileClock::Offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time now = absl::Now();
  if (now - last_read_ < refresh_) return offset_;
  last_read_ = now;
  auto [offset, error] = ReadOffsetFile(path_);
  if (!offset) {
    // Logged once per run of failures, not on every re-read.
    if (!read_failed_) {
      log::Warn("clock offset file unusable; using offset 0", {{"path", path_}, {"error", error}});
    }
    read_failed_ = true;
    offset_ = absl::ZeroDuration();
    return offset_;
  }
  if (read_failed_ || *offset != offset_) {
    log::Info("clock offset in force",
              {{"path", path_}, {"offset_s", absl::ToInt64Seconds(*offset)}});
  }
  read_failed_ = false;
  offset_ = *offset;
  return offset_;
}

bool OffsetFileClock::WriteOffset(const std::string& path, absl::Duration offset) {
  // The temp file sits beside the target so the rename stays within one file system (atomic).
  std::vector<char> tmp(path.begin(), path.end());
  const std::string suffix = ".tmp.XXXXXX";
  tmp.insert(tmp.end(), suffix.begin(), suffix.end());
  tmp.push_back('\0');
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return false;
  // mkstemp creates 0600; every service of the stack must be able to read it.
  const std::string content = absl::StrCat(absl::ToInt64Seconds(offset), "\n");
  bool ok = fchmod(fd, 0644) == 0 &&
            write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = (close(fd) == 0) && ok;
  if (ok) ok = std::rename(tmp.data(), path.c_str()) == 0;
  if (!ok) unlink(tmp.data());
  return ok;
}

}  // namespace tousu::time
