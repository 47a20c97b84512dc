// The other services' events on intake's customer-facing record, against the real MariaDB:
// routing's (§5), case handling's (§6), follow-up's (§7) and the notification service's, delivered
// over the EventSink to an intake replica in-process; and the department names the timeline takes
// from the staff directory.

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/events/event_type.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/notification/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "tests/integration/intake_test_replica.h"
#include "tests/support/stand_in_directory.h"

namespace tousu {
namespace {

namespace iv1 = complaints::intake::v1;
namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
namespace nv1 = complaints::notification::v1;
namespace sv1 = complaints::staff::v1;
using google::protobuf::util::MessageDifferencer;
using intake::FromProto;
using intake::ToProto;
using intake_testing::CaseEvent;
using intake_testing::Count;
using intake_testing::Deliver;
using intake_testing::FollowUpEvent;
using intake_testing::Get;
using intake_testing::Input;
using intake_testing::MustSubmit;
using intake_testing::ProducerEvent;
using intake_testing::Replica;
using intake_testing::RoutingEvent;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScratchDatabase;
using ::testing::StartsWith;

// --- Routing's events on the customer's record
// ----------------------------------------------------

TEST(RoutingEvents, EachChangesStatusAndTimelineExactlyOnce) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = MustSubmit(intake.intake(), "req-events", Input());
  // Whole seconds, after the receipt: the event times routing would send.
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 1);

  rv1::ComplaintRouted routed;
  routed.set_number(number);
  routed.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  routed.set_category_source("classifier");
  routed.set_department_id("engineering");
  *routed.mutable_routed_at() = ToProto(now);
  *routed.mutable_ack_due() = ToProto(now + absl::Hours(1));
  routed.set_hop(1);
  const cv1::Event routed_event = RoutingEvent("ComplaintRouted", number, routed);
  EXPECT_FALSE(Deliver(intake, routed_event));
  EXPECT_TRUE(Deliver(intake, routed_event));  // the relay delivered it twice: no effect

  auto [s1, after_routing] = Get(intake.intake(), number);
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(after_routing.status(), iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(after_routing.category(), cv1::CATEGORY_PRODUCT_QUALITY);
  EXPECT_EQ(after_routing.department_id(), "engineering");
  EXPECT_EQ(FromProto(after_routing.ack_due()), now + absl::Hours(1));
  EXPECT_GE(FromProto(after_routing.updated_at()), FromProto(after_routing.received_at()));
  ASSERT_EQ(after_routing.timeline_size(), 2);
  EXPECT_EQ(after_routing.timeline(1).type(), iv1::TIMELINE_EVENT_TYPE_ROUTED);
  EXPECT_EQ(FromProto(after_routing.timeline(1).at()), now);
  EXPECT_EQ(after_routing.timeline(1).department_id(), "engineering");
  EXPECT_THAT(after_routing.timeline(1).summary(), HasSubstr("已分派至责任部门"));

  rv1::AssignmentRejected rejected;
  rejected.set_number(number);
  rejected.set_department_id("engineering");
  rejected.set_staff_id("S0007");
  rejected.set_reason("应由物业处理");
  *rejected.mutable_at() = ToProto(now + absl::Seconds(1));  // each step after the one before
  Deliver(intake, RoutingEvent("AssignmentRejected", number, rejected));
  auto [s2, after_rejection] = Get(intake.intake(), number);
  EXPECT_EQ(after_rejection.status(), iv1::COMPLAINT_STATUS_RECEIVED);
  EXPECT_EQ(after_rejection.department_id(), "");
  EXPECT_FALSE(after_rejection.has_ack_due());

  rv1::ComplaintSentToSupervisor sent;
  sent.set_number(number);
  sent.set_reason("several_departments");
  *sent.mutable_at() = ToProto(now + absl::Seconds(2));
  Deliver(intake, RoutingEvent("ComplaintSentToSupervisor", number, sent));
  EXPECT_EQ(Get(intake.intake(), number).second.status(), iv1::COMPLAINT_STATUS_WITH_SUPERVISOR);

  rv1::ComplaintAssignedBySupervisor assigned;
  assigned.set_number(number);
  assigned.set_supervisor_staff_id("S0009");
  assigned.set_lead_department_id("property");
  *assigned.mutable_at() = ToProto(now + absl::Seconds(3));
  *assigned.mutable_ack_due() = ToProto(now + absl::Hours(2));
  Deliver(intake, RoutingEvent("ComplaintAssignedBySupervisor", number, assigned));
  auto [s3, after_assignment] = Get(intake.intake(), number);
  EXPECT_EQ(after_assignment.status(), iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(after_assignment.department_id(), "property");
  EXPECT_EQ(FromProto(after_assignment.ack_due()), now + absl::Hours(2));

  rv1::AcknowledgementOverdue overdue;
  overdue.set_number(number);
  overdue.set_department_id("property");
  *overdue.mutable_escalated_at() = ToProto(now + absl::Seconds(4));
  Deliver(intake, RoutingEvent("AcknowledgementOverdue", number, overdue));
  EXPECT_EQ(Get(intake.intake(), number).second.status(), iv1::COMPLAINT_STATUS_WITH_SUPERVISOR);

  rv1::ComplaintAcknowledged acknowledged;
  acknowledged.set_number(number);
  acknowledged.set_department_id("property");
  acknowledged.set_owner_staff_id("S0042");
  acknowledged.set_category(cv1::CATEGORY_PROPERTY_SERVICE);
  *acknowledged.mutable_acknowledged_at() = ToProto(now + absl::Seconds(5));
  const cv1::Event ack_event = RoutingEvent("ComplaintAcknowledged", number, acknowledged);
  EXPECT_FALSE(Deliver(intake, ack_event));
  EXPECT_TRUE(Deliver(intake, ack_event));
  auto [s4, handled] = Get(intake.intake(), number);
  EXPECT_EQ(handled.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(handled.owner_staff_id(), "S0042");
  EXPECT_EQ(handled.department_id(), "property");
  EXPECT_EQ(handled.category(), cv1::CATEGORY_PROPERTY_SERVICE);

  std::vector<iv1::TimelineEventType> types;
  for (const auto& e : handled.timeline()) types.push_back(e.type());
  EXPECT_EQ(types, std::vector<iv1::TimelineEventType>(
                       {iv1::TIMELINE_EVENT_TYPE_RECEIVED, iv1::TIMELINE_EVENT_TYPE_ROUTED,
                        iv1::TIMELINE_EVENT_TYPE_ASSIGNMENT_REJECTED,
                        iv1::TIMELINE_EVENT_TYPE_SENT_TO_SUPERVISOR,
                        iv1::TIMELINE_EVENT_TYPE_ASSIGNED_BY_SUPERVISOR,
                        iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGEMENT_OVERDUE,
                        iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGED}));
  EXPECT_EQ(handled.timeline(6).actor_id(), "S0042");
  // The department's internal reason for the rejection is not shown to the customer.
  for (const auto& e : handled.timeline()) EXPECT_THAT(e.summary(), Not(HasSubstr("物业处理")));
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM inbox"), 6);
}

TEST(RoutingEvents, AnEventForAnUnknownComplaintIsAcknowledgedWithoutEffect) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  rv1::ComplaintRouted routed;
  routed.set_number("TS-209912-000001");
  routed.set_department_id("engineering");
  EXPECT_FALSE(Deliver(intake, RoutingEvent("ComplaintRouted", routed.number(), routed)));
  // A payload of the wrong type cannot block the relay either.
  rv1::ComplaintAcknowledged wrong;
  wrong.set_number("TS-209912-000001");
  EXPECT_FALSE(Deliver(intake, RoutingEvent("ComplaintRouted", wrong.number(), wrong)));
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM complaint_timeline"), 0);
  const std::string metrics = intake.Metrics();
  EXPECT_EQ(
      testing::MetricValue(metrics, "tousu_intake_events_skipped_total",
                           {"event_type=\"ComplaintRouted\"", "reason=\"unknown_complaint\""}),
      1);
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_events_skipped_total",
                                 {"event_type=\"ComplaintRouted\"", "reason=\"malformed\""}),
            1);
}

// --- Case handling's and follow-up's events: the whole loop on the customer's record -----------

// Whole seconds after the receipt: the times the other services would send.
absl::Time EventTime() { return absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 1); }

iv1::Complaint MustGet(Replica& intake, const std::string& number) {
  auto [s, complaint] = Get(intake.intake(), number);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return complaint;
}

// Delivers `event` as a relay would, then again as a relay retrying would: the first applies, the
// repeat is reported as one and changes nothing on the record.
void DeliverTwice(Replica& intake, const std::string& number, const cv1::Event& event) {
  EXPECT_FALSE(Deliver(intake, event)) << event.event_type();
  const iv1::Complaint once = MustGet(intake, number);
  EXPECT_TRUE(Deliver(intake, event)) << event.event_type();
  EXPECT_TRUE(MessageDifferencer::Equals(once, MustGet(intake, number))) << event.event_type();
}

// A complaint routed to engineering and acknowledged by S0042: where case handling starts.
std::string AcknowledgedComplaint(Replica& intake, const std::string& request_id) {
  const std::string number = MustSubmit(intake.intake(), request_id, Input());
  rv1::ComplaintRouted routed;
  routed.set_number(number);
  routed.set_department_id("engineering");
  routed.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  routed.set_hop(1);
  Deliver(intake, RoutingEvent("ComplaintRouted", number, routed));
  rv1::ComplaintAcknowledged acknowledged;
  acknowledged.set_number(number);
  acknowledged.set_department_id("engineering");
  acknowledged.set_owner_staff_id("S0042");
  Deliver(intake, RoutingEvent("ComplaintAcknowledged", number, acknowledged));
  return number;
}

chv1::CaseOpened Opened(const std::string& number, int cycle, absl::Time at) {
  chv1::CaseOpened m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_department_id("engineering");
  m.set_owner_staff_id("S0042");
  m.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  m.set_severity(cv1::SEVERITY_HIGH);
  *m.mutable_opened_at() = ToProto(at);
  *m.mutable_solution_due() = ToProto(at + absl::Hours(48));
  return m;
}

chv1::SolutionProposed Proposal(const std::string& number, int cycle, int revision,
                                const std::string& text, absl::Time at) {
  chv1::SolutionProposed m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_revision(revision);
  m.set_owner_staff_id("S0042");
  m.set_solution(text);
  *m.mutable_planned_completion() = ToProto(at + absl::Hours(24 * 7));
  *m.mutable_proposed_at() = ToProto(at);
  m.set_on_time(true);
  return m;
}

chv1::CustomerDecisionRecorded Decision(const std::string& number, int cycle, int revision,
                                        bool accepted, absl::Time at) {
  chv1::CustomerDecisionRecorded m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_revision(revision);
  m.set_accepted(accepted);
  *m.mutable_at() = ToProto(at);
  if (!accepted) {
    m.set_reason("方案不彻底");
    *m.mutable_revised_solution_due() = ToProto(at + absl::Hours(48));
  }
  return m;
}

chv1::CaseResolved Resolved(const std::string& number, int cycle, const std::string& result,
                            absl::Time at) {
  chv1::CaseResolved m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_department_id("engineering");
  m.set_owner_staff_id("S0042");
  m.set_result(result);
  *m.mutable_resolved_at() = ToProto(at);
  m.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  return m;
}

fv1::CallbackScheduled Scheduled(const std::string& number, int cycle, absl::Time due) {
  fv1::CallbackScheduled m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_callback_agent_staff_id("S0080");
  *m.mutable_due() = ToProto(due);
  return m;
}

fv1::CallbackRecorded Callback(const std::string& number, int cycle, int satisfaction,
                               absl::Time at) {
  fv1::CallbackRecorded m;
  m.set_number(number);
  m.set_cycle(cycle);
  m.set_callback_agent_staff_id("S0080");
  m.set_method("phone");
  m.set_satisfaction(satisfaction);
  m.set_comments("客户意见：墙面颜色不一致");
  *m.mutable_at() = ToProto(at);
  m.set_on_time(true);
  return m;
}

std::vector<iv1::TimelineEventType> Types(const iv1::Complaint& c) {
  std::vector<iv1::TimelineEventType> types;
  for (const auto& e : c.timeline()) types.push_back(e.type());
  return types;
}

TEST(CaseHandlingEvents, EachShowsOnTheRecordAndTheTimelineExactlyOnce) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = AcknowledgedComplaint(intake, "req-case-events");
  const absl::Time t = EventTime();
  int entries = MustGet(intake, number).timeline_size();  // received, routed, acknowledged
  ASSERT_EQ(entries, 3);
  const auto last_entry = [&](iv1::TimelineEventType type) {
    iv1::Complaint c = MustGet(intake, number);
    EXPECT_EQ(c.timeline_size(), ++entries) << iv1::TimelineEventType_Name(type);
    EXPECT_EQ(c.timeline(c.timeline_size() - 1).type(), type);
    return c;
  };

  chv1::CaseOpened opened = Opened(number, 1, t);
  opened.set_solution_due_provisional(true);
  DeliverTwice(intake, number, CaseEvent("CaseOpened", number, opened));
  iv1::Complaint c = last_entry(iv1::TIMELINE_EVENT_TYPE_CASE_OPENED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(c.cycle(), 1);
  EXPECT_EQ(FromProto(c.solution_due()), t + absl::Hours(48));
  EXPECT_TRUE(c.solution_due_provisional());
  EXPECT_FALSE(c.solution_due_extended());
  EXPECT_EQ(c.owner_staff_id(), "S0042");
  const iv1::TimelineEntry& opened_entry = c.timeline(3);
  EXPECT_EQ(FromProto(opened_entry.at()), t);
  EXPECT_THAT(opened_entry.summary(), StartsWith("工程质量部已立案处理，将于 "));
  EXPECT_EQ(opened_entry.actor_id(), "S0042");
  EXPECT_EQ(opened_entry.department_id(), "engineering");

  chv1::InvestigationEntryAdded investigated;
  investigated.set_number(number);
  investigated.set_cycle(1);
  investigated.set_kind("site_visit");
  investigated.set_author_staff_id("S0050");
  *investigated.mutable_at() = ToProto(t + absl::Minutes(1));
  DeliverTwice(intake, number, CaseEvent("InvestigationEntryAdded", number, investigated));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_INVESTIGATION_ENTRY_ADDED);
  EXPECT_EQ(c.timeline(4).summary(), "工程质量部已安排人员到现场勘查");
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);

  chv1::InspectionReportAttached inspected;
  inspected.set_number(number);
  inspected.set_cycle(1);
  inspected.set_inspector_staff_id("S0060");
  inspected.set_severity(cv1::SEVERITY_HIGH);
  *inspected.mutable_at() = ToProto(t + absl::Minutes(2));  // each step after the one before
  DeliverTwice(intake, number, CaseEvent("InspectionReportAttached", number, inspected));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_INSPECTION_REPORT_ATTACHED);
  EXPECT_EQ(c.timeline(5).actor_id(), "S0060");

  chv1::CustomerContacted contacted;
  contacted.set_number(number);
  contacted.set_cycle(1);
  contacted.set_staff_id("S0042");
  contacted.set_channel("phone");
  contacted.set_summary("检测结果已出，外墙防水层老化，周五给出方案 👍");
  *contacted.mutable_at() = ToProto(t + absl::Minutes(3));
  DeliverTwice(intake, number, CaseEvent("CustomerContacted", number, contacted));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_CONTACTED);
  EXPECT_EQ(c.timeline(6).summary(),
            "工程质量部已通过电话与您沟通处理进展：检测结果已出，外墙防水层老化，周五给出方案 👍");

  chv1::SolutionDeadlineExtended extended;
  extended.set_number(number);
  extended.set_cycle(1);
  extended.set_staff_id("S0042");
  extended.set_reason("需第三方复检");
  *extended.mutable_original_due() = ToProto(t + absl::Hours(48));
  *extended.mutable_new_due() = ToProto(t + absl::Hours(120));
  *extended.mutable_at() = ToProto(t + absl::Minutes(4));
  DeliverTwice(intake, number, CaseEvent("SolutionDeadlineExtended", number, extended));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_EXTENDED);
  EXPECT_EQ(FromProto(c.solution_due()), t + absl::Hours(120));
  EXPECT_TRUE(c.solution_due_extended());
  EXPECT_EQ(FromProto(c.original_solution_due()), t + absl::Hours(48));
  EXPECT_FALSE(c.solution_due_provisional());
  EXPECT_THAT(c.timeline(7).summary(), HasSubstr(intake::CustomerTime(t + absl::Hours(120))));
  EXPECT_THAT(c.timeline(7).summary(), Not(HasSubstr("第三方")));

  chv1::SolutionDeadlineMissed missed;
  missed.set_number(number);
  missed.set_cycle(1);
  missed.set_department_id("engineering");
  missed.set_owner_staff_id("S0042");
  *missed.mutable_due() = ToProto(t + absl::Hours(120));
  *missed.mutable_detected_at() = ToProto(t + absl::Minutes(5));
  DeliverTwice(intake, number, CaseEvent("SolutionDeadlineMissed", number, missed));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_MISSED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);

  DeliverTwice(intake, number,
               CaseEvent("SolutionProposed", number,
                         Proposal(number, 1, 1, "重做外墙防水\n并重新粉刷", t + absl::Hours(1))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_SOLUTION_PROPOSED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
  EXPECT_EQ(c.solution(), "重做外墙防水\n并重新粉刷");
  EXPECT_EQ(FromProto(c.planned_completion()), t + absl::Hours(1 + 24 * 7));
  EXPECT_THAT(c.timeline(9).summary(),
              StartsWith("工程质量部已提出解决方案，请确认：重做外墙防水 并重新粉刷"));

  DeliverTwice(intake, number,
               CaseEvent("CustomerDecisionRecorded", number,
                         Decision(number, 1, 1, false, t + absl::Hours(2))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_DECISION_RECORDED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);  // a revised solution is due
  EXPECT_EQ(FromProto(c.solution_due()), t + absl::Hours(50));
  EXPECT_FALSE(c.solution_due_extended());
  EXPECT_FALSE(c.has_original_solution_due());

  DeliverTwice(intake, number,
               CaseEvent("SolutionProposed", number,
                         Proposal(number, 1, 2, "整面外墙重做", t + absl::Hours(3))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_SOLUTION_PROPOSED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
  EXPECT_EQ(c.solution(), "整面外墙重做");
  EXPECT_THAT(c.timeline(11).summary(), HasSubstr("修订后的解决方案"));

  DeliverTwice(intake, number,
               CaseEvent("CustomerDecisionRecorded", number,
                         Decision(number, 1, 2, true, t + absl::Hours(4))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_DECISION_RECORDED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION);

  chv1::ImplementationProgressRecorded progressed;
  progressed.set_number(number);
  progressed.set_cycle(1);
  progressed.set_staff_id("S0042");
  progressed.set_note("内部：施工队调整");
  progressed.set_plan_changed(true);
  *progressed.mutable_at() = ToProto(t + absl::Minutes(270));
  DeliverTwice(intake, number, CaseEvent("ImplementationProgressRecorded", number, progressed));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_IMPLEMENTATION_PROGRESS_RECORDED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION);
  EXPECT_THAT(c.timeline(13).summary(), Not(HasSubstr("施工队")));

  DeliverTwice(intake, number,
               CaseEvent("CaseResolved", number,
                         Resolved(number, 1, "外墙已重做，淋水试验无渗漏", t + absl::Hours(5))));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CASE_RESOLVED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_EQ(c.resolution(), "外墙已重做，淋水试验无渗漏");
  EXPECT_THAT(c.timeline(14).summary(), HasSubstr("外墙已重做，淋水试验无渗漏"));

  chv1::CaseReopened reopened;
  reopened.set_number(number);
  reopened.set_cycle(2);
  reopened.set_department_id("engineering");
  reopened.set_owner_staff_id("S0043");
  *reopened.mutable_reopened_at() = ToProto(t + absl::Hours(6));
  *reopened.mutable_solution_due() = ToProto(t + absl::Hours(54));
  DeliverTwice(intake, number, CaseEvent("CaseReopened", number, reopened));
  c = last_entry(iv1::TIMELINE_EVENT_TYPE_CASE_REOPENED);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(c.cycle(), 2);
  EXPECT_EQ(c.owner_staff_id(), "S0043");
  EXPECT_EQ(FromProto(c.solution_due()), t + absl::Hours(54));
  EXPECT_EQ(c.solution(), "");
  EXPECT_EQ(c.resolution(), "");
  EXPECT_FALSE(c.has_planned_completion());
  EXPECT_THAT(c.timeline(15).summary(), HasSubstr("第2轮"));

  // Every entry reads as Chinese for the customer; none leaks the internal texts.
  for (const auto& e : c.timeline()) {
    EXPECT_FALSE(e.summary().empty());
    for (const char* internal : {"方案不彻底", "第三方", "施工队", "内部"}) {
      EXPECT_THAT(e.summary(), Not(HasSubstr(internal)));
    }
  }
  // Each event recorded once in the inbox: 2 routing + 13 case handling.
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM inbox"), 15);
}

TEST(FollowUpEvents, EachShowsOnTheRecordAndTheTimelineExactlyOnce) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = AcknowledgedComplaint(intake, "req-followup-events");
  const absl::Time t = EventTime();
  Deliver(intake, CaseEvent("CaseOpened", number, Opened(number, 1, t)));
  const int base = MustGet(intake, number).timeline_size();

  fv1::TrackerAssigned tracker;
  tracker.set_number(number);
  tracker.set_tracker_staff_id("S0070");
  tracker.set_how("rule");
  *tracker.mutable_at() = ToProto(t);
  DeliverTwice(intake, number, FollowUpEvent("TrackerAssigned", number, tracker));
  iv1::Complaint c = MustGet(intake, number);
  EXPECT_EQ(c.tracker_staff_id(), "S0070");
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);

  fv1::ProgressUpdateRecorded update;
  update.set_number(number);
  update.set_tracker_staff_id("S0070");
  *update.mutable_at() = ToProto(t + absl::Minutes(10));  // each step after the one before
  DeliverTwice(intake, number, FollowUpEvent("ProgressUpdateRecorded", number, update));
  fv1::ProgressUpdateOverdue update_overdue;
  update_overdue.set_number(number);
  update_overdue.set_tracker_staff_id("S0070");
  *update_overdue.mutable_detected_at() = ToProto(t + absl::Minutes(20));
  DeliverTwice(intake, number, FollowUpEvent("ProgressUpdateOverdue", number, update_overdue));
  EXPECT_EQ(MustGet(intake, number).status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);

  Deliver(intake,
          CaseEvent("CaseResolved", number, Resolved(number, 1, "已修复", t + absl::Hours(1))));
  fv1::CallbackScheduled scheduled = Scheduled(number, 1, t + absl::Hours(72));
  scheduled.set_due_provisional(true);
  cv1::Event scheduled_event = FollowUpEvent("CallbackScheduled", number, scheduled);
  // The step takes its time from the envelope: when follow-up scheduled it, after the resolution.
  *scheduled_event.mutable_occurred_at() = ToProto(t + absl::Minutes(61));
  DeliverTwice(intake, number, scheduled_event);
  c = MustGet(intake, number);
  EXPECT_EQ(FromProto(c.callback_due()), t + absl::Hours(72));
  EXPECT_TRUE(c.callback_due_provisional());
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_RESOLVED);

  fv1::CallbackOverdue callback_overdue;
  callback_overdue.set_number(number);
  callback_overdue.set_cycle(1);
  callback_overdue.set_callback_agent_staff_id("S0080");
  *callback_overdue.mutable_detected_at() = ToProto(t + absl::Hours(75));
  DeliverTwice(intake, number, FollowUpEvent("CallbackOverdue", number, callback_overdue));
  EXPECT_TRUE(MustGet(intake, number).has_callback_due());  // still owed

  DeliverTwice(
      intake, number,
      FollowUpEvent("CallbackRecorded", number, Callback(number, 1, 2, t + absl::Hours(80))));
  c = MustGet(intake, number);
  EXPECT_EQ(c.satisfaction(), 2);
  EXPECT_FALSE(c.has_callback_due());
  EXPECT_FALSE(c.callback_due_provisional());
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_RESOLVED);

  fv1::CustomerUnsatisfied unsatisfied;
  unsatisfied.set_number(number);
  unsatisfied.set_cycle(1);
  unsatisfied.set_satisfaction(2);
  *unsatisfied.mutable_at() = ToProto(t + absl::Hours(80));  // the callback's own time
  DeliverTwice(intake, number, FollowUpEvent("CustomerUnsatisfied", number, unsatisfied));
  EXPECT_EQ(MustGet(intake, number).status(), iv1::COMPLAINT_STATUS_RESOLVED);  // until reopened

  fv1::ComplaintClosed closed;
  closed.set_number(number);
  closed.set_cycle(1);
  closed.set_satisfaction(4);
  *closed.mutable_closed_at() = ToProto(t + absl::Hours(90));
  DeliverTwice(intake, number, FollowUpEvent("ComplaintClosed", number, closed));
  c = MustGet(intake, number);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ(FromProto(c.closed_at()), t + absl::Hours(90));
  EXPECT_EQ(c.satisfaction(), 4);

  std::vector<iv1::TimelineEventType> types = Types(c);
  types.erase(types.begin(), types.begin() + base);
  EXPECT_EQ(
      types,
      std::vector<iv1::TimelineEventType>(
          {iv1::TIMELINE_EVENT_TYPE_TRACKER_ASSIGNED,
           iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_RECORDED,
           iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_OVERDUE, iv1::TIMELINE_EVENT_TYPE_CASE_RESOLVED,
           iv1::TIMELINE_EVENT_TYPE_CALLBACK_SCHEDULED, iv1::TIMELINE_EVENT_TYPE_CALLBACK_OVERDUE,
           iv1::TIMELINE_EVENT_TYPE_CALLBACK_RECORDED,
           iv1::TIMELINE_EVENT_TYPE_CUSTOMER_UNSATISFIED,
           iv1::TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED}));
  EXPECT_EQ(c.timeline(base + 6).summary(), "已完成电话回访，您的满意度评分：2分（满分5分）");
  EXPECT_EQ(c.timeline(base + 6).actor_id(), "S0080");
  for (const auto& e : c.timeline()) EXPECT_THAT(e.summary(), Not(HasSubstr("墙面颜色")));
  EXPECT_EQ(testing::MetricValue(intake.Metrics(), "tousu_intake_complaints_closed_total", {}), 1);
}

TEST(TheLoop, RunsAgainAfterAnUnsatisfiedCallbackUntilTheCustomerIsSatisfied) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = MustSubmit(intake.intake(), "req-loop", Input());
  absl::Time t = EventTime();
  const auto next = [&] { return t += absl::Minutes(10); };
  std::vector<cv1::Event> sent;
  std::vector<iv1::ComplaintStatus> statuses;
  const auto deliver = [&](cv1::Event e) {
    // The producer's clock at the change: the latest step's time.
    *e.mutable_occurred_at() = ToProto(t);
    sent.push_back(e);
    EXPECT_FALSE(Deliver(intake, e)) << e.event_type();
    statuses.push_back(MustGet(intake, number).status());
  };

  rv1::ComplaintRouted routed;
  routed.set_number(number);
  routed.set_department_id("engineering");
  routed.set_hop(1);
  *routed.mutable_routed_at() = ToProto(next());
  deliver(RoutingEvent("ComplaintRouted", number, routed));
  rv1::ComplaintAcknowledged acknowledged;
  acknowledged.set_number(number);
  acknowledged.set_department_id("engineering");
  acknowledged.set_owner_staff_id("S0042");
  *acknowledged.mutable_acknowledged_at() = ToProto(next());
  deliver(RoutingEvent("ComplaintAcknowledged", number, acknowledged));
  // Cycle 1.
  deliver(CaseEvent("CaseOpened", number, Opened(number, 1, next())));
  fv1::TrackerAssigned tracker;
  tracker.set_number(number);
  tracker.set_tracker_staff_id("S0070");
  *tracker.mutable_at() = ToProto(next());
  deliver(FollowUpEvent("TrackerAssigned", number, tracker));
  deliver(CaseEvent("SolutionProposed", number, Proposal(number, 1, 1, "局部修补裂缝", next())));
  deliver(CaseEvent("CustomerDecisionRecorded", number, Decision(number, 1, 1, true, next())));
  deliver(CaseEvent("CaseResolved", number, Resolved(number, 1, "裂缝已修补", next())));
  const absl::Time first_callback_due = t + absl::Hours(72);
  deliver(FollowUpEvent("CallbackScheduled", number, Scheduled(number, 1, first_callback_due)));
  EXPECT_EQ(FromProto(MustGet(intake, number).callback_due()), first_callback_due);
  deliver(FollowUpEvent("CallbackRecorded", number, Callback(number, 1, 1, next())));
  fv1::CustomerUnsatisfied unsatisfied;
  unsatisfied.set_number(number);
  unsatisfied.set_cycle(1);
  unsatisfied.set_satisfaction(1);
  *unsatisfied.mutable_at() = ToProto(next());
  deliver(FollowUpEvent("CustomerUnsatisfied", number, unsatisfied));
  // Cycle 2: the department takes it back.
  chv1::CaseReopened reopened;
  reopened.set_number(number);
  reopened.set_cycle(2);
  reopened.set_department_id("engineering");
  reopened.set_owner_staff_id("S0042");
  *reopened.mutable_reopened_at() = ToProto(next());
  *reopened.mutable_solution_due() = ToProto(t + absl::Hours(48));
  deliver(CaseEvent("CaseReopened", number, reopened));
  iv1::Complaint reopened_record = MustGet(intake, number);
  EXPECT_EQ(reopened_record.cycle(), 2);
  EXPECT_EQ(reopened_record.satisfaction(), 1);  // the latest callback's, until the next one
  EXPECT_EQ(reopened_record.solution(), "");
  deliver(CaseEvent("CaseOpened", number, Opened(number, 2, next())));
  deliver(CaseEvent("SolutionProposed", number,
                    Proposal(number, 2, 1, "整面墙体加固并重新粉刷", next())));
  deliver(CaseEvent("CustomerDecisionRecorded", number, Decision(number, 2, 1, true, next())));
  deliver(CaseEvent("CaseResolved", number, Resolved(number, 2, "墙体已加固，经检测合格", next())));
  deliver(FollowUpEvent("CallbackScheduled", number, Scheduled(number, 2, t + absl::Hours(72))));
  deliver(FollowUpEvent("CallbackRecorded", number, Callback(number, 2, 5, next())));
  fv1::ComplaintClosed closed;
  closed.set_number(number);
  closed.set_cycle(2);
  closed.set_satisfaction(5);
  const absl::Time closed_at = next();
  *closed.mutable_closed_at() = ToProto(closed_at);
  deliver(FollowUpEvent("ComplaintClosed", number, closed));

  using S = iv1::ComplaintStatus;
  EXPECT_EQ(statuses,
            std::vector<S>(
                {iv1::COMPLAINT_STATUS_ROUTED, iv1::COMPLAINT_STATUS_ACKNOWLEDGED,
                 iv1::COMPLAINT_STATUS_ACKNOWLEDGED, iv1::COMPLAINT_STATUS_ACKNOWLEDGED,
                 iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION,
                 iv1::COMPLAINT_STATUS_RESOLVED, iv1::COMPLAINT_STATUS_RESOLVED,
                 iv1::COMPLAINT_STATUS_RESOLVED, iv1::COMPLAINT_STATUS_RESOLVED,
                 iv1::COMPLAINT_STATUS_ACKNOWLEDGED, iv1::COMPLAINT_STATUS_ACKNOWLEDGED,
                 iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION,
                 iv1::COMPLAINT_STATUS_RESOLVED, iv1::COMPLAINT_STATUS_RESOLVED,
                 iv1::COMPLAINT_STATUS_RESOLVED, iv1::COMPLAINT_STATUS_CLOSED}));

  const iv1::Complaint done = MustGet(intake, number);
  EXPECT_EQ(done.status(), iv1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ(done.cycle(), 2);
  EXPECT_EQ(done.satisfaction(), 5);
  EXPECT_EQ(FromProto(done.closed_at()), closed_at);
  EXPECT_EQ(done.solution(), "整面墙体加固并重新粉刷");
  EXPECT_EQ(done.resolution(), "墙体已加固，经检测合格");
  EXPECT_EQ(done.tracker_staff_id(), "S0070");
  EXPECT_FALSE(done.has_callback_due());
  // One line per event but the second cycle's opening, which its reopening already told.
  ASSERT_EQ(done.timeline_size(), static_cast<int>(sent.size()));
  int reopenings = 0, openings = 0;
  for (const auto& e : done.timeline()) {
    reopenings += e.type() == iv1::TIMELINE_EVENT_TYPE_CASE_REOPENED ? 1 : 0;
    openings += e.type() == iv1::TIMELINE_EVENT_TYPE_CASE_OPENED ? 1 : 0;
  }
  EXPECT_EQ(reopenings, 1);
  EXPECT_EQ(openings, 1);
  EXPECT_EQ(done.timeline(0).type(), iv1::TIMELINE_EVENT_TYPE_RECEIVED);
  EXPECT_EQ(done.timeline(done.timeline_size() - 1).type(),
            iv1::TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED);
  // Timeline times are the events' own, in the order they happened.
  for (int i = 2; i < done.timeline_size(); ++i) {
    EXPECT_LE(FromProto(done.timeline(i - 1).at()), FromProto(done.timeline(i).at())) << i;
  }

  // The whole loop delivered again (a relay replaying its outbox) changes nothing at all.
  for (const cv1::Event& e : sent) EXPECT_TRUE(Deliver(intake, e)) << e.event_type();
  EXPECT_TRUE(MessageDifferencer::Equals(done, MustGet(intake, number)));
  // Closed once, counted once.
  EXPECT_EQ(testing::MetricValue(intake.Metrics(), "tousu_intake_complaints_closed_total", {}), 1);
}

TEST(TheLoop, EventsOvertakingOneAnotherNeverMoveTheStatusBack) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = MustSubmit(intake.intake(), "req-overtaking", Input());
  const absl::Time t = EventTime();
  // Case handling's relay is faster than routing's: the case opens before routing's news.
  Deliver(intake, CaseEvent("CaseOpened", number, Opened(number, 1, t)));
  EXPECT_EQ(MustGet(intake, number).status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  rv1::ComplaintRouted routed;
  routed.set_number(number);
  routed.set_department_id("sales");
  routed.set_hop(1);
  Deliver(intake, RoutingEvent("ComplaintRouted", number, routed));
  iv1::Complaint c = MustGet(intake, number);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(c.department_id(), "engineering");  // routing's late news is history only
  EXPECT_EQ(c.owner_staff_id(), "S0042");
  // On the timeline the routing comes where it happened: before the opening it arrived after.
  EXPECT_EQ(Types(c), std::vector<iv1::TimelineEventType>({iv1::TIMELINE_EVENT_TYPE_RECEIVED,
                                                           iv1::TIMELINE_EVENT_TYPE_ROUTED,
                                                           iv1::TIMELINE_EVENT_TYPE_CASE_OPENED}));

  // Follow-up's close overtakes case handling's resolution; the resolution still brings its
  // result but the complaint stays closed.
  fv1::ComplaintClosed closed;
  closed.set_number(number);
  closed.set_cycle(1);
  closed.set_satisfaction(5);
  Deliver(intake, FollowUpEvent("ComplaintClosed", number, closed));
  Deliver(intake, CaseEvent("CaseResolved", number, Resolved(number, 1, "已修复", t)));
  c = MustGet(intake, number);
  EXPECT_EQ(c.status(), iv1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ(c.resolution(), "已修复");
  EXPECT_TRUE(c.has_closed_at());
  // A second close (another event id) neither moves closed_at nor counts again.
  const google::protobuf::Timestamp first_closed_at = c.closed_at();
  *closed.mutable_closed_at() = ToProto(t + absl::Hours(5));
  Deliver(intake, FollowUpEvent("ComplaintClosed", number, closed));
  EXPECT_TRUE(MessageDifferencer::Equals(MustGet(intake, number).closed_at(), first_closed_at));
  EXPECT_EQ(testing::MetricValue(intake.Metrics(), "tousu_intake_complaints_closed_total", {}), 1);
}

TEST(TheLoop, MalformedOrUnknownEventsOfTheLoopAreAcknowledgedWithoutEffect) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = AcknowledgedComplaint(intake, "req-loop-malformed");
  const iv1::Complaint before = MustGet(intake, number);
  // For a number intake never issued.
  EXPECT_FALSE(Deliver(intake, CaseEvent("CaseOpened", "TS-209912-000001",
                                         Opened("TS-209912-000001", 1, EventTime()))));
  // Cycle 0, and a payload of the wrong type.
  EXPECT_FALSE(Deliver(intake, CaseEvent("CaseOpened", number, Opened(number, 0, EventTime()))));
  EXPECT_FALSE(
      Deliver(intake, FollowUpEvent("ComplaintClosed", number, Opened(number, 1, EventTime()))));
  EXPECT_TRUE(MessageDifferencer::Equals(before, MustGet(intake, number)));
  const std::string metrics = intake.Metrics();
  const std::string name = "tousu_intake_events_skipped_total";
  EXPECT_EQ(testing::MetricValue(metrics, name,
                                 {"event_type=\"CaseOpened\"", "reason=\"unknown_complaint\""}),
            1);
  EXPECT_EQ(
      testing::MetricValue(metrics, name, {"event_type=\"CaseOpened\"", "reason=\"malformed\""}),
      1);
  EXPECT_EQ(testing::MetricValue(metrics, name,
                                 {"event_type=\"ComplaintClosed\"", "reason=\"malformed\""}),
            1);
  // Every event type intake follows has its series from the start.
  EXPECT_EQ(testing::MetricValue(metrics, name,
                                 {"event_type=\"CallbackOverdue\"", "reason=\"malformed\""}),
            0);
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_complaints_closed_total", {}), 0);
}

// --- The notification service's events: what the customer was sent, and what failed ------------

TEST(NotificationEvents, WhatWasSentAndWhatFailedAreShownWithoutChangingTheStatus) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = AcknowledgedComplaint(intake, "req-notification-events");
  const absl::Time t = EventTime();
  Deliver(intake, CaseEvent("CaseOpened", number, Opened(number, 1, t)));
  Deliver(intake, CaseEvent("SolutionProposed", number,
                            Proposal(number, 1, 1, "更换窗框并重新打胶", t + absl::Minutes(1))));
  const iv1::Complaint before = MustGet(intake, number);
  ASSERT_EQ(before.status(), iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
  const int base = before.timeline_size();
  const int inbox = Count(scratch, "SELECT COUNT(*) FROM inbox");

  nv1::CustomerNotified notified;
  notified.set_number(number);
  notified.set_kind("solution_proposed");
  notified.set_channel(nv1::CHANNEL_SMS);
  notified.set_topic("方案待确认");
  *notified.mutable_at() = ToProto(t + absl::Minutes(2));
  notified.set_delivery_id("d-000001");
  const cv1::Event notified_event =
      ProducerEvent("notification", "CustomerNotified", number, notified);
  DeliverTwice(intake, number, notified_event);

  nv1::CustomerNotificationFailed failed;
  failed.set_number(number);
  failed.set_kind("solution_proposed");
  failed.set_channel(nv1::CHANNEL_SMS);
  failed.set_topic("方案待确认");
  *failed.mutable_at() = ToProto(t + absl::Minutes(3));
  failed.set_delivery_id("d-000002");
  failed.set_attempts(5);
  const cv1::Event failed_event =
      ProducerEvent("notification", "CustomerNotificationFailed", number, failed);
  DeliverTwice(intake, number, failed_event);

  const iv1::Complaint after = MustGet(intake, number);
  EXPECT_EQ(after.status(), iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
  ASSERT_EQ(after.timeline_size(), base + 2);
  const iv1::TimelineEntry& sent = after.timeline(base);
  EXPECT_EQ(sent.type(), iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFIED);
  EXPECT_EQ(sent.summary(), "已短信通知客户：方案待确认");
  EXPECT_EQ(FromProto(sent.at()), t + absl::Minutes(2));
  EXPECT_EQ(sent.actor_id(), "");
  EXPECT_EQ(sent.department_id(), "");
  const iv1::TimelineEntry& gave_up = after.timeline(base + 1);
  EXPECT_EQ(gave_up.type(), iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFICATION_FAILED);
  EXPECT_EQ(gave_up.summary(), "短信通知发送失败（已尝试 5 次）：方案待确认");
  EXPECT_EQ(FromProto(gave_up.at()), t + absl::Minutes(3));
  EXPECT_EQ(gave_up.actor_id(), "");
  EXPECT_EQ(gave_up.department_id(), "");

  // Nothing else on the record moved: only the timeline grew (and the time it was updated).
  iv1::Complaint before_rest = before;
  iv1::Complaint after_rest = after;
  for (iv1::Complaint* c : {&before_rest, &after_rest}) {
    c->clear_timeline();
    c->clear_updated_at();
  }
  EXPECT_TRUE(MessageDifferencer::Equals(before_rest, after_rest))
      << before_rest.DebugString() << "\n"
      << after_rest.DebugString();

  // Both delivered again later (a relay replaying its outbox): repeats, nothing added.
  EXPECT_TRUE(Deliver(intake, notified_event));
  EXPECT_TRUE(Deliver(intake, failed_event));
  EXPECT_TRUE(MessageDifferencer::Equals(after, MustGet(intake, number)));
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM inbox"), inbox + 2);
}

TEST(NotificationEvents, AnEventForAnUnknownOrMalformedComplaintIsAcknowledgedWithoutEffect) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = AcknowledgedComplaint(intake, "req-notification-unknown");
  const iv1::Complaint before = MustGet(intake, number);
  const int entries = Count(scratch, "SELECT COUNT(*) FROM complaint_timeline");

  nv1::CustomerNotified unknown;
  unknown.set_number("TS-209912-000001");
  unknown.set_channel(nv1::CHANNEL_EMAIL);
  unknown.set_topic("投诉已受理");
  EXPECT_FALSE(Deliver(
      intake, ProducerEvent("notification", "CustomerNotified", unknown.number(), unknown)));
  nv1::CustomerNotificationFailed malformed;
  malformed.set_number("TS-1");
  malformed.set_channel(nv1::CHANNEL_SMS);
  malformed.set_attempts(5);
  EXPECT_FALSE(Deliver(intake, ProducerEvent("notification", "CustomerNotificationFailed",
                                             malformed.number(), malformed)));

  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM complaint_timeline"), entries);
  EXPECT_TRUE(MessageDifferencer::Equals(before, MustGet(intake, number)));
  const std::string metrics = intake.Metrics();
  const std::string name = "tousu_intake_events_skipped_total";
  EXPECT_EQ(testing::MetricValue(
                metrics, name, {"event_type=\"CustomerNotified\"", "reason=\"unknown_complaint\""}),
            1);
  EXPECT_EQ(
      testing::MetricValue(metrics, name,
                           {"event_type=\"CustomerNotificationFailed\"", "reason=\"malformed\""}),
      1);
}

// --- Department names from the staff directory --------------------------------------------------

using ::tousu::testing::StandInDirectory;

TEST(DepartmentNames, TheTimelineNamesADepartmentAsTheStaffDirectoryDoes) {
  StandInDirectory directory;
  const absl::Time changed = absl::FromUnixSeconds(1780000000);  // 2026-05-28
  directory.Set("engineering", "工程质量一部", changed);
  directory.Set("legal", "法务部", changed);
  directory.Set("not an id", "无效部门", changed);
  ScratchDatabase scratch;
  intake::IntakeSettings settings;
  settings.staff_assessment_addr = directory.address();
  Replica intake(scratch, "error", settings);
  client::DepartmentNameSync* sync = intake.service().department_sync();
  ASSERT_NE(sync, nullptr);
  absl::StatusOr<int> kept = sync->RunOnce();
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(*kept, 2);  // an id the directory could not have issued is not kept
  const auto name_of = [&](const std::string& id) {
    return scratch.QueryScalar("SELECT name FROM department_names WHERE id = '" + id + "'");
  };
  EXPECT_EQ(name_of("engineering"), "工程质量一部");  // newer than the seed data's
  EXPECT_EQ(name_of("legal"), "法务部");

  const std::string number = AcknowledgedComplaint(intake, "req-directory-names");
  Deliver(intake, CaseEvent("CaseOpened", number, Opened(number, 1, EventTime())));
  iv1::Complaint c = MustGet(intake, number);
  EXPECT_THAT(c.timeline(c.timeline_size() - 1).summary(), StartsWith("工程质量一部已立案处理"));

  // An older copy never replaces a newer one; a newer one does.
  directory.Set("engineering", "工程部", changed - absl::Hours(1));
  ASSERT_TRUE(sync->RunOnce().ok());
  EXPECT_EQ(name_of("engineering"), "工程质量一部");
  directory.Set("engineering", "工程质量二部", changed + absl::Hours(1));
  ASSERT_TRUE(sync->RunOnce().ok());
  EXPECT_EQ(name_of("engineering"), "工程质量二部");

  // While the directory does not answer, the names kept serve.
  directory.Stop();
  EXPECT_FALSE(sync->RunOnce().ok());
  EXPECT_EQ(name_of("engineering"), "工程质量二部");
}

TEST(DepartmentNames, WithoutADirectoryTheNamesAlreadyKeptServe) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  EXPECT_EQ(intake.service().department_sync(), nullptr);
  const std::string number = AcknowledgedComplaint(intake, "req-no-directory");
  chv1::CaseOpened opened = Opened(number, 1, EventTime());
  Deliver(intake, CaseEvent("CaseOpened", number, opened));
  iv1::Complaint c = MustGet(intake, number);
  EXPECT_THAT(c.timeline(c.timeline_size() - 1).summary(), StartsWith("工程质量部已立案处理"));
  // A department intake has no name for reads as the one in charge.
  chv1::CaseReopened reopened;
  reopened.set_number(number);
  reopened.set_cycle(2);
  reopened.set_department_id("district-7");
  reopened.set_owner_staff_id("S0043");
  *reopened.mutable_reopened_at() = ToProto(FromProto(opened.opened_at()) + absl::Minutes(1));
  Deliver(intake, CaseEvent("CaseReopened", number, reopened));
  c = MustGet(intake, number);
  EXPECT_THAT(c.timeline(c.timeline_size() - 1).summary(), HasSubstr("重新交由责任部门处理"));
}

TEST(DepartmentNames, TheDirectorysChangeEventsKeepTheNamesCurrent) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  sv1::Department renamed;
  renamed.set_id("engineering");
  renamed.set_name("工程质量三部");
  renamed.set_kind(sv1::DEPARTMENT_KIND_ENGINEERING_QUALITY);
  *renamed.mutable_updated_at() = ToProto(absl::Now());
  const cv1::Event upserted =
      ProducerEvent("staff-assessment", events::kDepartmentUpserted, "engineering", renamed);
  EXPECT_FALSE(Deliver(intake, upserted));
  EXPECT_TRUE(Deliver(intake, upserted));  // a repeat changes nothing
  EXPECT_EQ(scratch.QueryScalar("SELECT name FROM department_names WHERE id = 'engineering'"),
            "工程质量三部");
  const std::string number = AcknowledgedComplaint(intake, "req-renamed");
  Deliver(intake, CaseEvent("CaseOpened", number, Opened(number, 1, EventTime())));
  iv1::Complaint c = MustGet(intake, number);
  EXPECT_THAT(c.timeline(c.timeline_size() - 1).summary(), StartsWith("工程质量三部已立案处理"));
  // A name that cannot be shown is skipped; the one kept stays.
  renamed.set_name("\x01");
  EXPECT_FALSE(Deliver(intake, ProducerEvent("staff-assessment", events::kDepartmentUpserted,
                                             "engineering", renamed)));
  EXPECT_EQ(scratch.QueryScalar("SELECT name FROM department_names WHERE id = 'engineering'"),
            "工程质量三部");
  EXPECT_EQ(testing::MetricValue(intake.Metrics(), "tousu_intake_events_skipped_total",
                                 {"event_type=\"DepartmentUpserted\"", "reason=\"malformed\""}),
            1);
}

TEST(RoutingEvents, AMissedAcknowledgementStatesTheWindowTheDepartmentWasGiven) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = MustSubmit(intake.intake(), "req-ack-window", Input());
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 1);
  rv1::ComplaintRouted routed;
  routed.set_number(number);
  routed.set_department_id("engineering");
  *routed.mutable_routed_at() = ToProto(now);
  *routed.mutable_ack_due() = ToProto(now + absl::Minutes(45));
  routed.set_hop(1);
  Deliver(intake, RoutingEvent("ComplaintRouted", number, routed));
  rv1::AcknowledgementOverdue overdue;
  overdue.set_number(number);
  overdue.set_department_id("engineering");
  *overdue.mutable_ack_due() = routed.ack_due();
  *overdue.mutable_escalated_at() = ToProto(now + absl::Minutes(46));
  Deliver(intake, RoutingEvent("AcknowledgementOverdue", number, overdue));
  iv1::Complaint c = MustGet(intake, number);
  EXPECT_EQ(c.timeline(c.timeline_size() - 1).summary(),
            "责任部门未在45分钟内确认受理，已上报上级领导督办");
}

}  // namespace
}  // namespace tousu
