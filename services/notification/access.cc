#include "services/notification/access.h"

namespace tousu::notification {

using namespace auth::role;

auth::AccessTable NotificationAccessTable() {
  constexpr char kNotificationService[] = "complaints.notification.v1.NotificationService";
  auth::AccessTable t;
  t.Allow(kNotificationService, "ListMyNotices", {kCustomer});
  t.Allow(kNotificationService, "GetMyPreferences", {kCustomer});
  t.Allow(kNotificationService, "SetMyPreferences", {kCustomer});
  // The dead letters are operations' work: a manager's console or tousuctl with a service token.
  t.Allow(kNotificationService, "ListDeliveries", {kManager, kService});
  t.Allow(kNotificationService, "RetryDelivery", {kManager, kService});
  return t;
}

}  // namespace tousu::notification
