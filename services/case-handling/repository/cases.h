#pragma once
// SQL for case-handling's schema (migrations/0001_cases.sql). Functions run inside the caller's
// transaction and throw sql::SQLException like any statement. History rows are read and written
// as their API messages: the schema stores exactly what the API shows.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "complaints/casehandling/v1/case.pb.h"
#include "services/case-handling/domain/case_rules.h"

namespace tousu::casehandling {

namespace chv1 = complaints::casehandling::v1;

struct CaseRow {
  std::string number;
  CaseFacts facts;
  std::string department_id;
  std::string owner_staff_id;
  std::vector<std::string> assisting_department_ids;
  complaints::common::v1::Severity severity = complaints::common::v1::SEVERITY_UNSPECIFIED;
  absl::Time acknowledged_at = absl::InfinitePast();
  absl::Time updated_at = absl::InfinitePast();
  std::optional<absl::Time> closed_at;
};

std::optional<CaseRow> LoadCase(db::Transaction& tx, const std::string& number, bool for_update);
// False when the case exists already (a repeated ComplaintAcknowledged).
bool InsertCase(db::Transaction& tx, const CaseRow& row);
void UpdateCase(db::Transaction& tx, const CaseRow& row);

struct ListFilter {
  std::string department_id;   // "" = any
  std::string owner_staff_id;  // "" = any
  CaseState state = chv1::CASE_STATE_UNSPECIFIED;
};
// Ordered by number, after `after_number`.
std::vector<CaseRow> ListCases(db::Transaction& tx, const ListFilter& filter,
                               const std::string& after_number, int limit);
// Cases still with their department (not resolved or closed), by department.
std::map<std::string, int64_t> CountOpenByDepartment(db::Transaction& tx);
// Cases whose deadline in force passed without a proposal and is not marked yet, locked for this
// transaction; rows another replica (or a request) holds are skipped.
std::vector<std::string> ClaimOverdue(db::Transaction& tx, absl::Time now, int limit);

void InsertCycle(db::Transaction& tx, const std::string& number, const chv1::Cycle& cycle);
void ResolveCycle(db::Transaction& tx, const std::string& number, const chv1::Cycle& cycle);
void InsertDeadline(db::Transaction& tx, const std::string& number,
                    const chv1::SolutionDeadline& d);
// Marks the latest deadline of the cycle missed.
void MarkLatestDeadlineMissed(db::Transaction& tx, const std::string& number, int cycle,
                              absl::Time at);

// Each returns the new row's id (and writes the attachments).
int64_t InsertInvestigationEntry(db::Transaction& tx, const std::string& number,
                                 const chv1::InvestigationEntry& e);
int64_t InsertInspectionReport(db::Transaction& tx, const std::string& number,
                               const chv1::InspectionReport& r);
int64_t InsertContact(db::Transaction& tx, const std::string& number,
                      const chv1::CustomerContact& c);
void InsertSolution(db::Transaction& tx, const std::string& number, const chv1::Solution& s);
void InsertDecision(db::Transaction& tx, const std::string& number, const chv1::Decision& d);
void InsertImplementationNote(db::Transaction& tx, const std::string& number,
                              const chv1::ImplementationNote& n);

// Fills the summary fields of `out` from `row`.
void ToProto(const CaseRow& row, chv1::Case* out);
// Adds every history list to `out`, oldest first.
void LoadHistory(db::Transaction& tx, const std::string& number, chv1::Case* out);

}  // namespace tousu::casehandling
