#pragma once
// The identity service's SQL (tables in migrations/0001_identity.sql). Every function runs inside
// the caller's transaction; "locks" means SELECT ... FOR UPDATE.

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "services/identity/domain/sign_in_rules.h"

namespace tousu::identity {

// Counts one send of `scope` ("phone", "address") for `subject` in `window` and returns the
// window's count, this send included. The counter row stays locked until the transaction ends,
// which serialises sends to one number (or from one address); a rollback uncounts the send.
int CountSend(db::Transaction& tx, const std::string& scope, const std::string& subject,
              const Window& window);

// The number's newest code, locked.
std::optional<CodeRecord> LoadCode(db::Transaction& tx, const std::string& phone);
// Stores a new code for the number, replacing any earlier one (attempts start again).
void SaveNewCode(db::Transaction& tx, const std::string& phone, const CodeRecord& code);
// Stores a try's effect: the attempts and used_at of the code `code.code_hash`.
void SaveCodeTry(db::Transaction& tx, const std::string& phone, const CodeRecord& code);
// Forgets the code `code_hash` of the number (when it could not be sent), unless replaced since.
void DeleteCode(db::Transaction& tx, const std::string& phone, const std::string& code_hash);

// The account of the number, or nullopt.
std::optional<std::string> FindAccountId(db::Transaction& tx, const std::string& phone);
void InsertAccount(db::Transaction& tx, const std::string& id, const std::string& phone,
                   absl::Time now);
void NoteSignIn(db::Transaction& tx, const std::string& id, absl::Time now);

// The refresh token with this hash and its account's number, locked.
std::optional<RefreshRecord> LoadRefreshToken(db::Transaction& tx, const std::string& token_hash);
void InsertRefreshToken(db::Transaction& tx, const std::string& token_hash,
                        const RefreshRecord& token);
void MarkRotated(db::Transaction& tx, const std::string& token_hash, absl::Time now);
// Revokes every token of the family not revoked yet; returns how many.
int RevokeFamily(db::Transaction& tx, const std::string& family_id, absl::Time now);

// Retention, in batches of at most `limit` rows; each returns the rows deleted.
int DeleteCodesSentBefore(db::Transaction& tx, absl::Time cutoff, int limit);
int DeleteCountersEndedBefore(db::Transaction& tx, absl::Time cutoff, int limit);
int DeleteRefreshTokensExpiredBefore(db::Transaction& tx, absl::Time cutoff, int limit);

}  // namespace tousu::identity
