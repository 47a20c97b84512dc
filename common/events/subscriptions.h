#pragma once
// Which service receives which event types: configuration, not code. The file
// (deploy/subscriptions.txt) has one line per event type:
//
//   # event_type          subscribers...
//   ComplaintReceived     routing analytics
//
// Each producer reads the same file and writes one outbox row per subscriber of each event it
// emits; subscriber addresses come from the PEERS setting ("routing=127.0.0.1:7102,...").

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tousu::events {

class Subscriptions {
 public:
  static absl::StatusOr<Subscriptions> Parse(const std::string& text);
  static absl::StatusOr<Subscriptions> LoadFile(const std::string& path);
  // Subscribers of `event_type` (empty if none).
  const std::vector<std::string>& SubscribersOf(const std::string& event_type) const;
  void Add(const std::string& event_type, const std::string& subscriber);

 private:
  std::map<std::string, std::vector<std::string>> by_type_;
};

// "routing=127.0.0.1:7102,analytics=127.0.0.1:7105" -> {routing: ..., analytics: ...}
absl::StatusOr<std::map<std::string, std::string>> ParsePeers(const std::string& text);

}  // namespace tousu::events
