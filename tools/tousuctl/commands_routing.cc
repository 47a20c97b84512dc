// Routing (routing service): classify, rules, rule-set, assignment, queue, ack, reject,
// supervisor-queue, assign.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render.h"
#include "tools/tousuctl/service_call.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

namespace cv1 = complaints::common::v1;
namespace rv1 = complaints::routing::v1;
using RoutingStub = rv1::RoutingService::Stub;

Api<rv1::RoutingService> RoutingApi(const Call& c) {
  return {c.options.routing,
          {"ClassifyComplaint", "UpsertRoutingRule", "ListRoutingRules", "GetAssignment",
           "ListDepartmentQueue", "ListSupervisorQueue"}};
}

int RunClassify(Call& c) {
  std::string text = absl::StrJoin(c.args.positional, " ");
  auto value = TextValue(c, text);
  if (!value.ok()) return UsageError(c, value.status());
  if (absl::StripAsciiWhitespace(*value).empty()) {
    return UsageError(c, absl::InvalidArgumentError("classify needs the complaint's text"));
  }
  rv1::ClassifyComplaintRequest request;
  request.set_text(*value);
  return CallAndPrint(c, RoutingApi(c), &RoutingStub::ClassifyComplaint, request,
                      RenderClassification);
}

int RunRules(Call& c) {
  return CallAndPrint(c, RoutingApi(c), &RoutingStub::ListRoutingRules,
                      rv1::ListRoutingRulesRequest(), RenderRules);
}

int RunRuleSet(Call& c) {
  auto category = ParseEnumAs<cv1::Category>(c.args.GetOr("category", ""), "--category");
  if (!category.ok()) return UsageError(c, category.status());
  rv1::UpsertRoutingRuleRequest request;
  rv1::RoutingRule* rule = request.mutable_rule();
  rule->set_category(*category);
  rule->set_project(c.args.GetOr("project", ""));
  rule->set_department_id(Lower(c.args.GetOr("department", "")));
  return CallAndPrint(c, RoutingApi(c), &RoutingStub::UpsertRoutingRule, request,
                      [](const rv1::UpsertRoutingRuleResponse& response) {
                        rv1::ListRoutingRulesResponse one;
                        *one.add_rules() = response.rule();
                        return absl::StrCat("Saved.\n", RenderRules(one));
                      });
}

int RunAssignment(Call& c) {
  rv1::GetAssignmentRequest request;
  request.set_number(Upper(c.args.positional[0]));
  return CallAndPrint(c, RoutingApi(c), &RoutingStub::GetAssignment, request,
                      [&](const rv1::GetAssignmentResponse& response) {
                        return RenderAssignment(response.assignment(), c.env.now());
                      });
}

int RunQueue(Call& c) {
  rv1::ListDepartmentQueueRequest request;
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  return CallAndPrint(c, RoutingApi(c), &RoutingStub::ListDepartmentQueue, request,
                      [&](const rv1::ListDepartmentQueueResponse& response) {
                        return RenderDepartmentQueue(response, c.env.now());
                      });
}

int RunAck(Call& c) {
  rv1::AcknowledgeAssignmentRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_department_id(Lower(c.args.GetOr("department", "")));
  request.set_owner_staff_id(Upper(c.args.GetOr("owner", "")));
  return CallAndPrint(c, RoutingApi(c), &RoutingStub::AcknowledgeAssignment, request,
                      [&](const rv1::AcknowledgeAssignmentResponse& response) {
                        const rv1::Assignment& a = response.assignment();
                        return absl::StrCat("Acknowledged ", a.number(), " for ", a.department_id(),
                                            ", owner ", a.owner_staff_id(),
                                            a.acknowledged_on_time() ? " (on time)" : " (late)",
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
  return CallAndPrint(c, RoutingApi(c), &RoutingStub::RejectAssignment, request,
                      [&](const rv1::RejectAssignmentResponse& response) {
                        const rv1::Assignment& a = response.assignment();
                        std::string now_with = a.state() == rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR
                                                   ? std::string("a supervisor")
                                                   : absl::StrCat("department ", a.department_id());
                        return absl::StrCat("Sent back ", a.number(), "; it is now with ", now_with,
                                            ".\n\n", RenderAssignment(a, c.env.now()));
                      });
}

int RunSupervisorQueue(Call& c) {
  rv1::ListSupervisorQueueRequest request;
  if (auto st = ReadPage(c, request.mutable_page()); !st.ok()) return UsageError(c, st);
  return CallAndPrint(c, RoutingApi(c), &RoutingStub::ListSupervisorQueue, request,
                      [&](const rv1::ListSupervisorQueueResponse& response) {
                        return RenderSupervisorQueue(response, c.env.now());
                      });
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
  return CallAndPrint(c, RoutingApi(c), &RoutingStub::AssignBySupervisor, request,
                      [&](const rv1::AssignBySupervisorResponse& response) {
                        const rv1::Assignment& a = response.assignment();
                        std::string assisting;
                        if (!a.assisting_department_ids().empty()) {
                          assisting = absl::StrCat(
                              ", assisted by ", absl::StrJoin(a.assisting_department_ids(), ", "));
                        }
                        return absl::StrCat("Assigned ", a.number(), " to ", a.department_id(),
                                            assisting, ".\n\n", RenderAssignment(a, c.env.now()));
                      });
}

}  // namespace

std::vector<Verb> RoutingVerbs() {
  return {
      {.name = "classify",
       .group = "Routing (routing service)",
       .usage_args = "TEXT...",
       .summary = "suggest a category for a complaint's text",
       .description = "Asks the classifier which category a text belongs to (Simplified or\n"
                      "Traditional Chinese) and how confident it is, with the other categories\n"
                      "it also detected. Changes nothing. Several arguments are joined with\n"
                      "spaces; - reads the text from standard input.",
       .min_args = 1,
       .max_args = kAnyNumber,
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
       .pages = "results",
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
       .pages = "results",
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
  };
}

}  // namespace tousu::ctl
