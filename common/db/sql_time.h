#pragma once
// DATETIME(6) values are UTC (every session runs with time_zone '+00:00').

#include <string>

#include "absl/time/time.h"

namespace tousu::db {

inline std::string ToSqlDateTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

// Parses "YYYY-MM-DD HH:MM:SS[.ffffff]"; returns InfinitePast for anything unparsable.
inline absl::Time FromSqlDateTime(const std::string& s) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime("%Y-%m-%d %H:%M:%E*S", s, absl::UTCTimeZone(), &t, &err)) return t;
  return absl::InfinitePast();
}

}  // namespace tousu::db
