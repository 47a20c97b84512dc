// What each routing, case-handling and follow-up event teaches the assessment
// (services/staff-assessment/domain/assessment_rules.h): above all, which deadline counts against
// whom, and which events are kept about nobody.

#include <gtest/gtest.h>

#include <string>

#include "common/time/proto_time.h"
#include "complaints/common/v1/types.pb.h"
#include "services/staff-assessment/domain/assessment_rules.h"
#include "tests/support/shanghai_time.h"

namespace tousu::staff::assessment {
namespace {

namespace cv1 = complaints::common::v1;
using ::tousu::testing::Shanghai;

constexpr char kNumber[] = "TS-202602-000001";
const absl::Time kEnvelopeTime = Shanghai(2026, 2, 2, 12);

google::protobuf::Timestamp Ts(absl::Time t) { return time::ToProto(t); }

// A row as the handler fills it from the envelope.
Activity Envelope(const std::string& type) {
  Activity row;
  row.event_id = "e1";
  row.event_type = type;
  row.number = kNumber;
  row.at = kEnvelopeTime;
  return row;
}

const AssessmentRules kRules{Policy{}};

// ---- Acknowledgement ----------------------------------------------------------------------------

TEST(Acknowledgement, ALateAcknowledgementCountsAgainstTheOwnerWhoGaveIt) {
  rv1::ComplaintAcknowledged e;
  e.set_number(kNumber);
  e.set_owner_staff_id("S0022");
  e.set_department_id("engineering");
  e.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  *e.mutable_ack_due() = Ts(Shanghai(2026, 2, 2, 10));
  *e.mutable_acknowledged_at() = Ts(Shanghai(2026, 2, 2, 10, 35));
  e.set_on_time(false);
  const Learnt learnt = kRules.Learn(e, Envelope("ComplaintAcknowledged"));
  ASSERT_TRUE(learnt.activity.has_value());
  const Activity& row = *learnt.activity;
  EXPECT_EQ(row.staff_id, "S0022");
  EXPECT_EQ(row.role, kHandler);
  EXPECT_EQ(row.department_id, "engineering");
  EXPECT_EQ(row.sla, kAcknowledgement);
  EXPECT_EQ(row.due, Shanghai(2026, 2, 2, 10));
  EXPECT_EQ(row.met, false);
  EXPECT_EQ(row.at, Shanghai(2026, 2, 2, 10, 35));  // its own time, not the envelope's
  // The complaint's category and owner are kept for the suggestions.
  ASSERT_TRUE(learnt.complaint.has_value());
  EXPECT_EQ(learnt.complaint->number, kNumber);
  EXPECT_EQ(learnt.complaint->category, cv1::CATEGORY_PRODUCT_QUALITY);
  EXPECT_EQ(learnt.complaint->owner_staff_id, "S0022");
}

TEST(Acknowledgement, AnOverdueNoticeNamesOnlyTheDepartment) {
  rv1::AcknowledgementOverdue e;
  e.set_number(kNumber);
  e.set_department_id("engineering");
  *e.mutable_ack_due() = Ts(Shanghai(2026, 2, 2, 10));
  *e.mutable_escalated_at() = Ts(Shanghai(2026, 2, 2, 10, 1));
  const Learnt learnt = kRules.Learn(e, Envelope("AcknowledgementOverdue"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_EQ(learnt.activity->staff_id, "");
  EXPECT_EQ(learnt.activity->role, "");
  EXPECT_EQ(learnt.activity->department_id, "engineering");
  EXPECT_EQ(learnt.activity->sla, kAcknowledgement);
  EXPECT_EQ(learnt.activity->met, false);
  EXPECT_FALSE(learnt.complaint.has_value());
}

TEST(Acknowledgement, AnOwnerIdLongerThanAnyStaffIdTeachesNothing) {
  rv1::ComplaintAcknowledged e;
  e.set_number(kNumber);
  e.set_owner_staff_id(std::string(kMaxEventStaffId + 1, 'S'));
  const Learnt learnt = kRules.Learn(e, Envelope("ComplaintAcknowledged"));
  EXPECT_FALSE(learnt.activity.has_value());
  EXPECT_FALSE(learnt.complaint.has_value());
}

TEST(Acknowledgement, ADepartmentIdTooLongIsNotKeptAndTheRowDoesNotFitTheLog) {
  rv1::ComplaintAcknowledged e;
  e.set_number(kNumber);
  e.set_owner_staff_id("S0022");
  e.set_department_id(std::string(kMaxEventDepartmentId + 1, 'd'));
  const Learnt learnt = kRules.Learn(e, Envelope("ComplaintAcknowledged"));
  ASSERT_TRUE(learnt.complaint.has_value());
  EXPECT_EQ(learnt.complaint->department_id, "");
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_FALSE(kRules.FitsTheLog(*learnt.activity));
}

// ---- Solution -----------------------------------------------------------------------------------

TEST(Solution, AProposalCountsAgainstWhoeverProposedNotTheOwner) {
  chv1::SolutionProposed e;
  e.set_number(kNumber);
  e.set_owner_staff_id("S0022");
  e.set_proposed_by_staff_id("S0021");
  *e.mutable_due() = Ts(Shanghai(2026, 2, 4, 10));
  *e.mutable_proposed_at() = Ts(Shanghai(2026, 2, 4, 11));
  e.set_on_time(false);
  const Learnt learnt = kRules.Learn(e, Envelope("SolutionProposed"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_EQ(learnt.activity->staff_id, "S0021");
  EXPECT_EQ(learnt.activity->role, kHandler);
  EXPECT_EQ(learnt.activity->sla, kSolution);
  EXPECT_EQ(learnt.activity->met, false);
}

TEST(Solution, AProposalThatNamesNoProposerIsTheOwners) {
  chv1::SolutionProposed e;
  e.set_number(kNumber);
  e.set_owner_staff_id("S0022");
  *e.mutable_due() = Ts(Shanghai(2026, 2, 4, 10));
  e.set_on_time(true);
  const Learnt learnt = kRules.Learn(e, Envelope("SolutionProposed"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_EQ(learnt.activity->staff_id, "S0022");
  EXPECT_EQ(learnt.activity->met, true);
  // Naming nobody at all, it is kept about nobody: nothing.
  e.clear_owner_staff_id();
  EXPECT_FALSE(kRules.Learn(e, Envelope("SolutionProposed")).activity.has_value());
}

TEST(Solution, AMissedSolutionDeadlineCountsAgainstTheOwner) {
  chv1::SolutionDeadlineMissed e;
  e.set_number(kNumber);
  e.set_owner_staff_id("S0022");
  e.set_department_id("engineering");
  *e.mutable_due() = Ts(Shanghai(2026, 2, 4, 10));
  *e.mutable_detected_at() = Ts(Shanghai(2026, 2, 4, 10, 1));
  const Learnt learnt = kRules.Learn(e, Envelope("SolutionDeadlineMissed"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_EQ(learnt.activity->staff_id, "S0022");
  EXPECT_EQ(learnt.activity->role, kHandler);
  EXPECT_EQ(learnt.activity->sla, kSolution);
  EXPECT_EQ(learnt.activity->due, Shanghai(2026, 2, 4, 10));
  EXPECT_EQ(learnt.activity->met, false);
  EXPECT_EQ(learnt.activity->at, Shanghai(2026, 2, 4, 10, 1));
}

TEST(Solution, ADeadlineWithoutAUsableDueTimeSettlesNothing) {
  chv1::SolutionDeadlineMissed e;
  e.set_number(kNumber);
  e.set_owner_staff_id("S0022");
  const Learnt learnt = kRules.Learn(e, Envelope("SolutionDeadlineMissed"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_EQ(learnt.activity->sla, "");
  EXPECT_FALSE(learnt.activity->due.has_value());
  EXPECT_FALSE(learnt.activity->met.has_value());
  EXPECT_EQ(learnt.activity->at, kEnvelopeTime);  // no time of its own: the envelope's
}

TEST(Cases, AnOpeningNamingNoOwnerKeepsTheComplaintButNoRow) {
  chv1::CaseOpened e;
  e.set_number(kNumber);
  e.set_category(cv1::CATEGORY_SALES_SERVICE);
  e.set_department_id("sales");
  const Learnt learnt = kRules.Learn(e, Envelope("CaseOpened"));
  EXPECT_FALSE(learnt.activity.has_value());
  ASSERT_TRUE(learnt.complaint.has_value());
  EXPECT_EQ(learnt.complaint->category, cv1::CATEGORY_SALES_SERVICE);
}

TEST(Cases, ResolutionAndReopeningAreTheOwnersAndAnUnsatisfiedCustomerNobodys) {
  chv1::CaseResolved resolved;
  resolved.set_number(kNumber);
  resolved.set_owner_staff_id("S0023");
  resolved.set_category(cv1::CATEGORY_SALES_SERVICE);
  Learnt learnt = kRules.Learn(resolved, Envelope("CaseResolved"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_TRUE(learnt.activity->resolved);
  EXPECT_EQ(learnt.activity->staff_id, "S0023");
  ASSERT_TRUE(learnt.complaint.has_value());
  EXPECT_EQ(learnt.complaint->owner_staff_id, "");  // a resolution does not change the owner

  chv1::CaseReopened reopened;
  reopened.set_number(kNumber);
  reopened.set_owner_staff_id("S0023");
  learnt = kRules.Learn(reopened, Envelope("CaseReopened"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_TRUE(learnt.activity->reopened);
  EXPECT_EQ(learnt.activity->staff_id, "S0023");

  fv1::CustomerUnsatisfied unsatisfied;
  unsatisfied.set_number(kNumber);
  learnt = kRules.Learn(unsatisfied, Envelope("CustomerUnsatisfied"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_TRUE(learnt.activity->reopened);
  EXPECT_EQ(learnt.activity->staff_id, "");
}

// ---- Follow-up ----------------------------------------------------------------------------------

TEST(FollowUp, AnOverdueProgressUpdateCountsAgainstTheTracker) {
  fv1::ProgressUpdateOverdue e;
  e.set_number(kNumber);
  e.set_tracker_staff_id("S0013");
  *e.mutable_due() = Ts(Shanghai(2026, 3, 12, 14, 30));
  const Learnt learnt = kRules.Learn(e, Envelope("ProgressUpdateOverdue"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_EQ(learnt.activity->staff_id, "S0013");
  EXPECT_EQ(learnt.activity->role, kTracker);
  EXPECT_EQ(learnt.activity->sla, kProgressUpdate);
  EXPECT_EQ(learnt.activity->met, false);
}

TEST(FollowUp, AnUpdateOrAssignmentNamingNoTrackerIsNotKept) {
  fv1::ProgressUpdateRecorded update;
  update.set_number(kNumber);
  *update.mutable_due() = Ts(Shanghai(2026, 3, 12, 14, 30));
  EXPECT_FALSE(kRules.Learn(update, Envelope("ProgressUpdateRecorded")).activity.has_value());
  fv1::TrackerAssigned assigned;
  assigned.set_number(kNumber);
  EXPECT_FALSE(kRules.Learn(assigned, Envelope("TrackerAssigned")).activity.has_value());
  assigned.set_tracker_staff_id("S0012");
  const Learnt learnt = kRules.Learn(assigned, Envelope("TrackerAssigned"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_EQ(learnt.activity->role, kTracker);
}

TEST(FollowUp, AnOverdueCallbackCountsAgainstTheCallbackAgent) {
  fv1::CallbackOverdue e;
  e.set_number(kNumber);
  e.set_callback_agent_staff_id("S0015");
  *e.mutable_due() = Ts(Shanghai(2026, 3, 2, 9));
  *e.mutable_detected_at() = Ts(Shanghai(2026, 3, 2, 9, 1));
  const Learnt learnt = kRules.Learn(e, Envelope("CallbackOverdue"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_EQ(learnt.activity->staff_id, "S0015");
  EXPECT_EQ(learnt.activity->role, kCallbackAgent);
  EXPECT_EQ(learnt.activity->sla, kCallback);
  EXPECT_EQ(learnt.activity->met, false);
}

TEST(FollowUp, ACallbackCarriesTheSatisfactionOnlyWhenItIsAScore) {
  fv1::CallbackRecorded e;
  e.set_number(kNumber);
  e.set_callback_agent_staff_id("S0014");
  *e.mutable_due() = Ts(Shanghai(2026, 3, 25, 9));
  e.set_on_time(true);
  e.set_satisfaction(5);
  Learnt learnt = kRules.Learn(e, Envelope("CallbackRecorded"));
  ASSERT_TRUE(learnt.activity.has_value());
  EXPECT_EQ(learnt.activity->satisfaction, 5);
  EXPECT_EQ(learnt.activity->met, true);
  e.set_satisfaction(6);
  learnt = kRules.Learn(e, Envelope("CallbackRecorded"));
  EXPECT_EQ(learnt.activity->satisfaction, 0);
}

// ---- Routing facts ------------------------------------------------------------------------------

TEST(Routing, RoutingAndASupervisorsAssignmentKeepTheComplaintsFactsAndNoRow) {
  rv1::ComplaintRouted routed;
  routed.set_number(kNumber);
  routed.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  routed.set_department_id("engineering");
  Learnt learnt = kRules.Learn(routed, Envelope("ComplaintRouted"));
  EXPECT_FALSE(learnt.activity.has_value());
  ASSERT_TRUE(learnt.complaint.has_value());
  EXPECT_EQ(learnt.complaint->department_id, "engineering");

  rv1::ComplaintAssignedBySupervisor assigned;
  assigned.set_number(kNumber);
  assigned.set_lead_department_id("sales");
  learnt = kRules.Learn(assigned, Envelope("ComplaintAssignedBySupervisor"));
  EXPECT_FALSE(learnt.activity.has_value());
  ASSERT_TRUE(learnt.complaint.has_value());
  EXPECT_EQ(learnt.complaint->category, 0);  // says nothing about the category
  EXPECT_EQ(learnt.complaint->department_id, "sales");
}

// The rows the rules make join into checks the figures count once (assessment.h).
TEST(Deadlines, AnOverdueNoticeAndTheLateAcknowledgementAreOneMissedCheckOfTheAcknowledger) {
  rv1::AcknowledgementOverdue overdue;
  overdue.set_number(kNumber);
  overdue.set_department_id("engineering");
  *overdue.mutable_ack_due() = Ts(Shanghai(2026, 2, 2, 10));
  *overdue.mutable_escalated_at() = Ts(Shanghai(2026, 2, 2, 10, 1));
  rv1::ComplaintAcknowledged late;
  late.set_number(kNumber);
  late.set_owner_staff_id("S0022");
  *late.mutable_ack_due() = Ts(Shanghai(2026, 2, 2, 10));
  *late.mutable_acknowledged_at() = Ts(Shanghai(2026, 2, 2, 10, 35));
  late.set_on_time(false);
  Activity first = Envelope("AcknowledgementOverdue");
  Activity second = Envelope("ComplaintAcknowledged");
  second.event_id = "e2";
  const auto figures =
      ComputeFigures({*kRules.Learn(overdue, first).activity, *kRules.Learn(late, second).activity},
                     QuarterSpan({2026, 1}));
  ASSERT_EQ(figures.size(), 1u);
  EXPECT_EQ(figures.at("S0022").sla_checks, 1);
  EXPECT_EQ(figures.at("S0022").sla_met, 0);
}

}  // namespace
}  // namespace tousu::staff::assessment
