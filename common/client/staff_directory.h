#pragma once
// The one client of the staff directory (staff-assessment's StaffService) for the services that
// check people and departments named in requests (routing, follow-up). Every call carries a
// deadline and, when made while serving another call, that call's deadline and request id; the
// reads are retried on UNAVAILABLE. Answers mean the same in every service:
//   NotFound          the directory knows no such id (or its id rule cannot hold it)
//   DeadlineExceeded  the directory did not answer in time
//   Unavailable       any other failure of the directory (logged with its code)
// What an unknown id means for a request (a missing resource, a failed precondition) is the
// calling service's decision.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/client/channel.h"
#include "complaints/staff/v1/staff.grpc.pb.h"

namespace tousu::client {

class StaffDirectory {
 public:
  // The directory's read methods, safe to retry.
  static ChannelOptions ReadChannelOptions();

  // Calls the directory at `target` (see MakeChannel), each call within `timeout`.
  StaffDirectory(const std::string& target, absl::Duration timeout);
  // Over an existing stub (tests use a stand-in directory served on loopback).
  StaffDirectory(std::unique_ptr<complaints::staff::v1::StaffService::StubInterface> stub,
                 absl::Duration timeout);

  absl::StatusOr<complaints::staff::v1::Staff> GetStaff(
      const std::string& staff_id, const grpc::CallbackServerContext* parent = nullptr) const;
  absl::StatusOr<complaints::staff::v1::Department> GetDepartment(
      const std::string& department_id, const grpc::CallbackServerContext* parent = nullptr) const;
  // Active staff of `department` in `role`, every page (at most `max_pages` of the directory's
  // largest page size).
  absl::StatusOr<std::vector<complaints::staff::v1::Staff>> ListActiveStaff(
      const std::string& department_id, complaints::staff::v1::StaffRole role,
      const grpc::CallbackServerContext* parent = nullptr, int max_pages = 50) const;
  // Every department, active or not, ordered by id (their names for reports and timelines).
  absl::StatusOr<std::vector<complaints::staff::v1::Department>> ListDepartments(
      const grpc::CallbackServerContext* parent = nullptr, int max_pages = 50) const;

 private:
  std::unique_ptr<complaints::staff::v1::StaffService::StubInterface> stub_;
  absl::Duration timeout_;
};

}  // namespace tousu::client
