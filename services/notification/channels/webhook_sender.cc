#include "services/notification/channels/webhook_sender.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "services/notification/channels/curl_transport.h"

namespace tousu::notification {
namespace {

SendResult Result(SendResult::Outcome outcome, std::string error) {
  SendResult result;
  result.outcome = outcome;
  result.error = std::move(error);
  return result;
}

}  // namespace

std::string WebhookBody(std::string_view text) {
  return absl::StrCat(R"({"msgtype":"text","text":{"content":")", log::JsonEscape(text), R"("}})");
}

SendResult ClassifyWebhookAnswer(long http_status, std::string_view body) {
  using O = SendResult::Outcome;
  if (http_status >= 500 || http_status == 408 || http_status == 429) {
    return Result(O::kRetryLater, absl::StrCat("http ", http_status));
  }
  if (http_status < 200 || http_status >= 300) {
    return Result(O::kPermanentFailure, absl::StrCat("http ", http_status));
  }
  google::protobuf::Struct answer;
  if (!google::protobuf::util::JsonStringToMessage(std::string(body), &answer).ok()) {
    // Whatever answered is not the robot (a wrong URL): sending again would not change that.
    return Result(O::kPermanentFailure, "unparsable answer");
  }
  const auto it = answer.fields().find("errcode");
  if (it == answer.fields().end() ||
      it->second.kind_case() != google::protobuf::Value::kNumberValue ||
      !(std::fabs(it->second.number_value()) < 1e15)) {  // also false for NaN
    return Result(O::kPermanentFailure, "unparsable answer");
  }
  const double errcode = it->second.number_value();
  if (errcode == 0) return Result(O::kAccepted, "");
  return Result(O::kPermanentFailure, absl::StrCat("errcode ", static_cast<int64_t>(errcode)));
}

WebhookSender::WebhookSender(WebhookConfig config) : config_(config) { EnsureCurlInitialized(); }

SendResult WebhookSender::Send(const OutgoingMessage& message) {
  using O = SendResult::Outcome;
  SendResult result;
  if (!IsHttpUrl(message.address)) {
    result = Result(O::kPermanentFailure, "invalid url");
  } else {
    const HttpAnswer answer = HttpPost(message.address, "application/json; charset=utf-8",
                                       WebhookBody(message.text), config_.timeout);
    if (answer.answered) {
      result = ClassifyWebhookAnswer(answer.status, answer.body);
    } else {
      result = Result(answer.transport_retryable ? O::kRetryLater : O::kPermanentFailure,
                      answer.transport_error);
    }
    result.latency = answer.latency;
  }
  log::Debug("webhook message posted",
             {{"delivery_id", message.delivery_id},
              {"outcome", OutcomeName(result.outcome)},
              {"error", result.error},
              {"latency_ms", absl::ToDoubleMilliseconds(result.latency)}});
  return result;
}

}  // namespace tousu::notification
