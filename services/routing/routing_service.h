#pragma once
// The routing service's gRPC mapping, its ComplaintReceived handler and the escalation timer.
// Handlers check the request, ask the staff directory (before any transaction), load, ask
// RoutingRules (domain/routing_rules.h), save and append the event.

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "common/client/staff_directory.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "services/routing/domain/classifier.h"
#include "services/routing/domain/routing_rules.h"
#include "services/routing/repository/assignments.h"
#include "services/routing/settings.h"

namespace tousu::db {
// Generated from services/routing/migrations by tousu_embed_migrations.
const std::vector<MigrationFile>& routing_migrations();
}  // namespace tousu::db

namespace tousu::routing {

namespace rv1 = complaints::routing::v1;

class RoutingService final : public rv1::RoutingService::CallbackService {
 public:
  // Registers itself with `rt`: its RPCs, the ComplaintReceived handler (and the EventSink) and
  // the escalation timer.
  RoutingService(server::ServiceRuntime& rt, Classifier classifier,
                 client::StaffDirectory directory, const RoutingSettings& settings);

  // One escalation pass: acknowledgement deadlines that passed go to the supervisor, once each,
  // whichever replica sees them first. Returns how many assignments it escalated.
  absl::StatusOr<int> EscalateOverdue();

  grpc::ServerUnaryReactor* ClassifyComplaint(grpc::CallbackServerContext*,
                                              const rv1::ClassifyComplaintRequest*,
                                              rv1::ClassifyComplaintResponse*) override;
  grpc::ServerUnaryReactor* UpsertRoutingRule(grpc::CallbackServerContext*,
                                              const rv1::UpsertRoutingRuleRequest*,
                                              rv1::UpsertRoutingRuleResponse*) override;
  grpc::ServerUnaryReactor* ListRoutingRules(grpc::CallbackServerContext*,
                                             const rv1::ListRoutingRulesRequest*,
                                             rv1::ListRoutingRulesResponse*) override;
  grpc::ServerUnaryReactor* GetAssignment(grpc::CallbackServerContext*,
                                          const rv1::GetAssignmentRequest*,
                                          rv1::GetAssignmentResponse*) override;
  grpc::ServerUnaryReactor* ListDepartmentQueue(grpc::CallbackServerContext*,
                                                const rv1::ListDepartmentQueueRequest*,
                                                rv1::ListDepartmentQueueResponse*) override;
  grpc::ServerUnaryReactor* AcknowledgeAssignment(grpc::CallbackServerContext*,
                                                  const rv1::AcknowledgeAssignmentRequest*,
                                                  rv1::AcknowledgeAssignmentResponse*) override;
  grpc::ServerUnaryReactor* RejectAssignment(grpc::CallbackServerContext*,
                                             const rv1::RejectAssignmentRequest*,
                                             rv1::RejectAssignmentResponse*) override;
  grpc::ServerUnaryReactor* ListSupervisorQueue(grpc::CallbackServerContext*,
                                                const rv1::ListSupervisorQueueRequest*,
                                                rv1::ListSupervisorQueueResponse*) override;
  grpc::ServerUnaryReactor* AssignBySupervisor(grpc::CallbackServerContext*,
                                               const rv1::AssignBySupervisorRequest*,
                                               rv1::AssignBySupervisorResponse*) override;

 private:
  absl::Status OnComplaintReceived(db::Transaction& tx,
                                   const complaints::intake::v1::ComplaintReceived& received,
                                   const complaints::common::v1::Event& envelope);
  // The staff member a request names in `field`, from the directory (inheriting the deadline of
  // `ctx`); an id the directory does not know fails the precondition, naming `field`.
  absl::StatusOr<complaints::staff::v1::Staff> NamedStaff(grpc::CallbackServerContext* ctx,
                                                          std::string_view field,
                                                          const std::string& id) const;
  // OK when the department a request names in `field` exists and is active.
  absl::Status CheckNamedDepartment(grpc::CallbackServerContext* ctx, std::string_view field,
                                    const std::string& id) const;
  // One page of a queue: assignments in `state` (of `department_id`, "" = any) after the page
  // token.
  absl::Status ListQueue(rv1::AssignmentState state, const std::string& department_id,
                         const complaints::common::v1::PageRequest& page,
                         google::protobuf::RepeatedPtrField<rv1::Assignment>* assignments,
                         complaints::common::v1::PageResponse* next_page);
  // Where `a` went, as its event: ComplaintRouted or ComplaintSentToSupervisor.
  void AppendRoutingEvent(db::Transaction& tx, const Assignment& a, absl::Time now,
                          absl::string_view request_id);

  server::ServiceRuntime& rt_;
  Classifier classifier_;
  client::StaffDirectory directory_;
  RoutingRules rules_;

  metrics::CachedCounter routed_;
  metrics::CachedCounter supervisor_;
  metrics::CachedCounter acknowledgements_;
  metrics::CachedCounter escalations_;
  metrics::CachedCounter queue_escalations_;
  metrics::CachedCounter rejections_;
  metrics::CachedGauge supervisor_queue_;
  prometheus::Histogram* confidence_ = nullptr;
};

}  // namespace tousu::routing
