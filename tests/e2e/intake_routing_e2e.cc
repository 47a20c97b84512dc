// From the customer's words to a named owner within the hour (policy §2–§5), across the real
// intake, routing and staff-assessment processes, each on its own database, events flowing
// through the outboxes, and time moved by the controllable clock.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/client/channel.h"
#include "common/time/clock.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "tests/e2e/stack.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;

class IntakeRoutingE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new e2e::Stack();
    stack_->Start();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  static e2e::Stack* stack_;

  void SetUp() override {
    ASSERT_NE(stack_, nullptr);
    intake_ = iv1::IntakeService::NewStub(grpc::CreateChannel(stack_->service("intake").address(),
                                                              grpc::InsecureChannelCredentials()));
    routing_ = rv1::RoutingService::NewStub(grpc::CreateChannel(
        stack_->service("routing").address(), grpc::InsecureChannelCredentials()));
  }

  static iv1::SubmitComplaintRequest Complaint(
      const std::string& request_id, const std::string& phone, const std::string& description,
      cv1::Severity severity = cv1::SEVERITY_MEDIUM,
      cv1::Category staff_category = cv1::CATEGORY_UNSPECIFIED) {
    iv1::SubmitComplaintRequest req;
    req.set_request_id(request_id);
    auto* c = req.mutable_complaint();
    c->set_customer_name("陈美玲");
    c->set_customer_phone(phone);
    c->set_project("翠湖花园");
    c->set_building("3栋");
    c->set_unit("1202");
    c->set_description(description);
    c->mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(30)));
    c->set_severity(severity);
    c->set_expected_resolution("尽快上门检修并赔偿损失");
    c->set_channel(cv1::CHANNEL_HOTLINE);
    c->set_journey_stage(cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
    c->set_recorded_by_staff_id("S0006");
    c->set_staff_category(staff_category);
    return req;
  }

  grpc::Status Submit(const iv1::SubmitComplaintRequest& req, iv1::SubmitComplaintResponse* resp) {
    auto ctx = client::NewCallContext(absl::Seconds(10));
    return intake_->SubmitComplaint(ctx.get(), req, resp);
  }

  iv1::Complaint Get(const std::string& number) {
    iv1::GetComplaintRequest req;
    req.set_number(number);
    iv1::GetComplaintResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(5));
    auto s = intake_->GetComplaint(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.complaint();
  }

  // Waits until intake shows `status` (events travel intake → routing → intake).
  iv1::Complaint WaitForStatus(const std::string& number, iv1::ComplaintStatus status,
                               absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time until = absl::Now() + timeout;
    iv1::Complaint c;
    while (absl::Now() < until) {
      c = Get(number);
      if (c.status() == status) return c;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << number << " never reached status " << iv1::ComplaintStatus_Name(status)
                  << ", is " << iv1::ComplaintStatus_Name(c.status());
    return c;
  }

  static int Count(const iv1::Complaint& c, iv1::TimelineEventType type) {
    int n = 0;
    for (const auto& e : c.timeline()) n += e.type() == type;
    return n;
  }

  std::unique_ptr<iv1::IntakeService::Stub> intake_;
  std::unique_ptr<rv1::RoutingService::Stub> routing_;
};

e2e::Stack* IntakeRoutingE2e::stack_ = nullptr;

constexpr char kLeak[] = "卫生间天花板漏水，墙面大面积渗水发霉，已经影响正常使用，请尽快派人维修";

TEST_F(IntakeRoutingE2e, AComplaintIsRoutedAcknowledgedAndShownOnTheCustomersTimeline) {
  iv1::SubmitComplaintResponse submitted;
  ASSERT_TRUE(Submit(Complaint("e2e-leak-1", "13911110001", kLeak), &submitted).ok());
  const std::string number = submitted.complaint().number();
  auto routed = WaitForStatus(number, iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(routed.department_id(), "engineering");
  EXPECT_EQ(routed.category(), cv1::CATEGORY_PRODUCT_QUALITY);
  EXPECT_GT(routed.ack_due().seconds(), 0);

  rv1::AcknowledgeAssignmentRequest ack;
  ack.set_number(number);
  ack.set_department_id("engineering");
  ack.set_owner_staff_id("S0018");
  rv1::AcknowledgeAssignmentResponse ack_resp;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  ASSERT_TRUE(routing_->AcknowledgeAssignment(ctx.get(), ack, &ack_resp).ok());
  EXPECT_TRUE(ack_resp.assignment().acknowledged_on_time());

  auto acknowledged = WaitForStatus(number, iv1::COMPLAINT_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(acknowledged.owner_staff_id(), "S0018");
  EXPECT_EQ(Count(acknowledged, iv1::TIMELINE_EVENT_TYPE_RECEIVED), 1);
  EXPECT_EQ(Count(acknowledged, iv1::TIMELINE_EVENT_TYPE_ROUTED), 1);
  EXPECT_EQ(Count(acknowledged, iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGED), 1);
  // The customer's words come back as written.
  EXPECT_EQ(acknowledged.input().description(), kLeak);
}

TEST_F(IntakeRoutingE2e, AMisroutedComplaintIsSentBackAndRerouted) {
  iv1::SubmitComplaintResponse submitted;
  // Staff filed a leak as a property-service complaint.
  ASSERT_TRUE(Submit(Complaint("e2e-misrouted-1", "13911110002", kLeak, cv1::SEVERITY_MEDIUM,
                               cv1::CATEGORY_PROPERTY_SERVICE),
                     &submitted)
                  .ok());
  const std::string number = submitted.complaint().number();
  ASSERT_EQ(WaitForStatus(number, iv1::COMPLAINT_STATUS_ROUTED).department_id(),
            "property-management");

  rv1::RejectAssignmentRequest reject;
  reject.set_number(number);
  reject.set_department_id("property-management");
  reject.set_staff_id("S0028");
  reject.set_reason("属于房屋质量问题，应由工程质量部处理");
  reject.set_reroute_to_department_id("engineering");
  rv1::RejectAssignmentResponse rejected;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  ASSERT_TRUE(routing_->RejectAssignment(ctx.get(), reject, &rejected).ok());
  EXPECT_EQ(rejected.assignment().department_id(), "engineering");

  const absl::Time until = absl::Now() + absl::Seconds(20);
  iv1::Complaint c;
  do {
    c = Get(number);
    if (c.department_id() == "engineering" && Count(c, iv1::TIMELINE_EVENT_TYPE_ROUTED) == 2) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < until);
  EXPECT_EQ(c.department_id(), "engineering");
  EXPECT_EQ(Count(c, iv1::TIMELINE_EVENT_TYPE_ASSIGNMENT_REJECTED), 1);
  EXPECT_EQ(Count(c, iv1::TIMELINE_EVENT_TYPE_ROUTED), 2);
}

TEST_F(IntakeRoutingE2e, AComplexComplaintLandsWithTheSupervisorAndIsAssigned) {
  iv1::SubmitComplaintResponse submitted;
  ASSERT_TRUE(
      Submit(Complaint("e2e-critical-1", "13911110003", kLeak, cv1::SEVERITY_CRITICAL), &submitted)
          .ok());
  const std::string number = submitted.complaint().number();
  WaitForStatus(number, iv1::COMPLAINT_STATUS_WITH_SUPERVISOR);

  rv1::AssignBySupervisorRequest assign;
  assign.set_number(number);
  assign.set_supervisor_staff_id("S0001");
  assign.set_lead_department_id("engineering");
  assign.add_assisting_department_ids("property-management");
  assign.set_complex(true);
  rv1::AssignBySupervisorResponse assigned;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  ASSERT_TRUE(routing_->AssignBySupervisor(ctx.get(), assign, &assigned).ok());
  auto c = WaitForStatus(number, iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(c.department_id(), "engineering");
  EXPECT_EQ(Count(c, iv1::TIMELINE_EVENT_TYPE_SENT_TO_SUPERVISOR), 1);
  EXPECT_EQ(Count(c, iv1::TIMELINE_EVENT_TYPE_ASSIGNED_BY_SUPERVISOR), 1);
}

TEST_F(IntakeRoutingE2e, AComplaintLeftUnacknowledgedEscalatesAfterTheHour) {
  iv1::SubmitComplaintResponse submitted;
  ASSERT_TRUE(Submit(Complaint("e2e-overdue-1", "13911110004", kLeak), &submitted).ok());
  const std::string number = submitted.complaint().number();
  WaitForStatus(number, iv1::COMPLAINT_STATUS_ROUTED);
  // Nobody acknowledges; an hour and a minute pass for every service.
  stack_->SetClockOffset(absl::Minutes(61));
  auto c = WaitForStatus(number, iv1::COMPLAINT_STATUS_WITH_SUPERVISOR);
  EXPECT_EQ(Count(c, iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGEMENT_OVERDUE), 1);
  stack_->SetClockOffset(absl::ZeroDuration());
  const std::string metrics = testing::HttpGet(stack_->service("routing").metrics_port, "/metrics");
  EXPECT_GE(testing::MetricValue(metrics, "tousu_routing_escalations_total", {}), 1) << metrics;
}

TEST_F(IntakeRoutingE2e, ARetriedSubmissionMakesExactlyOneComplaint) {
  auto req = Complaint("e2e-retry-1", "13911110005", kLeak);
  iv1::SubmitComplaintResponse first, second;
  ASSERT_TRUE(Submit(req, &first).ok());
  ASSERT_TRUE(Submit(req, &second).ok());
  EXPECT_EQ(first.complaint().number(), second.complaint().number());
  EXPECT_TRUE(second.replayed());
  iv1::ListComplaintsRequest list;
  list.set_customer_phone("13911110005");
  iv1::ListComplaintsResponse listed;
  auto ctx = client::NewCallContext(absl::Seconds(5));
  ASSERT_TRUE(intake_->ListComplaints(ctx.get(), list, &listed).ok());
  EXPECT_EQ(listed.complaints_size(), 1);
  // Routing saw it once too.
  WaitForStatus(first.complaint().number(), iv1::COMPLAINT_STATUS_ROUTED);
  rv1::GetAssignmentRequest get;
  get.set_number(first.complaint().number());
  rv1::GetAssignmentResponse assignment;
  auto ctx2 = client::NewCallContext(absl::Seconds(5));
  ASSERT_TRUE(routing_->GetAssignment(ctx2.get(), get, &assignment).ok());
  EXPECT_EQ(assignment.assignment().hops_size(), 1);
}

TEST_F(IntakeRoutingE2e, AnInvalidComplaintWritesNothing) {
  auto req = Complaint("e2e-invalid-1", "1391111000", kLeak);  // ten digits
  iv1::SubmitComplaintResponse resp;
  auto s = Submit(req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("customer_phone"), std::string::npos) << s.error_message();
  EXPECT_EQ(stack_->service("intake").db->QueryScalar(
                "SELECT COUNT(*) FROM complaints WHERE request_id = 'e2e-invalid-1'"),
            "0");
  EXPECT_EQ(stack_->service("intake").db->QueryScalar(
                "SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM complaints c WHERE "
                "c.number = o.aggregate_id)"),
            "0");
}

}  // namespace
}  // namespace tousu
