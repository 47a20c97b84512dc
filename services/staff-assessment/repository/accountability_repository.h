#pragma once
// SQL of accountability (policy §10): the suggestions the rules make from events and the records a
// person decides; prepared statements only. Every function runs inside the caller's transaction
// and throws sql::SQLException like any statement (RunInTransaction maps it).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "complaints/staff/v1/assessment.pb.h"
#include "services/staff-assessment/domain/assessment.h"

namespace tousu::staff::repository {

namespace v1 = ::complaints::staff::v1;

// Stores a suggestion unless one was made from the same event; true if stored.
bool InsertSuggestion(db::Transaction& tx, const assessment::Suggestion& s,
                      const std::string& event_ref, absl::Time at);
std::optional<v1::AccountabilitySuggestion> FindSuggestion(db::Transaction& tx, int64_t id,
                                                           bool for_update);
std::vector<v1::AccountabilitySuggestion> ListSuggestions(db::Transaction& tx, bool confirmed,
                                                          const std::string& staff_id,
                                                          const std::string& number);
// Stores the record (id and recorded_at ignored) and returns its id.
int64_t InsertRecord(db::Transaction& tx, const v1::AccountabilityRecord& r, absl::Time now);
void MarkSuggestionConfirmed(db::Transaction& tx, int64_t suggestion_id, int64_t record_id);
struct RecordFilter {
  std::string staff_id, department_id, number;  // "": any
  std::optional<assessment::Span> decided_in;   // nullopt: any time
};
std::vector<v1::AccountabilityRecord> ListRecords(db::Transaction& tx, const RecordFilter& f);

}  // namespace tousu::staff::repository
