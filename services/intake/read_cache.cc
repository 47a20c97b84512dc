#include "services/intake/read_cache.h"

#include <functional>

namespace tousu::intake {

ComplaintReadCache::ComplaintReadCache(size_t capacity, Clock::duration ttl)
    : capacity_(capacity),
      per_stripe_(capacity == 0 ? 0 : (capacity + kStripes - 1) / kStripes),
      ttl_(ttl),
      stripes_(kStripes) {}

ComplaintReadCache::Stripe& ComplaintReadCache::StripeOf(const std::string& number) {
  return stripes_[std::hash<std::string>{}(number) % kStripes];
}

ComplaintReadCache::Record ComplaintReadCache::Find(const std::string& number) {
  if (!enabled()) return nullptr;
  Stripe& s = StripeOf(number);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.index.find(number);
  if (it == s.index.end()) return nullptr;
  if (Clock::now() >= it->second->expires) {
    s.lru.erase(it->second);
    s.index.erase(it);
    return nullptr;
  }
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  return it->second->record;
}

uint64_t ComplaintReadCache::BeginRead(const std::string& number) {
  if (!enabled()) return 0;
  Stripe& s = StripeOf(number);
  std::lock_guard<std::mutex> lock(s.mu);
  return s.invalidations;
}

void ComplaintReadCache::Insert(const std::string& number, Record record, uint64_t ticket) {
  if (!enabled() || record == nullptr) return;
  Stripe& s = StripeOf(number);
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.invalidations != ticket) return;  // a write committed while this was read: maybe stale
  const Clock::time_point expires = Clock::now() + ttl_;
  auto it = s.index.find(number);
  if (it != s.index.end()) {
    it->second->record = std::move(record);
    it->second->expires = expires;
    s.lru.splice(s.lru.begin(), s.lru, it->second);
    return;
  }
  s.lru.push_front(Entry{number, std::move(record), expires});
  s.index.emplace(number, s.lru.begin());
  while (s.lru.size() > per_stripe_) {
    s.index.erase(s.lru.back().number);
    s.lru.pop_back();
  }
}

void ComplaintReadCache::Invalidate(const std::string& number) {
  if (!enabled()) return;
  Stripe& s = StripeOf(number);
  std::lock_guard<std::mutex> lock(s.mu);
  ++s.invalidations;
  auto it = s.index.find(number);
  if (it == s.index.end()) return;
  s.lru.erase(it->second);
  s.index.erase(it);
}

size_t ComplaintReadCache::size() {
  size_t n = 0;
  for (Stripe& s : stripes_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.lru.size();
  }
  return n;
}

}  // namespace tousu::intake
