#pragma once
// SQL for routing's schema (migrations/0001_routing.sql). Functions run inside the caller's
// transaction and throw sql::SQLException like any statement.

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "complaints/routing/v1/routing.pb.h"
#include "services/routing/domain/assignment.h"
#include "services/routing/domain/routing_rules.h"

namespace tousu::routing {

std::vector<Rule> LoadRules(db::Transaction& tx);
void UpsertRule(db::Transaction& tx, const Rule& rule, absl::Time now);
std::vector<std::pair<Rule, absl::Time>> ListRules(db::Transaction& tx);

std::optional<Assignment> LoadAssignment(db::Transaction& tx, const std::string& number,
                                         bool for_update);
// False when the complaint already has an assignment (a repeated ComplaintReceived).
bool InsertAssignment(db::Transaction& tx, const Assignment& row);
void UpdateAssignment(db::Transaction& tx, const Assignment& row);

void AddHop(db::Transaction& tx, const std::string& number, const Hop& hop);
// In the order they were added.
std::vector<Hop> LoadHops(db::Transaction& tx, const std::string& number);

// In order of receipt (number), after `after_number`; department "" = any.
std::vector<Assignment> ListByState(db::Transaction& tx, AssignmentState state,
                                    const std::string& department_id,
                                    const std::string& after_number, int limit);
// Routed assignments past their deadline and not escalated yet (RoutingRules::IsOverdue in SQL),
// locked for this transaction; rows another replica holds are skipped.
std::vector<std::string> ClaimOverdue(db::Transaction& tx, absl::Time now, int limit);
// Complaints in the supervisor queue past its deadline and not escalated for this stay
// (RoutingRules::IsQueueOverdue in SQL), locked likewise.
std::vector<std::string> ClaimQueueOverdue(db::Transaction& tx, absl::Time now, int limit);
int64_t CountState(db::Transaction& tx, AssignmentState state);

}  // namespace tousu::routing
