#pragma once
// The routing service's settings: TOUSU_ROUTING_<KEY> variables or --<key> flags.
//   STAFF_ASSESSMENT_ADDR  the staff directory (required)
//   CLASSIFIER_EXAMPLES    the labelled complaints the classifier trains on at start-up (required)
//   LOW_CONFIDENCE         classifier confidence below which the supervisor decides (0..1, 0.6)
//   MAX_BOUNCES            rejections before the supervisor takes over (2)
//   ACK_WINDOW             how long a department has to acknowledge (1h)
//   SUPERVISOR_WINDOW      how long a complaint may wait in the supervisor queue before the
//                          complaint office manager is alerted (1h, wall clock, 7x24)
//   ESCALATION_INTERVAL    how often overdue acknowledgements are looked for (1s)

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "services/routing/domain/routing_rules.h"

namespace tousu::routing {

struct RoutingSettings {
  std::string staff_directory_address;
  std::string classifier_examples_path;
  Policy policy;
  absl::Duration escalation_interval = absl::Seconds(1);
  absl::Duration staff_timeout = absl::Seconds(2);

  static absl::StatusOr<RoutingSettings> FromConfig(const config::Config& cfg);
};

}  // namespace tousu::routing
