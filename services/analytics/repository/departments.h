#pragma once
// SQL of the department names analytics learns from the staff directory's events. Every function
// runs in the caller's transaction and throws sql::SQLException like any statement.

#include <map>
#include <string>

#include "absl/time/time.h"
#include "common/db/transaction.h"

namespace tousu::analytics {

// Stores (or renames) department `id`.
void SaveDepartmentName(db::Transaction& tx, const std::string& id, const std::string& name,
                        absl::Time at);
// Every department id -> name known.
std::map<std::string, std::string> LoadDepartmentNames(db::Transaction& tx);

}  // namespace tousu::analytics
