#include "services/notification/channels/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace tousu::notification {
namespace {

size_t AppendAnswer(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t n = size * count;
  // Past the cap the rest is read and dropped: aborting would turn a long answer into a
  // transport failure.
  if (out->size() < kMaxAnswerBytes) out->append(data, std::min(n, kMaxAnswerBytes - out->size()));
  return n;
}

}  // namespace

void CurlEasyDeleter::operator()(void* curl) const { curl_easy_cleanup(curl); }
void CurlListDeleter::operator()(curl_slist* list) const { curl_slist_free_all(list); }

void EnsureCurlInitialized() {
  // On failure curl_easy_init fails too, and every send reports "curl init failed".
  static const CURLcode initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)initialised;
}

HttpAnswer HttpPost(const std::string& url, std::string_view content_type, std::string_view body,
                    absl::Duration timeout) {
  EnsureCurlInitialized();
  HttpAnswer answer;
  CurlEasy curl(curl_easy_init());
  if (curl == nullptr) {
    answer.transport_error = "curl init failed";
    answer.transport_retryable = true;
    return answer;
  }
  CURL* c = curl.get();
  CurlList headers(
      curl_slist_append(nullptr, ("Content-Type: " + std::string(content_type)).c_str()));
  // Without this curl waits up to a second for "100 Continue" before sending a larger body.
  if (headers != nullptr) curl_slist_append(headers.get(), "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: senders run on threads
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, CurlTimeoutMs(timeout));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "tousu-notification");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendAnswer);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);

  const absl::Time start = absl::Now();
  const CURLcode code = curl_easy_perform(c);
  answer.latency = absl::Now() - start;
  if (code != CURLE_OK) {
    answer.body.clear();
    answer.transport_error = CurlFailure(code);
    answer.transport_retryable = CurlFailureRetryable(code);
    return answer;
  }
  answer.answered = true;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

std::string CurlFailure(int curl_code) {
  switch (curl_code) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_COULDNT_CONNECT:
      return "connect failed";
    case CURLE_COULDNT_RESOLVE_HOST:
      return "host not resolved";
    default:
      return absl::StrCat("curl ", curl_code);
  }
}

long CurlTimeoutMs(absl::Duration timeout) {
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(timeout)));
}

bool CurlFailureRetryable(int curl_code) {
  return curl_code != CURLE_URL_MALFORMAT && curl_code != CURLE_UNSUPPORTED_PROTOCOL;
}

bool IsHttpUrl(std::string_view url) {
  const std::string lower = absl::AsciiStrToLower(std::string(url.substr(0, 8)));
  if (!absl::StartsWith(lower, "http://") && !absl::StartsWith(lower, "https://")) return false;
  for (const char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

bool IsValidDeliveryId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace tousu::notification
