#pragma once
// Submission rate limits (abuse protection for the public web and app): one token bucket per key,
// holding `count` submissions and refilled evenly over `per`. Keys are the customer's account
// (from their token) and the source (the connection's peer address).
// Memory is bounded: at `max_keys` buckets, the ones that have refilled completely are dropped
// (they carry no history), and if none has, the fullest half is.

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tousu::intake {

struct RateLimit {
  int count = 0;  // 0: no limit
  absl::Duration per = absl::Hours(1);
};
// "20/1h", "600/1m", "0" (off). InvalidArgument naming `variable` otherwise.
absl::StatusOr<RateLimit> ParseRateLimit(const std::string& variable, const std::string& text);

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit, size_t max_keys = 100000);
  bool enabled() const { return limit_.count > 0; }
  // Takes one submission from `key`'s bucket at `now`; false (and how long until one is back in
  // `retry_after`) when it is empty.
  bool Allow(const std::string& key, absl::Time now, absl::Duration* retry_after);
  size_t tracked_keys() const;

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  double Refilled(const Bucket& b, absl::Time now) const;
  void Prune(absl::Time now);

  const RateLimit limit_;
  const size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// The address part of a gRPC peer ("ipv4:10.0.0.7:51234" -> "ipv4:10.0.0.7",
// "ipv6:[::1]:443" -> "ipv6:[::1]").
std::string PeerAddress(const std::string& peer);

}  // namespace tousu::intake
