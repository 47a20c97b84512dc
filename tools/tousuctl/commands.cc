#include "tools/tousuctl/commands.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/client/channel.h"
#include "common/client/outgoing_token.h"
#include "common/config/config.h"
#include "common/tls/tls.h"
#include "common/time/proto_time.h"
#include "complaints/analytics/v1/analytics.grpc.pb.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/common/v1/audit.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "complaints/staff/v1/assessment.grpc.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "tools/simulate/driver.h"
#include "tools/simulate/plan.h"
#include "tools/tousuctl/args.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/json.h"
#include "tools/tousuctl/render.h"
#include "tools/tousuctl/render_analytics.h"
#include "tools/tousuctl/render_audit.h"
#include "tools/tousuctl/render_staff.h"
#include "tools/tousuctl/strings.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {
namespace {

namespace av1 = complaints::analytics::v1;
namespace chv1 = complaints::casehandling::v1;
namespace cv1 = complaints::common::v1;
namespace fv1 = complaints::followup::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace sv1 = complaints::staff::v1;

// The local stack's addresses (deploy/stack.conf).
constexpr char kDefaultIntake[] = "127.0.0.1:7101";
constexpr char kDefaultRouting[] = "127.0.0.1:7102";
constexpr char kDefaultCase[] = "127.0.0.1:7103";
constexpr char kDefaultFollowUp[] = "127.0.0.1:7104";
constexpr char kDefaultAnalytics[] = "127.0.0.1:7105";
constexpr char kDefaultStaff[] = "127.0.0.1:7106";
constexpr size_t kAny = std::numeric_limits<size_t>::max();
// --all stops after this many pages (200 per page at most): a guard against a server that
// keeps answering with a token.
constexpr int kMaxPages = 1000;

struct Options {
  std::string intake;
  std::string routing;
  std::string staff;
  std::string case_handling;
  std::string followup;
  std::string analytics;
  absl::Duration timeout = absl::Seconds(5);
  bool json = false;
  bool show_personal_data = false;
};

struct Call {
  const ParsedArgs& args;
  Options options;
  std::ostream& out;
  std::ostream& err;
  const Environment& env;
  std::string verb;
  // A "-" value already took standard input (it can be read once).
  bool stdin_taken = false;
};

using Handler = int (*)(Call&);

struct Verb {
  std::string name{};         // "ack", "staff list"
  std::string group{};        // heading in `tousuctl help`
  std::string usage_args{};   // "NUMBER"
  std::string summary{};      // one line
  std::string description{};  // paragraphs for `VERB --help`
  std::vector<FlagSpec> flags{};
  size_t min_args = 0;
  size_t max_args = 0;
  std::vector<std::string> examples{};
  Handler run = nullptr;
};

// --- Shared pieces ------------------------------------------------------------------------------

std::vector<FlagSpec> GlobalFlags() {
  return {
      {.name = "intake",
       .value_name = "HOST:PORT",
       .help = absl::StrCat("intake service (env TOUSU_CTL_INTAKE_ADDR, default ", kDefaultIntake,
                            ")")},
      {.name = "routing",
       .value_name = "HOST:PORT",
       .help = absl::StrCat("routing service (env TOUSU_CTL_ROUTING_ADDR, default ",
                            kDefaultRouting, ")")},
      {.name = "case",
       .value_name = "HOST:PORT",
       .help = absl::StrCat("case-handling service (env TOUSU_CTL_CASE_ADDR, default ",
                            kDefaultCase, ")")},
      {.name = "followup",
       .value_name = "HOST:PORT",
       .help = absl::StrCat("follow-up service (env TOUSU_CTL_FOLLOWUP_ADDR, default ",
                            kDefaultFollowUp, ")")},
      {.name = "analytics",
       .value_name = "HOST:PORT",
       .help = absl::StrCat("analytics service (env TOUSU_CTL_ANALYTICS_ADDR, default ",
                            kDefaultAnalytics, ")")},
      {.name = "staff",
       .value_name = "HOST:PORT",
       .help = absl::StrCat("staff-assessment service (env TOUSU_CTL_STAFF_ADDR, default ",
                            kDefaultStaff, ")")},
      {.name = "timeout",
       .value_name = "DURATION",
       .help = "deadline of each call: 5s (default), 1500ms, 1m"},
      {.name = "token-file",
       .value_name = "FILE",
       .help = "your sign-in token, sent with every call (env TOUSU_CTL_TOKEN_FILE; tools/run "
               "writes development tokens under .local/run/tokens/)"},
      {.name = "json", .help = "print the response as JSON instead of a table"},
      {.name = "show-personal-data",
       .help = "show customers' names, phones and emails and staff phones and emails unmasked"},
      {.name = "help", .help = "explain the verb"},
  };
}

std::vector<FlagSpec> PageFlags(std::string_view what) {
  return {
      {.name = "page-size", .value_name = "N", .help = "1..200 per page (default 50)"},
      {.name = "page-token",
       .value_name = "TOKEN",
       .help = absl::StrCat("continue where the previous page of ", ToAbsl(what), " ended")},
      {.name = "all", .help = "fetch every page (one call per page)"},
  };
}

std::string Lower(std::string_view s) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(ToAbsl(s)));
}
std::string Upper(std::string_view s) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(ToAbsl(s)));
}

int UsageError(const Call& c, const absl::Status& s) {
  c.err << "tousuctl: " << s.message() << "\nRun 'tousuctl " << c.verb
        << " --help' for its arguments and flags.\n";
  return kExitUsage;
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::ABORTED ||
         code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::CANCELLED;
}

// "tousuctl: get: NOT_FOUND: ..." and, for an unreachable or slow service, where it was looked for.
int CallFailed(const Call& c, std::string_view service, std::string_view address,
               std::string_view flag, const grpc::Status& s) {
  c.err << "tousuctl: " << c.verb << ": " << CodeName(s.error_code()) << ": "
        << SanitizeLine(s.error_message()) << "\n";
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    c.err << "  (is the " << service << " service running at " << address << "? --" << flag
          << " or TOUSU_CTL_" << absl::AsciiStrToUpper(ToAbsl(flag)) << "_ADDR sets its address)\n";
  } else if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    c.err << "  (no answer from the " << service << " service at " << address << " within "
          << absl::FormatDuration(c.options.timeout) << "; --timeout sets the limit)\n";
  }
  return kExitCallFailed;
}

template <typename Stub, typename Req, typename Resp>
grpc::Status Invoke(const Call& c, Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                    const Req& request, Resp* response, const std::string& request_id = "") {
  auto context = client::NewCallContext(c.options.timeout, nullptr, request_id);
  return (stub.*method)(context.get(), request, response);
}

template <typename Service>
std::unique_ptr<typename Service::Stub> Connect(const std::string& address,
                                                const std::vector<std::string>& idempotent) {
  client::ChannelOptions options;
  for (const std::string& method : idempotent) {
    options.idempotent_methods.push_back(absl::StrCat(Service::service_full_name(), "/", method));
  }
  return Service::NewStub(client::MakeChannel(address, options));
}

std::unique_ptr<iv1::IntakeService::Stub> IntakeStub(const Call& c) {
  // SubmitComplaint is safe to repeat: the request id makes a repeat return the same complaint.
  return Connect<iv1::IntakeService>(c.options.intake,
                                     {"SubmitComplaint", "GetComplaint", "ListComplaints"});
}

std::unique_ptr<rv1::RoutingService::Stub> RoutingStub(const Call& c) {
  return Connect<rv1::RoutingService>(
      c.options.routing, {"ClassifyComplaint", "UpsertRoutingRule", "ListRoutingRules",
                          "GetAssignment", "ListDepartmentQueue", "ListSupervisorQueue"});
}

std::unique_ptr<sv1::StaffService::Stub> StaffStub(const Call& c) {
  return Connect<sv1::StaffService>(c.options.staff,
                                    {"GetDepartment", "ListDepartments", "GetStaff", "ListStaff"});
}

std::unique_ptr<chv1::CaseService::Stub> CaseStub(const Call& c) {
  // Every write here appends to the case's history: a blind retry could log a step twice.
  return Connect<chv1::CaseService>(c.options.case_handling, {"GetCase", "ListCases"});
}

std::unique_ptr<fv1::FollowUpService::Stub> FollowUpStub(const Call& c) {
  // Reassigning to the current tracker changes nothing, so ReassignTracker is safe to repeat.
  return Connect<fv1::FollowUpService>(c.options.followup,
                                       {"GetFollowUp", "ListDueTasks", "ReassignTracker"});
}

int IntakeFailed(const Call& c, const grpc::Status& s) {
  return CallFailed(c, "intake", c.options.intake, "intake", s);
}
int RoutingFailed(const Call& c, const grpc::Status& s) {
  return CallFailed(c, "routing", c.options.routing, "routing", s);
}
int StaffFailed(const Call& c, const grpc::Status& s) {
  return CallFailed(c, "staff-assessment", c.options.staff, "staff", s);
}
int CaseFailed(const Call& c, const grpc::Status& s) {
  return CallFailed(c, "case-handling", c.options.case_handling, "case", s);
}
int FollowUpFailed(const Call& c, const grpc::Status& s) {
  return CallFailed(c, "follow-up", c.options.followup, "followup", s);
}

// A write that is not safe to repeat failed in a way that leaves its outcome unknown: say how to
// find out before trying again.
int WriteFailed(const Call& c, const grpc::Status& s,
                int (*failed)(const Call&, const grpc::Status&), std::string_view check) {
  failed(c, s);
  if (Retryable(s.error_code())) {
    c.err << "  It may or may not have been recorded: check with '" << check
          << "' before running it again.\n";
  }
  return kExitCallFailed;
}

// Prints `message` as JSON, or as the table `render` makes.
template <typename M, typename F>
int Emit(const Call& c, const M& message, F render) {
  if (c.options.json) {
    c.out << ToJson(message);
  } else {
    c.out << render();
  }
  return kExitOk;
}

// Text given as a flag or argument; "-" reads standard input (to its end).
absl::StatusOr<std::string> TextValue(const Call& c, const std::string& value) {
  if (value != "-") return value;
  if (c.env.in == nullptr) return absl::InvalidArgumentError("standard input is not available");
  std::string text((std::istreambuf_iterator<char>(*c.env.in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// The text of a flag ("" when absent); "-" reads standard input, which only one flag (or argument)
// of a command may do.
absl::StatusOr<std::string> TextFlag(Call& c, std::string_view flag) {
  const std::string value = c.args.GetOr(flag, "");
  if (value != "-") return value;
  if (c.stdin_taken) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", ToAbsl(flag), " -: standard input was already read for another value"));
  }
  c.stdin_taken = true;
  return TextValue(c, value);
}

// "URI,TYPE,SHA256": split at the last two commas (a URI may hold commas itself).
absl::StatusOr<chv1::Attachment> ParseAttachment(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--attachment \"", ToAbsl(text), "\": ", ToAbsl(why), "; expected URI,MEDIA_TYPE,SHA256"));
  };
  const size_t last = text.rfind(',');
  if (last == std::string_view::npos || last == 0) return bad("missing its parts");
  const size_t middle = text.rfind(',', last - 1);
  if (middle == std::string_view::npos) return bad("missing its parts");
  chv1::Attachment a;
  a.set_uri(std::string(absl::StripAsciiWhitespace(ToAbsl(text.substr(0, middle)))));
  a.set_media_type(
      std::string(absl::StripAsciiWhitespace(ToAbsl(text.substr(middle + 1, last - middle - 1)))));
  a.set_sha256(absl::AsciiStrToLower(absl::StripAsciiWhitespace(ToAbsl(text.substr(last + 1)))));
  if (a.uri().empty()) return bad("the URI is empty");
  if (a.media_type().empty()) return bad("the media type is empty");
  if (a.sha256().size() != 64 || !std::all_of(a.sha256().begin(), a.sha256().end(), [](char ch) {
        return absl::ascii_isxdigit(static_cast<unsigned char>(ch));
      })) {
    return bad("the SHA-256 must be 64 hex digits");
  }
  return a;
}

absl::Status ReadAttachments(const Call& c,
                             google::protobuf::RepeatedPtrField<chv1::Attachment>* out) {
  for (const std::string& v : c.args.Values("attachment")) {
    auto a = ParseAttachment(v);
    if (!a.ok()) return a.status();
    *out->Add() = *std::move(a);
  }
  return absl::OkStatus();
}

absl::Status ReadPage(const Call& c, cv1::PageRequest* page) {
  auto size = c.args.Int("page-size", 1, 200);
  if (!size.ok()) return size.status();
  if (size->has_value()) page->set_page_size(**size);
  page->set_page_token(c.args.GetOr("page-token", ""));
  return absl::OkStatus();
}

// One page, or with --all every page merged into `out` (the repeated fields concatenated, no
// next-page token left).
template <typename Req, typename Resp, typename Fetch>
grpc::Status FetchPages(const Call& c, Req request, Resp* out, Fetch fetch) {
  const bool all = c.args.Has("all");
  for (int pages = 0; pages < kMaxPages; ++pages) {
    Resp page;
    grpc::Status s = fetch(request, &page);
    if (!s.ok()) return s;
    out->MergeFrom(page);
    if (!all || page.page().next_page_token().empty()) break;
    request.mutable_page()->set_page_token(page.page().next_page_token());
  }
  if (all) out->mutable_page()->clear_next_page_token();
  return grpc::Status::OK;
}

// --- Intake ---------------------------------------------------------------------------------

int RunSubmit(Call& c) {
  const ParsedArgs& a = c.args;
  iv1::SubmitComplaintRequest request;
  iv1::ComplaintInput* in = request.mutable_complaint();
  in->set_customer_name(a.GetOr("name", ""));
  in->set_customer_phone(std::string(absl::StripAsciiWhitespace(a.GetOr("phone", ""))));
  in->set_customer_email(std::string(absl::StripAsciiWhitespace(a.GetOr("email", ""))));
  in->set_project(a.GetOr("project", ""));
  in->set_building(a.GetOr("building", ""));
  in->set_unit(a.GetOr("unit", ""));
  auto description = TextValue(c, a.GetOr("description", ""));
  if (!description.ok()) return UsageError(c, description.status());
  in->set_description(*description);
  auto occurred = ParseInstant(a.GetOr("occurred-at", ""), "--occurred-at", c.env.now());
  if (!occurred.ok()) return UsageError(c, occurred.status());
  *in->mutable_occurred_at() = ToProto(*occurred);
  auto severity = ParseEnumAs<cv1::Severity>(a.GetOr("severity", ""), "--severity");
  if (!severity.ok()) return UsageError(c, severity.status());
  in->set_severity(*severity);
  in->set_expected_resolution(a.GetOr("expected", ""));
  auto channel = ParseEnumAs<cv1::Channel>(a.GetOr("channel", ""), "--channel");
  if (!channel.ok()) return UsageError(c, channel.status());
  in->set_channel(*channel);
  auto stage = ParseEnumAs<cv1::JourneyStage>(a.GetOr("stage", ""), "--stage");
  if (!stage.ok()) return UsageError(c, stage.status());
  in->set_journey_stage(*stage);
  in->set_recorded_by_staff_id(Upper(a.GetOr("recorded-by", "")));
  if (auto category = a.Get("category"); category.has_value()) {
    auto value = ParseEnumAs<cv1::Category>(*category, "--category");
    if (!value.ok()) return UsageError(c, value.status());
    in->set_staff_category(*value);
  }
  std::string request_id = std::string(absl::StripAsciiWhitespace(a.GetOr("request-id", "")));
  if (request_id.empty()) {
    request_id = c.env.new_request_id();
    // Before the call: if it times out, the id is what makes a safe retry possible.
    c.err << "request id: " << request_id << "\n";
  }
  request.set_request_id(request_id);

  auto stub = IntakeStub(c);
  iv1::SubmitComplaintResponse response;
  grpc::Status s =
      Invoke(c, *stub, &iv1::IntakeService::Stub::SubmitComplaint, request, &response, request_id);
  if (!s.ok()) {
    IntakeFailed(c, s);
    if (Retryable(s.error_code())) {
      c.err << "  The complaint may or may not have been recorded. Run the same command again with"
            << " --request-id " << request_id << ": a retry never records it twice.\n";
    }
    return kExitCallFailed;
  }
  if (!c.options.show_personal_data) {
    MaskComplaintInput(response.mutable_complaint()->mutable_input());
  }
  return Emit(c, response, [&] {
    const std::string& number = response.complaint().number();
    std::string head =
        response.replayed()
            ? absl::StrCat("Already recorded as ", number, " (request id ", request_id,
                           " was used before): nothing new was written.\n")
            : absl::StrCat("Recorded ", number, " (request id ", request_id, ").\n");
    return absl::StrCat(head, "\n", RenderComplaint(response.complaint(), c.env.now()));
  });
}

int RunGet(Call& c) {
  iv1::GetComplaintRequest request;
  request.set_number(Upper(c.args.positional[0]));
  iv1::GetComplaintResponse response;
  auto stub = IntakeStub(c);
  grpc::Status s = Invoke(c, *stub, &iv1::IntakeService::Stub::GetComplaint, request, &response);
  if (!s.ok()) return IntakeFailed(c, s);
  if (!c.options.show_personal_data) {
    MaskComplaintInput(response.mutable_complaint()->mutable_input());
  }
  return Emit(c, response, [&] { return RenderComplaint(response.complaint(), c.env.now()); });
}

int RunList(Call& c) {
  const ParsedArgs& a = c.args;
  iv1::ListComplaintsRequest request;
  request.set_customer_phone(std::string(absl::StripAsciiWhitespace(a.GetOr("phone", ""))));
  request.set_project(a.GetOr("project", ""));
  if (auto v = a.Get("status"); v.has_value()) {
    auto status = ParseEnumAs<iv1::ComplaintStatus>(*v, "--status");
    if (!status.ok()) return UsageError(c, status.status());
    request.set_status(*status);
  }
  if (auto v = a.Get("channel"); v.has_value()) {
    auto channel = ParseEnumAs<cv1::Channel>(*v, "--channel");
    if (!channel.ok()) return UsageError(c, channel.status());
    request.set_channel(*channel);
  }
  if (auto v = a.Get("from"); v.has_value()) {
    auto t = ParseInstant(*v, "--from", c.env.now());
    if (!t.ok()) return UsageError(c, t.status());
    *request.mutable_received_from() = ToProto(*t);
  }
  if (auto v = a.Get("to"); v.has_value()) {
    auto t = ParseInstant(*v, "--to", c.env.now());
    if (!t.ok()) return UsageError(c, t.status());
    *request.mutable_received_to() = ToProto(*t);
  }
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  auto stub = IntakeStub(c);
  iv1::ListComplaintsResponse response;
  grpc::Status s = FetchPages(c, request, &response, [&](const auto& req, auto* resp) {
    return Invoke(c, *stub, &iv1::IntakeService::Stub::ListComplaints, req, resp);
  });
  if (!s.ok()) return IntakeFailed(c, s);
  return Emit(c, response, [&] { return RenderComplaintList(response); });
}

// --- Routing --------------------------------------------------------------------------------

int RunClassify(Call& c) {
  std::string text = absl::StrJoin(c.args.positional, " ");
  auto value = TextValue(c, text);
  if (!value.ok()) return UsageError(c, value.status());
  if (absl::StripAsciiWhitespace(*value).empty()) {
    return UsageError(c, absl::InvalidArgumentError("classify needs the complaint's text"));
  }
  rv1::ClassifyComplaintRequest request;
  request.set_text(*value);
  rv1::ClassifyComplaintResponse response;
  auto stub = RoutingStub(c);
  grpc::Status s =
      Invoke(c, *stub, &rv1::RoutingService::Stub::ClassifyComplaint, request, &response);
  if (!s.ok()) return RoutingFailed(c, s);
  return Emit(c, response, [&] { return RenderClassification(response); });
}

int RunRules(Call& c) {
  rv1::ListRoutingRulesResponse response;
  auto stub = RoutingStub(c);
  grpc::Status s = Invoke(c, *stub, &rv1::RoutingService::Stub::ListRoutingRules,
                          rv1::ListRoutingRulesRequest(), &response);
  if (!s.ok()) return RoutingFailed(c, s);
  return Emit(c, response, [&] { return RenderRules(response); });
}

int RunRuleSet(Call& c) {
  auto category = ParseEnumAs<cv1::Category>(c.args.GetOr("category", ""), "--category");
  if (!category.ok()) return UsageError(c, category.status());
  rv1::UpsertRoutingRuleRequest request;
  rv1::RoutingRule* rule = request.mutable_rule();
  rule->set_category(*category);
  rule->set_project(c.args.GetOr("project", ""));
  rule->set_department_id(Lower(c.args.GetOr("department", "")));
  rv1::UpsertRoutingRuleResponse response;
  auto stub = RoutingStub(c);
  grpc::Status s =
      Invoke(c, *stub, &rv1::RoutingService::Stub::UpsertRoutingRule, request, &response);
  if (!s.ok()) return RoutingFailed(c, s);
  return Emit(c, response, [&] {
    rv1::ListRoutingRulesResponse one;
    *one.add_rules() = response.rule();
    return absl::StrCat("Saved.\n", RenderRules(one));
  });
}

int RunAssignment(Call& c) {
  rv1::GetAssignmentRequest request;
  request.set_number(Upper(c.args.positional[0]));
  rv1::GetAssignmentResponse response;
  auto stub = RoutingStub(c);
  grpc::Status s = Invoke(c, *stub, &rv1::RoutingService::Stub::GetAssignment, request, &response);
  if (!s.ok()) return RoutingFailed(c, s);
  return Emit(c, response, [&] { return RenderAssignment(response.assignment(), c.env.now()); });
}

int RunQueue(Call& c) {
  rv1::ListDepartmentQueueRequest request;
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  auto stub = RoutingStub(c);
  rv1::ListDepartmentQueueResponse response;
  grpc::Status s = FetchPages(c, request, &response, [&](const auto& req, auto* resp) {
    return Invoke(c, *stub, &rv1::RoutingService::Stub::ListDepartmentQueue, req, resp);
  });
  if (!s.ok()) return RoutingFailed(c, s);
  return Emit(c, response, [&] { return RenderDepartmentQueue(response, c.env.now()); });
}

int RunAck(Call& c) {
  rv1::AcknowledgeAssignmentRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  request.set_owner_staff_id(Upper(c.args.GetOr("owner", "")));
  rv1::AcknowledgeAssignmentResponse response;
  auto stub = RoutingStub(c);
  grpc::Status s =
      Invoke(c, *stub, &rv1::RoutingService::Stub::AcknowledgeAssignment, request, &response);
  if (!s.ok()) return RoutingFailed(c, s);
  return Emit(c, response, [&] {
    const rv1::Assignment& a = response.assignment();
    return absl::StrCat("Acknowledged ", a.number(), " for ", a.department_id(), ", owner ",
                        a.owner_staff_id(), a.acknowledged_on_time() ? " (on time)" : " (late)",
                        ".\n\n", RenderAssignment(a, c.env.now()));
  });
}

int RunReject(Call& c) {
  rv1::RejectAssignmentRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  request.set_staff_id(Upper(c.args.GetOr("staff", "")));
  auto reason = TextValue(c, c.args.GetOr("reason", ""));
  if (!reason.ok()) return UsageError(c, reason.status());
  request.set_reason(*reason);
  request.set_reroute_to_department_id(Lower(c.args.GetOr("reroute-to", "")));
  rv1::RejectAssignmentResponse response;
  auto stub = RoutingStub(c);
  grpc::Status s =
      Invoke(c, *stub, &rv1::RoutingService::Stub::RejectAssignment, request, &response);
  if (!s.ok()) return RoutingFailed(c, s);
  return Emit(c, response, [&] {
    const rv1::Assignment& a = response.assignment();
    std::string now_with = a.state() == rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR
                               ? std::string("a supervisor")
                               : absl::StrCat("department ", a.department_id());
    return absl::StrCat("Sent back ", a.number(), "; it is now with ", now_with, ".\n\n",
                        RenderAssignment(a, c.env.now()));
  });
}

int RunSupervisorQueue(Call& c) {
  rv1::ListSupervisorQueueRequest request;
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  auto stub = RoutingStub(c);
  rv1::ListSupervisorQueueResponse response;
  grpc::Status s = FetchPages(c, request, &response, [&](const auto& req, auto* resp) {
    return Invoke(c, *stub, &rv1::RoutingService::Stub::ListSupervisorQueue, req, resp);
  });
  if (!s.ok()) return RoutingFailed(c, s);
  return Emit(c, response, [&] { return RenderSupervisorQueue(response, c.env.now()); });
}

int RunAssign(Call& c) {
  rv1::AssignBySupervisorRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_supervisor_staff_id(Upper(c.args.GetOr("supervisor", "")));
  request.set_lead_department_id(Lower(c.args.GetOr("lead", "")));
  for (const std::string& d : c.args.List("assist")) request.add_assisting_department_ids(Lower(d));
  auto complex = c.args.Bool("complex");
  if (!complex.ok()) return UsageError(c, complex.status());
  request.set_complex(complex->value_or(false));
  rv1::AssignBySupervisorResponse response;
  auto stub = RoutingStub(c);
  grpc::Status s =
      Invoke(c, *stub, &rv1::RoutingService::Stub::AssignBySupervisor, request, &response);
  if (!s.ok()) return RoutingFailed(c, s);
  return Emit(c, response, [&] {
    const rv1::Assignment& a = response.assignment();
    std::string assisting;
    if (!a.assisting_department_ids().empty()) {
      assisting = absl::StrCat(", assisted by ", absl::StrJoin(a.assisting_department_ids(), ", "));
    }
    return absl::StrCat("Assigned ", a.number(), " to ", a.department_id(), assisting, ".\n\n",
                        RenderAssignment(a, c.env.now()));
  });
}

// --- Staff directory --------------------------------------------------------------------------

int RunStaffList(Call& c) {
  sv1::ListStaffRequest request;
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (auto v = c.args.Get("role"); v.has_value()) {
    auto role = ParseEnumAs<sv1::StaffRole>(*v, "--role");
    if (!role.ok()) return UsageError(c, role.status());
    request.set_role(*role);
  }
  auto active = c.args.Bool("active");
  if (!active.ok()) return UsageError(c, active.status());
  if (active->has_value()) request.set_active(**active);
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  auto stub = StaffStub(c);
  sv1::ListStaffResponse response;
  grpc::Status s = FetchPages(c, request, &response, [&](const auto& req, auto* resp) {
    return Invoke(c, *stub, &sv1::StaffService::Stub::ListStaff, req, resp);
  });
  if (!s.ok()) return StaffFailed(c, s);
  if (!c.options.show_personal_data) {
    for (sv1::Staff& staff : *response.mutable_staff()) MaskStaff(&staff);
  }
  return Emit(c, response, [&] { return RenderStaffList(response); });
}

int RunStaffGet(Call& c) {
  sv1::GetStaffRequest request;
  request.set_staff_id(Upper(c.args.positional[0]));
  sv1::GetStaffResponse response;
  auto stub = StaffStub(c);
  grpc::Status s = Invoke(c, *stub, &sv1::StaffService::Stub::GetStaff, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  if (!c.options.show_personal_data) MaskStaff(response.mutable_staff());
  return Emit(c, response, [&] { return RenderStaff(response.staff()); });
}

int RunDepartments(Call& c) {
  sv1::ListDepartmentsRequest request;
  if (auto v = c.args.Get("kind"); v.has_value()) {
    auto kind = ParseEnumAs<sv1::DepartmentKind>(*v, "--kind");
    if (!kind.ok()) return UsageError(c, kind.status());
    request.set_kind(*kind);
  }
  auto active = c.args.Bool("active");
  if (!active.ok()) return UsageError(c, active.status());
  if (active->has_value()) request.set_active(**active);
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  auto stub = StaffStub(c);
  sv1::ListDepartmentsResponse response;
  grpc::Status s = FetchPages(c, request, &response, [&](const auto& req, auto* resp) {
    return Invoke(c, *stub, &sv1::StaffService::Stub::ListDepartments, req, resp);
  });
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderDepartments(response); });
}

// --- Case handling ------------------------------------------------------------------------------

std::string CaseCheck(const std::string& number) {
  return absl::StrCat("tousuctl case get ", number);
}
std::string FollowUpCheck(const std::string& number) {
  return absl::StrCat("tousuctl follow-up get ", number);
}

int RunCaseGet(Call& c) {
  chv1::GetCaseRequest request;
  request.set_number(Upper(c.args.positional[0]));
  chv1::GetCaseResponse response;
  auto stub = CaseStub(c);
  grpc::Status s = Invoke(c, *stub, &chv1::CaseService::Stub::GetCase, request, &response);
  if (!s.ok()) return CaseFailed(c, s);
  return Emit(c, response, [&] { return RenderCase(response.case_file(), c.env.now()); });
}

int RunCaseList(Call& c) {
  chv1::ListCasesRequest request;
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  request.set_owner_staff_id(Upper(c.args.GetOr("owner", "")));
  if (auto v = c.args.Get("state"); v.has_value()) {
    auto state = ParseEnumAs<chv1::CaseState>(*v, "--state");
    if (!state.ok()) return UsageError(c, state.status());
    request.set_state(*state);
  }
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  auto stub = CaseStub(c);
  chv1::ListCasesResponse response;
  grpc::Status s = FetchPages(c, request, &response, [&](const auto& req, auto* resp) {
    return Invoke(c, *stub, &chv1::CaseService::Stub::ListCases, req, resp);
  });
  if (!s.ok()) return CaseFailed(c, s);
  return Emit(c, response, [&] { return RenderCaseList(response, c.env.now()); });
}

int RunInvestigate(Call& c) {
  chv1::AddInvestigationEntryRequest request;
  request.set_number(Upper(c.args.positional[0]));
  auto kind = ParseEnumAs<chv1::InvestigationKind>(c.args.GetOr("kind", ""), "--kind");
  if (!kind.ok()) return UsageError(c, kind.status());
  request.set_kind(*kind);
  request.set_author_staff_id(Upper(c.args.GetOr("by", "")));
  auto note = TextFlag(c, "note");
  if (!note.ok()) return UsageError(c, note.status());
  request.set_note(*note);
  if (auto st = ReadAttachments(c, request.mutable_attachments()); !st.ok()) {
    return UsageError(c, st);
  }
  chv1::AddInvestigationEntryResponse response;
  auto stub = CaseStub(c);
  grpc::Status s =
      Invoke(c, *stub, &chv1::CaseService::Stub::AddInvestigationEntry, request, &response);
  if (!s.ok()) return WriteFailed(c, s, CaseFailed, CaseCheck(request.number()));
  return Emit(c, response, [&] {
    return absl::StrCat("Logged investigation entry ", response.entry().id(), " on ",
                        request.number(), ".\n\n", RenderInvestigationEntry(response.entry()));
  });
}

int RunInspect(Call& c) {
  chv1::AttachInspectionReportRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_inspector_staff_id(Upper(c.args.GetOr("inspector", "")));
  auto severity = ParseEnumAs<cv1::Severity>(c.args.GetOr("severity", ""), "--severity");
  if (!severity.ok()) return UsageError(c, severity.status());
  request.set_severity(*severity);
  auto cause = TextFlag(c, "cause");
  if (!cause.ok()) return UsageError(c, cause.status());
  request.set_cause(*cause);
  auto findings = TextFlag(c, "findings");
  if (!findings.ok()) return UsageError(c, findings.status());
  request.set_findings(*findings);
  auto repair = TextFlag(c, "repair");
  if (!repair.ok()) return UsageError(c, repair.status());
  request.set_recommended_repair(*repair);
  if (auto st = ReadAttachments(c, request.mutable_attachments()); !st.ok()) {
    return UsageError(c, st);
  }
  chv1::AttachInspectionReportResponse response;
  auto stub = CaseStub(c);
  grpc::Status s =
      Invoke(c, *stub, &chv1::CaseService::Stub::AttachInspectionReport, request, &response);
  if (!s.ok()) return WriteFailed(c, s, CaseFailed, CaseCheck(request.number()));
  return Emit(c, response, [&] {
    return absl::StrCat("Attached inspection report ", response.report().id(), " to ",
                        request.number(), ".\n\n", RenderInspectionReport(response.report()));
  });
}

int RunContact(Call& c) {
  chv1::LogCustomerContactRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_staff_id(Upper(c.args.GetOr("by", "")));
  auto channel = ParseEnumAs<chv1::ContactChannel>(c.args.GetOr("channel", ""), "--channel");
  if (!channel.ok()) return UsageError(c, channel.status());
  request.set_channel(*channel);
  auto summary = TextFlag(c, "summary");
  if (!summary.ok()) return UsageError(c, summary.status());
  request.set_summary(*summary);
  chv1::LogCustomerContactResponse response;
  auto stub = CaseStub(c);
  grpc::Status s =
      Invoke(c, *stub, &chv1::CaseService::Stub::LogCustomerContact, request, &response);
  if (!s.ok()) return WriteFailed(c, s, CaseFailed, CaseCheck(request.number()));
  return Emit(c, response, [&] {
    return absl::StrCat("Logged contact ", response.contact().id(), " with the customer of ",
                        request.number(), " (it shows on the customer's timeline).\n\n",
                        RenderContact(response.contact()));
  });
}

int RunPropose(Call& c) {
  chv1::ProposeSolutionRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_staff_id(Upper(c.args.GetOr("by", "")));
  auto solution = TextFlag(c, "solution");
  if (!solution.ok()) return UsageError(c, solution.status());
  request.set_solution(*solution);
  for (const std::string& action : c.args.Values("action")) {
    if (absl::StripAsciiWhitespace(action).empty()) {
      return UsageError(c, absl::InvalidArgumentError("--action: an action cannot be empty"));
    }
    request.add_planned_actions(action);
  }
  auto complete = ParseInstant(c.args.GetOr("complete-by", ""), "--complete-by", c.env.now());
  if (!complete.ok()) return UsageError(c, complete.status());
  *request.mutable_planned_completion() = ToProto(*complete);
  chv1::ProposeSolutionResponse response;
  auto stub = CaseStub(c);
  grpc::Status s = Invoke(c, *stub, &chv1::CaseService::Stub::ProposeSolution, request, &response);
  if (!s.ok()) return WriteFailed(c, s, CaseFailed, CaseCheck(request.number()));
  return Emit(c, response, [&] {
    const chv1::Solution& sol = response.solution();
    std::string head = absl::StrCat(
        "Proposed solution ", sol.revision(), " of cycle ", sol.cycle(), " for ", request.number(),
        "; it awaits the customer's decision ('tousuctl case decide').");
    if (!sol.on_time()) {
      absl::StrAppend(&head, "\nLATE: proposed after the deadline ",
                      FormatBeijing(sol.due(), sol.has_due()),
                      ", an SLA breach counted against ", sol.staff_id(), ", who proposed it.");
    }
    return absl::StrCat(head, "\n\n", RenderSolution(sol));
  });
}

int RunExtend(Call& c) {
  chv1::ExtendSolutionDeadlineRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_staff_id(Upper(c.args.GetOr("by", "")));
  auto reason = TextFlag(c, "reason");
  if (!reason.ok()) return UsageError(c, reason.status());
  request.set_reason(*reason);
  auto until = ParseInstant(c.args.GetOr("until", ""), "--until", c.env.now());
  if (!until.ok()) return UsageError(c, until.status());
  *request.mutable_new_due() = ToProto(*until);
  auto channel = ParseEnumAs<chv1::ContactChannel>(c.args.GetOr("channel", ""), "--channel");
  if (!channel.ok()) return UsageError(c, channel.status());
  request.set_notice_channel(*channel);
  auto notice = TextFlag(c, "notice");
  if (!notice.ok()) return UsageError(c, notice.status());
  request.set_customer_notice(*notice);
  chv1::ExtendSolutionDeadlineResponse response;
  auto stub = CaseStub(c);
  grpc::Status s =
      Invoke(c, *stub, &chv1::CaseService::Stub::ExtendSolutionDeadline, request, &response);
  if (!s.ok()) return WriteFailed(c, s, CaseFailed, CaseCheck(request.number()));
  return Emit(c, response, [&] {
    const chv1::SolutionDeadline& d = response.deadline();
    const chv1::SolutionDeadline& p = response.previous();
    return absl::StrCat("Extended the solution deadline of ", request.number(), " from ",
                        FormatBeijing(p.due(), p.has_due()), " to ",
                        FormatBeijing(d.due(), d.has_due()),
                        d.provisional() ? " (provisional)" : "", " (Beijing time).\n",
                        "The notice to the customer was logged as contact ", response.notice().id(),
                        ".\n\n", RenderContact(response.notice()));
  });
}

int RunDecide(Call& c) {
  auto accept = c.args.Bool("accept");
  if (!accept.ok()) return UsageError(c, accept.status());
  auto reject = c.args.Bool("reject");
  if (!reject.ok()) return UsageError(c, reject.status());
  const bool accepted = accept->value_or(false);
  const bool rejected = reject->value_or(false);
  if (accepted == rejected) {
    return UsageError(
        c, absl::InvalidArgumentError("decide needs exactly one of --accept and --reject"));
  }
  if (rejected && !c.args.Has("reason")) {
    return UsageError(c, absl::InvalidArgumentError("--reject needs --reason (the customer's)"));
  }
  if (accepted && c.args.Has("reason")) {
    return UsageError(c, absl::InvalidArgumentError("--reason goes with --reject, not --accept"));
  }
  chv1::RecordCustomerDecisionRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_decision(accepted ? chv1::CUSTOMER_DECISION_ACCEPTED
                                : chv1::CUSTOMER_DECISION_REJECTED);
  auto reason = TextFlag(c, "reason");
  if (!reason.ok()) return UsageError(c, reason.status());
  request.set_reason(*reason);
  auto revision = c.args.Int("revision", 1, std::numeric_limits<int32_t>::max());
  if (!revision.ok()) return UsageError(c, revision.status());
  request.set_revision(revision->value_or(0));
  request.set_recorded_by_staff_id(Upper(c.args.GetOr("recorded-by", "")));
  chv1::RecordCustomerDecisionResponse response;
  auto stub = CaseStub(c);
  grpc::Status s =
      Invoke(c, *stub, &chv1::CaseService::Stub::RecordCustomerDecision, request, &response);
  if (!s.ok()) return WriteFailed(c, s, CaseFailed, CaseCheck(request.number()));
  return Emit(c, response, [&] {
    const chv1::Decision& d = response.decision();
    std::string head =
        d.decision() == chv1::CUSTOMER_DECISION_ACCEPTED
            ? absl::StrCat("The customer accepted solution ", d.revision(), " of ",
                           request.number(), ": implementation starts ('tousuctl case progress').")
            : absl::StrCat("The customer rejected solution ", d.revision(), " of ",
                           request.number(), ": a revised solution is due",
                           d.has_revised_solution_due()
                               ? absl::StrCat(" by ", FormatBeijing(d.revised_solution_due()))
                               : "",
                           ".");
    return absl::StrCat(head, "\n\n", RenderDecision(d, c.env.now()));
  });
}

int RunProgress(Call& c) {
  auto changed = c.args.Bool("plan-changed");
  if (!changed.ok()) return UsageError(c, changed.status());
  const bool plan_changed = changed->value_or(false);
  if (plan_changed && (!c.args.Has("explanation") || !c.args.Has("channel"))) {
    return UsageError(c, absl::InvalidArgumentError(
                             "--plan-changed needs --explanation (what the customer was told) "
                             "and --channel (how)"));
  }
  if (!plan_changed && (c.args.Has("explanation") || c.args.Has("channel"))) {
    return UsageError(
        c, absl::InvalidArgumentError("--explanation and --channel go with --plan-changed"));
  }
  chv1::RecordImplementationProgressRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_staff_id(Upper(c.args.GetOr("by", "")));
  auto note = TextFlag(c, "note");
  if (!note.ok()) return UsageError(c, note.status());
  request.set_note(*note);
  request.set_plan_changed(plan_changed);
  if (plan_changed) {
    auto explanation = TextFlag(c, "explanation");
    if (!explanation.ok()) return UsageError(c, explanation.status());
    request.set_customer_explanation(*explanation);
    auto channel = ParseEnumAs<chv1::ContactChannel>(c.args.GetOr("channel", ""), "--channel");
    if (!channel.ok()) return UsageError(c, channel.status());
    request.set_explanation_channel(*channel);
  }
  chv1::RecordImplementationProgressResponse response;
  auto stub = CaseStub(c);
  grpc::Status s =
      Invoke(c, *stub, &chv1::CaseService::Stub::RecordImplementationProgress, request, &response);
  if (!s.ok()) return WriteFailed(c, s, CaseFailed, CaseCheck(request.number()));
  return Emit(c, response, [&] {
    return absl::StrCat(
        "Logged implementation progress on ", request.number(),
        plan_changed ? " (plan changed; the explanation was logged as a contact)" : "", ".\n\n",
        RenderImplementationNote(response.note()));
  });
}

int RunResolve(Call& c) {
  chv1::ResolveCaseRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_staff_id(Upper(c.args.GetOr("by", "")));
  auto result = TextFlag(c, "result");
  if (!result.ok()) return UsageError(c, result.status());
  request.set_result(*result);
  chv1::ResolveCaseResponse response;
  auto stub = CaseStub(c);
  grpc::Status s = Invoke(c, *stub, &chv1::CaseService::Stub::ResolveCase, request, &response);
  if (!s.ok()) return WriteFailed(c, s, CaseFailed, CaseCheck(request.number()));
  return Emit(c, response, [&] {
    return absl::StrCat("Resolved ", response.case_file().number(), " (cycle ",
                        response.case_file().cycle(),
                        "); follow-up schedules the callback ('tousuctl follow-up get').\n\n",
                        RenderCase(response.case_file(), c.env.now()));
  });
}

// --- Follow-up ----------------------------------------------------------------------------------

int RunFollowUpGet(Call& c) {
  fv1::GetFollowUpRequest request;
  request.set_number(Upper(c.args.positional[0]));
  fv1::GetFollowUpResponse response;
  auto stub = FollowUpStub(c);
  grpc::Status s = Invoke(c, *stub, &fv1::FollowUpService::Stub::GetFollowUp, request, &response);
  if (!s.ok()) return FollowUpFailed(c, s);
  return Emit(c, response, [&] { return RenderFollowUp(response.follow_up(), c.env.now()); });
}

int RunReassignTracker(Call& c) {
  fv1::ReassignTrackerRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_tracker_staff_id(Upper(c.args.GetOr("tracker", "")));
  auto reason = TextFlag(c, "reason");
  if (!reason.ok()) return UsageError(c, reason.status());
  request.set_reason(*reason);
  fv1::ReassignTrackerResponse response;
  auto stub = FollowUpStub(c);
  grpc::Status s =
      Invoke(c, *stub, &fv1::FollowUpService::Stub::ReassignTracker, request, &response);
  if (!s.ok()) return FollowUpFailed(c, s);
  return Emit(c, response, [&] {
    return absl::StrCat(response.follow_up().number(), " is tracked by ",
                        response.follow_up().tracker_staff_id(), ".\n\n",
                        RenderFollowUp(response.follow_up(), c.env.now()));
  });
}

int RunProgressUpdate(Call& c) {
  fv1::RecordProgressUpdateRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_tracker_staff_id(Upper(c.args.GetOr("tracker", "")));
  auto summary = TextFlag(c, "summary");
  if (!summary.ok()) return UsageError(c, summary.status());
  request.set_summary(*summary);
  fv1::RecordProgressUpdateResponse response;
  auto stub = FollowUpStub(c);
  grpc::Status s =
      Invoke(c, *stub, &fv1::FollowUpService::Stub::RecordProgressUpdate, request, &response);
  if (!s.ok()) return WriteFailed(c, s, FollowUpFailed, FollowUpCheck(request.number()));
  return Emit(c, response, [&] {
    const fv1::ProgressUpdate& u = response.update();
    std::string out = absl::StrCat("Recorded a progress update to the customer of ",
                                   request.number(), u.on_time() ? " (on time)" : " (late)", ".");
    if (response.has_next_due()) {
      const absl::Duration left = FromProto(response.next_due()) - c.env.now();
      absl::StrAppend(&out, "\nThe next one is due ", FormatBeijing(response.next_due()), " (",
                      response.next_due_provisional() ? "provisional, " : "", FormatRemaining(left),
                      left < absl::ZeroDuration() ? "" : " left", ").");
    }
    return absl::StrCat(out, "\n");
  });
}

int RunCallback(Call& c) {
  auto satisfaction = c.args.Int("satisfaction", 1, 5);
  if (!satisfaction.ok()) return UsageError(c, satisfaction.status());
  auto cycle = c.args.Int("cycle", 1, std::numeric_limits<int32_t>::max());
  if (!cycle.ok()) return UsageError(c, cycle.status());
  fv1::RecordCallbackRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_cycle(cycle->value_or(0));
  request.set_callback_agent_staff_id(Upper(c.args.GetOr("agent", "")));
  auto method = ParseEnumAs<fv1::CallbackMethod>(c.args.GetOr("method", ""), "--method");
  if (!method.ok()) return UsageError(c, method.status());
  request.set_method(*method);
  request.set_satisfaction(satisfaction->value_or(0));
  auto comments = TextFlag(c, "comments");
  if (!comments.ok()) return UsageError(c, comments.status());
  request.set_comments(*comments);
  auto suggestions = TextFlag(c, "suggestions");
  if (!suggestions.ok()) return UsageError(c, suggestions.status());
  request.set_suggestions(*suggestions);
  fv1::RecordCallbackResponse response;
  auto stub = FollowUpStub(c);
  grpc::Status s =
      Invoke(c, *stub, &fv1::FollowUpService::Stub::RecordCallback, request, &response);
  if (!s.ok()) return WriteFailed(c, s, FollowUpFailed, FollowUpCheck(request.number()));
  return Emit(c, response, [&] {
    const fv1::Callback& cb = response.callback();
    std::string head = absl::StrCat("Recorded the callback of ", request.number(), " (cycle ",
                                    cb.cycle(), "): satisfaction ", cb.satisfaction(), "/5; ");
    if (response.state() == fv1::FOLLOW_UP_STATE_CLOSED) {
      absl::StrAppend(&head, "the customer is satisfied and the complaint is closed.");
    } else if (response.state() == fv1::FOLLOW_UP_STATE_REOPENING) {
      absl::StrAppend(&head,
                      "the customer is not satisfied: the case goes back to its "
                      "department for a new cycle.");
    } else {
      absl::StrAppend(&head, "follow-up is now ", EnumName(response.state()), ".");
    }
    return absl::StrCat(head, "\n\n", RenderCallback(cb, c.env.now()));
  });
}

int RunQuestionnaireLink(Call& c) {
  fv1::IssueQuestionnaireLinkRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_issued_by_staff_id(Upper(c.args.GetOr("agent", "")));
  fv1::IssueQuestionnaireLinkResponse response;
  auto stub = FollowUpStub(c);
  grpc::Status s =
      Invoke(c, *stub, &fv1::FollowUpService::Stub::IssueQuestionnaireLink, request, &response);
  if (!s.ok()) return FollowUpFailed(c, s);
  return Emit(c, response, [&] {
    return absl::StrCat("Questionnaire token for ", request.number(), " (cycle ", response.cycle(),
                        ", callback due ", FormatBeijing(response.due(), response.has_due()),
                        "):\n  ", SanitizeLine(response.token()),
                        "\nIt is shown only this once; issuing another link replaces it.\n");
  });
}

int RunQuestionnaireSubmit(Call& c) {
  auto satisfaction = c.args.Int("satisfaction", 1, 5);
  if (!satisfaction.ok()) return UsageError(c, satisfaction.status());
  fv1::SubmitQuestionnaireRequest request;
  std::string token = c.args.positional[0];
  if (token == "-") {
    c.stdin_taken = true;
    auto read = TextValue(c, token);
    if (!read.ok()) return UsageError(c, read.status());
    token = *read;
  }
  request.set_token(std::string(absl::StripAsciiWhitespace(token)));
  request.set_satisfaction(satisfaction->value_or(0));
  auto comments = TextFlag(c, "comments");
  if (!comments.ok()) return UsageError(c, comments.status());
  request.set_comments(*comments);
  auto suggestions = TextFlag(c, "suggestions");
  if (!suggestions.ok()) return UsageError(c, suggestions.status());
  request.set_suggestions(*suggestions);
  fv1::SubmitQuestionnaireResponse response;
  auto stub = FollowUpStub(c);
  grpc::Status s =
      Invoke(c, *stub, &fv1::FollowUpService::Stub::SubmitQuestionnaire, request, &response);
  if (!s.ok()) return FollowUpFailed(c, s);
  return Emit(c, response, [&] {
    return absl::StrCat("Recorded the customer's questionnaire answer for ", response.number(),
                        " (cycle ", response.cycle(), "): satisfaction ", request.satisfaction(),
                        "/5.\n");
  });
}

int RunTasks(Call& c) {
  fv1::ListDueTasksRequest request;
  request.set_staff_id(Upper(c.args.positional[0]));
  if (auto v = c.args.Get("kind"); v.has_value()) {
    auto kind = ParseEnumAs<fv1::TaskKind>(*v, "--kind");
    if (!kind.ok()) return UsageError(c, kind.status());
    request.set_kind(*kind);
  }
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  auto stub = FollowUpStub(c);
  fv1::ListDueTasksResponse response;
  grpc::Status s = FetchPages(c, request, &response, [&](const auto& req, auto* resp) {
    return Invoke(c, *stub, &fv1::FollowUpService::Stub::ListDueTasks, req, resp);
  });
  if (!s.ok()) return FollowUpFailed(c, s);
  return Emit(c, response, [&] { return RenderDueTasks(response, c.env.now()); });
}

// --- Simulation ---------------------------------------------------------------------------------

constexpr char kDefaultCalendar[] = "deploy/calendar/cn-business-calendar.txt";

int RunSimulate(Call& c) {
  simulate::PlanOptions plan_options;
  absl::CivilMonth start;
  if (!absl::ParseCivilTime(c.args.GetOr("start", ""), &start)) {
    return UsageError(c, absl::InvalidArgumentError("--start: a month like 2026-09"));
  }
  auto months = c.args.Int("months", 1, 24);
  if (!months.ok()) return UsageError(c, months.status());
  auto per_month = c.args.Int("per-month", 1, 10000);
  if (!per_month.ok()) return UsageError(c, per_month.status());
  auto seed = c.args.Int("seed", 0, std::numeric_limits<int>::max());
  if (!seed.ok()) return UsageError(c, seed.status());
  auto spike = c.args.Bool("spike");
  if (!spike.ok()) return UsageError(c, spike.status());
  plan_options.seed = static_cast<uint64_t>(seed->value_or(1));
  for (int i = 0; i < months->value_or(2); ++i) {
    const absl::CivilMonth m = start + i;
    plan_options.months.push_back({.year = static_cast<int>(m.year()),
                                   .month = m.month(),
                                   .complaints = per_month->value_or(120)});
  }
  plan_options.spike = spike->value_or(false);
  plan_options.spike_project = c.args.GetOr("spike-project", plan_options.spike_project);
  // The spike must clear analytics' minimum of 10 and stand out against a busy month.
  plan_options.spike_extra = std::max(12, per_month->value_or(120) / 10);

  std::string calendar_file = kDefaultCalendar;
  if (auto v = c.env.getenv ? c.env.getenv("TOUSU_CTL_CALENDAR_FILE") : std::nullopt;
      v && !v->empty()) {
    calendar_file = *v;
  }
  calendar_file = c.args.GetOr("calendar", calendar_file);
  auto calendar = time::BusinessCalendar::LoadFile(calendar_file);
  if (!calendar.ok()) return UsageError(c, calendar.status());
  auto plan = simulate::GeneratePlan(plan_options, *calendar);
  if (!plan.ok()) return UsageError(c, plan.status());
  c.out << "Simulating " << plan->complaints.size() << " complaints (" << plan->steps.size()
        << " steps) from " << absl::FormatCivilTime(start) << ", seed " << plan_options.seed
        << (plan_options.spike
                ? absl::StrCat(", spike: ", plan_options.spike_project, " product quality")
                : std::string())
        << ".\n";

  simulate::Driver driver(
      {.intake = c.options.intake,
       .routing = c.options.routing,
       .case_handling = c.options.case_handling,
       .follow_up = c.options.followup},
      {.clock_file = c.args.GetOr("clock-file", ""),
       .wait_timeout = absl::Seconds(30),
       .call_timeout = c.options.timeout,
       .progress = [&](const std::string& line) { c.out << "  " << line << "\n"
                                                        << std::flush; }});
  auto record = driver.Run(*plan);
  if (!record.ok()) {
    c.err << "tousuctl: simulate: " << record.status().message() << "\n";
    return kExitCallFailed;
  }

  std::map<std::string, int> stops;
  int reopened = 0, ack_missed = 0, solution_missed = 0, callback_missed = 0;
  for (const auto& r : record->complaints) {
    ++stops[simulate::StopName(r.stop)];
    reopened += r.reopen_count > 0;
    ack_missed += r.ack_sla == simulate::SlaOutcome::kMissed;
    solution_missed += r.solution_sla == simulate::SlaOutcome::kMissed;
    callback_missed += r.callback_sla == simulate::SlaOutcome::kMissed;
  }
  std::vector<std::string> stop_counts;
  for (const auto& [stop, n] : stops) stop_counts.push_back(absl::StrCat(stop, " ", n));
  c.out << "Done: " << record->complaints.size() << " complaints ("
        << absl::StrJoin(stop_counts, ", ") << "), " << reopened
        << " reopened; SLA misses: " << ack_missed << " acknowledgement, " << solution_missed
        << " solution, " << callback_missed << " callback.\n";
  if (!record->complaints.empty()) {
    c.out << "Numbers " << record->complaints.front().number << " .. "
          << record->complaints.back().number << "; the clock is now at "
          << absl::FormatTime("%Y-%m-%d %H:%M", record->clock_at_end, BeijingZone())
          << " (Beijing time).\n";
  }
  return kExitOk;
}

// --- Analytics ----------------------------------------------------------------------------------

std::unique_ptr<av1::AnalyticsService::Stub> AnalyticsStub(const Call& c) {
  // Generating a report replaces the month's stored one and a spike check raises an alert once,
  // so both are safe to repeat, like the reads.
  return Connect<av1::AnalyticsService>(
      c.options.analytics, {"GetMonthlySummary", "GetTrend", "ListAlerts", "RunSpikeCheck",
                            "GenerateMonthlyReport", "GetReport", "CheckRollups"});
}

int AnalyticsFailed(const Call& c, const grpc::Status& s) {
  return CallFailed(c, "analytics", c.options.analytics, "analytics", s);
}

// --year and --month, both required.
absl::Status ReadMonth(const Call& c, int* year, int* month) {
  auto y = c.args.Int("year", 2000, 2100);
  if (!y.ok()) return y.status();
  auto m = c.args.Int("month", 1, 12);
  if (!m.ok()) return m.status();
  if (!y->has_value() || !m->has_value()) {
    return absl::InvalidArgumentError("--year and --month are required");
  }
  *year = **y;
  *month = **m;
  return absl::OkStatus();
}

int RunSummary(Call& c) {
  av1::GetMonthlySummaryRequest request;
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_month(month);
  request.set_project(c.args.GetOr("project", ""));
  if (auto v = c.args.Get("category"); v.has_value()) {
    auto category = ParseEnumAs<cv1::Category>(*v, "--category");
    if (!category.ok()) return UsageError(c, category.status());
    request.set_category(*category);
  }
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  av1::GetMonthlySummaryResponse response;
  auto stub = AnalyticsStub(c);
  grpc::Status s =
      Invoke(c, *stub, &av1::AnalyticsService::Stub::GetMonthlySummary, request, &response);
  if (!s.ok()) return AnalyticsFailed(c, s);
  return Emit(c, response, [&] { return RenderMonthlySummary(response.summary()); });
}

int RunTrend(Call& c) {
  av1::GetTrendRequest request;
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  request.set_metric(Lower(c.args.GetOr("metric", "count")));
  request.set_dimension(Lower(c.args.positional[0]));
  if (c.args.positional.size() > 1) request.set_value(c.args.positional[1]);
  request.set_end_year(year);
  request.set_end_month(month);
  auto months = c.args.Int("months", 1, 60);
  if (!months.ok()) return UsageError(c, months.status());
  request.set_months(months->value_or(12));
  av1::GetTrendResponse response;
  auto stub = AnalyticsStub(c);
  grpc::Status s = Invoke(c, *stub, &av1::AnalyticsService::Stub::GetTrend, request, &response);
  if (!s.ok()) return AnalyticsFailed(c, s);
  return Emit(c, response, [&] { return RenderTrend(response); });
}

int RunAlerts(Call& c) {
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  auto stub = AnalyticsStub(c);
  if (c.args.Has("check")) {
    av1::RunSpikeCheckRequest request;
    request.set_year(year);
    request.set_month(month);
    av1::RunSpikeCheckResponse response;
    grpc::Status s =
        Invoke(c, *stub, &av1::AnalyticsService::Stub::RunSpikeCheck, request, &response);
    if (!s.ok()) return AnalyticsFailed(c, s);
    return Emit(c, response, [&] {
      return absl::StrCat("Checked: ", response.raised_size(), " new alert(s).\n",
                          RenderAlerts(response.alerts()));
    });
  }
  av1::ListAlertsRequest request;
  request.set_year(year);
  request.set_month(month);
  av1::ListAlertsResponse response;
  grpc::Status s = Invoke(c, *stub, &av1::AnalyticsService::Stub::ListAlerts, request, &response);
  if (!s.ok()) return AnalyticsFailed(c, s);
  return Emit(c, response, [&] { return RenderAlerts(response.alerts()); });
}

// Writes `text` to `path` whole: to a temporary file first, renamed over the target, so a
// failed write never leaves half a report where the last good one was.
absl::Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", path));
    out << text;
    out.close();
    if (!out) return absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", path));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", path));
  }
  return absl::OkStatus();
}

int RunReport(Call& c) {
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  const std::string path = c.args.GetOr("out", "");
  const std::string format = Lower(c.args.GetOr("format", "html"));
  if (format != "html" && format != "json") {
    return UsageError(c, absl::InvalidArgumentError("--format: html or json"));
  }
  auto stub = AnalyticsStub(c);
  av1::MonthlyReport report;
  grpc::Status s;
  if (c.args.Has("generate")) {
    av1::GenerateMonthlyReportRequest request;
    request.set_year(year);
    request.set_month(month);
    av1::GenerateMonthlyReportResponse response;
    s = Invoke(c, *stub, &av1::AnalyticsService::Stub::GenerateMonthlyReport, request, &response);
    report = response.report();
  } else {
    av1::GetReportRequest request;
    request.set_year(year);
    request.set_month(month);
    av1::GetReportResponse response;
    s = Invoke(c, *stub, &av1::AnalyticsService::Stub::GetReport, request, &response);
    report = response.report();
  }
  if (!s.ok()) {
    AnalyticsFailed(c, s);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
      c.err << "  (no report of that month is stored yet: --generate makes one now)\n";
    }
    return kExitCallFailed;
  }
  const std::string& body = format == "json" ? report.json() : report.html();
  if (auto st = WriteFileAtomically(path, body); !st.ok()) return UsageError(c, st);
  c.out << "Wrote the " << absl::StrFormat("%04d-%02d", year, month) << " report (" << format
        << ", " << body.size() << " bytes, generated "
        << absl::FormatTime("%Y-%m-%d %H:%M", time::FromProto(report.generated_at()), BeijingZone())
        << " Beijing time) to " << path << "\n";
  return kExitOk;
}

int RunCheckRollups(Call& c) {
  av1::CheckRollupsRequest request;
  int year = 0, month = 0;
  if (auto st = ReadMonth(c, &year, &month); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_month(month);
  request.set_repair(c.args.Has("repair"));
  av1::CheckRollupsResponse response;
  auto stub = AnalyticsStub(c);
  grpc::Status s =
      Invoke(c, *stub, &av1::AnalyticsService::Stub::CheckRollups, request, &response);
  if (!s.ok()) return AnalyticsFailed(c, s);
  return Emit(c, response, [&] { return RenderRollupCheck(response); });
}

// --- Training, assessment, accountability (the staff-assessment service's second API) ---------

std::unique_ptr<sv1::AssessmentService::Stub> AssessmentStub(const Call& c) {
  // Upserts, enrolment (enrolling twice changes nothing), a completion (recording it again
  // replaces the result) and a run (a re-run replaces the quarter's results) are safe to repeat.
  // Recording accountability is not: a repeat would make a second record.
  return Connect<sv1::AssessmentService>(
      c.options.staff,
      {"UpsertTrainingCourse", "ListTrainingCourses", "UpsertTrainingPlan", "ListTrainingPlans",
       "Enrol", "RecordTrainingCompletion", "ListTrainingStatus", "RunQuarterlyAssessment",
       "GetAssessment", "ListAssessments", "ExplainAssessment", "ListAccountabilitySuggestions",
       "ListAccountability"});
}

// An optional --role filter; UNSPECIFIED when absent.
absl::StatusOr<sv1::StaffRole> RoleFilter(const Call& c) {
  auto v = c.args.Get("role");
  if (!v.has_value()) return sv1::STAFF_ROLE_UNSPECIFIED;
  return ParseEnumAs<sv1::StaffRole>(*v, "--role");
}

// --year and --quarter, both required.
absl::Status ReadQuarter(const Call& c, int* year, int* quarter) {
  auto y = c.args.Int("year", 2000, 2100);
  if (!y.ok()) return y.status();
  auto q = c.args.Int("quarter", 1, 4);
  if (!q.ok()) return q.status();
  if (!y->has_value() || !q->has_value()) {
    return absl::InvalidArgumentError("--year and --quarter are required");
  }
  *year = **y;
  *quarter = **q;
  return absl::OkStatus();
}

std::string OutcomeText(sv1::UpsertOutcome outcome) {
  switch (outcome) {
    case sv1::UPSERT_OUTCOME_CREATED:
      return "created";
    case sv1::UPSERT_OUTCOME_UPDATED:
      return "updated";
    case sv1::UPSERT_OUTCOME_UNCHANGED:
      return "unchanged (already so)";
    default:
      return "stored";
  }
}

int RunTrainingCourses(Call& c) {
  sv1::ListTrainingCoursesRequest request;
  auto role = RoleFilter(c);
  if (!role.ok()) return UsageError(c, role.status());
  request.set_target_role(*role);
  sv1::ListTrainingCoursesResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::ListTrainingCourses, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderCourses(response.courses()); });
}

int RunTrainingCourseSet(Call& c) {
  sv1::UpsertTrainingCourseRequest request;
  sv1::TrainingCourse* course = request.mutable_course();
  course->set_id(Lower(c.args.positional[0]));
  auto title = TextFlag(c, "title");
  if (!title.ok()) return UsageError(c, title.status());
  course->set_title(*title);
  auto topic = TextFlag(c, "topic");
  if (!topic.ok()) return UsageError(c, topic.status());
  course->set_topic(*topic);
  auto role = ParseEnumAs<sv1::StaffRole>(c.args.GetOr("role", ""), "--role");
  if (!role.ok()) return UsageError(c, role.status());
  course->set_target_role(*role);
  double hours = 0;
  const std::string hours_text = c.args.GetOr("hours", "");
  if (!absl::SimpleAtod(hours_text, &hours) || !std::isfinite(hours) || hours <= 0 ||
      hours > 200) {
    return UsageError(c, absl::InvalidArgumentError(absl::StrCat(
                             "--hours \"", hours_text, "\": a number of hours, more than 0 and at most 200")));
  }
  course->set_hours(hours);
  sv1::UpsertTrainingCourseResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::UpsertTrainingCourse, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] {
    google::protobuf::RepeatedPtrField<sv1::TrainingCourse> one;
    *one.Add() = response.course();
    return absl::StrCat("Course ", response.course().id(), " ", OutcomeText(response.outcome()),
                        ".\n\n", RenderCourses(one));
  });
}

int RunTrainingPlans(Call& c) {
  sv1::ListTrainingPlansRequest request;
  auto role = RoleFilter(c);
  if (!role.ok()) return UsageError(c, role.status());
  request.set_role(*role);
  sv1::ListTrainingPlansResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::ListTrainingPlans, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderPlans(response.plans()); });
}

int RunTrainingPlanSet(Call& c) {
  sv1::UpsertTrainingPlanRequest request;
  sv1::TrainingPlan* plan = request.mutable_plan();
  plan->set_id(Lower(c.args.positional[0]));
  auto name = TextFlag(c, "name");
  if (!name.ok()) return UsageError(c, name.status());
  plan->set_name(*name);
  auto role = ParseEnumAs<sv1::StaffRole>(c.args.GetOr("role", ""), "--role");
  if (!role.ok()) return UsageError(c, role.status());
  plan->set_role(*role);
  for (const std::string& course : c.args.List("course")) {
    const std::string id = Lower(course);
    if (id.empty()) {
      return UsageError(c, absl::InvalidArgumentError("--course: a course id cannot be empty"));
    }
    plan->add_course_ids(id);
  }
  sv1::UpsertTrainingPlanResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::UpsertTrainingPlan, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] {
    google::protobuf::RepeatedPtrField<sv1::TrainingPlan> one;
    *one.Add() = response.plan();
    return absl::StrCat("Plan ", response.plan().id(), " ", OutcomeText(response.outcome()),
                        ".\n\n", RenderPlans(one));
  });
}

int RunTrainingEnrol(Call& c) {
  sv1::EnrolRequest request;
  request.set_staff_id(Upper(c.args.positional[0]));
  request.set_plan_id(Lower(c.args.GetOr("plan", "")));
  request.set_course_id(Lower(c.args.GetOr("course", "")));
  if (request.plan_id().empty() == request.course_id().empty()) {
    return UsageError(c, absl::InvalidArgumentError("--plan or --course: give exactly one"));
  }
  sv1::EnrolResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s = Invoke(c, *stub, &sv1::AssessmentService::Stub::Enrol, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] {
    return absl::StrCat(request.staff_id(), ": ", response.newly_enrolled(), " new enrolment(s), ",
                        response.enrolments_size() - response.newly_enrolled(),
                        " already there.\n\n", RenderEnrolments(response.enrolments()));
  });
}

int RunTrainingComplete(Call& c) {
  sv1::RecordTrainingCompletionRequest request;
  request.set_staff_id(Upper(c.args.positional[0]));
  request.set_course_id(Lower(c.args.GetOr("course", "")));
  auto result = ParseEnumAs<sv1::TrainingResult>(c.args.GetOr("result", ""), "--result");
  if (!result.ok()) return UsageError(c, result.status());
  request.set_result(*result);
  auto at = ParseInstant(c.args.GetOr("at", "now"), "--at", c.env.now());
  if (!at.ok()) return UsageError(c, at.status());
  *request.mutable_completed_at() = ToProto(*at);
  sv1::RecordTrainingCompletionResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s = Invoke(c, *stub, &sv1::AssessmentService::Stub::RecordTrainingCompletion,
                          request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] {
    google::protobuf::RepeatedPtrField<sv1::Enrolment> one;
    *one.Add() = response.enrolment();
    return absl::StrCat("Recorded: ", request.staff_id(), " completed ", request.course_id(), " (",
                        EnumName(request.result()), ").\n\n", RenderEnrolments(one));
  });
}

int RunTrainingStatus(Call& c) {
  sv1::ListTrainingStatusRequest request;
  if (!c.args.positional.empty()) request.set_staff_id(Upper(c.args.positional[0]));
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (request.staff_id().empty() == request.department_id().empty()) {
    return UsageError(c, absl::InvalidArgumentError(
                             "training status takes STAFF_ID or --department DEPT (exactly one)"));
  }
  sv1::ListTrainingStatusResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::ListTrainingStatus, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderTrainingStatus(response); });
}

int RunAssessmentRun(Call& c) {
  sv1::RunQuarterlyAssessmentRequest request;
  int year = 0, quarter = 0;
  if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_quarter(quarter);
  sv1::RunQuarterlyAssessmentResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::RunQuarterlyAssessment, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderAssessmentRun(response); });
}

int RunAssessmentGet(Call& c) {
  sv1::GetAssessmentRequest request;
  int year = 0, quarter = 0;
  if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_quarter(quarter);
  request.set_staff_id(Upper(c.args.positional[0]));
  sv1::GetAssessmentResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::GetAssessment, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderAssessment(response.assessment()); });
}

int RunAssessmentList(Call& c) {
  sv1::ListAssessmentsRequest request;
  int year = 0, quarter = 0;
  if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_quarter(quarter);
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (auto v = c.args.Get("grade"); v.has_value()) {
    auto grade = ParseEnumAs<sv1::Grade>(*v, "--grade");
    if (!grade.ok()) return UsageError(c, grade.status());
    request.set_grade(*grade);
  }
  sv1::ListAssessmentsResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::ListAssessments, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderAssessments(response.assessments()); });
}

int RunAssessmentExplain(Call& c) {
  sv1::ExplainAssessmentRequest request;
  int year = 0, quarter = 0;
  if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
  request.set_year(year);
  request.set_quarter(quarter);
  request.set_staff_id(Upper(c.args.positional[0]));
  sv1::ExplainAssessmentResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::ExplainAssessment, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderExplanation(response); });
}

int RunAccountabilitySuggestions(Call& c) {
  sv1::ListAccountabilitySuggestionsRequest request;
  if (auto v = c.args.Get("status"); v.has_value()) {
    auto status = ParseEnumAs<sv1::SuggestionStatus>(*v, "--status");
    if (!status.ok()) return UsageError(c, status.status());
    request.set_status(*status);
  }
  request.set_staff_id(Upper(c.args.GetOr("person", "")));
  request.set_number(Upper(c.args.GetOr("number", "")));
  sv1::ListAccountabilitySuggestionsResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s = Invoke(c, *stub, &sv1::AssessmentService::Stub::ListAccountabilitySuggestions,
                          request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderSuggestions(response.suggestions()); });
}

int RunAccountabilityRecord(Call& c) {
  sv1::RecordAccountabilityRequest request;
  if (auto v = c.args.Get("suggestion"); v.has_value()) {
    int64_t id = 0;
    if (!absl::SimpleAtoi(*v, &id) || id <= 0) {
      return UsageError(c, absl::InvalidArgumentError(
                               absl::StrCat("--suggestion \"", *v, "\": a suggestion id (a whole "
                                            "number, see 'tousuctl accountability suggestions')")));
    }
    request.set_suggestion_id(id);
  }
  request.set_number(Upper(c.args.GetOr("number", "")));
  request.set_staff_id(Upper(c.args.GetOr("person", "")));
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (auto v = c.args.Get("cause"); v.has_value()) {
    auto cause = ParseEnumAs<sv1::AccountabilityCause>(*v, "--cause");
    if (!cause.ok()) return UsageError(c, cause.status());
    request.set_cause(*cause);
  }
  if (auto v = c.args.Get("severity"); v.has_value()) {
    auto severity = ParseEnumAs<sv1::AccountabilitySeverity>(*v, "--severity");
    if (!severity.ok()) return UsageError(c, severity.status());
    request.set_severity(*severity);
  }
  // A record made without a suggestion says everything itself.
  if (request.suggestion_id() == 0) {
    std::vector<std::string> missing;
    if (request.number().empty()) missing.push_back("--number");
    if (request.staff_id().empty() && request.department_id().empty()) {
      missing.push_back("--person or --department");
    }
    if (request.cause() == sv1::ACCOUNTABILITY_CAUSE_UNSPECIFIED) missing.push_back("--cause");
    if (request.severity() == sv1::ACCOUNTABILITY_SEVERITY_UNSPECIFIED) {
      missing.push_back("--severity");
    }
    if (!missing.empty()) {
      return UsageError(c, absl::InvalidArgumentError(absl::StrCat(
                               "without --suggestion, accountability record needs ",
                               absl::StrJoin(missing, ", "))));
    }
  }
  auto measure =
      ParseEnumAs<sv1::AccountabilityMeasure>(c.args.GetOr("measure", ""), "--measure");
  if (!measure.ok()) return UsageError(c, measure.status());
  request.set_measure(*measure);
  request.set_decided_by_staff_id(Upper(c.args.GetOr("decided-by", "")));
  auto decided = ParseInstant(c.args.GetOr("decided-at", "now"), "--decided-at", c.env.now());
  if (!decided.ok()) return UsageError(c, decided.status());
  *request.mutable_decided_at() = ToProto(*decided);
  auto note = TextFlag(c, "note");
  if (!note.ok()) return UsageError(c, note.status());
  request.set_note(*note);
  sv1::RecordAccountabilityResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::RecordAccountability, request, &response);
  if (!s.ok()) {
    const std::string check =
        request.number().empty()
            ? std::string("tousuctl accountability suggestions --status confirmed")
            : absl::StrCat("tousuctl accountability list --number ", request.number());
    return WriteFailed(c, s, StaffFailed, check);
  }
  return Emit(c, response, [&] {
    google::protobuf::RepeatedPtrField<sv1::AccountabilityRecord> one;
    *one.Add() = response.record();
    return absl::StrCat("Recorded accountability ", response.record().id(), " for ",
                        response.record().number(), ".\n\n", RenderAccountabilityRecords(one));
  });
}

int RunAccountabilityList(Call& c) {
  sv1::ListAccountabilityRequest request;
  request.set_staff_id(Upper(c.args.GetOr("person", "")));
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  request.set_number(Upper(c.args.GetOr("number", "")));
  if (c.args.Has("year") || c.args.Has("quarter")) {
    int year = 0, quarter = 0;
    if (auto st = ReadQuarter(c, &year, &quarter); !st.ok()) return UsageError(c, st);
    request.set_year(year);
    request.set_quarter(quarter);
  }
  if (request.staff_id().empty() && request.department_id().empty() && request.number().empty() &&
      request.year() == 0) {
    return UsageError(c, absl::InvalidArgumentError(
                             "accountability list needs a filter: --person, --department, "
                             "--number, or --year with --quarter"));
  }
  sv1::ListAccountabilityResponse response;
  auto stub = AssessmentStub(c);
  grpc::Status s =
      Invoke(c, *stub, &sv1::AssessmentService::Stub::ListAccountability, request, &response);
  if (!s.ok()) return StaffFailed(c, s);
  return Emit(c, response, [&] { return RenderAccountabilityRecords(response.records()); });
}

// --- Audit trail (every service) ---------------------------------------------------------------

int RunAudit(Call& c) {
  // Every service keeps its own trail: the first argument says whose, by the name its address
  // flag has (also the full service names).
  const std::string service = Lower(c.args.positional[0]);
  const std::map<std::string, std::pair<std::string, std::string>> addresses = {
      {"intake", {c.options.intake, "intake"}},
      {"routing", {c.options.routing, "routing"}},
      {"case", {c.options.case_handling, "case"}},
      {"case-handling", {c.options.case_handling, "case"}},
      {"followup", {c.options.followup, "followup"}},
      {"follow-up", {c.options.followup, "followup"}},
      {"analytics", {c.options.analytics, "analytics"}},
      {"staff", {c.options.staff, "staff"}},
      {"staff-assessment", {c.options.staff, "staff"}},
  };
  const auto it = addresses.find(service);
  if (it == addresses.end()) {
    return UsageError(c, absl::InvalidArgumentError(absl::StrCat(
                             "SERVICE \"", service,
                             "\": one of intake, routing, case, followup, analytics, staff")));
  }
  const auto& [address, flag] = it->second;
  cv1::GetAuditTrailRequest request;
  request.set_subject(std::string(absl::StripAsciiWhitespace(c.args.positional[1])));
  if (auto v = c.args.Get("since"); v.has_value()) {
    auto t = ParseInstant(*v, "--since", c.env.now());
    if (!t.ok()) return UsageError(c, t.status());
    *request.mutable_since() = ToProto(*t);
  }
  if (auto v = c.args.Get("until"); v.has_value()) {
    auto t = ParseInstant(*v, "--until", c.env.now());
    if (!t.ok()) return UsageError(c, t.status());
    *request.mutable_until() = ToProto(*t);
  }
  auto size = c.args.Int("page-size", 1, 500);
  if (!size.ok()) return UsageError(c, size.status());
  if (size->has_value()) request.mutable_page()->set_page_size(**size);
  request.mutable_page()->set_page_token(c.args.GetOr("page-token", ""));
  auto stub = Connect<cv1::AuditTrail>(address, {"GetAuditTrail"});
  cv1::GetAuditTrailResponse response;
  grpc::Status s = FetchPages(c, request, &response, [&](const auto& req, auto* resp) {
    return Invoke(c, *stub, &cv1::AuditTrail::Stub::GetAuditTrail, req, resp);
  });
  if (!s.ok()) return CallFailed(c, service, address, flag, s);
  return Emit(c, response, [&] { return RenderAuditTrail(response); });
}

// --- The verbs ----------------------------------------------------------------------------------

std::string OneOf(const std::vector<std::string>& names) {
  return absl::StrCat("one of ", absl::StrJoin(names, ", "));
}

const std::vector<Verb>& Verbs() {
  static const auto* verbs = new std::vector<Verb>{
      {.name = "submit",
       .group = "Complaints (intake service)",
       .summary = "record a complaint on a customer's behalf",
       .description =
           "Records a complaint as the customer tells it (policy §4.2) and prints its number and\n"
           "record. Every submission carries a request id: a fresh one is made and printed (on\n"
           "stderr, before the call) unless --request-id gives one. If the call fails or times\n"
           "out, run the same command again with that --request-id: the complaint is recorded\n"
           "once, never twice. Text is sent byte for byte; the service checks every field and\n"
           "names the first one at fault.",
       .flags =
           {
               {.name = "name", .value_name = "TEXT", .help = "customer's name", .required = true},
               {.name = "phone",
                .value_name = "PHONE",
                .help = "customer's contact phone: 13800138000, +86 13800138000, 010-12345678",
                .required = true},
               {.name = "email", .value_name = "EMAIL", .help = "customer's email (optional)"},
               {.name = "project",
                .value_name = "TEXT",
                .help = "the project (樓盤) as the customer names it",
                .required = true},
               {.name = "building",
                .value_name = "TEXT",
                .help = "building; required except for --stage pre-sale"},
               {.name = "unit",
                .value_name = "TEXT",
                .help = "unit / room number (房號); required except for --stage pre-sale"},
               {.name = "description",
                .value_name = "TEXT",
                .help = "what happened, 5 to 2000 characters; - reads it from standard input",
                .required = true},
               {.name = "occurred-at",
                .value_name = "TIME",
                .help = "when it happened: now, 2026-11-20T14:30:00+08:00, or Beijing time "
                        "\"2026-11-20 14:30\"",
                .required = true},
               {.name = "severity",
                .value_name = "LEVEL",
                .help = OneOf(EnumNames<cv1::Severity>()),
                .required = true},
               {.name = "expected",
                .value_name = "TEXT",
                .help = "the resolution the customer expects (期望解決方案)",
                .required = true},
               {.name = "channel",
                .value_name = "CHANNEL",
                .help = OneOf(EnumNames<cv1::Channel>()),
                .required = true},
               {.name = "stage",
                .value_name = "STAGE",
                .help = absl::StrCat(OneOf(EnumNames<cv1::JourneyStage>()),
                                     " (property = property-service)"),
                .required = true},
               {.name = "recorded-by",
                .value_name = "STAFF_ID",
                .help = "the agent recording it, e.g. S0006; required for hotline and walk-in"},
               {.name = "category",
                .value_name = "CATEGORY",
                .help = absl::StrCat("the category you chose (optional; routing classifies the "
                                     "text otherwise): ",
                                     OneOf(EnumNames<cv1::Category>()))},
               {.name = "request-id",
                .value_name = "ID",
                .help = "reuse the id of an earlier attempt to retry it (default: a new UUID)"},
           },
       .examples =
           {"tousuctl submit --name 张三 --phone 13800138000 --project 阳光花园 \\\n"
            "    --building 3栋 --unit 1502 --stage property --channel hotline \\\n"
            "    --recorded-by S0006 --severity high --occurred-at \"2026-11-20 14:30\" \\\n"
            "    --description \"卫生间墙体开裂，雨天渗水\" --expected \"上门检测并修复\""},
       .run = RunSubmit},
      {.name = "get",
       .group = "Complaints (intake service)",
       .usage_args = "NUMBER",
       .summary = "a complaint's record and timeline",
       .description = "Shows a complaint as the customer sees it: what was submitted, its status,\n"
                      "department, owner and deadlines, and its timeline (oldest first).",
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl get TS-202611-000123"},
       .run = RunGet},
      {.name = "list",
       .group = "Complaints (intake service)",
       .summary = "complaints matching filters, newest first",
       .description = "Lists complaints matching every filter given, newest first, one page at a\n"
                      "time (--all for every page).",
       .flags =
           {
               {.name = "phone",
                .value_name = "PHONE",
                .help = "only this customer's (any spelling: +86 138... finds 138...)"},
               {.name = "project", .value_name = "TEXT", .help = "only this project (exact)"},
               {.name = "status",
                .value_name = "STATUS",
                .help = OneOf(EnumNames<iv1::ComplaintStatus>())},
               {.name = "channel",
                .value_name = "CHANNEL",
                .help = OneOf(EnumNames<cv1::Channel>())},
               {.name = "from",
                .value_name = "TIME",
                .help = "received at or after (RFC 3339 or Beijing time, e.g. 2026-11-01)"},
               {.name = "to", .value_name = "TIME", .help = "received before (exclusive)"},
           },
       .examples = {"tousuctl list --phone 13800138000",
                    "tousuctl list --status routed --from 2026-11-01 --to 2026-12-01 --all"},
       .run = RunList},
      {.name = "classify",
       .group = "Routing (routing service)",
       .usage_args = "TEXT...",
       .summary = "suggest a category for a complaint's text",
       .description = "Asks the classifier which category a text belongs to (Simplified or\n"
                      "Traditional Chinese) and how confident it is, with the other categories\n"
                      "it also detected. Changes nothing. Several arguments are joined with\n"
                      "spaces; - reads the text from standard input.",
       .min_args = 1,
       .max_args = kAny,
       .examples = {"tousuctl classify 卫生间墙体开裂，雨天渗水"},
       .run = RunClassify},
      {.name = "rules",
       .group = "Routing (routing service)",
       .summary = "the routing rules: category (and project) to department",
       .description = "Lists every routing rule, by category then project. A rule without a\n"
                      "project applies to every project without a rule of its own.",
       .examples = {"tousuctl rules"},
       .run = RunRules},
      {.name = "rule-set",
       .group = "Routing (routing service)",
       .summary = "create or replace a routing rule",
       .description = "Routes a category (for one project, or for every project) to a\n"
                      "department. Replaces the rule for the same category and project.",
       .flags =
           {
               {.name = "category",
                .value_name = "CATEGORY",
                .help = OneOf(EnumNames<cv1::Category>()),
                .required = true},
               {.name = "project",
                .value_name = "TEXT",
                .help = "only for this project (default: every project)"},
               {.name = "department",
                .value_name = "DEPT",
                .help = "the responsible department, e.g. engineering",
                .required = true},
           },
       .examples = {"tousuctl rule-set --category property-service --project 阳光花园 \\\n"
                    "    --department property-management"},
       .run = RunRuleSet},
      {.name = "assignment",
       .group = "Routing (routing service)",
       .usage_args = "NUMBER",
       .summary = "routing's view of a complaint: department, deadline, every hop",
       .description = "Shows where routing put a complaint: its state, category (and whether\n"
                      "staff or the classifier chose it), department, owner, the 1-hour\n"
                      "acknowledgement deadline, and every hop it took between departments.",
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl assignment TS-202611-000123"},
       .run = RunAssignment},
      {.name = "queue",
       .group = "Routing (routing service)",
       .summary = "a department's complaints awaiting acknowledgement",
       .description = "Lists the complaints routed to a department and not yet acknowledged,\n"
                      "the most urgent deadline first, with the time left to acknowledge.",
       .flags = {{.name = "department",
                  .value_name = "DEPT",
                  .help = "the department, e.g. engineering",
                  .required = true}},
       .examples = {"tousuctl queue --department engineering"},
       .run = RunQueue},
      {.name = "ack",
       .group = "Routing (routing service)",
       .usage_args = "NUMBER",
       .summary = "acknowledge a complaint for a department and name its owner",
       .description = "The department the complaint is routed to takes it and names its owner,\n"
                      "who must be active staff of that department (policy §5.2). Due within 1\n"
                      "hour of routing; a late acknowledgement is recorded as late.",
       .flags =
           {
               {.name = "department",
                .value_name = "DEPT",
                .help = "the department acknowledging (the one it is routed to)",
                .required = true},
               {.name = "owner",
                .value_name = "STAFF_ID",
                .help = "the owner: active staff of that department, e.g. S0021",
                .required = true},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl ack TS-202611-000123 --department engineering --owner S0021"},
       .run = RunAck},
      {.name = "reject",
       .group = "Routing (routing service)",
       .usage_args = "NUMBER",
       .summary = "send a misrouted complaint back, with the reason",
       .description = "The department the complaint is routed to sends it back as not its own\n"
                      "(policy §5.3). It is routed again: to --reroute-to when given, else to the\n"
                      "next likely department; after too many bounces, to a supervisor. Here\n"
                      "--staff is the staff member sending it back (reject does not call the\n"
                      "staff service, so its address flag does not apply).",
       .flags =
           {
               {.name = "department",
                .value_name = "DEPT",
                .help = "the department sending it back (the one it is routed to)",
                .required = true},
               {.name = "staff",
                .value_name = "STAFF_ID",
                .help = "who sends it back, e.g. S0021",
                .required = true},
               {.name = "reason",
                .value_name = "TEXT",
                .help = "why it is not this department's, 2 to 500 characters",
                .required = true},
               {.name = "reroute-to",
                .value_name = "DEPT",
                .help = "the department that should have it (optional)"},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl reject TS-202611-000123 --department engineering --staff S0021 \\\n"
                    "    --reason \"物业费争议，非工程问题\" --reroute-to property-management"},
       .run = RunReject},
      {.name = "supervisor-queue",
       .group = "Routing (routing service)",
       .summary = "complaints waiting for a supervisor to choose the lead department",
       .description = "Lists complex, critical, unclear, bounced and overdue complaints waiting\n"
                      "for a supervisor, oldest first, with the reason each is there.",
       .examples = {"tousuctl supervisor-queue"},
       .run = RunSupervisorQueue},
      {.name = "assign",
       .group = "Routing (routing service)",
       .usage_args = "NUMBER",
       .summary = "as a supervisor, name the lead (and assisting) departments",
       .description = "A supervisor names the department that leads a complaint and any that\n"
                      "assist it (policy §5.1). --complex marks it complex, so its solution\n"
                      "deadline may be extended later (§6.2).",
       .flags =
           {
               {.name = "supervisor",
                .value_name = "STAFF_ID",
                .help = "the supervisor deciding (an active supervisor), e.g. S0001",
                .required = true},
               {.name = "lead",
                .value_name = "DEPT",
                .help = "the lead department",
                .required = true},
               {.name = "assist",
                .value_name = "DEPT,...",
                .help = "assisting departments, comma-separated (or --assist repeated)",
                .repeatable = true},
               {.name = "complex", .help = "mark the complaint complex"},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl assign TS-202611-000123 --supervisor S0001 --lead engineering \\\n"
                    "    --assist property-management --complex"},
       .run = RunAssign},
      {.name = "staff list",
       .group = "Staff directory (staff-assessment service)",
       .summary = "staff, filtered by department, role and active flag",
       .description = "Lists staff ordered by id. Work phones and emails are masked unless\n"
                      "--show-personal-data is given.",
       .flags =
           {
               {.name = "department", .value_name = "DEPT", .help = "only this department"},
               {.name = "role", .value_name = "ROLE", .help = OneOf(EnumNames<sv1::StaffRole>())},
               {.name = "active",
                .help = "only active staff (--active=false: only those who left)"},
           },
       .examples = {"tousuctl staff list --department engineering --active"},
       .run = RunStaffList},
      {.name = "staff get",
       .group = "Staff directory (staff-assessment service)",
       .usage_args = "ID",
       .summary = "one staff member",
       .description = "Shows one staff member, active or not.",
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl staff get S0021"},
       .run = RunStaffGet},
      {.name = "departments",
       .group = "Staff directory (staff-assessment service)",
       .summary = "the departments and their supervisors",
       .description = "Lists departments ordered by id.",
       .flags =
           {
               {.name = "kind",
                .value_name = "KIND",
                .help = OneOf(EnumNames<sv1::DepartmentKind>())},
               {.name = "active",
                .help = "only active departments (--active=false: only inactive ones)"},
           },
       .examples = {"tousuctl departments --active"},
       .run = RunDepartments},
      {.name = "case get",
       .group = "Cases (case-handling service)",
       .usage_args = "NUMBER",
       .summary = "a case with its whole history",
       .description =
           "Shows what the responsible department did with a complaint (policy §6): its state,\n"
           "cycle, owner and the solution deadline in force (with the time left while a\n"
           "solution is due), then every cycle, deadline (original and extended), investigation\n"
           "entry, inspection report, attachment, contact with the customer, solution, decision\n"
           "and implementation note. --json has every field, inspection findings included.",
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl case get TS-202611-000123"},
       .run = RunCaseGet},
      {.name = "case list",
       .group = "Cases (case-handling service)",
       .summary = "cases by department, owner and state, with solution deadlines",
       .description =
           "Lists cases ordered by complaint number (without their history). While a solution\n"
           "is due, SOLUTION DUE and LEFT show its deadline (Beijing time) and the time left,\n"
           "or how long it is overdue.",
       .flags =
           {
               {.name = "department",
                .value_name = "DEPT",
                .help = "only cases this department leads"},
               {.name = "owner",
                .value_name = "STAFF_ID",
                .help = "only cases this staff member owns"},
               {.name = "state",
                .value_name = "STATE",
                .help = OneOf(EnumNames<chv1::CaseState>())},
           },
       .examples = {"tousuctl case list --department engineering --state investigating",
                    "tousuctl case list --owner S0021 --all"},
       .run = RunCaseList},
      {.name = "case investigate",
       .group = "Cases (case-handling service)",
       .usage_args = "NUMBER",
       .summary = "log an investigation step, with attachments",
       .description =
           "Logs a step of the investigation (a site visit, a document review, an interview,\n"
           "evidence), with references to files kept elsewhere (the case stores references, not\n"
           "the files). The note is internal: the customer's timeline only shows the kind.",
       .flags =
           {
               {.name = "kind",
                .value_name = "KIND",
                .help = OneOf(EnumNames<chv1::InvestigationKind>()),
                .required = true},
               {.name = "by",
                .value_name = "STAFF_ID",
                .help = "who did it, e.g. S0021",
                .required = true},
               {.name = "note",
                .value_name = "TEXT",
                .help = "what was done and found, 1 to 4000 characters; - reads standard input",
                .required = true},
               {.name = "attachment",
                .value_name = "URI,TYPE,SHA256",
                .help = "a file: its https:// or s3:// URI, media type and SHA-256 (64 hex "
                        "digits); repeat for more (at most 20)",
                .repeatable = true},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl case investigate TS-202611-000123 --kind site-visit --by S0021 \\\n"
                    "    --note \"现场查看：卫生间东墙两条裂缝，雨后渗水\" \\\n"
                    "    --attachment s3://tousu-evidence/TS-202611-000123/wall.jpg,image/jpeg,"
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
       .run = RunInvestigate},
      {.name = "case inspect",
       .group = "Cases (case-handling service)",
       .usage_args = "NUMBER",
       .summary = "attach an engineering inspection report (product quality)",
       .description =
           "Attaches an engineer's inspection report to a product-quality case: the cause, how\n"
           "serious the defect is, the findings and the recommended repair. A product-quality\n"
           "case needs one before a solution can be proposed. One of the text flags may be -\n"
           "(standard input).",
       .flags =
           {
               {.name = "inspector",
                .value_name = "STAFF_ID",
                .help = "the engineer who inspected, e.g. S0031",
                .required = true},
               {.name = "severity",
                .value_name = "LEVEL",
                .help = OneOf(EnumNames<cv1::Severity>()),
                .required = true},
               {.name = "cause",
                .value_name = "TEXT",
                .help = "the cause found, 1 to 2000 characters",
                .required = true},
               {.name = "findings",
                .value_name = "TEXT",
                .help = "what was found, 1 to 4000 characters",
                .required = true},
               {.name = "repair",
                .value_name = "TEXT",
                .help = "the recommended repair, 1 to 2000 characters",
                .required = true},
               {.name = "attachment",
                .value_name = "URI,TYPE,SHA256",
                .help = "photos, measurements: URI, media type and SHA-256; repeatable",
                .repeatable = true},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl case inspect TS-202611-000123 --inspector S0031 --severity high \\\n"
                    "    --cause \"防水层施工缺陷\" --findings \"东墙防水层断裂约40厘米\" \\\n"
                    "    --repair \"重做卫生间防水层并修补墙面\""},
       .run = RunInspect},
      {.name = "case contact",
       .group = "Cases (case-handling service)",
       .usage_args = "NUMBER",
       .summary = "log a contact with the customer about progress",
       .description =
           "Logs that the department told the customer about progress (policy §6.1). The\n"
           "summary shows on the customer's timeline and counts as informing them for\n"
           "follow-up's progress cadence.",
       .flags =
           {
               {.name = "by",
                .value_name = "STAFF_ID",
                .help = "who contacted the customer",
                .required = true},
               {.name = "channel",
                .value_name = "CHANNEL",
                .help = OneOf(EnumNames<chv1::ContactChannel>()),
                .required = true},
               {.name = "summary",
                .value_name = "TEXT",
                .help = "what the customer was told, 1 to 1000 characters (the customer sees it)",
                .required = true},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl case contact TS-202611-000123 --by S0021 --channel phone \\\n"
                    "    --summary \"已告知客户：明日上午工程师上门检测\""},
       .run = RunContact},
      {.name = "case propose",
       .group = "Cases (case-handling service)",
       .usage_args = "NUMBER",
       .summary = "propose a solution (or a revised one) to the customer",
       .description =
           "Proposes a solution (policy §6.2) while one is due: the solution as the customer\n"
           "will read it, the planned actions in order (one --action each) and when the work\n"
           "will be complete. After a rejection it is the revised solution. A proposal after the\n"
           "deadline is recorded as late: an SLA breach counted against whoever proposed it.",
       .flags =
           {
               {.name = "by",
                .value_name = "STAFF_ID",
                .help = "who proposes it",
                .required = true},
               {.name = "solution",
                .value_name = "TEXT",
                .help = "the solution as told to the customer, 1 to 4000 characters",
                .required = true},
               {.name = "action",
                .value_name = "TEXT",
                .help = "a planned action, one line of 1 to 500 characters; repeat in order (1 "
                        "to 20); commas are kept",
                .required = true,
                .repeatable = true},
               {.name = "complete-by",
                .value_name = "TIME",
                .help = "when the work will be complete, in the future: \"2026-12-01 18:00\" "
                        "(Beijing time; a bare date is its 00:00) or RFC 3339",
                .required = true},
           },
       .min_args = 1,
       .max_args = 1,
       .examples =
           {"tousuctl case propose TS-202611-000123 --by S0021 \\\n"
            "    --solution \"免费重做卫生间防水层并修补墙面\" \\\n"
            "    --action \"12月1日 拆除墙砖\" --action \"12月2日 重做防水并闭水试验48小时\" \\\n"
            "    --action \"12月5日 恢复墙砖\" --complete-by \"2026-12-05 18:00\""},
       .run = RunPropose},
      {.name = "case extend",
       .group = "Cases (case-handling service)",
       .usage_args = "NUMBER",
       .summary = "extend a complex case's solution deadline, telling the customer",
       .description =
           "Extends the solution deadline of a case marked complex (policy §6.2), before it\n"
           "passes, to a later date, with the reason. The notice to the customer is logged as a\n"
           "contact; the original deadline stays in the case's history.",
       .flags =
           {
               {.name = "by", .value_name = "STAFF_ID", .help = "who extends it", .required = true},
               {.name = "until",
                .value_name = "TIME",
                .help = "the new deadline, later than the one in force (Beijing time or RFC 3339)",
                .required = true},
               {.name = "reason",
                .value_name = "TEXT",
                .help = "why more time is needed, 2 to 1000 characters",
                .required = true},
               {.name = "channel",
                .value_name = "CHANNEL",
                .help = absl::StrCat("how the customer was told: ",
                                     OneOf(EnumNames<chv1::ContactChannel>())),
                .required = true},
               {.name = "notice",
                .value_name = "TEXT",
                .help = "what the customer was told, 1 to 1000 characters",
                .required = true},
           },
       .min_args = 1,
       .max_args = 1,
       .examples =
           {"tousuctl case extend TS-202611-000123 --by S0021 --until \"2026-12-04 18:00\" \\\n"
            "    --reason \"需第三方检测机构出具报告\" --channel phone \\\n"
            "    --notice \"因需第三方检测，解决方案将于12月4日前提供\""},
       .run = RunExtend},
      {.name = "case decide",
       .group = "Cases (case-handling service)",
       .usage_args = "NUMBER",
       .summary = "record the customer's decision: --accept, or --reject --reason",
       .description =
           "Records the customer's answer to the proposed solution. Accepted: implementation\n"
           "starts. Rejected (with the customer's reason): a revised solution is due within the\n"
           "configured business days (2 by default). --revision names the solution the customer\n"
           "answered; if a newer one was proposed since, the call is refused.",
       .flags =
           {
               {.name = "accept", .help = "the customer accepted"},
               {.name = "reject", .help = "the customer rejected (needs --reason)"},
               {.name = "reason",
                .value_name = "TEXT",
                .help = "the customer's reason for rejecting, 2 to 1000 characters"},
               {.name = "revision",
                .value_name = "N",
                .help = "the solution revision decided on (default: the one awaiting a decision)"},
               {.name = "recorded-by",
                .value_name = "STAFF_ID",
                .help = "the staff member recording the answer (leave out when the customer "
                        "answered in the app)"},
           },
       .min_args = 1,
       .max_args = 1,
       .examples =
           {"tousuctl case decide TS-202611-000123 --accept --recorded-by S0021",
            "tousuctl case decide TS-202611-000123 --reject --reason \"希望更换整面墙砖\" \\\n"
            "    --recorded-by S0021"},
       .run = RunDecide},
      {.name = "case progress",
       .group = "Cases (case-handling service)",
       .usage_args = "NUMBER",
       .summary = "log progress of an accepted solution (or a changed plan)",
       .description =
           "Logs progress of the accepted solution (policy §6.3). When the plan changed, give\n"
           "--plan-changed with what the customer was told (--explanation) and how (--channel);\n"
           "that explanation is logged as a contact.",
       .flags =
           {
               {.name = "by", .value_name = "STAFF_ID", .help = "who reports it", .required = true},
               {.name = "note",
                .value_name = "TEXT",
                .help = "what was done, 1 to 2000 characters",
                .required = true},
               {.name = "plan-changed",
                .help = "the plan changed (needs --explanation, --channel)"},
               {.name = "explanation",
                .value_name = "TEXT",
                .help = "what the customer was told about the change, 1 to 1000 characters"},
               {.name = "channel",
                .value_name = "CHANNEL",
                .help = absl::StrCat("how the customer was told: ",
                                     OneOf(EnumNames<chv1::ContactChannel>()))},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl case progress TS-202611-000123 --by S0021 --note "
                    "\"墙砖已拆除，防水层施工中\"",
                    "tousuctl case progress TS-202611-000123 --by S0021 --note "
                    "\"闭水试验延长至72小时\" \\\n"
                    "    --plan-changed --channel phone --explanation "
                    "\"为确保质量，完工推迟一天至12月6日\""},
       .run = RunProgress},
      {.name = "case resolve",
       .group = "Cases (case-handling service)",
       .usage_args = "NUMBER",
       .summary = "resolve an implemented case, with the result told to the customer",
       .description =
           "Resolves the case with the result as reported to the customer (policy §6.3).\n"
           "Follow-up then schedules the callback (3 business days).",
       .flags =
           {
               {.name = "by",
                .value_name = "STAFF_ID",
                .help = "who resolves it",
                .required = true},
               {.name = "result",
                .value_name = "TEXT",
                .help = "the result reported to the customer, 1 to 2000 characters",
                .required = true},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl case resolve TS-202611-000123 --by S0021 \\\n"
                    "    --result \"防水层已重做，闭水试验合格，墙面已恢复\""},
       .run = RunResolve},
      {.name = "follow-up get",
       .group = "Follow-up (follow-up service)",
       .usage_args = "NUMBER",
       .summary = "tracker, next progress update due, callbacks and satisfaction",
       .description =
           "Shows follow-up's view of a complaint (policy §7): its tracker, when the next\n"
           "progress update to the customer is due (time left or overdue), when the customer\n"
           "was last informed, every callback with its satisfaction, and every progress update.",
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl follow-up get TS-202611-000123"},
       .run = RunFollowUpGet},
      {.name = "follow-up reassign-tracker",
       .group = "Follow-up (follow-up service)",
       .usage_args = "NUMBER",
       .summary = "hand a case to another tracker (跟进人员)",
       .description =
           "Hands the case to another tracker: an active tracker of the follow-up department.\n"
           "Reassigning to the current tracker changes nothing, so it is safe to repeat.",
       .flags =
           {
               {.name = "tracker",
                .value_name = "STAFF_ID",
                .help = "the new tracker, e.g. S0041",
                .required = true},
               {.name = "reason",
                .value_name = "TEXT",
                .help = "why, 2 to 500 characters",
                .required = true},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl follow-up reassign-tracker TS-202611-000123 --tracker S0042 \\\n"
                    "    --reason \"原跟进人员休假\""},
       .run = RunReassignTracker},
      {.name = "follow-up progress-update",
       .group = "Follow-up (follow-up service)",
       .usage_args = "NUMBER",
       .summary = "record that the tracker informed the customer of progress",
       .description =
           "Records that the case's tracker told the customer about progress while the case is\n"
           "open; the next update falls due 3 business days later (by default). Not safe to\n"
           "repeat: a second call records a second update.",
       .flags =
           {
               {.name = "tracker",
                .value_name = "STAFF_ID",
                .help = "the case's current tracker",
                .required = true},
               {.name = "summary",
                .value_name = "TEXT",
                .help = "what the customer was told, 1 to 1000 characters",
                .required = true},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl follow-up progress-update TS-202611-000123 --tracker S0041 \\\n"
                    "    --summary \"已电话告知客户：防水工程进行中，预计12月5日完工\""},
       .run = RunProgressUpdate},
      {.name = "follow-up callback",
       .group = "Follow-up (follow-up service)",
       .usage_args = "NUMBER",
       .summary = "record the callback and the customer's satisfaction (1-5)",
       .description =
           "Records the callback made after the case was resolved (policy §7.2), once per cycle.\n"
           "At or below the unsatisfied threshold (2 by default) the case goes back to its\n"
           "department for a new cycle; above it the complaint closes. --cycle names the cycle\n"
           "on your screen; if it is no longer the one due, the call is refused.",
       .flags =
           {
               {.name = "agent",
                .value_name = "STAFF_ID",
                .help = "the callback agent who made it (a colleague may cover)",
                .required = true},
               {.name = "method",
                .value_name = "METHOD",
                .help = absl::StrCat(OneOf(EnumNames<fv1::CallbackMethod>()),
                                     " (a paper questionnaire)"),
                .required = true},
               {.name = "satisfaction",
                .value_name = "1-5",
                .help = "1 very unsatisfied .. 5 very satisfied",
                .required = true},
               {.name = "comments",
                .value_name = "TEXT",
                .help = "the customer's comments, at most 1000 characters"},
               {.name = "suggestions",
                .value_name = "TEXT",
                .help = "the customer's suggestions, at most 1000 characters"},
               {.name = "cycle",
                .value_name = "N",
                .help = "the cycle whose callback this is (default: the one due)"},
           },
       .min_args = 1,
       .max_args = 1,
       .examples =
           {"tousuctl follow-up callback TS-202611-000123 --agent S0051 --method phone \\\n"
            "    --satisfaction 4 --comments \"维修及时\" --suggestions \"希望提前告知上门时间\""},
       .run = RunCallback},
      {.name = "follow-up questionnaire-link",
       .group = "Follow-up (follow-up service)",
       .usage_args = "NUMBER",
       .summary = "issue the token of the customer's questionnaire link",
       .description =
           "Issues the secret token for the customer's callback questionnaire in the app. It is\n"
           "printed only this once (the service keeps only its hash); issuing again replaces\n"
           "it, and the earlier link stops working.",
       .flags = {{.name = "agent",
                  .value_name = "STAFF_ID",
                  .help = "the callback agent sending the link",
                  .required = true}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl follow-up questionnaire-link TS-202611-000123 --agent S0051"},
       .run = RunQuestionnaireLink},
      {.name = "follow-up questionnaire-submit",
       .group = "Follow-up (follow-up service)",
       .usage_args = "TOKEN",
       .summary = "submit a questionnaire answer as the customer's link would",
       .description =
           "Submits the customer's own questionnaire answer with the token of their link (as\n"
           "the app does; for tests and assisted answers). It counts as the callback: method\n"
           "questionnaire, no agent. The link works once. - reads the token from standard\n"
           "input (keeping it out of the shell history).",
       .flags =
           {
               {.name = "satisfaction",
                .value_name = "1-5",
                .help = "1 very unsatisfied .. 5 very satisfied",
                .required = true},
               {.name = "comments", .value_name = "TEXT", .help = "at most 1000 characters"},
               {.name = "suggestions", .value_name = "TEXT", .help = "at most 1000 characters"},
           },
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl follow-up questionnaire-submit - --satisfaction 5 \\\n"
                    "    --comments \"非常满意\" < token.txt"},
       .run = RunQuestionnaireSubmit},
      {.name = "follow-up tasks",
       .group = "Follow-up (follow-up service)",
       .usage_args = "STAFF_ID",
       .summary = "a tracker's or callback agent's due tasks, soonest first",
       .description =
           "Lists the progress updates (trackers) and callbacks (callback agents) due from a\n"
           "staff member, soonest first, with the time left or how long each is overdue.",
       .flags = {{.name = "kind",
                  .value_name = "KIND",
                  .help = absl::StrCat(OneOf(EnumNames<fv1::TaskKind>()), " (default: both)")}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl follow-up tasks S0041",
                    "tousuctl follow-up tasks S0051 --kind callback"},
       .run = RunTasks},
      {.name = "simulate",
       .group = "Simulation (every service)",
       .summary = "drive months of realistic complaints through the services (demo and test data)",
       .description =
           "Plans a period of complaints from a seed (the same seed gives the same period) and\n"
           "plays it through the real services: submissions on every channel, acknowledgements\n"
           "on time or late, solutions (some rejected and revised, some late), implementation,\n"
           "resolution, callbacks with satisfaction scores, unsatisfied customers reopening their\n"
           "case; the last complaints stay open (not acknowledged, investigating, awaiting the\n"
           "callback). Time moves forward only, through the stack's clock offset file, so run it\n"
           "against a stack started with `tools/run --controllable-clock`, and start after the\n"
           "clock's current month. --spike makes one project's product-quality complaints jump\n"
           "in the last month, as in the policy's example of a spike alert.",
       .flags =
           {
               {.name = "clock-file",
                .value_name = "FILE",
                .help = "the clock offset file the services read, e.g. .local/run/clock-offset",
                .required = true},
               {.name = "start",
                .value_name = "YYYY-MM",
                .help = "the first month",
                .required = true},
               {.name = "months", .value_name = "N", .help = "how many months, 1..24 (default 2)"},
               {.name = "per-month",
                .value_name = "N",
                .help = "complaints per month (default 120)"},
               {.name = "seed", .value_name = "N", .help = "the plan's seed (default 1)"},
               {.name = "spike",
                .help = "a product-quality spike of one project in the last month"},
               {.name = "spike-project",
                .value_name = "TEXT",
                .help = "the spiking project (default 翠湖花园)"},
               {.name = "calendar",
                .value_name = "FILE",
                .help = absl::StrCat("business calendar (env TOUSU_CTL_CALENDAR_FILE, default ",
                                     kDefaultCalendar, ")")},
           },
       .examples = {"tousuctl simulate --clock-file .local/run/clock-offset --start 2026-09 \\\n"
                    "    --months 2 --per-month 120 --seed 7 --spike"},
       .run = RunSimulate},
      {.name = "analytics summary",
       .group = "Analytics (analytics service)",
       .summary = "the figures of one month (policy §8), optionally of one project, category or department",
       .description =
           "Counts by category, stage, channel, project and department; handling times (mean,\n"
           "p50, p90); SLA compliance; satisfaction; reopen rate; the change on the month\n"
           "before. Months are months of receipt in Beijing time.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "month", .value_name = "M", .help = "the month, 1..12", .required = true},
                 {.name = "project", .value_name = "TEXT", .help = "only this project"},
                 {.name = "category", .value_name = "CATEGORY", .help = "only this category: " + OneOf(EnumNames<cv1::Category>())},
                 {.name = "department", .value_name = "ID", .help = "only this department"}},
       .examples = {"tousuctl analytics summary --year 2026 --month 11",
                    "tousuctl analytics summary --year 2026 --month 11 --project 翠湖花园"},
       .run = RunSummary},
      {.name = "analytics trend",
       .group = "Analytics (analytics service)",
       .usage_args = "DIMENSION [VALUE]",
       .summary = "a monthly series (complaints, SLA rates, satisfaction, times) of one value",
       .description =
           "DIMENSION is total, category, stage, channel, project, department or\n"
           "project_category (VALUE \"<project>|<category>\").",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the last month's year", .required = true},
                 {.name = "month", .value_name = "M", .help = "the last month", .required = true},
                 {.name = "months", .value_name = "N", .help = "how many months, 1..60 (default 12)"},
                 {.name = "metric",
                  .value_name = "NAME",
                  .help = "count (default), reopen_rate, satisfaction_mean, acknowledgement_sla_rate,\n"
                          "solution_sla_rate, callback_sla_rate, acknowledgement_time_mean|p90,\n"
                          "solution_time_mean|p90, resolution_time_mean|p90 (total, category,\n"
                          "project and department only)"}},
       .min_args = 1,
       .max_args = 2,
       .examples = {"tousuctl analytics trend category product_quality --year 2026 --month 11",
                    "tousuctl analytics trend department engineering --metric acknowledgement_sla_rate --year 2026 --month 11"},
       .run = RunTrend},
      {.name = "analytics alerts",
       .group = "Analytics (analytics service)",
       .summary = "the spike alerts of a month; --check runs the spike check now",
       .description =
           "A category (or a project's category) well above its trailing six months raises an\n"
           "alert once. The month-end job checks every month; --check does it now.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "month", .value_name = "M", .help = "the month, 1..12", .required = true},
                 {.name = "check", .help = "run the spike check first"}},
       .examples = {"tousuctl analytics alerts --year 2026 --month 11 --check"},
       .run = RunAlerts},
      {.name = "analytics report",
       .group = "Analytics (analytics service)",
       .summary = "write a month's management report (HTML with charts, or JSON) to a file",
       .description =
           "Fetches the report the month-end job stored, or with --generate builds it now (and\n"
           "stores it in place of the old one). Customers' personal data is masked in it.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "month", .value_name = "M", .help = "the month, 1..12", .required = true},
                 {.name = "out", .value_name = "FILE", .help = "where to write it", .required = true},
                 {.name = "format", .value_name = "html|json", .help = "html (default) or json"},
                 {.name = "generate", .help = "build the report now instead of fetching the stored one"}},
       .examples = {"tousuctl analytics report --year 2026 --month 11 --generate --out report-2026-11.html"},
       .run = RunReport},
      {.name = "analytics check-rollups",
       .group = "Analytics (analytics service)",
       .summary = "recompute a month's rollups from its facts; --repair replaces them",
       .description =
           "Lists every rollup entry whose stored count differs from the count recomputed from\n"
           "the month's complaint facts. For ops after an incident.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "month", .value_name = "M", .help = "the month, 1..12", .required = true},
                 {.name = "repair", .help = "replace the stored rollups by the recomputed ones"}},
       .examples = {"tousuctl analytics check-rollups --year 2026 --month 11"},
       .run = RunCheckRollups},
      {.name = "training courses",
       .group = "Training (staff-assessment service)",
       .summary = "the training courses, optionally of one role",
       .description = "Lists the courses (policy §9.1) ordered by id.",
       .flags = {{.name = "role", .value_name = "ROLE", .help = OneOf(EnumNames<sv1::StaffRole>())}},
       .examples = {"tousuctl training courses --role handler"},
       .run = RunTrainingCourses},
      {.name = "training course-set",
       .group = "Training (staff-assessment service)",
       .usage_args = "COURSE_ID",
       .summary = "create or replace a training course",
       .description =
           "Creates the course or replaces it (the same values again change nothing). A course\n"
           "id is 1-32 of a-z, 0-9 and '-', starting with a letter.",
       .flags = {{.name = "title", .value_name = "TEXT", .help = "what it is called", .required = true},
                 {.name = "topic",
                  .value_name = "TEXT",
                  .help = "what it teaches, e.g. 沟通技巧",
                  .required = true},
                 {.name = "role",
                  .value_name = "ROLE",
                  .help = "the role it is for: " + OneOf(EnumNames<sv1::StaffRole>()),
                  .required = true},
                 {.name = "hours", .value_name = "H", .help = "length, more than 0 and at most 200", .required = true}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl training course-set handler-escalation --title 升级投诉处理 \\\n"
                    "    --topic 复杂投诉 --role handler --hours 4"},
       .run = RunTrainingCourseSet},
      {.name = "training plans",
       .group = "Training (staff-assessment service)",
       .summary = "the training plans (one per role) and their courses",
       .description = "Lists the plans ordered by id. A person graded below the bar is enrolled\n"
                      "in their role's plan.",
       .flags = {{.name = "role", .value_name = "ROLE", .help = OneOf(EnumNames<sv1::StaffRole>())}},
       .examples = {"tousuctl training plans --role handler"},
       .run = RunTrainingPlans},
      {.name = "training plan-set",
       .group = "Training (staff-assessment service)",
       .usage_args = "PLAN_ID",
       .summary = "create or replace a role's training plan",
       .description = "Creates the plan or replaces it; each course must exist, and a role has one\n"
                      "plan.",
       .flags = {{.name = "name", .value_name = "TEXT", .help = "what it is called", .required = true},
                 {.name = "role",
                  .value_name = "ROLE",
                  .help = "the role it is for: " + OneOf(EnumNames<sv1::StaffRole>()),
                  .required = true},
                 {.name = "course",
                  .value_name = "COURSE_ID,...",
                  .help = "its courses in order, comma-separated (or --course repeated)",
                  .required = true,
                  .repeatable = true}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl training plan-set plan-handler --name 处理人员培训 --role handler \\\n"
                    "    --course handler-customer-communication,handler-investigation"},
       .run = RunTrainingPlanSet},
      {.name = "training enrol",
       .group = "Training (staff-assessment service)",
       .usage_args = "STAFF_ID",
       .summary = "enrol a person in a plan's courses or in one course",
       .description = "Enrolling twice in the same course changes nothing.",
       .flags = {{.name = "plan", .value_name = "PLAN_ID", .help = "every course of this plan"},
                 {.name = "course", .value_name = "COURSE_ID", .help = "this one course"}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl training enrol S0022 --plan plan-handler"},
       .run = RunTrainingEnrol},
      {.name = "training complete",
       .group = "Training (staff-assessment service)",
       .usage_args = "STAFF_ID",
       .summary = "record that a person completed a course, with date and result",
       .description = "The person must be enrolled in the course. Recording again replaces the\n"
                      "earlier result (a retake).",
       .flags = {{.name = "course", .value_name = "COURSE_ID", .help = "the course", .required = true},
                 {.name = "result",
                  .value_name = "RESULT",
                  .help = OneOf(EnumNames<sv1::TrainingResult>()),
                  .required = true},
                 {.name = "at", .value_name = "TIME", .help = "when (default now), not in the future"}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl training complete S0022 --course handler-investigation --result passed \\\n"
                    "    --at \"2027-04-20 17:00\""},
       .run = RunTrainingComplete},
      {.name = "training status",
       .group = "Training (staff-assessment service)",
       .usage_args = "[STAFF_ID]",
       .summary = "the training of one person or of everyone in a department",
       .description = "Per person: enrolled, completed, passed and open courses, then every\n"
                      "enrolment with why it was made (manual, or an assessment's quarter).",
       .flags = {{.name = "department", .value_name = "DEPT", .help = "everyone in this department"}},
       .max_args = 1,
       .examples = {"tousuctl training status S0022", "tousuctl training status --department engineering"},
       .run = RunTrainingStatus},
      {.name = "assessment run",
       .group = "Quarterly assessment (staff-assessment service)",
       .summary = "assess everyone who touched a case in a quarter (re-running replaces it)",
       .description =
           "Computes every handler's, tracker's and callback agent's figures for a quarter\n"
           "(Beijing time) from the events: deadlines met, satisfaction, cases resolved without\n"
           "reopening; the weighted score and grade. Those below the bar are enrolled in their\n"
           "role's plan and flagged for role review. A re-run replaces the quarter's results.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "quarter", .value_name = "Q", .help = "the quarter, 1..4", .required = true}},
       .examples = {"tousuctl assessment run --year 2027 --quarter 1"},
       .run = RunAssessmentRun},
      {.name = "assessment get",
       .group = "Quarterly assessment (staff-assessment service)",
       .usage_args = "STAFF_ID",
       .summary = "one person's assessment of a quarter, with accountability records",
       .description = "Shows the figures, score, grade and what it brings (reward, role review,\n"
                      "training), and the accountability records decided in the quarter.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "quarter", .value_name = "Q", .help = "the quarter, 1..4", .required = true}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl assessment get S0022 --year 2027 --quarter 1"},
       .run = RunAssessmentGet},
      {.name = "assessment list",
       .group = "Quarterly assessment (staff-assessment service)",
       .summary = "a quarter's assessments, optionally of one department or grade",
       .description = "One row per person, ordered by staff id.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "quarter", .value_name = "Q", .help = "the quarter, 1..4", .required = true},
                 {.name = "department", .value_name = "DEPT", .help = "only this department"},
                 {.name = "grade", .value_name = "GRADE", .help = OneOf(EnumNames<sv1::Grade>())}},
       .examples = {"tousuctl assessment list --year 2027 --quarter 1 --grade below-bar"},
       .run = RunAssessmentList},
      {.name = "assessment explain",
       .group = "Quarterly assessment (staff-assessment service)",
       .usage_args = "STAFF_ID",
       .summary = "the cases and events behind every figure of one assessment",
       .description = "The assessment, then one line per fact: a case touched, a deadline (met or\n"
                      "not), a satisfaction score, a resolution (reopened or not), with its events.",
       .flags = {{.name = "year", .value_name = "YYYY", .help = "the year", .required = true},
                 {.name = "quarter", .value_name = "Q", .help = "the quarter, 1..4", .required = true}},
       .min_args = 1,
       .max_args = 1,
       .examples = {"tousuctl assessment explain S0022 --year 2027 --quarter 1"},
       .run = RunAssessmentExplain},
      {.name = "accountability suggestions",
       .group = "Accountability (staff-assessment service)",
       .summary = "what the rules suggest from late or upheld complaints (pending by default)",
       .description = "A suggestion is never applied by itself: a person confirms it with\n"
                      "'tousuctl accountability record --suggestion ID'.",
       .flags = {{.name = "status",
                  .value_name = "STATUS",
                  .help = OneOf(EnumNames<sv1::SuggestionStatus>()) + " (default pending)"},
                 {.name = "person", .value_name = "STAFF_ID", .help = "only those naming this person"},
                 {.name = "number", .value_name = "NUMBER", .help = "only this complaint"}},
       .examples = {"tousuctl accountability suggestions --person S0022"},
       .run = RunAccountabilitySuggestions},
      {.name = "accountability record",
       .group = "Accountability (staff-assessment service)",
       .summary = "record accountability decided by a person, confirming a suggestion or directly",
       .description =
           "With --suggestion, confirms it: its complaint, person, department, cause and\n"
           "severity are used unless given here. Without, --number, --person or --department,\n"
           "--cause and --severity say it all.",
       .flags = {{.name = "suggestion", .value_name = "ID", .help = "the suggestion confirmed"},
                 {.name = "number", .value_name = "NUMBER", .help = "the complaint"},
                 {.name = "person", .value_name = "STAFF_ID", .help = "the responsible person"},
                 {.name = "department", .value_name = "DEPT", .help = "the responsible department"},
                 {.name = "cause",
                  .value_name = "CAUSE",
                  .help = OneOf(EnumNames<sv1::AccountabilityCause>())},
                 {.name = "severity",
                  .value_name = "SEVERITY",
                  .help = OneOf(EnumNames<sv1::AccountabilitySeverity>())},
                 {.name = "measure",
                  .value_name = "MEASURE",
                  .help = OneOf(EnumNames<sv1::AccountabilityMeasure>()),
                  .required = true},
                 {.name = "decided-by", .value_name = "STAFF_ID", .help = "who decided", .required = true},
                 {.name = "decided-at", .value_name = "TIME", .help = "when (default now)"},
                 {.name = "note", .value_name = "TEXT", .help = "optional, at most 500 characters; - reads stdin"}},
       .examples = {"tousuctl accountability record --suggestion 12 --measure criticism-and-education \\\n"
                    "    --decided-by S0002 --note 首次超时，批评教育"},
       .run = RunAccountabilityRecord},
      {.name = "accountability list",
       .group = "Accountability (staff-assessment service)",
       .summary = "accountability records by person, department, complaint and/or quarter",
       .description = "At least one filter. Ordered by when they were decided.",
       .flags = {{.name = "person", .value_name = "STAFF_ID", .help = "the responsible person"},
                 {.name = "department", .value_name = "DEPT", .help = "the responsible department"},
                 {.name = "number", .value_name = "NUMBER", .help = "the complaint"},
                 {.name = "year", .value_name = "YYYY", .help = "decided in this year's --quarter"},
                 {.name = "quarter", .value_name = "Q", .help = "1..4, with --year"}},
       .examples = {"tousuctl accountability list --person S0022 --year 2027 --quarter 1"},
       .run = RunAccountabilityList},
      {.name = "audit",
       .group = "Audit trail (every service)",
       .usage_args = "SERVICE SUBJECT",
       .summary = "who changed what and when: one complaint's, case's or person's audit trail",
       .description =
           "Every service keeps its own append-only trail: SERVICE is intake, routing, case, "
           "followup, analytics or staff (its address comes from the flag of the same name). "
           "SUBJECT is a complaint number, case id or staff id. Oldest first. For supervisors and "
           "managers.",
       .flags = {{.name = "since", .value_name = "TIME", .help = "only entries at or after TIME"},
                 {.name = "until", .value_name = "TIME", .help = "only entries before TIME"},
                 {.name = "page-size", .value_name = "N", .help = "1..500 per page (default 100)"},
                 {.name = "page-token",
                  .value_name = "TOKEN",
                  .help = "continue where the previous page of entries ended"},
                 {.name = "all", .help = "fetch every page (one call per page)"}},
       .min_args = 2,
       .max_args = 2,
       .examples = {"tousuctl audit intake TS-202611-000001",
                    "tousuctl audit routing TS-202611-000001 --since 2026-11-20 --all"},
       .run = RunAudit},
  };
  return *verbs;
}

bool Paged(const Verb& v) {
  return v.name == "list" || v.name == "queue" || v.name == "supervisor-queue" ||
         v.name == "staff list" || v.name == "departments" || v.name == "case list" ||
         v.name == "follow-up tasks";
}

// What a paged verb pages through, for --page-token's help.
std::string PagedWhat(const Verb& v) {
  if (v.name == "list") return "complaints";
  if (v.name == "case list") return "cases";
  if (v.name == "follow-up tasks") return "tasks";
  return "results";
}

// Verbs of two words: "staff list", "case get", "follow-up tasks" ("followup" is accepted too).
bool IsVerbGroup(std::string_view word) {
  return word == "staff" || word == "case" || word == "follow-up" || word == "followup" ||
         word == "analytics" || word == "training" || word == "assessment" ||
         word == "accountability";
}
std::string GroupName(std::string_view word) {
  return word == "followup" ? std::string("follow-up") : std::string(word);
}

// The verb's own flags, then the global ones it does not redefine.
std::vector<FlagSpec> FlagsOf(const Verb& v) {
  std::vector<FlagSpec> flags = v.flags;
  if (Paged(v)) {
    auto page = PageFlags(PagedWhat(v));
    flags.insert(flags.end(), page.begin(), page.end());
  }
  for (const FlagSpec& g : GlobalFlags()) {
    bool redefined = false;
    for (const FlagSpec& f : v.flags) redefined = redefined || f.name == g.name;
    if (!redefined) flags.push_back(g);
  }
  return flags;
}

const Verb* FindVerb(std::string_view name) {
  for (const Verb& v : Verbs()) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

constexpr size_t kHelpWidth = 100;

// `words` joined by spaces into lines of at most kHelpWidth columns (a longer word gets a line
// of its own); the first line starts at column `used`, the others after `indent` spaces.
std::string Wrap(const std::vector<std::string>& words, size_t used, size_t indent) {
  std::string out;
  size_t column = used;
  bool line_empty = true;
  for (const std::string& word : words) {
    const size_t w = DisplayWidth(word);
    if (!line_empty && column + 1 + w > kHelpWidth) {
      absl::StrAppend(&out, "\n", std::string(indent, ' '));
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += w;
    line_empty = false;
  }
  return out;
}

std::vector<std::string> Words(const std::string& text) {
  return absl::StrSplit(text, ' ', absl::SkipEmpty());
}

std::string VerbUsage(const Verb& v) {
  std::vector<std::string> parts = {"tousuctl", v.name};
  if (!v.usage_args.empty()) parts.push_back(v.usage_args);
  for (const FlagSpec& f : v.flags) {
    if (f.required) parts.push_back(absl::StrCat("--", f.name, " ", f.value_name));
  }
  parts.push_back("[flags]");
  return Wrap(parts, 7, 11);  // after "Usage: ", continued under the verb
}

std::string FlagLines(const std::vector<FlagSpec>& flags) {
  std::string out;
  size_t width = 0;
  std::vector<std::pair<std::string, std::string>> lines;
  for (const FlagSpec& f : flags) {
    std::string left = absl::StrCat("  --", f.name);
    if (!f.value_name.empty()) absl::StrAppend(&left, " ", f.value_name);
    std::string help = f.help;
    if (f.required) absl::StrAppend(&help, " (required)");
    width = std::max(width, DisplayWidth(left));
    lines.emplace_back(std::move(left), std::move(help));
  }
  for (const auto& [left, help] : lines) {
    absl::StrAppend(&out, PadRight(left, width), "  ", Wrap(Words(help), width + 2, width + 2),
                    "\n");
  }
  return out;
}

std::string VerbHelp(const Verb& v) {
  std::string out = absl::StrCat("Usage: ", VerbUsage(v), "\n\n", v.description, "\n");
  std::vector<FlagSpec> own = v.flags;
  if (Paged(v)) {
    auto page = PageFlags(PagedWhat(v));
    own.insert(own.end(), page.begin(), page.end());
  }
  if (!own.empty()) absl::StrAppend(&out, "\nFlags:\n", FlagLines(own));
  std::vector<std::string> globals = {"Global", "flags:"};
  for (const FlagSpec& g : GlobalFlags()) {
    bool redefined = false;
    for (const FlagSpec& f : v.flags) redefined = redefined || f.name == g.name;
    if (!redefined && g.name != "help") globals.push_back(absl::StrCat("--", g.name, ","));
  }
  globals.back().pop_back();  // the last comma
  globals.insert(globals.end(), {"(see", "'tousuctl", "help')."});
  absl::StrAppend(&out, "\n", Wrap(globals, 0, 2), "\n");
  if (!v.examples.empty()) {
    absl::StrAppend(&out, "\nExample", v.examples.size() > 1 ? "s" : "", ":\n");
    for (const std::string& e : v.examples) absl::StrAppend(&out, "  ", e, "\n");
  }
  return out;
}

std::string GeneralHelp() {
  std::string out =
      "tousuctl: the Tousu complaint desk on the command line (intake, routing, case handling,\n"
      "follow-up, analytics, staff directory, training, quarterly assessment, accountability).\n"
      "\nUsage: tousuctl VERB [ARGUMENTS] [FLAGS]\n";
  std::string group;
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const Verb& v : Verbs()) {
    std::string left = v.usage_args.empty() ? v.name : absl::StrCat(v.name, " ", v.usage_args);
    width = std::max(width, left.size());
  }
  for (const Verb& v : Verbs()) {
    if (v.group != group) {
      group = v.group;
      absl::StrAppend(&out, "\n", group, ":\n");
    }
    std::string left = v.usage_args.empty() ? v.name : absl::StrCat(v.name, " ", v.usage_args);
    absl::StrAppend(&out, "  ", PadRight(left, width), "  ",
                    Wrap(Words(v.summary), width + 4, width + 4), "\n");
  }
  absl::StrAppend(
      &out, "\nGlobal flags (with any verb):\n", FlagLines(GlobalFlags()),
      "\nRun 'tousuctl VERB --help' (or 'tousuctl help VERB') for a verb's arguments and flags.\n"
      "Flags take their value as --flag VALUE or --flag=VALUE; enum values are the names shown\n"
      "(e.g. --channel walk-in), case and '-'/'_' do not matter.\n"
      "\nOutput: aligned tables; times in Beijing time (UTC+8). Personal data (a customer's name,\n"
      "phone and email, staff phones and emails) is masked, in tables and JSON, unless\n"
      "--show-personal-data is given. --json prints the service's response in the proto3 JSON\n"
      "mapping, with two differences: text fields (bytes in the API) are printed as text, not\n"
      "base64, and fields at their default value are printed too.\n"
      "\nExit status: 0 done; 1 a call failed (its gRPC code and message are printed on stderr);\n"
      "2 bad usage.\n");
  return out;
}

// The verbs of a two-word group ("case", "follow-up"), one line each.
std::string GroupHelp(const std::string& group) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const Verb& v : Verbs()) {
    if (!v.name.starts_with(group + " ")) continue;
    std::string left = v.usage_args.empty() ? v.name : absl::StrCat(v.name, " ", v.usage_args);
    width = std::max(width, left.size());
    rows.emplace_back(std::move(left), v.summary);
  }
  std::string out = absl::StrCat("Usage: tousuctl ", group, " VERB [ARGUMENTS] [FLAGS]\n\n");
  for (const auto& [left, summary] : rows) {
    absl::StrAppend(&out, "  ", PadRight(left, width), "  ",
                    Wrap(Words(summary), width + 4, width + 4), "\n");
  }
  absl::StrAppend(&out, "\nRun 'tousuctl ", group,
                  " VERB --help' for a verb's arguments, flags and examples.\n");
  return out;
}

int Help(const std::vector<std::string>& topic, std::ostream& out, std::ostream& err) {
  if (topic.empty()) {
    out << GeneralHelp();
    return kExitOk;
  }
  std::vector<std::string> words = topic;
  words[0] = GroupName(words[0]);
  const std::string name = absl::StrJoin(words, " ");
  if (name == "staff") {
    out << VerbHelp(*FindVerb("staff list")) << "\n" << VerbHelp(*FindVerb("staff get"));
    return kExitOk;
  }
  if (name == "case" || name == "follow-up" || name == "analytics" || name == "training" ||
      name == "assessment" || name == "accountability") {
    out << GroupHelp(name);
    return kExitOk;
  }
  const Verb* v = FindVerb(name);
  if (v == nullptr) {
    err << "tousuctl: no verb \"" << name << "\"; 'tousuctl help' lists them.\n";
    return kExitUsage;
  }
  out << VerbHelp(*v);
  return kExitOk;
}

std::string EnvOr(const Environment& env, const std::string& name, const char* fallback) {
  std::optional<std::string> v = env.getenv ? env.getenv(name) : std::nullopt;
  if (v.has_value() && !absl::StripAsciiWhitespace(*v).empty()) {
    return std::string(absl::StripAsciiWhitespace(*v));
  }
  return fallback;
}

}  // namespace

std::string NewRequestId() {
  std::random_device device;
  std::mt19937_64 engine((static_cast<uint64_t>(device()) << 32) ^ device());
  uint64_t hi = engine();
  uint64_t lo = engine();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                         lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

Environment ProcessEnvironment() {
  Environment env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  env.now = [] { return absl::Now(); };
  env.new_request_id = [] { return NewRequestId(); };
  env.in = &std::cin;
  return env;
}

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const Environment& env) {
  const std::vector<FlagSpec> globals = GlobalFlags();
  // Find the verb: the first word that is not a global flag or its value ("staff" takes a
  // second word). Flags may come before and after it.
  std::vector<size_t> verb_at;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i];
    if (t == "--") break;
    if (t.size() > 1 && t[0] == '-') {
      if (t.starts_with("--") && t.find('=') == std::string::npos) {
        const std::string name = t.substr(2);
        for (const FlagSpec& g : globals) {
          if (g.name == name && !g.value_name.empty()) ++i;  // skip its value
        }
      }
      continue;
    }
    verb_at.push_back(i);
    if (!(verb_at.size() == 1 && IsVerbGroup(t))) break;
  }
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (std::find(verb_at.begin(), verb_at.end(), i) == verb_at.end()) rest.push_back(args[i]);
  }
  std::vector<std::string> words;
  for (size_t i : verb_at) words.push_back(args[i]);
  if (!words.empty()) words[0] = GroupName(words[0]);

  if (words.empty() || words[0] == "help") {
    auto parsed = ParseFlags(rest, globals);
    if (!parsed.ok()) {
      err << "tousuctl: " << parsed.status().message() << "\n";
      return kExitUsage;
    }
    if (words.empty() && !parsed->Has("help")) {
      err << GeneralHelp();
      return kExitUsage;
    }
    return Help(parsed->positional, out, err);
  }
  const std::string name = absl::StrJoin(words, " ");
  const Verb* verb = FindVerb(name);
  if (verb == nullptr) {
    const bool wants_help = std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
                            std::find(rest.begin(), rest.end(), "-h") != rest.end();
    if (words[0] == "staff") {
      if (wants_help) return Help({"staff"}, out, err);
      err << "tousuctl: staff needs a second word: 'staff list' or 'staff get ID'.\n";
    } else if (IsVerbGroup(words[0]) && words.size() == 1) {
      if (wants_help) return Help({words[0]}, out, err);
      err << "tousuctl: " << words[0] << " needs a second word:\n\n" << GroupHelp(words[0]);
    } else if (IsVerbGroup(words[0])) {
      err << "tousuctl: unknown verb \"" << name << "\"; 'tousuctl " << words[0]
          << " --help' lists the " << words[0] << " verbs.\n";
    } else {
      err << "tousuctl: unknown verb \"" << name << "\"; 'tousuctl help' lists them.\n";
    }
    return kExitUsage;
  }

  auto parsed = ParseFlags(rest, FlagsOf(*verb));
  if (!parsed.ok()) {
    const ParsedArgs none;
    Call bad{.args = none, .options = {}, .out = out, .err = err, .env = env, .verb = name};
    return UsageError(bad, parsed.status());
  }
  Call call{.args = *parsed, .options = {}, .out = out, .err = err, .env = env, .verb = name};
  if (parsed->Has("help")) {
    out << VerbHelp(*verb);
    return kExitOk;
  }
  const size_t n = parsed->positional.size();
  if (n < verb->min_args || n > verb->max_args) {
    return UsageError(
        call, absl::InvalidArgumentError(verb->usage_args.empty()
                                             ? absl::StrCat(name, " takes no arguments, got \"",
                                                            parsed->positional.front(), "\"")
                                             : absl::StrCat(name, " takes ", verb->usage_args)));
  }
  std::vector<std::string> missing;
  for (const FlagSpec& f : verb->flags) {
    if (f.required && !parsed->Has(f.name)) missing.push_back(absl::StrCat("--", f.name));
  }
  if (!missing.empty()) {
    return UsageError(call, absl::InvalidArgumentError(
                                absl::StrCat(name, " needs ", absl::StrJoin(missing, ", "))));
  }

  // Addresses: flag, else environment, else the local stack. A verb that redefines a name (reject
  // --staff STAFF_ID) does not use that service.
  auto address = [&](const char* flag, const char* env_name, const char* fallback) {
    for (const FlagSpec& f : verb->flags) {
      if (f.name == flag) return EnvOr(env, env_name, fallback);
    }
    auto v = parsed->Get(flag);
    if (v.has_value() && !v->empty()) return *v;
    return EnvOr(env, env_name, fallback);
  };
  call.options.intake = address("intake", "TOUSU_CTL_INTAKE_ADDR", kDefaultIntake);
  call.options.routing = address("routing", "TOUSU_CTL_ROUTING_ADDR", kDefaultRouting);
  call.options.staff = address("staff", "TOUSU_CTL_STAFF_ADDR", kDefaultStaff);
  call.options.case_handling = address("case", "TOUSU_CTL_CASE_ADDR", kDefaultCase);
  call.options.followup = address("followup", "TOUSU_CTL_FOLLOWUP_ADDR", kDefaultFollowUp);
  call.options.analytics = address("analytics", "TOUSU_CTL_ANALYTICS_ADDR", kDefaultAnalytics);
  if (auto f = parsed->Get("token-file"); f.has_value() && !f->empty()) {
    client::SetOutgoingTokenFile(*f);
  } else if (auto e = EnvOr(env, "TOUSU_CTL_TOKEN_FILE", ""); !e.empty()) {
    client::SetOutgoingTokenFile(e);
  }
  // Mutual TLS when the stack runs with it: TOUSU_CTL_TLS_CERT, _KEY and _CA (all three or none).
  {
    std::vector<std::string> tls_env;
    for (const char* key : {"TOUSU_CTL_TLS_CERT", "TOUSU_CTL_TLS_KEY", "TOUSU_CTL_TLS_CA"}) {
      if (auto v = env.getenv ? env.getenv(key) : std::nullopt; v.has_value()) {
        tls_env.push_back(absl::StrCat(key, "=", *v));
      }
    }
    auto files = tls::TlsFilesFromConfig(config::Config("CTL", tls_env, {}));
    if (!files.ok()) return UsageError(call, files.status());
    if (files->has_value()) client::SetChannelCredentials(tls::ChannelCredentialsFor(*files));
  }
  if (auto t = parsed->Get("timeout"); t.has_value()) {
    auto timeout = ParseTimeout(*t);
    if (!timeout.ok()) return UsageError(call, timeout.status());
    call.options.timeout = *timeout;
  }
  auto json = parsed->Bool("json");
  if (!json.ok()) return UsageError(call, json.status());
  call.options.json = json->value_or(false);
  auto show = parsed->Bool("show-personal-data");
  if (!show.ok()) return UsageError(call, show.status());
  call.options.show_personal_data = show->value_or(false);
  return verb->run(call);
}

}  // namespace tousu::ctl
