#include "services/notification/service_support.h"

#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/auth/caller.h"
#include "common/log/mask.h"
#include "common/time/proto_time.h"
#include "services/notification/domain/notice_kinds.h"

namespace tousu::notification {

// 11 digits starting with 1 when `phone` is a mainland mobile in any accepted spelling ("+86
// 138-0013-8000"); empty otherwise (a landline receives no SMS).
std::string MobileDigits(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (absl::ascii_isdigit(c)) digits.push_back(c);
  }
  if (digits.size() == 13 && digits.starts_with("86")) digits.erase(0, 2);
  if (digits.size() != 11 || digits[0] != '1') return "";
  return digits;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  std::string out;
  for (unsigned char c : md) absl::StrAppendFormat(&out, "%02x", c);
  return out;
}

std::string MaskedAddress(const DeliveryRow& d) {
  if (d.channel == kSms) return log::MaskPhone(d.address);
  if (d.channel == kEmail) return log::MaskEmail(d.address);
  if (d.channel == kWebhook) return d.address;
  return absl::StrCat("app:", d.number);
}

nv1::Channel ChannelEnum(const std::string& channel) {
  if (channel == kSms) return nv1::CHANNEL_SMS;
  if (channel == kEmail) return nv1::CHANNEL_EMAIL;
  if (channel == kInApp) return nv1::CHANNEL_IN_APP;
  if (channel == kWebhook) return nv1::CHANNEL_WEBHOOK;
  return nv1::CHANNEL_UNSPECIFIED;
}

nv1::DeliveryState StateEnum(const std::string& state) {
  if (state == kPending) return nv1::DELIVERY_STATE_PENDING;
  if (state == kSent) return nv1::DELIVERY_STATE_SENT;
  if (state == kDelivered) return nv1::DELIVERY_STATE_DELIVERED;
  if (state == kDead) return nv1::DELIVERY_STATE_DEAD;
  if (state == kSuppressed) return nv1::DELIVERY_STATE_SUPPRESSED;
  return nv1::DELIVERY_STATE_UNSPECIFIED;
}

void ToProto(const DeliveryRow& d, nv1::Delivery* out) {
  out->set_id(absl::StrCat(d.id));
  out->set_number(d.number);
  out->set_kind(d.kind);
  out->set_channel(ChannelEnum(d.channel));
  out->set_state(StateEnum(d.state));
  out->set_masked_address(MaskedAddress(d));
  out->set_attempts(d.attempts);
  out->set_last_error(d.last_error);
  time::ToProto(d.created_at, out->mutable_created_at());
  if (d.state == kPending) time::ToProto(d.next_attempt_at, out->mutable_next_attempt_at());
  if (d.state == kSuppressed) out->set_suppressed_reason(d.suppressed_reason);
}

CustomerKeys CallerKeys() {
  const auth::Caller& caller = auth::CurrentCaller();
  CustomerKeys keys{caller.subject, ""};
  if (!caller.verified_phone.empty())
    keys.phone_key = Sha256Hex(MobileDigits(caller.verified_phone));
  return keys;
}

}  // namespace tousu::notification
