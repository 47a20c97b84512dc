#pragma once
// The staff chat webhook (shaped like a WeCom group robot): one JSON POST per message,
// {"msgtype":"text","text":{"content":"..."}}, answered {"errcode":0,"errmsg":"ok"}.

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "services/notification/channels/channel.h"

namespace tousu::notification {

struct WebhookConfig {
  absl::Duration timeout = absl::Seconds(5);
};

class WebhookSender final : public ChannelSender {
 public:
  explicit WebhookSender(WebhookConfig config = {});

  // POSTs message.text to message.address, an http(s) URL. The URL holds the robot's key, so it
  // never appears in a result or a log line.
  SendResult Send(const OutgoingMessage& message) override;

 private:
  const WebhookConfig config_;
};

// The request body for `text`.
std::string WebhookBody(std::string_view text);

// What an answer means (latency left zero): 2xx with errcode 0 accepted; 5xx, 408 and 429 retry
// later ("http 502"); a non-zero errcode ("errcode 93000"), another status ("http 404") or a 2xx
// that is not the robot's answer ("unparsable answer") permanent.
SendResult ClassifyWebhookAnswer(long http_status, std::string_view body);

}  // namespace tousu::notification
