#pragma once
// What AssessmentService's handler files share: the NOT_FOUND answer naming the field, the
// upsert outcome and roles as stored.

#include <string>

#include "absl/status/status.h"
#include "complaints/staff/v1/assessment.pb.h"
#include "services/staff-assessment/domain/directory.h"

namespace tousu::staff {

inline absl::Status NotFound(const std::string& field, const std::string& what) {
  return absl::NotFoundError(field + ": " + what);
}

inline v1::UpsertOutcome OutcomeOf(bool existed, bool changed) {
  if (!existed) return v1::UPSERT_OUTCOME_CREATED;
  return changed ? v1::UPSERT_OUTCOME_UPDATED : v1::UPSERT_OUTCOME_UNCHANGED;
}

// The role as the training tables store it; "" for UNSPECIFIED (every role, in a filter).
inline std::string RoleText(v1::StaffRole role) { return std::string(RoleName(role)); }

}  // namespace tousu::staff
