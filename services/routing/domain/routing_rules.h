#pragma once
// Routing's rules (policy §5), pure and clock-free: the caller passes the time, the routing
// rules table and what the staff directory said. The repository loads an Assignment, a step
// below checks and changes it and returns the hops to record, and the service writes them and
// the step's event in one transaction.
//
//   received --route--> ROUTED --acknowledge--> ACKNOWLEDGED
//   ROUTED --reject--> ROUTED to the next department (fewer than max_bounces so far)
//   ROUTED --reject--> WITH_SUPERVISOR (too many bounces, or no department left to try)
//   ROUTED --escalate (the window passed)--> WITH_SUPERVISOR, keeping its department, which
//                                            may still acknowledge it, late
//   received --route (complex, or no rule)--> WITH_SUPERVISOR --assign--> ROUTED
//   WITH_SUPERVISOR --queue overdue (supervisor_window passed)--> WITH_SUPERVISOR, once per stay,
//                                            the complaint office manager alerted
//
// Where a complaint goes:
//   - category: the one staff chose, else the classifier's;
//   - complex (several departments, critical severity, low confidence) → supervisor;
//   - else the rule for (category, project), else (category, any project) → department;
//   - the department must acknowledge within the window (1 hour, wall clock, 7x24).
//
// A step refused in the assignment's state, or for someone the directory says may not take it,
// is FAILED_PRECONDITION (PERMISSION_DENIED for a supervisor's step by someone who is not one),
// naming the request field at fault when there is one.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "complaints/routing/v1/routing.pb.h"
#include "complaints/staff/v1/staff.pb.h"
#include "services/routing/domain/assignment.h"
#include "services/routing/domain/classifier.h"

namespace tousu::routing {

struct Rule {
  Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  std::string project;  // "" = any project
  std::string department_id;
};

struct Policy {
  double low_confidence = 0.6;  // classifier confidence below this goes to the supervisor
  int max_bounces = 2;          // rejections before the supervisor takes over
  absl::Duration ack_window = absl::Hours(1);
  // How long a complaint may wait in the supervisor queue for a decision (wall clock, 7x24).
  absl::Duration supervisor_window = absl::Hours(1);
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

// Why a complaint waits for a supervisor after its deadline passed (supervisor_reason).
inline constexpr char kAcknowledgementOverdue[] = "acknowledgement_overdue";

// Where a rejected complaint goes next.
struct Reroute {
  bool to_supervisor = false;
  std::string reason;  // when to the supervisor
  std::string department_id;
  Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
};

// A rejection's two hops: the department sending the complaint back, then where it went.
struct Rejection {
  Hop rejected;
  Hop next;  // routed to the next department, or sent to the supervisor
};

// The department for a category and project: the project's own rule, else the category's
// general rule; departments in `exclude` are skipped.
std::optional<std::string> DepartmentFor(Category category, const std::string& project,
                                         const std::vector<Rule>& rules,
                                         const std::set<std::string>& exclude = {});

// Departments a complaint was routed or assigned to so far, from its hops.
std::set<std::string> TriedDepartments(const std::vector<Hop>& hops);

class RoutingRules {
 public:
  explicit RoutingRules(Policy policy) : policy_(policy) {}

  const Policy& policy() const { return policy_; }

  // --- Where a complaint goes -------------------------------------------------------------------

  Decision Decide(const RoutingInput& input, const std::vector<Rule>& rules) const;
  // After a rejection: the supervisor once `bounces_so_far` reached max_bounces; else the named
  // department if any, else the department of the next category in the ranking not yet tried;
  // the supervisor when none is left.
  Reroute AfterRejection(int bounces_so_far, const std::string& named_department, Category current,
                         const std::vector<Category>& ranking, const std::string& project,
                         const std::vector<Rule>& rules, const std::set<std::string>& tried) const;

  // --- The acknowledgement window ---------------------------------------------------------------

  // A department given the complaint at `assigned_at` must acknowledge it by then.
  absl::Time AckDue(absl::Time assigned_at) const { return assigned_at + policy_.ack_window; }
  static bool AckOnTime(absl::Time acknowledged_at, absl::Time ack_due) {
    return acknowledged_at <= ack_due;
  }
  // Acknowledgement deadlines that passed go to the supervisor, once each.
  bool IsOverdue(const Assignment& a, absl::Time now) const;

  // --- The supervisor queue's window -------------------------------------------------------------

  // A complaint entering the supervisor queue at `now` must be decided on by then.
  absl::Time QueueDue(absl::Time now) const { return now + policy_.supervisor_window; }
  // Still in the queue past its deadline and not escalated for this stay yet.
  bool IsQueueOverdue(const Assignment& a, absl::Time now) const;

  // --- Who may act (as the staff directory describes them) -------------------------------------

  // Acknowledging: active staff of the department acknowledging.
  absl::Status CheckAcknowledger(const complaints::staff::v1::Staff& owner,
                                 const std::string& department_id) const;
  // Sending back: active staff of the department sending it back.
  absl::Status CheckRejecter(const complaints::staff::v1::Staff& staff,
                             const std::string& department_id) const;
  // Assigning from the supervisor queue: an active supervisor.
  absl::Status CheckSupervisor(const complaints::staff::v1::Staff& supervisor) const;
  // A department a request names for routing (a rule's, a reroute's, a supervisor's choice).
  absl::Status CheckDepartmentActive(const complaints::staff::v1::Department& department) const;

  // --- Steps: each changes `a` and returns the hops to record ----------------------------------

  // A new complaint (number, receipt and facts set) as `decision` says. Its window runs from
  // receipt, not from when routing heard of it: a late delivery must not push the customer's
  // deadline back (a receipt later than `now` counts as `now`).
  Hop Route(Assignment& a, const Decision& decision, absl::Time now) const;
  // A routed complaint, or an escalated one still with its department, taken by `owner`.
  absl::StatusOr<Hop> Acknowledge(
      Assignment& a, const complaints::routing::v1::AcknowledgeAssignmentRequest& request,
      absl::Time now) const;
  // A routed, unacknowledged complaint sent back; `hops` are its hops so far.
  absl::StatusOr<Rejection> Reject(Assignment& a,
                                   const complaints::routing::v1::RejectAssignmentRequest& request,
                                   const std::vector<Rule>& rules, const std::vector<Hop>& hops,
                                   absl::Time now) const;
  // A complaint in the supervisor queue given to a lead department (and assisting ones).
  absl::StatusOr<Hop> AssignBySupervisor(
      Assignment& a, const complaints::routing::v1::AssignBySupervisorRequest& request,
      absl::Time now) const;
  // An overdue complaint (IsOverdue) to the supervisor; its department keeps it meanwhile.
  Hop Escalate(Assignment& a, absl::Time now) const;
  // A complaint waiting in the supervisor queue past its deadline (IsQueueOverdue): marked, so
  // that each stay in the queue is escalated once; it stays in the queue.
  Hop EscalateQueue(Assignment& a, absl::Time now) const;

 private:
  // `a` enters the supervisor queue at `now` (its window starts).
  void EnterQueue(Assignment& a, absl::Time now) const;
  // `a` leaves the supervisor queue.
  static void LeaveQueue(Assignment& a);

  Policy policy_;
};

}  // namespace tousu::routing
