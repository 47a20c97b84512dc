// Follow-up (follow-up service): follow-up get, reassign-tracker, progress-update, callback,
// questionnaire-link, questionnaire-submit, tasks.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_follow_up.h"
#include "tools/tousuctl/service_call.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {
namespace {

namespace fv1 = complaints::followup::v1;
using FollowUpStub = fv1::FollowUpService::Stub;

Api<fv1::FollowUpService> FollowUpApi(const Call& c) {
  // Reassigning to the current tracker changes nothing, so ReassignTracker is safe to repeat.
  return {c.options.followup, {"GetFollowUp", "ListDueTasks", "ReassignTracker"}};
}

CallSettings CheckFollowUpBeforeRepeating(const std::string& number) {
  return CheckBeforeRepeating(absl::StrCat("tousuctl follow-up get ", number));
}

int RunFollowUpGet(Call& c) {
  fv1::GetFollowUpRequest request;
  request.set_number(Upper(c.args.positional[0]));
  return CallAndPrint(c, FollowUpApi(c), &FollowUpStub::GetFollowUp, request,
                      [&](const fv1::GetFollowUpResponse& response) {
                        return RenderFollowUp(response.follow_up(), c.env.now());
                      });
}

int RunReassignTracker(Call& c) {
  fv1::ReassignTrackerRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_tracker_staff_id(Upper(c.args.GetOr("tracker", "")));
  auto reason = TextFlag(c, "reason");
  if (!reason.ok()) return UsageError(c, reason.status());
  request.set_reason(*reason);
  return CallAndPrint(c, FollowUpApi(c), &FollowUpStub::ReassignTracker, request,
                      [&](const fv1::ReassignTrackerResponse& response) {
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
  return CallAndPrint(
      c, FollowUpApi(c), &FollowUpStub::RecordProgressUpdate, request,
      [&](const fv1::RecordProgressUpdateResponse& response) {
        const fv1::ProgressUpdate& u = response.update();
        std::string out =
            absl::StrCat("Recorded a progress update to the customer of ", request.number(),
                         u.on_time() ? " (on time)" : " (late)", ".");
        if (response.has_next_due()) {
          const absl::Duration left = FromProto(response.next_due()) - c.env.now();
          absl::StrAppend(&out, "\nThe next one is due ", FormatBeijing(response.next_due()), " (",
                          response.next_due_provisional() ? "provisional, " : "",
                          FormatRemaining(left), left < absl::ZeroDuration() ? "" : " left", ").");
        }
        return absl::StrCat(out, "\n");
      },
      CheckFollowUpBeforeRepeating(request.number()));
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
  return CallAndPrint(
      c, FollowUpApi(c), &FollowUpStub::RecordCallback, request,
      [&](const fv1::RecordCallbackResponse& response) {
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
      },
      CheckFollowUpBeforeRepeating(request.number()));
}

int RunQuestionnaireLink(Call& c) {
  fv1::IssueQuestionnaireLinkRequest request;
  request.set_number(Upper(c.args.positional[0]));
  request.set_issued_by_staff_id(Upper(c.args.GetOr("agent", "")));
  return CallAndPrint(c, FollowUpApi(c), &FollowUpStub::IssueQuestionnaireLink, request,
                      [&](const fv1::IssueQuestionnaireLinkResponse& response) {
                        return absl::StrCat(
                            "Questionnaire token for ", request.number(), " (cycle ",
                            response.cycle(), ", callback due ",
                            FormatBeijing(response.due(), response.has_due()), "):\n  ",
                            SanitizeLine(response.token()),
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
  return CallAndPrint(c, FollowUpApi(c), &FollowUpStub::SubmitQuestionnaire, request,
                      [&](const fv1::SubmitQuestionnaireResponse& response) {
                        return absl::StrCat("Recorded the customer's questionnaire answer for ",
                                            response.number(), " (cycle ", response.cycle(),
                                            "): satisfaction ", request.satisfaction(), "/5.\n");
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
  return CallAndPrint(c, FollowUpApi(c), &FollowUpStub::ListDueTasks, request,
                      [&](const fv1::ListDueTasksResponse& response) {
                        return RenderDueTasks(response, c.env.now());
                      });
}

}  // namespace

std::vector<Verb> FollowUpVerbs() {
  return {
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
       .pages = "tasks",
       .run = RunTasks},
  };
}

}  // namespace tousu::ctl
