#include "common/db/errors.h"

#include <string>

#include "common/log/log.h"

namespace tousu::db {
namespace {
// MariaDB / MySQL client and server error numbers.
constexpr int kDupEntry = 1062;
constexpr int kDupEntryWithKeyName = 1586;
constexpr int kLockWaitTimeout = 1205;
constexpr int kDeadlock = 1213;
constexpr int kServerShutdown = 1053;
constexpr int kConnectionKilled = 1927;
constexpr int kQueryInterrupted = 1317;
constexpr int kClientIdleDisconnect = 4031;
constexpr int kCantConnectSocket = 2002;
constexpr int kCantConnectTcp = 2003;
constexpr int kServerGone = 2006;
constexpr int kServerLost = 2013;
constexpr int kServerLostExtended = 2055;
constexpr int kCommandsOutOfSync = 2014;
}  // namespace

bool IsConnectionError(int code) {
  switch (code) {
    case kServerShutdown:
    case kConnectionKilled:
    case kClientIdleDisconnect:
    case kCantConnectSocket:
    case kCantConnectTcp:
    case kServerGone:
    case kServerLost:
    case kServerLostExtended:
    case kCommandsOutOfSync:
      return true;
    default:
      // Connector/C++ reports some client-side failures with code 0 and SQLSTATE HY000/08xxx.
      return false;
  }
}

bool IsRetryableConflict(int code) { return code == kDeadlock || code == kLockWaitTimeout; }

absl::Status FromSqlException(const sql::SQLException& e) {
  const int code = e.getErrorCode();
  const std::string& state = e.getSQLState();
  if (code == kDupEntry || code == kDupEntryWithKeyName) {
    return absl::AlreadyExistsError("already exists");
  }
  if (IsRetryableConflict(code)) {
    return absl::AbortedError("conflicting update, please retry");
  }
  if (IsConnectionError(code) || state.rfind("08", 0) == 0) {
    log::Warn("database unavailable", {{"mysql_error", code}, {"sqlstate", state}});
    return absl::UnavailableError("database unavailable");
  }
  if (code == kQueryInterrupted) {
    return absl::DeadlineExceededError("query interrupted");
  }
  // Server messages can quote the values of a row (personal data), so only errors that come from
  // the program itself (bad SQL, unknown table or column) are logged with their text.
  const bool program_error = code == 1054 || code == 1064 || code == 1146 || code == 1049;
  log::Error("database error", {{"mysql_error", code},
                                {"sqlstate", state},
                                {"detail", program_error ? e.what() : "(withheld)"}});
  return absl::InternalError("database error");
}

}  // namespace tousu::db
