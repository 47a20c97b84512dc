#pragma once
// The readable (table) form of the follow-up service's responses (tousuctl follow-up ...): one
// complaint's tracker, progress updates and callbacks; a staff member's tasks. Pure functions:
// tested without a server.

#include <string>

#include "absl/time/time.h"
#include "complaints/followup/v1/followup.pb.h"

namespace tousu::ctl {

std::string RenderFollowUp(const complaints::followup::v1::FollowUp& follow_up, absl::Time now);
std::string RenderCallback(const complaints::followup::v1::Callback& callback, absl::Time now);
std::string RenderDueTasks(const complaints::followup::v1::ListDueTasksResponse& response,
                           absl::Time now);

}  // namespace tousu::ctl
