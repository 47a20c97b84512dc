#include "common/events/subscriptions.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace tousu::events {
namespace {
bool ValidName(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}
}  // namespace

absl::StatusOr<Subscriptions> Subscriptions::Parse(const std::string& text) {
  Subscriptions subs;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    if (auto hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (words.empty()) continue;
    if (words.size() < 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "subscriptions line ", line_no, ": an event type needs at least one subscriber"));
    }
    for (const auto& w : words) {
      if (!ValidName(w)) {
        return absl::InvalidArgumentError(
            absl::StrCat("subscriptions line ", line_no, ": bad name"));
      }
    }
    for (size_t i = 1; i < words.size(); ++i)
      subs.Add(std::string(words[0]), std::string(words[i]));
  }
  return subs;
}

absl::StatusOr<Subscriptions> Subscriptions::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read subscriptions file ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return Parse(buf.str());
}

const std::vector<std::string>& Subscriptions::SubscribersOf(const std::string& event_type) const {
  static const std::vector<std::string> kNone;
  auto it = by_type_.find(event_type);
  return it == by_type_.end() ? kNone : it->second;
}

void Subscriptions::Add(const std::string& event_type, const std::string& subscriber) {
  auto& list = by_type_[event_type];
  if (std::find(list.begin(), list.end(), subscriber) == list.end()) list.push_back(subscriber);
}

absl::StatusOr<std::map<std::string, std::string>> ParsePeers(const std::string& text) {
  std::map<std::string, std::string> peers;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    std::string name(absl::StripAsciiWhitespace(kv.first));
    std::string addr(absl::StripAsciiWhitespace(kv.second));
    if (!ValidName(name) || addr.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("peer entry must be name=host:port: ", item));
    }
    peers[name] = addr;
  }
  return peers;
}

}  // namespace tousu::events
