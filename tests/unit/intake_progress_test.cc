// What routing's (§5), case handling's (§6) and follow-up's (§7) events do to the customer-facing
// record: status, deadlines, the fields the customer reads, and a timeline entry in words meant
// for the customer, naming departments as the staff directory does; and the notification
// service's, which only add to the timeline. Pure rules
// (services/intake/domain/progress.h); the integration test delivers the same events over the
// EventSink.

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/notification/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/intake/domain/customer_text.h"
#include "services/intake/domain/progress.h"
#include "services/intake/domain/timeline_order.h"
#include "services/intake/domain/timestamps.h"

namespace tousu::intake {
namespace {

namespace chv1 = ::complaints::casehandling::v1;
namespace fv1 = ::complaints::followup::v1;
namespace nv1 = ::complaints::notification::v1;
namespace rv1 = ::complaints::routing::v1;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Due = Progress::Due;

constexpr char kNumber[] = "TS-202611-000123";
// 2026-11-26 11:00 in Shanghai.
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 11, 26, 3, 0, 0), absl::UTCTimeZone());

template <typename Message>
cv1::Event Envelope(const std::string& type, const Message& payload,
                    const std::string& producer = "case-handling") {
  cv1::Event e;
  e.set_event_id("6f1c2d9e-0000-4000-8000-000000000002");
  e.set_event_type(type);
  e.set_aggregate_id(kNumber);
  e.set_producer(producer);
  *e.mutable_occurred_at() = ToProto(kNow);
  e.mutable_payload()->PackFrom(payload);
  return e;
}

template <typename Message>
Progress Read(const std::string& type, const Message& payload) {
  absl::StatusOr<Progress> p = ProgressFromEvent(Envelope(type, payload), kNow);
  EXPECT_TRUE(p.ok()) << type << ": " << p.status();
  return p.ok() ? *p : Progress{};
}

RecordState Record(iv1::ComplaintStatus status, int32_t cycle,
                   const std::string& department = "engineering") {
  RecordState r;
  r.status = status;
  r.cycle = cycle;
  r.department_id = department;
  return r;
}

// Department names as intake keeps them from the staff directory.
class Directory final : public DepartmentNames {
 public:
  explicit Directory(std::map<std::string, std::string> names) : names_(std::move(names)) {}
  std::optional<std::string> Find(const std::string& department_id) const override {
    auto it = names_.find(department_id);
    if (it == names_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> names_;
};

// The names of the seed data (deploy/seed/staff-assessment.sql).
const Directory& SeededDirectory() {
  static const auto* directory = new Directory({{"customer-service", "客户服务部"},
                                                {"engineering", "工程质量部"},
                                                {"sales", "销售部"},
                                                {"handover", "交付部"},
                                                {"property-management", "物业管理部"}});
  return *directory;
}

// Settle, with the department names the seeded directory gives.
Outcome Settle(const Progress& p, const RecordState& record) {
  return intake::Settle(p, record, SeededDirectory());
}

// The name a customer reads for a department of the seeded directory.
std::string DepartmentName(const std::string& department_id) {
  return SeededDirectory().NameFor(department_id);
}

// The followed event types of one producer (followed_events.h).
const std::vector<std::string>& TypesFrom(Progress::Source source) {
  static const auto* by_source = [] {
    auto* out = new std::map<Progress::Source, std::vector<std::string>>{
        {Progress::Source::kRouting, {}},
        {Progress::Source::kCaseHandling, {}},
        {Progress::Source::kFollowUp, {}},
        {Progress::Source::kNotification, {}}};
    for (const FollowedEventType& followed : FollowedEventTypes()) {
      (*out)[followed.source].push_back(followed.type);
    }
    return out;
  }();
  return by_source->at(source);
}
const std::vector<std::string>& RoutingEventTypes() {
  return TypesFrom(Progress::Source::kRouting);
}
const std::vector<std::string>& CaseHandlingEventTypes() {
  return TypesFrom(Progress::Source::kCaseHandling);
}
const std::vector<std::string>& FollowUpEventTypes() {
  return TypesFrom(Progress::Source::kFollowUp);
}
const std::vector<std::string>& NotificationEventTypes() {
  return TypesFrom(Progress::Source::kNotification);
}

chv1::CaseOpened Opened(int32_t cycle) {
  chv1::CaseOpened m;
  m.set_number(kNumber);
  m.set_cycle(cycle);
  m.set_department_id("engineering");
  m.set_owner_staff_id("S0042");
  m.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  *m.mutable_opened_at() = ToProto(kNow);
  *m.mutable_solution_due() = ToProto(kNow + absl::Hours(48));
  return m;
}

chv1::SolutionProposed Proposed(int32_t revision, const std::string& text) {
  chv1::SolutionProposed m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_revision(revision);
  m.set_owner_staff_id("S0042");
  m.set_solution(text);
  *m.mutable_proposed_at() = ToProto(kNow);
  return m;
}

// --- Routing (§5) ---------------------------------------------------------------------------

TEST(Progress, ARoutedComplaintAwaitsItsDepartmentsAcknowledgementByTheDueTime) {
  rv1::ComplaintRouted m;
  m.set_number("TS-202611-000123");
  m.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  m.set_department_id("engineering");
  *m.mutable_routed_at() = ToProto(kNow);
  *m.mutable_ack_due() = ToProto(kNow + absl::Hours(1));
  m.set_hop(1);
  auto p = ProgressFromEvent(Envelope("ComplaintRouted", m), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->number, "TS-202611-000123");
  EXPECT_EQ(p->status, iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(p->category, cv1::CATEGORY_PRODUCT_QUALITY);
  EXPECT_EQ(p->department_id, "engineering");
  EXPECT_EQ(p->ack_due_change, Progress::Due::kSet);
  EXPECT_EQ(p->ack_due, kNow + absl::Hours(1));
  EXPECT_EQ(p->entry.type, iv1::TIMELINE_EVENT_TYPE_ROUTED);
  EXPECT_EQ(p->entry.at, kNow);
  // 12:00 Shanghai time.
  EXPECT_EQ(p->entry.summary, "已分派至责任部门，须于 2026-11-26 12:00（北京时间）前确认受理");
}

TEST(Progress, ADeadlineNoDatabaseCouldHoldIsDroppedRatherThanBlockingTheRelay) {
  rv1::ComplaintRouted m;
  m.set_number("TS-202611-000123");
  m.set_department_id("engineering");
  m.mutable_ack_due()->set_seconds(kMinTimestampSeconds);
  m.mutable_routed_at()->set_seconds(kMinTimestampSeconds);
  auto p = ProgressFromEvent(Envelope("ComplaintRouted", m), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->ack_due_change, Progress::Due::kClear);
  EXPECT_EQ(p->entry.at, kNow);  // the envelope's time instead
  EXPECT_EQ(p->entry.summary, "已分派至责任部门");
}

TEST(Progress, ARoutingAfterAMisrouteSaysItWasRoutedAgain) {
  rv1::ComplaintRouted m;
  m.set_number("TS-202611-000123");
  m.set_department_id("sales");
  m.set_hop(2);
  auto p = ProgressFromEvent(Envelope("ComplaintRouted", m), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_THAT(p->entry.summary, StartsWith("已重新分派"));
  EXPECT_EQ(p->entry.at, kNow);  // no routed_at: the envelope's time
}

TEST(Progress, AComplaintSentToASupervisorHasNoDepartmentUntilOneIsNamed) {
  rv1::ComplaintSentToSupervisor m;
  m.set_number("TS-202611-000123");
  m.set_reason("critical_severity");
  auto p = ProgressFromEvent(Envelope("ComplaintSentToSupervisor", m), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->status, iv1::COMPLAINT_STATUS_WITH_SUPERVISOR);
  EXPECT_EQ(p->department_id, "");
  EXPECT_EQ(p->ack_due_change, Progress::Due::kClear);
}

TEST(Progress, ASupervisorsAssignmentRoutesToTheLeadDepartmentWithTheSupervisorAsActor) {
  rv1::ComplaintAssignedBySupervisor m;
  m.set_number("TS-202611-000123");
  m.set_supervisor_staff_id("S0009");
  m.set_lead_department_id("engineering");
  m.add_assisting_department_ids("property");
  *m.mutable_ack_due() = ToProto(kNow + absl::Hours(1));
  auto p = ProgressFromEvent(Envelope("ComplaintAssignedBySupervisor", m), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->status, iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(p->department_id, "engineering");
  EXPECT_EQ(p->entry.actor_id, "S0009");
  EXPECT_THAT(p->entry.summary, HasSubstr("1个协办部门"));
}

TEST(Progress, AnAcknowledgedComplaintNamesItsOwner) {
  rv1::ComplaintAcknowledged m;
  m.set_number("TS-202611-000123");
  m.set_department_id("engineering");
  m.set_owner_staff_id("S0042");
  auto p = ProgressFromEvent(Envelope("ComplaintAcknowledged", m), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(p->owner_staff_id, "S0042");
  EXPECT_EQ(p->entry.actor_id, "S0042");
  EXPECT_EQ(p->ack_due_change, Progress::Due::kKeep);
}

TEST(Progress, AMisroutedComplaintGoesBackToAwaitingRoutingWithoutShowingTheInternalReason) {
  rv1::AssignmentRejected m;
  m.set_number("TS-202611-000123");
  m.set_department_id("sales");
  m.set_staff_id("S0007");
  m.set_reason("不是我们部门的事");
  auto p = ProgressFromEvent(Envelope("AssignmentRejected", m), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->status, iv1::COMPLAINT_STATUS_RECEIVED);
  EXPECT_EQ(p->department_id, "");
  EXPECT_THAT(p->entry.summary, Not(HasSubstr("不是我们部门")));
}

TEST(Progress, AMissedAcknowledgementPutsTheComplaintWithTheSupervisor) {
  rv1::AcknowledgementOverdue m;
  m.set_number("TS-202611-000123");
  m.set_department_id("engineering");
  auto p = ProgressFromEvent(Envelope("AcknowledgementOverdue", m), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->status, iv1::COMPLAINT_STATUS_WITH_SUPERVISOR);
  EXPECT_EQ(p->entry.type, iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGEMENT_OVERDUE);
  EXPECT_THAT(p->entry.summary, HasSubstr("1小时"));
}

TEST(Progress, AMalformedEventIsReportedNotApplied) {
  rv1::ComplaintRouted m;
  m.set_number("not-a-number");
  EXPECT_EQ(ProgressFromEvent(Envelope("ComplaintRouted", m), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  rv1::ComplaintAcknowledged wrong;
  wrong.set_number("TS-202611-000123");
  EXPECT_EQ(ProgressFromEvent(Envelope("ComplaintRouted", wrong), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  m.set_number("TS-202611-000123");
  m.set_department_id("has space");
  EXPECT_EQ(ProgressFromEvent(Envelope("ComplaintRouted", m), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The status a routing event proposing `proposed` leaves on a record in `current` (cycle 0: no
// case opened yet, unless given).
iv1::ComplaintStatus AfterRouting(iv1::ComplaintStatus current, iv1::ComplaintStatus proposed,
                                  int32_t cycle = 0) {
  Progress p;
  p.source = Progress::Source::kRouting;
  p.status = proposed;
  RecordState record;
  record.status = current;
  record.cycle = cycle;
  return Settle(p, record).status;
}

TEST(Progress, RoutingFollowsItsOwnOrderButNeverUndoesLaterHandling) {
  EXPECT_EQ(AfterRouting(iv1::COMPLAINT_STATUS_RECEIVED, iv1::COMPLAINT_STATUS_ROUTED),
            iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(AfterRouting(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, iv1::COMPLAINT_STATUS_RECEIVED),
            iv1::COMPLAINT_STATUS_RECEIVED);
  EXPECT_EQ(
      AfterRouting(iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, iv1::COMPLAINT_STATUS_ACKNOWLEDGED),
      iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
  EXPECT_EQ(AfterRouting(iv1::COMPLAINT_STATUS_CLOSED, iv1::COMPLAINT_STATUS_ROUTED),
            iv1::COMPLAINT_STATUS_CLOSED);
  // Once case handling has opened the case (and e.g. a rejected solution put it back to
  // ACKNOWLEDGED), routing's late news does not move it.
  EXPECT_EQ(AfterRouting(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, iv1::COMPLAINT_STATUS_ROUTED, 1),
            iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
}

TEST(Progress, TheFirstEntrySaysHowTheComplaintWasReceivedAndWhoRecordedIt) {
  iv1::ComplaintInput in;
  in.set_channel(cv1::CHANNEL_HOTLINE);
  in.set_recorded_by_staff_id("S0001");
  TimelineRecord r = ReceivedEntry(in, kNow);
  EXPECT_EQ(r.type, iv1::TIMELINE_EVENT_TYPE_RECEIVED);
  EXPECT_EQ(r.summary, "您的投诉已通过客服热线受理");
  EXPECT_EQ(r.actor_id, "S0001");
  EXPECT_EQ(r.at, kNow);
}

TEST(Progress, AMissedAcknowledgementStatesTheWindowRoutingGaveTheDepartment) {
  // Routed at kNow with 30 minutes to acknowledge: the record keeps both times.
  rv1::ComplaintRouted routed;
  routed.set_number(kNumber);
  routed.set_department_id("engineering");
  *routed.mutable_routed_at() = ToProto(kNow);
  *routed.mutable_ack_due() = ToProto(kNow + absl::Minutes(30));
  Progress p = Read("ComplaintRouted", routed);
  EXPECT_EQ(p.ack_due_change, Due::kSet);
  EXPECT_EQ(p.ack_started_at, kNow);
  rv1::AcknowledgementOverdue overdue;
  overdue.set_number(kNumber);
  overdue.set_department_id("engineering");
  *overdue.mutable_ack_due() = ToProto(kNow + absl::Minutes(30));
  RecordState record = Record(iv1::COMPLAINT_STATUS_ROUTED, 0);
  record.ack_due = kNow + absl::Minutes(30);
  record.ack_started_at = kNow;
  EXPECT_EQ(Settle(Read("AcknowledgementOverdue", overdue), record).entry.summary,
            "责任部门未在30分钟内确认受理，已上报上级领导督办");
  // A record routed without its times says the usual hour.
  record.ack_started_at.reset();
  EXPECT_EQ(Settle(Read("AcknowledgementOverdue", overdue), record).entry.summary,
            "责任部门未在1小时内确认受理，已上报上级领导督办");
}

TEST(Progress, AWindowIsSaidInHoursAndMinutes) {
  EXPECT_EQ(CustomerDuration(absl::Hours(1)), "1小时");
  EXPECT_EQ(CustomerDuration(absl::Hours(2)), "2小时");
  EXPECT_EQ(CustomerDuration(absl::Minutes(90)), "1小时30分钟");
  EXPECT_EQ(CustomerDuration(absl::Minutes(30)), "30分钟");
  EXPECT_EQ(CustomerDuration(absl::Seconds(45)), "45秒");
}

// --- Case handling (§6) ---------------------------------------------------------------------

TEST(CaseHandling, AnOpenedCaseIsBeingHandledWithASolutionDueInTwoBusinessDays) {
  Progress p = Read("CaseOpened", Opened(1));
  EXPECT_EQ(p.number, kNumber);
  EXPECT_EQ(p.cycle, 1);
  EXPECT_EQ(p.department_id, "engineering");
  EXPECT_EQ(p.owner_staff_id, "S0042");
  EXPECT_EQ(p.category, cv1::CATEGORY_PRODUCT_QUALITY);
  EXPECT_EQ(p.solution_due_change, Due::kSet);
  EXPECT_EQ(p.solution_due, kNow + absl::Hours(48));
  EXPECT_FALSE(p.solution_due_provisional);
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 0, ""));
  EXPECT_FALSE(o.late);
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(o.cycle, 1);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_CASE_OPENED);
  EXPECT_EQ(o.entry.at, kNow);
  EXPECT_EQ(o.entry.actor_id, "S0042");
  EXPECT_EQ(o.entry.department_id, "engineering");
  // 2026-11-28 11:00 Shanghai.
  EXPECT_EQ(o.entry.summary,
            "工程质量部已立案处理，将于 2026-11-28 11:00（北京时间）前提出解决方案");
}

TEST(CaseHandling, ADeadlineInAnUnpublishedYearIsMarkedProvisional) {
  chv1::CaseOpened m = Opened(1);
  m.set_solution_due_provisional(true);
  Progress p = Read("CaseOpened", m);
  EXPECT_TRUE(p.solution_due_provisional);
  EXPECT_THAT(Settle(p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 0)).entry.summary,
              HasSubstr("待节假日安排公布后可能调整"));
}

TEST(CaseHandling, AnOpenedCaseOvertakingRoutingsAcknowledgementStillCountsAsHandled) {
  // Case handling's relay may deliver before routing's: the complaint is being handled.
  Outcome o = Settle(Read("CaseOpened", Opened(1)), Record(iv1::COMPLAINT_STATUS_ROUTED, 0));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  // And routing's acknowledgement arriving afterwards is history: it changes nothing.
  rv1::ComplaintAcknowledged ack;
  ack.set_number(kNumber);
  ack.set_department_id("sales");
  ack.set_owner_staff_id("S0007");
  auto late = ProgressFromEvent(Envelope("ComplaintAcknowledged", ack, "routing"), kNow);
  ASSERT_TRUE(late.ok());
  Outcome after = Settle(*late, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
  EXPECT_TRUE(after.late);
  EXPECT_EQ(after.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
}

TEST(CaseHandling, InvestigationStepsAreShownByKindWithoutTheInternalRecord) {
  const std::map<std::string, std::string> kinds = {
      {"site_visit", "现场勘查"}, {"document_review", "核查相关资料"}, {"interview", "了解情况"},
      {"evidence", "证据材料"},   {"something_new", "正在调查处理"},
  };
  for (const auto& [kind, words] : kinds) {
    chv1::InvestigationEntryAdded m;
    m.set_number(kNumber);
    m.set_cycle(1);
    m.set_kind(kind);
    m.set_author_staff_id("S0050");
    Progress p = Read("InvestigationEntryAdded", m);
    EXPECT_EQ(p.status, iv1::COMPLAINT_STATUS_UNSPECIFIED);
    Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
    EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
    EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_INVESTIGATION_ENTRY_ADDED);
    EXPECT_THAT(o.entry.summary, StartsWith("工程质量部"));
    EXPECT_THAT(o.entry.summary, HasSubstr(words)) << kind;
    EXPECT_THAT(o.entry.summary, Not(HasSubstr(kind)));
    EXPECT_EQ(o.entry.actor_id, "S0050");
    EXPECT_EQ(o.entry.department_id, "engineering");  // the record's
  }
}

TEST(CaseHandling, AnInspectionReportIsAnnouncedWithoutItsFindings) {
  chv1::InspectionReportAttached m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_inspector_staff_id("S0060");
  m.set_severity(cv1::SEVERITY_CRITICAL);
  Outcome o =
      Settle(Read("InspectionReportAttached", m), Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_INSPECTION_REPORT_ATTACHED);
  EXPECT_THAT(o.entry.summary, HasSubstr("检测"));
  EXPECT_EQ(o.entry.actor_id, "S0060");
}

TEST(CaseHandling, WhatTheDepartmentToldTheCustomerIsShownOnTheTimeline) {
  chv1::CustomerContacted m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_staff_id("S0042");
  m.set_channel("phone");
  m.set_summary("已约定周六上午上门查看渗水情况");
  Outcome o = Settle(Read("CustomerContacted", m), Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_CUSTOMER_CONTACTED);
  EXPECT_EQ(o.entry.summary,
            "工程质量部已通过电话与您沟通处理进展：已约定周六上午上门查看渗水情况");
  m.set_summary("");
  m.set_channel("carrier_pigeon");
  EXPECT_EQ(Settle(Read("CustomerContacted", m), Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1))
                .entry.summary,
            "工程质量部已与您沟通处理进展");
}

TEST(CaseHandling, TextForTheCustomerIsRepairedAndShortenedRatherThanRefused) {
  chv1::CustomerContacted m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_channel("sms");
  m.set_summary(std::string("明天上门\x01\r\n处理"));
  Progress p = Read("CustomerContacted", m);
  EXPECT_TRUE(p.text_repaired);
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
  EXPECT_THAT(o.entry.summary, EndsWith("：明天上门 处理"));
  // Text that is not UTF-8 cannot travel in a `string` field: such a payload does not parse, so
  // the event is refused whole. The quoting still repairs such text wherever it comes from.
  m.set_summary(std::string("明天\xff上门\x01\r\n处理"));
  EXPECT_EQ(ProgressFromEvent(Envelope("CustomerContacted", m), kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  bool repaired = false;
  EXPECT_EQ(Quote(std::string("明天\xff上门\x01\r\n处理"), &repaired),
            "：明天\xEF\xBF\xBD上门 处理");
  EXPECT_TRUE(repaired);

  std::string long_text;
  for (int i = 0; i < 500; ++i) long_text += "修";
  m.set_summary(long_text);
  o = Settle(Read("CustomerContacted", m), Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
  const std::string quoted = o.entry.summary.substr(o.entry.summary.find("：") + 3);
  EXPECT_EQ(quoted.size(), (kMaxQuotedChars - 1) * 3 + 3);  // 199 × "修" and "…"
  EXPECT_THAT(quoted, EndsWith("…"));
}

TEST(CaseHandling, AProposedSolutionAwaitsTheCustomersDecisionAndIsShownInFull) {
  chv1::SolutionProposed m = Proposed(1, "更换客厅外墙防水层\n并重新粉刷墙面");
  *m.mutable_planned_completion() = ToProto(kNow + absl::Hours(24 * 7));
  m.set_on_time(false);
  Progress p = Read("SolutionProposed", m);
  EXPECT_EQ(p.solution, "更换客厅外墙防水层\n并重新粉刷墙面");  // the record keeps the lines
  EXPECT_EQ(p.planned_completion_change, Due::kSet);
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_SOLUTION_PROPOSED);
  EXPECT_EQ(o.entry.summary,
            "工程质量部已提出解决方案，请确认：更换客厅外墙防水层 并重新粉刷墙面"
            "（计划于 2026-12-03 11:00（北京时间）前完成）");
  // Whether it was late is the department's business, not the summary's.
  EXPECT_THAT(o.entry.summary, Not(HasSubstr("超时")));
  // A revision says so; a department intake does not know is "the department in charge".
  Outcome revised = Settle(Read("SolutionProposed", Proposed(2, "改为整面墙重做")),
                           Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1, "district-7"));
  EXPECT_EQ(revised.entry.summary, "责任部门已提出修订后的解决方案，请确认：改为整面墙重做");
}

TEST(CaseHandling, AnExtendedDeadlineKeepsTheOriginalAndDoesNotShowTheInternalReason) {
  chv1::SolutionDeadlineExtended m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_staff_id("S0042");
  m.set_reason("需等待第三方检测机构出具报告");
  *m.mutable_original_due() = ToProto(kNow);
  *m.mutable_new_due() = ToProto(kNow + absl::Hours(24 * 5));
  Progress p = Read("SolutionDeadlineExtended", m);
  EXPECT_EQ(p.solution_due_change, Due::kSet);
  EXPECT_EQ(p.solution_due, kNow + absl::Hours(24 * 5));
  EXPECT_EQ(p.original_solution_due_change, Due::kSet);
  EXPECT_EQ(p.original_solution_due, kNow);
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_EXTENDED);
  EXPECT_THAT(o.entry.summary, HasSubstr("延长至 2026-12-01 11:00（北京时间）"));
  EXPECT_THAT(o.entry.summary, Not(HasSubstr("第三方")));
}

TEST(CaseHandling, AMissedSolutionDeadlineIsOwnedUpToWithoutChangingTheStatus) {
  chv1::SolutionDeadlineMissed m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_department_id("engineering");
  m.set_owner_staff_id("S0042");
  Outcome o =
      Settle(Read("SolutionDeadlineMissed", m), Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_SOLUTION_DEADLINE_MISSED);
  EXPECT_THAT(o.entry.summary, StartsWith("工程质量部未能在期限内提出解决方案"));
  EXPECT_EQ(o.entry.actor_id, "");  // the owner is not blamed by name to the customer
}

TEST(CaseHandling, AnAcceptedSolutionIsImplemented) {
  chv1::CustomerDecisionRecorded m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_revision(1);
  m.set_accepted(true);
  Outcome o = Settle(Read("CustomerDecisionRecorded", m),
                     Record(iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_CUSTOMER_DECISION_RECORDED);
  EXPECT_EQ(o.entry.summary, "您已接受解决方案，工程质量部正在组织实施");
}

TEST(CaseHandling, ARejectedSolutionIsRevisedByANewDeadline) {
  chv1::CustomerDecisionRecorded m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_revision(1);
  m.set_accepted(false);
  m.set_reason("只补墙不够，要求整面重做");
  *m.mutable_revised_solution_due() = ToProto(kNow + absl::Hours(48));
  Progress p = Read("CustomerDecisionRecorded", m);
  EXPECT_EQ(p.solution_due_change, Due::kSet);
  EXPECT_EQ(p.solution_due, kNow + absl::Hours(48));
  EXPECT_EQ(p.original_solution_due_change, Due::kClear);  // a new deadline, not an extension
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, 1));
  EXPECT_FALSE(o.late);
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(o.entry.summary,
            "您未接受解决方案，工程质量部将于 2026-11-28 11:00（北京时间）前提出修订后的解决方案");
  // Only a proposed solution can be rejected back to ACKNOWLEDGED.
  EXPECT_EQ(Settle(p, Record(iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION, 1)).status,
            iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION);
  // The revised proposal moves it forward again.
  EXPECT_EQ(Settle(Read("SolutionProposed", Proposed(2, "整面重做")),
                   Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1))
                .status,
            iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
}

TEST(CaseHandling, ImplementationNotesStayInternalAndAChangedPlanIsAnnounced) {
  chv1::ImplementationProgressRecorded m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_staff_id("S0042");
  m.set_note("施工队临时调走，延后两天");
  Outcome o = Settle(Read("ImplementationProgressRecorded", m),
                     Record(iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_IMPLEMENTATION_PROGRESS_RECORDED);
  EXPECT_THAT(o.entry.summary, Not(HasSubstr("施工队")));
  m.set_plan_changed(true);
  o = Settle(Read("ImplementationProgressRecorded", m),
             Record(iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION, 1));
  EXPECT_EQ(o.entry.summary, "实施计划有调整，工程质量部将向您说明调整内容");
}

TEST(CaseHandling, AResolvedCaseReportsItsResultAndAwaitsTheCallback) {
  chv1::CaseResolved m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_department_id("engineering");
  m.set_owner_staff_id("S0042");
  m.set_result("外墙防水已重做，经淋水试验无渗漏");
  m.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
  Progress p = Read("CaseResolved", m);
  EXPECT_EQ(p.resolution, "外墙防水已重做，经淋水试验无渗漏");
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_CASE_RESOLVED);
  EXPECT_EQ(o.entry.summary, "工程质量部已处理完毕，处理结果：外墙防水已重做，经淋水试验无渗漏");
}

TEST(CaseHandling, AReopenStartsANewCycleBackAtBeingHandled) {
  chv1::CaseReopened m;
  m.set_number(kNumber);
  m.set_cycle(2);
  m.set_department_id("engineering");
  m.set_owner_staff_id("S0043");
  *m.mutable_solution_due() = ToProto(kNow + absl::Hours(48));
  Progress p = Read("CaseReopened", m);
  // The previous cycle's solution, plan, result and extension no longer stand.
  EXPECT_EQ(p.solution, "");
  EXPECT_EQ(p.resolution, "");
  EXPECT_EQ(p.planned_completion_change, Due::kClear);
  EXPECT_EQ(p.original_solution_due_change, Due::kClear);
  EXPECT_EQ(p.solution_due_change, Due::kSet);
  EXPECT_EQ(p.owner_staff_id, "S0043");
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_RESOLVED, 1));
  EXPECT_FALSE(o.late);
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(o.cycle, 2);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_CASE_REOPENED);
  EXPECT_EQ(o.entry.summary,
            "根据您的反馈，投诉已重新交由工程质量部处理（第2轮处理），将于 2026-11-28 "
            "11:00（北京时间）前提出解决方案");
  // The case opened again for the same cycle neither resets nor moves anything back.
  Outcome again =
      Settle(Read("CaseOpened", Opened(2)), Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 2));
  EXPECT_EQ(again.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  // Nor is it told twice: the reopening said which department, which round and by when.
  EXPECT_EQ(again.entry.type, iv1::TIMELINE_EVENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(
      Settle(Read("CaseOpened", Opened(2)), Record(iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, 2))
          .status,
      iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
}

TEST(CaseHandling, AnEventOfAnEarlierCycleChangesOnlyTheTimeline) {
  chv1::CaseResolved m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_department_id("engineering");
  Outcome o = Settle(Read("CaseResolved", m), Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 2));
  EXPECT_TRUE(o.late);
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(o.cycle, 2);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_CASE_RESOLVED);
}

TEST(CaseHandling, StatusNeverMovesBackPastALaterStateWithinACycle) {
  // A proposal cannot undo a resolution; a resolution cannot undo a close.
  EXPECT_EQ(
      Settle(Read("SolutionProposed", Proposed(1, "x")), Record(iv1::COMPLAINT_STATUS_RESOLVED, 1))
          .status,
      iv1::COMPLAINT_STATUS_RESOLVED);
  chv1::CaseResolved resolved;
  resolved.set_number(kNumber);
  resolved.set_cycle(1);
  EXPECT_EQ(Settle(Read("CaseResolved", resolved), Record(iv1::COMPLAINT_STATUS_CLOSED, 1)).status,
            iv1::COMPLAINT_STATUS_CLOSED);
  chv1::CaseReopened reopened;
  reopened.set_number(kNumber);
  reopened.set_cycle(2);
  EXPECT_EQ(Settle(Read("CaseReopened", reopened), Record(iv1::COMPLAINT_STATUS_CLOSED, 1)).status,
            iv1::COMPLAINT_STATUS_CLOSED);
}

// --- Follow-up (§7) -------------------------------------------------------------------------

TEST(FollowUp, EveryCaseHasATrackerTheCustomerCanSee) {
  fv1::TrackerAssigned m;
  m.set_number(kNumber);
  m.set_tracker_staff_id("S0070");
  m.set_how("rule");
  Progress p = Read("TrackerAssigned", m);
  EXPECT_EQ(p.tracker_staff_id, "S0070");
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(o.cycle, 1);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_TRACKER_ASSIGNED);
  EXPECT_EQ(o.entry.actor_id, "S0070");
  EXPECT_EQ(o.entry.department_id, "");
  m.set_how("reassigned");
  EXPECT_THAT(Read("TrackerAssigned", m).entry.summary, HasSubstr("更换"));
}

TEST(FollowUp, ProgressUpdatesAndMissedOnesAreShown) {
  fv1::ProgressUpdateRecorded given;
  given.set_number(kNumber);
  given.set_tracker_staff_id("S0070");
  EXPECT_EQ(Read("ProgressUpdateRecorded", given).entry.type,
            iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_RECORDED);
  fv1::ProgressUpdateOverdue missed;
  missed.set_number(kNumber);
  missed.set_tracker_staff_id("S0070");
  Progress p = Read("ProgressUpdateOverdue", missed);
  EXPECT_EQ(p.entry.type, iv1::TIMELINE_EVENT_TYPE_PROGRESS_UPDATE_OVERDUE);
  EXPECT_EQ(Settle(p, Record(iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION, 1)).status,
            iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION);
}

TEST(FollowUp, TheCallbackIsDueWithinThreeBusinessDaysOfResolution) {
  fv1::CallbackScheduled m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_callback_agent_staff_id("S0080");
  *m.mutable_due() = ToProto(kNow + absl::Hours(72));
  m.set_due_provisional(true);
  Progress p = Read("CallbackScheduled", m);
  EXPECT_EQ(p.callback_due_change, Due::kSet);
  EXPECT_EQ(p.callback_due, kNow + absl::Hours(72));
  EXPECT_TRUE(p.callback_due_provisional);
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_RESOLVED, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_EQ(o.entry.at, kNow);  // the envelope's time: when it was scheduled
  EXPECT_THAT(o.entry.summary, StartsWith("我们将于 2026-11-29 11:00（北京时间）前"));
  EXPECT_THAT(o.entry.summary, HasSubstr("可能调整"));

  fv1::CallbackOverdue overdue;
  overdue.set_number(kNumber);
  overdue.set_cycle(1);
  Progress late = Read("CallbackOverdue", overdue);
  EXPECT_EQ(late.callback_due_change, Due::kKeep);
  EXPECT_EQ(late.entry.type, iv1::TIMELINE_EVENT_TYPE_CALLBACK_OVERDUE);
}

TEST(FollowUp, ARecordedCallbackGivesTheSatisfactionAndEndsTheWait) {
  fv1::CallbackRecorded m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_callback_agent_staff_id("S0080");
  m.set_method("phone");
  m.set_satisfaction(4);
  m.set_comments("师傅很专业");
  Progress p = Read("CallbackRecorded", m);
  EXPECT_EQ(p.satisfaction, 4);
  EXPECT_EQ(p.callback_due_change, Due::kClear);
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_RESOLVED, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_EQ(o.entry.summary, "已完成电话回访，您的满意度评分：4分（满分5分）");
  // A score outside 1..5 is not shown or kept; the callback still happened.
  m.set_satisfaction(9);
  p = Read("CallbackRecorded", m);
  EXPECT_EQ(p.satisfaction, 0);
  EXPECT_EQ(p.entry.summary, "已完成电话回访");
}

TEST(FollowUp, AnUnsatisfiedCustomerSeesTheCaseGoBackButItStaysResolvedUntilReopened) {
  fv1::CustomerUnsatisfied m;
  m.set_number(kNumber);
  m.set_cycle(1);
  m.set_satisfaction(2);
  Outcome o = Settle(Read("CustomerUnsatisfied", m), Record(iv1::COMPLAINT_STATUS_RESOLVED, 1));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_EQ(o.cycle, 1);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_CUSTOMER_UNSATISFIED);
  EXPECT_EQ(o.entry.summary, "您对处理结果不满意，投诉将退回工程质量部重新处理");
}

TEST(FollowUp, ASatisfiedCustomerClosesTheComplaintForGood) {
  fv1::ComplaintClosed m;
  m.set_number(kNumber);
  m.set_cycle(2);
  m.set_satisfaction(5);
  *m.mutable_closed_at() = ToProto(kNow);
  Progress p = Read("ComplaintClosed", m);
  EXPECT_EQ(p.closed_at, kNow);
  EXPECT_EQ(p.satisfaction, 5);
  Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_RESOLVED, 2));
  EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_COMPLAINT_CLOSED);
  EXPECT_THAT(o.entry.summary, HasSubstr("已办结"));
  // Even when follow-up's close overtakes case handling's resolution.
  EXPECT_EQ(Settle(p, Record(iv1::COMPLAINT_STATUS_IN_IMPLEMENTATION, 2)).status,
            iv1::COMPLAINT_STATUS_CLOSED);
}

// --- Notification ----------------------------------------------------------------------------

nv1::CustomerNotified Notified(nv1::Channel channel, const std::string& topic) {
  nv1::CustomerNotified m;
  m.set_number(kNumber);
  m.set_kind("solution_proposed");
  m.set_channel(channel);
  m.set_topic(topic);
  *m.mutable_at() = ToProto(kNow - absl::Minutes(5));
  m.set_delivery_id("d-000042");
  return m;
}

nv1::CustomerNotificationFailed NotificationFailed(nv1::Channel channel, const std::string& topic,
                                                   int32_t attempts) {
  nv1::CustomerNotificationFailed m;
  m.set_number(kNumber);
  m.set_kind("solution_proposed");
  m.set_channel(channel);
  m.set_topic(topic);
  *m.mutable_at() = ToProto(kNow - absl::Minutes(5));
  m.set_delivery_id("d-000042");
  m.set_attempts(attempts);
  return m;
}

TEST(Notification, WhatWasSentIsShownByChannelAndTopic) {
  const std::vector<std::pair<nv1::Channel, std::string>> expected = {
      {nv1::CHANNEL_SMS, "已短信通知客户：方案待确认"},
      {nv1::CHANNEL_EMAIL, "已邮件通知客户：方案待确认"},
      {nv1::CHANNEL_IN_APP, "已应用内通知客户：方案待确认"},
      {nv1::CHANNEL_WEBHOOK, "已企业微信通知客户：方案待确认"},
      // A channel this build does not know yet is not named.
      {static_cast<nv1::Channel>(9), "已通知客户：方案待确认"}};
  for (const auto& [channel, summary] : expected) {
    Progress p = Read("CustomerNotified", Notified(channel, "方案待确认"));
    EXPECT_EQ(p.number, kNumber);
    Outcome o = Settle(p, Record(iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, 1));
    EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFIED);
    EXPECT_EQ(o.entry.summary, summary);
    EXPECT_EQ(o.entry.at, kNow - absl::Minutes(5));
    // Sent by the system, about no department in particular.
    EXPECT_EQ(o.entry.actor_id, "");
    EXPECT_EQ(o.entry.department_id, "");
  }
}

TEST(Notification, WhatCouldNotBeDeliveredIsShownWithItsAttempts) {
  Outcome o = Settle(
      Read("CustomerNotificationFailed", NotificationFailed(nv1::CHANNEL_SMS, "方案待确认", 5)),
      Record(iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, 1));
  EXPECT_EQ(o.entry.type, iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFICATION_FAILED);
  EXPECT_EQ(o.entry.summary, "短信通知发送失败（已尝试 5 次）：方案待确认");
  EXPECT_EQ(o.entry.at, kNow - absl::Minutes(5));
  EXPECT_EQ(o.entry.actor_id, "");
  o = Settle(
      Read("CustomerNotificationFailed", NotificationFailed(nv1::CHANNEL_EMAIL, "投诉已办结", 0)),
      Record(iv1::COMPLAINT_STATUS_CLOSED, 1));
  EXPECT_EQ(o.entry.summary, "邮件通知发送失败：投诉已办结");
}

TEST(Notification, BeingToldNeverChangesTheStatusOrTheRecord) {
  for (iv1::ComplaintStatus status :
       {iv1::COMPLAINT_STATUS_RECEIVED, iv1::COMPLAINT_STATUS_ROUTED,
        iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED, iv1::COMPLAINT_STATUS_RESOLVED,
        iv1::COMPLAINT_STATUS_CLOSED}) {
    for (const Progress& p : {Read("CustomerNotified", Notified(nv1::CHANNEL_SMS, "方案待确认")),
                              Read("CustomerNotificationFailed",
                                   NotificationFailed(nv1::CHANNEL_SMS, "方案待确认", 3))}) {
      EXPECT_EQ(p.status, iv1::COMPLAINT_STATUS_UNSPECIFIED);
      EXPECT_EQ(p.cycle, 0);
      EXPECT_FALSE(p.department_id.has_value());
      EXPECT_FALSE(p.closed_at.has_value());
      Outcome o = Settle(p, Record(status, 2));
      EXPECT_EQ(o.status, status) << iv1::ComplaintStatus_Name(status);
      EXPECT_EQ(o.cycle, 2);
      EXPECT_FALSE(o.late);
    }
  }
}

TEST(Notification, TheTopicIsMadeSafeToShowAndMayBeMissing) {
  Progress p = Read("CustomerNotified", Notified(nv1::CHANNEL_IN_APP, "方案\n待确认\x01"));
  EXPECT_TRUE(p.text_repaired);
  EXPECT_EQ(Settle(p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1)).entry.summary,
            "已应用内通知客户：方案 待确认");
  p = Read("CustomerNotified", Notified(nv1::CHANNEL_SMS, " "));
  EXPECT_EQ(Settle(p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1)).entry.summary,
            "已短信通知客户");
  // Without its own time, the envelope's.
  nv1::CustomerNotified untimed = Notified(nv1::CHANNEL_SMS, "方案待确认");
  untimed.clear_at();
  EXPECT_EQ(Read("CustomerNotified", untimed).entry.at, kNow);
}

// --- Every event -----------------------------------------------------------------------------

// The smallest valid payload of `descriptor`'s type: its number, cycle 1 where it has one.
cv1::Event Minimal(const std::string& type, const google::protobuf::Message& prototype) {
  std::unique_ptr<google::protobuf::Message> m(prototype.New());
  const auto* d = m->GetDescriptor();
  const auto* r = m->GetReflection();
  r->SetString(m.get(), d->FindFieldByName("number"), kNumber);
  if (const auto* cycle = d->FindFieldByName("cycle")) r->SetInt32(m.get(), cycle, 1);
  cv1::Event e;
  e.set_event_id("6f1c2d9e-0000-4000-8000-000000000003");
  e.set_event_type(type);
  e.set_aggregate_id(kNumber);
  *e.mutable_occurred_at() = ToProto(kNow);
  e.mutable_payload()->PackFrom(*m);
  return e;
}

const std::map<std::string, const google::protobuf::Message*>& Prototypes() {
  static const auto* prototypes = new std::map<std::string, const google::protobuf::Message*>{
      {"CaseOpened", &chv1::CaseOpened::default_instance()},
      {"InvestigationEntryAdded", &chv1::InvestigationEntryAdded::default_instance()},
      {"InspectionReportAttached", &chv1::InspectionReportAttached::default_instance()},
      {"CustomerContacted", &chv1::CustomerContacted::default_instance()},
      {"SolutionProposed", &chv1::SolutionProposed::default_instance()},
      {"SolutionDeadlineExtended", &chv1::SolutionDeadlineExtended::default_instance()},
      {"SolutionDeadlineMissed", &chv1::SolutionDeadlineMissed::default_instance()},
      {"CustomerDecisionRecorded", &chv1::CustomerDecisionRecorded::default_instance()},
      {"ImplementationProgressRecorded", &chv1::ImplementationProgressRecorded::default_instance()},
      {"CaseResolved", &chv1::CaseResolved::default_instance()},
      {"CaseReopened", &chv1::CaseReopened::default_instance()},
      {"TrackerAssigned", &fv1::TrackerAssigned::default_instance()},
      {"ProgressUpdateRecorded", &fv1::ProgressUpdateRecorded::default_instance()},
      {"ProgressUpdateOverdue", &fv1::ProgressUpdateOverdue::default_instance()},
      {"CallbackScheduled", &fv1::CallbackScheduled::default_instance()},
      {"CallbackOverdue", &fv1::CallbackOverdue::default_instance()},
      {"CallbackRecorded", &fv1::CallbackRecorded::default_instance()},
      {"CustomerUnsatisfied", &fv1::CustomerUnsatisfied::default_instance()},
      {"ComplaintClosed", &fv1::ComplaintClosed::default_instance()},
      {"CustomerNotified", &nv1::CustomerNotified::default_instance()},
      {"CustomerNotificationFailed", &nv1::CustomerNotificationFailed::default_instance()},
  };
  return *prototypes;
}

TEST(EveryEvent, EachOfTheLoopHasItsOwnTimelineTypeAndAChineseSummary) {
  std::set<iv1::TimelineEventType> types;
  size_t followed = 0;
  for (const auto* group : {&CaseHandlingEventTypes(), &FollowUpEventTypes()}) {
    for (const std::string& type : *group) {
      ++followed;
      ASSERT_TRUE(Prototypes().count(type)) << type;
      auto p = ProgressFromEvent(Minimal(type, *Prototypes().at(type)), kNow);
      ASSERT_TRUE(p.ok()) << type << ": " << p.status();
      Outcome o = Settle(*p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
      EXPECT_NE(o.entry.type, iv1::TIMELINE_EVENT_TYPE_UNSPECIFIED) << type;
      EXPECT_TRUE(iv1::TimelineEventType_IsValid(o.entry.type)) << type;
      types.insert(o.entry.type);
      EXPECT_FALSE(o.entry.summary.empty()) << type;
      EXPECT_LE(o.entry.summary.size(), 500u) << type;  // the column's characters, at most
      EXPECT_EQ(o.entry.at, kNow) << type;
      // No event with a minimal payload is late for a record at its own cycle.
      EXPECT_FALSE(o.late) << type;
    }
  }
  EXPECT_EQ(followed, 19u);
  EXPECT_EQ(types.size(), followed);
  EXPECT_EQ(FollowedEventTypes().size(),
            RoutingEventTypes().size() + followed + NotificationEventTypes().size());
}

TEST(EveryEvent, EachNotificationHasItsOwnTimelineTypeAndAChineseSummary) {
  std::set<iv1::TimelineEventType> types;
  for (const std::string& type : NotificationEventTypes()) {
    ASSERT_TRUE(Prototypes().count(type)) << type;
    auto p = ProgressFromEvent(Minimal(type, *Prototypes().at(type)), kNow);
    ASSERT_TRUE(p.ok()) << type << ": " << p.status();
    Outcome o = Settle(*p, Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 1));
    EXPECT_TRUE(iv1::TimelineEventType_IsValid(o.entry.type)) << type;
    EXPECT_NE(o.entry.type, iv1::TIMELINE_EVENT_TYPE_UNSPECIFIED) << type;
    types.insert(o.entry.type);
    EXPECT_FALSE(o.entry.summary.empty()) << type;
    EXPECT_EQ(o.entry.at, kNow) << type;
    EXPECT_EQ(o.status, iv1::COMPLAINT_STATUS_ACKNOWLEDGED) << type;
  }
  EXPECT_EQ(NotificationEventTypes(),
            std::vector<std::string>({"CustomerNotified", "CustomerNotificationFailed"}));
  EXPECT_EQ(types, std::set<iv1::TimelineEventType>(
                       {iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFIED,
                        iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFICATION_FAILED}));
}

TEST(EveryEvent, AMalformedEventIsReportedNotApplied) {
  for (const auto& [type, prototype] : Prototypes()) {
    // The wrong message type.
    cv1::Event wrong = Minimal(type, type == "CaseOpened" ? *Prototypes().at("CaseResolved")
                                                          : *Prototypes().at("CaseOpened"));
    EXPECT_EQ(ProgressFromEvent(wrong, kNow).status().code(), absl::StatusCode::kInvalidArgument)
        << type;
    // A malformed number.
    std::unique_ptr<google::protobuf::Message> m(prototype->New());
    m->GetReflection()->SetString(m.get(), m->GetDescriptor()->FindFieldByName("number"), "TS-1");
    cv1::Event bad_number = Minimal(type, *prototype);
    bad_number.mutable_payload()->PackFrom(*m);
    EXPECT_EQ(ProgressFromEvent(bad_number, kNow).status().code(),
              absl::StatusCode::kInvalidArgument)
        << type;
    // Cycle 0 where the event has a cycle.
    if (const auto* cycle = prototype->GetDescriptor()->FindFieldByName("cycle")) {
      m->GetReflection()->SetString(m.get(), m->GetDescriptor()->FindFieldByName("number"),
                                    kNumber);
      m->GetReflection()->SetInt32(m.get(), cycle, 0);
      cv1::Event no_cycle = Minimal(type, *prototype);
      no_cycle.mutable_payload()->PackFrom(*m);
      EXPECT_EQ(ProgressFromEvent(no_cycle, kNow).status().code(),
                absl::StatusCode::kInvalidArgument)
          << type;
    }
  }
  chv1::CaseOpened spaced = Opened(1);
  spaced.set_owner_staff_id("S 0042");
  EXPECT_FALSE(ProgressFromEvent(Envelope("CaseOpened", spaced), kNow).ok());
  EXPECT_FALSE(ProgressFromEvent(Envelope("CaseArchived", Opened(1)), kNow).ok());
}

TEST(EveryEvent, DepartmentsAreNamedForTheCustomer) {
  EXPECT_EQ(DepartmentName("engineering"), "工程质量部");
  EXPECT_EQ(DepartmentName("property-management"), "物业管理部");
  EXPECT_EQ(DepartmentName(""), "责任部门");
  EXPECT_EQ(DepartmentName("legal"), "责任部门");
}

TEST(EveryEvent, TheNameShownIsTheOneTheDirectoryHolds) {
  const Directory renamed(std::map<std::string, std::string>{{"engineering", "工程质量一部"}});
  Outcome o = intake::Settle(Read("CaseOpened", Opened(1)),
                             Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 0, ""), renamed);
  EXPECT_THAT(o.entry.summary, StartsWith("工程质量一部已立案处理"));
  // A department the directory has not told intake about yet reads as the one in charge.
  o = intake::Settle(Read("CaseOpened", Opened(1)),
                     Record(iv1::COMPLAINT_STATUS_ACKNOWLEDGED, 0, ""),
                     Directory(std::map<std::string, std::string>()));
  EXPECT_THAT(o.entry.summary, StartsWith("责任部门已立案处理"));
}

TEST(EveryEvent, ADirectoryNameIsKeptOnlyWhenItCanBeShown) {
  const absl::Time undated = kNow - absl::Hours(1);
  ::complaints::staff::v1::Department d;
  d.set_id("engineering");
  d.set_name("工程质量部\r\n（新）\x01");
  *d.mutable_updated_at() = ToProto(kNow);
  std::optional<DirectoryDepartment> kept = FromDirectory(d, undated);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->id, "engineering");
  EXPECT_EQ(kept->name, "工程质量部 （新）");
  EXPECT_EQ(kept->updated_at, kNow);
  d.clear_updated_at();
  EXPECT_EQ(FromDirectory(d, undated)->updated_at, undated);
  d.set_name(" \t ");
  EXPECT_FALSE(FromDirectory(d, undated).has_value());
  d.set_name("销售部");
  d.set_id("has space");
  EXPECT_FALSE(FromDirectory(d, undated).has_value());
}

TEST(TimelineOrder, StepsReadInTheOrderTheyHappenedWhateverOrderTheyArrivedIn) {
  google::protobuf::RepeatedPtrField<iv1::TimelineEntry> timeline;
  auto add = [&](iv1::TimelineEventType type, int64_t second, const std::string& summary = "") {
    iv1::TimelineEntry* e = timeline.Add();
    e->set_type(type);
    e->mutable_at()->set_seconds(second);
    e->set_summary(summary);
  };
  // As they arrived: follow-up's tracker before case-handling's opening, a reopening before the
  // unsatisfied callback that caused it (stamped with the callback's time), and two notices.
  add(iv1::TIMELINE_EVENT_TYPE_RECEIVED, 100);
  add(iv1::TIMELINE_EVENT_TYPE_TRACKER_ASSIGNED, 201);
  add(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFIED, 200, "first notice");
  add(iv1::TIMELINE_EVENT_TYPE_CASE_OPENED, 200);
  add(iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGED, 200);
  add(iv1::TIMELINE_EVENT_TYPE_CASE_REOPENED, 300);
  add(iv1::TIMELINE_EVENT_TYPE_CASE_OPENED, 300);
  add(iv1::TIMELINE_EVENT_TYPE_CALLBACK_RECORDED, 300);
  add(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_UNSATISFIED, 300);
  add(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFIED, 200, "second notice");
  SortTimeline(&timeline);
  std::vector<std::string> got;
  for (const auto& e : timeline) {
    got.push_back(absl::StrCat(iv1::TimelineEventType_Name(e.type()), " ", e.summary()));
  }
  EXPECT_EQ(
      got,
      (std::vector<std::string>{
          "TIMELINE_EVENT_TYPE_RECEIVED ", "TIMELINE_EVENT_TYPE_ACKNOWLEDGED ",
          "TIMELINE_EVENT_TYPE_CASE_OPENED ", "TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFIED first notice",
          "TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFIED second notice",
          "TIMELINE_EVENT_TYPE_TRACKER_ASSIGNED ", "TIMELINE_EVENT_TYPE_CALLBACK_RECORDED ",
          "TIMELINE_EVENT_TYPE_CUSTOMER_UNSATISFIED ", "TIMELINE_EVENT_TYPE_CASE_REOPENED ",
          "TIMELINE_EVENT_TYPE_CASE_OPENED "}));
}

}  // namespace
}  // namespace tousu::intake
