#include "services/notification/channels/sms_provider.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/log/mask.h"
#include "common/time/beijing_zone.h"
#include "services/notification/channels/curl_transport.h"

namespace tousu::notification {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr char kApiVersion[] = "2017-05-25";
constexpr char kFormContentType[] = "application/x-www-form-urlencoded; charset=UTF-8";
// A message handed over this long before Beijing midnight is listed under the day before.
constexpr absl::Duration kPreviousDayWindow = absl::Minutes(10);

std::string Timestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// A fresh SignatureNonce: the provider refuses a nonce it has seen, so it must never repeat.
std::optional<std::string> NewNonce() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return std::nullopt;
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

// The parameters to sign, Signature left out, sorted by name in byte order.
std::vector<const std::pair<std::string, std::string>*> SortedForSigning(const SmsParams& params) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  for (const auto& p : params) {
    if (p.first != "Signature") sorted.push_back(&p);
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return *a < *b; });
  return sorted;
}

std::string CanonicalQuery(const std::vector<const std::pair<std::string, std::string>*>& sorted) {
  std::string out;
  for (const auto* p : sorted) {
    if (!out.empty()) out.push_back('&');
    absl::StrAppend(&out, PercentEncode(p->first), "=", PercentEncode(p->second));
  }
  return out;
}

std::string SignCanonical(std::string_view canonical, std::string_view secret) {
  const std::string to_sign =
      absl::StrCat("POST&", PercentEncode("/"), "&", PercentEncode(canonical));
  const std::string key = std::string(secret) + "&";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac, &length);
  return absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(mac), length));
}

// The provider's answer, read leniently: answers are flat JSON objects.
struct ProviderAnswer {
  bool parsed = false;
  Struct json;
  std::string code;  // Code, reduced to the characters codes use
};

// The provider's texts end up in our logs and database: only what a code is made of, capped.
std::string SafeToken(std::string_view text, size_t max_length) {
  std::string out;
  for (const char c : text) {
    if (out.size() == max_length) break;
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
        c == '^') {
      out.push_back(c);
    }
  }
  return out;
}

std::string StringField(const Struct& s, const std::string& name) {
  const auto it = s.fields().find(name);
  if (it == s.fields().end() || it->second.kind_case() != Value::kStringValue) return "";
  return it->second.string_value();
}

ProviderAnswer ReadAnswer(std::string_view body) {
  ProviderAnswer answer;
  answer.parsed = google::protobuf::util::JsonStringToMessage(std::string(body), &answer.json).ok();
  if (answer.parsed) answer.code = SafeToken(StringField(answer.json, "Code"), 64);
  return answer;
}

bool RetryableStatus(long status) { return status >= 500 || status == 408 || status == 429; }

// Flow control and the provider's own faults (isp.*) pass: the message was refused, so trying
// again later sends it once.
bool RetryableCode(std::string_view code) {
  return code == "isv.BUSINESS_LIMIT_CONTROL" || code.starts_with("isp.") ||
         code.starts_with("Throttling") || code == "ServiceUnavailable";
}

SendResult Outcome(SendResult::Outcome outcome, std::string error) {
  SendResult result;
  result.outcome = outcome;
  result.error = std::move(error);
  return result;
}

std::optional<int> SendStatus(const Struct& detail) {
  const auto it = detail.fields().find("SendStatus");
  if (it == detail.fields().end()) return std::nullopt;
  if (it->second.kind_case() == Value::kNumberValue) {
    return static_cast<int>(it->second.number_value());
  }
  int status = 0;
  if (it->second.kind_case() == Value::kStringValue &&
      absl::SimpleAtoi(it->second.string_value(), &status)) {
    return status;
  }
  return std::nullopt;
}

// SmsSendDetailDTOs.SmsSendDetailDTO, as the provider nests it (or a bare list).
const google::protobuf::ListValue* ReceiptList(const Struct& answer) {
  const auto it = answer.fields().find("SmsSendDetailDTOs");
  if (it == answer.fields().end()) return nullptr;
  if (it->second.kind_case() == Value::kListValue) return &it->second.list_value();
  if (it->second.kind_case() != Value::kStructValue) return nullptr;
  const auto& inner = it->second.struct_value().fields();
  const auto list = inner.find("SmsSendDetailDTO");
  if (list == inner.end() || list->second.kind_case() != Value::kListValue) return nullptr;
  return &list->second.list_value();
}

// A QuerySendDetails answer with Code OK; otherwise UNAVAILABLE when asking again may help and
// INTERNAL when not.
absl::StatusOr<ProviderAnswer> ReadQueryAnswer(long http_status, std::string_view body) {
  if (RetryableStatus(http_status)) {
    return absl::UnavailableError(absl::StrCat("sms provider: http ", http_status));
  }
  ProviderAnswer answer = ReadAnswer(body);
  const bool ok_status = http_status >= 200 && http_status < 300;
  if (answer.code == "OK" && ok_status) return answer;
  const std::string reason = !answer.code.empty()          ? answer.code
                             : ok_status && !answer.parsed ? "unparsable answer"
                                                           : absl::StrCat("http ", http_status);
  if (RetryableCode(answer.code)) {
    return absl::UnavailableError(absl::StrCat("sms provider: ", reason));
  }
  return absl::InternalError(absl::StrCat("sms provider: ", reason));
}

// Asking the provider for a message is a POST like any other: a lost answer is worth asking again.
absl::StatusOr<std::pair<long, std::string>> PostQuery(const SmsProviderConfig& config,
                                                       const SmsParams& params) {
  const HttpAnswer answer =
      HttpPost(config.endpoint, kFormContentType, SignedFormBody(params, config.access_key_secret),
               config.timeout);
  if (!answer.answered) {
    const std::string reason = absl::StrCat("sms provider: ", answer.transport_error);
    return answer.transport_retryable ? absl::UnavailableError(reason)
                                      : absl::InternalError(reason);
  }
  return std::make_pair(answer.status, answer.body);
}

}  // namespace

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string SignRequest(const SmsParams& params, std::string_view secret) {
  return SignCanonical(CanonicalQuery(SortedForSigning(params)), secret);
}

std::string SignedFormBody(SmsParams params, std::string_view secret) {
  const std::string canonical = CanonicalQuery(SortedForSigning(params));
  return absl::StrCat(canonical, "&Signature=", PercentEncode(SignCanonical(canonical, secret)));
}

std::string TemplateParamJson(const SmsParams& template_params) {
  std::string out = "{";
  for (const auto& [name, value] : template_params) {
    if (out.size() > 1) out.push_back(',');
    absl::StrAppend(&out, "\"", log::JsonEscape(name), "\":\"", log::JsonEscape(value), "\"");
  }
  out.push_back('}');
  return out;
}

SmsParams SendSmsParams(const SmsProviderConfig& config, const OutgoingMessage& message,
                        absl::Time now, std::string_view nonce) {
  return {{"AccessKeyId", config.access_key_id},
          {"Action", "SendSms"},
          {"Format", "JSON"},
          {"OutId", message.delivery_id},
          {"PhoneNumbers", message.address},
          {"RegionId", config.region_id},
          {"SignName", config.sign_name},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", std::string(nonce)},
          {"SignatureVersion", "1.0"},
          {"TemplateCode", message.provider_template},
          {"TemplateParam", TemplateParamJson(message.template_params)},
          {"Timestamp", Timestamp(now)},
          {"Version", kApiVersion}};
}

SmsParams QuerySendDetailsParams(const SmsProviderConfig& config, std::string_view phone,
                                 std::string_view biz_id, absl::Time sent_at, absl::Time now,
                                 std::string_view nonce) {
  return {{"AccessKeyId", config.access_key_id},
          {"Action", "QuerySendDetails"},
          {"BizId", std::string(biz_id)},
          {"CurrentPage", "1"},
          {"Format", "JSON"},
          {"PageSize", "10"},
          {"PhoneNumber", std::string(phone)},
          {"RegionId", config.region_id},
          {"SendDate", SmsSendDate(sent_at)},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", std::string(nonce)},
          {"SignatureVersion", "1.0"},
          {"Timestamp", Timestamp(now)},
          {"Version", kApiVersion}};
}

SmsParams ListSendDetailsParams(const SmsProviderConfig& config, std::string_view phone,
                                std::string_view send_date, int page, absl::Time now,
                                std::string_view nonce) {
  return {{"AccessKeyId", config.access_key_id},
          {"Action", "QuerySendDetails"},
          {"CurrentPage", absl::StrCat(page)},
          {"Format", "JSON"},
          {"PageSize", absl::StrCat(kSentLookupPageSize)},
          {"PhoneNumber", std::string(phone)},
          {"RegionId", config.region_id},
          {"SendDate", std::string(send_date)},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", std::string(nonce)},
          {"SignatureVersion", "1.0"},
          {"Timestamp", Timestamp(now)},
          {"Version", kApiVersion}};
}

std::string SmsSendDate(absl::Time sent_at) {
  return absl::FormatTime("%Y%m%d", sent_at, time::BeijingZone());
}

std::vector<std::string> SentLookupDates(absl::Time around) {
  std::vector<std::string> dates = {SmsSendDate(around)};
  const std::string ten_minutes_before = SmsSendDate(around - kPreviousDayWindow);
  if (ten_minutes_before != dates.front()) dates.push_back(ten_minutes_before);
  return dates;
}

SendResult ClassifySmsAnswer(long http_status, std::string_view body) {
  using O = SendResult::Outcome;
  if (RetryableStatus(http_status))
    return Outcome(O::kRetryLater, absl::StrCat("http ", http_status));
  const ProviderAnswer answer = ReadAnswer(body);
  if (http_status < 200 || http_status >= 300) {
    if (RetryableCode(answer.code)) return Outcome(O::kRetryLater, answer.code);
    return Outcome(O::kPermanentFailure,
                   answer.code.empty() ? absl::StrCat("http ", http_status) : answer.code);
  }
  // A 2xx we cannot read may still have been accepted: giving up would be wrong; whether it
  // was is for FindSent to tell before the message goes out again.
  if (!answer.parsed || answer.code.empty()) return Outcome(O::kRetryLater, "unparsable answer");
  if (answer.code == "OK") {
    const std::string biz_id = SafeToken(StringField(answer.json, "BizId"), 128);
    if (biz_id.empty()) return Outcome(O::kRetryLater, "answer without BizId");
    SendResult result = Outcome(O::kAccepted, "");
    result.provider_id = biz_id;
    return result;
  }
  if (RetryableCode(answer.code)) return Outcome(O::kRetryLater, answer.code);
  return Outcome(O::kPermanentFailure, answer.code);
}

absl::StatusOr<ReceiptState> ParseReceiptAnswer(long http_status, std::string_view body,
                                                std::string_view phone) {
  absl::StatusOr<ProviderAnswer> answer = ReadQueryAnswer(http_status, body);
  if (!answer.ok()) return answer.status();
  const google::protobuf::ListValue* details = ReceiptList(answer->json);
  if (details == nullptr) return ReceiptState::kWaiting;  // not listed yet
  for (const Value& entry : details->values()) {
    if (entry.kind_case() != Value::kStructValue) continue;
    const Struct& detail = entry.struct_value();
    const std::string number = StringField(detail, "PhoneNum");
    if (!number.empty() && number != phone) continue;
    switch (SendStatus(detail).value_or(0)) {
      case 1:
        return ReceiptState::kWaiting;
      case 2:
        return ReceiptState::kFailed;
      case 3:
        return ReceiptState::kDelivered;
      default:
        return absl::InternalError("sms provider: unknown SendStatus");
    }
  }
  return ReceiptState::kWaiting;
}

absl::StatusOr<SentDetailsPage> ParseSentDetailsPage(long http_status, std::string_view body,
                                                     std::string_view out_id) {
  absl::StatusOr<ProviderAnswer> answer = ReadQueryAnswer(http_status, body);
  if (!answer.ok()) return answer.status();
  SentDetailsPage page;
  const auto total = answer->json.fields().find("TotalCount");
  if (total != answer->json.fields().end()) {
    int64_t n = -1;
    if (total->second.kind_case() == Value::kNumberValue) {
      n = static_cast<int64_t>(total->second.number_value());
    } else if (total->second.kind_case() != Value::kStringValue ||
               !absl::SimpleAtoi(total->second.string_value(), &n)) {
      n = -1;
    }
    page.total_count = n < 0 ? -1 : n;
  }
  const google::protobuf::ListValue* details = ReceiptList(answer->json);
  if (details == nullptr) return page;
  page.listed = details->values_size();
  for (const Value& entry : details->values()) {
    if (entry.kind_case() != Value::kStructValue) continue;
    const Struct& detail = entry.struct_value();
    if (out_id.empty() || StringField(detail, "OutId") != out_id) continue;
    page.biz_id = SafeToken(StringField(detail, "BizId"), 128);
    break;
  }
  return page;
}

absl::StatusOr<std::optional<std::string>> FindOutIdInAnswer(long http_status,
                                                             std::string_view body,
                                                             std::string_view out_id) {
  absl::StatusOr<SentDetailsPage> page = ParseSentDetailsPage(http_status, body, out_id);
  if (!page.ok()) return page.status();
  return page->biz_id;
}

absl::StatusOr<std::optional<std::string>> FindOutIdInPages(absl::Time around,
                                                            std::string_view out_id,
                                                            const SendDetailsFetch& fetch) {
  for (const std::string& date : SentLookupDates(around)) {
    int64_t read = 0;
    for (int page_number = 1;; ++page_number) {
      if (page_number > kSentLookupMaxPages) {
        return absl::InternalError(absl::StrCat("sms provider: more than ",
                                                kSentLookupMaxPages * kSentLookupPageSize,
                                                " messages to the phone on ", date));
      }
      absl::StatusOr<std::pair<long, std::string>> answer = fetch(date, page_number);
      if (!answer.ok()) return answer.status();
      absl::StatusOr<SentDetailsPage> page =
          ParseSentDetailsPage(answer->first, answer->second, out_id);
      if (!page.ok()) return page.status();
      if (page->biz_id.has_value()) return page->biz_id;
      read += page->listed;
      if (page->total_count < 0) {
        if (page->listed < kSentLookupPageSize) break;  // a short page is the last
        continue;
      }
      if (read >= page->total_count) break;
      // Fewer records than the provider counts: the missing ones may be the message.
      if (page->listed < kSentLookupPageSize) {
        return absl::UnavailableError(absl::StrCat("sms provider: listed ", read, " of ",
                                                   page->total_count, " messages on ", date));
      }
    }
  }
  return std::nullopt;
}

bool IsMobileNumber(std::string_view phone) {
  if (phone.size() != 11 || phone[0] != '1') return false;
  return std::all_of(phone.begin(), phone.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

SmsProvider::SmsProvider(SmsProviderConfig config) : config_(std::move(config)) {
  EnsureCurlInitialized();
}

SendResult SmsProvider::Send(const OutgoingMessage& message) {
  using O = SendResult::Outcome;
  SendResult result;
  std::optional<std::string> nonce;
  if (!IsMobileNumber(message.address)) {
    result = Outcome(O::kPermanentFailure, "invalid phone number");
  } else if (!IsValidDeliveryId(message.delivery_id)) {
    result = Outcome(O::kPermanentFailure, "invalid delivery id");
  } else if (message.provider_template.empty()) {
    result = Outcome(O::kPermanentFailure, "missing template");
  } else if (nonce = NewNonce(); !nonce.has_value()) {
    result = Outcome(O::kRetryLater, "random source failed");
  } else {
    const std::string body = SignedFormBody(SendSmsParams(config_, message, absl::Now(), *nonce),
                                            config_.access_key_secret);
    const HttpAnswer answer = HttpPost(config_.endpoint, kFormContentType, body, config_.timeout);
    if (answer.answered) {
      result = ClassifySmsAnswer(answer.status, answer.body);
    } else {
      result = Outcome(answer.transport_retryable ? O::kRetryLater : O::kPermanentFailure,
                       answer.transport_error);
    }
    result.latency = answer.latency;
  }
  log::Debug("sms handed to the provider",
             {{"delivery_id", message.delivery_id},
              {"phone", log::MaskPhone(message.address)},
              {"outcome", OutcomeName(result.outcome)},
              {"error", result.error},
              {"latency_ms", absl::ToDoubleMilliseconds(result.latency)}});
  return result;
}

absl::StatusOr<ReceiptState> SmsProvider::QueryReceipt(const std::string& phone,
                                                       const std::string& biz_id,
                                                       absl::Time sent_at) {
  if (!IsMobileNumber(phone)) return absl::InvalidArgumentError("phone: not a mobile number");
  if (biz_id.empty()) return absl::InvalidArgumentError("biz_id: empty");
  const std::optional<std::string> nonce = NewNonce();
  if (!nonce.has_value()) return absl::UnavailableError("random source failed");
  absl::StatusOr<std::pair<long, std::string>> answer = PostQuery(
      config_, QuerySendDetailsParams(config_, phone, biz_id, sent_at, absl::Now(), *nonce));
  if (!answer.ok()) return answer.status();
  return ParseReceiptAnswer(answer->first, answer->second, phone);
}

absl::StatusOr<std::optional<std::string>> SmsProvider::FindSent(const std::string& phone,
                                                                 const std::string& out_id,
                                                                 absl::Time around) {
  if (!IsMobileNumber(phone)) return absl::InvalidArgumentError("phone: not a mobile number");
  if (out_id.empty()) return absl::InvalidArgumentError("out_id: empty");
  int pages = 0;
  auto found = FindOutIdInPages(
      around, out_id,
      [&](const std::string& date, int page) -> absl::StatusOr<std::pair<long, std::string>> {
        ++pages;
        const std::optional<std::string> nonce = NewNonce();
        if (!nonce.has_value()) return absl::UnavailableError("random source failed");
        return PostQuery(config_,
                         ListSendDetailsParams(config_, phone, date, page, absl::Now(), *nonce));
      });
  log::Debug("sms looked up by OutId", {{"delivery_id", out_id},
                                        {"phone", log::MaskPhone(phone)},
                                        {"pages", pages},
                                        {"found", found.ok() && found->has_value()},
                                        {"error", found.ok() ? "" : found.status().ToString()}});
  return found;
}

}  // namespace tousu::notification
