#include <gtest/gtest.h>

#include "common/db/migrations.h"

namespace tousu::db {
namespace {

TEST(MigrationFiles, TheVersionIsTheNumberBeforeTheFirstUnderscore) {
  EXPECT_EQ(*MigrationVersion("0001_create.sql"), 1);
  EXPECT_EQ(*MigrationVersion("0042_add_index.sql"), 42);
  EXPECT_FALSE(MigrationVersion("create.sql").ok());
  EXPECT_FALSE(MigrationVersion("_create.sql").ok());
  EXPECT_FALSE(MigrationVersion("0000_zero.sql").ok());
  EXPECT_FALSE(MigrationVersion("0001_create.txt").ok());
}

TEST(MigrationFiles, StatementsEndWithASemicolonAtTheEndOfALine) {
  auto stmts = SplitStatements(
      "-- a comment\n"
      "CREATE TABLE a (\n  x INT -- inline; not an end\n);\n"
      "\n"
      "INSERT INTO a VALUES (1);\n"
      "SELECT 'no semicolon at the end'");
  ASSERT_EQ(stmts.size(), 3u);
  EXPECT_EQ(stmts[0], "CREATE TABLE a (\n  x INT -- inline; not an end\n)");
  EXPECT_EQ(stmts[1], "INSERT INTO a VALUES (1)");
  EXPECT_EQ(stmts[2], "SELECT 'no semicolon at the end'");
}

TEST(MigrationFiles, TheChecksumIsStableAndSeesEveryEdit) {
  EXPECT_EQ(Checksum("CREATE TABLE a (x INT);"), Checksum("CREATE TABLE a (x INT);"));
  EXPECT_NE(Checksum("CREATE TABLE a (x INT);"), Checksum("CREATE TABLE a (x INT); "));
  EXPECT_EQ(Checksum("").size(), 16u);
  EXPECT_EQ(Checksum("a"), "af63dc4c8601ec8c");  // the published FNV-1a 64 test vector
}

TEST(MigrationFiles, TheSharedOutboxAndInboxMigrationsAreCompiledIn) {
  const auto& files = common_event_migrations();
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files[0].name, "0001_outbox_inbox.sql");
  EXPECT_NE(files[0].sql.find("CREATE TABLE IF NOT EXISTS outbox"), std::string::npos);
}

}  // namespace
}  // namespace tousu::db
