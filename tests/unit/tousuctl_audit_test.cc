// tousuctl audit SERVICE SUBJECT against a fake AuditTrail service on loopback: which service it
// asks, what it sends, how it prints, and how it pages.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "complaints/common/v1/audit.grpc.pb.h"
#include "tests/unit/tousuctl_harness.h"
#include "tools/tousuctl/commands.h"

namespace tousu {
namespace {

namespace cv1 = complaints::common::v1;

// Answers two pages for any subject: entries 1-2 with a token, then entry 3.
class FakeTrail final : public cv1::AuditTrail::Service {
 public:
  grpc::Status GetAuditTrail(grpc::ServerContext*, const cv1::GetAuditTrailRequest* request,
                             cv1::GetAuditTrailResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(*request);
    }
    if (request->subject() == "bad") {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "subject: bad");
    }
    const bool second = request->page().page_token() == "next";
    for (int id = second ? 3 : 1; id <= (second ? 3 : 2); ++id) {
      cv1::AuditEntry* e = response->add_entries();
      e->set_id(id);
      e->mutable_occurred_at()->set_seconds(1'795'000'000 + id);  // 2026-11-18 19:06 Beijing
      e->set_actor(id == 1 ? "staff:S0006" : "system:escalation");
      e->set_action(absl::StrCat("Step", id));
      e->set_subject(request->subject());
      e->set_to_state(id == 1 ? "received" : "");
      e->set_detail(absl::StrCat("event e", id));
    }
    if (!second) response->mutable_page()->set_next_page_token("next");
    return grpc::Status::OK;
  }
  std::vector<cv1::GetAuditTrailRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  std::vector<cv1::GetAuditTrailRequest> requests_;
};

class AuditCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { ctl_.Start(&fake_, absl::FromUnixSeconds(1'795'000'000)); }
  int Run(const std::vector<std::string>& args) { return ctl_.Run(args); }
  std::string address() const { return ctl_.address(); }

  FakeTrail fake_;
  testing::CtlHarness ctl_;  // after fake_: its server stops before fake_ goes
};

TEST_F(AuditCommandTest, AsksTheNamedServiceForTheSubjectsTrailAndPrintsIt) {
  ASSERT_EQ(Run({"audit", "case", "TS-202611-000001", "--case", address(), "--page-size", "500",
                 "--since", "2026-11-01"}),
            0)
      << ctl_.err();
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].subject(), "TS-202611-000001");
  EXPECT_EQ(requests[0].page().page_size(), 500);
  // 2026-11-01 00:00 Beijing.
  EXPECT_EQ(requests[0].since().seconds(), 1'793'462'400);
  EXPECT_FALSE(requests[0].has_until());
  const std::string out = ctl_.out();
  EXPECT_TRUE(absl::StrContains(out, "ACTOR")) << out;
  EXPECT_TRUE(absl::StrContains(out, "staff:S0006")) << out;
  EXPECT_TRUE(absl::StrContains(out, "Step1")) << out;
  EXPECT_TRUE(absl::StrContains(out, "received")) << out;
  EXPECT_TRUE(absl::StrContains(out, "--page-token next")) << out;
  EXPECT_FALSE(absl::StrContains(out, "Step3")) << out;
}

TEST_F(AuditCommandTest, AllFollowsThePagesAndJsonPrintsTheEntries) {
  ASSERT_EQ(Run({"audit", "intake", "TS-202611-000001", "--intake", address(), "--all", "--json"}),
            0)
      << ctl_.err();
  EXPECT_EQ(fake_.requests().size(), 2u);
  EXPECT_EQ(fake_.requests()[1].page().page_token(), "next");
  const std::string out = ctl_.out();
  for (const char* action : {"Step1", "Step2", "Step3"}) {
    EXPECT_TRUE(absl::StrContains(out, action)) << out;
  }
  EXPECT_TRUE(absl::StrContains(out, "system:escalation")) << out;
}

TEST_F(AuditCommandTest, RefusesAnUnknownServiceOrPageSizeAndReportsTheServersError) {
  EXPECT_EQ(Run({"audit", "billing", "TS-202611-000001"}), ctl::kExitUsage);
  EXPECT_TRUE(absl::StrContains(ctl_.err(), "SERVICE \"billing\"")) << ctl_.err();
  EXPECT_EQ(Run({"audit", "intake", "TS-1", "--page-size", "501"}), ctl::kExitUsage);
  EXPECT_EQ(Run({"audit", "intake"}), ctl::kExitUsage);
  EXPECT_TRUE(fake_.requests().empty());
  EXPECT_EQ(Run({"audit", "staff", "bad", "--staff", address()}), ctl::kExitCallFailed);
  EXPECT_TRUE(absl::StrContains(ctl_.err(), "INVALID_ARGUMENT: subject: bad")) << ctl_.err();
}

}  // namespace
}  // namespace tousu
