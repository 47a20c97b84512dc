#include "common/client/staff_directory.h"

#include "common/log/log.h"

namespace tousu::client {

namespace sv1 = complaints::staff::v1;

namespace {

// The directory's largest page (staff-assessment's ListStaff accepts 1..200).
constexpr int kDirectoryPageSize = 200;

// The one mapping of the directory's answers (see the header).
absl::Status FromDirectory(const grpc::Status& s, const char* what) {
  if (s.ok()) return absl::OkStatus();
  // The directory's id rule is stricter than the callers'; an id it cannot hold names nobody.
  if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
      s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return absl::NotFoundError(what);
  }
  log::Warn("staff directory call failed", {{"code", static_cast<int>(s.error_code())}});
  if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::DeadlineExceededError("staff directory did not answer in time");
  }
  return absl::UnavailableError("staff directory unavailable");
}

}  // namespace

ChannelOptions StaffDirectory::ReadChannelOptions() {
  ChannelOptions options;
  options.idempotent_methods = {"complaints.staff.v1.StaffService/GetStaff",
                                "complaints.staff.v1.StaffService/GetDepartment",
                                "complaints.staff.v1.StaffService/ListStaff",
                                "complaints.staff.v1.StaffService/ListDepartments"};
  return options;
}

StaffDirectory::StaffDirectory(const std::string& target, absl::Duration timeout)
    : StaffDirectory(sv1::StaffService::NewStub(MakeChannel(target, ReadChannelOptions())),
                     timeout) {}

StaffDirectory::StaffDirectory(std::unique_ptr<sv1::StaffService::StubInterface> stub,
                               absl::Duration timeout)
    : stub_(std::move(stub)), timeout_(timeout) {}

absl::StatusOr<sv1::Staff> StaffDirectory::GetStaff(
    const std::string& staff_id, const grpc::CallbackServerContext* parent) const {
  sv1::GetStaffRequest req;
  req.set_staff_id(staff_id);
  sv1::GetStaffResponse resp;
  auto call = NewCallContext(timeout_, parent);
  if (auto s = FromDirectory(stub_->GetStaff(call.get(), req, &resp), "no such staff member");
      !s.ok()) {
    return s;
  }
  return resp.staff();
}

absl::StatusOr<sv1::Department> StaffDirectory::GetDepartment(
    const std::string& department_id, const grpc::CallbackServerContext* parent) const {
  sv1::GetDepartmentRequest req;
  req.set_department_id(department_id);
  sv1::GetDepartmentResponse resp;
  auto call = NewCallContext(timeout_, parent);
  if (auto s = FromDirectory(stub_->GetDepartment(call.get(), req, &resp), "no such department");
      !s.ok()) {
    return s;
  }
  return resp.department();
}

absl::StatusOr<std::vector<sv1::Staff>> StaffDirectory::ListActiveStaff(
    const std::string& department_id, sv1::StaffRole role,
    const grpc::CallbackServerContext* parent, int max_pages) const {
  std::vector<sv1::Staff> found;
  sv1::ListStaffRequest req;
  req.set_department_id(department_id);
  req.set_role(role);
  req.set_active(true);
  req.mutable_page()->set_page_size(kDirectoryPageSize);
  for (int page = 0; page < max_pages; ++page) {
    sv1::ListStaffResponse resp;
    auto call = NewCallContext(timeout_, parent);
    if (auto s = FromDirectory(stub_->ListStaff(call.get(), req, &resp), "no such department");
        !s.ok()) {
      return s;
    }
    for (const auto& staff : resp.staff()) {
      // The directory filters already; checking again costs nothing and guards a lax filter.
      if (staff.active() && staff.role() == role && staff.department_id() == department_id) {
        found.push_back(staff);
      }
    }
    if (resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  return found;
}

absl::StatusOr<std::vector<sv1::Department>> StaffDirectory::ListDepartments(
    const grpc::CallbackServerContext* parent, int max_pages) const {
  std::vector<sv1::Department> found;
  sv1::ListDepartmentsRequest req;
  req.mutable_page()->set_page_size(kDirectoryPageSize);
  for (int page = 0; page < max_pages; ++page) {
    sv1::ListDepartmentsResponse resp;
    auto call = NewCallContext(timeout_, parent);
    if (auto s = FromDirectory(stub_->ListDepartments(call.get(), req, &resp), "no departments");
        !s.ok()) {
      return s;
    }
    found.insert(found.end(), resp.departments().begin(), resp.departments().end());
    if (resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  return found;
}

}  // namespace tousu::client
