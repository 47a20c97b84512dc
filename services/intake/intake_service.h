#pragma once
// complaints.intake.v1.IntakeService over gRPC, and intake's side of the routing, case-handling
// and follow-up events. This class maps requests to the domain rules (domain/) and the SQL
// (repository/), runs each call on the runtime's executor, and writes ComplaintReceived in the
// same transaction as the complaint. Its constructor registers everything with the runtime: the
// service, the event handlers (one per row of domain/followed_events.h, and the staff directory's
// DepartmentUpserted), the retention job and the department-name sync.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/client/department_sync.h"
#include "common/db/migrations.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/staff/v1/staff.pb.h"
#include "services/intake/domain/number_blocks.h"
#include "services/intake/domain/progress.h"
#include "services/intake/domain/rate_limit.h"
#include "services/intake/read_cache.h"
#include "services/intake/retention.h"
#include "services/intake/settings.h"

namespace tousu::db {
// The service's migrations, compiled in by tousu_embed_migrations (services/intake).
const std::vector<MigrationFile>& intake_migrations();
}  // namespace tousu::db

namespace tousu::intake {

inline constexpr char kGrpcServiceName[] = "complaints.intake.v1.IntakeService";

class IntakeService final : public ::complaints::intake::v1::IntakeService::CallbackService {
 public:
  // Registers with `rt` (before rt.Start()), which must outlive the service.
  IntakeService(server::ServiceRuntime& rt, const IntakeSettings& settings = {});

  grpc::ServerUnaryReactor* SubmitComplaint(
      grpc::CallbackServerContext* ctx,
      const ::complaints::intake::v1::SubmitComplaintRequest* request,
      ::complaints::intake::v1::SubmitComplaintResponse* response) override;
  grpc::ServerUnaryReactor* GetComplaint(
      grpc::CallbackServerContext* ctx,
      const ::complaints::intake::v1::GetComplaintRequest* request,
      ::complaints::intake::v1::GetComplaintResponse* response) override;
  grpc::ServerUnaryReactor* ListComplaints(
      grpc::CallbackServerContext* ctx,
      const ::complaints::intake::v1::ListComplaintsRequest* request,
      ::complaints::intake::v1::ListComplaintsResponse* response) override;
  grpc::ServerUnaryReactor* CheckCustomerOwnsComplaint(
      grpc::CallbackServerContext* ctx,
      const ::complaints::intake::v1::CheckCustomerOwnsComplaintRequest* request,
      ::complaints::intake::v1::CheckCustomerOwnsComplaintResponse* response) override;

  // The work behind each RPC, synchronous (what the reactors run on the executor).
  absl::Status Submit(const ::complaints::intake::v1::SubmitComplaintRequest& request,
                      ::complaints::intake::v1::SubmitComplaintResponse* response);
  absl::Status Get(const ::complaints::intake::v1::GetComplaintRequest& request,
                   ::complaints::intake::v1::GetComplaintResponse* response);
  absl::Status List(const ::complaints::intake::v1::ListComplaintsRequest& request,
                    ::complaints::intake::v1::ListComplaintsResponse* response);
  absl::Status CheckOwnership(
      const ::complaints::intake::v1::CheckCustomerOwnsComplaintRequest& request,
      ::complaints::intake::v1::CheckCustomerOwnsComplaintResponse* response);

  RetentionJob& retention() { return retention_; }
  // nullptr when no staff directory is configured (IntakeSettings::staff_assessment_addr).
  client::DepartmentNameSync* department_sync() { return department_sync_.get(); }

 private:
  // Registers a handler for each event the timeline follows (domain/followed_events.h), and for
  // the staff directory's DepartmentUpserted.
  void FollowEvents();
  // Keeps the name of a department the directory changed (an undisplayable one is skipped).
  absl::Status KeepDepartmentName(db::Transaction& tx,
                                  const ::complaints::staff::v1::Department& department,
                                  const cv1::Event& envelope);
  // Applies one followed event, read into `progress`, in its inbox transaction `tx`; an event
  // that can never apply is skipped (malformed, or for a complaint intake never issued).
  absl::Status ApplyEvent(db::Transaction& tx, const cv1::Event& envelope,
                          const absl::StatusOr<Progress>& progress, absl::Time now);
  // Records a new submission: the complaint, its first timeline entry and ComplaintReceived in
  // one transaction. ALREADY_EXISTS when its request id is taken.
  absl::Status Record(const ::complaints::intake::v1::SubmitComplaintRequest& request,
                      const ::complaints::intake::v1::ComplaintInput& input,
                      const std::string& hash, absl::Time now,
                      ::complaints::intake::v1::SubmitComplaintResponse* response);
  // The submission stored under the request id as this call's answer: a replay when its content
  // is the same, FAILED_PRECONDITION when it differs.
  absl::Status AnswerReplay(const std::string& request_id, const std::string& hash,
                            ::complaints::intake::v1::SubmitComplaintResponse* response);
  absl::Status Load(const std::string& number, ::complaints::intake::v1::Complaint* out);
  // RESOURCE_EXHAUSTED when this submission's source or customer is over its rate limit.
  absl::Status CheckRateLimits(const grpc::CallbackServerContext* ctx);
  // NOT_FOUND, exactly as for a number never issued, when `caller` may not see `complaint`.
  static absl::Status CheckMaySee(const auth::Caller& caller,
                                  const ::complaints::intake::v1::Complaint& complaint);

  server::ServiceRuntime& rt_;
  NumberBlocks numbers_;
  ComplaintReadCache cache_;
  metrics::CachedCounter received_;
  metrics::CachedCounter replays_;
  metrics::CachedCounter validation_failures_;
  metrics::CachedCounter closed_;
  metrics::CachedCounter cache_lookups_;
  RateLimiter customer_limiter_;
  RateLimiter source_limiter_;
  metrics::CachedCounter rate_limited_;
  RetentionJob retention_;
  std::unique_ptr<client::DepartmentNameSync> department_sync_;
};

}  // namespace tousu::intake
