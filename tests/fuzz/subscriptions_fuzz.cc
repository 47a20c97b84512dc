// The subscriptions file parser and the PEERS setting parser (common/events/subscriptions.*),
// fed arbitrary text.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - a rejected file or PEERS value is INVALID_ARGUMENT and its message names the line
//     ("subscriptions line N: ...") or the entry ("peer entry must be ...");
//   - an accepted file gives every event type exactly the subscribers its lines list, in order of
//     first mention, without duplicates, and nothing to a type it never names;
//   - accepted peers have valid names ([A-Za-z0-9_-]+) and non-empty addresses without
//     surrounding whitespace.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/events/subscriptions.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

bool ValidName(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<tousu::events::Subscriptions> subs = tousu::events::Subscriptions::Parse(text);
  if (!subs.ok()) {
    FUZZ_CHECK(subs.status().code() == absl::StatusCode::kInvalidArgument, subs.status());
    FUZZ_CHECK(tousu::fuzz::Message(subs.status()).starts_with("subscriptions line "),
               subs.status());
  } else {
    // The expected table, from an independent reading of the format.
    std::map<std::string, std::vector<std::string>> want;
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      line = line.substr(0, line.find('#'));
      std::vector<std::string> words =
          absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
      if (words.empty()) continue;
      FUZZ_CHECK(words.size() >= 2, "accepted a line without subscribers: " << line);
      for (const std::string& w : words) FUZZ_CHECK(ValidName(w), "accepted bad name " << w);
      std::vector<std::string>& list = want[words[0]];
      for (size_t i = 1; i < words.size(); ++i) {
        if (std::find(list.begin(), list.end(), words[i]) == list.end()) list.push_back(words[i]);
      }
    }
    for (const auto& [type, list] : want) {
      FUZZ_CHECK(subs->SubscribersOf(type) == list, "subscribers of " << type << " differ");
    }
    FUZZ_CHECK(subs->SubscribersOf("NoSuchEventTypeEverNamed!").empty(), "unknown type");
  }

  absl::StatusOr<std::map<std::string, std::string>> peers = tousu::events::ParsePeers(text);
  if (!peers.ok()) {
    FUZZ_CHECK(peers.status().code() == absl::StatusCode::kInvalidArgument, peers.status());
    FUZZ_CHECK(tousu::fuzz::Message(peers.status()).starts_with("peer entry must be"),
               peers.status());
  } else {
    for (const auto& [name, addr] : *peers) {
      FUZZ_CHECK(ValidName(name), "accepted peer name " << name);
      FUZZ_CHECK(!addr.empty() && absl::StripAsciiWhitespace(addr) == addr,
                 "peer " << name << " address '" << addr << "'");
    }
  }
  return 0;
}
