#pragma once
// Terminal tables of the assessment API's answers (tousuctl training / assessment /
// accountability ...). None of these answers carries a phone or an email: people appear by staff
// id, so there is nothing to mask.

#include <string>

#include "complaints/staff/v1/assessment.pb.h"

namespace tousu::ctl {

std::string RenderCourses(
    const google::protobuf::RepeatedPtrField<complaints::staff::v1::TrainingCourse>& courses);
std::string RenderPlans(
    const google::protobuf::RepeatedPtrField<complaints::staff::v1::TrainingPlan>& plans);
std::string RenderEnrolments(
    const google::protobuf::RepeatedPtrField<complaints::staff::v1::Enrolment>& enrolments);
// One row per person (counts), then every enrolment.
std::string RenderTrainingStatus(const complaints::staff::v1::ListTrainingStatusResponse& response);

// The run's header (quarter, run number, whether it replaced one, weights and thresholds), then
// everyone's figures.
std::string RenderAssessmentRun(const complaints::staff::v1::RunQuarterlyAssessmentResponse& run);
std::string RenderAssessments(
    const google::protobuf::RepeatedPtrField<complaints::staff::v1::Assessment>& assessments);
// One person's figures, grade and consequences, and their accountability records.
std::string RenderAssessment(const complaints::staff::v1::Assessment& assessment);
// The assessment, then every fact behind it.
std::string RenderExplanation(const complaints::staff::v1::ExplainAssessmentResponse& response);

std::string RenderSuggestions(
    const google::protobuf::RepeatedPtrField<complaints::staff::v1::AccountabilitySuggestion>&
        list);
std::string RenderAccountabilityRecords(
    const google::protobuf::RepeatedPtrField<complaints::staff::v1::AccountabilityRecord>& list);

}  // namespace tousu::ctl
