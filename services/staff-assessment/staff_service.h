#pragma once
// complaints.staff.v1.StaffService: the staff directory over gRPC. This class maps requests to
// the domain rules (domain/directory.h) and the SQL (repository/), runs each call on the runtime's
// executor inside one transaction, and writes the DepartmentUpserted / StaffUpserted events in
// that same transaction.

#include <grpcpp/grpcpp.h>

#include <vector>

#include "absl/time/time.h"
#include "common/db/migrations.h"
#include "common/server/server.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "services/staff-assessment/directory_metrics.h"

namespace tousu::db {
// The service's migrations, compiled in by tousu_embed_migrations (services/staff-assessment).
const std::vector<MigrationFile>& staff_assessment_migrations();
}  // namespace tousu::db

namespace tousu::staff {

inline constexpr char kGrpcServiceName[] = "complaints.staff.v1.StaffService";

struct StaffServiceOptions {
  // How often the directory gauges are re-read when nothing changed through this process (the
  // runtime's periodic task "directory_gauges").
  absl::Duration gauge_refresh = absl::Seconds(30);
};

class StaffService final : public v1::StaffService::CallbackService {
 public:
  // Registers itself and the gauges' refresh with `rt`, which must outlive it and not have started
  // yet.
  explicit StaffService(server::ServiceRuntime& rt, StaffServiceOptions options = {});

  grpc::ServerUnaryReactor* UpsertDepartment(grpc::CallbackServerContext* ctx,
                                             const v1::UpsertDepartmentRequest* req,
                                             v1::UpsertDepartmentResponse* resp) override;
  grpc::ServerUnaryReactor* GetDepartment(grpc::CallbackServerContext* ctx,
                                          const v1::GetDepartmentRequest* req,
                                          v1::GetDepartmentResponse* resp) override;
  grpc::ServerUnaryReactor* ListDepartments(grpc::CallbackServerContext* ctx,
                                            const v1::ListDepartmentsRequest* req,
                                            v1::ListDepartmentsResponse* resp) override;
  grpc::ServerUnaryReactor* UpsertStaff(grpc::CallbackServerContext* ctx,
                                        const v1::UpsertStaffRequest* req,
                                        v1::UpsertStaffResponse* resp) override;
  grpc::ServerUnaryReactor* GetStaff(grpc::CallbackServerContext* ctx,
                                     const v1::GetStaffRequest* req,
                                     v1::GetStaffResponse* resp) override;
  grpc::ServerUnaryReactor* ListStaff(grpc::CallbackServerContext* ctx,
                                      const v1::ListStaffRequest* req,
                                      v1::ListStaffResponse* resp) override;

 private:
  // Bookkeeping after an upsert committed: the counter, and the gauges when something changed.
  void AfterUpsert(const char* entity, v1::UpsertOutcome outcome);

  server::ServiceRuntime& rt_;
  DirectoryMetrics metrics_;
};

}  // namespace tousu::staff
