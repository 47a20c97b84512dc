// Complaints (intake service): submit, get, list.

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render.h"
#include "tools/tousuctl/service_call.h"
#include "tools/tousuctl/time_text.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
using IntakeStub = iv1::IntakeService::Stub;

Api<iv1::IntakeService> IntakeApi(const Call& c) {
  // SubmitComplaint is safe to repeat: the request id makes a repeat return the same complaint.
  return {c.options.intake, {"SubmitComplaint", "GetComplaint", "ListComplaints"}};
}

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

  const CallSettings settings{
      .request_id = request_id, .after_failure = [&](std::ostream& err, const grpc::Status& s) {
        if (!Retryable(s.error_code())) return;
        err << "  The complaint may or may not have been recorded. Run the same command again with"
            << " --request-id " << request_id << ": a retry never records it twice.\n";
      }};
  iv1::SubmitComplaintResponse response;
  if (!CallService(c, IntakeApi(c), &IntakeStub::SubmitComplaint, request, &response, settings)) {
    return kExitCallFailed;
  }
  if (!c.options.show_personal_data) {
    MaskComplaintInput(response.mutable_complaint()->mutable_input());
  }
  return Print(c, response, [&] {
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
  if (!CallService(c, IntakeApi(c), &IntakeStub::GetComplaint, request, &response)) {
    return kExitCallFailed;
  }
  if (!c.options.show_personal_data) {
    MaskComplaintInput(response.mutable_complaint()->mutable_input());
  }
  return Print(c, response, [&] { return RenderComplaint(response.complaint(), c.env.now()); });
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
  return CallAndPrint(c, IntakeApi(c), &IntakeStub::ListComplaints, request, RenderComplaintList);
}

}  // namespace

std::vector<Verb> IntakeVerbs() {
  return {
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
       .pages = "complaints",
       .run = RunList},
  };
}

}  // namespace tousu::ctl
