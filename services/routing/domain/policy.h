#pragma once
// Routing rules of the policy (§5), pure and clock-free: the caller passes the times.
//   - category: the one staff chose, else the classifier's;
//   - complex (several departments, critical severity, low confidence) → supervisor;
//   - else the rule for (category, project), else (category, any project) → department;
//   - the department must acknowledge within 1 hour, wall clock, 7x24.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "complaints/common/v1/types.pb.h"
#include "services/routing/domain/classifier.h"

namespace tousu::routing {

using complaints::common::v1::Category;
using complaints::common::v1::Severity;

struct Rule {
  Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  std::string project;  // "" = any project
  std::string department_id;
};

struct Policy {
  double low_confidence = 0.6;  // classifier confidence below this goes to the supervisor
  int max_bounces = 2;          // rejections before the supervisor takes over
  absl::Duration ack_window = absl::Hours(1);
};

struct RoutingInput {
  Category staff_category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  Severity severity = complaints::common::v1::SEVERITY_UNSPECIFIED;
  std::string project;
  // Required when staff chose no category.
  std::optional<Classification> classification;
};

struct Decision {
  Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  std::string category_source;  // "staff" or "classifier"
  double confidence = 1.0;
  // Categories in order of likelihood (the chosen one first): where a rejected complaint goes next.
  std::vector<Category> ranking;
  bool to_supervisor = false;
  std::string supervisor_reason;  // see ComplaintSentToSupervisor.reason
  std::string department_id;      // when routed
};

// The department for a category and project: the project's own rule, else the category's
// general rule; departments in `exclude` are skipped.
std::optional<std::string> DepartmentFor(Category category, const std::string& project,
                                         const std::vector<Rule>& rules,
                                         const std::set<std::string>& exclude = {});

Decision Decide(const RoutingInput& input, const std::vector<Rule>& rules, const Policy& policy);

// Where a rejected complaint goes next: the named department if any, else the department of the
// next category in the ranking not yet tried; nullopt → the supervisor.
struct Reroute {
  bool to_supervisor = false;
  std::string reason;  // when to the supervisor
  std::string department_id;
  Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
};
Reroute AfterRejection(int bounces_so_far, const std::string& named_department, Category current,
                       const std::vector<Category>& ranking, const std::string& project,
                       const std::vector<Rule>& rules, const std::set<std::string>& tried,
                       const Policy& policy);

inline absl::Time AckDue(absl::Time routed_at, const Policy& policy) { return routed_at + policy.ack_window; }
inline bool AckOnTime(absl::Time acknowledged_at, absl::Time ack_due) { return acknowledged_at <= ack_due; }

}  // namespace tousu::routing
