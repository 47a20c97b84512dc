#pragma once
// A stand-in for the staff directory's ListDepartments on loopback (real gRPC), answering with the
// departments a test sets, or nothing once stopped: for the services that copy department names
// from the directory (client::DepartmentNameSync).

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/time/proto_time.h"
#include "complaints/staff/v1/staff.grpc.pb.h"

namespace tousu::testing {

class StandInDirectory final : public complaints::staff::v1::StaffService::CallbackService {
 public:
  StandInDirectory() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~StandInDirectory() override { Stop(); }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  void Stop() {
    if (server_) server_->Shutdown();
  }
  // Lists `name` for `id`, as last changed at `updated_at` (no time when InfinitePast()).
  void Set(const std::string& id, const std::string& name, absl::Time updated_at) {
    std::lock_guard<std::mutex> lock(mu_);
    complaints::staff::v1::Department& d = departments_[id];
    d.set_id(id);
    d.set_name(name);
    d.set_kind(complaints::staff::v1::DEPARTMENT_KIND_ENGINEERING_QUALITY);
    d.set_active(true);
    d.clear_updated_at();
    if (updated_at != absl::InfinitePast()) *d.mutable_updated_at() = time::ToProto(updated_at);
  }

  grpc::ServerUnaryReactor* ListDepartments(
      grpc::CallbackServerContext* ctx, const complaints::staff::v1::ListDepartmentsRequest*,
      complaints::staff::v1::ListDepartmentsResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [id, department] : departments_) *response->add_departments() = department;
    }
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  std::map<std::string, complaints::staff::v1::Department> departments_;
};

}  // namespace tousu::testing
