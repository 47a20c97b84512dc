// The notification service SIGKILLed in the middle of a burst of complaints: every customer still
// gets their "received" SMS exactly once. Each (event, recipient, channel) is one delivery row
// whose id is the SMS OutId; a sender claims a row with a lease (SEND_LEASE, 2 s here) before
// sending. A process killed after the provider accepted a message and before it recorded "sent"
// leaves the row pending and in doubt. The provider stand-in (tests/support/provider_standin.py)
// sends every SendSms it accepts, a repeated OutId too, as the real provider does; so once the
// lease runs out the restarted service first looks the OutId up (QuerySendDetails of the phone's
// day) and records the message as sent without sending it again. The kill is aimed at that window.
//
// TOUSU_FAULT_BURST sets the number of complaints (300 by default; tools/faults/notification-kill
// runs 1,000).

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/client/channel.h"
#include "common/time/proto_time.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/notification/v1/notification.grpc.pb.h"
#include "tests/e2e/notification_sinks.h"
#include "tests/e2e/stack.h"

namespace tousu {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace nv1 = complaints::notification::v1;

using e2e::Accepts;
using e2e::Eventually;
using e2e::ProviderMessages;
using e2e::ProviderSms;
using e2e::ProviderStat;

constexpr int kSubmitters = 8;

int BurstSize() {
  int n = 300;
  const char* v = std::getenv("TOUSU_FAULT_BURST");
  if (v != nullptr && *v != '\0' && (!absl::SimpleAtoi(v, &n) || n < 10)) {
    ADD_FAILURE() << "TOUSU_FAULT_BURST must be a number of complaints, at least 10: " << v;
    return 0;
  }
  return n;
}

// One customer per complaint (intake limits submissions per customer): 139 and eight digits.
std::string Phone(int i) { return absl::StrFormat("139%08d", 20000000 + i); }

iv1::SubmitComplaintRequest Complaint(int i) {
  iv1::SubmitComplaintRequest req;
  req.set_request_id(absl::StrCat("fault-burst-", i));
  auto* c = req.mutable_complaint();
  c->set_customer_name("王秀英");
  c->set_customer_phone(Phone(i));
  c->set_project("翠湖花园");
  c->set_building(absl::StrCat(1 + i % 12, "栋"));
  c->set_unit(absl::StrCat(101 + i % 30));
  c->set_description("楼上卫生间漏水，天花板渗水发霉，物业多次上门未能解决，请尽快安排维修");
  time::ToProto(absl::Now() - absl::Hours(6), c->mutable_occurred_at());
  c->set_severity(cv1::SEVERITY_HIGH);
  c->set_expected_resolution("尽快维修并修复墙面");
  c->set_channel(cv1::CHANNEL_HOTLINE);
  c->set_recorded_by_staff_id("S0005");
  c->set_journey_stage(cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
  return req;
}

// Submits complaints 0..n-1 from several threads; numbers[i] is complaint i's number once its
// submission was answered OK. A failed call is retried with the same request id.
class Burst {
 public:
  Burst(const std::string& intake_address, int n) : numbers_(n) {
    auto channel = grpc::CreateChannel(intake_address, grpc::InsecureChannelCredentials());
    for (int t = 0; t < kSubmitters; ++t) {
      threads_.emplace_back([this, channel, n] {
        auto intake = iv1::IntakeService::NewStub(channel);
        for (int i = next_++; i < n; i = next_++) Submit(*intake, i);
        std::lock_guard<std::mutex> lock(mu_);
        finished_ = std::max(finished_, absl::Now());
      });
    }
  }
  ~Burst() { Join(); }
  void Join() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  const std::vector<std::string>& numbers() const { return numbers_; }
  std::vector<std::string> errors() {
    std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }
  // When the last submission was answered (after Join).
  absl::Time finished() {
    std::lock_guard<std::mutex> lock(mu_);
    return finished_;
  }

 private:
  void Submit(iv1::IntakeService::Stub& intake, int i) {
    const iv1::SubmitComplaintRequest req = Complaint(i);
    grpc::Status s;
    for (int attempt = 0; attempt < 5; ++attempt) {
      iv1::SubmitComplaintResponse resp;
      auto ctx = client::NewCallContext(absl::Seconds(30));
      s = intake.SubmitComplaint(ctx.get(), req, &resp);
      if (s.ok()) {
        numbers_[i] = resp.complaint().number();
        return;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
    std::lock_guard<std::mutex> lock(mu_);
    errors_.push_back(
        absl::StrCat("complaint ", i, ": code ", s.error_code(), " ", s.error_message()));
  }

  std::vector<std::string> numbers_;
  std::atomic<int> next_{0};
  std::mutex mu_;
  std::vector<std::string> errors_;
  absl::Time finished_ = absl::InfinitePast();
  std::vector<std::thread> threads_;
};

std::set<std::string> Split(const std::string& csv) {
  std::set<std::string> out;
  for (absl::string_view part : absl::StrSplit(csv, ',', absl::SkipEmpty())) {
    out.emplace(part);
  }
  return out;
}

// Pending SMS deliveries whose message the provider accepted already: what a process that died
// now leaves to be sent again after the lease.
std::set<std::string> AcceptedButPending(const testing::ScratchDatabase& db, int provider_port) {
  const std::set<std::string> pending = Split(db.QueryScalar(
      "SELECT GROUP_CONCAT(id) FROM deliveries WHERE channel = 'sms' AND state = 'pending'"));
  std::set<std::string> out;
  for (const ProviderSms& m :
       ProviderMessages(provider_port).value_or(std::vector<ProviderSms>{})) {
    if (pending.contains(m.out_id)) out.insert(m.out_id);
  }
  return out;
}

int CountOf(const testing::ScratchDatabase& db, const std::string& sql) {
  int n = -1;
  (void)absl::SimpleAtoi(db.QueryScalar(sql), &n);
  return n;
}

int PendingSms(const testing::ScratchDatabase& db) {
  return CountOf(db, "SELECT COUNT(*) FROM deliveries WHERE channel = 'sms' AND state = 'pending'");
}

double SecondsSince(absl::Time t) { return absl::ToDoubleSeconds(absl::Now() - t); }

TEST(NotificationFaultE2e, KilledMidBurstEveryCustomerGetsTheirReceivedSmsExactlyOnce) {
  const int n = BurstSize();
  ASSERT_GT(n, 0);
  const std::string dir =
      ::testing::TempDir() + "/notification_fault_e2e_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/sms-secret") << "fault-sms-secret-0123456789";
  const int provider_port = testing::FreePort();
  auto provider = e2e::StartProviderStandIn(dir, provider_port, "LTAI-fault", dir + "/sms-secret");
  ASSERT_TRUE(Eventually([&] { return Accepts(provider_port); }))
      << "the SMS provider stand-in did not start; see " << dir << "/provider.log";
  // A provider answering in 20 ms, as a real one takes its time: the senders spend most of the
  // burst waiting for it, so there is a message in flight to be killed in the middle of.
  ASSERT_EQ(e2e::ControlProviderStandIn(provider_port, R"({"delay_ms": 20})"), 200);

  e2e::Stack stack;
  // No SMTP and no chat robot: the complaints carry no email address, so SMS is the only message.
  stack.EnableNotifications({
      {"SMS_ENDPOINT", absl::StrCat("http://127.0.0.1:", provider_port, "/")},
      {"SMS_ACCESS_KEY_ID", "LTAI-fault"},
      {"SMS_SECRET_FILE", dir + "/sms-secret"},
      {"SMS_SIGN_NAME", "翠湖地产"},
      {"SEND_LEASE", "2s"},
      {"QUIET_HOURS", "off"},
  });
  ASSERT_NO_FATAL_FAILURE(stack.Start());
  const testing::ScratchDatabase& notification_db = *stack.service("notification").db;

  const absl::Time t0 = absl::Now();
  Burst burst(stack.service("intake").address(), n);

  // Deliveries in flight: a fifth of the messages arrived.
  const absl::Duration patience = absl::Seconds(60) + absl::Milliseconds(200) * n;
  ASSERT_TRUE(Eventually(
      [&] {
        auto got = ProviderMessages(provider_port);
        return got && static_cast<int>(got->size()) >= n / 5;
      },
      patience))
      << "a fifth of the messages did not arrive; see the notification service's log";
  const double fifth_s = SecondsSince(t0);

  // Aim the kill: stop the process, let what it had sent reach the provider and the database, and
  // kill it if a message is accepted but not recorded as sent; otherwise let it go on a moment and
  // look again.
  testing::ChildProcess& process = *stack.service("notification").process;
  int probes = 0;
  while (probes < 40) {
    ++probes;
    process.Signal(SIGSTOP);
    absl::SleepFor(absl::Milliseconds(300));
    if (!AcceptedButPending(notification_db, provider_port).empty()) break;
    process.Signal(SIGCONT);
    absl::SleepFor(absl::Milliseconds(20 + 13 * (probes % 5)));
  }
  const int accepted_at_kill =
      static_cast<int>(ProviderMessages(provider_port).value_or(std::vector<ProviderSms>{}).size());
  ASSERT_NO_FATAL_FAILURE(stack.Kill("notification", SIGKILL));
  // Its connections gone, the database holds what it committed and nothing else.
  ASSERT_TRUE(Eventually([&] {
    return CountOf(notification_db,
                   absl::StrCat("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '",
                                notification_db.name(), "' AND ID <> CONNECTION_ID()")) == 0;
  }));
  const std::set<std::string> resend = AcceptedButPending(notification_db, provider_port);
  EXPECT_FALSE(resend.empty())
      << "in " << probes << " probes the kill never fell between the provider's acceptance and "
      << "the service's record; the look-up of a send in doubt went untested";

  ASSERT_NO_FATAL_FAILURE(stack.Restart("notification"));
  const double restarted_s = SecondsSince(t0);

  burst.Join();
  ASSERT_TRUE(burst.errors().empty()) << absl::StrJoin(burst.errors(), "\n");
  const double submitted_s = absl::ToDoubleSeconds(burst.finished() - t0);

  // Every message out and nothing left pending.
  std::vector<ProviderSms> got;
  ASSERT_TRUE(Eventually(
      [&] {
        auto messages = ProviderMessages(provider_port);
        if (!messages || static_cast<int>(messages->size()) < n) return false;
        got = *messages;
        return PendingSms(notification_db) == 0;
      },
      patience))
      << got.size() << " of " << n << " messages arrived, " << PendingSms(notification_db)
      << " SMS deliveries pending";
  const double delivered_s = SecondsSince(t0);

  // Each customer exactly one message, about their own complaint; nobody else any.
  std::map<std::string, std::vector<ProviderSms>> by_phone;
  for (const auto& m : got) by_phone[m.phone].push_back(m);
  int missing = 0, doubled = 0;
  for (int i = 0; i < n; ++i) {
    const auto it = by_phone.find(Phone(i));
    const std::string& number = burst.numbers()[i];
    if (it == by_phone.end()) {
      ++missing;
      ADD_FAILURE() << "no SMS to " << Phone(i) << " about " << number;
      continue;
    }
    if (it->second.size() != 1) {
      ++doubled;
      ADD_FAILURE() << it->second.size() << " SMS to " << Phone(i) << " about " << number;
    }
    EXPECT_NE(it->second.front().text.find("编号" + number + "。"), std::string::npos)
        << it->second.front().text;
    by_phone.erase(it);
  }
  EXPECT_TRUE(by_phone.empty()) << by_phone.size() << " phones got an SMS nobody submitted for, "
                                << "e.g. " << by_phone.begin()->first;
  EXPECT_EQ(static_cast<int>(got.size()), n);

  // Each delivery recorded once as sent: with the provider's BizId, or, for those left in doubt by
  // the kill and found again by OutId, with none (the provider's listing does not name it).
  std::map<std::string, std::string> biz_of;
  for (const auto& m : got) biz_of[m.out_id] = m.biz_id;
  const std::string rows = notification_db.QueryScalar(
      "SELECT GROUP_CONCAT(id, '=', state, '=', provider_id ORDER BY id SEPARATOR ',') "
      "FROM deliveries WHERE channel = 'sms'");
  int row_count = 0;
  std::set<std::string> found_again;
  for (absl::string_view row : absl::StrSplit(rows, ',', absl::SkipEmpty())) {
    ++row_count;
    const std::vector<std::string> f = absl::StrSplit(row, '=');
    ASSERT_EQ(f.size(), 3u) << row;
    EXPECT_TRUE(f[1] == "sent" || f[1] == "delivered") << row;
    if (f[2].empty()) {
      found_again.insert(f[0]);
    } else {
      EXPECT_EQ(f[2], biz_of[f[0]]) << "delivery " << f[0];
    }
  }
  EXPECT_EQ(row_count, n);
  // Every message left unrecorded by the kill was looked up and found, not sent again. (A send
  // the provider finished just after the kill is found again too.)
  EXPECT_TRUE(std::includes(found_again.begin(), found_again.end(), resend.begin(), resend.end()))
      << "found again by OutId: " << absl::StrJoin(found_again, ",")
      << "; accepted before the kill and not recorded: " << absl::StrJoin(resend, ",");
  const int duplicates = ProviderStat(provider_port, "duplicates");
  EXPECT_EQ(duplicates, 0) << "SendSms calls repeating an OutId the provider had accepted";

  // Nothing pending or given up in any channel, as operations would see it.
  auto notifications = nv1::NotificationService::NewStub(grpc::CreateChannel(
      stack.service("notification").address(), grpc::InsecureChannelCredentials()));
  for (auto state : {nv1::DELIVERY_STATE_PENDING, nv1::DELIVERY_STATE_DEAD}) {
    nv1::ListDeliveriesRequest req;
    req.set_state(state);
    req.set_limit(500);
    nv1::ListDeliveriesResponse resp;
    auto ctx = client::NewCallContext(absl::Seconds(10));
    ASSERT_TRUE(notifications->ListDeliveries(ctx.get(), req, &resp).ok());
    EXPECT_EQ(resp.deliveries_size(), 0)
        << nv1::DeliveryState_Name(state) << ": " << resp.DebugString().substr(0, 2000);
  }

  // Each complaint's timeline says once that the customer was told by SMS.
  const testing::ScratchDatabase& intake_db = *stack.service("intake").db;
  const std::string notified =
      absl::StrCat("FROM complaint_timeline WHERE event_type = ",
                   static_cast<int>(iv1::TIMELINE_EVENT_TYPE_CUSTOMER_NOTIFIED));
  EXPECT_TRUE(
      Eventually([&] { return CountOf(intake_db, "SELECT COUNT(*) " + notified) >= n; }, patience));
  EXPECT_EQ(CountOf(intake_db, "SELECT COUNT(*) " + notified), n);
  EXPECT_EQ(CountOf(intake_db, "SELECT COUNT(DISTINCT complaint_id) " + notified), n);

  std::cout << absl::StrFormat(
                   "burst of %d: a fifth delivered after %.1f s; killed after %d probes with %d "
                   "accepted and %d of them not yet recorded as sent; SERVING again at %.1f s; "
                   "all submitted at %.1f s, all delivered at %.1f s; %d found again by OutId; "
                   "OutIds sent twice %d; missing %d, doubled %d",
                   n, fifth_s, probes, accepted_at_kill, static_cast<int>(resend.size()),
                   restarted_s, submitted_s, delivered_s, static_cast<int>(found_again.size()),
                   duplicates, missing, doubled)
            << std::endl;
}

}  // namespace
}  // namespace tousu
