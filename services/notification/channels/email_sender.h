#pragma once
// Email to customers: a MIME message built with GMime 3 (UTF-8 text/plain, RFC 2047 headers),
// handed to an SMTP server with libcurl.

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "services/notification/channels/channel.h"

namespace tousu::notification {

struct EmailConfig {
  std::string smtp_url;      // smtp://host:port, or smtps://host:port for TLS from the start
  std::string from_address;  // also the envelope sender
  std::string from_name;     // display name, may be empty
  // Right-hand side of our Message-IDs; empty: the domain of from_address.
  std::string message_id_domain;
  // SMTP AUTH when username is set. Then TLS is required too (STARTTLS on smtp://), so the
  // password never crosses the network in clear.
  std::string username;
  std::string password;  // may be empty
  absl::Duration timeout = absl::Seconds(10);
};

class EmailSender final : public ChannelSender {
 public:
  explicit EmailSender(EmailConfig config);

  // Sends to message.address, from config's address. kAccepted carries the Message-ID (without
  // <>) as provider_id. Refused connections, timeouts and 4xx replies retry later; 5xx replies
  // and invalid messages are permanent.
  SendResult Send(const OutgoingMessage& message) override;

 private:
  const EmailConfig config_;
};

// The message as sent (CRLF line ends, 7-bit clean): From and To with RFC 2047 display names,
// Subject, Date (`now`), Message-ID, Auto-Submitted: auto-generated, List-Unsubscribe when
// message.unsubscribe_url is set, and a UTF-8 text/plain body. Control characters in the
// subject and names become spaces, invalid UTF-8 becomes U+FFFD.
std::string BuildMime(const EmailConfig& config, const OutgoingMessage& message, absl::Time now);

// "notification-<delivery_id>@<domain>", the Message-ID without its angle brackets.
std::string EmailMessageId(const EmailConfig& config, std::string_view delivery_id);

// What a libcurl SMTP transfer's end means (latency left zero): CURLE_OK accepted; a last reply
// of 5xx permanent ("smtp 550"), of 4xx retry later ("smtp 451"); otherwise as the transport
// failure says ("connect failed", "timeout" retry later).
SendResult ClassifySmtpResult(int curl_code, long smtp_reply);

// A bare ASCII addr-spec (local@domain) without spaces, brackets or anything SMTP or a header
// could read as syntax.
bool IsPlainEmailAddress(std::string_view address);

// g_mime_init, once per process.
void EnsureGMimeInitialized();

}  // namespace tousu::notification
