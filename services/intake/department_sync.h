#pragma once
// Intake's part of reading the staff directory's department names (client::DepartmentNameSync):
// which of the listed departments it keeps in repository/department_names.h, also those no
// DepartmentUpserted event ever announced (departments loaded with the seed data, or changed
// before intake subscribed).

#include <vector>

#include "common/db/transaction.h"
#include "complaints/staff/v1/staff.pb.h"

namespace tousu::intake {

// Stores the names of the listed departments whose id and name can be shown (an older copy never
// replaces a newer one); returns how many were kept.
int KeepListedDepartments(db::Transaction& tx,
                          const std::vector<::complaints::staff::v1::Department>& listed);

}  // namespace tousu::intake
