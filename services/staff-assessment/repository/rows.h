#pragma once
// Reading and binding the assessment tables' columns the same way in training_repository.cc,
// assessment_repository.cc and accountability_repository.cc.

#include <cppconn/resultset.h>
#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/db/sql_time.h"
#include "common/time/proto_time.h"
#include "services/staff-assessment/domain/directory.h"

namespace tousu::staff::repository::rows {

// A nullable text column; NULL reads as "".
inline std::string Text(const sql::ResultSet& rs, uint32_t column) {
  return rs.isNull(column) ? std::string() : std::string(rs.getString(column));
}

inline void SetTime(const sql::ResultSet& rs, uint32_t column, google::protobuf::Timestamp* out) {
  time::ToProto(db::FromSqlDateTime(rs.getString(column)), out);
}

inline std::string Sql(absl::Time t) { return db::ToSqlDateTime(t); }

// Roles as stored (domain/directory.h spells them); one this build does not know reads as
// UNSPECIFIED.
inline std::string RoleText(v1::StaffRole role) { return std::string(RoleName(role)); }
inline v1::StaffRole RoleOf(const std::string& name) {
  return RoleFromName(name).value_or(v1::STAFF_ROLE_UNSPECIFIED);
}

}  // namespace tousu::staff::repository::rows
