#include "services/intake/retention.h"

#include <cppconn/resultset.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/db/sql_time.h"
#include "common/db/transaction.h"
#include "common/log/log.h"
#include "complaints/intake/v1/intake.pb.h"
#include "services/intake/domain/retention.h"

namespace tousu::intake {

RetentionJob::RetentionJob(server::ServiceRuntime& rt, const RetentionSettings& settings)
    : rt_(rt),
      settings_(settings),
      anonymised_(rt.registry(), "tousu_intake_anonymised_total",
                  "Closed complaints whose customer name, phone and email were anonymised after "
                  "the retention period (TOUSU_INTAKE_RETENTION_AFTER_CLOSE).",
                  {}) {
  anonymised_.With({});  // at zero from the start
  if (!settings_.after_close) {
    log::Warn("retention off: customers' personal data of closed complaints is kept forever",
              {{"setting", "RETENTION_AFTER_CLOSE=0"}});
    return;
  }
  rt.AddPeriodicTask("retention", settings_.check_every, [this] { return RunOnce().status(); });
}

absl::StatusOr<int> RetentionJob::RunOnce() {
  if (!settings_.after_close) return 0;
  const absl::Time now = rt_.clock().Now();
  const absl::Time cutoff = AnonymiseClosedAtOrBefore(now, *settings_.after_close);
  int total = 0;
  // A full batch means there may be more; a pass ends at the first short one.
  for (;;) {
    auto done = AnonymiseBatch(cutoff, now);
    if (!done.ok()) return done.status();
    total += *done;
    if (*done < settings_.batch) break;
  }
  if (total > 0)
    log::Info("retention: customers' personal data anonymised", {{"complaints", total}});
  return total;
}

absl::StatusOr<int> RetentionJob::AnonymiseBatch(absl::Time closed_at_or_before, absl::Time now) {
  int done = 0;
  absl::Status s = db::RunInTransaction(
      rt_.pool(),
      [&](db::Transaction& tx) -> absl::Status {
        done = 0;
        struct Row {
          int64_t id;
          CustomerContact contact;
          std::string description, expected, solution, resolution;
        };
        std::vector<Row> rows;
        {
          auto& q = tx.Prepare(
              "SELECT id, customer_name, customer_phone, customer_phone_key, customer_email,"
              " description, expected_resolution, solution, resolution FROM complaints"
              " WHERE anonymised_at IS NULL AND closed_at <= ? AND status = ?"
              " ORDER BY closed_at, id LIMIT ? FOR UPDATE SKIP LOCKED");
          q.setDateTime(1, db::ToSqlDateTime(closed_at_or_before));
          q.setInt(2, ::complaints::intake::v1::COMPLAINT_STATUS_CLOSED);
          q.setInt(3, settings_.batch);
          std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
          while (rs->next()) {
            rows.push_back({.id = rs->getInt64(1),
                            .contact = {.name = rs->getString(2),
                                        .phone = rs->getString(3),
                                        .phone_key = rs->getString(4),
                                        .email = rs->getString(5)},
                            .description = rs->getString(6),
                            .expected = rs->getString(7),
                            .solution = rs->getString(8),
                            .resolution = rs->getString(9)});
          }
        }
        // The idempotency hash was taken over the name and phone too: a phone is found again
        // from it by trying every number, so it goes with them. A retry of a request this old
        // is answered as a conflict, which it is.
        auto& update = tx.Prepare(
            "UPDATE complaints SET customer_name = ?, customer_phone = '', customer_phone_key = '',"
            " customer_email = '', input_hash = REPEAT('0', 64), description = ?,"
            " expected_resolution = ?, solution = ?, resolution = ?, anonymised_at = ?"
            " WHERE id = ? AND anonymised_at IS NULL");
        auto& timeline =
            tx.Prepare("SELECT id, summary FROM complaint_timeline WHERE complaint_id = ?");
        auto& timeline_update =
            tx.Prepare("UPDATE complaint_timeline SET summary = ? WHERE id = ?");
        for (const Row& r : rows) {
          update.setString(1, kAnonymisedName);
          update.setString(2, RedactContact(r.description, r.contact));
          update.setString(3, RedactContact(r.expected, r.contact));
          update.setString(4, RedactContact(r.solution, r.contact));
          update.setString(5, RedactContact(r.resolution, r.contact));
          update.setDateTime(6, db::ToSqlDateTime(now));
          update.setInt64(7, r.id);
          if (update.executeUpdate() == 0) continue;
          ++done;
          timeline.setInt64(1, r.id);
          std::unique_ptr<sql::ResultSet> rs(timeline.executeQuery());
          std::vector<std::pair<int64_t, std::string>> changed;
          while (rs->next()) {
            std::string summary = rs->getString(2);
            std::string redacted = RedactContact(summary, r.contact);
            if (redacted != summary) changed.emplace_back(rs->getInt64(1), std::move(redacted));
          }
          for (const auto& [id, summary] : changed) {
            timeline_update.setString(1, summary);
            timeline_update.setInt64(2, id);
            timeline_update.executeUpdate();
          }
        }
        return absl::OkStatus();
      },
      {.read_committed = true});
  if (!s.ok()) return s;
  anonymised_.With({}).Increment(done);
  return done;
}

}  // namespace tousu::intake
