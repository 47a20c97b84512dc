// Security across the real stack (issue: who may call what, customers see only their own
// complaints, every bad input answered): all six services as processes with authentication on,
// each verifying callers' tokens with the test's own signing key and calling the others with a
// service token. Every refusal is checked for its code and for writing nothing.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <jwt.h>

#include <future>
#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/auth/caller.h"
#include "common/auth/token_minter.h"
#include "complaints/analytics/v1/analytics.grpc.pb.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/common/v1/audit.grpc.pb.h"
#include "complaints/common/v1/events.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "complaints/staff/v1/assessment.grpc.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "tests/e2e/stack.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
using namespace auth::role;

constexpr int kCustomerLimit = 5;   // RATE_PER_CUSTOMER=5/1h
constexpr int kSourceLimit = 400;   // RATE_PER_SOURCE=400/1m
constexpr char kAgent[] = "S0006";  // a hotline agent of the seed
using R = iv1::SubmitComplaintRequest;

class SecurityE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new e2e::Stack();
    stack_->EnableAuth();
    stack_->Set("intake", "RATE_PER_CUSTOMER", absl::StrCat(kCustomerLimit, "/1h"));
    stack_->Set("intake", "RATE_PER_SOURCE", absl::StrCat(kSourceLimit, "/1m"));
    stack_->Start();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(stack_, nullptr);
    intake_ = iv1::IntakeService::NewStub(Channel("intake"));
  }

  static std::shared_ptr<grpc::Channel> Channel(const std::string& service) {
    return grpc::CreateChannel(stack_->service(service).address(),
                               grpc::InsecureChannelCredentials());
  }
  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }
  static std::string AgentToken() {
    return stack_->Token(kAgent, kHotlineAgent, "customer-service");
  }
  static std::string CustomerToken(const std::string& id) { return stack_->Token(id, kCustomer); }

  static iv1::SubmitComplaintRequest Complaint(const std::string& request_id) {
    iv1::SubmitComplaintRequest req;
    req.set_request_id(request_id);
    auto* c = req.mutable_complaint();
    c->set_customer_name("林晓燕");
    c->set_customer_phone("13911112222");
    c->set_project("翠湖花园");
    c->set_building("3栋");
    c->set_unit("1202");
    c->set_description("卫生间天花板漏水，墙面渗水发霉，请尽快派人维修");
    c->mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(30)));
    c->set_severity(cv1::SEVERITY_MEDIUM);
    c->set_expected_resolution("尽快上门检修");
    c->set_channel(cv1::CHANNEL_HOTLINE);
    c->set_journey_stage(cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
    c->set_recorded_by_staff_id(kAgent);
    return req;
  }
  // As a customer sends it from the app: no staff id.
  static iv1::SubmitComplaintRequest AppComplaint(const std::string& request_id,
                                                  const std::string& phone) {
    iv1::SubmitComplaintRequest req = Complaint(request_id);
    req.mutable_complaint()->set_channel(cv1::CHANNEL_APP);
    req.mutable_complaint()->clear_recorded_by_staff_id();
    req.mutable_complaint()->set_customer_phone(phone);
    return req;
  }

  grpc::Status Submit(const std::string& token, const iv1::SubmitComplaintRequest& req,
                      iv1::SubmitComplaintResponse* resp = nullptr) {
    iv1::SubmitComplaintResponse ignored;
    return intake_->SubmitComplaint(Ctx(token).get(), req, resp ? resp : &ignored);
  }
  grpc::Status Get(const std::string& token, const std::string& number, iv1::Complaint* out) {
    iv1::GetComplaintRequest req;
    req.set_number(number);
    iv1::GetComplaintResponse resp;
    grpc::Status s = intake_->GetComplaint(Ctx(token).get(), req, &resp);
    if (out != nullptr) *out = resp.complaint();
    return s;
  }
  std::vector<std::string> List(const std::string& token) {
    iv1::ListComplaintsRequest req;
    req.mutable_page()->set_page_size(200);
    iv1::ListComplaintsResponse resp;
    grpc::Status s = intake_->ListComplaints(Ctx(token).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> numbers;
    for (const auto& c : resp.complaints()) numbers.push_back(c.number());
    return numbers;
  }

  // What intake has written: complaints and outbox rows.
  static std::string Written() {
    const auto& db = *stack_->service("intake").db;
    return absl::StrCat(db.QueryScalar("SELECT COUNT(*) FROM complaints"), " complaints, ",
                        db.QueryScalar("SELECT COUNT(*) FROM outbox"), " outbox rows");
  }

  // A call by method path with a raw (possibly empty) message: what the interceptor decides
  // does not depend on the message.
  static grpc::Status RawCall(const std::string& service, const std::string& method,
                              const std::string& token) {
    grpc::GenericStub stub(Channel(service));
    grpc::Slice slice(std::string{});
    grpc::ByteBuffer request(&slice, 1), response;
    auto ctx = Ctx(token);
    std::promise<grpc::Status> done;
    stub.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) { done.set_value(s); });
    return done.get_future().get();
  }

  static e2e::Stack* stack_;
  std::unique_ptr<iv1::IntakeService::Stub> intake_;
};

e2e::Stack* SecurityE2e::stack_ = nullptr;

// Every RPC of every service, by the process that serves it.
std::vector<std::pair<std::string, std::string>> AllMethods() {
  const std::vector<std::pair<std::string, const google::protobuf::ServiceDescriptor*>> services = {
      {"intake",
       iv1::SubmitComplaintRequest::descriptor()->file()->FindServiceByName("IntakeService")},
      {"routing",
       rv1::ClassifyComplaintRequest::descriptor()->file()->FindServiceByName("RoutingService")},
      {"case-handling",
       complaints::casehandling::v1::GetCaseRequest::descriptor()->file()->FindServiceByName(
           "CaseService")},
      {"follow-up",
       complaints::followup::v1::GetFollowUpRequest::descriptor()->file()->FindServiceByName(
           "FollowUpService")},
      {"analytics",
       complaints::analytics::v1::GetTrendRequest::descriptor()->file()->FindServiceByName(
           "AnalyticsService")},
      {"staff-assessment",
       complaints::staff::v1::GetStaffRequest::descriptor()->file()->FindServiceByName(
           "StaffService")},
      {"staff-assessment",
       complaints::staff::v1::GetAssessmentRequest::descriptor()->file()->FindServiceByName(
           "AssessmentService")},
  };
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [process, service] : services) {
    EXPECT_NE(service, nullptr) << process;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      out.emplace_back(process,
                       absl::StrCat("/", service->full_name(), "/", service->method(i)->name()));
    }
  }
  for (const char* process :
       {"intake", "routing", "case-handling", "follow-up", "analytics", "staff-assessment"}) {
    out.emplace_back(process, "/complaints.common.v1.EventSink/DeliverEvent");
    out.emplace_back(process, "/complaints.common.v1.AuditTrail/GetAuditTrail");
  }
  return out;
}

TEST_F(SecurityE2e, EveryRpcOfEveryServiceRefusesACallWithoutAToken) {
  const std::string before = Written();
  const auto methods = AllMethods();
  ASSERT_GE(methods.size(), 60u);
  // The questionnaire's SMS link carries its own secret, so it is answered without a sign-in;
  // without a valid link (here: an empty request) it is still refused and writes nothing.
  const std::string link_answer = "/complaints.followup.v1.FollowUpService/SubmitQuestionnaire";
  for (const auto& [process, method] : methods) {
    grpc::Status s = RawCall(process, method, "");
    if (method == link_answer) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
      continue;
    }
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << process << " " << method << ": " << s.error_message();
  }
  // Orchestrators probe health without tokens.
  EXPECT_EQ(testing::HealthStatus(stack_->service("intake").grpc_port, ""), 1);
  EXPECT_EQ(Written(), before);
}

TEST_F(SecurityE2e, ACustomerTokenReachesOnlyTheCustomersRpcs) {
  const std::set<std::string> customers_may = {
      "/complaints.intake.v1.IntakeService/SubmitComplaint",
      "/complaints.intake.v1.IntakeService/GetComplaint",
      "/complaints.intake.v1.IntakeService/ListComplaints",
      "/complaints.casehandling.v1.CaseService/RecordCustomerDecision",
      "/complaints.followup.v1.FollowUpService/SubmitQuestionnaire",
  };
  const std::string token = CustomerToken("C-MATRIX");
  for (const auto& [process, method] : AllMethods()) {
    grpc::Status s = RawCall(process, method, token);
    if (customers_may.count(method)) {
      // Past authorisation: the empty message is then refused for what it lacks.
      EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
      EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    } else {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << process << " " << method << ": " << s.error_message();
    }
  }
}

TEST_F(SecurityE2e, EventSinkIsForServicesOnly) {
  const std::string sink = "/complaints.common.v1.EventSink/DeliverEvent";
  for (const std::string& token :
       {stack_->Token("S0001", kSupervisor), stack_->Token("S0010", kHandler, "engineering"),
        CustomerToken("C-SINK")}) {
    EXPECT_EQ(RawCall("routing", sink, token).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  grpc::Status as_service = RawCall("routing", sink, stack_->Token("intake", kService));
  EXPECT_NE(as_service.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << as_service.error_message();
  EXPECT_NE(as_service.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << as_service.error_message();
}

TEST_F(SecurityE2e, BadTokensAreRefusedAndWriteNothing) {
  const absl::Time now = absl::Now();
  auto stranger = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
  ASSERT_TRUE(stranger.ok());
  auth::TokenClaims forged_claims;
  forged_claims.subject = kAgent;
  forged_claims.role = kHotlineAgent;
  forged_claims.department = "customer-service";
  forged_claims.issued_at = now;
  forged_claims.kid = "e2e";
  auto forged = auth::MintToken(stranger->private_pem, forged_claims);
  ASSERT_TRUE(forged.ok());

  const std::string claims_json =
      absl::StrCat(R"({"sub":"S0006","role":"supervisor","iss":"tousu","aud":"tousu","exp":)",
                   absl::ToUnixSeconds(now + absl::Hours(1)), "}");
  const std::string alg_none = absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})") + "." +
                               absl::WebSafeBase64Escape(claims_json) + ".";
  // HS256 with a public key as the HMAC secret (key confusion): the public key is no secret.
  auto published = auth::GenerateKeyPair(auth::KeyAlgorithm::kRs256);
  ASSERT_TRUE(published.ok());
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_new(&jwt), 0);
  jwt_add_grants_json(jwt, claims_json.c_str());
  jwt_set_alg(jwt, JWT_ALG_HS256,
              reinterpret_cast<const unsigned char*>(published->public_pem.data()),
              static_cast<int>(published->public_pem.size()));
  char* hs = jwt_encode_str(jwt);
  jwt_free(jwt);
  ASSERT_NE(hs, nullptr);
  const std::string hs256(hs);
  free(hs);

  struct Case {
    std::string name, token;
  };
  const std::vector<Case> cases = {
      {"missing", ""},
      {"expired", stack_->Token(kAgent, kHotlineAgent, "customer-service",
                                [&](auth::TokenClaims& c) { c.issued_at = now - absl::Hours(2); })},
      {"not yet valid",
       stack_->Token(kAgent, kHotlineAgent, "customer-service",
                     [&](auth::TokenClaims& c) { c.not_before = now + absl::Minutes(10); })},
      {"forged", *forged},
      {"wrong audience", stack_->Token(kAgent, kHotlineAgent, "customer-service",
                                       [](auth::TokenClaims& c) { c.audience = "another-app"; })},
      {"wrong issuer", stack_->Token(kAgent, kHotlineAgent, "customer-service",
                                     [](auth::TokenClaims& c) { c.issuer = "evil"; })},
      {"alg none", alg_none},
      {"HS256 key confusion", hs256},
      {"garbage", "not.a.token"},
  };
  const std::string before = Written();
  int n = 0;
  for (const Case& c : cases) {
    grpc::Status s = Submit(c.token, Complaint(absl::StrCat("bad-token-", n++)));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << c.name << ": " << s.error_message();
    EXPECT_TRUE(absl::StartsWith(s.error_message(), "authorization: ")) << c.name;
    EXPECT_EQ(Get(c.token, "TS-202611-000001", nullptr).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << c.name;
  }
  // Another scheme than Bearer.
  auto basic = std::make_unique<grpc::ClientContext>();
  basic->AddMetadata("authorization", "Basic dXNlcjpwYXNzd29yZA==");
  iv1::SubmitComplaintResponse resp;
  EXPECT_EQ(intake_->SubmitComplaint(basic.get(), Complaint("bad-token-basic"), &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Written(), before);
  // And the same request with a good token goes through.
  EXPECT_TRUE(Submit(AgentToken(), Complaint("bad-token-0")).ok());
}

TEST_F(SecurityE2e, CustomersSeeOnlyTheirOwnComplaintsAndNothingHintsAtOthers) {
  const std::string alice = CustomerToken("C-ALICE"), bob = CustomerToken("C-BOB");
  iv1::SubmitComplaintResponse mine;
  grpc::Status s = Submit(alice, AppComplaint("alice-1", "13900001111"), &mine);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string number = mine.complaint().number();
  EXPECT_EQ(mine.complaint().input().customer_id(), "C-ALICE");

  iv1::Complaint seen;
  ASSERT_TRUE(Get(alice, number, &seen).ok());
  EXPECT_EQ(seen.number(), number);

  // Bob gets exactly what a number never issued gets. Twice: the second read may come from the
  // read cache, which must refuse the same way.
  const std::string never = "TS-209912-999999";
  grpc::Status missing = Get(bob, never, nullptr);
  for (int i = 0; i < 2; ++i) {
    iv1::Complaint leaked;
    grpc::Status other = Get(bob, number, &leaked);
    EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(absl::StrReplaceAll(other.error_message(), {{number, "N"}}),
              absl::StrReplaceAll(missing.error_message(), {{never, "N"}}));
    EXPECT_EQ(leaked.number(), "") << "no part of the record travels with the refusal";
  }
  // Lists: each their own.
  auto alices = List(alice);
  EXPECT_NE(std::find(alices.begin(), alices.end(), number), alices.end());
  auto bobs = List(bob);
  EXPECT_EQ(std::find(bobs.begin(), bobs.end(), number), bobs.end());
  for (const auto& n : bobs) EXPECT_NE(n, number);

  // Staff read it; a customer cannot file in another's name, nor pose as staff.
  EXPECT_TRUE(Get(stack_->Token("S0010", kHandler, "engineering"), number, nullptr).ok());
  const std::string before = Written();
  iv1::SubmitComplaintRequest as_bob = AppComplaint("alice-2", "13900001111");
  as_bob.mutable_complaint()->set_customer_id("C-BOB");
  s = Submit(alice, as_bob);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_TRUE(absl::StartsWith(s.error_message(), "complaint.customer_id")) << s.error_message();
  iv1::SubmitComplaintRequest posing = AppComplaint("alice-3", "13900001111");
  posing.mutable_complaint()->set_recorded_by_staff_id("S0006");
  EXPECT_EQ(Submit(alice, posing).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // An agent records complaints under their own id only.
  iv1::SubmitComplaintRequest other_agent = Complaint("agent-other");
  other_agent.mutable_complaint()->set_recorded_by_staff_id("S0007");
  EXPECT_EQ(Submit(AgentToken(), other_agent).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Written(), before);
}

TEST_F(SecurityE2e, StaffReadingPersonalDataIsAuditedAndTheTrailIsForSupervisors) {
  const std::string customer = CustomerToken("C-AUDIT");
  iv1::SubmitComplaintResponse resp;
  ASSERT_TRUE(Submit(customer, AppComplaint("audit-1", "13900002222"), &resp).ok());
  const std::string number = resp.complaint().number();
  const auto& intake_db = *stack_->service("intake").db;
  const std::string reads =
      "SELECT COUNT(*) FROM audit_trail WHERE action = 'read_personal_data' "
      "AND subject = '" +
      number + "'";
  ASSERT_TRUE(Get(customer, number, nullptr).ok());
  EXPECT_EQ(intake_db.QueryScalar(reads), "0") << "a customer reading their own is not audited";
  // Twice: the second read must not slip through the read cache unaudited.
  const std::string handler = stack_->Token("S0021", kHandler, "engineering");
  ASSERT_TRUE(Get(handler, number, nullptr).ok());
  ASSERT_TRUE(Get(handler, number, nullptr).ok());
  EXPECT_EQ(intake_db.QueryScalar(reads), "2");
  EXPECT_EQ(intake_db.QueryScalar("SELECT actor FROM audit_trail WHERE action = "
                                  "'read_personal_data' AND subject = '" +
                                  number + "' LIMIT 1"),
            "staff:S0021");

  auto trail = complaints::common::v1::AuditTrail::NewStub(Channel("intake"));
  complaints::common::v1::GetAuditTrailRequest req;
  req.set_subject(number);
  complaints::common::v1::GetAuditTrailResponse out;
  EXPECT_EQ(trail->GetAuditTrail(Ctx(handler).get(), req, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status s = trail->GetAuditTrail(Ctx(stack_->Token("S0001", kSupervisor)).get(), req, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> seen;
  for (const auto& e : out.entries()) seen.push_back(e.actor() + " " + e.action());
  EXPECT_EQ(seen, (std::vector<std::string>{"customer:C-AUDIT ComplaintReceived",
                                            "staff:S0021 read_personal_data",
                                            "staff:S0021 read_personal_data"}));
}

TEST_F(SecurityE2e, ServicesStillTalkToEachOtherWithTheirOwnTokens) {
  iv1::SubmitComplaintResponse resp;
  ASSERT_TRUE(Submit(AgentToken(), Complaint("pipeline-1"), &resp).ok());
  const std::string number = resp.complaint().number();
  const std::string supervisor = stack_->Token("S0001", kSupervisor);
  const absl::Time until = absl::Now() + absl::Seconds(30);
  iv1::Complaint c;
  while (absl::Now() < until) {
    ASSERT_TRUE(Get(supervisor, number, &c).ok());
    if (c.status() != iv1::COMPLAINT_STATUS_RECEIVED) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  // Intake → routing (event), routing → staff directory (lookup), routing → intake (event).
  EXPECT_TRUE(c.status() == iv1::COMPLAINT_STATUS_ROUTED ||
              c.status() == iv1::COMPLAINT_STATUS_WITH_SUPERVISOR)
      << iv1::ComplaintStatus_Name(c.status());
  // No delivery was ever refused for want of a token.
  for (const char* service : {"intake", "routing"}) {
    EXPECT_EQ(stack_->service(service).db->QueryScalar(
                  "SELECT COUNT(*) FROM outbox WHERE last_error LIKE '%UNAUTHENTICATED%' OR "
                  "last_error LIKE '%PERMISSION_DENIED%'"),
              "0")
        << service;
  }
}

TEST_F(SecurityE2e, AHandlerCannotActOnAnotherDepartmentsAssignment) {
  iv1::SubmitComplaintResponse resp;
  ASSERT_TRUE(Submit(AgentToken(), Complaint("department-1"), &resp).ok());
  const std::string number = resp.complaint().number();
  auto routing = rv1::RoutingService::NewStub(Channel("routing"));
  const std::string supervisor = stack_->Token("S0001", kSupervisor);
  rv1::Assignment assignment;
  const absl::Time until = absl::Now() + absl::Seconds(30);
  while (absl::Now() < until && assignment.department_id().empty()) {
    rv1::GetAssignmentRequest get;
    get.set_number(number);
    rv1::GetAssignmentResponse got;
    if (routing->GetAssignment(Ctx(supervisor).get(), get, &got).ok())
      assignment = got.assignment();
    if (assignment.department_id().empty()) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_FALSE(assignment.department_id().empty()) << number << " was not routed";
  const std::string home = assignment.department_id();
  const std::string other = home == "sales" ? "handover" : "sales";
  // A handler of each department in the seed's directory.
  const std::map<std::string, std::string> handler_of = {{"engineering", "S0021"},
                                                         {"sales", "S0023"},
                                                         {"handover", "S0026"},
                                                         {"property-management", "S0028"}};
  ASSERT_TRUE(handler_of.count(home)) << home;
  const std::string intruder = handler_of.at(other);
  const auto& routing_db = *stack_->service("routing").db;
  const std::string state_query =
      "SELECT CONCAT(state, '/', COALESCE(owner_staff_id, '-')) FROM assignments WHERE number = '" +
      number + "'";
  const std::string before = routing_db.QueryScalar(state_query);

  // A handler of another department: refused whether the request names their department or the
  // assignment's, and nothing changes.
  for (const std::string& named : {home, other}) {
    rv1::AcknowledgeAssignmentRequest ack;
    ack.set_number(number);
    ack.set_department_id(named);
    ack.set_owner_staff_id(intruder);
    rv1::AcknowledgeAssignmentResponse acked;
    grpc::Status s = routing->AcknowledgeAssignment(
        Ctx(stack_->Token(intruder, kHandler, other)).get(), ack, &acked);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << named << ": " << s.error_message();
    EXPECT_FALSE(absl::StrContains(s.error_message(), home)) << "names nothing of the record";
  }
  EXPECT_EQ(routing_db.QueryScalar(state_query), before);
  // Its own department's handler may (the directory decides whether the owner fits).
  rv1::AcknowledgeAssignmentRequest ack;
  ack.set_number(number);
  ack.set_department_id(home);
  ack.set_owner_staff_id(handler_of.at(home));
  rv1::AcknowledgeAssignmentResponse acked;
  grpc::Status own = routing->AcknowledgeAssignment(
      Ctx(stack_->Token(handler_of.at(home), kHandler, home)).get(), ack, &acked);
  EXPECT_TRUE(own.ok()) << own.error_message();
  EXPECT_NE(routing_db.QueryScalar(state_query), before);
}

// The bad-input table: each case, its code, the field its message names, and nothing written.
TEST_F(SecurityE2e, EveryBadInputGetsItsCodeAndWritesNothing) {
  struct Case {
    std::string name;
    std::function<void(iv1::SubmitComplaintRequest&)> spoil;
    grpc::StatusCode code;
    std::string field;  // the message starts with it
  };
  auto in = [](R& r) { return r.mutable_complaint(); };
  const std::vector<Case> cases = {
      {"request_id missing", [](R& r) { r.clear_request_id(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "request_id"},
      {"request_id too long", [](R& r) { r.set_request_id(std::string(65, 'a')); },
       grpc::StatusCode::INVALID_ARGUMENT, "request_id"},
      {"complaint missing", [](R& r) { r.clear_complaint(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "complaint.customer_name"},
      {"name missing", [&](R& r) { in(r)->clear_customer_name(); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_name"},
      {"phone missing", [&](R& r) { in(r)->clear_customer_phone(); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_phone"},
      {"project missing", [&](R& r) { in(r)->clear_project(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "complaint.project"},
      {"description missing", [&](R& r) { in(r)->clear_description(); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.description"},
      {"occurred_at missing", [&](R& r) { in(r)->clear_occurred_at(); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.occurred_at"},
      {"severity missing", [&](R& r) { in(r)->clear_severity(); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.severity"},
      {"expected_resolution missing", [&](R& r) { in(r)->clear_expected_resolution(); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.expected_resolution"},
      {"channel missing", [&](R& r) { in(r)->clear_channel(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "complaint.channel"},
      {"journey_stage missing", [&](R& r) { in(r)->clear_journey_stage(); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.journey_stage"},
      {"staff id missing on a hotline call", [&](R& r) { in(r)->clear_recorded_by_staff_id(); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.recorded_by_staff_id"},
      {"name over 50", [&](R& r) { in(r)->set_customer_name(std::string(51, 'x')); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_name"},
      {"name over 50 CJK",
       [&](R& r) {
         std::string s;
         for (int i = 0; i < 51; ++i) s += "林";
         in(r)->set_customer_name(s);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_name"},
      {"project over 100", [&](R& r) { in(r)->set_project(std::string(101, 'p')); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.project"},
      {"building over 50", [&](R& r) { in(r)->set_building(std::string(51, 'b')); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.building"},
      {"unit over 50", [&](R& r) { in(r)->set_unit(std::string(51, 'u')); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.unit"},
      {"description over 2000", [&](R& r) { in(r)->set_description(std::string(2001, 'd')); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.description"},
      {"expected_resolution over 1000",
       [&](R& r) { in(r)->set_expected_resolution(std::string(1001, 'e')); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.expected_resolution"},
      {"email over 254", [&](R& r) { in(r)->set_customer_email(std::string(250, 'a') + "@x.cn"); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_email"},
      {"severity out of range", [&](R& r) { in(r)->set_severity(static_cast<cv1::Severity>(99)); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.severity"},
      {"channel out of range", [&](R& r) { in(r)->set_channel(static_cast<cv1::Channel>(99)); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.channel"},
      {"journey_stage out of range",
       [&](R& r) { in(r)->set_journey_stage(static_cast<cv1::JourneyStage>(-3)); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.journey_stage"},
      {"staff_category out of range",
       [&](R& r) { in(r)->set_staff_category(static_cast<cv1::Category>(77)); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.staff_category"},
      {"phone too short", [&](R& r) { in(r)->set_customer_phone("12345"); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_phone"},
      {"phone letters", [&](R& r) { in(r)->set_customer_phone("1391111abcd"); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_phone"},
      {"phone foreign", [&](R& r) { in(r)->set_customer_phone("+1 202 555 0100"); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_phone"},
      {"phone ten digits", [&](R& r) { in(r)->set_customer_phone("1391111222"); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_phone"},
      // Refused by the parser before intake's code runs: text fields are `string`.
      {"name not UTF-8", [&](R& r) { in(r)->set_customer_name("\xff\xfe\xfd"); },
       grpc::StatusCode::INVALID_ARGUMENT, "request"},
      {"customer_id not an id", [&](R& r) { in(r)->set_customer_id("bob'; --"); },
       grpc::StatusCode::INVALID_ARGUMENT, "complaint.customer_id"},
  };
  const std::string token = AgentToken();
  const std::string before = Written();
  int n = 0;
  for (const Case& c : cases) {
    R req = Complaint(absl::StrCat("bad-input-", n++));
    c.spoil(req);
    grpc::Status s = Submit(token, req);
    EXPECT_EQ(s.error_code(), c.code) << c.name << ": " << s.error_message();
    EXPECT_TRUE(absl::StartsWith(s.error_message(), c.field + ":"))
        << c.name << ": " << s.error_message();
    EXPECT_FALSE(absl::StrContains(absl::AsciiStrToLower(s.error_message()), "sql")) << c.name;
  }
  EXPECT_EQ(Written(), before);

  // A reused request id with other content.
  ASSERT_TRUE(Submit(token, Complaint("reused-1")).ok());
  const std::string after_first = Written();
  R changed = Complaint("reused-1");
  changed.mutable_complaint()->set_unit("1203");
  grpc::Status reused = Submit(token, changed);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StartsWith(reused.error_message(), "request_id:")) << reused.error_message();
  EXPECT_EQ(Written(), after_first);

  // An oversized message: refused by the transport's limit (4 MiB) before any handler.
  R huge = Complaint("huge-1");
  huge.mutable_complaint()->set_description(std::string(5 << 20, 'x'));
  EXPECT_EQ(Submit(token, huge).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Written(), after_first);
}

TEST_F(SecurityE2e, HostileTextIsStoredAndReturnedUnchanged) {
  const std::vector<std::string> texts = {
      "他说\"别再拖了\"，还有'单引号'和`反引号`以及\\反斜杠",
      "'; DROP TABLE complaints; -- 墙体开裂",
      "Robert'); DELETE FROM outbox WHERE ('1'='1",
      "漏水💧🏠😡 emoji 与 ZWJ 👨‍👩‍👧",
      "混合文字 English العربية русский 한국어 日本語テキスト",
      "<script>alert('x')</script> %s %n {{7*7}}",
  };
  const std::string token = AgentToken();
  int n = 0;
  for (const std::string& text : texts) {
    R req = Complaint(absl::StrCat("hostile-", n++));
    req.mutable_complaint()->set_description(text + "，请尽快处理");
    req.mutable_complaint()->set_expected_resolution(text);
    req.mutable_complaint()->set_building(text.substr(0, 20));
    iv1::SubmitComplaintResponse resp;
    grpc::Status s = Submit(token, req, &resp);
    ASSERT_TRUE(s.ok()) << text << ": " << s.error_message();
    iv1::Complaint back;
    ASSERT_TRUE(Get(token, resp.complaint().number(), &back).ok());
    EXPECT_EQ(back.input().description(), req.complaint().description());
    EXPECT_EQ(back.input().expected_resolution(), text);
  }
  EXPECT_EQ(stack_->service("intake").db->QueryScalar(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                "AND table_name IN ('complaints', 'outbox')"),
            "2");
}

TEST_F(SecurityE2e, AFloodFromOneCustomerIsRefused) {
  const std::string flooder = CustomerToken("C-FLOOD");
  int accepted = 0, refused = 0;
  for (int i = 0; i < kCustomerLimit + 3; ++i) {
    grpc::Status s = Submit(flooder, AppComplaint(absl::StrCat("flood-", i), "13700001234"));
    if (s.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
      EXPECT_TRUE(absl::StartsWith(s.error_message(), "rate limit:")) << s.error_message();
      ++refused;
    }
  }
  EXPECT_EQ(accepted, kCustomerLimit);
  EXPECT_EQ(refused, 3);
  EXPECT_EQ(stack_->service("intake").db->QueryScalar(
                "SELECT COUNT(*) FROM complaints WHERE customer_id = 'C-FLOOD'"),
            absl::StrCat(kCustomerLimit));
  // Other customers are not held back by one customer's flood.
  EXPECT_TRUE(Submit(CustomerToken("C-CALM"), AppComplaint("calm-1", "13700005678")).ok());
}

// Last: it uses up this address's allowance (then moves time on to give it back).
TEST_F(SecurityE2e, ZZAFloodFromOneAddressIsRefused) {
  const std::string token = AgentToken();
  int refused = 0;
  // 100 over the allowance: the bucket refills at 400/min (~7/s) while these calls run, so
  // the count refused depends on speed; at least half the excess must be.
  for (int i = 0; i < kSourceLimit + 100; ++i) {
    R req = Complaint(absl::StrCat("source-flood-", i));
    req.mutable_complaint()->clear_description();  // cheap: refused as invalid when admitted
    grpc::Status s = Submit(token, req);
    if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      EXPECT_TRUE(absl::StrContains(s.error_message(), "from this address")) << s.error_message();
      ++refused;
    }
  }
  EXPECT_GE(refused, 50);
  stack_->SetClockOffset(absl::Minutes(2));
  EXPECT_TRUE(Submit(token, Complaint("source-after")).ok());
}

}  // namespace
}  // namespace tousu
