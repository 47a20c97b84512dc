#include "services/intake/domain/rate_limit.h"

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace tousu::intake {

absl::StatusOr<RateLimit> ParseRateLimit(const std::string& variable, const std::string& text) {
  RateLimit limit;
  if (text == "0" || text == "off") {
    limit.count = 0;
    return limit;
  }
  const size_t slash = text.find('/');
  int count = 0;
  absl::Duration per;
  if (slash == std::string::npos || !absl::SimpleAtoi(text.substr(0, slash), &count) || count < 1 ||
      count > 1000000 || !absl::ParseDuration(text.substr(slash + 1), &per) ||
      per < absl::Seconds(1) || per > absl::Hours(24 * 7)) {
    return absl::InvalidArgumentError(absl::StrCat(
        variable, ": expected COUNT/DURATION such as 20/1h (count 1..1000000, 1s..168h) or 0"));
  }
  limit.count = count;
  limit.per = per;
  return limit;
}

RateLimiter::RateLimiter(RateLimit limit, size_t max_keys)
    : limit_(limit), max_keys_(std::max<size_t>(max_keys, 2)) {}

double RateLimiter::Refilled(const Bucket& b, absl::Time now) const {
  const double rate = limit_.count / absl::ToDoubleSeconds(limit_.per);  // tokens per second
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - b.updated));
  return std::min<double>(limit_.count, b.tokens + elapsed * rate);
}

bool RateLimiter::Allow(const std::string& key, absl::Time now, absl::Duration* retry_after) {
  if (!enabled()) return true;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Prune(now);
    it = buckets_.emplace(key, Bucket{static_cast<double>(limit_.count), now}).first;
  }
  Bucket& b = it->second;
  b.tokens = Refilled(b, now);
  b.updated = std::max(b.updated, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after != nullptr) {
    const double rate = limit_.count / absl::ToDoubleSeconds(limit_.per);
    *retry_after = absl::Ceil(absl::Seconds((1.0 - b.tokens) / rate), absl::Seconds(1));
  }
  return false;
}

void RateLimiter::Prune(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    it = Refilled(it->second, now) >= limit_.count ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() < max_keys_) return;
  // Everyone is mid-burst (a flood of distinct keys): forget the fuller half, which loses the
  // least history.
  std::vector<std::pair<double, std::string>> by_tokens;
  by_tokens.reserve(buckets_.size());
  for (const auto& [key, b] : buckets_) by_tokens.emplace_back(Refilled(b, now), key);
  std::nth_element(by_tokens.begin(), by_tokens.begin() + by_tokens.size() / 2, by_tokens.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < by_tokens.size() / 2; ++i) buckets_.erase(by_tokens[i].second);
}

size_t RateLimiter::tracked_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

std::string PeerAddress(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  const size_t scheme = peer.find(':');
  if (colon == std::string::npos || colon == scheme) return peer;
  return peer.substr(0, colon);
}

}  // namespace tousu::intake
