#pragma once
// The staff directory's department names as analytics keeps them, for the monthly report: learnt
// from the directory's DepartmentUpserted events and from reading the directory
// (client::DepartmentNameSync). Both paths keep a name by the same rule, so neither undoes the
// other: the record must fit the table, and an older copy never replaces a newer one. Pure: no
// server, no database.

#include <cstddef>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "complaints/staff/v1/staff.pb.h"

namespace tousu::analytics {

// The longest name kept (characters; department_names.name).
inline constexpr size_t kMaxDepartmentNameChars = 100;

struct DepartmentName {
  std::string id;
  std::string name;
  // When the directory last changed it: the stored copy changes only for one at least as new.
  absl::Time updated_at;
};

// The name to keep for `d`, or nullopt when its id is not one analytics' tables hold or its name
// is empty, invalid UTF-8 or too long. `undated` is its time when the record does not say when it
// changed.
std::optional<DepartmentName> DepartmentNameOf(const ::complaints::staff::v1::Department& d,
                                               absl::Time undated);

}  // namespace tousu::analytics
