#include "services/notification/channels/email_sender.h"

#include <curl/curl.h>
#include <gmime/gmime.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/log/mask.h"
#include "services/notification/channels/curl_transport.h"

namespace tousu::notification {
namespace {

struct GObjectDeleter {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectDeleter>;

// Valid UTF-8 (invalid bytes become U+FFFD), since GMime would carry bad bytes into the message.
std::string ValidUtf8(std::string_view s) {
  gchar* valid = g_utf8_make_valid(s.data(), static_cast<gssize>(s.size()));
  std::string out(valid);
  g_free(valid);
  return out;
}

// A header value on one line: a CR or LF kept would let a subject add headers of its own.
std::string OneLine(std::string_view s) {
  std::string out = ValidUtf8(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

void AddMailbox(InternetAddressList* list, const std::string& name, const std::string& address) {
  const std::string display = OneLine(name);
  GObjectPtr<InternetAddress> mailbox(
      internet_address_mailbox_new(display.empty() ? nullptr : display.c_str(), address.c_str()));
  // Left to itself GMime may pick a legacy charset (GB2312) for a Chinese name.
  internet_address_set_charset(mailbox.get(), "utf-8");
  internet_address_list_add(list, mailbox.get());
}

// RFC 2046: a text body's canonical line break is CRLF, and base64 carries the body as it is.
std::string CrlfLineBreaks(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

GMimeTextPart* TextBody(std::string_view text) {
  const std::string utf8 = CrlfLineBreaks(ValidUtf8(text));
  GMimeTextPart* part = g_mime_text_part_new_with_subtype("plain");
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(utf8.data(), utf8.size()));
  GObjectPtr<GMimeDataWrapper> content(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(GMIME_PART(part), content.get());
  g_mime_text_part_set_charset(part, "utf-8");
  // Quoted-printable or base64 as the text needs: 7-bit clean passes every relay, 8BITMIME or not.
  g_mime_part_set_content_encoding(
      GMIME_PART(part),
      g_mime_part_get_best_content_encoding(GMIME_PART(part), GMIME_ENCODING_CONSTRAINT_7BIT));
  return part;
}

// A List-Unsubscribe target goes between <> verbatim: one http(s) or mailto URL, nothing that
// would end it or start a second one.
bool IsUnsubscribeTarget(std::string_view url) {
  const std::string lower = absl::AsciiStrToLower(std::string(url.substr(0, 8)));
  if (!absl::StartsWith(lower, "https://") && !absl::StartsWith(lower, "http://") &&
      !absl::StartsWith(lower, "mailto:")) {
    return false;
  }
  return std::none_of(url.begin(), url.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c <= 0x20 || c >= 0x7F || c == '<' || c == '>' || c == ',';
  });
}

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* pending = static_cast<std::string_view*>(user);
  const size_t n = std::min(size * count, pending->size());
  std::memcpy(buffer, pending->data(), n);
  pending->remove_prefix(n);
  return n;
}

SendResult Result(SendResult::Outcome outcome, std::string error) {
  SendResult result;
  result.outcome = outcome;
  result.error = std::move(error);
  return result;
}

// One SMTP transaction: MAIL FROM, RCPT TO `recipient`, DATA `mime`.
SendResult SmtpSend(const EmailConfig& config, const std::string& recipient,
                    const std::string& mime) {
  CurlEasy curl(curl_easy_init());
  CurlList recipients(curl_slist_append(nullptr, recipient.c_str()));
  if (curl == nullptr || recipients == nullptr) {
    return Result(SendResult::Outcome::kRetryLater, "curl init failed");
  }
  std::string_view pending = mime;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, config.smtp_url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: senders run on threads
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, CurlTimeoutMs(config.timeout));
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, config.from_address.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &pending);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
  if (!config.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config.password.c_str());
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  }
  const absl::Time start = absl::Now();
  const CURLcode code = curl_easy_perform(c);
  const absl::Duration latency = absl::Now() - start;
  long reply = 0;  // the last SMTP reply code
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  SendResult result = ClassifySmtpResult(code, reply);
  result.latency = latency;
  return result;
}

}  // namespace

void EnsureGMimeInitialized() {
  static const bool initialised = [] {
    g_mime_init();
    return true;
  }();
  (void)initialised;
}

std::string EmailMessageId(const EmailConfig& config, std::string_view delivery_id) {
  std::string_view domain = config.message_id_domain;
  if (domain.empty()) {
    const size_t at = config.from_address.rfind('@');
    domain = at == std::string::npos ? "localhost"
                                     : std::string_view(config.from_address).substr(at + 1);
  }
  return absl::StrCat("notification-", std::string(delivery_id), "@", std::string(domain));
}

std::string BuildMime(const EmailConfig& config, const OutgoingMessage& message, absl::Time now) {
  EnsureGMimeInitialized();
  GObjectPtr<GMimeMessage> mime(g_mime_message_new(TRUE));
  GMimeObject* object = GMIME_OBJECT(mime.get());
  AddMailbox(g_mime_message_get_from(mime.get()), config.from_name, config.from_address);
  AddMailbox(g_mime_message_get_addresses(mime.get(), GMIME_ADDRESS_TYPE_TO),
             message.recipient_name, message.address);
  g_mime_message_set_subject(mime.get(), OneLine(message.subject).c_str(), "utf-8");
  GDateTime* date = g_date_time_new_from_unix_utc(absl::ToUnixSeconds(now));
  g_mime_message_set_date(mime.get(), date);
  g_date_time_unref(date);
  g_mime_message_set_message_id(mime.get(), EmailMessageId(config, message.delivery_id).c_str());
  // RFC 3834: auto-responders must not answer, so no vacation reply loops back to us.
  g_mime_object_set_header(object, "Auto-Submitted", "auto-generated", nullptr);
  if (!message.unsubscribe_url.empty()) {
    g_mime_object_set_header(object, "List-Unsubscribe",
                             absl::StrCat("<", message.unsubscribe_url, ">").c_str(), nullptr);
  }
  GObjectPtr<GMimeTextPart> body(TextBody(message.text));
  g_mime_message_set_mime_part(mime.get(), GMIME_OBJECT(body.get()));

  GMimeFormatOptions* options = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);  // SMTP's CRLF
  char* raw = g_mime_object_to_string(object, options);
  g_mime_format_options_free(options);
  std::string out = raw == nullptr ? "" : raw;
  g_free(raw);
  return out;
}

SendResult ClassifySmtpResult(int curl_code, long smtp_reply) {
  using O = SendResult::Outcome;
  if (curl_code == CURLE_OK) return Result(O::kAccepted, "");
  if (smtp_reply >= 500 && smtp_reply < 600) {
    return Result(O::kPermanentFailure, absl::StrCat("smtp ", smtp_reply));
  }
  if (smtp_reply >= 400 && smtp_reply < 500) {
    return Result(O::kRetryLater, absl::StrCat("smtp ", smtp_reply));
  }
  return Result(CurlFailureRetryable(curl_code) ? O::kRetryLater : O::kPermanentFailure,
                CurlFailure(curl_code));
}

bool IsPlainEmailAddress(std::string_view address) {
  const size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size() || address.size() > 254 ||
      address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return std::all_of(address.begin(), address.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return absl::ascii_isalnum(c) || std::strchr("@.!#$%&'*+-/=?^_`{|}~", ch) != nullptr;
  });
}

EmailSender::EmailSender(EmailConfig config) : config_(std::move(config)) {
  EnsureCurlInitialized();
  EnsureGMimeInitialized();
}

SendResult EmailSender::Send(const OutgoingMessage& message) {
  using O = SendResult::Outcome;
  SendResult result;
  if (!IsPlainEmailAddress(message.address)) {
    result = Result(O::kPermanentFailure, "invalid address");
  } else if (!IsValidDeliveryId(message.delivery_id)) {
    result = Result(O::kPermanentFailure, "invalid delivery id");
  } else if (!message.unsubscribe_url.empty() && !IsUnsubscribeTarget(message.unsubscribe_url)) {
    result = Result(O::kPermanentFailure, "invalid unsubscribe url");
  } else if (!IsPlainEmailAddress(config_.from_address)) {
    result = Result(O::kPermanentFailure, "invalid from address");
  } else {
    result = SmtpSend(config_, message.address, BuildMime(config_, message, absl::Now()));
    if (result.outcome == O::kAccepted) {
      result.provider_id = EmailMessageId(config_, message.delivery_id);
    }
  }
  log::Debug("email handed to the SMTP server",
             {{"delivery_id", message.delivery_id},
              {"email", log::MaskEmail(message.address)},
              {"outcome", OutcomeName(result.outcome)},
              {"error", result.error},
              {"latency_ms", absl::ToDoubleMilliseconds(result.latency)}});
  return result;
}

}  // namespace tousu::notification
