// Signed-in customers acting for themselves: intake, case-handling and follow-up in-process over
// loopback gRPC against real MariaDB (a scratch database each), authentication on, every call
// with a token. Case-handling and follow-up ask intake whether a complaint is the customer's with
// their own service token (AUTH_TOKEN_FILE), as they do in a stack. The events the services would
// relay to each other (routing's acknowledgement, case-handling's opening and resolution) are
// delivered straight to the EventSink.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/auth/access.h"
#include "common/auth/token_minter.h"
#include "common/client/outgoing_token.h"
#include "common/config/config.h"
#include "common/events/outbox.h"
#include "common/server/server.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "services/case-handling/access.h"
#include "services/case-handling/case_handling_service.h"
#include "services/follow-up/access.h"
#include "services/follow-up/follow_up_service.h"
#include "services/intake/access.h"
#include "services/intake/intake_service.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
namespace rv1 = complaints::routing::v1;
namespace sv1 = complaints::staff::v1;

constexpr char kPhone[] = "13800138000";
constexpr char kOtherPhone[] = "13900139000";
constexpr char kCustomerA[] = "C00000000000000000a01";
constexpr char kCustomerB[] = "C00000000000000000b02";

// Trackers and callback agents of customer service, for follow-up's assignments.
class Directory final : public sv1::StaffService::CallbackService {
 public:
  Directory() {
    Add("S-TRK-1", sv1::STAFF_ROLE_TRACKER);
    Add("S-CB-1", sv1::STAFF_ROLE_CALLBACK_AGENT);
  }
  grpc::ServerUnaryReactor* GetStaff(grpc::CallbackServerContext* ctx,
                                     const sv1::GetStaffRequest* req,
                                     sv1::GetStaffResponse* resp) override {
    auto* r = ctx->DefaultReactor();
    auto it = staff_.find(req->staff_id());
    if (it == staff_.end()) {
      r->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such staff"));
    } else {
      *resp->mutable_staff() = it->second;
      r->Finish(grpc::Status::OK);
    }
    return r;
  }
  grpc::ServerUnaryReactor* ListStaff(grpc::CallbackServerContext* ctx,
                                      const sv1::ListStaffRequest* req,
                                      sv1::ListStaffResponse* resp) override {
    for (const auto& [id, s] : staff_) {
      if (!req->page().page_token().empty()) break;  // one page holds everyone
      if (!req->department_id().empty() && s.department_id() != req->department_id()) continue;
      if (req->role() != sv1::STAFF_ROLE_UNSPECIFIED && s.role() != req->role()) continue;
      *resp->add_staff() = s;
    }
    auto* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }

 private:
  void Add(const std::string& id, sv1::StaffRole role) {
    sv1::Staff s;
    s.set_id(id);
    s.set_department_id("customer-service");
    s.set_role(role);
    s.set_active(true);
    staff_[id] = s;
  }
  std::map<std::string, sv1::Staff> staff_;
};

struct Caller {
  std::string subject;
  std::string role;
  std::string department;
  std::string phone;
};

const Caller kA{kCustomerA, "customer", "", kPhone};
const Caller kB{kCustomerB, "customer", "", kOtherPhone};
const Caller kHotline{"S-HL-1", "hotline_agent", "customer-service", ""};
const Caller kHandler{"S-ENG-1", "handler", "engineering", ""};
const Caller kCoordinator{"S-CO-1", "coordinator", "", ""};
const Caller kCallbackAgent{"S-CB-1", "callback_agent", "customer-service", ""};

class CustomerSelfServiceIt : public ::testing::Test {
 protected:
  void SetUp() override {
    auto keys = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
    ASSERT_TRUE(keys.ok()) << keys.status();
    signing_key_ = keys->private_pem;
    const std::string dir = ::testing::TempDir() + "/self_service_" + intake_db_.name();
    std::filesystem::create_directories(dir + "/keys");
    keys_dir_ = dir + "/keys";
    std::ofstream(keys_dir_ + "/test.pem") << keys->public_pem;
    // The services' own identity on their calls to intake.
    token_file_ = dir + "/service.jwt";
    std::ofstream(token_file_) << Mint({"case-handling", "service", "", ""});
    subscriptions_ = dir + "/intake_subscriptions.txt";
    std::ofstream(subscriptions_) << "ComplaintReceived  routing\n";

    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &directory_port_);
    b.RegisterService(&directory_);
    directory_server_ = b.BuildAndStart();

    StartIntake();
    StartCaseHandling();
    StartFollowUp();
  }

  void TearDown() override {
    for (auto* rt : {&follow_up_rt_, &case_rt_, &intake_rt_}) {
      if (*rt) (*rt)->Shutdown();
    }
    follow_up_.reset();
    case_handling_.reset();
    intake_.reset();
    directory_server_->Shutdown(std::chrono::system_clock::now());
    auth::RequireAuthentication(false);  // process-wide: AUTH_KEYS turned it on
    client::SetOutgoingTokenFile("");
  }

  std::vector<std::string> Env(const std::string& prefix, const testing::ScratchDatabase& db) {
    std::vector<std::string> env = testing::InProcessEnv(prefix, db.options());
    const std::string p = "TOUSU_" + prefix + "_";
    env.push_back(p + "LOG_LEVEL=error");
    env.push_back(p + "AUTH_KEYS=" + keys_dir_);
    env.push_back(p + "AUTH_TOKEN_FILE=" + token_file_);
    return env;
  }

  void StartIntake() {
    std::vector<std::string> env = Env("INTAKE", intake_db_);
    env.push_back("TOUSU_INTAKE_SUBSCRIPTIONS_FILE=" + subscriptions_);
    env.push_back(absl::StrCat("TOUSU_INTAKE_PEERS=routing=127.0.0.1:", testing::FreePort()));
    config::Config cfg("INTAKE", env, {});
    auto rt = server::ServiceRuntime::Create({.name = "intake",
                                              .env_name = "INTAKE",
                                              .grpc_services = {intake::kGrpcServiceName},
                                              .migrations = &db::intake_migrations(),
                                              .access = intake::IntakeAccessTable()},
                                             cfg);
    ASSERT_TRUE(rt.ok()) << rt.status();
    intake_rt_ = std::move(*rt);
    intake_ = std::make_unique<intake::IntakeService>(*intake_rt_, intake::IntakeSettings{});
    ASSERT_TRUE(intake_rt_->Start().ok());
    ASSERT_TRUE(intake_rt_->WaitUntilServing(absl::Seconds(30)));
    intake_stub_ = iv1::IntakeService::NewStub(Channel(*intake_rt_));
  }

  void StartCaseHandling() {
    std::vector<std::string> env = Env("CASE_HANDLING", case_db_);
    env.push_back(std::string("TOUSU_CASE_HANDLING_CALENDAR_FILE=") + TOUSU_CALENDAR_FILE);
    env.push_back(std::string("TOUSU_CASE_HANDLING_SUBSCRIPTIONS_FILE=") +
                  TOUSU_SUBSCRIPTIONS_FILE);
    config::Config cfg("CASE_HANDLING", env, {});
    auto rt = server::ServiceRuntime::Create({.name = "case-handling",
                                              .env_name = "CASE_HANDLING",
                                              .grpc_services = {casehandling::kGrpcServiceName},
                                              .migrations = &db::case_handling_migrations(),
                                              .needs_calendar = true,
                                              .access = casehandling::CaseHandlingAccessTable()},
                                             cfg);
    ASSERT_TRUE(rt.ok()) << rt.status();
    case_rt_ = std::move(*rt);
    casehandling::CaseHandlingSettings settings;
    settings.deadline_check_interval = absl::Hours(1);
    settings.intake_addr = absl::StrCat("127.0.0.1:", intake_rt_->grpc_port());
    case_handling_ = std::make_unique<casehandling::CaseHandlingService>(*case_rt_, settings);
    ASSERT_TRUE(case_rt_->Start().ok());
    ASSERT_TRUE(case_rt_->WaitUntilServing(absl::Seconds(30)));
    case_stub_ = chv1::CaseService::NewStub(Channel(*case_rt_));
  }

  void StartFollowUp() {
    std::vector<std::string> env = Env("FOLLOW_UP", follow_up_db_);
    env.push_back(std::string("TOUSU_FOLLOW_UP_CALENDAR_FILE=") + TOUSU_CALENDAR_FILE);
    env.push_back(std::string("TOUSU_FOLLOW_UP_SUBSCRIPTIONS_FILE=") + TOUSU_SUBSCRIPTIONS_FILE);
    config::Config cfg("FOLLOW_UP", env, {});
    auto rt = server::ServiceRuntime::Create({.name = "follow-up",
                                              .env_name = "FOLLOW_UP",
                                              .grpc_services = {followup::kGrpcServiceName},
                                              .migrations = &db::follow_up_migrations(),
                                              .needs_calendar = true,
                                              .access = followup::FollowUpAccessTable()},
                                             cfg);
    ASSERT_TRUE(rt.ok()) << rt.status();
    follow_up_rt_ = std::move(*rt);
    followup::Settings settings;
    settings.staff_assessment_addr = absl::StrCat("127.0.0.1:", directory_port_);
    settings.check_interval = absl::Hours(1);
    settings.intake_addr = absl::StrCat("127.0.0.1:", intake_rt_->grpc_port());
    follow_up_ = std::make_unique<followup::FollowUpService>(*follow_up_rt_, settings);
    ASSERT_TRUE(follow_up_rt_->Start().ok());
    ASSERT_TRUE(follow_up_rt_->WaitUntilServing(absl::Seconds(30)));
    follow_up_stub_ = fv1::FollowUpService::NewStub(Channel(*follow_up_rt_));
  }

  static std::shared_ptr<grpc::Channel> Channel(server::ServiceRuntime& rt) {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", rt.grpc_port()),
                               grpc::InsecureChannelCredentials());
  }

  std::string Mint(const Caller& who) {
    auto token = auth::MintToken(signing_key_, {.subject = who.subject,
                                                .role = who.role,
                                                .department = who.department,
                                                .phone = who.phone,
                                                .issued_at = absl::Now() - absl::Seconds(5),
                                                .not_before = std::nullopt,
                                                .kid = ""});
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  template <typename Stub, typename Req, typename Resp>
  grpc::Status Call(const Caller& who, Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp) {
    // A plain context: NewCallContext would add this process's service token (AUTH_TOKEN_FILE).
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    ctx.AddMetadata("authorization", "Bearer " + Mint(who));
    return (stub.*method)(&ctx, req, resp);
  }

  // A complaint a hotline agent records for the customer with `phone` (no account named).
  std::string RecordByHotline(const std::string& phone, const std::string& request_id) {
    iv1::SubmitComplaintRequest req;
    req.set_request_id(request_id);
    iv1::ComplaintInput& c = *req.mutable_complaint();
    c.set_customer_name("欧阳娜娜");
    c.set_customer_phone(phone);
    c.set_project("翡翠湾·二期");
    c.set_building("3栋");
    c.set_unit("1502室");
    c.set_description("销售承诺的车位没有兑现");
    *c.mutable_occurred_at() =
        time::ToProto(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(30))));
    c.set_severity(cv1::SEVERITY_MEDIUM);
    c.set_expected_resolution("兑现承诺");
    c.set_channel(cv1::CHANNEL_HOTLINE);
    c.set_journey_stage(cv1::JOURNEY_STAGE_SALE);
    c.set_recorded_by_staff_id(kHotline.subject);
    iv1::SubmitComplaintResponse resp;
    grpc::Status s =
        Call(kHotline, *intake_stub_, &iv1::IntakeService::Stub::SubmitComplaint, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.complaint().number();
  }

  grpc::Status GetComplaint(const Caller& who, const std::string& number,
                            iv1::GetComplaintResponse* resp = nullptr) {
    iv1::GetComplaintRequest req;
    req.set_number(number);
    iv1::GetComplaintResponse ignored;
    return Call(who, *intake_stub_, &iv1::IntakeService::Stub::GetComplaint, req,
                resp ? resp : &ignored);
  }

  std::vector<std::string> ListNumbers(const Caller& who) {
    iv1::ListComplaintsRequest req;
    iv1::ListComplaintsResponse resp;
    grpc::Status s =
        Call(who, *intake_stub_, &iv1::IntakeService::Stub::ListComplaints, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> numbers;
    for (const auto& c : resp.complaints()) numbers.push_back(c.number());
    std::sort(numbers.begin(), numbers.end());
    return numbers;
  }

  template <typename M>
  void Deliver(server::ServiceRuntime& rt, const std::string& type, const std::string& producer,
               const std::string& number, const M& payload) {
    cv1::Event e;
    e.set_event_id(events::NewEventId());
    e.set_event_type(type);
    e.set_aggregate_id(number);
    e.set_producer(producer);
    time::ToProto(absl::Now(), e.mutable_occurred_at());
    e.mutable_payload()->PackFrom(payload);
    auto applied = rt.event_sink().Apply(e);
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  // Routing's acknowledgement: case-handling opens the case (engineering leads).
  void OpenCase(const std::string& number) {
    rv1::ComplaintAcknowledged ack;
    ack.set_number(number);
    ack.set_department_id("engineering");
    ack.set_owner_staff_id(kHandler.subject);
    ack.set_category(cv1::CATEGORY_SALES_SERVICE);
    ack.set_severity(cv1::SEVERITY_MEDIUM);
    time::ToProto(absl::Now(), ack.mutable_acknowledged_at());
    ack.set_on_time(true);
    Deliver(*case_rt_, "ComplaintAcknowledged", "routing", number, ack);
  }

  // The handler proposes a solution; returns its revision.
  int Propose(const std::string& number, const std::string& solution) {
    chv1::ProposeSolutionRequest req;
    req.set_number(number);
    req.set_staff_id(kHandler.subject);
    req.set_solution(solution);
    req.add_planned_actions("与销售部核实承诺内容");
    time::ToProto(absl::Now() + absl::Hours(24 * 10), req.mutable_planned_completion());
    chv1::ProposeSolutionResponse resp;
    grpc::Status s =
        Call(kHandler, *case_stub_, &chv1::CaseService::Stub::ProposeSolution, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.solution().revision();
  }

  grpc::Status Decide(const Caller& who, const std::string& number, int revision,
                      chv1::CustomerDecision decision, const std::string& reason,
                      chv1::RecordCustomerDecisionResponse* resp = nullptr,
                      const std::string& recorded_by = "") {
    chv1::RecordCustomerDecisionRequest req;
    req.set_number(number);
    req.set_revision(revision);
    req.set_decision(decision);
    req.set_reason(reason);
    req.set_recorded_by_staff_id(recorded_by);
    chv1::RecordCustomerDecisionResponse ignored;
    return Call(who, *case_stub_, &chv1::CaseService::Stub::RecordCustomerDecision, req,
                resp ? resp : &ignored);
  }

  chv1::Case GetCase(const std::string& number) {
    chv1::GetCaseRequest req;
    req.set_number(number);
    chv1::GetCaseResponse resp;
    grpc::Status s = Call(kCoordinator, *case_stub_, &chv1::CaseService::Stub::GetCase, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.case_file();
  }

  // Delivers case-handling's events for intake, in order, as its relay would.
  void RelayCaseEventsToIntake() {
    const std::string rows = case_db_.QueryScalar(
        "SELECT GROUP_CONCAT(HEX(envelope) ORDER BY id SEPARATOR ',') FROM outbox"
        " WHERE subscriber = 'intake' AND delivered_at IS NULL");
    for (absl::string_view hex : absl::StrSplit(rows, ',', absl::SkipEmpty())) {
      cv1::Event e;
      ASSERT_TRUE(e.ParseFromString(absl::HexStringToBytes(hex)));
      auto applied = intake_rt_->event_sink().Apply(e);
      ASSERT_TRUE(applied.ok()) << applied.status();
    }
    case_db_.Execute("UPDATE outbox SET delivered_at = NOW(6) WHERE subscriber = 'intake'");
  }

  // Case-handling's CaseOpened and CaseResolved: follow-up schedules the callback.
  void OpenAndResolveFollowUp(const std::string& number, bool resolve) {
    chv1::CaseOpened opened;
    opened.set_number(number);
    opened.set_cycle(1);
    opened.set_department_id("engineering");
    opened.set_owner_staff_id(kHandler.subject);
    opened.set_category(cv1::CATEGORY_SALES_SERVICE);
    opened.set_severity(cv1::SEVERITY_MEDIUM);
    time::ToProto(absl::Now() - absl::Hours(2), opened.mutable_opened_at());
    Deliver(*follow_up_rt_, "CaseOpened", "case-handling", number, opened);
    if (!resolve) return;
    chv1::CaseResolved resolved;
    resolved.set_number(number);
    resolved.set_cycle(1);
    resolved.set_department_id("engineering");
    resolved.set_owner_staff_id(kHandler.subject);
    resolved.set_result("已兑现车位承诺");
    time::ToProto(absl::Now() - absl::Hours(1), resolved.mutable_resolved_at());
    Deliver(*follow_up_rt_, "CaseResolved", "case-handling", number, resolved);
  }

  grpc::Status Answer(const Caller& who, const std::string& number, const std::string& token,
                      int satisfaction, fv1::SubmitQuestionnaireResponse* resp = nullptr) {
    fv1::SubmitQuestionnaireRequest req;
    req.set_number(number);
    req.set_token(token);
    req.set_satisfaction(satisfaction);
    req.set_comments("处理及时");
    fv1::SubmitQuestionnaireResponse ignored;
    return Call(who, *follow_up_stub_, &fv1::FollowUpService::Stub::SubmitQuestionnaire, req,
                resp ? resp : &ignored);
  }

  // `message` with `number` written as "<number>": what two NOT_FOUND answers share.
  static std::string Shape(const grpc::Status& s, const std::string& number) {
    return absl::StrReplaceAll(s.error_message(), {{number, "<number>"}});
  }

  // A number of the same month as `issued` that was never issued.
  static std::string NeverIssued(const std::string& issued) {
    return issued.substr(0, 10) + "999999";
  }

  testing::ScratchDatabase intake_db_, case_db_, follow_up_db_;
  std::string signing_key_, keys_dir_, token_file_, subscriptions_;
  Directory directory_;
  int directory_port_ = 0;
  std::unique_ptr<grpc::Server> directory_server_;
  std::unique_ptr<server::ServiceRuntime> intake_rt_, case_rt_, follow_up_rt_;
  std::unique_ptr<intake::IntakeService> intake_;
  std::unique_ptr<casehandling::CaseHandlingService> case_handling_;
  std::unique_ptr<followup::FollowUpService> follow_up_;
  std::unique_ptr<iv1::IntakeService::Stub> intake_stub_;
  std::unique_ptr<chv1::CaseService::Stub> case_stub_;
  std::unique_ptr<fv1::FollowUpService::Stub> follow_up_stub_;
};

TEST_F(CustomerSelfServiceIt, ACustomerSeesComplaintsRecordedWithTheirPhoneBeforeTheyHadAnAccount) {
  // Recorded by the hotline, before the customer signed in, in another accepted spelling.
  const std::string mine = RecordByHotline("+86 13800138000", "req-mine");
  const std::string also_mine = RecordByHotline("8613800138000", "req-mine-2");
  const std::string theirs = RecordByHotline(kOtherPhone, "req-theirs");

  iv1::GetComplaintResponse got;
  grpc::Status s = GetComplaint(kA, mine, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.complaint().number(), mine);
  EXPECT_EQ(got.complaint().input().customer_phone(), "+86 13800138000");

  std::vector<std::string> expected = {mine, also_mine};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ListNumbers(kA), expected);
  EXPECT_EQ(ListNumbers(kB), std::vector<std::string>{theirs});

  // A customer signed in without a verified phone sees only their account's complaints.
  EXPECT_TRUE(ListNumbers({kCustomerA, "customer", "", ""}).empty());
  EXPECT_EQ(GetComplaint({kCustomerA, "customer", "", ""}, mine).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CustomerSelfServiceIt, AnotherCustomersComplaintIsNotFoundInTheWordsOfANumberNeverIssued) {
  const std::string theirs = RecordByHotline(kOtherPhone, "req-theirs");
  const std::string unissued = NeverIssued(theirs);

  const grpc::Status other = GetComplaint(kA, theirs);
  const grpc::Status missing = GetComplaint(kA, unissued);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Shape(other, theirs), Shape(missing, unissued));
  EXPECT_EQ(other.error_message(), "number: no complaint " + theirs);
  // Asked again (now perhaps from the read cache), the answer is the same.
  EXPECT_EQ(GetComplaint(kA, theirs).error_message(), other.error_message());
  EXPECT_TRUE(GetComplaint(kB, theirs).ok());
}

TEST_F(CustomerSelfServiceIt, OwnershipIsAskedOnlyByServices) {
  const std::string mine = RecordByHotline(kPhone, "req-mine");
  iv1::CheckCustomerOwnsComplaintRequest req;
  req.set_number(mine);
  req.set_customer_id(kCustomerB);
  req.set_verified_phone(kPhone);
  iv1::CheckCustomerOwnsComplaintResponse resp;
  const Caller service{"follow-up", "service", "", ""};
  ASSERT_TRUE(Call(service, *intake_stub_, &iv1::IntakeService::Stub::CheckCustomerOwnsComplaint,
                   req, &resp)
                  .ok());
  EXPECT_TRUE(resp.owned());
  req.set_verified_phone(kOtherPhone);
  ASSERT_TRUE(Call(service, *intake_stub_, &iv1::IntakeService::Stub::CheckCustomerOwnsComplaint,
                   req, &resp)
                  .ok());
  EXPECT_FALSE(resp.owned());
  req.set_number(NeverIssued(mine));
  req.set_verified_phone(kPhone);
  ASSERT_TRUE(Call(service, *intake_stub_, &iv1::IntakeService::Stub::CheckCustomerOwnsComplaint,
                   req, &resp)
                  .ok());
  EXPECT_FALSE(resp.owned());

  for (const Caller& not_a_service : {kA, kHotline}) {
    EXPECT_EQ(Call(not_a_service, *intake_stub_,
                   &iv1::IntakeService::Stub::CheckCustomerOwnsComplaint, req, &resp)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
}

TEST_F(CustomerSelfServiceIt, ACustomerRejectsWithAReasonThenAcceptsTheCurrentRevision) {
  const std::string mine = RecordByHotline(kPhone, "req-mine");
  OpenCase(mine);
  ASSERT_EQ(Propose(mine, "赠送一年物业费"), 1);

  // A rejection says why.
  grpc::Status s = Decide(kA, mine, 1, chv1::CUSTOMER_DECISION_REJECTED, "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("reason:", 0), 0u) << s.error_message();
  // A customer does not record on a staff member's behalf.
  s = Decide(kA, mine, 1, chv1::CUSTOMER_DECISION_ACCEPTED, "", nullptr, kHandler.subject);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  chv1::RecordCustomerDecisionResponse rejected;
  s = Decide(kA, mine, 1, chv1::CUSTOMER_DECISION_REJECTED, "我要的是车位，不是物业费", &rejected);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(rejected.decision().decided_by_customer_id(), kCustomerA);
  EXPECT_EQ(rejected.decision().recorded_by_staff_id(), "");
  EXPECT_TRUE(rejected.decision().has_revised_solution_due());

  ASSERT_EQ(Propose(mine, "按合同兑现车位"), 2);
  // The customer reads the revised solution, and its revision, on their complaint.
  RelayCaseEventsToIntake();
  iv1::GetComplaintResponse shown;
  ASSERT_TRUE(GetComplaint(kA, mine, &shown).ok());
  EXPECT_EQ(shown.complaint().status(), iv1::COMPLAINT_STATUS_SOLUTION_PROPOSED);
  EXPECT_EQ(shown.complaint().solution(), "按合同兑现车位");
  EXPECT_EQ(shown.complaint().solution_revision(), 2);
  // The revision the customer saw before is outdated now.
  s = Decide(kA, mine, 1, chv1::CUSTOMER_DECISION_ACCEPTED, "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  chv1::RecordCustomerDecisionResponse accepted;
  s = Decide(kA, mine, shown.complaint().solution_revision(), chv1::CUSTOMER_DECISION_ACCEPTED, "",
             &accepted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(accepted.decision().decided_by_customer_id(), kCustomerA);

  // The case's history and the event say the customer decided.
  const chv1::Case c = GetCase(mine);
  EXPECT_EQ(c.state(), chv1::CASE_STATE_IMPLEMENTING);
  ASSERT_EQ(c.decisions_size(), 2);
  for (const auto& d : c.decisions()) {
    EXPECT_EQ(d.decided_by_customer_id(), kCustomerA);
    EXPECT_EQ(d.recorded_by_staff_id(), "");
  }
  EXPECT_EQ(case_db_.QueryScalar("SELECT COUNT(*) FROM decisions WHERE decided_by_customer_id = '" +
                                 std::string(kCustomerA) + "'"),
            "2");
  const std::string hex = case_db_.QueryScalar(
      "SELECT HEX(envelope) FROM outbox WHERE event_type = 'CustomerDecisionRecorded' ORDER BY id"
      " DESC LIMIT 1");
  ASSERT_FALSE(hex.empty());
  cv1::Event envelope;
  ASSERT_TRUE(envelope.ParseFromString(absl::HexStringToBytes(hex)));
  chv1::CustomerDecisionRecorded event;
  ASSERT_TRUE(envelope.payload().UnpackTo(&event));
  EXPECT_TRUE(event.accepted());
  EXPECT_EQ(event.revision(), 2);
  EXPECT_EQ(event.decided_by_customer_id(), kCustomerA);
  EXPECT_EQ(event.recorded_by_staff_id(), "");
}

TEST_F(CustomerSelfServiceIt, AnotherCustomersCaseIsNotFoundAndCustomersGetNoOtherCaseCall) {
  const std::string mine = RecordByHotline(kPhone, "req-mine");
  OpenCase(mine);
  ASSERT_EQ(Propose(mine, "赠送一年物业费"), 1);

  const grpc::Status other = Decide(kB, mine, 1, chv1::CUSTOMER_DECISION_ACCEPTED, "");
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  const grpc::Status missing =
      Decide(kB, NeverIssued(mine), 1, chv1::CUSTOMER_DECISION_ACCEPTED, "");
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(other.error_message(), missing.error_message());
  EXPECT_EQ(GetCase(mine).state(), chv1::CASE_STATE_AWAITING_DECISION);  // nothing written

  chv1::GetCaseRequest get;
  get.set_number(mine);
  chv1::GetCaseResponse got;
  EXPECT_EQ(Call(kA, *case_stub_, &chv1::CaseService::Stub::GetCase, get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  chv1::ProposeSolutionRequest propose;
  propose.set_number(mine);
  chv1::ProposeSolutionResponse proposed;
  EXPECT_EQ(Call(kA, *case_stub_, &chv1::CaseService::Stub::ProposeSolution, propose, &proposed)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CustomerSelfServiceIt, StaffStillRecordADecisionTakenByPhone) {
  const std::string mine = RecordByHotline(kPhone, "req-mine");
  OpenCase(mine);
  ASSERT_EQ(Propose(mine, "按合同兑现车位"), 1);
  chv1::RecordCustomerDecisionResponse resp;
  grpc::Status s = Decide(kCoordinator, mine, 1, chv1::CUSTOMER_DECISION_ACCEPTED, "", &resp,
                          kCoordinator.subject);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.decision().recorded_by_staff_id(), kCoordinator.subject);
  EXPECT_EQ(resp.decision().decided_by_customer_id(), "");
  const chv1::Case c = GetCase(mine);
  ASSERT_EQ(c.decisions_size(), 1);
  EXPECT_EQ(c.decisions(0).recorded_by_staff_id(), kCoordinator.subject);
  EXPECT_EQ(c.decisions(0).decided_by_customer_id(), "");
}

TEST_F(CustomerSelfServiceIt, ACustomerAnswersTheQuestionnaireOfTheirComplaintByNumber) {
  const std::string mine = RecordByHotline(kPhone, "req-mine");
  const std::string open = RecordByHotline(kPhone, "req-open");
  OpenAndResolveFollowUp(mine, /*resolve=*/true);
  OpenAndResolveFollowUp(open, /*resolve=*/false);

  // Exactly one of token and number.
  EXPECT_EQ(Answer(kA, mine, std::string(43, 'A'), 5).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Not the customer's: the words of a complaint never followed.
  const grpc::Status other = Answer(kB, mine, "", 5);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  const grpc::Status missing = Answer(kB, NeverIssued(mine), "", 5);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(other.error_message(), missing.error_message());
  // Staff record callbacks with RecordCallback, naming themselves.
  EXPECT_EQ(Answer(kCallbackAgent, mine, "", 5).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Nothing to answer before the case is resolved.
  EXPECT_EQ(Answer(kA, open, "", 5).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  fv1::SubmitQuestionnaireResponse resp;
  grpc::Status s = Answer(kA, mine, "", 5, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.number(), mine);
  EXPECT_EQ(resp.cycle(), 1);
  // Once.
  EXPECT_EQ(Answer(kA, mine, "", 4).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // Recorded as the customer's, like an answer through the link.
  fv1::GetFollowUpRequest get;
  get.set_number(mine);
  fv1::GetFollowUpResponse got;
  ASSERT_TRUE(
      Call(kCallbackAgent, *follow_up_stub_, &fv1::FollowUpService::Stub::GetFollowUp, get, &got)
          .ok());
  ASSERT_EQ(got.follow_up().callbacks_size(), 1);
  const fv1::Callback& cb = got.follow_up().callbacks(0);
  EXPECT_EQ(cb.status(), fv1::CALLBACK_STATUS_RECORDED);
  EXPECT_EQ(cb.method(), fv1::CALLBACK_METHOD_QUESTIONNAIRE);
  EXPECT_EQ(cb.recorded_by_staff_id(), "");
  EXPECT_EQ(cb.satisfaction(), 5);
  EXPECT_EQ(follow_up_db_.QueryScalar(
                "SELECT COUNT(DISTINCT event_id) FROM outbox WHERE event_type = 'ComplaintClosed'"),
            "1");
}

}  // namespace
}  // namespace tousu
