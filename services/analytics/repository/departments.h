#pragma once
// SQL of the department names analytics learns from the staff directory (its events and its list).
// Every function runs in the caller's transaction and throws sql::SQLException like any statement.

#include <map>
#include <string>

#include "common/db/transaction.h"
#include "services/analytics/domain/department_names.h"

namespace tousu::analytics {

// Stores (or renames) department `d.id`, unless the stored copy is newer (d.updated_at).
void SaveDepartmentName(db::Transaction& tx, const DepartmentName& d);
// Every department id -> name known.
std::map<std::string, std::string> LoadDepartmentNames(db::Transaction& tx);

}  // namespace tousu::analytics
