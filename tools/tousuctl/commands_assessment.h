#pragma once
// The staff-assessment service's second API, which the training verbs (commands_training.cc) and
// the assessment and accountability verbs (commands_assessment.cc) call.

#include "complaints/staff/v1/assessment.grpc.pb.h"
#include "tools/tousuctl/service_call.h"

namespace tousu::ctl {

Api<complaints::staff::v1::AssessmentService> AssessmentApi(const Call& c);

}  // namespace tousu::ctl
