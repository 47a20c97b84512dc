#include "tools/tousuctl/commands.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/client/channel.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "tools/tousuctl/args.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/json.h"
#include "tools/tousuctl/render.h"
#include "tools/tousuctl/strings.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace sv1 = complaints::staff::v1;

// The local stack's addresses (deploy/stack.conf).
constexpr char kDefaultIntake[] = "127.0.0.1:7101";
constexpr char kDefaultRouting[] = "127.0.0.1:7102";
constexpr char kDefaultStaff[] = "127.0.0.1:7106";
constexpr size_t kAny = std::numeric_limits<size_t>::max();
// --all stops after this many pages (200 per page at most): a guard against a server that
// keeps answering with a token.
constexpr int kMaxPages = 1000;

struct Options {
  std::string intake;
  std::string routing;
  std::string staff;
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
      {.name = "staff",
       .value_name = "HOST:PORT",
       .help = absl::StrCat("staff-assessment service (env TOUSU_CTL_STAFF_ADDR, default ",
                            kDefaultStaff, ")")},
      {.name = "timeout",
       .value_name = "DURATION",
       .help = "deadline of each call: 5s (default), 1500ms, 1m"},
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

int IntakeFailed(const Call& c, const grpc::Status& s) {
  return CallFailed(c, "intake", c.options.intake, "intake", s);
}
int RoutingFailed(const Call& c, const grpc::Status& s) {
  return CallFailed(c, "routing", c.options.routing, "routing", s);
}
int StaffFailed(const Call& c, const grpc::Status& s) {
  return CallFailed(c, "staff-assessment", c.options.staff, "staff", s);
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
  };
  return *verbs;
}

bool Paged(const Verb& v) {
  return v.name == "list" || v.name == "queue" || v.name == "supervisor-queue" ||
         v.name == "staff list" || v.name == "departments";
}

// The verb's own flags, then the global ones it does not redefine.
std::vector<FlagSpec> FlagsOf(const Verb& v) {
  std::vector<FlagSpec> flags = v.flags;
  if (Paged(v)) {
    auto page = PageFlags(v.name == "list" ? "complaints" : "results");
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
    auto page = PageFlags(v.name == "list" ? "complaints" : "results");
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
      "tousuctl: the Tousu complaint desk on the command line (intake, routing, staff directory).\n"
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
    absl::StrAppend(&out, "  ", PadRight(left, width), "  ", v.summary, "\n");
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

int Help(const std::vector<std::string>& topic, std::ostream& out, std::ostream& err) {
  if (topic.empty()) {
    out << GeneralHelp();
    return kExitOk;
  }
  const std::string name = absl::StrJoin(topic, " ");
  if (name == "staff") {
    out << VerbHelp(*FindVerb("staff list")) << "\n" << VerbHelp(*FindVerb("staff get"));
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
    if (!(verb_at.size() == 1 && t == "staff")) break;
  }
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (std::find(verb_at.begin(), verb_at.end(), i) == verb_at.end()) rest.push_back(args[i]);
  }
  std::vector<std::string> words;
  for (size_t i : verb_at) words.push_back(args[i]);

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
    if (words[0] == "staff") {
      if (std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
          std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
        return Help({"staff"}, out, err);
      }
      err << "tousuctl: staff needs a second word: 'staff list' or 'staff get ID'.\n";
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
