#pragma once
// libcurl plumbing shared by the senders: one global initialisation per process, one easy handle
// per call (an easy handle must not be used by two threads at once), and transport failures as
// short reasons that never carry a URL, a host or an address.

#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"

struct curl_slist;

namespace tousu::notification {

// Owners of libcurl's handles (curl.h's CURL is void).
struct CurlEasyDeleter {
  void operator()(void* curl) const;
};
struct CurlListDeleter {
  void operator()(curl_slist* list) const;
};
using CurlEasy = std::unique_ptr<void, CurlEasyDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// curl_global_init, once per process. It is not thread-safe, so every sender's constructor calls
// this before any Send can run on another thread.
void EnsureCurlInitialized();

struct HttpAnswer {
  bool answered = false;  // false: no HTTP answer arrived (see transport_error)
  long status = 0;
  std::string body;  // at most kMaxAnswerBytes
  std::string transport_error;
  bool transport_retryable = false;
  absl::Duration latency;
};

inline constexpr size_t kMaxAnswerBytes = 64 * 1024;

// POSTs `body` to `url` (http or https only; redirects are not followed), giving up after
// `timeout` in all.
HttpAnswer HttpPost(const std::string& url, std::string_view content_type, std::string_view body,
                    absl::Duration timeout);

// A libcurl failure (a CURLcode) as a short reason: "timeout", "connect failed", "curl 6".
std::string CurlFailure(int curl_code);
// Whether trying again later may succeed: everything but a URL or protocol curl cannot use.
bool CurlFailureRetryable(int curl_code);

// CURLOPT_TIMEOUT_MS for `timeout`: at least 1, as libcurl reads 0 as no limit at all.
long CurlTimeoutMs(absl::Duration timeout);

// Whether `url` is an absolute http(s) URL without spaces or control characters.
bool IsHttpUrl(std::string_view url);

// Letters, digits, '-', '_' and '.', 1 to 128 characters: what OutgoingMessage::delivery_id allows.
bool IsValidDeliveryId(std::string_view id);

}  // namespace tousu::notification
