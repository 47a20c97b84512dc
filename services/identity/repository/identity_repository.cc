#include "services/identity/repository/identity_repository.h"

#include <cppconn/resultset.h>

#include <memory>

#include "common/db/sql_time.h"
#include "common/db/sql_values.h"

namespace tousu::identity {

using db::FromSqlDateTime;
using db::ToSqlDateTime;

int CountSend(db::Transaction& tx, const std::string& scope, const std::string& subject,
              const Window& window) {
  auto& up = tx.Prepare(
      "INSERT INTO send_counters (scope, subject, window_start, window_end, sends) "
      "VALUES (?, ?, ?, ?, 1) ON DUPLICATE KEY UPDATE sends = sends + 1");
  up.setString(1, scope);
  up.setString(2, subject);
  up.setDateTime(3, ToSqlDateTime(window.start));
  up.setDateTime(4, ToSqlDateTime(window.end));
  up.executeUpdate();
  auto& read = tx.Prepare(
      "SELECT sends FROM send_counters WHERE scope = ? AND subject = ? AND window_start = ?");
  read.setString(1, scope);
  read.setString(2, subject);
  read.setDateTime(3, ToSqlDateTime(window.start));
  std::unique_ptr<sql::ResultSet> rs(read.executeQuery());
  return rs->next() ? rs->getInt(1) : 1;
}

std::optional<CodeRecord> LoadCode(db::Transaction& tx, const std::string& phone) {
  auto& ps = tx.Prepare(
      "SELECT code_hash, sent_at, expires_at, attempts, used_at FROM sign_in_codes "
      "WHERE phone = ? FOR UPDATE");
  ps.setString(1, phone);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  if (!rs->next()) return std::nullopt;
  CodeRecord code;
  code.code_hash = rs->getString(1);
  code.sent_at = FromSqlDateTime(rs->getString(2));
  code.expires_at = FromSqlDateTime(rs->getString(3));
  code.attempts = rs->getInt(4);
  code.used_at = db::OptionalTime(*rs, 5);
  return code;
}

void SaveNewCode(db::Transaction& tx, const std::string& phone, const CodeRecord& code) {
  auto& ps = tx.Prepare(
      "INSERT INTO sign_in_codes (phone, code_hash, sent_at, expires_at, attempts, used_at) "
      "VALUES (?, ?, ?, ?, 0, NULL) ON DUPLICATE KEY UPDATE code_hash = VALUES(code_hash), "
      "sent_at = VALUES(sent_at), expires_at = VALUES(expires_at), attempts = 0, used_at = NULL");
  ps.setString(1, phone);
  ps.setString(2, code.code_hash);
  ps.setDateTime(3, ToSqlDateTime(code.sent_at));
  ps.setDateTime(4, ToSqlDateTime(code.expires_at));
  ps.executeUpdate();
}

void SaveCodeTry(db::Transaction& tx, const std::string& phone, const CodeRecord& code) {
  auto& ps = tx.Prepare(
      "UPDATE sign_in_codes SET attempts = ?, used_at = ? WHERE phone = ? AND code_hash = ?");
  ps.setInt(1, code.attempts);
  db::SetOptionalTime(ps, 2, code.used_at);
  ps.setString(3, phone);
  ps.setString(4, code.code_hash);
  ps.executeUpdate();
}

void DeleteCode(db::Transaction& tx, const std::string& phone, const std::string& code_hash) {
  auto& ps = tx.Prepare("DELETE FROM sign_in_codes WHERE phone = ? AND code_hash = ?");
  ps.setString(1, phone);
  ps.setString(2, code_hash);
  ps.executeUpdate();
}

std::optional<std::string> FindAccountId(db::Transaction& tx, const std::string& phone) {
  auto& ps = tx.Prepare("SELECT id FROM accounts WHERE phone = ?");
  ps.setString(1, phone);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  if (!rs->next()) return std::nullopt;
  return rs->getString(1);
}

void InsertAccount(db::Transaction& tx, const std::string& id, const std::string& phone,
                   absl::Time now) {
  auto& ps = tx.Prepare(
      "INSERT INTO accounts (id, phone, created_at, last_sign_in_at) VALUES (?, ?, ?, ?)");
  ps.setString(1, id);
  ps.setString(2, phone);
  ps.setDateTime(3, ToSqlDateTime(now));
  ps.setDateTime(4, ToSqlDateTime(now));
  ps.executeUpdate();
}

void NoteSignIn(db::Transaction& tx, const std::string& id, absl::Time now) {
  auto& ps = tx.Prepare("UPDATE accounts SET last_sign_in_at = ? WHERE id = ?");
  ps.setDateTime(1, ToSqlDateTime(now));
  ps.setString(2, id);
  ps.executeUpdate();
}

std::optional<RefreshRecord> LoadRefreshToken(db::Transaction& tx, const std::string& token_hash) {
  auto& ps = tx.Prepare(
      "SELECT t.family_id, t.account_id, a.phone, t.issued_at, t.expires_at, t.rotated_at, "
      "t.revoked_at FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id "
      "WHERE t.token_hash = ? FOR UPDATE");
  ps.setString(1, token_hash);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  if (!rs->next()) return std::nullopt;
  RefreshRecord t;
  t.family_id = rs->getString(1);
  t.account_id = rs->getString(2);
  t.phone = rs->getString(3);
  t.issued_at = FromSqlDateTime(rs->getString(4));
  t.expires_at = FromSqlDateTime(rs->getString(5));
  t.rotated_at = db::OptionalTime(*rs, 6);
  t.revoked_at = db::OptionalTime(*rs, 7);
  return t;
}

void InsertRefreshToken(db::Transaction& tx, const std::string& token_hash,
                        const RefreshRecord& token) {
  auto& ps = tx.Prepare(
      "INSERT INTO refresh_tokens (token_hash, family_id, account_id, issued_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?)");
  ps.setString(1, token_hash);
  ps.setString(2, token.family_id);
  ps.setString(3, token.account_id);
  ps.setDateTime(4, ToSqlDateTime(token.issued_at));
  ps.setDateTime(5, ToSqlDateTime(token.expires_at));
  ps.executeUpdate();
}

void MarkRotated(db::Transaction& tx, const std::string& token_hash, absl::Time now) {
  auto& ps = tx.Prepare("UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ?");
  ps.setDateTime(1, ToSqlDateTime(now));
  ps.setString(2, token_hash);
  ps.executeUpdate();
}

int RevokeFamily(db::Transaction& tx, const std::string& family_id, absl::Time now) {
  auto& ps = tx.Prepare(
      "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL");
  ps.setDateTime(1, ToSqlDateTime(now));
  ps.setString(2, family_id);
  return ps.executeUpdate();
}

int DeleteCodesSentBefore(db::Transaction& tx, absl::Time cutoff, int limit) {
  auto& ps = tx.Prepare("DELETE FROM sign_in_codes WHERE sent_at < ? LIMIT ?");
  ps.setDateTime(1, ToSqlDateTime(cutoff));
  ps.setInt(2, limit);
  return ps.executeUpdate();
}

int DeleteCountersEndedBefore(db::Transaction& tx, absl::Time cutoff, int limit) {
  auto& ps = tx.Prepare("DELETE FROM send_counters WHERE window_end < ? LIMIT ?");
  ps.setDateTime(1, ToSqlDateTime(cutoff));
  ps.setInt(2, limit);
  return ps.executeUpdate();
}

int DeleteRefreshTokensExpiredBefore(db::Transaction& tx, absl::Time cutoff, int limit) {
  auto& ps = tx.Prepare("DELETE FROM refresh_tokens WHERE expires_at < ? LIMIT ?");
  ps.setDateTime(1, ToSqlDateTime(cutoff));
  ps.setInt(2, limit);
  return ps.executeUpdate();
}

}  // namespace tousu::identity
