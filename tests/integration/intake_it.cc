// The intake service (complaints.intake.v1.IntakeService) against the real MariaDB: each test runs
// the service in-process on the shared runtime (migrations, executor, outbox, EventSink, metrics
// endpoint), in a scratch database of its own, and calls it over real loopback gRPC. (The other
// services' events on the customer's record: intake_progress_it.cc.)

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/intake/domain/complaint_number.h"
#include "tests/integration/intake_test_replica.h"

namespace tousu {
namespace {

namespace iv1 = complaints::intake::v1;
namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
using google::protobuf::util::MessageDifferencer;
using intake::FromProto;
using intake::ToProto;
using intake_testing::Count;
using intake_testing::Deliver;
using intake_testing::Get;
using intake_testing::Input;
using intake_testing::kDescription;
using intake_testing::kEmail;
using intake_testing::kName;
using intake_testing::kPhone;
using intake_testing::List;
using intake_testing::ListAll;
using intake_testing::MustSubmit;
using intake_testing::Replica;
using intake_testing::RoutingEvent;
using intake_testing::RowsWritten;
using intake_testing::Submit;
using intake_testing::Submitted;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScratchDatabase;
using ::testing::StartsWith;

// --- Submitting ------------------------------------------------------------------------------

TEST(Submit, WhatTheCustomerWroteComesBackByteForByte) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ComplaintInput input = Input();
  input.set_channel(cv1::CHANNEL_HOTLINE);
  input.set_recorded_by_staff_id("S0001");
  input.set_staff_category(cv1::CATEGORY_PRODUCT_QUALITY);
  const absl::Time before = absl::Now();
  Submitted submitted = Submit(intake.intake(), "req-roundtrip", input);
  ASSERT_TRUE(submitted.status.ok()) << submitted.status.error_message();
  EXPECT_FALSE(submitted.response.replayed());
  const iv1::Complaint& made = submitted.response.complaint();
  EXPECT_TRUE(intake::CheckNumber("number", made.number()).ok()) << made.number();

  auto [status, got] = Get(intake.intake(), made.number());
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::string diff;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(input, got.input())) << diff;
  EXPECT_EQ(got.input().description(), kDescription);  // the bytes, not just "equal"
  EXPECT_TRUE(MessageDifferencer::Equals(made, got));
  EXPECT_EQ(got.status(), iv1::COMPLAINT_STATUS_RECEIVED);
  EXPECT_EQ(got.category(), cv1::CATEGORY_PRODUCT_QUALITY);  // the staff's until routing's
  EXPECT_FALSE(got.has_ack_due());
  EXPECT_FALSE(got.has_solution_due());
  EXPECT_GE(FromProto(got.received_at()), before - absl::Seconds(1));
  EXPECT_LE(FromProto(got.received_at()), absl::Now());
  EXPECT_EQ(intake::MonthOfReceipt(FromProto(got.received_at())), made.number().substr(3, 6));
  ASSERT_EQ(got.timeline_size(), 1);
  EXPECT_EQ(got.timeline(0).type(), iv1::TIMELINE_EVENT_TYPE_RECEIVED);
  EXPECT_EQ(got.timeline(0).summary(), "您的投诉已通过客服热线受理");
  EXPECT_EQ(got.timeline(0).actor_id(), "S0001");
  EXPECT_TRUE(MessageDifferencer::Equals(got.timeline(0).at(), got.received_at()));
  // The column really holds the text as UTF-8 (utf8mb4), not mangled through latin1.
  EXPECT_EQ(scratch.QueryScalar("SELECT HEX(customer_name) FROM complaints"),
            absl::AsciiStrToUpper(absl::BytesToHexString(kName)));
}

TEST(Submit, EachInvalidFieldIsRefusedNamingItAndNothingIsWritten) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  using Change = std::function<void(iv1::SubmitComplaintRequest*)>;
  const std::vector<std::pair<std::string, Change>> cases = {
      {"request_id", [](auto* r) { r->set_request_id("has spaces"); }},
      {"complaint.customer_name", [](auto* r) { r->mutable_complaint()->clear_customer_name(); }},
      {"complaint.customer_name",
       [](auto* r) { r->mutable_complaint()->set_customer_name(std::string(51, 'x')); }},
      {"complaint.customer_phone",
       [](auto* r) { r->mutable_complaint()->set_customer_phone("12345"); }},
      {"complaint.customer_email",
       [](auto* r) { r->mutable_complaint()->set_customer_email("not-an-email"); }},
      // Not UTF-8: refused while the request is parsed, naming the request, not the field.
      {"request", [](auto* r) { r->mutable_complaint()->set_project("\xff\xfe"); }},
      {"complaint.building", [](auto* r) { r->mutable_complaint()->set_building("3\n栋"); }},
      {"complaint.unit", [](auto* r) { r->mutable_complaint()->clear_unit(); }},
      {"complaint.description", [](auto* r) { r->mutable_complaint()->set_description("漏水"); }},
      {"complaint.occurred_at",
       [](auto* r) {
         *r->mutable_complaint()->mutable_occurred_at() = ToProto(absl::Now() + absl::Hours(1));
       }},
      {"complaint.severity",
       [](auto* r) { r->mutable_complaint()->set_severity(static_cast<cv1::Severity>(9)); }},
      {"complaint.expected_resolution",
       [](auto* r) { r->mutable_complaint()->clear_expected_resolution(); }},
      {"complaint.channel", [](auto* r) { r->mutable_complaint()->clear_channel(); }},
      {"complaint.journey_stage",
       [](auto* r) {
         r->mutable_complaint()->set_journey_stage(static_cast<cv1::JourneyStage>(77));
       }},
      {"complaint.recorded_by_staff_id",
       [](auto* r) { r->mutable_complaint()->set_channel(cv1::CHANNEL_WALK_IN); }},
      {"complaint.staff_category",
       [](auto* r) { r->mutable_complaint()->set_staff_category(static_cast<cv1::Category>(12)); }},
  };
  for (const auto& [field, change] : cases) {
    iv1::SubmitComplaintRequest req;
    req.set_request_id("req-invalid");
    *req.mutable_complaint() = Input();
    change(&req);
    iv1::SubmitComplaintResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = intake.intake().SubmitComplaint(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(s.error_message(), StartsWith(field + ": "));
  }
  EXPECT_EQ(RowsWritten(scratch), 0);
  const std::string metrics = intake.Metrics();
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_validation_failures_total",
                                 {"field=\"complaint.customer_name\""}),
            2);
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_validation_failures_total",
                                 {"field=\"request_id\""}),
            1);
}

TEST(Submit, ARetryReturnsTheSameComplaintAndWritesNothingNew) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const iv1::ComplaintInput input = Input();
  Submitted first = Submit(intake.intake(), "req-retry", input);
  ASSERT_TRUE(first.status.ok());
  const int rows = RowsWritten(scratch);
  Submitted again = Submit(intake.intake(), "req-retry", input);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_TRUE(again.response.replayed());
  EXPECT_EQ(again.response.complaint().number(), first.response.complaint().number());
  EXPECT_TRUE(MessageDifferencer::Equals(again.response.complaint(), first.response.complaint()));
  EXPECT_EQ(RowsWritten(scratch), rows);
  // Nor does it reserve numbers: the shared counter still stands at the end of the first block.
  EXPECT_EQ(scratch.QueryScalar("SELECT MAX(last_value) FROM complaint_number_sequences"), "100");
  EXPECT_EQ(testing::MetricValue(intake.Metrics(), "tousu_intake_submission_replays_total", {}), 1);
}

TEST(Submit, TheSameRequestIdWithDifferentContentIsRefused) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ComplaintInput input = Input();
  ASSERT_FALSE(MustSubmit(intake.intake(), "req-reused", input).empty());
  const int rows = RowsWritten(scratch);
  input.set_unit("1503室");
  Submitted reused = Submit(intake.intake(), "req-reused", input);
  EXPECT_EQ(reused.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(reused.status.error_message(), StartsWith("request_id: "));
  EXPECT_EQ(RowsWritten(scratch), rows);
}

TEST(Submit, ConcurrentRetriesOfOneSubmissionMakeOneComplaint) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const iv1::ComplaintInput input = Input();
  constexpr int kCallers = 8;
  std::vector<Submitted> results(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back(
        [&, i] { results[i] = Submit(intake.intake(), "req-double-click", input); });
  }
  for (auto& t : callers) t.join();
  std::set<std::string> numbers;
  int fresh = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    numbers.insert(r.response.complaint().number());
    if (!r.response.replayed()) ++fresh;
  }
  EXPECT_EQ(numbers.size(), 1u);
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM complaints"), 1);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM complaint_timeline"), 1);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM outbox"), 1);
}

// --- Numbers -----------------------------------------------------------------------------------

TEST(Numbering, TwentyConcurrentSubmissionsGetTwentyDistinctNumbers) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  constexpr int kCallers = 20;
  std::vector<Submitted> results(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back(
        [&, i] { results[i] = Submit(intake.intake(), absl::StrCat("req-burst-", i), Input()); });
  }
  for (auto& t : callers) t.join();
  std::set<std::string> numbers;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    numbers.insert(r.response.complaint().number());
  }
  EXPECT_EQ(numbers.size(), 20u);
  // Nothing failed, so nothing was skipped either: the counters are 1..20.
  std::set<int> counters;
  for (const auto& n : numbers) counters.insert(std::stoi(n.substr(10)));
  EXPECT_EQ(*counters.begin(), 1);
  EXPECT_EQ(*counters.rbegin(), 20);
}

TEST(Numbering, TwoReplicasOnOneDatabaseNeverRepeatANumber) {
  ScratchDatabase scratch;
  // Blocks of three: the replicas take turns on the shared counter many times over.
  const intake::IntakeSettings small_blocks{.number_block = 3};
  Replica a(scratch, "error", small_blocks), b(scratch, "error", small_blocks);
  constexpr int kPerReplica = 15;
  std::vector<Submitted> results(2 * kPerReplica);
  std::vector<std::thread> callers;
  for (int i = 0; i < 2 * kPerReplica; ++i) {
    Replica& replica = i % 2 == 0 ? a : b;
    callers.emplace_back([&, i] {
      results[i] = Submit(replica.intake(), absl::StrCat("req-replica-", i), Input());
    });
  }
  for (auto& t : callers) t.join();
  std::set<std::string> numbers;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    numbers.insert(r.response.complaint().number());
  }
  EXPECT_EQ(numbers.size(), 30u);
  EXPECT_EQ(Count(scratch, "SELECT COUNT(DISTINCT number) FROM complaints"), 30);
  // Every block handed out was used up: ten blocks of three, no gap.
  EXPECT_EQ(scratch.QueryScalar("SELECT MAX(last_value) FROM complaint_number_sequences"), "30");
}

TEST(Numbering, AMalformedNumberIsInvalidAndAnUnknownOneIsNotFound) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  auto [malformed, _] = Get(intake.intake(), "TS-2026-1");
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(malformed.error_message(), StartsWith("number: "));
  auto [unknown, unused] = Get(intake.intake(), "TS-209912-000001");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
}

// --- The event routing acts on -------------------------------------------------------------------

TEST(Outbox, EachSubmissionWritesOneComplaintReceivedEventAndAFailedOneNone) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ComplaintInput input = Input();
  input.set_staff_category(cv1::CATEGORY_HANDOVER);
  const std::string first = MustSubmit(intake.intake(), "req-event-1", input);
  const std::string second = MustSubmit(intake.intake(), "req-event-2", Input());
  iv1::ComplaintInput invalid = Input();
  invalid.set_customer_phone("not a phone");
  EXPECT_FALSE(Submit(intake.intake(), "req-event-3", invalid).status.ok());

  EXPECT_EQ(Count(scratch, "SELECT COUNT(*) FROM outbox"), 2);
  EXPECT_EQ(Count(scratch,
                  "SELECT COUNT(*) FROM outbox WHERE event_type = 'ComplaintReceived'"
                  " AND subscriber = 'routing'"),
            2);
  for (const std::string& number : {first, second}) {
    EXPECT_EQ(Count(scratch, absl::StrCat("SELECT COUNT(*) FROM outbox WHERE aggregate_id = '",
                                          number, "'")),
              1);
  }
  std::string envelope;
  ASSERT_TRUE(absl::Base64Unescape(
      scratch.QueryScalar(absl::StrCat(
          "SELECT TO_BASE64(envelope) FROM outbox WHERE aggregate_id = '", first, "'")),
      &envelope));
  cv1::Event event;
  ASSERT_TRUE(event.ParseFromString(envelope));
  EXPECT_EQ(event.producer(), "intake");
  EXPECT_EQ(event.request_id(), "req-event-1");
  iv1::ComplaintReceived received;
  ASSERT_TRUE(event.payload().UnpackTo(&received));
  EXPECT_EQ(received.number(), first);
  EXPECT_EQ(received.description(), kDescription);
  EXPECT_EQ(received.project(), input.project());
  EXPECT_EQ(received.staff_category(), cv1::CATEGORY_HANDOVER);
  EXPECT_EQ(received.channel(), cv1::CHANNEL_APP);
  EXPECT_TRUE(MessageDifferencer::Equals(received.occurred_at(), input.occurred_at()));
}

// --- Listing -------------------------------------------------------------------------------------

TEST(List, FiltersFindTheComplaintsTheyNameAndNoOthers) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ComplaintInput mine = Input();
  mine.set_customer_phone("+86 13900001111");
  const std::string a = MustSubmit(intake.intake(), "req-list-a", mine);
  iv1::ComplaintInput other_project = Input();
  other_project.set_project("云栖苑");
  other_project.set_channel(cv1::CHANNEL_WEB);
  const std::string b = MustSubmit(intake.intake(), "req-list-b", other_project);
  Submitted c_submitted = Submit(intake.intake(), "req-list-c", Input());
  ASSERT_TRUE(c_submitted.status.ok());
  const std::string c = c_submitted.response.complaint().number();
  const std::string d = MustSubmit(intake.intake(), "req-list-d", Input());

  iv1::ListComplaintsRequest by_phone;
  by_phone.set_customer_phone("13900001111");  // written differently from the submission
  EXPECT_EQ(ListAll(intake.intake(), by_phone), std::vector<std::string>({a}));

  iv1::ListComplaintsRequest by_project;
  by_project.set_project("云栖苑");
  EXPECT_EQ(ListAll(intake.intake(), by_project), std::vector<std::string>({b}));

  iv1::ListComplaintsRequest by_channel;
  by_channel.set_channel(cv1::CHANNEL_APP);
  EXPECT_EQ(ListAll(intake.intake(), by_channel), std::vector<std::string>({d, c, a}));

  iv1::ListComplaintsRequest from_c;
  *from_c.mutable_received_from() = c_submitted.response.complaint().received_at();
  EXPECT_EQ(ListAll(intake.intake(), from_c), std::vector<std::string>({d, c}));
  iv1::ListComplaintsRequest before_c;
  *before_c.mutable_received_to() = c_submitted.response.complaint().received_at();
  EXPECT_EQ(ListAll(intake.intake(), before_c), std::vector<std::string>({b, a}));

  rv1::ComplaintRouted routed;
  routed.set_number(b);
  routed.set_department_id("sales");
  Deliver(intake, RoutingEvent("ComplaintRouted", b, routed));
  iv1::ListComplaintsRequest by_status;
  by_status.set_status(iv1::COMPLAINT_STATUS_ROUTED);
  EXPECT_EQ(ListAll(intake.intake(), by_status), std::vector<std::string>({b}));
  by_status.set_status(iv1::COMPLAINT_STATUS_RECEIVED);
  by_status.set_channel(cv1::CHANNEL_WEB);
  EXPECT_TRUE(ListAll(intake.intake(), by_status).empty());

  // A summary carries enough to show a row.
  auto [s, everything] = List(intake.intake(), {});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(everything.complaints_size(), 4);
  const iv1::ComplaintSummary& newest = everything.complaints(0);
  EXPECT_EQ(newest.number(), d);
  EXPECT_EQ(newest.project(), Input().project());
  EXPECT_EQ(newest.description_preview(),
            "客厅墙体开裂，雨天渗水严重 😢🏠\r\n物业说\"不归我们管\"；'; DROP TAB");
  EXPECT_TRUE(everything.page().next_page_token().empty());
}

TEST(List, InvalidFiltersAreRefusedNamingTheFilter) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  iv1::ListComplaintsRequest req;
  req.set_customer_phone("555");
  EXPECT_THAT(List(intake.intake(), req).first.error_message(), StartsWith("customer_phone: "));
  req = {};
  req.mutable_page()->set_page_size(201);
  auto [s, _] = List(intake.intake(), req);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("page.page_size: "));
  req = {};
  req.mutable_page()->set_page_token("garbage");
  EXPECT_THAT(List(intake.intake(), req).first.error_message(), StartsWith("page.page_token: "));
}

TEST(List, TimeBoundsAtTheEdgesOfTheCalendarAreNotErrors) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  const std::string number = MustSubmit(intake.intake(), "req-edges", Input());
  iv1::ListComplaintsRequest req;
  req.mutable_received_from()->set_seconds(intake::kMinTimestampSeconds);
  req.mutable_received_to()->set_seconds(intake::kMaxTimestampSeconds);
  EXPECT_EQ(ListAll(intake.intake(), req), std::vector<std::string>({number}));
  req.mutable_received_from()->set_seconds(intake::kMaxTimestampSeconds - 1);
  EXPECT_TRUE(ListAll(intake.intake(), req).empty());
}

TEST(List, PagesNeitherRepeatNorSkipWhileNewComplaintsArrive) {
  ScratchDatabase scratch;
  Replica intake(scratch);
  std::vector<std::string> existing;
  for (int i = 0; i < 10; ++i) {
    existing.push_back(MustSubmit(intake.intake(), absl::StrCat("req-page-", i), Input()));
  }
  std::reverse(existing.begin(), existing.end());  // newest first
  iv1::ListComplaintsRequest req;
  req.mutable_page()->set_page_size(3);
  int arrivals = 0;
  const std::vector<std::string> listed = ListAll(intake.intake(), req, [&] {
    MustSubmit(intake.intake(), absl::StrCat("req-arrival-", arrivals++), Input());
  });
  EXPECT_EQ(listed, existing);
  EXPECT_EQ(arrivals, 3);  // four pages: 3 + 3 + 3 + 1

  // A token cannot be carried over to other filters.
  auto [s, first] = List(intake.intake(), req);
  ASSERT_FALSE(first.page().next_page_token().empty());
  iv1::ListComplaintsRequest other;
  other.set_channel(cv1::CHANNEL_WEB);
  other.mutable_page()->set_page_size(3);
  other.mutable_page()->set_page_token(first.page().next_page_token());
  auto [refused, _] = List(intake.intake(), other);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), StartsWith("page.page_token: "));
}

// --- Metrics and logs ---------------------------------------------------------------------------

TEST(Observability, ComplaintsAreCountedByChannelAndCategoryAndLogsHoldNoPersonalData) {
  ScratchDatabase scratch;
  std::string logs;
  log::SetSinkForTesting(&logs);
  {
    Replica intake(scratch, "info");
    iv1::ComplaintInput staffed = Input();
    staffed.set_channel(cv1::CHANNEL_HOTLINE);
    staffed.set_recorded_by_staff_id("S0001");
    staffed.set_staff_category(cv1::CATEGORY_PRODUCT_QUALITY);
    MustSubmit(intake.intake(), "req-metrics-1", staffed);
    MustSubmit(intake.intake(), "req-metrics-2", Input());
    MustSubmit(intake.intake(), "req-metrics-3", Input());
    iv1::ComplaintInput bad = Input();
    bad.set_customer_email("nana.ouyang@");
    EXPECT_FALSE(Submit(intake.intake(), "req-metrics-4", bad).status.ok());

    const std::string metrics = intake.Metrics();
    const std::string name = "tousu_intake_complaints_received_total";
    EXPECT_EQ(testing::MetricValue(metrics, name,
                                   {"channel=\"hotline\"", "category=\"product_quality\""}),
              1);
    EXPECT_EQ(testing::MetricValue(metrics, name, {"channel=\"app\"", "category=\"unclassified\""}),
              2);
    EXPECT_EQ(testing::MetricValue(metrics, name, {"channel=\"email\"", "category=\"handover\""}),
              0);  // created at zero
    EXPECT_EQ(testing::MetricValue(metrics, "tousu_intake_validation_failures_total",
                                   {"field=\"complaint.customer_email\""}),
              1);
  }
  log::SetSinkForTesting(nullptr);
  EXPECT_THAT(logs, HasSubstr("complaint received"));
  EXPECT_THAT(logs, HasSubstr("138****8000"));
  for (const std::string& secret :
       {std::string(kPhone), std::string("欧阳"), std::string("O'Brien"),
        std::string("nana.ouyang"), std::string("渗水"), std::string("DROP TABLE"),
        std::string("赔偿")}) {
    EXPECT_FALSE(absl::StrContains(logs, secret)) << secret;
  }
}

}  // namespace
}  // namespace tousu
