// A preload library that moves a process's wall clock, and nothing else, by a fixed number of
// seconds, so that the whole test command can be run as if it were another date
// (tools/test-at-dates):
//   LD_PRELOAD=libtousu_clock_shift.so TOUSU_CLOCK_SHIFT_SECONDS=N command...
//
// Why not Debian's faketime: libfaketime 0.9.10 also wraps the waits (pthread_cond_timedwait),
// and under it a gRPC client's deadline never fires (a call to a server that does not answer
// hangs instead of ending after its timeout), which breaks every test of deadlines. Here only
// the readings of the wall clock change: CLOCK_REALTIME (and its coarse and TAI variants),
// gettimeofday, time and timespec_get. The monotonic clocks, and so every timed wait of gRPC,
// Abseil and the standard library, are untouched. What reads the kernel's wall clock directly
// (a timed wait on a CLOCK_REALTIME condition variable, file times, Go programs such as
// Prometheus) keeps the real time; MariaDB's server, which waits that way, is left unshifted
// (its own NOW() is not used by the services, whose times all come from their injected clock).

#include <dlfcn.h>
#include <errno.h>  // program_invocation_short_name (GNU)
#include <linux/futex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace {

using ClockGettime = int (*)(clockid_t, struct timespec*);
using Syscall = long (*)(long, ...);

std::atomic<ClockGettime> real_clock_gettime{nullptr};
std::atomic<Syscall> real_syscall{nullptr};
std::atomic<int64_t> shift_seconds{0};
std::atomic<bool> initialised{false};

// Programs left on the real clock (see the top of this file).
bool Unshifted(const char* name) { return strcmp(name, "mariadbd") == 0; }

void Initialise() {
  if (initialised.load(std::memory_order_acquire)) return;
  real_clock_gettime.store(reinterpret_cast<ClockGettime>(dlsym(RTLD_NEXT, "clock_gettime")),
                           std::memory_order_release);
  real_syscall.store(reinterpret_cast<Syscall>(dlsym(RTLD_NEXT, "syscall")),
                     std::memory_order_release);
  int64_t shift = 0;
  if (const char* s = getenv("TOUSU_CLOCK_SHIFT_SECONDS"); s != nullptr && *s != '\0') {
    shift = strtoll(s, nullptr, 10);
  }
  if (Unshifted(program_invocation_short_name)) shift = 0;
  shift_seconds.store(shift, std::memory_order_release);
  initialised.store(true, std::memory_order_release);
}

bool IsWallClock(clockid_t id) {
  return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI;
}

}  // namespace

extern "C" {

int clock_gettime(clockid_t id, struct timespec* ts) {
  Initialise();
  ClockGettime real = real_clock_gettime.load(std::memory_order_acquire);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  const int rc = real(id, ts);
  if (rc == 0 && IsWallClock(id)) {
    ts->tv_sec += static_cast<time_t>(shift_seconds.load(std::memory_order_acquire));
  }
  return rc;
}

// The time zone argument is obsolete (glibc fills it with zeros); left as the kernel gives it.
int gettimeofday(struct timeval* tv, void* /*tz*/) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = static_cast<suseconds_t>(ts.tv_nsec / 1000);
  return 0;
}

time_t time(time_t* out) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return static_cast<time_t>(-1);
  if (out != nullptr) *out = ts.tv_sec;
  return ts.tv_sec;
}

// Two system calls made through syscall() see the wall clock too:
//  - clock_gettime, which some libraries call this way to run on old C libraries;
//  - futex waits with an absolute wall-clock deadline (FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME),
//    which is how Abseil's timed waits, and so gRPC's timers, sleep: their deadline is computed
//    from the shifted clock, so the kernel is given it unshifted, or every such wait would last
//    the shift longer (a gRPC deadline would never fire).
long syscall(long number, ...) {
  Initialise();
  va_list args;
  va_start(args, number);
  long a[6];
  for (long& x : a) x = va_arg(args, long);
  va_end(args);
  Syscall real = real_syscall.load(std::memory_order_acquire);
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  const time_t shift = static_cast<time_t>(shift_seconds.load(std::memory_order_acquire));
  if (number == SYS_futex && shift != 0 && a[3] != 0 && (a[1] & FUTEX_CLOCK_REALTIME) != 0 &&
      ((a[1] & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET ||
       (a[1] & FUTEX_CMD_MASK) == FUTEX_WAIT_REQUEUE_PI)) {
    struct timespec deadline = *reinterpret_cast<const struct timespec*>(a[3]);
    deadline.tv_sec -= shift;
    return real(number, a[0], a[1], a[2], reinterpret_cast<long>(&deadline), a[4], a[5]);
  }
  const long rc = real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (number == SYS_clock_gettime && rc == 0 && IsWallClock(static_cast<clockid_t>(a[0]))) {
    reinterpret_cast<struct timespec*>(a[1])->tv_sec += shift;
  }
  return rc;
}

int timespec_get(struct timespec* ts, int base) {
  if (base != TIME_UTC) return 0;
  return clock_gettime(CLOCK_REALTIME, ts) == 0 ? base : 0;
}

}  // extern "C"
