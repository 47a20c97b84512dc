#pragma once
// Terminal tables of the analytics service's answers (tousuctl analytics ...).

#include <string>

#include "complaints/analytics/v1/analytics.pb.h"

namespace tousu::ctl {

std::string RenderMonthlySummary(const complaints::analytics::v1::MonthlySummary& summary);
std::string RenderTrend(const complaints::analytics::v1::GetTrendResponse& response);
std::string RenderAlerts(
    const google::protobuf::RepeatedPtrField<complaints::analytics::v1::SpikeAlert>& alerts);
std::string RenderRollupCheck(const complaints::analytics::v1::CheckRollupsResponse& response);

}  // namespace tousu::ctl
