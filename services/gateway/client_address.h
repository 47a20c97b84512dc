#pragma once
// Which address a request came from. Behind the ingress controller every TCP peer is the
// controller's pod, so per-address limits would lump all clients together; the controller names
// the real client in X-Forwarded-For. That header is the client's to write, though, so it counts
// only when the TCP peer is one of the proxies the gateway trusts (TRUSTED_PROXIES), and then only
// the part the trusted proxies appended.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tousu::gateway {

// An IPv4 or IPv6 address. An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is its IPv4 address,
// as the HTTP listener reports such peers.
class IpAddress {
 public:
  // A bare address: "192.0.2.1", "2001:db8::1" (no port, brackets or zone); nullopt otherwise.
  static std::optional<IpAddress> Parse(absl::string_view text);

  bool is_v4() const { return is_v4_; }
  int bits() const { return is_v4_ ? 32 : 128; }
  // The canonical text ("2001:db8::1" however it was written): one bucket per address.
  std::string ToString() const;
  // The first `prefix_length` bits of the two are equal (both of one family).
  bool SharesPrefix(const IpAddress& other, int prefix_length) const;
  bool HasHostBitsAfter(int prefix_length) const;

 private:
  bool is_v4_ = true;
  std::array<uint8_t, 16> bytes_{};  // IPv4 in the first 4
};

// An address range: "10.0.0.0/8", "fd00::/8"; a bare address is that one host.
class IpRange {
 public:
  // Refuses malformed text, a prefix length out of range and host bits set ("10.1.0.0/8").
  static absl::StatusOr<IpRange> Parse(absl::string_view text);
  bool Contains(const IpAddress& address) const;
  std::string ToString() const;

 private:
  IpRange(IpAddress network, int prefix_length) : network_(network), prefix_(prefix_length) {}
  IpAddress network_;
  int prefix_ = 0;
};

class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts none
  // A comma-separated list of ranges (empty: none). The error names the bad entry.
  static absl::StatusOr<TrustedProxies> Parse(absl::string_view ranges);

  bool empty() const { return ranges_.empty(); }
  const std::vector<IpRange>& ranges() const { return ranges_; }
  bool Trusts(absl::string_view address) const;

  // The client's address: the TCP peer unless it is trusted; then the right-most address of
  // X-Forwarded-For (all its fields, joined with commas) that is not trusted, skipping malformed
  // entries; the left-most address when every one is trusted; the peer when none is usable.
  std::string ClientAddress(absl::string_view peer, absl::string_view forwarded_for) const;

 private:
  bool Trusts(const IpAddress& address) const;
  std::vector<IpRange> ranges_;
};

}  // namespace tousu::gateway
