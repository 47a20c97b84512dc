#pragma once
// GetComplaint answers from memory when it can. Customers and the hotline read the same open
// complaints over and over (the app polls a complaint's status), and each read was two SELECTs
// and a commit for a record that changes a few times in its life.
//
// Consistency:
// - This replica's own writes invalidate the entry when they commit (an event applied to the
//   record), and a read that raced with such a write is not cached: every stripe counts its
//   invalidations, and a value read from the database is kept only if its stripe saw none
//   between the start of the read and the insert.
// - Another replica's writes are not seen until the entry expires: `ttl` bounds how stale a read
//   can be when several replicas apply events (with one replica it is never stale). The record is
//   already updated asynchronously from the other services' events, so a second more is of the
//   same kind.
// - Bounded: at most `capacity` records, least recently used out first.

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "complaints/intake/v1/intake.pb.h"

namespace tousu::intake {

class ComplaintReadCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Record = std::shared_ptr<const ::complaints::intake::v1::Complaint>;

  // capacity 0 turns the cache off (every Find misses, nothing is kept).
  ComplaintReadCache(size_t capacity, Clock::duration ttl);

  bool enabled() const { return capacity_ > 0; }
  // The cached record of `number`, or nullptr.
  Record Find(const std::string& number);
  // Call before reading `number` from the database; pass the result to Insert.
  uint64_t BeginRead(const std::string& number);
  // Keeps `record` unless `number` was invalidated since BeginRead returned `ticket`.
  void Insert(const std::string& number, Record record, uint64_t ticket);
  // After a committed change of `number`.
  void Invalidate(const std::string& number);
  size_t size();

 private:
  struct Entry {
    std::string number;
    Record record;
    Clock::time_point expires;
  };
  struct Stripe {
    std::mutex mu;
    uint64_t invalidations = 0;
    std::list<Entry> lru;  // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> index;
  };
  static constexpr size_t kStripes = 16;
  Stripe& StripeOf(const std::string& number);

  const size_t capacity_;
  const size_t per_stripe_;
  const Clock::duration ttl_;
  std::vector<Stripe> stripes_;
};

}  // namespace tousu::intake
