// Cases (case-handling service): the case and its evidence: case get, list, investigate, inspect,
// contact. The solution's verbs are in commands_case_solution.cc.

#include "tools/tousuctl/commands_case.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_case.h"
#include "tools/tousuctl/strings.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {

namespace chv1 = complaints::casehandling::v1;

Api<chv1::CaseService> CaseApi(const Call& c) {
  // Every write here appends to the case's history: a blind retry could log a step twice.
  return {c.options.case_handling, {"GetCase", "ListCases"}};
}

CallSettings CheckCaseBeforeRepeating(const std::string& number) {
  return CheckBeforeRepeating(absl::StrCat("tousuctl case get ", number));
}

namespace {

namespace cv1 = complaints::common::v1;
using CaseStub = chv1::CaseService::Stub;

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

int RunCaseGet(Call& c) {
  chv1::GetCaseRequest request;
  request.set_number(Upper(c.args.positional[0]));
  return CallAndPrint(c, CaseApi(c), &CaseStub::GetCase, request,
                      [&](const chv1::GetCaseResponse& response) {
                        return RenderCase(response.case_file(), c.env.now());
                      });
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
  return CallAndPrint(c, CaseApi(c), &CaseStub::ListCases, request,
                      [&](const chv1::ListCasesResponse& response) {
                        return RenderCaseList(response, c.env.now());
                      });
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
  return CallAndPrint(
      c, CaseApi(c), &CaseStub::AddInvestigationEntry, request,
      [&](const chv1::AddInvestigationEntryResponse& response) {
        return absl::StrCat("Logged investigation entry ", response.entry().id(), " on ",
                            request.number(), ".\n\n", RenderInvestigationEntry(response.entry()));
      },
      CheckCaseBeforeRepeating(request.number()));
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
  return CallAndPrint(
      c, CaseApi(c), &CaseStub::AttachInspectionReport, request,
      [&](const chv1::AttachInspectionReportResponse& response) {
        return absl::StrCat("Attached inspection report ", response.report().id(), " to ",
                            request.number(), ".\n\n", RenderInspectionReport(response.report()));
      },
      CheckCaseBeforeRepeating(request.number()));
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
  return CallAndPrint(
      c, CaseApi(c), &CaseStub::LogCustomerContact, request,
      [&](const chv1::LogCustomerContactResponse& response) {
        return absl::StrCat("Logged contact ", response.contact().id(), " with the customer of ",
                            request.number(), " (it shows on the customer's timeline).\n\n",
                            RenderContact(response.contact()));
      },
      CheckCaseBeforeRepeating(request.number()));
}

}  // namespace

std::vector<Verb> CaseVerbs() {
  return {
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
       .pages = "cases",
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
  };
}

}  // namespace tousu::ctl
