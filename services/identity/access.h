#pragma once
// Who may call each RPC of the identity service: anyone. Customers signing in have no token yet,
// and refreshing or signing out proves itself with the refresh token.

#include "common/auth/access.h"

namespace tousu::identity {

auth::AccessTable IdentityAccessTable();

}  // namespace tousu::identity
