#pragma once
// gRPC mapping of complaints.casehandling.v1.CaseService (case_handling_service.cc), its event
// handlers (case_events.cc: ComplaintAcknowledged opens a case, CustomerUnsatisfied reopens it,
// ComplaintClosed closes it) and the solution-deadline timer (deadline_timer.cc). The rules live in
// domain/, the SQL in repository/.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/client/complaint_ownership.h"
#include "common/db/migrations.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/case-handling/domain/case_access.h"
#include "services/case-handling/domain/case_rules.h"
#include "services/case-handling/repository/cases.h"
#include "services/case-handling/settings.h"

namespace tousu::db {
// Generated from services/case-handling/migrations by tousu_embed_migrations.
const std::vector<MigrationFile>& case_handling_migrations();
}  // namespace tousu::db

namespace tousu::casehandling {

inline constexpr char kGrpcServiceName[] = "complaints.casehandling.v1.CaseService";

class CaseHandlingService final : public chv1::CaseService::CallbackService {
 public:
  // Registers with `rt` (before Start): the case API, the event handlers and the deadline timer,
  // which marks solution deadlines that passed without a proposal missed, once each, whichever
  // replica sees them first. `rt` must have a calendar (RuntimeSpec.needs_calendar) and outlive
  // the service.
  CaseHandlingService(server::ServiceRuntime& rt, CaseHandlingSettings settings);

  // One timer pass; returns how many deadlines it marked missed. Also refreshes the open-cases
  // gauge from the database, so every replica reports the same figure.
  absl::StatusOr<int> MarkMissedDeadlines();

  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext*, const chv1::GetCaseRequest*,
                                    chv1::GetCaseResponse*) override;
  grpc::ServerUnaryReactor* ListCases(grpc::CallbackServerContext*, const chv1::ListCasesRequest*,
                                      chv1::ListCasesResponse*) override;
  grpc::ServerUnaryReactor* AddInvestigationEntry(grpc::CallbackServerContext*,
                                                  const chv1::AddInvestigationEntryRequest*,
                                                  chv1::AddInvestigationEntryResponse*) override;
  grpc::ServerUnaryReactor* AttachInspectionReport(grpc::CallbackServerContext*,
                                                   const chv1::AttachInspectionReportRequest*,
                                                   chv1::AttachInspectionReportResponse*) override;
  grpc::ServerUnaryReactor* LogCustomerContact(grpc::CallbackServerContext*,
                                               const chv1::LogCustomerContactRequest*,
                                               chv1::LogCustomerContactResponse*) override;
  grpc::ServerUnaryReactor* ProposeSolution(grpc::CallbackServerContext*,
                                            const chv1::ProposeSolutionRequest*,
                                            chv1::ProposeSolutionResponse*) override;
  grpc::ServerUnaryReactor* ExtendSolutionDeadline(grpc::CallbackServerContext*,
                                                   const chv1::ExtendSolutionDeadlineRequest*,
                                                   chv1::ExtendSolutionDeadlineResponse*) override;
  grpc::ServerUnaryReactor* RecordCustomerDecision(grpc::CallbackServerContext*,
                                                   const chv1::RecordCustomerDecisionRequest*,
                                                   chv1::RecordCustomerDecisionResponse*) override;
  grpc::ServerUnaryReactor* RecordImplementationProgress(
      grpc::CallbackServerContext*, const chv1::RecordImplementationProgressRequest*,
      chv1::RecordImplementationProgressResponse*) override;
  grpc::ServerUnaryReactor* ResolveCase(grpc::CallbackServerContext*,
                                        const chv1::ResolveCaseRequest*,
                                        chv1::ResolveCaseResponse*) override;

 private:
  using CaseWork = std::function<absl::Status(db::Transaction&, CaseRow&)>;
  // Runs `work` on the case locked FOR UPDATE, in one transaction; NOT_FOUND when there is none,
  // PERMISSION_DENIED (nothing written) when the caller may not take `access` on it.
  // Concurrent steps on one case wait for each other, so none is lost.
  absl::Status WithLockedCase(const std::string& number, CaseAccess access, const CaseWork& work);
  // Writes a contact and its CustomerContacted event.
  chv1::CustomerContact LogContact(db::Transaction& tx, const CaseRow& row,
                                   const std::string& staff_id, chv1::ContactChannel channel,
                                   chv1::ContactPurpose purpose, const std::string& summary,
                                   absl::Time at);
  // Records a deadline the calendar computed provisionally: logged and counted after commit.
  void NoteProvisional(db::Transaction& tx, const std::string& number, const time::Deadline& due);

  // case_events.cc
  void SubscribeToEvents();
  absl::Status OnComplaintAcknowledged(db::Transaction& tx,
                                       const complaints::routing::v1::ComplaintAcknowledged& ack,
                                       const complaints::common::v1::Event& event);
  absl::Status OnCustomerUnsatisfied(
      db::Transaction& tx, const complaints::followup::v1::CustomerUnsatisfied& unsatisfied,
      const complaints::common::v1::Event& event);
  absl::Status OnComplaintClosed(db::Transaction& tx,
                                 const complaints::followup::v1::ComplaintClosed& closed,
                                 const complaints::common::v1::Event& event);
  // Writes the opening of a cycle (`cycle` says by what), its first solution deadline and its
  // CaseOpened event.
  void OpenCycle(db::Transaction& tx, const CaseRow& row, const Opening& opening,
                 absl::Time opened_at, chv1::Cycle cycle, const std::string& request_id);

  server::ServiceRuntime& rt_;
  CaseRules rules_;
  // Whether a signed-in customer's decision is on their own complaint; nullptr without intake
  // (CaseHandlingSettings::intake_addr): customers are then answered UNAVAILABLE.
  std::unique_ptr<client::ComplaintOwnership> ownership_;

  metrics::CachedGauge cases_open_;
  metrics::CachedCounter solutions_;
  metrics::CachedCounter extensions_;
  metrics::CachedCounter reopens_;
  metrics::CachedCounter deadlines_missed_;
  metrics::CachedCounter provisional_deadlines_;
  std::mutex gauge_mu_;
  std::set<std::string> gauge_departments_;  // every department reported so far, to zero them
};

}  // namespace tousu::casehandling
