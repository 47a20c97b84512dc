#pragma once
// The SMS provider (shaped like Alibaba Cloud Dysmsapi 2017-05-25: RPC style, signature v1):
// SendSms to hand a message over, QuerySendDetails to read its delivery receipt and to find out
// whether a message whose answer was lost was accepted. The pure pieces (encoding, signing,
// building the requests, reading the answers) are exposed for unit tests.

#include <cstdint>
#include <functional>
#include <optional>
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
  // message.template_params, message.delivery_id as the OutId. kAccepted carries the BizId as
  // provider_id. The provider does not deduplicate by OutId: every call that reaches it may send
  // a message, so a send whose outcome is unknown is looked up with FindSent before it is repeated.
  SendResult Send(const OutgoingMessage& message) override;

  // The receipt of the send `biz_id` to `phone`, made at `sent_at`. kWaiting too while the
  // provider does not list the send yet. UNAVAILABLE when asking again later may help (timeout,
  // 5xx, throttling); INVALID_ARGUMENT for a malformed phone or empty id; INTERNAL when the
  // provider refused the query or its answer is unreadable.
  absl::StatusOr<ReceiptState> QueryReceipt(const std::string& phone, const std::string& biz_id,
                                            absl::Time sent_at);

  // Whether the provider accepted a message with OutId `out_id` to `phone` that was sent around
  // `around` (see FindOutIdInPages for the days and pages looked through). The value is the BizId
  // of the message when the provider's record names one and an empty string when it does not
  // (Alibaba's SmsSendDetailDTO carries the OutId but no BizId); nullopt when there is no such
  // message. Errors as QueryReceipt's; INVALID_ARGUMENT too for an empty out_id.
  absl::StatusOr<std::optional<std::string>> FindSent(const std::string& phone,
                                                      const std::string& out_id, absl::Time around);

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

// QuerySendDetails without a BizId: page `page` (from 1) of every message to `phone` on
// `send_date` (yyyyMMdd), kSentLookupPageSize to a page.
SmsParams ListSendDetailsParams(const SmsProviderConfig& config, std::string_view phone,
                                std::string_view send_date, int page, absl::Time now,
                                std::string_view nonce);

// SendDate of QuerySendDetails: the day `sent_at` fell on in Beijing, yyyyMMdd.
std::string SmsSendDate(absl::Time sent_at);

// The largest page the provider hands out, and how many pages of one day FindSent reads at most.
inline constexpr int kSentLookupPageSize = 50;
inline constexpr int kSentLookupMaxPages = 20;

// The SendDates a message sent around `around` may be listed under: the Beijing day of `around`,
// then the day before when `around` is less than 10 minutes after Beijing midnight (a message
// handed over just before midnight).
std::vector<std::string> SentLookupDates(absl::Time around);

// One page of a QuerySendDetails listing, read for the message with OutId `out_id`.
struct SentDetailsPage {
  // The match's BizId, empty when its record names none; nullopt: not on this page.
  std::optional<std::string> biz_id;
  int64_t total_count = -1;  // TotalCount: messages on the day in all; -1 when not given
  int listed = 0;            // records on this page
};

// A listing page's answer; errors as ParseReceiptAnswer's.
absl::StatusOr<SentDetailsPage> ParseSentDetailsPage(long http_status, std::string_view body,
                                                     std::string_view out_id);

// The BizId of the record with OutId `out_id` in a QuerySendDetails answer: empty when the record
// names none (the provider's records do not), nullopt when no record has that OutId. Errors as
// ParseReceiptAnswer's.
absl::StatusOr<std::optional<std::string>> FindOutIdInAnswer(long http_status,
                                                             std::string_view body,
                                                             std::string_view out_id);

// One listing page's HTTP answer (status, body) for a SendDate and page number; an error when no
// answer arrived.
using SendDetailsFetch = std::function<absl::StatusOr<std::pair<long, std::string>>(
    const std::string& send_date, int page)>;

// FindSent's search over `fetch`: each of SentLookupDates(around), page 1, 2, ... until the
// day's TotalCount is read or a page comes back short, at most kSentLookupMaxPages pages a day;
// the first record with OutId `out_id` ends it. A day with more messages than that, or one whose
// pages list fewer than its TotalCount, cannot rule the message out: INTERNAL and UNAVAILABLE.
absl::StatusOr<std::optional<std::string>> FindOutIdInPages(absl::Time around,
                                                            std::string_view out_id,
                                                            const SendDetailsFetch& fetch);

// What a SendSms answer means (latency is left zero): 200 with Code OK and a BizId accepted;
// 5xx, 408, 429, isv.BUSINESS_LIMIT_CONTROL and the provider's own isp.* errors retry later, and
// so does a 2xx that cannot be read (it may have been accepted: giving up would be wrong, and
// the caller must not assume it was not sent); any other refusal is permanent. The error is the
// provider's Code, or "http <status>".
SendResult ClassifySmsAnswer(long http_status, std::string_view body);

// The receipt in a QuerySendDetails answer, for `phone`; errors as QueryReceipt's.
absl::StatusOr<ReceiptState> ParseReceiptAnswer(long http_status, std::string_view body,
                                                std::string_view phone);

// Whether `phone` is a mainland mobile number as the provider takes it: 11 digits starting 1.
bool IsMobileNumber(std::string_view phone);

}  // namespace tousu::notification
