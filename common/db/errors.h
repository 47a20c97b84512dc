#pragma once
// The database half of the error table (CONVENTIONS.md 3): Connector/C++ exceptions to statuses.

#include <cppconn/exception.h>

#include "absl/status/status.h"

namespace tousu::db {

// duplicate key -> ALREADY_EXISTS; deadlock or lock wait timeout -> ABORTED (retryable);
// server gone, connection lost or refused -> UNAVAILABLE; anything else -> INTERNAL.
// Messages never include SQL text or server messages; the detail is logged here instead.
absl::Status FromSqlException(const sql::SQLException& e);

// True for errors after which the connection must not be reused.
bool IsConnectionError(int mysql_error_code);
// True for errors where running the whole transaction again may succeed.
bool IsRetryableConflict(int mysql_error_code);

}  // namespace tousu::db
