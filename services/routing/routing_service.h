#pragma once
// gRPC mapping of the routing service, its ComplaintReceived handler and the escalation timer.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "common/metrics/metrics.h"
#include "common/server/periodic.h"
#include "common/server/server.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "services/routing/domain/classifier.h"
#include "services/routing/domain/policy.h"
#include "services/routing/repository/assignments.h"

namespace tousu::db {
// Generated from services/routing/migrations by tousu_embed_migrations.
const std::vector<MigrationFile>& routing_migrations();
}  // namespace tousu::db

namespace tousu::routing {

namespace rv1 = complaints::routing::v1;

struct RoutingSettings {
  Policy policy;
  absl::Duration escalation_interval = absl::Seconds(1);
  absl::Duration staff_timeout = absl::Seconds(2);
};

class RoutingService final : public rv1::RoutingService::CallbackService {
 public:
  RoutingService(server::ServiceRuntime& rt, Classifier classifier,
                 std::unique_ptr<complaints::staff::v1::StaffService::StubInterface> staff,
                 RoutingSettings settings);
  ~RoutingService() override;

  // Subscribes to ComplaintReceived on the runtime's EventSink.
  void RegisterEventHandlers();
  // The escalation timer: acknowledgement deadlines that passed go to the supervisor, once each,
  // whichever replica sees them first.
  void StartTimers();
  void StopTimers();
  // One escalation pass; returns how many assignments it escalated.
  absl::StatusOr<int> EscalateOverdue();

  grpc::ServerUnaryReactor* ClassifyComplaint(grpc::CallbackServerContext*, const rv1::ClassifyComplaintRequest*,
                                              rv1::ClassifyComplaintResponse*) override;
  grpc::ServerUnaryReactor* UpsertRoutingRule(grpc::CallbackServerContext*, const rv1::UpsertRoutingRuleRequest*,
                                              rv1::UpsertRoutingRuleResponse*) override;
  grpc::ServerUnaryReactor* ListRoutingRules(grpc::CallbackServerContext*, const rv1::ListRoutingRulesRequest*,
                                             rv1::ListRoutingRulesResponse*) override;
  grpc::ServerUnaryReactor* GetAssignment(grpc::CallbackServerContext*, const rv1::GetAssignmentRequest*,
                                          rv1::GetAssignmentResponse*) override;
  grpc::ServerUnaryReactor* ListDepartmentQueue(grpc::CallbackServerContext*, const rv1::ListDepartmentQueueRequest*,
                                                rv1::ListDepartmentQueueResponse*) override;
  grpc::ServerUnaryReactor* AcknowledgeAssignment(grpc::CallbackServerContext*,
                                                  const rv1::AcknowledgeAssignmentRequest*,
                                                  rv1::AcknowledgeAssignmentResponse*) override;
  grpc::ServerUnaryReactor* RejectAssignment(grpc::CallbackServerContext*, const rv1::RejectAssignmentRequest*,
                                             rv1::RejectAssignmentResponse*) override;
  grpc::ServerUnaryReactor* ListSupervisorQueue(grpc::CallbackServerContext*, const rv1::ListSupervisorQueueRequest*,
                                                rv1::ListSupervisorQueueResponse*) override;
  grpc::ServerUnaryReactor* AssignBySupervisor(grpc::CallbackServerContext*, const rv1::AssignBySupervisorRequest*,
                                               rv1::AssignBySupervisorResponse*) override;

 private:
  absl::Status OnComplaintReceived(db::Transaction& tx, const complaints::common::v1::Event& event);
  // Looks the staff member up in the directory (while serving `ctx`, inheriting its deadline).
  absl::StatusOr<complaints::staff::v1::Staff> LookUpStaff(grpc::CallbackServerContext* ctx, const std::string& id);
  absl::Status CheckDepartmentExists(grpc::CallbackServerContext* ctx, const std::string& id);
  void ToProto(const AssignmentRow& row, rv1::Assignment* out) const;

  server::ServiceRuntime& rt_;
  Classifier classifier_;
  std::unique_ptr<complaints::staff::v1::StaffService::StubInterface> staff_;
  RoutingSettings settings_;

  metrics::CachedCounter routed_;
  metrics::CachedCounter supervisor_;
  metrics::CachedCounter acknowledgements_;
  metrics::CachedCounter escalations_;
  metrics::CachedCounter rejections_;
  metrics::CachedGauge supervisor_queue_;
  prometheus::Histogram* confidence_ = nullptr;

  std::unique_ptr<server::PeriodicTask> timer_;
};

}  // namespace tousu::routing
