#pragma once
// The one table that turns Tousu's internal statuses into what callers see. Internal errors
// never carry SQL text or stack traces to callers: their detail goes to the log only.

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace tousu::status {

// absl and gRPC share code numbers; INTERNAL and UNKNOWN messages are replaced by a generic one.
grpc::Status ToGrpc(const absl::Status& s);
// gRPC's spelling of a code as Prometheus labels use it: "OK", "InvalidArgument", ...
const char* CodeName(grpc::StatusCode code);
// The code's constant name as gRPC writes it in text: "OK", "INVALID_ARGUMENT", ...; "CODE_<n>"
// for a number no code has (the tools' reports and logs).
std::string CodeConstantName(int code);

}  // namespace tousu::status
