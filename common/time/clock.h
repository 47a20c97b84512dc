#pragma once
// The one source of "now" for every rule in Tousu. Deadlines, timers and event times all come
// from a Clock, so unit tests use FakeClock and whole-stack runs can move time forward.

#include <memory>
#include <mutex>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tousu::time {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The machine's wall clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// A clock that moves only when told; for unit tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  void Set(absl::Time t);
  void Advance(absl::Duration d);

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

// Wall clock plus an offset read from a file shared by every service of a local stack, so an
// end-to-end test can advance time across all services at once by rewriting the file.
// The file holds one integer: the offset in seconds. It is re-read at most every
// `refresh` (a missing or unreadable file means offset 0, and is logged once).
// Off unless explicitly enabled (TOUSU_<SERVICE>_CLOCK_OFFSET_FILE); when on, says so in the log.
class OffsetFileClock final : public Clock {
 public:
  explicit OffsetFileClock(std::string path, absl::Duration refresh = absl::Milliseconds(50));
  absl::Time Now() const override;
  // The offset currently in force (re-reading the file if due).
  absl::Duration Offset() const;
  // Writes `offset` to `path` atomically (write then rename); used by tests and tools.
  // The file holds whole seconds: a fractional offset is truncated toward zero.
  static bool WriteOffset(const std::string& path, absl::Duration offset);

 private:
  std::string path_;
  absl::Duration refresh_;
  mutable std::mutex mu_;
  mutable absl::Time last_read_ = absl::InfinitePast();
  mutable absl::Duration offset_ = absl::ZeroDuration();
  mutable bool read_failed_ = false;  // so a missing file is logged once, not on every read
};

}  // namespace tousu::time
