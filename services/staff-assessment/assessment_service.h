#pragma once
// complaints.staff.v1.AssessmentService: training (§9.1), the quarterly assessment (§9.2) and
// accountability (§10), served by the staff-assessment process beside the directory. It learns who
// did what, and when, only from the routing, case-handling and follow-up events (EventSink); the
// rules live in domain/assessment.h, the SQL in repository/assessment_repository.h.
//
// Configuration (TOUSU_STAFF_ASSESSMENT_..., checked at start-up, a bad value stops it naming the
// variable):
//   WEIGHT_TIMELINESS (0.4), WEIGHT_SATISFACTION (0.3), WEIGHT_EFFECTIVENESS (0.3): numbers 0..100,
//     not all 0; only their ratios matter.
//   GRADE_EXCELLENT_AT (90), GRADE_PASS_AT (60): score thresholds 0..100, pass <= excellent.

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/statusor.h"
#include "common/config/config.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/staff/v1/assessment.grpc.pb.h"
#include "services/staff-assessment/domain/assessment.h"
#include "services/staff-assessment/domain/directory.h"

namespace tousu::staff {

inline constexpr char kAssessmentGrpcServiceName[] = "complaints.staff.v1.AssessmentService";
inline constexpr char kAssessmentCompleted[] = "AssessmentCompleted";
inline constexpr char kAccountabilityRecorded[] = "AccountabilityRecorded";

// The weights and thresholds from the keys above, validated.
absl::StatusOr<assessment::Policy> AssessmentPolicyFromConfig(const config::Config& cfg);

class AssessmentService final : public v1::AssessmentService::CallbackService {
 public:
  // `rt` must outlive the service; register with rt.AddService before rt.Start().
  AssessmentService(server::ServiceRuntime& rt, assessment::Policy policy);

  // Subscribes to the events that say who acted on a complaint and whether on time.
  void RegisterEventHandlers();

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
  grpc::ServerUnaryReactor* RecordTrainingCompletion(grpc::CallbackServerContext*,
                                                     const v1::RecordTrainingCompletionRequest*,
                                                     v1::RecordTrainingCompletionResponse*) override;
  grpc::ServerUnaryReactor* ListTrainingStatus(grpc::CallbackServerContext*,
                                               const v1::ListTrainingStatusRequest*,
                                               v1::ListTrainingStatusResponse*) override;
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
  grpc::ServerUnaryReactor* ListAccountabilitySuggestions(
      grpc::CallbackServerContext*, const v1::ListAccountabilitySuggestionsRequest*,
      v1::ListAccountabilitySuggestionsResponse*) override;
  grpc::ServerUnaryReactor* RecordAccountability(grpc::CallbackServerContext*,
                                                 const v1::RecordAccountabilityRequest*,
                                                 v1::RecordAccountabilityResponse*) override;
  grpc::ServerUnaryReactor* ListAccountability(grpc::CallbackServerContext*,
                                               const v1::ListAccountabilityRequest*,
                                               v1::ListAccountabilityResponse*) override;

  // What RunQuarterlyAssessment runs.
  absl::Status RunAssessment(int year, int quarter, v1::RunQuarterlyAssessmentResponse* out);

 private:
  template <typename Msg, typename Apply>
  void OnEvent(const char* type, Apply apply);
  // Stores one activity row and, when a rule applies, a suggestion, in the delivery's transaction.
  void Record(db::Transaction& tx, const assessment::Activity& row);
  void Skip(const complaints::common::v1::Event& event, const std::string& reason);
  absl::Time Now() const;
  absl::Status LoadAssessment(int year, int quarter, const std::string& staff_id,
                              v1::Assessment* out,
                              google::protobuf::RepeatedPtrField<v1::AssessmentEvidence>* evidence);

  server::ServiceRuntime& rt_;
  const assessment::Policy policy_;
  metrics::CachedCounter runs_;
  metrics::CachedGauge grades_;
  metrics::CachedCounter enrolments_;
  metrics::CachedCounter completions_;
  metrics::CachedCounter suggestions_;
  metrics::CachedCounter records_;
  metrics::CachedCounter skipped_;
};

}  // namespace tousu::staff
