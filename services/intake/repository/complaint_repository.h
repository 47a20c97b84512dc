#pragma once
// Intake's SQL (migrations/0001_complaints.sql), prepared statements only. Functions taking a
// Transaction run inside the caller's transaction and throw sql::SQLException like any statement
// (RunInTransaction maps it); NextSequence runs transactions of its own.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/pool.h"
#include "common/db/transaction.h"
#include "complaints/intake/v1/intake.pb.h"
#include "services/intake/domain/listing.h"
#include "services/intake/domain/progress.h"

namespace tousu::intake::repository {

// Moves the shared counter of `month` ("202611") forward by `count` and returns its new value:
// this caller owns [value - count + 1, value] (domain/number_blocks.h hands them out). It runs in
// short transactions of its own and commits at once, so the hot row is locked for one UPDATE,
// not for a whole submission. Numbers never repeat, but they may skip.
absl::StatusOr<int64_t> ReserveNumbers(db::ConnectionPool& pool, const std::string& month,
                                       int count);

struct NewComplaint {
  std::string number;
  std::string request_id;
  std::string input_hash;
  std::string phone_key;
  const iv1::ComplaintInput* input = nullptr;
  absl::Time received_at;
};

// Inserts the complaint (status RECEIVED, category = the staff's). A request_id already stored
// throws a duplicate-key error (1062), also when another submission with it commits while this
// one waits on the key.
void InsertComplaint(db::Transaction& tx, const NewComplaint& complaint);
// The complaint's first timeline entry; must directly follow InsertComplaint in the same
// transaction (it takes the row id from LAST_INSERT_ID(), saving a round trip).
void InsertFirstTimelineEntry(db::Transaction& tx, const TimelineRecord& entry);
// The record exactly as LoadComplaint would read it back right after InsertComplaint and
// InsertFirstTimelineEntry (times at the stored microsecond precision, the schema's defaults),
// so a submission answers without reading its own rows again.
iv1::Complaint AsInserted(const NewComplaint& complaint, const TimelineRecord& first_entry);
void InsertTimeline(db::Transaction& tx, uint64_t complaint_id, const TimelineRecord& entry,
                    const std::string& source_event_id);

// The submission stored under a request id.
struct StoredRequest {
  std::string number;
  std::string input_hash;
};
std::optional<StoredRequest> FindByRequestId(db::Transaction& tx, const std::string& request_id);

// The whole customer-facing record with its timeline (in the order the entries were added), or
// nullopt.
std::optional<iv1::Complaint> LoadComplaint(db::Transaction& tx, const std::string& number);

// Who a complaint was recorded for: its customer account (may be empty) and phone as submitted
// (empty once anonymised); nullopt for a number never issued.
struct ComplaintOwner {
  std::string customer_id;
  std::string customer_phone;
};
std::optional<ComplaintOwner> FindOwner(db::Transaction& tx, const std::string& number);

// Up to page_size + 1 summaries (the extra one only tells that another page exists), newest
// first, each with its row id for the page token.
struct ListedComplaint {
  uint64_t id = 0;
  iv1::ComplaintSummary summary;
};
std::vector<ListedComplaint> List(db::Transaction& tx, const ListQuery& query);

// The complaint `number`, locked for update, or nullopt if intake never issued it.
struct LockedComplaint {
  uint64_t id = 0;
  RecordState state;
};
std::optional<LockedComplaint> LockByNumber(db::Transaction& tx, const std::string& number);

// Writes what an event changed: `outcome`'s status and cycle and the fields `progress` sets (or,
// for a late event, nothing but updated_at), updated_at `now`, and the timeline entry.
void ApplyProgress(db::Transaction& tx, const LockedComplaint& complaint, const Progress& progress,
                   const Outcome& outcome, absl::Time now, const std::string& event_id);

}  // namespace tousu::intake::repository
