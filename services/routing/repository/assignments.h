#pragma once
// SQL for routing's schema (migrations/0001_routing.sql). Functions run inside the caller's
// transaction and throw sql::SQLException like any statement.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "complaints/routing/v1/routing.pb.h"
#include "services/routing/domain/policy.h"

namespace tousu::routing {

using complaints::routing::v1::AssignmentState;

struct AssignmentRow {
  std::string number;
  AssignmentState state = complaints::routing::v1::ASSIGNMENT_STATE_UNSPECIFIED;
  Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  std::string category_source;
  double confidence = 0;
  std::vector<Category> ranking;
  Severity severity = complaints::common::v1::SEVERITY_UNSPECIFIED;
  int channel = 0;
  int journey_stage = 0;
  std::string project;
  std::string department_id;
  std::vector<std::string> assisting_department_ids;
  std::string owner_staff_id;
  bool complex = false;
  absl::Time received_at = absl::InfinitePast();
  std::optional<absl::Time> routed_at, ack_due, acknowledged_at;
  std::optional<bool> ack_on_time;
  bool escalated = false;
  std::string supervisor_reason;
  int bounces = 0;
  int hop = 0;
  absl::Time updated_at = absl::InfinitePast();
};

struct HopRow {
  int hop = 0;
  std::string action, department_id, staff_id, reason;
  absl::Time at;
};

std::vector<Rule> LoadRules(db::Transaction& tx);
void UpsertRule(db::Transaction& tx, const Rule& rule, absl::Time now);
std::vector<std::pair<Rule, absl::Time>> ListRules(db::Transaction& tx);

std::optional<AssignmentRow> LoadAssignment(db::Transaction& tx, const std::string& number, bool for_update);
// False when the complaint already has an assignment (a repeated ComplaintReceived).
bool InsertAssignment(db::Transaction& tx, const AssignmentRow& row);
void UpdateAssignment(db::Transaction& tx, const AssignmentRow& row);

void AddHop(db::Transaction& tx, const std::string& number, const HopRow& hop);
std::vector<HopRow> LoadHops(db::Transaction& tx, const std::string& number);
// Departments the complaint was routed or assigned to so far.
std::set<std::string> TriedDepartments(db::Transaction& tx, const std::string& number);

// In order of receipt (number), after `after_number`; department "" = any.
std::vector<AssignmentRow> ListByState(db::Transaction& tx, AssignmentState state,
                                       const std::string& department_id,
                                       const std::string& after_number, int limit);
// Routed assignments past their deadline and not escalated yet, locked for this transaction;
// rows another replica holds are skipped.
std::vector<std::string> ClaimOverdue(db::Transaction& tx, absl::Time now, int limit);
int64_t CountState(db::Transaction& tx, AssignmentState state);

}  // namespace tousu::routing
