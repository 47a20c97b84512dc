// Notification deliveries (notification service): deliveries list, deliveries retry.

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "complaints/notification/v1/notification.grpc.pb.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_notification.h"
#include "tools/tousuctl/service_call.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

namespace nv1 = complaints::notification::v1;
using NotificationStub = nv1::NotificationService::Stub;

constexpr char kGroup[] = "Notification deliveries (notification service)";

// RetryDelivery is left out: a repeat after it took effect would fail, as the delivery is no
// longer dead.
Api<nv1::NotificationService> NotificationApi(const Call& c) {
  return {c.options.notification, {"ListDeliveries"}};
}

int RunDeliveriesList(Call& c) {
  nv1::ListDeliveriesRequest request;
  auto state = ParseEnumAs<nv1::DeliveryState>(c.args.GetOr("state", ""), "--state");
  if (!state.ok()) return UsageError(c, state.status());
  request.set_state(*state);
  auto limit = c.args.Int("limit", 1, 500);
  if (!limit.ok()) return UsageError(c, limit.status());
  if (limit->has_value()) request.set_limit(**limit);
  return CallAndPrint(c, NotificationApi(c), &NotificationStub::ListDeliveries, request,
                      [&](const nv1::ListDeliveriesResponse& response) {
                        return RenderDeliveries(response, request.state(), request.limit());
                      });
}

int RunDeliveriesRetry(Call& c) {
  nv1::RetryDeliveryRequest request;
  request.set_id(std::string(absl::StripAsciiWhitespace(c.args.GetOr("id", ""))));
  return CallAndPrint(c, NotificationApi(c), &NotificationStub::RetryDelivery, request,
                      RenderRetriedDelivery,
                      CheckBeforeRepeating("tousuctl deliveries list --state pending"));
}

}  // namespace

std::vector<Verb> NotificationVerbs() {
  return {
      {.name = "deliveries list",
       .group = kGroup,
       .summary = "deliveries in one state (e.g. the dead letters), oldest first",
       .description =
           "Lists the deliveries (SMS, email, in-app notices, staff chat alerts) in one state,\n"
           "oldest first: the complaint, the template, the channel, the address (masked), the\n"
           "attempts made, the last error, when it was created and, while pending, when it is\n"
           "next tried. A dead delivery was given up (a permanent refusal, or its last attempt\n"
           "failed): 'tousuctl deliveries retry' puts it back in line. For managers and the\n"
           "service token.",
       .flags = {{.name = "state",
                  .value_name = "STATE",
                  .help = OneOf(EnumNames<nv1::DeliveryState>()),
                  .required = true},
                 {.name = "limit",
                  .value_name = "N",
                  .help = "at most N deliveries, 1..500 (default 100)"}},
       .examples = {"tousuctl deliveries list --state dead",
                    "tousuctl deliveries list --state pending --limit 500 --json"},
       .run = RunDeliveriesList},
      {.name = "deliveries retry",
       .group = kGroup,
       .summary = "put a dead-lettered delivery back in line",
       .description =
           "Puts one dead delivery back in line, pending, with its attempts reset and under the\n"
           "same delivery id, and prints it. Only a dead delivery can be retried. For managers\n"
           "and the service token.",
       .flags = {{.name = "id",
                  .value_name = "ID",
                  .help = "the delivery's id, as 'deliveries list' shows it",
                  .required = true}},
       .examples = {"tousuctl deliveries retry --id 42"},
       .run = RunDeliveriesRetry},
  };
}

}  // namespace tousu::ctl
