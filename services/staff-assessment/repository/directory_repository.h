#pragma once
// The staff directory's SQL, prepared statements only. Every function runs inside the caller's
// transaction (db::RunInTransaction) and throws sql::SQLException like any statement; the caller's
// RunInTransaction maps it through the one error table.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/db/transaction.h"
#include "services/staff-assessment/domain/directory.h"

namespace tousu::staff::repository {

// How a single-row read locks the row it finds (or the gap where it would be).
enum class Lock {
  kNone,    // consistent read
  kShare,   // LOCK IN SHARE MODE: the row cannot change until we commit
  kUpdate,  // FOR UPDATE: we are about to change it
};

struct DepartmentFilter {
  v1::DepartmentKind kind = v1::DEPARTMENT_KIND_UNSPECIFIED;  // UNSPECIFIED: any
  std::optional<bool> active;                                 // nullopt: any
};

struct StaffFilter {
  std::string department_id;                        // empty: any
  v1::StaffRole role = v1::STAFF_ROLE_UNSPECIFIED;  // UNSPECIFIED: any
  std::optional<bool> active;                       // nullopt: any
};

std::optional<v1::Department> FindDepartment(db::Transaction& tx, const std::string& id, Lock lock);
void InsertDepartment(db::Transaction& tx, const v1::Department& department);
void UpdateDepartment(db::Transaction& tx, const v1::Department& department);
// Up to `limit` departments with id > `after_id` matching `filter`, ordered by id.
std::vector<v1::Department> ListDepartments(db::Transaction& tx, const DepartmentFilter& filter,
                                            const std::string& after_id, int limit);
// Ids of the departments naming `staff_id` as supervisor, ordered, read with share locks so the
// answer holds until commit.
std::vector<std::string> DepartmentsSupervisedBy(db::Transaction& tx, const std::string& staff_id);

std::optional<v1::Staff> FindStaff(db::Transaction& tx, const std::string& id, Lock lock);
void InsertStaff(db::Transaction& tx, const v1::Staff& staff);
void UpdateStaff(db::Transaction& tx, const v1::Staff& staff);
std::vector<v1::Staff> ListStaff(db::Transaction& tx, const StaffFilter& filter,
                                 const std::string& after_id, int limit);

// For the directory gauges.
struct DepartmentSummary {
  std::string id;
  bool active = false;
  bool has_supervisor = false;
};
std::vector<DepartmentSummary> SummarizeDepartments(db::Transaction& tx);

struct StaffCount {
  std::string department_id;
  v1::StaffRole role = v1::STAFF_ROLE_UNSPECIFIED;
  bool active = false;
  int64_t count = 0;
};
std::vector<StaffCount> CountStaff(db::Transaction& tx);

}  // namespace tousu::staff::repository
