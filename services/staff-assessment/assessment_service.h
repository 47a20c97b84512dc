#pragma once
// complaints.staff.v1.AssessmentService: training (§9.1), the quarterly assessment (§9.2) and
// accountability (§10), served by the staff-assessment process beside the directory. It learns who
// did what, and when, only from the routing, case-handling and follow-up events (EventSink). The
// rules live in domain/ (assessment_rules.h, assessment.h, assessment_requests.h), the SQL in
// repository/. One class, its parts in one file each:
//   assessment_service.cc              construction: metrics, events, registration
//   event_handlers.cc                  the activity log and suggestions from other services' events
//   training_handlers.cc               courses, plans, enrolments and completions
//   quarterly_assessment_handlers.cc   running the quarter and reading its results
//   accountability_handlers.cc         suggestions confirmed, records decided and listed

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/db/transaction.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/staff/v1/assessment.grpc.pb.h"
#include "services/staff-assessment/domain/assessment_rules.h"
#include "services/staff-assessment/domain/directory.h"
#include "services/staff-assessment/settings.h"

namespace tousu::staff {

inline constexpr char kAssessmentGrpcServiceName[] = "complaints.staff.v1.AssessmentService";

class AssessmentService final : public v1::AssessmentService::CallbackService {
 public:
  // Registers itself, its event handlers and the EventSink with `rt`, which must outlive it and
  // not have started yet.
  AssessmentService(server::ServiceRuntime& rt, const Settings& settings);

  // ---- Training (training_handlers.cc) ----
  grpc::ServerUnaryReactor* UpsertTrainingCourse(grpc::CallbackServerContext*,
                                                 const v1::UpsertTrainingCourseRequest*,
                                                 v1::UpsertTrainingCourseResponse*) override;
  grpc::ServerUnaryReactor* ListTrainingCourses(grpc::CallbackServerContext*,
                                                const v1::ListTrainingCoursesRequest*,
                                                v1::ListTrainingCoursesResponse*) override;
  grpc::ServerUnaryReactor* UpsertTrainingPlan(grpc::CallbackServerContext*,
                                               const v1::UpsertTrainingPlanRequest*,
                                               v1::UpsertTrainingPlanResponse*) override;
  grpc::ServerUnaryReactor* ListTrainingPlans(grpc::CallbackServerContext*,
                                              const v1::ListTrainingPlansRequest*,
                                              v1::ListTrainingPlansResponse*) override;
  grpc::ServerUnaryReactor* Enrol(grpc::CallbackServerContext*, const v1::EnrolRequest*,
                                  v1::EnrolResponse*) override;
  grpc::ServerUnaryReactor* RecordTrainingCompletion(
      grpc::CallbackServerContext*, const v1::RecordTrainingCompletionRequest*,
      v1::RecordTrainingCompletionResponse*) override;
  grpc::ServerUnaryReactor* ListTrainingStatus(grpc::CallbackServerContext*,
                                               const v1::ListTrainingStatusRequest*,
                                               v1::ListTrainingStatusResponse*) override;

  // ---- The quarterly assessment (quarterly_assessment_handlers.cc) ----
  grpc::ServerUnaryReactor* RunQuarterlyAssessment(grpc::CallbackServerContext*,
                                                   const v1::RunQuarterlyAssessmentRequest*,
                                                   v1::RunQuarterlyAssessmentResponse*) override;
  grpc::ServerUnaryReactor* GetAssessment(grpc::CallbackServerContext*,
                                          const v1::GetAssessmentRequest*,
                                          v1::GetAssessmentResponse*) override;
  grpc::ServerUnaryReactor* ListAssessments(grpc::CallbackServerContext*,
                                            const v1::ListAssessmentsRequest*,
                                            v1::ListAssessmentsResponse*) override;
  grpc::ServerUnaryReactor* ExplainAssessment(grpc::CallbackServerContext*,
                                              const v1::ExplainAssessmentRequest*,
                                              v1::ExplainAssessmentResponse*) override;

  // ---- Accountability (accountability_handlers.cc) ----
  grpc::ServerUnaryReactor* ListAccountabilitySuggestions(
      grpc::CallbackServerContext*, const v1::ListAccountabilitySuggestionsRequest*,
      v1::ListAccountabilitySuggestionsResponse*) override;
  grpc::ServerUnaryReactor* RecordAccountability(grpc::CallbackServerContext*,
                                                 const v1::RecordAccountabilityRequest*,
                                                 v1::RecordAccountabilityResponse*) override;
  grpc::ServerUnaryReactor* ListAccountability(grpc::CallbackServerContext*,
                                               const v1::ListAccountabilityRequest*,
                                               v1::ListAccountabilityResponse*) override;

 private:
  // The clock's time in the microseconds a DATETIME(6) column keeps.
  absl::Time Now() const;

  // ---- Events (event_handlers.cc) ----
  // Subscribes to the events that say who acted on a complaint and whether on time.
  void SubscribeToEvents();
  template <typename Message>
  void LearnFrom();
  // Stores what one event taught, in its delivery's transaction.
  absl::Status Keep(db::Transaction& tx, const complaints::common::v1::Event& event,
                    const assessment::Learnt& learnt);

  // ---- The quarterly assessment (quarterly_assessment_handlers.cc) ----
  // What RunQuarterlyAssessment runs: the figures, grades and targeted training of everyone who
  // touched a case in the quarter, replacing an earlier run's.
  absl::Status RunAssessment(int year, int quarter, v1::RunQuarterlyAssessmentResponse* out);
  // One person's grade and what it leads to; enrols them in their role's plan when it says so.
  v1::Assessment AssessPerson(db::Transaction& tx, const assessment::Quarter& q,
                              const std::string& staff_id, const assessment::PersonFigures& f,
                              int run_number, absl::Time now, int& enrolled);
  // The run's counters and the grade gauges, once it committed.
  void CountRun(const v1::RunQuarterlyAssessmentResponse& run, int enrolled);
  absl::Status LoadAssessment(int year, int quarter, const std::string& staff_id,
                              v1::Assessment* out,
                              google::protobuf::RepeatedPtrField<v1::AssessmentEvidence>* evidence);

  server::ServiceRuntime& rt_;
  const assessment::AssessmentRules rules_;
  metrics::CachedCounter runs_;
  metrics::CachedGauge grades_;
  metrics::CachedCounter enrolments_;
  metrics::CachedCounter completions_;
  metrics::CachedCounter suggestions_;
  metrics::CachedCounter records_;
};

}  // namespace tousu::staff
