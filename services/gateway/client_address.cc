#include "services/gateway/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace tousu::gateway {
namespace {

constexpr uint8_t kV4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

std::optional<IpAddress> IpAddress::Parse(absl::string_view text) {
  // inet_pton wants a NUL-terminated string and accepts nothing around the address.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  IpAddress address;
  if (inet_pton(AF_INET, s.c_str(), address.bytes_.data()) == 1) return address;
  std::array<uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, s.c_str(), v6.data()) != 1) return std::nullopt;
  if (std::memcmp(v6.data(), kV4MappedPrefix, sizeof(kV4MappedPrefix)) == 0) {
    std::memcpy(address.bytes_.data(), v6.data() + 12, 4);
    return address;
  }
  address.is_v4_ = false;
  address.bytes_ = v6;
  return address;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4_ ? AF_INET : AF_INET6, bytes_.data(), buffer, sizeof(buffer));
  return buffer;
}

bool IpAddress::SharesPrefix(const IpAddress& other, int prefix_length) const {
  if (is_v4_ != other.is_v4_) return false;
  const int whole = prefix_length / 8;
  if (std::memcmp(bytes_.data(), other.bytes_.data(), whole) != 0) return false;
  const int rest = prefix_length % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes_[whole] & mask) == (other.bytes_[whole] & mask);
}

bool IpAddress::HasHostBitsAfter(int prefix_length) const {
  for (int bit = prefix_length; bit < bits(); ++bit) {
    if (bytes_[bit / 8] & (0x80 >> (bit % 8))) return true;
  }
  return false;
}

absl::StatusOr<IpRange> IpRange::Parse(absl::string_view text) {
  const size_t slash = text.find('/');
  const absl::string_view address_text = text.substr(0, slash);
  const auto network = IpAddress::Parse(address_text);
  if (!network) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\": not an IPv4 or IPv6 address range (10.0.0.0/8, fd00::/8)"));
  }
  int prefix = network->bits();
  if (slash != absl::string_view::npos) {
    const absl::string_view digits = text.substr(slash + 1);
    const bool written_as_v6 = address_text.find(':') != absl::string_view::npos;
    const int written_bits = written_as_v6 ? 128 : 32;
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
        !absl::SimpleAtoi(digits, &prefix) || prefix > written_bits) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", text, "\": the prefix length must be 0..", written_bits));
    }
    // ::ffff:10.0.0.0/104 is 10.0.0.0/8: addresses are compared in their IPv4 form.
    if (written_as_v6 && network->is_v4()) {
      if (prefix < 96) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", text, "\": an IPv4-mapped range needs a prefix length of 96..128"));
      }
      prefix -= 96;
    }
  }
  if (network->HasHostBitsAfter(prefix)) {
    // Ambiguous: "10.1.2.3/8" may mean the host or the network; make the writer say which.
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\": has host bits set after the prefix length"));
  }
  return IpRange(*network, prefix);
}

bool IpRange::Contains(const IpAddress& address) const {
  return network_.SharesPrefix(address, prefix_);
}

std::string IpRange::ToString() const { return absl::StrCat(network_.ToString(), "/", prefix_); }

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(absl::string_view ranges) {
  TrustedProxies proxies;
  for (absl::string_view entry : absl::StrSplit(ranges, ',', absl::SkipWhitespace())) {
    auto range = IpRange::Parse(absl::StripAsciiWhitespace(entry));
    if (!range.ok()) return range.status();
    proxies.ranges_.push_back(*range);
  }
  return proxies;
}

bool TrustedProxies::Trusts(const IpAddress& address) const {
  for (const IpRange& range : ranges_) {
    if (range.Contains(address)) return true;
  }
  return false;
}

bool TrustedProxies::Trusts(absl::string_view address) const {
  const auto parsed = IpAddress::Parse(address);
  return parsed && Trusts(*parsed);
}

std::string TrustedProxies::ClientAddress(absl::string_view peer,
                                          absl::string_view forwarded_for) const {
  if (!Trusts(peer) || forwarded_for.empty()) return std::string(peer);
  // Each trusted proxy appended the address it received from: walking from the right, the first
  // address no trusted proxy has is where the request entered our side.
  const std::vector<absl::string_view> entries = absl::StrSplit(forwarded_for, ',');
  std::optional<IpAddress> left_most;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const auto address = IpAddress::Parse(absl::StripAsciiWhitespace(*it));
    if (!address) continue;  // "unknown", ports, garbage: no address to go by
    if (!Trusts(*address)) return address->ToString();
    left_most = address;
  }
  return left_most ? left_most->ToString() : std::string(peer);
}

}  // namespace tousu::gateway
