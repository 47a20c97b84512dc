// Audit trail (every service): audit SERVICE SUBJECT.

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "complaints/common/v1/audit.grpc.pb.h"
#include "tools/tousuctl/render_audit.h"
#include "tools/tousuctl/service_call.h"
#include "tools/tousuctl/time_text.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

namespace cv1 = complaints::common::v1;

int RunAudit(Call& c) {
  // Every service keeps its own trail: the first argument says whose, by the name its address
  // flag has (also the full service names).
  const std::string service = Lower(c.args.positional[0]);
  const std::map<std::string, Endpoint Options::*> endpoints = {
      {"intake", &Options::intake},          {"routing", &Options::routing},
      {"case", &Options::case_handling},     {"case-handling", &Options::case_handling},
      {"followup", &Options::followup},      {"follow-up", &Options::followup},
      {"analytics", &Options::analytics},    {"staff", &Options::staff},
      {"staff-assessment", &Options::staff},
  };
  const auto it = endpoints.find(service);
  if (it == endpoints.end()) {
    return UsageError(c, absl::InvalidArgumentError(absl::StrCat(
                             "SERVICE \"", service,
                             "\": one of intake, routing, case, followup, analytics, staff")));
  }
  Api<cv1::AuditTrail> api{c.options.*it->second, {"GetAuditTrail"}};
  api.endpoint.service = service;  // a failure names it as it was asked for
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
  return CallAndPrint(c, api, &cv1::AuditTrail::Stub::GetAuditTrail, request, RenderAuditTrail);
}

}  // namespace

std::vector<Verb> AuditVerbs() {
  return {
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
}

}  // namespace tousu::ctl
