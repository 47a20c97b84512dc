// Cases (case-handling service): from solution to resolution: case propose, extend, decide,
// progress, resolve.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/tousuctl/commands_case.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_case.h"
#include "tools/tousuctl/time_text.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

namespace chv1 = complaints::casehandling::v1;
using CaseStub = chv1::CaseService::Stub;

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
  return CallAndPrint(
      c, CaseApi(c), &CaseStub::ProposeSolution, request,
      [&](const chv1::ProposeSolutionResponse& response) {
        const chv1::Solution& sol = response.solution();
        std::string head = absl::StrCat(
            "Proposed solution ", sol.revision(), " of cycle ", sol.cycle(), " for ",
            request.number(), "; it awaits the customer's decision ('tousuctl case decide').");
        if (!sol.on_time()) {
          absl::StrAppend(&head, "\nLATE: proposed after the deadline ",
                          FormatBeijing(sol.due(), sol.has_due()),
                          ", an SLA breach counted against ", sol.staff_id(), ", who proposed it.");
        }
        return absl::StrCat(head, "\n\n", RenderSolution(sol));
      },
      CheckCaseBeforeRepeating(request.number()));
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
  return CallAndPrint(
      c, CaseApi(c), &CaseStub::ExtendSolutionDeadline, request,
      [&](const chv1::ExtendSolutionDeadlineResponse& response) {
        const chv1::SolutionDeadline& d = response.deadline();
        const chv1::SolutionDeadline& p = response.previous();
        return absl::StrCat("Extended the solution deadline of ", request.number(), " from ",
                            FormatBeijing(p.due(), p.has_due()), " to ",
                            FormatBeijing(d.due(), d.has_due()),
                            d.provisional() ? " (provisional)" : "", " (Beijing time).\n",
                            "The notice to the customer was logged as contact ",
                            response.notice().id(), ".\n\n", RenderContact(response.notice()));
      },
      CheckCaseBeforeRepeating(request.number()));
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
  return CallAndPrint(
      c, CaseApi(c), &CaseStub::RecordCustomerDecision, request,
      [&](const chv1::RecordCustomerDecisionResponse& response) {
        const chv1::Decision& d = response.decision();
        std::string head =
            d.decision() == chv1::CUSTOMER_DECISION_ACCEPTED
                ? absl::StrCat("The customer accepted solution ", d.revision(), " of ",
                               request.number(),
                               ": implementation starts ('tousuctl case progress').")
                : absl::StrCat("The customer rejected solution ", d.revision(), " of ",
                               request.number(), ": a revised solution is due",
                               d.has_revised_solution_due()
                                   ? absl::StrCat(" by ", FormatBeijing(d.revised_solution_due()))
                                   : "",
                               ".");
        return absl::StrCat(head, "\n\n", RenderDecision(d, c.env.now()));
      },
      CheckCaseBeforeRepeating(request.number()));
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
  return CallAndPrint(
      c, CaseApi(c), &CaseStub::RecordImplementationProgress, request,
      [&](const chv1::RecordImplementationProgressResponse& response) {
        return absl::StrCat(
            "Logged implementation progress on ", request.number(),
            plan_changed ? " (plan changed; the explanation was logged as a contact)" : "", ".\n\n",
            RenderImplementationNote(response.note()));
      },
      CheckCaseBeforeRepeating(request.number()));
}

int RunResolve(Call& c) {
  chv1::ResolveCaseRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_staff_id(Upper(c.args.GetOr("by", "")));
  auto result = TextFlag(c, "result");
  if (!result.ok()) return UsageError(c, result.status());
  request.set_result(*result);
  return CallAndPrint(
      c, CaseApi(c), &CaseStub::ResolveCase, request,
      [&](const chv1::ResolveCaseResponse& response) {
        return absl::StrCat("Resolved ", response.case_file().number(), " (cycle ",
                            response.case_file().cycle(),
                            "); follow-up schedules the callback ('tousuctl follow-up get').\n\n",
                            RenderCase(response.case_file(), c.env.now()));
      },
      CheckCaseBeforeRepeating(request.number()));
}

}  // namespace

std::vector<Verb> CaseSolutionVerbs() {
  return {
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
  };
}

}  // namespace tousu::ctl
