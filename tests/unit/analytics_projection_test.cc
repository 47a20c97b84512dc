// How events move a complaint's fact in analytics (domain/fact_projection.h): times from the event
// itself, else its envelope, else the clock; facts only move forward whatever the order.

#include <gtest/gtest.h>

#include "common/time/proto_time.h"
#include "services/analytics/domain/fact_projection.h"

namespace tousu::analytics {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;

absl::Time Utc(int y, int mo, int d, int h = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, 0, 0), absl::UTCTimeZone());
}

class FactProjection : public ::testing::Test {
 protected:
  EventTimes At() const { return {.envelope = envelope_, .now = now_}; }
  cv1::Event envelope_;
  absl::Time now_ = Utc(2026, 3, 20);
};

TEST_F(FactProjection, ReceiptSetsTheShanghaiMonthAndWhatIntakeKnows) {
  iv1::ComplaintReceived m;
  *m.mutable_received_at() = time::ToProto(Utc(2026, 3, 31, 16));  // 00:00 on 1 April in Shanghai
  m.set_channel(cv1::CHANNEL_HOTLINE);
  m.set_project("翠湖天地");
  m.set_staff_category(cv1::CATEGORY_HANDOVER);
  Fact f;
  Project(m, At(), f);
  EXPECT_EQ(f.month, 202604);
  EXPECT_EQ(f.received_at, Utc(2026, 3, 31, 16));
  EXPECT_EQ(f.channel, cv1::CHANNEL_HOTLINE);
  EXPECT_EQ(f.project, "翠湖天地");
  EXPECT_EQ(f.category, cv1::CATEGORY_HANDOVER);
}

TEST_F(FactProjection, AnEventWithoutItsOwnTimeTakesTheEnvelopesElseTheClocks) {
  iv1::ComplaintReceived m;
  Fact f;
  Project(m, At(), f);
  EXPECT_EQ(f.received_at, now_);
  *envelope_.mutable_occurred_at() = time::ToProto(Utc(2026, 3, 10));
  Project(m, At(), f);
  EXPECT_EQ(f.received_at, Utc(2026, 3, 10));
}

TEST_F(FactProjection, AcknowledgementKeepsTheEarliestTimeAndAMissIsFinal) {
  rv1::ComplaintAcknowledged late;
  *late.mutable_acknowledged_at() = time::ToProto(Utc(2026, 3, 2, 12));
  late.set_on_time(false);
  late.set_department_id("engineering");
  rv1::ComplaintAcknowledged early = late;
  *early.mutable_acknowledged_at() = time::ToProto(Utc(2026, 3, 2, 10));
  early.set_on_time(true);
  Fact f;
  Project(late, At(), f);
  Project(early, At(), f);
  EXPECT_EQ(f.acknowledged_at, Utc(2026, 3, 2, 10));
  EXPECT_EQ(f.ack_sla, Sla::kMissed);
  EXPECT_EQ(f.department_id, "engineering");
}

TEST_F(FactProjection, AComplaintLeftInTheSupervisorQueueMissedItsAcknowledgementHour) {
  Fact f;
  Project(rv1::SupervisorQueueOverdue{}, At(), f);
  EXPECT_EQ(f.ack_sla, Sla::kMissed);
  // The supervisor assigns it and the department acknowledges within its own window: the
  // customer still waited past the hour, and the figure says so.
  rv1::ComplaintAcknowledged acknowledged;
  acknowledged.set_on_time(true);
  Project(acknowledged, At(), f);
  EXPECT_EQ(f.ack_sla, Sla::kMissed);
}

TEST_F(FactProjection, AnEventThatDoesNotKnowTheCategoryOrDepartmentKeepsThem) {
  Fact f;
  f.category = cv1::CATEGORY_PRODUCT_QUALITY;
  f.department_id = "engineering";
  chv1::CaseOpened opened;  // category unspecified, no department
  Project(opened, At(), f);
  EXPECT_EQ(f.category, cv1::CATEGORY_PRODUCT_QUALITY);
  EXPECT_EQ(f.department_id, "engineering");
}

TEST_F(FactProjection, ReopensCountCyclesAndEachCyclesSatisfactionIsKept) {
  Fact f;
  chv1::CaseReopened reopened;
  reopened.set_cycle(3);
  Project(reopened, At(), f);
  reopened.set_cycle(2);  // a late event of the cycle before
  Project(reopened, At(), f);
  EXPECT_EQ(f.reopen_count, 2);
  fv1::CustomerUnsatisfied unsatisfied;
  unsatisfied.set_cycle(1);
  unsatisfied.set_satisfaction(2);
  Project(unsatisfied, At(), f);
  fv1::ComplaintClosed closed;
  closed.set_cycle(3);
  closed.set_satisfaction(5);
  *closed.mutable_closed_at() = time::ToProto(Utc(2026, 3, 18));
  Project(closed, At(), f);
  EXPECT_EQ(f.satisfaction, (std::map<int, int>{{1, 2}, {3, 5}}));
  EXPECT_EQ(f.closed_at, Utc(2026, 3, 18));
}

}  // namespace
}  // namespace tousu::analytics
