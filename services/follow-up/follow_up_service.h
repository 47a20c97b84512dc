#pragma once
// The follow-up service (policy §7): gRPC mapping (follow_up_service.cc), case-handling's events
// (case_event_handlers.cc) and the overdue pass (overdue_pass.cc). Rules live in domain/, SQL in
// repository/, messages in follow_up_messages.h.

#include <memory>
#include <string>
#include <vector>

#include "common/client/complaint_ownership.h"
#include "common/client/staff_directory.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "services/follow-up/domain/follow_up_access.h"
#include "services/follow-up/domain/follow_up_rules.h"
#include "services/follow-up/repository/follow_ups.h"
#include "services/follow-up/settings.h"

namespace tousu::db {
// Generated from services/follow-up/migrations by tousu_embed_migrations.
const std::vector<MigrationFile>& follow_up_migrations();
}  // namespace tousu::db

namespace tousu::followup {

inline constexpr char kGrpcServiceName[] = "complaints.followup.v1.FollowUpService";

// What one overdue pass reported.
struct OverduePass {
  int progress_updates = 0;
  int callbacks = 0;
};

class FollowUpService final : public fv1::FollowUpService::CallbackService {
 public:
  // Registers with `rt` (which must have a calendar, RuntimeSpec.needs_calendar, and outlive the
  // service): the RPCs, the CaseOpened, CaseReopened, CustomerContacted and CaseResolved handlers,
  // and the overdue pass every settings.check_interval. Asks the staff directory at
  // settings.staff_assessment_addr.
  FollowUpService(server::ServiceRuntime& rt, Settings settings);

  // One overdue pass: missed progress updates and callbacks are reported once each, whichever
  // replica sees them first (also refreshes the open-cases gauge).
  absl::StatusOr<OverduePass> CheckOverdue();

  grpc::ServerUnaryReactor* GetFollowUp(grpc::CallbackServerContext*,
                                        const fv1::GetFollowUpRequest*,
                                        fv1::GetFollowUpResponse*) override;
  grpc::ServerUnaryReactor* ReassignTracker(grpc::CallbackServerContext*,
                                            const fv1::ReassignTrackerRequest*,
                                            fv1::ReassignTrackerResponse*) override;
  grpc::ServerUnaryReactor* RecordProgressUpdate(grpc::CallbackServerContext*,
                                                 const fv1::RecordProgressUpdateRequest*,
                                                 fv1::RecordProgressUpdateResponse*) override;
  grpc::ServerUnaryReactor* RecordCallback(grpc::CallbackServerContext*,
                                           const fv1::RecordCallbackRequest*,
                                           fv1::RecordCallbackResponse*) override;
  grpc::ServerUnaryReactor* IssueQuestionnaireLink(grpc::CallbackServerContext*,
                                                   const fv1::IssueQuestionnaireLinkRequest*,
                                                   fv1::IssueQuestionnaireLinkResponse*) override;
  grpc::ServerUnaryReactor* SubmitQuestionnaire(grpc::CallbackServerContext*,
                                                const fv1::SubmitQuestionnaireRequest*,
                                                fv1::SubmitQuestionnaireResponse*) override;
  grpc::ServerUnaryReactor* ListDueTasks(grpc::CallbackServerContext*,
                                         const fv1::ListDueTasksRequest*,
                                         fv1::ListDueTasksResponse*) override;

 private:
  using Event = complaints::common::v1::Event;

  // ---- case-handling's events (case_event_handlers.cc)
  void RegisterEventHandlers();
  absl::Status OnCaseOpened(db::Transaction& tx,
                            const complaints::casehandling::v1::CaseOpened& opened,
                            const Event& event);
  absl::Status OnCaseReopened(db::Transaction& tx,
                              const complaints::casehandling::v1::CaseReopened& reopened,
                              const Event& event);
  absl::Status OnCustomerContacted(db::Transaction& tx,
                                   const complaints::casehandling::v1::CustomerContacted& contacted,
                                   const Event& event);
  absl::Status OnCaseResolved(db::Transaction& tx,
                              const complaints::casehandling::v1::CaseResolved& resolved,
                              const Event& event);
  // A cycle began (CaseOpened, or CaseReopened): creates the follow-up with a tracker, or resumes
  // the cadence of a later cycle; a cycle already seen changes nothing.
  absl::Status OpenCycle(db::Transaction& tx, const Event& event, const CycleEvent& cycle);
  absl::Status ResumeCycle(db::Transaction& tx, const CycleEvent& cycle);

  // ---- shared by the handlers (follow_up_service.cc)
  // Logs a deadline counted from now; counts and logs a provisional one once `tx` commits.
  void NoteDue(db::Transaction& tx, const Due& due, const char* kind, const std::string& number);
  // Ids of the active staff of `department` with `role` (every page of the directory).
  absl::StatusOr<std::vector<std::string>> ActiveStaffIds(
      const std::string& department, complaints::staff::v1::StaffRole role) const;
  // The staff member must be active, of `role` and `department`; FAILED_PRECONDITION naming
  // `field`. Asked before any transaction opens: no connection is held across the call.
  absl::Status CheckStaff(grpc::CallbackServerContext* ctx, const std::string& field,
                          const std::string& id, complaints::staff::v1::StaffRole role,
                          const std::string& department) const;
  // The follow-up of `number`, locked, when the caller may do `work` on it (NOT_FOUND,
  // PERMISSION_DENIED).
  absl::StatusOr<FollowUpRow> LoadForWork(db::Transaction& tx, const std::string& number,
                                          FollowUpWork work);
  absl::Status LoadView(db::Transaction& tx, const std::string& number, fv1::FollowUp* out);
  // SubmitQuestionnaire by number: a signed-in customer answers the callback of their own
  // complaint.
  absl::Status AnswerOwnQuestionnaire(const grpc::CallbackServerContext* ctx,
                                      const fv1::SubmitQuestionnaireRequest& req,
                                      fv1::SubmitQuestionnaireResponse* resp);
  // Stores the customer's answer to `cb`, closes or sends back the case, and appends the events.
  void RecordAnswer(db::Transaction& tx, FollowUpRow& fu, CallbackRow& cb,
                    const CallbackAnswer& answer);

  // ---- the overdue pass (overdue_pass.cc)
  absl::StatusOr<int> ReportOverdueProgress();
  absl::StatusOr<int> ReportOverdueCallbacks();

  server::ServiceRuntime& rt_;
  const Settings settings_;
  const FollowUpRules rules_;
  const client::StaffDirectory directory_;
  // nullptr without intake (Settings::intake_addr).
  std::unique_ptr<const client::ComplaintOwnership> ownership_;

  metrics::CachedCounter callbacks_;
  metrics::CachedCounter progress_updates_;
  metrics::CachedCounter overdue_;
  metrics::CachedCounter provisional_;
  metrics::CachedGauge open_cases_;
  prometheus::Histogram* satisfaction_ = nullptr;
};

}  // namespace tousu::followup
