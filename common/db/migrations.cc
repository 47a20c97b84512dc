#include "common/db/migrations.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <map>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/db/errors.h"
#include "common/db/pool.h"
#include "common/log/log.h"

namespace tousu::db {

absl::StatusOr<int> MigrationVersion(absl::string_view file_name) {
  const size_t underscore = file_name.find('_');
  int version = 0;
  if (underscore == absl::string_view::npos || underscore == 0 ||
      !absl::SimpleAtoi(file_name.substr(0, underscore), &version) || version <= 0 ||
      !absl::EndsWith(file_name, ".sql")) {
    return absl::InvalidArgumentError(
        absl::StrCat("migration file name must be NNNN_<what>.sql: ", file_name));
  }
  return version;
}

std::vector<std::string> SplitStatements(absl::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(trimmed, ";")) {
      std::string stmt(absl::StripAsciiWhitespace(current));
      stmt.pop_back();  // the ';'
      if (!absl::StripAsciiWhitespace(stmt).empty()) out.push_back(std::move(stmt));
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    out.emplace_back(absl::StripAsciiWhitespace(current));
  }
  return out;
}

std::string Checksum(absl::string_view sql) {
  // FNV-1a 64: stable across builds and platforms (absl::Hash is seeded per process).
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : sql) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return absl::StrFormat("%016x", h);
}

namespace {

void Exec(sql::Connection& conn, const std::string& text) {
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  st->execute(text);
}

absl::Status ApplyLocked(sql::Connection& conn, absl::string_view track,
                         const std::vector<MigrationFile>& files, MigrationResult& result) {
  Exec(conn,
       "CREATE TABLE IF NOT EXISTS schema_migrations ("
       " track VARCHAR(64) NOT NULL, version INT NOT NULL, name VARCHAR(255) NOT NULL,"
       " checksum CHAR(16) NOT NULL, applied_at DATETIME(6) NOT NULL,"
       " PRIMARY KEY (track, version)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
  conn.commit();

  std::map<int, std::pair<std::string, std::string>> applied;  // version -> (name, checksum)
  {
    std::unique_ptr<sql::PreparedStatement> q(conn.prepareStatement(
        "SELECT version, name, checksum FROM schema_migrations WHERE track = ?"));
    q->setString(1, std::string(track));
    std::unique_ptr<sql::ResultSet> rs(q->executeQuery());
    while (rs->next()) {
      applied[rs->getInt(1)] = {rs->getString(2), rs->getString(3)};
    }
    conn.commit();
  }

  std::map<int, const MigrationFile*> ordered;
  for (const auto& f : files) {
    auto version = MigrationVersion(f.name);
    if (!version.ok()) return version.status();
    if (!ordered.emplace(*version, &f).second) {
      return absl::InvalidArgumentError(absl::StrCat("two migrations share version ", *version));
    }
  }

  for (const auto& [version, file] : ordered) {
    const std::string sum = Checksum(file->sql);
    auto it = applied.find(version);
    if (it != applied.end()) {
      if (it->second.second != sum) {
        return absl::FailedPreconditionError(
            absl::StrCat("migration ", track, "/", file->name, " was edited after it was applied"));
      }
      continue;
    }
    for (const auto& stmt : SplitStatements(file->sql)) Exec(conn, stmt);
    std::unique_ptr<sql::PreparedStatement> rec(conn.prepareStatement(
        "INSERT INTO schema_migrations (track, version, name, checksum, applied_at)"
        " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))"));
    rec->setString(1, std::string(track));
    rec->setInt(2, version);
    rec->setString(3, file->name);
    rec->setString(4, sum);
    rec->executeUpdate();
    conn.commit();
    result.applied.push_back(file->name);
    log::Info("migration applied", {{"track", std::string(track)}, {"file", file->name}});
  }
  for (const auto& [version, name_sum] : applied) {
    if (!ordered.contains(version)) {
      log::Warn("database has a migration this binary does not know",
                {{"track", std::string(track)}, {"file", name_sum.first}});
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<MigrationResult> ApplyMigrations(ConnectionPool& pool, absl::string_view track,
                                                const std::vector<MigrationFile>& files,
                                                absl::Duration lock_timeout) {
  auto conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  sql::Connection& raw = (*conn)->raw();
  MigrationResult result;
  try {
    const std::string lock_name = absl::StrCat("tousu_migrate_", track);
    // The lock is per database: GET_LOCK names are server-wide, so qualify with the schema.
    std::unique_ptr<sql::PreparedStatement> get(
        raw.prepareStatement("SELECT GET_LOCK(CONCAT(DATABASE(), '.', ?), ?)"));
    get->setString(1, lock_name);
    get->setInt(2, static_cast<int>(absl::ToInt64Seconds(lock_timeout)));
    std::unique_ptr<sql::ResultSet> rs(get->executeQuery());
    if (!rs->next() || rs->isNull(1) || rs->getInt(1) != 1) {
      return absl::DeadlineExceededError("timed out waiting for the migration lock");
    }
    absl::Status s = ApplyLocked(raw, track, files, result);
    std::unique_ptr<sql::PreparedStatement> release(
        raw.prepareStatement("SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.', ?))"));
    release->setString(1, lock_name);
    std::unique_ptr<sql::ResultSet> released(release->executeQuery());
    raw.commit();
    if (!s.ok()) return s;
    return result;
  } catch (const sql::SQLException& e) {
    conn->MarkBroken();  // also drops the named lock with the session
    return FromSqlException(e);
  }
}

}  // namespace tousu::db
