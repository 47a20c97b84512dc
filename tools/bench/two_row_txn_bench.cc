// The database baseline of tools/bench/services: the raw rate of the transaction at the heart of
// SubmitComplaint, a business row and an outbox row committed together, through Connector/C++
// and common/db exactly as a service uses them (the same ConnectionPool, so the same session
// settings, isolation, autocommit-off and prepared-statement cache; the same pool size; the same
// number of callers in flight waiting on it). Tables come from intake's and the common event
// migrations, so the rows have intake's shape and indexes; the outbox row is written by
// events::Outbox itself, for one subscriber.
//
//   tousu_bench_two_row_txn --db-port 3307 --db-name tousu_bench_txn [--db-host 127.0.0.1]
//     [--db-user tousu] [--db-password P] [--concurrency 64] [--pool-size 8]
//     [--seconds 10] [--warmup 2]
// Prints one JSON object: {"rate":..,"latency":{..},"errors":{..},...}.

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/db/migrations.h"
#include "common/db/pool.h"
#include "common/db/sql_time.h"
#include "common/db/transaction.h"
#include "common/events/outbox.h"
#include "common/flags/tool_flags.h"
#include "common/time/clock.h"
#include "complaints/intake/v1/events.pb.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/stats.h"

namespace tousu::db {
const std::vector<MigrationFile>& intake_migrations();
}

ABSL_FLAG(std::string, db_host, "127.0.0.1", "MariaDB's host");
ABSL_FLAG(int, db_port, 3306, "MariaDB's port");
ABSL_FLAG(std::string, db_user, "tousu", "MariaDB's user");
ABSL_FLAG(std::string, db_password, "tousu-local", "the user's password");
ABSL_FLAG(std::string, db_name, "", "the database, created beforehand; required");
ABSL_FLAG(int, pool_size, 8, "connections in the pool");
ABSL_FLAG(int, concurrency, 64, "callers in flight");
ABSL_FLAG(double, seconds, 10, "seconds measured");
ABSL_FLAG(double, warmup, 2, "seconds of load before the measurement");

namespace {

using namespace tousu;

struct Options {
  db::DbOptions db;
  int concurrency = 0;
  double seconds = 0, warmup = 0;
};

constexpr char kUsage[] =
    "the two-row transaction baseline of tools/bench/services\n"
    "usage: tousu_bench_two_row_txn --db-port P --db-name N [--db-host H] [--db-user U]\n"
    "  [--db-password W] [--concurrency C] [--pool-size S] [--seconds T] [--warmup T]";

Options OptionsFromFlags() {
  Options o;
  o.db.host = absl::GetFlag(FLAGS_db_host);
  o.db.port = absl::GetFlag(FLAGS_db_port);
  o.db.user = absl::GetFlag(FLAGS_db_user);
  o.db.password = absl::GetFlag(FLAGS_db_password);
  o.db.database = absl::GetFlag(FLAGS_db_name);
  o.db.pool_size = absl::GetFlag(FLAGS_pool_size);
  o.concurrency = absl::GetFlag(FLAGS_concurrency);
  o.seconds = absl::GetFlag(FLAGS_seconds);
  o.warmup = absl::GetFlag(FLAGS_warmup);
  if (o.db.database.empty()) tools::ExitWithUsageError("--db-name is required");
  if (o.concurrency < 1 || o.db.pool_size < 1) {
    tools::ExitWithUsageError("--concurrency and --pool-size must be >= 1");
  }
  return o;
}

constexpr char kInsertComplaint[] =
    "INSERT INTO complaints (number, request_id, input_hash, customer_name, customer_phone,"
    " customer_phone_key, customer_email, project, building, unit, description, occurred_at,"
    " severity, expected_resolution, channel, journey_stage, recorded_by_staff_id,"
    " staff_category, status, category, received_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> args = tools::ParseToolFlags(argc, argv, kUsage);
  if (args.size() > 1) tools::ExitWithUsageError(absl::StrCat("unexpected argument ", args[1]));
  const Options o = OptionsFromFlags();
  db::ConnectionPool pool(o.db);
  {
    db::DbOptions migration_db = o.db;
    migration_db.pool_size = 1;
    db::ConnectionPool migration_pool(migration_db);
    for (const auto* track : {&db::common_event_migrations(), &db::intake_migrations()}) {
      auto applied = db::ApplyMigrations(
          migration_pool, track == &db::intake_migrations() ? "intake" : "common", *track);
      if (!applied.ok()) {
        std::fprintf(stderr, "migrations: %s\n", applied.status().ToString().c_str());
        return 1;
      }
    }
  }
  time::SystemClock clock;
  events::Subscriptions subscriptions;
  subscriptions.Add("ComplaintReceived", "routing");
  events::Outbox outbox("intake", subscriptions, clock);

  // Shaped like a real submission (the same text lengths as the load generator's).
  complaints::intake::v1::ComplaintReceived payload;
  payload.set_project("翠湖花园");
  payload.set_description("卫生间墙体开裂，雨天渗水，已影响楼下住户，请尽快安排工程人员上门检测");

  std::atomic<bool> measuring{false}, stop{false};
  std::atomic<int64_t> sequence{0};
  // Numbers unique across runs on one database and within complaints.number's 20 characters.
  const int64_t run = absl::ToUnixMicros(absl::Now()) & 0xffffff;
  std::vector<loadgen::CallStats> stats(static_cast<size_t>(o.concurrency));
  std::vector<std::thread> callers;
  for (int t = 0; t < o.concurrency; ++t) {
    callers.emplace_back([&, t] {
      loadgen::CallStats& mine = stats[static_cast<size_t>(t)];
      while (!stop) {
        const int64_t n = ++sequence;
        const std::string number = absl::StrFormat("TB%06x-%09d", run, n);
        const auto started = std::chrono::steady_clock::now();
        absl::Status s = db::RunInTransaction(pool, [&](db::Transaction& tx) {
          const std::string now = db::ToSqlDateTime(clock.Now());
          auto& insert = tx.Prepare(kInsertComplaint);
          int i = 0;
          insert.setString(++i, number);
          insert.setString(++i, number);  // request id: unique, like a real one
          insert.setString(++i, std::string(64, 'a'));
          insert.setString(++i, "张三");
          insert.setString(++i, "13800138000");
          insert.setString(++i, "13800138000");
          insert.setString(++i, "");
          insert.setString(++i, payload.project());
          insert.setString(++i, "3栋");
          insert.setString(++i, "1502");
          insert.setString(++i, payload.description());
          insert.setDateTime(++i, now);
          insert.setInt(++i, 2);
          insert.setString(++i, "上门检测并修复");
          insert.setInt(++i, 2);
          insert.setInt(++i, 3);
          insert.setString(++i, "");
          insert.setInt(++i, 4);
          insert.setInt(++i, 1);
          insert.setInt(++i, 4);
          insert.setDateTime(++i, now);
          insert.setDateTime(++i, now);
          insert.executeUpdate();
          auto event = payload;
          event.set_number(number);
          outbox.Append(tx, number, event, number);
          return absl::OkStatus();
        });
        const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count();
        if (!measuring) continue;
        ++mine.calls;
        if (s.ok()) {
          mine.ok_ns.push_back(ns);
        } else {
          ++mine.errors[std::string(absl::StatusCodeToString(s.code()))];
        }
      }
    });
  }
  absl::SleepFor(absl::Seconds(o.warmup));
  measuring = true;
  const auto started = std::chrono::steady_clock::now();
  absl::SleepFor(absl::Seconds(o.seconds));
  measuring = false;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  stop = true;
  for (auto& t : callers) t.join();

  loadgen::CallStats all;
  for (const auto& s : stats) all.Merge(s);
  const loadgen::LatencySummary latency = loadgen::Summarize(all.ok_ns);
  std::printf(
      "{\"name\":\"two_row_txn\",\"concurrency\":%d,\"pool_size\":%d,\"duration_s\":%.3f,"
      "\"calls\":%lld,\"ok\":%lld,\"rate\":%.1f,\"latency\":%s,\"errors\":%s}\n",
      o.concurrency, o.db.pool_size, elapsed, static_cast<long long>(all.calls),
      static_cast<long long>(latency.count), static_cast<double>(latency.count) / elapsed,
      loadgen::ToJson(latency).c_str(), loadgen::ToJson(all.errors).c_str());
  return latency.count > 0 ? 0 : 1;  // no successful transaction: no baseline
}
