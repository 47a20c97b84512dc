#include "common/db/transaction.h"

#include <cppconn/exception.h>
#include <cppconn/statement.h>

#include <memory>
#include <thread>

#include "common/db/errors.h"

namespace tousu::db {

Transaction::~Transaction() {
  if (!finished_) {
    try {
      conn_->raw().rollback();
    } catch (const sql::SQLException&) {
      conn_.MarkBroken();
    }
  }
}

void Transaction::Commit() {
  conn_->raw().commit();
  finished_ = true;
  for (auto& fn : on_commit_) fn();
}

void Transaction::Rollback() {
  finished_ = true;
  conn_->raw().rollback();
}

absl::Status RunInTransaction(ConnectionPool& pool,
                              const std::function<absl::Status(Transaction&)>& fn,
                              const TxOptions& options) {
  absl::Status last;
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    auto conn = pool.Acquire();
    if (!conn.ok()) return conn.status();
    Transaction tx(std::move(*conn));
    try {
      if (options.read_committed) {
        std::unique_ptr<sql::Statement> st(tx.raw().createStatement());
        st->execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
      }
      absl::Status s = fn(tx);
      if (!s.ok()) return s;  // ~Transaction rolls back
      tx.Commit();
      return absl::OkStatus();
    } catch (const sql::SQLException& e) {
      last = FromSqlException(e);
      if (IsConnectionError(e.getErrorCode()) || last.code() == absl::StatusCode::kUnavailable) {
        tx.MarkBroken();
        return last;
      }
      if (!IsRetryableConflict(e.getErrorCode())) return last;
      // A deadlock victim is rolled back by the server; back off briefly and run it again.
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
    }
  }
  return last;
}

}  // namespace tousu::db
