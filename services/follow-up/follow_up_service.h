#pragma once
// gRPC mapping of the follow-up service (policy §7), its case-handling event handlers and the
// overdue timer. Rules live in domain/, SQL in repository/.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics/metrics.h"
#include "common/server/periodic.h"
#include "common/server/server.h"
#include "common/validation/text.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "services/follow-up/domain/rules.h"
#include "services/follow-up/repository/follow_ups.h"

namespace tousu::db {
// Generated from services/follow-up/migrations by tousu_embed_migrations.
const std::vector<MigrationFile>& follow_up_migrations();
}  // namespace tousu::db

namespace tousu::followup {

namespace sv1 = complaints::staff::v1;

inline constexpr char kGrpcServiceName[] = "complaints.followup.v1.FollowUpService";

struct Settings {
  Policy policy;
  absl::Duration check_interval = absl::Seconds(1);
  absl::Duration staff_timeout = absl::Seconds(2);
};

// What one overdue pass reported.
struct OverduePass {
  int progress_updates = 0;
  int callbacks = 0;
};

class FollowUpService final : public fv1::FollowUpService::CallbackService {
 public:
  // `rt` must have a calendar (RuntimeSpec.needs_calendar) and outlive the service.
  FollowUpService(server::ServiceRuntime& rt,
                  std::unique_ptr<sv1::StaffService::StubInterface> staff, Settings settings);
  ~FollowUpService() override;

  // Subscribes to CaseOpened, CustomerContacted, CaseResolved and CaseReopened.
  void RegisterEventHandlers();
  // The overdue timer: missed progress updates and callbacks are reported once each, whichever
  // replica sees them first.
  void StartTimers();
  void StopTimers();
  // One overdue pass (also refreshes the open-cases gauge).
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
  struct CallbackAnswer {
    fv1::CallbackMethod method = fv1::CALLBACK_METHOD_UNSPECIFIED;
    std::string staff_id;  // empty: the customer's own questionnaire
    int satisfaction = 0;
    std::string comments, suggestions;
  };

  absl::Status OnCaseOpened(db::Transaction& tx, const complaints::common::v1::Event& event);
  absl::Status OnCaseReopened(db::Transaction& tx, const complaints::common::v1::Event& event);
  absl::Status OnCustomerContacted(db::Transaction& tx, const complaints::common::v1::Event& event);
  absl::Status OnCaseResolved(db::Transaction& tx, const complaints::common::v1::Event& event);
  // A cycle began (CaseOpened, or CaseReopened): creates the follow-up with a tracker, or resumes
  // the cadence of a later cycle; a cycle already seen changes nothing.
  absl::Status OpenCycle(db::Transaction& tx, const complaints::common::v1::Event& event,
                         const std::string& number, int cycle, const std::string& department_id,
                         const std::string& owner_staff_id, absl::Time at);
  // Records the callback of `cb`'s cycle and closes or sends back the case.
  void ApplyCallback(db::Transaction& tx, FollowUpRow& fu, CallbackRow& cb,
                     const CallbackAnswer& answer, absl::Time now);
  // `days` business days after `anchor`; falls back to `now` when the anchor is outside the
  // calendar. Counts and logs provisional answers once `tx` commits.
  absl::StatusOr<time::Deadline> DueAfter(db::Transaction& tx, absl::Time anchor, int days,
                                          const char* kind, const std::string& number);
  // Active staff of `department` with `role`, by id (all pages of the directory).
  absl::StatusOr<std::vector<std::string>> ActiveStaff(const std::string& department,
                                                       sv1::StaffRole role);
  // The staff member must be active, of `role` and `department`; FAILED_PRECONDITION naming
  // `field`.
  absl::Status CheckStaff(grpc::CallbackServerContext* ctx, const std::string& field,
                          const std::string& id, sv1::StaffRole role,
                          const std::string& department);
  void Skip(const complaints::common::v1::Event& event, const std::string& reason);
  // Unpacks an event for a handler; a wrong payload, a malformed number or a cycle below
  // `min_cycle` is counted as skipped (and acknowledged by the caller) so it cannot block the relay.
  template <typename Payload>
  bool Readable(const complaints::common::v1::Event& event, Payload* out, int min_cycle) {
    if (!event.payload().UnpackTo(out)) {
      Skip(event, "payload");
      return false;
    }
    if (!validation::CheckComplaintNumber("number", out->number()).ok()) {
      Skip(event, "number");
      return false;
    }
    if (out->cycle() < min_cycle) {
      Skip(event, "cycle");
      return false;
    }
    return true;
  }
  absl::Time Now() const;
  absl::Status LoadView(db::Transaction& tx, const std::string& number, fv1::FollowUp* out);

  server::ServiceRuntime& rt_;
  std::unique_ptr<sv1::StaffService::StubInterface> staff_;
  Settings settings_;

  metrics::CachedCounter callbacks_;
  metrics::CachedCounter progress_updates_;
  metrics::CachedCounter overdue_;
  metrics::CachedCounter provisional_;
  metrics::CachedCounter skipped_;
  metrics::CachedGauge open_cases_;
  prometheus::Histogram* satisfaction_ = nullptr;

  std::unique_ptr<server::PeriodicTask> timer_;
};

}  // namespace tousu::followup
