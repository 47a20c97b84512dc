// The edge end to end: the whole stack with identity and the gateway as processes, authentication
// on, a customer over real HTTP (Connect JSON and gRPC-Web framing) and the staff over gRPC.
// Asserts what a frontend team meets: sign-in by SMS code and its limits, the customer's own
// complaints and nobody else's, their decision and their questionnaire answer recorded as theirs,
// and every refusal the gateway owes them (routes, origins, sizes, tokens, bad text).

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/identity/v1/identity.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/notification/v1/notification.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "tests/e2e/stack.h"
#include "tests/support/http_client.h"

namespace tousu::e2e {
namespace {

namespace chv1 = complaints::casehandling::v1;
namespace cv1 = complaints::common::v1;
namespace fv1 = complaints::followup::v1;
namespace nv1 = complaints::notification::v1;
namespace idv1 = complaints::identity::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
using testing::HttpCall;
using testing::HttpResult;

constexpr char kOrigin[] = "https://app.tousu.example";
constexpr char kIdentity[] = "/complaints.identity.v1.CustomerIdentityService/";
constexpr char kIntake[] = "/complaints.intake.v1.IntakeService/";

bool Eventually(const std::function<bool()>& check, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (check()) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return check();
}

// The value of "field":"..." in a JSON text (enough for the flat answers read here).
std::string JsonString(const std::string& json, const std::string& field) {
  std::smatch m;
  if (std::regex_search(json, m, std::regex("\"" + field + "\"\\s*:\\s*\"([^\"]*)\""))) {
    return m[1];
  }
  return "";
}

// A gRPC-Web body: one data frame (flag 0, big-endian length) holding the message.
std::string GrpcWebFrame(const google::protobuf::Message& message) {
  const std::string bytes = message.SerializeAsString();
  std::string frame(5, '\0');
  const uint32_t n = bytes.size();
  frame[1] = static_cast<char>(n >> 24);
  frame[2] = static_cast<char>(n >> 16);
  frame[3] = static_cast<char>(n >> 8);
  frame[4] = static_cast<char>(n);
  return frame + bytes;
}

struct GrpcWebAnswer {
  std::string message;   // the data frame's payload
  std::string trailers;  // the trailers frame's text ("grpc-status: 0\r\n...")
  int grpc_status = -1;
};

GrpcWebAnswer ParseGrpcWeb(const std::string& body) {
  GrpcWebAnswer answer;
  size_t at = 0;
  while (at + 5 <= body.size()) {
    const auto flag = static_cast<unsigned char>(body[at]);
    const uint32_t n = (static_cast<unsigned char>(body[at + 1]) << 24) |
                       (static_cast<unsigned char>(body[at + 2]) << 16) |
                       (static_cast<unsigned char>(body[at + 3]) << 8) |
                       static_cast<unsigned char>(body[at + 4]);
    const std::string payload = body.substr(at + 5, n);
    if (flag & 0x80) {
      answer.trailers = payload;
    } else {
      answer.message = payload;
    }
    at += 5 + n;
  }
  std::smatch m;
  if (std::regex_search(answer.trailers, m, std::regex("grpc-status:\\s*(\\d+)"))) {
    answer.grpc_status = std::stoi(m[1]);
  }
  return answer;
}

class EdgeE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack();
    stack_->EnableEdge(kOrigin);
    stack_->Set("gateway", "MAX_BODY_BYTES", "65536");
    stack_->Start();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override {
    auto channel = [](const std::string& name) {
      return grpc::CreateChannel(stack_->service(name).address(),
                                 grpc::InsecureChannelCredentials());
    };
    intake_ = iv1::IntakeService::NewStub(channel("intake"));
    routing_ = rv1::RoutingService::NewStub(channel("routing"));
    cases_ = chv1::CaseService::NewStub(channel("case-handling"));
    followup_ = fv1::FollowUpService::NewStub(channel("follow-up"));
    notifications_ = nv1::NotificationService::NewStub(channel("notification"));
  }

  int port() const { return stack_->gateway_http_port(); }

  HttpResult Connect(const std::string& path, const std::string& json,
                     const std::string& token = "") {
    HttpCall call;
    call.target = path;
    call.headers = {{"Content-Type", "application/json"}, {"Origin", kOrigin}};
    if (!token.empty()) call.headers.push_back({"Authorization", "Bearer " + token});
    call.body = json;
    return testing::SendHttp(port(), call);
  }

  HttpResult GrpcWeb(const std::string& path, const google::protobuf::Message& request,
                     const std::string& token = "") {
    HttpCall call;
    call.target = path;
    call.headers = {{"Content-Type", "application/grpc-web+proto"}, {"X-Grpc-Web", "1"}};
    if (!token.empty()) call.headers.push_back({"Authorization", "Bearer " + token});
    call.body = GrpcWebFrame(request);
    return testing::SendHttp(port(), call);
  }

  // The latest code the development SMS sender wrote for `phone`.
  static std::string SmsCode(const std::string& phone) {
    std::ifstream in(stack_->sms_outbox());
    std::string line, code;
    while (std::getline(in, line)) {
      if (JsonString(line, "phone") == phone) code = JsonString(line, "code");
    }
    return code;
  }

  // Signs `phone` in through the gateway (Connect JSON); the customer's access token.
  std::string SignIn(const std::string& phone) {
    HttpResult sent = Connect(absl::StrCat(kIdentity, "RequestSignInCode"),
                              absl::StrCat(R"({"phone":")", phone, R"("})"));
    EXPECT_EQ(sent.status, 200) << sent.body;
    const std::string code = SmsCode(phone);
    EXPECT_EQ(code.size(), 6u) << "no code in " << stack_->sms_outbox();
    HttpResult signed_in =
        Connect(absl::StrCat(kIdentity, "SignIn"),
                absl::StrCat(R"({"phone":")", phone, R"(","code":")", code, R"("})"));
    EXPECT_EQ(signed_in.status, 200) << signed_in.body;
    return JsonString(signed_in.body, "accessToken");
  }

  static std::string ComplaintJson(const std::string& request_id, const std::string& phone) {
    return absl::StrCat(R"({"requestId":")", request_id, R"(","complaint":{)",
                        R"("customerName":"陈美玲","customerPhone":")", phone, R"(",)",
                        R"("project":"翠湖花园","building":"3栋","unit":"1202",)",
                        R"("description":"卫生间天花板漏水，墙面大面积渗水发霉，请尽快派人维修",)",
                        R"("occurredAt":"2026-11-30T02:00:00Z","severity":"SEVERITY_HIGH",)",
                        R"("expectedResolution":"尽快上门检修","channel":"CHANNEL_APP",)",
                        R"("journeyStage":"JOURNEY_STAGE_PROPERTY_SERVICE"}})");
  }

  std::unique_ptr<grpc::ClientContext> Staff() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", "Bearer " + stack_->Token("S0001", auth::role::kSupervisor));
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  // The department's side up to a proposed solution: routed, acknowledged, inspected, proposed.
  void StaffProposeSolution(const std::string& number) {
    ASSERT_TRUE(Eventually([&] {
      iv1::GetComplaintRequest req;
      req.set_number(number);
      iv1::GetComplaintResponse resp;
      return intake_->GetComplaint(Staff().get(), req, &resp).ok() &&
             resp.complaint().status() == iv1::COMPLAINT_STATUS_ROUTED;
    })) << number
        << " was not routed";
    rv1::AcknowledgeAssignmentRequest ack;
    ack.set_number(number);
    ack.set_department_id("engineering");
    ack.set_owner_staff_id("S0018");
    rv1::AcknowledgeAssignmentResponse acked;
    auto s = routing_->AcknowledgeAssignment(Staff().get(), ack, &acked);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_TRUE(Eventually([&] {
      chv1::GetCaseRequest req;
      req.set_number(number);
      chv1::GetCaseResponse resp;
      return cases_->GetCase(Staff().get(), req, &resp).ok();
    })) << "no case opened for "
        << number;
    chv1::AttachInspectionReportRequest inspect;
    inspect.set_number(number);
    inspect.set_inspector_staff_id("S0019");
    inspect.set_cause("屋面防水层老化开裂，雨水沿管井渗入");
    inspect.set_severity(cv1::SEVERITY_HIGH);
    inspect.set_findings("卫生间顶板含水率超标");
    inspect.set_recommended_repair("重做屋面防水");
    chv1::AttachInspectionReportResponse inspected;
    cases_->AttachInspectionReport(Staff().get(), inspect, &inspected);  // quality cases need it
    chv1::ProposeSolutionRequest propose;
    propose.set_number(number);
    propose.set_staff_id("S0018");
    propose.set_solution("重做屋面防水并修复墙面");
    propose.add_planned_actions("重做屋面防水");
    time::ToProto(absl::Now() + absl::Hours(24 * 30), propose.mutable_planned_completion());
    chv1::ProposeSolutionResponse proposed;
    s = cases_->ProposeSolution(Staff().get(), propose, &proposed);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void StaffCarryOutAndResolve(const std::string& number) {
    chv1::RecordImplementationProgressRequest progress;
    progress.set_number(number);
    progress.set_staff_id("S0018");
    progress.set_note("防水层施工完成，闭水试验通过");
    chv1::RecordImplementationProgressResponse progressed;
    auto s = cases_->RecordImplementationProgress(Staff().get(), progress, &progressed);
    ASSERT_TRUE(s.ok()) << s.error_message();
    chv1::ResolveCaseRequest resolve;
    resolve.set_number(number);
    resolve.set_staff_id("S0018");
    resolve.set_result("屋面防水已重做，墙面修复完毕");
    chv1::ResolveCaseResponse resolved;
    s = cases_->ResolveCase(Staff().get(), resolve, &resolved);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_TRUE(Eventually([&] {
      fv1::GetFollowUpRequest req;
      req.set_number(number);
      fv1::GetFollowUpResponse resp;
      return followup_->GetFollowUp(Staff().get(), req, &resp).ok() &&
             !resp.follow_up().callbacks().empty() &&
             resp.follow_up().callbacks(resp.follow_up().callbacks_size() - 1).status() ==
                 fv1::CALLBACK_STATUS_SCHEDULED;
    })) << "no callback scheduled for "
        << number;
  }

  chv1::Case CaseFile(const std::string& number) {
    chv1::GetCaseRequest req;
    req.set_number(number);
    chv1::GetCaseResponse resp;
    cases_->GetCase(Staff().get(), req, &resp);
    return resp.case_file();
  }

  // The tracker of `number`'s case tells the customer how it is going (a routine update).
  void TrackerReportsProgress(const std::string& number) {
    fv1::GetFollowUpResponse follow_up;
    ASSERT_TRUE(Eventually([&] {
      fv1::GetFollowUpRequest req;
      req.set_number(number);
      return followup_->GetFollowUp(Staff().get(), req, &follow_up).ok() &&
             !follow_up.follow_up().tracker_staff_id().empty();
    })) << "no tracker for "
        << number;
    const std::string tracker = follow_up.follow_up().tracker_staff_id();
    fv1::RecordProgressUpdateRequest update;
    update.set_number(number);
    update.set_tracker_staff_id(tracker);
    update.set_summary("已联系防水施工队，下周一进场");
    fv1::RecordProgressUpdateResponse recorded;
    grpc::ClientContext ctx;
    // Trackers belong to the complaint office (customer-service in the seed directory).
    ctx.AddMetadata("authorization",
                    "Bearer " + stack_->Token(tracker, auth::role::kTracker, "customer-service"));
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto s = followup_->RecordProgressUpdate(&ctx, update, &recorded);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Operations' view of `number`'s deliveries of `kind` by `channel` in `state` (the service
  // token asks).
  std::vector<nv1::Delivery> Deliveries(const std::string& number, const std::string& kind,
                                        nv1::Channel channel, nv1::DeliveryState state) {
    nv1::ListDeliveriesRequest req;
    req.set_state(state);
    req.set_limit(500);
    nv1::ListDeliveriesResponse resp;
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + stack_->Token("ops", auth::role::kManager));
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    std::vector<nv1::Delivery> out;
    if (!notifications_->ListDeliveries(&ctx, req, &resp).ok()) return out;
    for (const auto& d : resp.deliveries()) {
      if (d.number() == number && d.kind() == kind && d.channel() == channel) out.push_back(d);
    }
    return out;
  }

  static Stack* stack_;
  std::unique_ptr<iv1::IntakeService::Stub> intake_;
  std::unique_ptr<rv1::RoutingService::Stub> routing_;
  std::unique_ptr<chv1::CaseService::Stub> cases_;
  std::unique_ptr<fv1::FollowUpService::Stub> followup_;
  std::unique_ptr<nv1::NotificationService::Stub> notifications_;
};
Stack* EdgeE2e::stack_ = nullptr;

TEST_F(EdgeE2e, ACustomersWholePathInConnectJson) {
  const std::string phone = "13811110001";
  const std::string token = SignIn(phone);
  ASSERT_FALSE(token.empty());

  HttpResult submitted =
      Connect(absl::StrCat(kIntake, "SubmitComplaint"), ComplaintJson("edge-json-1", phone), token);
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  const std::string number = JsonString(submitted.body, "number");
  ASSERT_TRUE(absl::StartsWith(number, "TS-")) << submitted.body;
  EXPECT_EQ(submitted.Header("access-control-allow-origin"), kOrigin);

  HttpResult mine = Connect(absl::StrCat(kIntake, "ListComplaints"), "{}", token);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_NE(mine.body.find(number), std::string::npos) << mine.body;

  HttpResult got =
      Connect(absl::StrCat(kIntake, "GetComplaint"), R"({"number":")" + number + R"("})", token);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_NE(got.body.find("TIMELINE_EVENT_TYPE_RECEIVED"), std::string::npos) << got.body;

  // The app's notices: the receipt, in the customer's own list (the system told them itself).
  const std::string kNotices = "/complaints.notification.v1.NotificationService/";
  ASSERT_TRUE(Eventually([&] {
    HttpResult notices = Connect(absl::StrCat(kNotices, "ListMyNotices"), "{}", token);
    if (notices.status == 200 &&
        notices.body.find("您的投诉已登记，编号 " + number) != std::string::npos) {
      return true;
    }
    absl::SleepFor(absl::Seconds(1));  // well inside the per-customer rate limit
    return false;
  })) << Connect(absl::StrCat(kNotices, "ListMyNotices"), "{}", token).body;
  // Another customer sees none of them.
  const std::string stranger = SignIn("13811110009");
  HttpResult theirs = Connect(absl::StrCat(kNotices, "ListMyNotices"), "{}", stranger);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(theirs.body.find(number), std::string::npos) << theirs.body;
  // How they want to be told: only what the policy requires, by SMS.
  HttpResult chosen =
      Connect(absl::StrCat(kNotices, "SetMyPreferences"),
              R"({"preferences":{"channels":["CHANNEL_SMS"],"essentialOnly":true}})", token);
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  HttpResult kept = Connect(absl::StrCat(kNotices, "GetMyPreferences"), "{}", token);
  EXPECT_NE(kept.body.find(R"("essentialOnly":true)"), std::string::npos) << kept.body;
  EXPECT_EQ(kept.body.find("CHANNEL_EMAIL"), std::string::npos) << kept.body;
  HttpResult bad = Connect(absl::StrCat(kNotices, "SetMyPreferences"),
                           R"({"preferences":{"channels":["CHANNEL_WEBHOOK"]}})", token);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("preferences.channels[0]"), std::string::npos) << bad.body;

  ASSERT_NO_FATAL_FAILURE(StaffProposeSolution(number));
  // Essential notices only: the tracker's routine progress update is not sent by SMS (the app
  // keeps it), while the solution, which the policy requires, is (this stack has no SMS provider,
  // so it waits in line).
  ASSERT_NO_FATAL_FAILURE(TrackerReportsProgress(number));
  std::vector<nv1::Delivery> progress_sms;
  EXPECT_TRUE(Eventually([&] {
    progress_sms = Deliveries(number, "progress", nv1::CHANNEL_SMS, nv1::DELIVERY_STATE_SUPPRESSED);
    return !progress_sms.empty();
  })) << "the progress SMS was not suppressed";
  if (!progress_sms.empty()) {
    EXPECT_EQ(progress_sms.front().suppressed_reason(), "opted_out");
  }
  EXPECT_EQ(
      Deliveries(number, "solution_proposed", nv1::CHANNEL_SMS, nv1::DELIVERY_STATE_PENDING).size(),
      1u);
  EXPECT_TRUE(Eventually([&] {
    HttpResult notices = Connect(absl::StrCat(kNotices, "ListMyNotices"), "{}", token);
    if (notices.body.find("跟进人员已更新处理进展") != std::string::npos) {
      return true;
    }
    absl::SleepFor(absl::Seconds(1));
    return false;
  })) << "the app keeps the progress notice: "
      << Connect(absl::StrCat(kNotices, "ListMyNotices"), "{}", token).body;
  HttpResult decided =
      Connect("/complaints.casehandling.v1.CaseService/RecordCustomerDecision",
              R"({"number":")" + number + R"(","decision":"CUSTOMER_DECISION_ACCEPTED"})", token);
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(CaseFile(number).state(), chv1::CASE_STATE_IMPLEMENTING);

  ASSERT_NO_FATAL_FAILURE(StaffCarryOutAndResolve(number));
  HttpResult answered = Connect(
      "/complaints.followup.v1.FollowUpService/SubmitQuestionnaire",
      R"({"number":")" + number + R"(","satisfaction":5,"comments":"修得很快，谢谢"})", token);
  ASSERT_EQ(answered.status, 200) << answered.body;
  ASSERT_TRUE(Eventually([&] {
    HttpResult now =
        Connect(absl::StrCat(kIntake, "GetComplaint"), R"({"number":")" + number + R"("})", token);
    return now.body.find("COMPLAINT_STATUS_CLOSED") != std::string::npos;
  })) << "a satisfied customer's complaint closes";
}

TEST_F(EdgeE2e, TheSameCallsInGrpcWebFraming) {
  const std::string phone = "13811110002";
  idv1::RequestSignInCodeRequest ask;
  ask.set_phone(phone);
  HttpResult sent = GrpcWeb(absl::StrCat(kIdentity, "RequestSignInCode"), ask);
  ASSERT_EQ(sent.status, 200);
  ASSERT_EQ(ParseGrpcWeb(sent.body).grpc_status, 0) << ParseGrpcWeb(sent.body).trailers;
  idv1::SignInRequest sign_in;
  sign_in.set_phone(phone);
  sign_in.set_code(SmsCode(phone));
  GrpcWebAnswer signed_in = ParseGrpcWeb(GrpcWeb(absl::StrCat(kIdentity, "SignIn"), sign_in).body);
  ASSERT_EQ(signed_in.grpc_status, 0) << signed_in.trailers;
  idv1::SignInResponse session;
  ASSERT_TRUE(session.ParseFromString(signed_in.message));
  const std::string token = session.access_token();

  iv1::SubmitComplaintRequest submit;
  submit.set_request_id("edge-grpc-web-1");
  auto* c = submit.mutable_complaint();
  c->set_customer_name("李雷");
  c->set_customer_phone(phone);
  c->set_project("翠湖花园");
  c->set_building("5栋");
  c->set_unit("801");
  c->set_description("卫生间天花板漏水，墙面渗水发霉，请尽快派人维修");
  time::ToProto(absl::Now() - absl::Hours(5), c->mutable_occurred_at());
  c->set_severity(cv1::SEVERITY_HIGH);
  c->set_expected_resolution("尽快上门检修");
  c->set_channel(cv1::CHANNEL_APP);
  c->set_journey_stage(cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
  GrpcWebAnswer submitted =
      ParseGrpcWeb(GrpcWeb(absl::StrCat(kIntake, "SubmitComplaint"), submit, token).body);
  ASSERT_EQ(submitted.grpc_status, 0) << submitted.trailers;
  iv1::SubmitComplaintResponse filed;
  ASSERT_TRUE(filed.ParseFromString(submitted.message));
  const std::string number = filed.complaint().number();

  iv1::ListComplaintsRequest list;
  GrpcWebAnswer listed =
      ParseGrpcWeb(GrpcWeb(absl::StrCat(kIntake, "ListComplaints"), list, token).body);
  ASSERT_EQ(listed.grpc_status, 0) << listed.trailers;
  iv1::ListComplaintsResponse mine;
  ASSERT_TRUE(mine.ParseFromString(listed.message));
  ASSERT_EQ(mine.complaints_size(), 1);
  EXPECT_EQ(mine.complaints(0).number(), number);

  ASSERT_NO_FATAL_FAILURE(StaffProposeSolution(number));
  chv1::RecordCustomerDecisionRequest reject;
  reject.set_number(number);
  reject.set_decision(chv1::CUSTOMER_DECISION_REJECTED);
  reject.set_reason("只修补不够，要求整体重新铺贴");
  GrpcWebAnswer rejected = ParseGrpcWeb(
      GrpcWeb("/complaints.casehandling.v1.CaseService/RecordCustomerDecision", reject, token)
          .body);
  ASSERT_EQ(rejected.grpc_status, 0) << rejected.trailers;
  EXPECT_EQ(CaseFile(number).state(), chv1::CASE_STATE_INVESTIGATING)
      << "a rejection asks the department for a revised solution";

  // The same in base64 text framing (grpc-web-text).
  iv1::GetComplaintRequest get;
  get.set_number(number);
  HttpCall call;
  call.target = absl::StrCat(kIntake, "GetComplaint");
  call.headers = {{"Content-Type", "application/grpc-web-text"},
                  {"Authorization", "Bearer " + token}};
  call.body = absl::Base64Escape(GrpcWebFrame(get));
  HttpResult text = testing::SendHttp(port(), call);
  ASSERT_EQ(text.status, 200);
  std::string raw;
  ASSERT_TRUE(absl::Base64Unescape(text.body, &raw)) << text.body;
  GrpcWebAnswer got = ParseGrpcWeb(raw);
  ASSERT_EQ(got.grpc_status, 0) << got.trailers;
  iv1::GetComplaintResponse complaint;
  ASSERT_TRUE(complaint.ParseFromString(got.message));
  EXPECT_EQ(complaint.complaint().number(), number);
  EXPECT_GE(complaint.complaint().timeline_size(), 2);
}

TEST_F(EdgeE2e, AnotherCustomersComplaintAnswersLikeANumberNeverIssued) {
  const std::string owner = SignIn("13811110003");
  HttpResult submitted = Connect(absl::StrCat(kIntake, "SubmitComplaint"),
                                 ComplaintJson("edge-owner-1", "13811110003"), owner);
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  const std::string number = JsonString(submitted.body, "number");
  ASSERT_NO_FATAL_FAILURE(StaffProposeSolution(number));

  const std::string stranger = SignIn("13811110004");
  const std::string unissued = "TS-209901-999999";
  for (const std::string& path :
       {absl::StrCat(kIntake, "GetComplaint"),
        std::string("/complaints.casehandling.v1.CaseService/RecordCustomerDecision")}) {
    const std::string extra =
        absl::StrContains(path, "Decision") ? R"(,"decision":"CUSTOMER_DECISION_ACCEPTED")" : "";
    HttpResult theirs = Connect(path, R"({"number":")" + number + "\"" + extra + "}", stranger);
    HttpResult none = Connect(path, R"({"number":")" + unissued + "\"" + extra + "}", stranger);
    EXPECT_EQ(theirs.status, 404) << path << ": " << theirs.body;
    EXPECT_EQ(JsonString(theirs.body, "code"), "not_found") << theirs.body;
    // The same words, but for the number the caller sent.
    EXPECT_EQ(absl::StrReplaceAll(JsonString(theirs.body, "message"), {{number, "N"}}),
              absl::StrReplaceAll(JsonString(none.body, "message"), {{unissued, "N"}}))
        << path << ": the answer must not tell that " << number << " exists";
  }
  HttpResult listed = Connect(absl::StrCat(kIntake, "ListComplaints"), "{}", stranger);
  EXPECT_EQ(listed.body.find(number), std::string::npos) << listed.body;
  EXPECT_EQ(CaseFile(number).state(), chv1::CASE_STATE_AWAITING_DECISION)
      << "the stranger's decision changed nothing";
}

TEST_F(EdgeE2e, SignInLimitsHoldOverHttp) {
  const std::string phone = "13811110005";
  ASSERT_EQ(
      Connect(absl::StrCat(kIdentity, "RequestSignInCode"), R"({"phone":")" + phone + "\"}").status,
      200);
  HttpResult again =
      Connect(absl::StrCat(kIdentity, "RequestSignInCode"), R"({"phone":")" + phone + "\"}");
  EXPECT_EQ(again.status, 429) << again.body;
  EXPECT_EQ(JsonString(again.body, "code"), "resource_exhausted");
  const std::string right = SmsCode(phone);
  const std::string wrong = right == "000000" ? "111111" : "000000";
  HttpResult last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    last = Connect(absl::StrCat(kIdentity, "SignIn"),
                   R"({"phone":")" + phone + R"(","code":")" + wrong + "\"}");
    EXPECT_NE(last.status, 200);
  }
  HttpResult too_late = Connect(absl::StrCat(kIdentity, "SignIn"),
                                R"({"phone":")" + phone + R"(","code":")" + right + "\"}");
  EXPECT_NE(too_late.status, 200) << "five wrong codes end the code: " << too_late.body;
  EXPECT_EQ(JsonString(too_late.body, "accessToken"), "");
}

TEST_F(EdgeE2e, RefusalsAFrontendTeamMeets) {
  const std::string token = SignIn("13811110006");
  // Every RPC of every service that the allow-list does not name is unreachable, like a route
  // that does not exist.
  std::set<std::string> public_rpcs;
  std::ifstream list(std::string(TOUSU_SOURCE_DIR) + "/deploy/gateway/public-rpcs.txt");
  for (std::string line; std::getline(list, line);) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (!parts.empty() && parts[0][0] != '#') public_rpcs.insert("/" + parts[0]);
  }
  ASSERT_GE(public_rpcs.size(), 7u);
  int refused = 0;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* service :
       {"complaints.intake.v1.IntakeService", "complaints.routing.v1.RoutingService",
        "complaints.casehandling.v1.CaseService", "complaints.followup.v1.FollowUpService",
        "complaints.analytics.v1.AnalyticsService", "complaints.staff.v1.StaffService",
        "complaints.notification.v1.NotificationService", "complaints.common.v1.EventSink",
        "complaints.common.v1.AuditTrail", "grpc.health.v1.Health"}) {
    const auto* descriptor = pool->FindServiceByName(service);
    if (descriptor == nullptr) continue;  // not linked into this test: covered by name below
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const std::string path = absl::StrCat("/", service, "/", descriptor->method(i)->name());
      if (public_rpcs.count(path)) continue;
      HttpResult r = Connect(path, "{}", token);
      EXPECT_EQ(r.status, 404) << path;
      EXPECT_EQ(JsonString(r.body, "code"), "unimplemented") << path;
      ++refused;
    }
  }
  EXPECT_GT(refused, 20);
  for (const char* path : {"/complaints.common.v1.EventSink/DeliverEvent",
                           "/complaints.common.v1.AuditTrail/ListAuditEntries",
                           "/complaints.staff.v1.AssessmentService/RunAssessment",
                           "/complaints.notification.v1.NotificationService/ListDeliveries",
                           "/complaints.notification.v1.NotificationService/RetryDelivery", "/nope",
                           "/complaints.intake.v1.IntakeService/NoSuchMethod"}) {
    EXPECT_EQ(Connect(path, "{}", token).status, 404) << path;
  }

  // CORS: the configured origin's preflight is answered, another origin's is refused.
  HttpCall preflight;
  preflight.method = "OPTIONS";
  preflight.target = absl::StrCat(kIntake, "ListComplaints");
  preflight.headers = {{"Origin", kOrigin},
                       {"Access-Control-Request-Method", "POST"},
                       {"Access-Control-Request-Headers", "authorization,content-type"}};
  HttpResult allowed = testing::SendHttp(port(), preflight);
  EXPECT_EQ(allowed.status, 204);
  EXPECT_EQ(allowed.Header("access-control-allow-origin"), kOrigin);
  preflight.headers[0].second = "https://evil.example";
  HttpResult other = testing::SendHttp(port(), preflight);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.Header("access-control-allow-origin"), "");

  // A body over the limit; malformed JSON, named where protobuf names the field.
  // Far more than the socket buffers hold: the client is still writing when the answer comes.
  HttpResult oversize =
      Connect(absl::StrCat(kIntake, "SubmitComplaint"), std::string(2 << 20, ' ') + "{}", token);
  EXPECT_EQ(oversize.status, 413) << oversize.error;
  HttpResult malformed = Connect(absl::StrCat(kIntake, "GetComplaint"), R"({"number": 42})", token);
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_EQ(JsonString(malformed.body, "code"), "invalid_argument");
  EXPECT_NE(JsonString(malformed.body, "message").find("number"), std::string::npos)
      << malformed.body;

  // Tokens: none, expired, forged.
  EXPECT_EQ(Connect(absl::StrCat(kIntake, "ListComplaints"), "{}").status, 401);
  const std::string expired =
      stack_->Token("C-EXPIRED", auth::role::kCustomer, "", [](auth::TokenClaims& c) {
        c.issued_at = absl::Now() - absl::Hours(3);
        c.lifetime = absl::Hours(1);
      });
  EXPECT_EQ(Connect(absl::StrCat(kIntake, "ListComplaints"), "{}", expired).status, 401);
  auto stranger_key = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
  ASSERT_TRUE(stranger_key.ok());
  auth::TokenClaims forged_claims;
  forged_claims.subject = "C-FORGED";
  forged_claims.role = auth::role::kCustomer;
  forged_claims.issued_at = absl::Now();
  forged_claims.kid = "e2e";
  auto forged = auth::MintToken(stranger_key->private_pem, forged_claims);
  ASSERT_TRUE(forged.ok());
  HttpResult refused_forged = Connect(absl::StrCat(kIntake, "ListComplaints"), "{}", *forged);
  EXPECT_EQ(refused_forged.status, 401);
  EXPECT_EQ(JsonString(refused_forged.body, "code"), "unauthenticated");
}

TEST_F(EdgeE2e, TextThatIsNotUtf8IsTheClientsErrorAndWritesNothing) {
  const std::string token = SignIn("13811110007");
  iv1::SubmitComplaintRequest submit;
  submit.set_request_id("edge-bad-utf8");
  auto* c = submit.mutable_complaint();
  c->set_customer_name("王\xff\xfe");  // GBK bytes from a misconfigured client
  c->set_customer_phone("13811110007");
  HttpCall call;
  call.target = absl::StrCat(kIntake, "SubmitComplaint");
  call.headers = {{"Content-Type", "application/proto"}, {"Authorization", "Bearer " + token}};
  call.body = submit.SerializeAsString();
  const std::string metrics_before =
      testing::HttpGet(stack_->service("intake").metrics_port, "/metrics");
  HttpResult r = testing::SendHttp(port(), call);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("UTF-8"), std::string::npos) << r.body;
  // Nothing filed.
  HttpResult mine = Connect(absl::StrCat(kIntake, "ListComplaints"), "{}", token);
  EXPECT_EQ(mine.body.find("TS-"), std::string::npos) << mine.body;
  // Counted as the client's error, at intake and at the gateway; no server error anywhere.
  const std::string intake_metrics =
      testing::HttpGet(stack_->service("intake").metrics_port, "/metrics");
  EXPECT_NE(intake_metrics, metrics_before);
  std::regex submit_invalid(
      "grpc_server_handled_total\\{[^}]*grpc_code=\"InvalidArgument\"[^}]*grpc_method="
      "\"SubmitComplaint\"[^}]*\\} [1-9]");
  EXPECT_TRUE(std::regex_search(intake_metrics, submit_invalid)) << intake_metrics;
  for (const char* server_error : {"Internal", "Unknown", "Unimplemented", "DataLoss"}) {
    std::regex counted(absl::StrCat("grpc_server_handled_total\\{[^}]*grpc_code=\"", server_error,
                                    "\"[^}]*\\} [1-9]"));
    EXPECT_FALSE(std::regex_search(intake_metrics, counted)) << server_error;
  }
  const std::string gateway_metrics =
      testing::HttpGet(stack_->service("gateway").metrics_port, "/metrics");
  EXPECT_TRUE(std::regex_search(gateway_metrics,
                                std::regex("tousu_gateway_http_requests_total\\{[^}]*code=\""
                                           "invalid_argument\"[^}]*\\} [1-9]")))
      << gateway_metrics;
  EXPECT_FALSE(std::regex_search(
      gateway_metrics,
      std::regex("tousu_gateway_http_requests_total\\{[^}]*code=\"(internal|unknown)\"")))
      << gateway_metrics;
}

}  // namespace
}  // namespace tousu::e2e
