#pragma once
// What a customer reads for a department: the name the staff directory gives it. Intake keeps its
// own copy of the directory's names (repository/department_names.h), fed by the directory's
// DepartmentUpserted events and read from the directory in the background (department_sync.h), so
// a timeline entry is written without calling another service; an id intake has no name for (yet)
// reads as "the department in charge".

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "complaints/staff/v1/staff.pb.h"

namespace tousu::intake {

// What the customer reads for a department intake cannot name.
inline constexpr char kDepartmentInCharge[] = "责任部门";
// The directory's own limit on a name (complaints.staff.v1.Department.name).
inline constexpr size_t kMaxDepartmentNameChars = 50;

// Department names as intake knows them.
class DepartmentNames {
 public:
  virtual ~DepartmentNames() = default;
  // The directory's name for `department_id`, or nullopt when intake does not know one.
  virtual std::optional<std::string> Find(const std::string& department_id) const = 0;
  // The name the customer reads: the directory's, else kDepartmentInCharge (also for "").
  std::string NameFor(const std::string& department_id) const;
};

// One department of the directory, as intake keeps it.
struct DirectoryDepartment {
  std::string id;
  std::string name;  // safe to show: valid UTF-8, one line, at most kMaxDepartmentNameChars
  // When the directory last changed it: an older copy never replaces a newer one.
  absl::Time updated_at;
};

// The department to keep, or nullopt when its id is malformed or its name is empty. `undated` is
// its time when the record does not say when it changed.
std::optional<DirectoryDepartment> FromDirectory(const ::complaints::staff::v1::Department& d,
                                                 absl::Time undated);

}  // namespace tousu::intake
