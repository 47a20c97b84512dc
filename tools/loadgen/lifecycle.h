#pragma once
// The "lifecycle" mix: one complaint from submission to closed through every service, as a chain
// of blocking calls and polls (the loop that drives many of them is the runner's).

#include <cstdint>
#include <string>

#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"

namespace tousu::loadgen {

struct LifecycleStubs {
  complaints::intake::v1::IntakeService::Stub* intake;
  complaints::routing::v1::RoutingService::Stub* routing;
  complaints::casehandling::v1::CaseService::Stub* cases;
  complaints::followup::v1::FollowUpService::Stub* followup;
};

// Submits the `index`-th sample complaint under `request_id`, then acknowledges, proposes,
// accepts, resolves and records the callback, waiting (up to 30 s each) for every state to show;
// each call ends by `deadline_s`. "" once intake shows it closed; otherwise the step that failed,
// "step:CODE" or "state:TIMEOUT".
std::string RunLifecycle(const LifecycleStubs& stubs, const std::string& request_id, int64_t index,
                         double deadline_s);

}  // namespace tousu::loadgen
