#include "common/db/pool.h"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/db/errors.h"
#include "common/log/log.h"

namespace tousu::db {
namespace {

sql::Driver* Driver() {
  // get_mysql_driver_instance is not safe to call concurrently the first time.
  static std::once_flag once;
  static sql::Driver* driver = nullptr;
  std::call_once(once, [] { driver = sql::mysql::get_mysql_driver_instance(); });
  return driver;
}

int Seconds(absl::Duration d) {
  return static_cast<int>(std::max<int64_t>(1, absl::ToInt64Seconds(d)));
}

}  // namespace

absl::StatusOr<DbOptions> DbOptions::FromConfig(const config::Config& cfg) {
  DbOptions o;
  o.host = cfg.GetOr("DB_HOST", o.host);
  auto port = cfg.IntOr("DB_PORT", o.port);
  if (!port.ok()) return port.status();
  o.port = static_cast<int>(*port);
  auto user = cfg.Require("DB_USER");
  if (!user.ok()) return user.status();
  o.user = *user;
  o.password = cfg.GetOr("DB_PASSWORD", "");
  auto name = cfg.Require("DB_NAME");
  if (!name.ok()) return name.status();
  o.database = *name;
  auto size = cfg.IntOr("DB_POOL_SIZE", o.pool_size);
  if (!size.ok()) return size.status();
  if (*size < 1 || *size > 256) {
    return absl::InvalidArgumentError(cfg.VariableName("DB_POOL_SIZE") + " must be 1..256");
  }
  o.pool_size = static_cast<int>(*size);
  auto ct = cfg.DurationOr("DB_CONNECT_TIMEOUT", o.connect_timeout);
  if (!ct.ok()) return ct.status();
  o.connect_timeout = *ct;
  auto rt = cfg.DurationOr("DB_READ_TIMEOUT", o.read_timeout);
  if (!rt.ok()) return rt.status();
  o.read_timeout = *rt;
  auto at = cfg.DurationOr("DB_ACQUIRE_TIMEOUT", o.acquire_timeout);
  if (!at.ok()) return at.status();
  o.acquire_timeout = *at;
  return o;
}

sql::PreparedStatement& Connection::Prepare(absl::string_view sql_text) {
  std::string key(sql_text);
  auto it = statements_.find(key);
  if (it == statements_.end()) {
    std::unique_ptr<sql::PreparedStatement> ps(conn_->prepareStatement(key));
    it = statements_.emplace(std::move(key), std::move(ps)).first;
  } else {
    it->second->clearParameters();
  }
  return *it->second;
}

PooledConnection::~PooledConnection() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_));
}

ConnectionPool::ConnectionPool(DbOptions options) : options_(std::move(options)) { Driver(); }

ConnectionPool::~ConnectionPool() {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<Connection>> ConnectionPool::Open() {
  sql::ConnectOptionsMap props;
  props["hostName"] = sql::SQLString(absl::StrCat("tcp://", options_.host, ":", options_.port));
  props["userName"] = sql::SQLString(options_.user);
  props["password"] = sql::SQLString(options_.password);
  props["schema"] = sql::SQLString(options_.database);
  props["OPT_CONNECT_TIMEOUT"] = Seconds(options_.connect_timeout);
  props["OPT_READ_TIMEOUT"] = Seconds(options_.read_timeout);
  props["OPT_WRITE_TIMEOUT"] = Seconds(options_.read_timeout);
  props["OPT_RECONNECT"] = false;  // a silent reconnect would lose a transaction's state
  props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  props["characterSetResults"] = sql::SQLString("utf8mb4");
  try {
    std::unique_ptr<sql::Connection> raw(Driver()->connect(props));
    {
      std::unique_ptr<sql::Statement> st(raw->createStatement());
      st->execute(
          "SET SESSION time_zone = '+00:00', SESSION sql_mode = "
          "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
          "NO_ENGINE_SUBSTITUTION'");
    }
    raw->setAutoCommit(false);
    return std::make_unique<Connection>(std::move(raw));
  } catch (const sql::SQLException& e) {
    auto s = FromSqlException(e);
    if (s.code() == absl::StatusCode::kInternal) {
      // Authentication or unknown-database errors at connect time are configuration problems,
      // but to callers they mean the same thing: no database.
      return absl::UnavailableError("database unavailable");
    }
    return s;
  }
}

absl::StatusOr<PooledConnection> ConnectionPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  auto free = [&] { return !idle_.empty() || in_use_or_idle_ < options_.pool_size; };
  bool got_slot = free();
  if (!got_slot) {
    ++waiting_;
    got_slot = cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.acquire_timeout), free);
    --waiting_;
  }
  if (!got_slot) {
    ++acquire_timeouts_;
    return absl::ResourceExhaustedError("all database connections are busy");
  }
  ++acquired_;
  while (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    // A connection idle for a while may have been closed by the server (restart, wait_timeout):
    // check it here rather than fail the caller's first statement. Busy connections skip this.
    if (std::chrono::steady_clock::now() - conn->idle_since < std::chrono::seconds(1)) {
      return PooledConnection(this, std::move(conn));
    }
    lock.unlock();
    bool alive = false;
    try {
      alive = conn->raw().isValid();
    } catch (const sql::SQLException&) {
      alive = false;
    }
    lock.lock();
    if (alive) return PooledConnection(this, std::move(conn));
    --in_use_or_idle_;  // dropped; open a fresh one below or reuse another idle one
    conn.reset();
  }
  if (in_use_or_idle_ >= options_.pool_size) {
    // Only reachable if dropping stale connections raced with other acquirers.
    return absl::ResourceExhaustedError("all database connections are busy");
  }
  ++in_use_or_idle_;
  lock.unlock();
  auto opened = Open();
  if (!opened.ok()) {
    lock.lock();
    --in_use_or_idle_;
    cv_.notify_one();
    return opened.status();
  }
  return PooledConnection(this, std::move(*opened));
}

PoolStats ConnectionPool::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return PoolStats{.size = options_.pool_size,
                   .open = in_use_or_idle_,
                   .idle = static_cast<int>(idle_.size()),
                   .waiting = waiting_,
                   .acquired = acquired_,
                   .acquire_timeouts = acquire_timeouts_};
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->broken) {
    --in_use_or_idle_;
  } else {
    conn->idle_since = std::chrono::steady_clock::now();
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

absl::Status ConnectionPool::Ping() {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  try {
    std::unique_ptr<sql::ResultSet> rs((*conn)->Prepare("SELECT 1").executeQuery());
    (*conn)->raw().rollback();
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    conn->MarkBroken();
    return FromSqlException(e);
  }
}

}  // namespace tousu::db
