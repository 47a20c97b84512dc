// Staff directory (staff-assessment service): staff list, staff get, departments.

#include <string>
#include <vector>

#include "complaints/staff/v1/staff.grpc.pb.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render.h"
#include "tools/tousuctl/service_call.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

namespace sv1 = complaints::staff::v1;
using StaffStub = sv1::StaffService::Stub;

Api<sv1::StaffService> StaffApi(const Call& c) {
  return {c.options.staff, {"GetDepartment", "ListDepartments", "GetStaff", "ListStaff"}};
}

int RunStaffList(Call& c) {
  sv1::ListStaffRequest request;
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (auto v = c.args.Get("role"); v.has_value()) {
    auto role = ParseEnumAs<sv1::StaffRole>(*v, "--role");
    if (!role.ok()) return UsageError(c, role.status());
    request.set_role(*role);
  }
  auto active = c.args.Bool("active");
  if (!active.ok()) return UsageError(c, active.status());
  if (active->has_value()) request.set_active(**active);
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  sv1::ListStaffResponse response;
  if (!CallService(c, StaffApi(c), &StaffStub::ListStaff, request, &response)) {
    return kExitCallFailed;
  }
  if (!c.options.show_personal_data) {
    for (sv1::Staff& staff : *response.mutable_staff()) MaskStaff(&staff);
  }
  return Print(c, response, [&] { return RenderStaffList(response); });
}

int RunStaffGet(Call& c) {
  sv1::GetStaffRequest request;
  request.set_staff_id(Upper(c.args.positional[0]));
  sv1::GetStaffResponse response;
  if (!CallService(c, StaffApi(c), &StaffStub::GetStaff, request, &response))
    return kExitCallFailed;
  if (!c.options.show_personal_data) MaskStaff(response.mutable_staff());
  return Print(c, response, [&] { return RenderStaff(response.staff()); });
}

int RunDepartments(Call& c) {
  sv1::ListDepartmentsRequest request;
  if (auto v = c.args.Get("kind"); v.has_value()) {
    auto kind = ParseEnumAs<sv1::DepartmentKind>(*v, "--kind");
    if (!kind.ok()) return UsageError(c, kind.status());
    request.set_kind(*kind);
  }
  auto active = c.args.Bool("active");
  if (!active.ok()) return UsageError(c, active.status());
  if (active->has_value()) request.set_active(**active);
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  return CallAndPrint(c, StaffApi(c), &StaffStub::ListDepartments, request, RenderDepartments);
}

}  // namespace

std::vector<Verb> StaffVerbs() {
  return {
      {.name = "staff list",
       .group = "Staff directory (staff-assessment service)",
       .summary = "staff, filtered by department, role and active flag",
       .description = "Lists staff ordered by id. Work phones and emails are masked unless\n"
                      "--show-personal-data is given.",
       .flags =
           {
               {.name = "department", .value_name = "DEPT", .help = "only this department"},
               {.name = "role", .value_name = "ROLE", .help = OneOf(EnumNames<sv1::StaffRole>())},
               {.name = "active",
                .help = "only active staff (--active=false: only those who left)"},
           },
       .examples = {"tousuctl staff list --department engineering --active"},
       .pages = "results",
       .run = RunStaffList},
      {.name = "staff get",
       .group = "Staff directory (staff-assessment service)",
       .usage_args = "ID",
       .summary = "one staff member",
       .description = "Shows one staff member, active or not.",
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl staff get S0021"},
       .run = RunStaffGet},
      {.name = "departments",
       .group = "Staff directory (staff-assessment service)",
       .summary = "the departments and their supervisors",
       .description = "Lists departments ordered by id.",
       .flags =
           {
               {.name = "kind",
                .value_name = "KIND",
                .help = OneOf(EnumNames<sv1::DepartmentKind>())},
               {.name = "active",
                .help = "only active departments (--active=false: only inactive ones)"},
           },
       .examples = {"tousuctl departments --active"},
       .pages = "results",
       .run = RunDepartments},
  };
}

}  // namespace tousu::ctl
