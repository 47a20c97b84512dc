#pragma once
// What the case verbs (commands_case.cc, commands_case_solution.cc) share.

#include <string>

#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "tools/tousuctl/service_call.h"

namespace tousu::ctl {

Api<complaints::casehandling::v1::CaseService> CaseApi(const Call& c);

// A case write is not safe to repeat: on an unknown outcome, 'tousuctl case get NUMBER' tells.
CallSettings CheckCaseBeforeRepeating(const std::string& number);

}  // namespace tousu::ctl
