#include "tools/tousuctl/service_call.h"

#include <ostream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "tools/tousuctl/strings.h"
#include "tools/tousuctl/table.h"

namespace tousu::ctl {

CallSettings CheckBeforeRepeating(std::string command) {
  return {
      .after_failure = [command = std::move(command)](std::ostream& err, const grpc::Status& s) {
        if (Retryable(s.error_code())) {
          err << "  It may or may not have been recorded: check with '" << command
              << "' before running it again.\n";
        }
      }};
}

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::ABORTED ||
         code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::CANCELLED;
}

int CallFailed(const Call& c, const Endpoint& endpoint, const grpc::Status& s) {
  c.err << "tousuctl: " << c.verb << ": "
        << absl::StatusCodeToString(static_cast<absl::StatusCode>(s.error_code())) << ": "
        << SanitizeLine(s.error_message()) << "\n";
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    c.err << "  (is the " << endpoint.service << " service running at " << endpoint.address
          << "? --" << endpoint.flag << " or TOUSU_CTL_" << absl::AsciiStrToUpper(endpoint.flag)
          << "_ADDR sets its address)\n";
  } else if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    c.err << "  (no answer from the " << endpoint.service << " service at " << endpoint.address
          << " within " << absl::FormatDuration(c.options.timeout)
          << "; --timeout sets the limit)\n";
  }
  return kExitCallFailed;
}

}  // namespace tousu::ctl
