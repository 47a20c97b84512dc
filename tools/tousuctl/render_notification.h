#pragma once
// Terminal tables of the notification service's deliveries (tousuctl deliveries list|retry).

#include <string>

#include "complaints/notification/v1/notification.pb.h"

namespace tousu::ctl {

// The deliveries in `state`, oldest first. `limit` is how many were asked for: a full answer says
// how to see more.
std::string RenderDeliveries(const complaints::notification::v1::ListDeliveriesResponse& response,
                             complaints::notification::v1::DeliveryState state, int limit);

// A delivery put back in line by RetryDelivery.
std::string RenderRetriedDelivery(
    const complaints::notification::v1::RetryDeliveryResponse& response);

}  // namespace tousu::ctl
