#pragma once
// The SMS provider (shaped like Alibaba Cloud Dysmsapi 2017-05-25: RPC style, signature v1):
// SendSms to hand a message over, QuerySendDetails to read its delivery receipt. The pure pieces
// (encoding, signing, building the requests, reading the answers) are exposed for unit tests.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notification/channels/channel.h"

namespace tousu::notification {

struct SmsProviderConfig {
  std::string endpoint;  // e.g. "https://dysmsapi.aliyuncs.com/"
  std::string access_key_id;
  std::string access_key_secret;
  std::string sign_name;  // the registered sender signature, e.g. "某某地产"
  std::string region_id = "cn-hangzhou";
  absl::Duration timeout = absl::Seconds(5);
};

using SmsParams = std::vector<std::pair<std::string, std::string>>;

class SmsProvider final : public ChannelSender {
 public:
  explicit SmsProvider(SmsProviderConfig config);

  // SendSms to message.address (11 digits) with message.provider_template and
  // message.template_params; message.delivery_id is the OutId, so a repeat after a lost answer
  // is not sent twice. kAccepted carries the BizId as provider_id.
  SendResult Send(const OutgoingMessage& message) override;

  // The receipt of the send `biz_id` to `phone`, made at `sent_at`. kWaiting too while the
  // provider does not list the send yet. UNAVAILABLE when asking again later may help (timeout,
  // 5xx, throttling); INVALID_ARGUMENT for a malformed phone or empty id; INTERNAL when the
  // provider refused the query or its answer is unreadable.
  absl::StatusOr<ReceiptState> QueryReceipt(const std::string& phone, const std::string& biz_id,
                                            absl::Time sent_at);

 private:
  const SmsProviderConfig config_;
};

// RFC 3986 percent-encoding of the UTF-8 bytes: A-Z a-z 0-9 - _ . ~ kept, every other byte %XX
// with upper-case hex (space is %20, '*' is %2A).
std::string PercentEncode(std::string_view s);

// The Signature value for `params` (any order; a "Signature" entry is ignored): base64 of
// HMAC-SHA1 under secret + "&" of "POST&%2F&" + PercentEncode(canonical query).
std::string SignRequest(const SmsParams& params, std::string_view secret);

// `params` sorted by name, percent-encoded, with the Signature appended: the form body.
std::string SignedFormBody(SmsParams params, std::string_view secret);

// The TemplateParam JSON object: {"name":"value",...} in the given order, strings escaped.
std::string TemplateParamJson(const SmsParams& template_params);

// The unsigned parameters of SendSms and QuerySendDetails at `now` with `nonce`.
SmsParams SendSmsParams(const SmsProviderConfig& config, const OutgoingMessage& message,
                        absl::Time now, std::string_view nonce);
SmsParams QuerySendDetailsParams(const SmsProviderConfig& config, std::string_view phone,
                                 std::string_view biz_id, absl::Time sent_at, absl::Time now,
                                 std::string_view nonce);

// SendDate of QuerySendDetails: the day `sent_at` fell on in Beijing, yyyyMMdd.
std::string SmsSendDate(absl::Time sent_at);

// What a SendSms answer means (latency is left zero): 200 with Code OK and a BizId accepted;
// 5xx, 408, 429, isv.BUSINESS_LIMIT_CONTROL and the provider's own isp.* errors retry later;
// any other refusal is permanent. The error is the provider's Code, or "http <status>".
SendResult ClassifySmsAnswer(long http_status, std::string_view body);

// The receipt in a QuerySendDetails answer, for `phone`; errors as QueryReceipt's.
absl::StatusOr<ReceiptState> ParseReceiptAnswer(long http_status, std::string_view body,
                                                std::string_view phone);

// Whether `phone` is a mainland mobile number as the provider takes it: 11 digits starting 1.
bool IsMobileNumber(std::string_view phone);

}  // namespace tousu::notification
