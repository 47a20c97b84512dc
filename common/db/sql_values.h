#pragma once
// Binding and reading nullable values, the same way in every repository. Times are UTC
// DATETIME(6) (see sql_time.h).

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/db/sql_time.h"

namespace tousu::db {

inline std::optional<absl::Time> OptionalTime(sql::ResultSet& rs, int col) {
  if (rs.isNull(col)) return std::nullopt;
  return FromSqlDateTime(rs.getString(col));
}

inline void SetOptionalTime(sql::PreparedStatement& ps, int idx,
                            const std::optional<absl::Time>& t) {
  if (t.has_value()) {
    ps.setDateTime(idx, ToSqlDateTime(*t));
  } else {
    ps.setNull(idx, sql::DataType::TIMESTAMP);
  }
}

inline void SetOptionalBool(sql::PreparedStatement& ps, int idx, const std::optional<bool>& b) {
  if (b.has_value()) {
    ps.setBoolean(idx, *b);
  } else {
    ps.setNull(idx, sql::DataType::TINYINT);
  }
}

// An empty string is stored as NULL.
inline void SetOptionalString(sql::PreparedStatement& ps, int idx, const std::string& s) {
  if (s.empty()) {
    ps.setNull(idx, sql::DataType::VARCHAR);
  } else {
    ps.setString(idx, s);
  }
}

}  // namespace tousu::db
