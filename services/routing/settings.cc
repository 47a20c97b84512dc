#include "services/routing/settings.h"

#include <limits>

namespace tousu::routing {

absl::StatusOr<RoutingSettings> RoutingSettings::FromConfig(const config::Config& cfg) {
  RoutingSettings s;
  auto staff = cfg.Require("STAFF_ASSESSMENT_ADDR");
  if (!staff.ok()) return staff.status();
  s.staff_directory_address = *staff;
  auto examples = cfg.Require("CLASSIFIER_EXAMPLES");
  if (!examples.ok()) return examples.status();
  s.classifier_examples_path = *examples;
  auto low_confidence = cfg.DoubleInRange("LOW_CONFIDENCE", s.policy.low_confidence, 0, 1);
  if (!low_confidence.ok()) return low_confidence.status();
  s.policy.low_confidence = *low_confidence;
  auto bounces =
      cfg.IntInRange("MAX_BOUNCES", s.policy.max_bounces, 0, std::numeric_limits<int>::max());
  if (!bounces.ok()) return bounces.status();
  s.policy.max_bounces = static_cast<int>(*bounces);
  auto window = cfg.PositiveDurationOr("ACK_WINDOW", s.policy.ack_window);
  if (!window.ok()) return window.status();
  s.policy.ack_window = *window;
  auto supervisor_window = cfg.PositiveDurationOr("SUPERVISOR_WINDOW", s.policy.supervisor_window);
  if (!supervisor_window.ok()) return supervisor_window.status();
  s.policy.supervisor_window = *supervisor_window;
  auto interval = cfg.PositiveDurationOr("ESCALATION_INTERVAL", s.escalation_interval);
  if (!interval.ok()) return interval.status();
  s.escalation_interval = *interval;
  return s;
}

}  // namespace tousu::routing
