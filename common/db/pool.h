#pragma once
// A bounded pool of Connector/C++ connections that survives a database restart: a connection that
// fails with a connection error is dropped, and the next Acquire opens a fresh one.
//
// Connections are kept with autocommit off, utf8mb4 and time_zone '+00:00' (Tousu stores UTC), so
// every unit of work is a transaction that ends in Commit or Rollback (see transaction.h).

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tousu::config {
class Config;
}

namespace tousu::db {

struct DbOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(3);
  // Bounds a single statement's network wait, so a hung server cannot hold a thread forever.
  absl::Duration read_timeout = absl::Seconds(30);
  absl::Duration acquire_timeout = absl::Seconds(5);

  // DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME (required), DB_POOL_SIZE, DB_CONNECT_TIMEOUT,
  // DB_READ_TIMEOUT, DB_ACQUIRE_TIMEOUT.
  static absl::StatusOr<DbOptions> FromConfig(const config::Config& cfg);
};

// One physical connection plus its prepared-statement cache.
class Connection {
 public:
  explicit Connection(std::unique_ptr<sql::Connection> conn) : conn_(std::move(conn)) {}
  sql::Connection& raw() { return *conn_; }
  // Prepares once per connection and reuses it; parameters are cleared on each call.
  sql::PreparedStatement& Prepare(absl::string_view sql);
  bool broken = false;
  std::chrono::steady_clock::time_point idle_since;

 private:
  std::unique_ptr<sql::Connection> conn_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
};

class ConnectionPool;

// A connection on loan; returns itself to the pool (or discards itself if broken) when destroyed.
class PooledConnection {
 public:
  PooledConnection(ConnectionPool* pool, std::unique_ptr<Connection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&&) = default;
  PooledConnection& operator=(PooledConnection&&) = default;
  ~PooledConnection();
  Connection* operator->() { return conn_.get(); }
  Connection& operator*() { return *conn_; }
  void MarkBroken() { conn_->broken = true; }

 private:
  ConnectionPool* pool_;
  std::unique_ptr<Connection> conn_;
};

// What the pool is doing now, for the service's metrics.
struct PoolStats {
  int size = 0;  // the most connections it opens
  int open = 0;  // open (in use or idle) or being opened
  int idle = 0;
  int waiting = 0;               // callers waiting in Acquire for a connection
  int64_t acquired = 0;          // since start
  int64_t acquire_timeouts = 0;  // since start: every connection stayed busy
};

class ConnectionPool {
 public:
  explicit ConnectionPool(DbOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Waits up to options.acquire_timeout for a free slot. UNAVAILABLE if the database cannot be
  // reached, RESOURCE_EXHAUSTED if every connection stays busy.
  absl::StatusOr<PooledConnection> Acquire();
  // Round trip to the database ("SELECT 1"); used by health checks.
  absl::Status Ping();
  const DbOptions& options() const { return options_; }
  PoolStats Stats();
  int size() const { return options_.pool_size; }

 private:
  friend class PooledConnection;
  void Release(std::unique_ptr<Connection> conn);
  absl::StatusOr<std::unique_ptr<Connection>> Open();

  DbOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int in_use_or_idle_ = 0;  // slots taken (open connections plus those being opened)
  int waiting_ = 0;
  int64_t acquired_ = 0;
  int64_t acquire_timeouts_ = 0;
};

}  // namespace tousu::db
