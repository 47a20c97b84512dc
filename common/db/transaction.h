#pragma once
// RAII transactions. Repository code runs inside RunInTransaction and may use Connector/C++
// directly (its exceptions are mapped through db/errors.h in one place):
//
//   absl::Status s = db::RunInTransaction(pool, [&](db::Transaction& tx) -> absl::Status {
//     auto& insert = tx.Prepare("INSERT INTO notes (id, body) VALUES (?, ?)");
//     insert.setString(1, id);
//     insert.setString(2, body);
//     insert.executeUpdate();
//     return absl::OkStatus();
//   });
//
// A transaction that is not committed is rolled back when it goes out of scope.

#include <cppconn/prepared_statement.h>

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/db/pool.h"

namespace tousu::db {

class Transaction {
 public:
  explicit Transaction(PooledConnection conn) : conn_(std::move(conn)) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // A prepared statement cached on this connection, parameters cleared.
  sql::PreparedStatement& Prepare(absl::string_view sql) { return conn_->Prepare(sql); }
  sql::Connection& raw() { return conn_->raw(); }
  // Called after a successful commit, in order (e.g. to wake the outbox relay).
  void OnCommit(std::function<void()> fn) { on_commit_.push_back(std::move(fn)); }
  // Throws sql::SQLException like any statement.
  void Commit();
  void Rollback();
  void MarkBroken() { conn_.MarkBroken(); }

 private:
  PooledConnection conn_;
  bool finished_ = false;
  std::vector<std::function<void()>> on_commit_;
};

struct TxOptions {
  // Deadlocks and lock-wait timeouts re-run the whole function up to this many times in all,
  // then the caller gets ABORTED.
  int max_attempts = 3;
  // READ COMMITTED avoids gap locks for workers that scan queues (the outbox relay, timers).
  bool read_committed = false;
};

// Runs `fn` in a new transaction and commits if it returns OK; rolls back otherwise. Connector
// exceptions become statuses through the one error table; a lost connection is dropped from the
// pool so the next call reconnects.
absl::Status RunInTransaction(ConnectionPool& pool,
                              const std::function<absl::Status(Transaction&)>& fn,
                              const TxOptions& options = {});

}  // namespace tousu::db
