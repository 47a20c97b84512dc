#include "tools/tousuctl/render_notification.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {
namespace {

namespace nv1 = complaints::notification::v1;

// The server's limit when none is given (ListDeliveriesRequest.limit 0) and the most it allows.
constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 500;

std::string DeliveryTable(const google::protobuf::RepeatedPtrField<nv1::Delivery>& deliveries) {
  Table t({"ID", "NUMBER", "TEMPLATE", "CHANNEL", "STATE", "ADDRESS", "ATTEMPTS", "LAST ERROR",
           "CREATED (BEIJING)", "NEXT ATTEMPT"});
  t.AlignRight(0).AlignRight(6).MaxWidth(7, 40);
  for (const nv1::Delivery& d : deliveries) {
    // A suppressed delivery never had an error: say why it was held back instead.
    const std::string why = d.suppressed_reason().empty()
                                ? d.last_error()
                                : absl::StrCat("not sent: ", d.suppressed_reason());
    t.AddRow({d.id(), d.number(), d.kind(), EnumName(d.channel()), EnumName(d.state()),
              d.masked_address(), absl::StrCat(d.attempts()), why,
              FormatBeijing(d.created_at(), d.has_created_at()),
              FormatBeijing(d.next_attempt_at(), d.has_next_attempt_at())});
  }
  return t.Render();
}

}  // namespace

std::string RenderDeliveries(const nv1::ListDeliveriesResponse& response, nv1::DeliveryState state,
                             int limit) {
  if (response.deliveries().empty()) return absl::StrCat("No ", EnumName(state), " deliveries.\n");
  std::string out = DeliveryTable(response.deliveries());
  const int asked = limit == 0 ? kDefaultLimit : limit;
  if (response.deliveries_size() >= asked) {
    absl::StrAppend(&out, "\nThe oldest ", asked, " shown",
                    asked < kMaxLimit ? absl::StrCat("; --limit ", kMaxLimit, " shows more") : "",
                    ".\n");
  }
  return out;
}

std::string RenderRetriedDelivery(const nv1::RetryDeliveryResponse& response) {
  const nv1::Delivery& d = response.delivery();
  google::protobuf::RepeatedPtrField<nv1::Delivery> one;
  *one.Add() = d;
  return absl::StrCat("Delivery ", d.id(), " is back in line, its attempts reset.\n\n",
                      DeliveryTable(one));
}

}  // namespace tousu::ctl
