#pragma once
// Who may call the notification service's RPCs.

#include "common/auth/access.h"

namespace tousu::notification {

auth::AccessTable NotificationAccessTable();

}  // namespace tousu::notification
