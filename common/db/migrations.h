#pragma once
// Each service migrates its own schema at start-up from numbered SQL files
// (migrations/NNNN_<what>.sql), compiled into the binary by tousu_embed_migrations. The runner
// takes a named lock (GET_LOCK) so that replicas starting together apply each file exactly once,
// and records every applied file with a checksum: an applied file that was edited afterwards stops
// start-up, because the databases already migrated would silently differ from new ones.
//
// Statements in a file end with ';' at the end of a line. MariaDB commits DDL implicitly, so
// write each statement to be safe to re-run (CREATE TABLE IF NOT EXISTS, ...).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tousu::db {

class ConnectionPool;

struct MigrationFile {
  std::string name;  // "0001_create_complaints.sql"
  std::string sql;
};

// The migrations every service carries for the shared mechanisms (outbox, inbox).
const std::vector<MigrationFile>& common_event_migrations();

struct MigrationResult {
  std::vector<std::string> applied;  // names applied by this call, in order
};

// Applies the files of `track` ("common", or the service's name) not yet recorded.
absl::StatusOr<MigrationResult> ApplyMigrations(ConnectionPool& pool, absl::string_view track,
                                                const std::vector<MigrationFile>& files,
                                                absl::Duration lock_timeout = absl::Seconds(60));

// Exposed for tests.
absl::StatusOr<int> MigrationVersion(absl::string_view file_name);
std::vector<std::string> SplitStatements(absl::string_view sql);
std::string Checksum(absl::string_view sql);

}  // namespace tousu::db
