// Routing rules of the policy (§5), without a database.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "services/routing/domain/routing_rules.h"

namespace tousu::routing {
namespace {

namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
namespace sv1 = complaints::staff::v1;

const std::vector<Rule> kRules = {
    {cv1::CATEGORY_PRODUCT_QUALITY, "", "engineering"},
    {cv1::CATEGORY_SALES_SERVICE, "", "sales"},
    {cv1::CATEGORY_HANDOVER, "", "handover"},
    {cv1::CATEGORY_PROPERTY_SERVICE, "", "property"},
    {cv1::CATEGORY_PROPERTY_SERVICE, "翠湖花园", "property-cuihu"},
};

Classification Classified(Category c, double confidence, std::vector<CategoryScore> others = {}) {
  Classification out;
  out.category = c;
  out.confidence = confidence;
  out.others = std::move(others);
  return out;
}

TEST(RoutingPolicy, TheCategoryStaffChoseWinsOverTheClassifier) {
  RoutingInput in;
  in.staff_category = cv1::CATEGORY_HANDOVER;
  in.severity = cv1::SEVERITY_MEDIUM;
  in.classification = Classified(cv1::CATEGORY_PRODUCT_QUALITY, 0.99);
  auto d = RoutingRules(Policy{}).Decide(in, kRules);
  EXPECT_FALSE(d.to_supervisor);
  EXPECT_EQ(d.category, cv1::CATEGORY_HANDOVER);
  EXPECT_EQ(d.category_source, "staff");
  EXPECT_EQ(d.department_id, "handover");
}

TEST(RoutingPolicy, AClearComplaintGoesToTheDepartmentOfItsCategory) {
  RoutingInput in;
  in.severity = cv1::SEVERITY_HIGH;
  in.classification = Classified(cv1::CATEGORY_PRODUCT_QUALITY, 0.93);
  auto d = RoutingRules(Policy{}).Decide(in, kRules);
  EXPECT_FALSE(d.to_supervisor);
  EXPECT_EQ(d.department_id, "engineering");
  EXPECT_EQ(d.category_source, "classifier");
  ASSERT_EQ(d.ranking.size(), 4u);
  EXPECT_EQ(d.ranking.front(), cv1::CATEGORY_PRODUCT_QUALITY);
}

TEST(RoutingPolicy, AProjectsOwnRuleComesBeforeTheGeneralOne) {
  RoutingInput in;
  in.staff_category = cv1::CATEGORY_PROPERTY_SERVICE;
  in.project = "翠湖花园";
  EXPECT_EQ(RoutingRules(Policy{}).Decide(in, kRules).department_id, "property-cuihu");
  in.project = "其他项目";
  EXPECT_EQ(RoutingRules(Policy{}).Decide(in, kRules).department_id, "property");
}

TEST(RoutingPolicy, ACriticalComplaintGoesToTheSupervisor) {
  RoutingInput in;
  in.staff_category = cv1::CATEGORY_PRODUCT_QUALITY;
  in.severity = cv1::SEVERITY_CRITICAL;
  auto d = RoutingRules(Policy{}).Decide(in, kRules);
  EXPECT_TRUE(d.to_supervisor);
  EXPECT_EQ(d.supervisor_reason, "critical_severity");
}

TEST(RoutingPolicy, LowClassifierConfidenceGoesToTheSupervisor) {
  RoutingInput in;
  in.classification = Classified(cv1::CATEGORY_SALES_SERVICE, 0.45);
  auto d = RoutingRules(Policy{.low_confidence = 0.6}).Decide(in, kRules);
  EXPECT_TRUE(d.to_supervisor);
  EXPECT_EQ(d.supervisor_reason, "low_confidence");
  in.classification = Classified(cv1::CATEGORY_SALES_SERVICE, 0.65);
  EXPECT_FALSE(RoutingRules(Policy{.low_confidence = 0.6}).Decide(in, kRules).to_supervisor);
}

TEST(RoutingPolicy, AComplaintTouchingSeveralDepartmentsGoesToTheSupervisor) {
  RoutingInput in;
  in.classification =
      Classified(cv1::CATEGORY_HANDOVER, 0.7, {{cv1::CATEGORY_PRODUCT_QUALITY, 0.28}});
  auto d = RoutingRules(Policy{}).Decide(in, kRules);
  EXPECT_TRUE(d.to_supervisor);
  EXPECT_EQ(d.supervisor_reason, "several_departments");
}

TEST(RoutingPolicy, ACategoryWithoutARuleGoesToTheSupervisor) {
  RoutingInput in;
  in.staff_category = cv1::CATEGORY_SALES_SERVICE;
  auto d = RoutingRules(Policy{}).Decide(in, {{cv1::CATEGORY_HANDOVER, "", "handover"}});
  EXPECT_TRUE(d.to_supervisor);
  EXPECT_EQ(d.supervisor_reason, "no_routing_rule");
}

TEST(RoutingPolicy, TheDepartmentMustAcknowledgeWithinOneHourAroundTheClock) {
  const absl::Time routed =
      absl::FromCivil(absl::CivilSecond(2026, 2, 17, 3, 0, 0), absl::UTCTimeZone());
  const Policy policy;
  const RoutingRules rules(policy);
  EXPECT_EQ(rules.AckDue(routed), routed + absl::Hours(1));  // a holiday night changes nothing
  EXPECT_TRUE(RoutingRules::AckOnTime(routed + absl::Minutes(60), rules.AckDue(routed)));
  EXPECT_FALSE(
      RoutingRules::AckOnTime(routed + absl::Minutes(60) + absl::Seconds(1), rules.AckDue(routed)));
}

TEST(RoutingPolicy, ARejectedComplaintGoesToTheNextLikelyDepartmentNotYetTried) {
  const std::vector<Category> ranking = {cv1::CATEGORY_PROPERTY_SERVICE,
                                         cv1::CATEGORY_PRODUCT_QUALITY, cv1::CATEGORY_HANDOVER,
                                         cv1::CATEGORY_SALES_SERVICE};
  auto r = RoutingRules(Policy{}).AfterRejection(0, "", cv1::CATEGORY_PROPERTY_SERVICE, ranking, "",
                                                 kRules, {"property"});
  EXPECT_FALSE(r.to_supervisor);
  EXPECT_EQ(r.department_id, "engineering");
  EXPECT_EQ(r.category, cv1::CATEGORY_PRODUCT_QUALITY);
}

TEST(RoutingPolicy, ADepartmentNamedByTheCoordinatorWins) {
  auto r = RoutingRules(Policy{}).AfterRejection(0, "handover", cv1::CATEGORY_PRODUCT_QUALITY,
                                                 {cv1::CATEGORY_PRODUCT_QUALITY}, "", kRules,
                                                 {"engineering"});
  EXPECT_FALSE(r.to_supervisor);
  EXPECT_EQ(r.department_id, "handover");
}

TEST(RoutingPolicy, TooManyBouncesSendTheComplaintToTheSupervisor) {
  auto r = RoutingRules(Policy{.max_bounces = 2})
               .AfterRejection(2, "handover", cv1::CATEGORY_PRODUCT_QUALITY, {}, "", kRules, {});
  EXPECT_TRUE(r.to_supervisor);
  EXPECT_EQ(r.reason, "too_many_bounces");
}

TEST(RoutingPolicy, WhenEveryDepartmentWasTriedTheSupervisorDecides) {
  const std::vector<Category> ranking = {cv1::CATEGORY_SALES_SERVICE};
  auto r = RoutingRules(Policy{.max_bounces = 5})
               .AfterRejection(1, "", cv1::CATEGORY_SALES_SERVICE, ranking, "", kRules, {"sales"});
  EXPECT_TRUE(r.to_supervisor);
  EXPECT_EQ(r.reason, "no_routing_rule");
}

// --- The steps of an assignment ------------------------------------------------------------------

const absl::Time kNoon =
    absl::FromCivil(absl::CivilSecond(2026, 11, 3, 12, 0, 0), absl::UTCTimeZone());

// A complaint routed to engineering at `routed_at`, due an hour later.
Assignment RoutedToEngineering(absl::Time routed_at = kNoon) {
  Assignment a;
  a.number = "TS-202611-000001";
  a.state = rv1::ASSIGNMENT_STATE_ROUTED;
  a.category = cv1::CATEGORY_PRODUCT_QUALITY;
  a.ranking = {cv1::CATEGORY_PRODUCT_QUALITY, cv1::CATEGORY_HANDOVER, cv1::CATEGORY_SALES_SERVICE,
               cv1::CATEGORY_PROPERTY_SERVICE};
  a.department_id = "engineering";
  a.received_at = routed_at;
  a.routed_at = routed_at;
  a.ack_due = routed_at + absl::Hours(1);
  a.hop = 1;
  return a;
}

sv1::Staff StaffOf(const std::string& department, sv1::StaffRole role, bool active = true) {
  sv1::Staff s;
  s.set_id("S0001");
  s.set_department_id(department);
  s.set_role(role);
  s.set_active(active);
  return s;
}

rv1::AcknowledgeAssignmentRequest AckBy(const std::string& department, const std::string& owner) {
  rv1::AcknowledgeAssignmentRequest req;
  req.set_number("TS-202611-000001");
  req.set_department_id(department);
  req.set_owner_staff_id(owner);
  return req;
}

rv1::RejectAssignmentRequest RejectBy(const std::string& department,
                                      const std::string& reroute = "") {
  rv1::RejectAssignmentRequest req;
  req.set_number("TS-202611-000001");
  req.set_department_id(department);
  req.set_staff_id("S0002");
  req.set_reason("不属于本部门");
  req.set_reroute_to_department_id(reroute);
  return req;
}

Hop RoutedHop(const std::string& department) {
  return {.hop = 1,
          .action = kHopRouted,
          .department_id = department,
          .staff_id = "",
          .reason = "",
          .at = kNoon};
}

TEST(RoutingRules, AComplaintsHourRunsFromReceiptNotFromWhenRoutingHeardOfIt) {
  const RoutingRules rules{Policy{}};
  Assignment a;
  a.received_at = kNoon - absl::Minutes(40);
  Decision d;
  d.category = cv1::CATEGORY_PRODUCT_QUALITY;
  d.category_source = "classifier";
  d.department_id = "engineering";
  const Hop hop = rules.Route(a, d, kNoon);
  EXPECT_EQ(a.state, rv1::ASSIGNMENT_STATE_ROUTED);
  EXPECT_EQ(a.department_id, "engineering");
  EXPECT_EQ(a.routed_at, kNoon);
  EXPECT_EQ(a.ack_due, kNoon + absl::Minutes(20));
  EXPECT_EQ(hop.hop, 1);
  EXPECT_EQ(hop.action, "routed");
  EXPECT_EQ(hop.reason, "rule:product_quality");
  // A receipt stamped later than routing's own clock counts from now.
  Assignment ahead;
  ahead.received_at = kNoon + absl::Minutes(5);
  rules.Route(ahead, d, kNoon);
  EXPECT_EQ(ahead.ack_due, kNoon + absl::Hours(1));
}

TEST(RoutingRules, AComplaintForTheSupervisorHasNoDepartmentOrDeadline) {
  Assignment a;
  a.received_at = kNoon;
  Decision d;
  d.category = cv1::CATEGORY_SALES_SERVICE;
  d.to_supervisor = true;
  d.supervisor_reason = "critical_severity";
  const Hop hop = RoutingRules(Policy{}).Route(a, d, kNoon);
  EXPECT_EQ(a.state, rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
  EXPECT_EQ(a.supervisor_reason, "critical_severity");
  EXPECT_EQ(a.department_id, "");
  EXPECT_FALSE(a.ack_due.has_value());
  EXPECT_EQ(hop.action, "sent_to_supervisor");
  EXPECT_EQ(hop.reason, "critical_severity");
}

TEST(RoutingRules, OnlyActiveStaffOfTheDepartmentMayAcknowledge) {
  const RoutingRules rules{Policy{}};
  EXPECT_TRUE(
      rules.CheckAcknowledger(StaffOf("engineering", sv1::STAFF_ROLE_ENGINEER), "engineering")
          .ok());
  const absl::Status inactive = rules.CheckAcknowledger(
      StaffOf("engineering", sv1::STAFF_ROLE_ENGINEER, false), "engineering");
  EXPECT_EQ(inactive.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(inactive.message(), "owner_staff_id: not active staff");
  const absl::Status elsewhere =
      rules.CheckAcknowledger(StaffOf("property", sv1::STAFF_ROLE_HANDLER), "engineering");
  EXPECT_EQ(elsewhere.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(elsewhere.message(), "owner_staff_id: not staff of this department");
}

TEST(RoutingRules, OnlyActiveStaffOfTheDepartmentMaySendAComplaintBack) {
  const RoutingRules rules{Policy{}};
  EXPECT_TRUE(rules.CheckRejecter(StaffOf("sales", sv1::STAFF_ROLE_HANDLER), "sales").ok());
  for (const sv1::Staff& s : {StaffOf("sales", sv1::STAFF_ROLE_HANDLER, false),
                              StaffOf("handover", sv1::STAFF_ROLE_HANDLER)}) {
    const absl::Status refused = rules.CheckRejecter(s, "sales");
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(refused.message(), "staff_id: not active staff of this department");
  }
}

TEST(RoutingRules, OnlyAnActiveSupervisorAssignsFromTheSupervisorQueue) {
  const RoutingRules rules{Policy{}};
  EXPECT_TRUE(rules.CheckSupervisor(StaffOf("customer-service", sv1::STAFF_ROLE_SUPERVISOR)).ok());
  for (const sv1::Staff& s : {StaffOf("customer-service", sv1::STAFF_ROLE_SUPERVISOR, false),
                              StaffOf("engineering", sv1::STAFF_ROLE_ENGINEER)}) {
    const absl::Status refused = rules.CheckSupervisor(s);
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(refused.message(), "supervisor_staff_id: not an active supervisor");
  }
}

TEST(RoutingRules, AnInactiveDepartmentCannotBeNamed) {
  sv1::Department d;
  d.set_id("engineering");
  d.set_active(true);
  EXPECT_TRUE(RoutingRules(Policy{}).CheckDepartmentActive(d).ok());
  d.set_active(false);
  EXPECT_EQ(RoutingRules(Policy{}).CheckDepartmentActive(d).message(), "department is not active");
}

TEST(RoutingRules, AnAcknowledgementWithinTheHourIsOnTimeAndNamesTheOwner) {
  Assignment a = RoutedToEngineering();
  auto hop = RoutingRules(Policy{}).Acknowledge(a, AckBy("engineering", "S0001"),
                                                kNoon + absl::Minutes(59));
  ASSERT_TRUE(hop.ok()) << hop.status();
  EXPECT_EQ(a.state, rv1::ASSIGNMENT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(a.owner_staff_id, "S0001");
  EXPECT_EQ(a.acknowledged_at, kNoon + absl::Minutes(59));
  EXPECT_EQ(a.ack_on_time, true);
  EXPECT_EQ(hop->action, "acknowledged");
  EXPECT_EQ(hop->staff_id, "S0001");
  EXPECT_EQ(hop->reason, "on_time");
}

TEST(RoutingRules, AnEscalatedComplaintMayStillBeAcknowledgedByItsDepartmentLate) {
  const RoutingRules rules{Policy{}};
  Assignment a = RoutedToEngineering();
  ASSERT_TRUE(rules.IsOverdue(a, kNoon + absl::Hours(1)));
  rules.Escalate(a, kNoon + absl::Hours(1));
  auto hop = rules.Acknowledge(a, AckBy("engineering", "S0001"), kNoon + absl::Hours(2));
  ASSERT_TRUE(hop.ok()) << hop.status();
  EXPECT_EQ(a.ack_on_time, false);
  EXPECT_EQ(hop->reason, "late");
}

TEST(RoutingRules, OnlyAComplaintWaitingForItsDepartmentCanBeAcknowledged) {
  const RoutingRules rules{Policy{}};
  Assignment a = RoutedToEngineering();
  const absl::Status other = rules.Acknowledge(a, AckBy("property", "S0001"), kNoon).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(other.message(), "department_id: the complaint is routed to another department");
  EXPECT_EQ(a.state, rv1::ASSIGNMENT_STATE_ROUTED);

  ASSERT_TRUE(rules.Acknowledge(a, AckBy("engineering", "S0001"), kNoon).ok());
  const absl::Status again = rules.Acknowledge(a, AckBy("engineering", "S0001"), kNoon).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "the complaint is not waiting for an acknowledgement");

  Assignment queued;
  queued.state = rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR;  // no department yet
  EXPECT_EQ(rules.Acknowledge(queued, AckBy("engineering", "S0001"), kNoon).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RoutingRules, ARejectionRoutesToTheNextDepartmentWithAFreshHour) {
  const RoutingRules rules{Policy{}};
  Assignment a = RoutedToEngineering();
  const absl::Time later = kNoon + absl::Minutes(30);
  auto r = rules.Reject(a, RejectBy("engineering"), kRules, {RoutedHop("engineering")}, later);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rejected.hop, 1);
  EXPECT_EQ(r->rejected.action, "rejected");
  EXPECT_EQ(r->rejected.department_id, "engineering");
  EXPECT_EQ(r->rejected.staff_id, "S0002");
  EXPECT_EQ(r->rejected.reason, "不属于本部门");
  EXPECT_EQ(a.state, rv1::ASSIGNMENT_STATE_ROUTED);
  EXPECT_EQ(a.department_id, "handover");  // the next category in the ranking
  EXPECT_EQ(a.category, cv1::CATEGORY_HANDOVER);
  EXPECT_EQ(a.bounces, 1);
  EXPECT_EQ(a.hop, 2);
  EXPECT_EQ(a.routed_at, later);
  EXPECT_EQ(a.ack_due, later + absl::Hours(1));
  EXPECT_EQ(r->next.hop, 2);
  EXPECT_EQ(r->next.action, "routed");
  EXPECT_EQ(r->next.reason, "next_rule");
}

TEST(RoutingRules, ADepartmentNamedOnRejectionIsRecordedAsTheCoordinatorsChoice) {
  Assignment a = RoutedToEngineering();
  auto r = RoutingRules(Policy{}).Reject(a, RejectBy("engineering", "sales"), kRules,
                                         {RoutedHop("engineering")}, kNoon);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(a.department_id, "sales");
  EXPECT_EQ(r->next.reason, "named_by_coordinator");
}

TEST(RoutingRules, ARejectionPastTheBounceLimitGoesToTheSupervisorWithoutADeadline) {
  Assignment a = RoutedToEngineering();
  a.bounces = 2;
  auto r = RoutingRules(Policy{.max_bounces = 2})
               .Reject(a, RejectBy("engineering"), kRules, {RoutedHop("engineering")}, kNoon);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(a.state, rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
  EXPECT_EQ(a.supervisor_reason, "too_many_bounces");
  EXPECT_EQ(a.department_id, "");
  EXPECT_FALSE(a.routed_at.has_value());
  EXPECT_FALSE(a.ack_due.has_value());
  EXPECT_EQ(a.bounces, 3);
  EXPECT_EQ(r->next.action, "sent_to_supervisor");
  EXPECT_EQ(r->next.reason, "too_many_bounces");
}

TEST(RoutingRules, OnlyARoutedComplaintOfTheRejectingDepartmentCanBeSentBack) {
  const RoutingRules rules{Policy{}};
  Assignment a = RoutedToEngineering();
  const absl::Status other = rules.Reject(a, RejectBy("sales"), kRules, {}, kNoon).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(other.message(), "department_id: the complaint is routed to another department");
  a.state = rv1::ASSIGNMENT_STATE_ACKNOWLEDGED;
  const absl::Status taken = rules.Reject(a, RejectBy("engineering"), kRules, {}, kNoon).status();
  EXPECT_EQ(taken.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(taken.message(), "only a routed, unacknowledged complaint can be sent back");
  EXPECT_EQ(a.bounces, 0);
}

TEST(RoutingRules, DepartmentsTriedAreThoseRoutedOrAssignedTo) {
  const std::vector<Hop> hops = {
      RoutedHop("engineering"),
      {.hop = 1,
       .action = kHopRejected,
       .department_id = "engineering",
       .staff_id = "",
       .reason = "",
       .at = kNoon},
      {.hop = 2,
       .action = kHopSentToSupervisor,
       .department_id = "",
       .staff_id = "",
       .reason = "",
       .at = kNoon},
      {.hop = 3,
       .action = kHopAssignedBySupervisor,
       .department_id = "sales",
       .staff_id = "",
       .reason = "",
       .at = kNoon},
      {.hop = 3,
       .action = kHopEscalated,
       .department_id = "property",
       .staff_id = "",
       .reason = "",
       .at = kNoon},
  };
  EXPECT_EQ(TriedDepartments(hops), (std::set<std::string>{"engineering", "sales"}));
}

TEST(RoutingRules, TheSupervisorAssignsALeadAndAssistingDepartmentsWithAFreshHour) {
  Assignment a;
  a.number = "TS-202611-000001";
  a.state = rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR;
  a.escalated = true;
  a.hop = 2;
  rv1::AssignBySupervisorRequest req;
  req.set_supervisor_staff_id("S-SUP-1");
  req.set_lead_department_id("engineering");
  req.add_assisting_department_ids("sales");
  req.add_assisting_department_ids("property");
  req.set_complex(true);
  auto hop = RoutingRules(Policy{}).AssignBySupervisor(a, req, kNoon);
  ASSERT_TRUE(hop.ok()) << hop.status();
  EXPECT_EQ(a.state, rv1::ASSIGNMENT_STATE_ROUTED);
  EXPECT_EQ(a.department_id, "engineering");
  EXPECT_EQ(a.assisting_department_ids, (std::vector<std::string>{"property", "sales"}));
  EXPECT_TRUE(a.complex);
  EXPECT_FALSE(a.escalated);
  EXPECT_EQ(a.ack_due, kNoon + absl::Hours(1));
  EXPECT_EQ(a.hop, 3);
  EXPECT_EQ(hop->action, "assigned_by_supervisor");
  EXPECT_EQ(hop->staff_id, "S-SUP-1");

  const absl::Status again = RoutingRules(Policy{}).AssignBySupervisor(a, req, kNoon).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "the complaint is not in the supervisor queue");
}

TEST(RoutingRules, ARoutedComplaintIsOverdueOnceItsHourIsUpAndEscalatesOnce) {
  const RoutingRules rules{Policy{}};
  Assignment a = RoutedToEngineering();
  EXPECT_FALSE(rules.IsOverdue(a, kNoon + absl::Minutes(59)));
  EXPECT_TRUE(rules.IsOverdue(a, kNoon + absl::Hours(1)));
  const Hop hop = rules.Escalate(a, kNoon + absl::Hours(1));
  EXPECT_EQ(a.state, rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
  EXPECT_TRUE(a.escalated);
  EXPECT_EQ(a.supervisor_reason, "acknowledgement_overdue");
  EXPECT_EQ(a.department_id, "engineering");  // kept: it may still acknowledge
  EXPECT_EQ(hop.action, "escalated");
  EXPECT_EQ(hop.hop, 1);
  EXPECT_FALSE(rules.IsOverdue(a, kNoon + absl::Hours(2)));

  Assignment acknowledged = RoutedToEngineering();
  acknowledged.state = rv1::ASSIGNMENT_STATE_ACKNOWLEDGED;
  EXPECT_FALSE(rules.IsOverdue(acknowledged, kNoon + absl::Hours(2)));
}

TEST(RoutingRules, TheAcknowledgementWindowIsAPolicySetting) {
  const RoutingRules rules{Policy{.ack_window = absl::Minutes(30)}};
  Assignment a = RoutedToEngineering();
  a.ack_due = rules.AckDue(kNoon);
  EXPECT_TRUE(rules.IsOverdue(a, kNoon + absl::Minutes(30)));
}

TEST(RoutingRules, TheSupervisorQueueHasAnHourFromEnteringItAndEscalatesOncePerStay) {
  const RoutingRules rules{Policy{}};
  Assignment a;
  a.number = "TS-202611-000001";
  a.received_at = kNoon;
  Decision d;
  d.category = cv1::CATEGORY_PRODUCT_QUALITY;
  d.to_supervisor = true;
  d.supervisor_reason = "critical_severity";
  rules.Route(a, d, kNoon);
  EXPECT_EQ(a.queued_at, kNoon);
  EXPECT_EQ(a.queue_due, kNoon + absl::Hours(1));
  EXPECT_FALSE(rules.IsQueueOverdue(a, kNoon + absl::Minutes(59)));
  ASSERT_TRUE(rules.IsQueueOverdue(a, kNoon + absl::Hours(1)));
  const Hop hop = rules.EscalateQueue(a, kNoon + absl::Hours(1));
  EXPECT_EQ(a.state, rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR);  // still the supervisor's to decide
  EXPECT_TRUE(a.queue_escalated);
  EXPECT_EQ(hop.action, "supervisor_queue_overdue");
  EXPECT_EQ(hop.reason, "critical_severity");
  EXPECT_FALSE(rules.IsQueueOverdue(a, kNoon + absl::Hours(5)));  // once

  // Assigned, it leaves the queue and its clock.
  rv1::AssignBySupervisorRequest req;
  req.set_supervisor_staff_id("S-SUP-1");
  req.set_lead_department_id("engineering");
  ASSERT_TRUE(rules.AssignBySupervisor(a, req, kNoon + absl::Hours(2)).ok());
  EXPECT_FALSE(a.queue_due.has_value());
  EXPECT_FALSE(a.queued_at.has_value());
  EXPECT_FALSE(a.queue_escalated);
  EXPECT_FALSE(rules.IsQueueOverdue(a, kNoon + absl::Hours(9)));

  // Back in the queue (its acknowledgement overdue): a fresh hour, escalated again when it passes.
  rules.Escalate(a, kNoon + absl::Hours(3));
  EXPECT_EQ(a.queue_due, kNoon + absl::Hours(4));
  EXPECT_FALSE(rules.IsQueueOverdue(a, kNoon + absl::Hours(3) + absl::Minutes(30)));
  EXPECT_TRUE(rules.IsQueueOverdue(a, kNoon + absl::Hours(4)));
}

TEST(RoutingRules, AComplaintBouncedToTheSupervisorStartsTheQueueClockAndLeavesItWhenAcknowledged) {
  const RoutingRules rules{Policy{.max_bounces = 0, .supervisor_window = absl::Minutes(30)}};
  Assignment a = RoutedToEngineering();
  auto rejected = rules.Reject(a, RejectBy("engineering"), kRules, {RoutedHop("engineering")},
                               kNoon + absl::Minutes(10));
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  ASSERT_EQ(a.state, rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR);
  EXPECT_EQ(a.queue_due, kNoon + absl::Minutes(40));

  // An escalated complaint its department acknowledges late leaves the queue too.
  Assignment late = RoutedToEngineering();
  rules.Escalate(late, kNoon + absl::Hours(1));
  ASSERT_TRUE(late.queue_due.has_value());
  ASSERT_TRUE(rules.Acknowledge(late, AckBy("engineering", "S0001"), kNoon + absl::Hours(2)).ok());
  EXPECT_FALSE(late.queue_due.has_value());
  EXPECT_FALSE(rules.IsQueueOverdue(late, kNoon + absl::Hours(9)));
}

}  // namespace
}  // namespace tousu::routing
