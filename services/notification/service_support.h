#pragma once
// Small pieces the notification service's files share: phone keys, masking, proto mapping.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "complaints/notification/v1/notification.pb.h"
#include "services/notification/repository/notification_repository.h"

namespace tousu::notification {

namespace nv1 = complaints::notification::v1;

inline constexpr int kPlanBatch = 50;
// Small: a pass sends one message after another, and the whole batch must finish well inside the
// lease (SEND_LEASE) or another pass could claim its last messages again.
inline constexpr int kSendBatch = 5;
// Batches one sender pass may send before it yields to the next pass.
inline constexpr int kSendRoundsPerPass = 20;
// The address a staff webhook delivery carries: the URL itself is a secret kept in settings.
inline constexpr char kStaffWebhookAddress[] = "staff-webhook";

// 11 digits starting with 1 when `phone` is a mainland mobile in any accepted spelling ("+86
// 138-0013-8000"); empty otherwise (a landline receives no SMS).
std::string MobileDigits(std::string_view phone);
// Lower-case hex SHA-256: the key of a customer's phone in notices and preferences.
std::string Sha256Hex(std::string_view bytes);
// The address as operations may see it ("139****0001", "c***@example.com").
std::string MaskedAddress(const DeliveryRow& d);
nv1::Channel ChannelEnum(const std::string& channel);
nv1::DeliveryState StateEnum(const std::string& state);
void ToProto(const DeliveryRow& d, nv1::Delivery* out);

// The customer behind the current customer token: their account id and their phone's key.
struct CustomerKeys {
  std::string customer_id, phone_key;
};
CustomerKeys CallerKeys();

}  // namespace tousu::notification
