#pragma once
// One interface for every way a notification leaves the service: the SMS provider, email and the
// staff chat webhook. The notification service decides what to send and when to retry; a sender
// only hands one message over and says how that went.

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace tousu::notification {

struct OutgoingMessage {
  // Our idempotency key: the SMS OutId, the Message-ID's local part. Letters, digits, '-', '_'
  // and '.' only (it goes into a header and a form field verbatim).
  std::string delivery_id;
  std::string address;         // phone (11 digits) / email address / webhook URL
  std::string recipient_name;  // email display name, may be empty
  std::string subject;         // email only
  std::string text;            // the rendered text (email body, webhook content, SMS text for logs)
  std::string provider_template;                                     // SMS only: TemplateCode
  std::vector<std::pair<std::string, std::string>> template_params;  // SMS only: TemplateParam
  std::string unsubscribe_url;  // email: List-Unsubscribe target, may be empty
};

struct SendResult {
  enum class Outcome { kAccepted, kRetryLater, kPermanentFailure };
  Outcome outcome = Outcome::kRetryLater;
  std::string provider_id;  // SMS BizId, email Message-ID (without <>), empty for webhook
  // Short reason without personal data, e.g. "http 500", "isv.MOBILE_NUMBER_ILLEGAL".
  std::string error;
  absl::Duration latency;  // time spent talking to the provider
};

class ChannelSender {  // thread-safe; Send blocks at most the configured timeout
 public:
  virtual ~ChannelSender() = default;
  virtual SendResult Send(const OutgoingMessage& message) = 0;
};

enum class ReceiptState { kWaiting, kDelivered, kFailed };

// "accepted", "retry_later", "permanent_failure": for logs and metric labels.
inline const char* OutcomeName(SendResult::Outcome outcome) {
  switch (outcome) {
    case SendResult::Outcome::kAccepted:
      return "accepted";
    case SendResult::Outcome::kRetryLater:
      return "retry_later";
    case SendResult::Outcome::kPermanentFailure:
      return "permanent_failure";
  }
  return "unknown";
}

}  // namespace tousu::notification
