#pragma once
// Terminal table of a service's audit trail (tousuctl audit SERVICE SUBJECT).

#include <string>

#include "complaints/common/v1/audit.pb.h"

namespace tousu::ctl {

std::string RenderAuditTrail(const complaints::common::v1::GetAuditTrailResponse& response);

}  // namespace tousu::ctl
