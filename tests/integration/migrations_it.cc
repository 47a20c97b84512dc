// The migration runner against real MariaDB.

#include <gtest/gtest.h>

#include <thread>

#include "common/db/migrations.h"
#include "common/db/pool.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

using testing::ScratchDatabase;

const std::vector<db::MigrationFile> kCounting = {
    {"0001_runs.sql",
     "CREATE TABLE IF NOT EXISTS runs (id INT AUTO_INCREMENT PRIMARY KEY);\n"
     "INSERT INTO runs () VALUES ();\n"},
    {"0002_more.sql",
     "CREATE TABLE IF NOT EXISTS more_runs (id INT AUTO_INCREMENT PRIMARY KEY);\n"
     "INSERT INTO more_runs () VALUES ();"},
};

TEST(Migrations, EachFileIsAppliedOnceAndRecorded) {
  ScratchDatabase scratch;
  db::ConnectionPool pool(scratch.options());
  auto first = db::ApplyMigrations(pool, "svc", kCounting);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->applied, (std::vector<std::string>{"0001_runs.sql", "0002_more.sql"}));
  auto second = db::ApplyMigrations(pool, "svc", kCounting);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM runs"), "1");
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM schema_migrations WHERE track = 'svc'"), "2");
}

TEST(Migrations, AFileAddedLaterIsAppliedOnTheNextStart) {
  ScratchDatabase scratch;
  db::ConnectionPool pool(scratch.options());
  ASSERT_TRUE(db::ApplyMigrations(pool, "svc", {kCounting[0]}).ok());
  auto later = db::ApplyMigrations(pool, "svc", kCounting);
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->applied, std::vector<std::string>{"0002_more.sql"});
}

TEST(Migrations, AnAppliedFileThatWasEditedStopsStartUp) {
  ScratchDatabase scratch;
  db::ConnectionPool pool(scratch.options());
  ASSERT_TRUE(db::ApplyMigrations(pool, "svc", kCounting).ok());
  auto edited = kCounting;
  edited[0].sql += "-- a later edit\n";
  auto s = db::ApplyMigrations(pool, "svc", edited);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM runs"), "1");
}

TEST(Migrations, TracksAreIndependent) {
  ScratchDatabase scratch;
  db::ConnectionPool pool(scratch.options());
  ASSERT_TRUE(db::ApplyMigrations(pool, "common", db::common_event_migrations()).ok());
  ASSERT_TRUE(db::ApplyMigrations(pool, "svc", kCounting).ok());
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM outbox_partitions"), "16");
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(db::common_event_migrations().size() + 2));
}

TEST(Migrations, EightRunnersStartingTogetherApplyEachFileExactlyOnce) {
  ScratchDatabase scratch;
  std::vector<std::thread> runners;
  std::atomic<int> failures{0}, applied{0};
  for (int i = 0; i < 8; ++i) {
    runners.emplace_back([&] {
      db::ConnectionPool pool(scratch.options(1));
      auto r = db::ApplyMigrations(pool, "svc", kCounting);
      if (!r.ok()) {
        ++failures;
      } else {
        applied += static_cast<int>(r->applied.size());
      }
    });
  }
  for (auto& t : runners) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(applied.load(), 2);
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM runs"), "1");
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM more_runs"), "1");
}

TEST(Migrations, TwoServiceProcessesStartingTogetherApplyTheMigrationsExactlyOnce) {
  ScratchDatabase scratch;
  const int port_a = testing::FreePort(), port_b = testing::FreePort();
  testing::ChildProcess a(TOUSU_PROBE_SERVER,
                          testing::ProbeEnv(scratch.options(), port_a, testing::FreePort()),
                          ::testing::TempDir() + "/probe_a.log");
  testing::ChildProcess b(TOUSU_PROBE_SERVER,
                          testing::ProbeEnv(scratch.options(), port_b, testing::FreePort()),
                          ::testing::TempDir() + "/probe_b.log");
  const std::string svc = "complaints.testing.v1.ProbeService";
  ASSERT_TRUE(testing::WaitForHealth(port_a, svc, 1, absl::Seconds(30)));
  ASSERT_TRUE(testing::WaitForHealth(port_b, svc, 1, absl::Seconds(30)));
  // The probe's migration inserts a row each time it is applied.
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM migration_runs"), "1");
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM schema_migrations WHERE track = 'probe'"),
            "1");
  EXPECT_EQ(scratch.QueryScalar("SELECT COUNT(*) FROM schema_migrations WHERE track = 'common'"),
            std::to_string(db::common_event_migrations().size()));
}

}  // namespace
}  // namespace tousu
