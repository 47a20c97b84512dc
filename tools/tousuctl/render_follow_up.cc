#include "tools/tousuctl/render_follow_up.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_parts.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {

namespace fv1 = complaints::followup::v1;

std::string RenderFollowUp(const fv1::FollowUp& f, absl::Time now) {
  const bool open = f.state() == fv1::FOLLOW_UP_STATE_OPEN;
  Details d;
  d.Add("Number", f.number());
  d.Add("State", EnumName(f.state()));
  d.Add("Cycle", f.cycle() > 1 ? absl::StrCat(f.cycle(), " (reopened)") : absl::StrCat(f.cycle()));
  d.Add("Department", f.department_id());
  d.Add("Owner", f.owner_staff_id());
  d.Add("Tracker", f.tracker_staff_id().empty()
                       ? "(none: 'tousuctl follow-up reassign-tracker' names one)"
                       : f.tracker_staff_id());
  std::string next = Deadline(f.next_progress_due(), f.has_next_progress_due(), open, now,
                              f.next_progress_due_provisional());
  if (f.progress_overdue()) absl::StrAppend(&next, " OVERDUE");
  d.Add("Next update", next);
  d.Add("Last informed", FormatBeijing(f.last_informed_at(), f.has_last_informed_at()));
  if (f.has_closed_at()) d.Add("Closed", FormatBeijing(f.closed_at()));
  std::string out = d.Render();

  bool provisional = false;
  Table callbacks({"CYCLE", "STATUS", "AGENT", "DUE", "LEFT", "METHOD", "SATISFACTION", "RECORDED",
                   "BY", "LINK", "COMMENTS", "SUGGESTIONS"});
  callbacks.AlignRight(0).AlignRight(4).AlignRight(6).MaxWidth(10, 30);
  for (const fv1::Callback& c : f.callbacks()) {
    const bool scheduled = c.status() == fv1::CALLBACK_STATUS_SCHEDULED;
    provisional = provisional || c.due_provisional();
    std::string satisfaction;
    if (c.status() == fv1::CALLBACK_STATUS_RECORDED) {
      satisfaction = absl::StrCat(c.satisfaction(), "/5", c.unsatisfied() ? " unsatisfied" : "");
    }
    std::string recorded = FormatBeijing(c.recorded_at(), c.has_recorded_at());
    if (c.has_recorded_at()) absl::StrAppend(&recorded, " (", OnTime(c.on_time()), ")");
    std::string agent = c.assigned_agent_staff_id();
    if (agent.empty() && scheduled) agent = "(any agent)";
    callbacks.AddRow(
        {absl::StrCat(c.cycle()), EnumName(c.status()), agent,
         DueCell(c.due(), c.has_due(), c.due_provisional()),
         Left(c.due(), c.has_due(), scheduled, now), EnumName(c.method()), satisfaction, recorded,
         c.status() == fv1::CALLBACK_STATUS_RECORDED && c.recorded_by_staff_id().empty()
             ? "(customer)"
             : c.recorded_by_staff_id(),
         c.questionnaire_link_issued() ? "issued" : "", c.comments(), c.suggestions()});
  }
  Section(&out, "Callbacks (Beijing time)", callbacks);

  Table updates({"CYCLE", "TIME", "SOURCE", "BY", "DUE", "ON TIME", "SUMMARY"});
  updates.AlignRight(0);
  for (const fv1::ProgressUpdate& u : f.progress_updates()) {
    updates.AddRow({absl::StrCat(u.cycle()), FormatBeijing(u.at(), u.has_at()), u.source(),
                    u.staff_id(), FormatBeijing(u.due(), u.has_due()), YesNo(u.on_time()),
                    u.summary()});
  }
  Section(&out, "Progress updates to the customer", updates);
  if (provisional) absl::StrAppend(&out, "\n", kProvisionalNote);
  return out;
}

std::string RenderCallback(const fv1::Callback& c, absl::Time now) {
  Details d;
  d.Add("Cycle", absl::StrCat(c.cycle()));
  d.Add("Status", EnumName(c.status()));
  d.Add("Method", EnumName(c.method()));
  d.Add("Satisfaction", c.status() == fv1::CALLBACK_STATUS_RECORDED
                            ? absl::StrCat(c.satisfaction(), "/5",
                                           c.unsatisfied() ? " (unsatisfied)" : " (satisfied)")
                            : "");
  d.Add("Comments", c.comments());
  d.Add("Suggestions", c.suggestions());
  d.Add("Recorded by", c.recorded_by_staff_id().empty() ? "(customer)" : c.recorded_by_staff_id());
  std::string recorded = FormatBeijing(c.recorded_at(), c.has_recorded_at());
  if (c.has_recorded_at()) absl::StrAppend(&recorded, " (", OnTime(c.on_time()), ")");
  d.Add("Recorded", recorded);
  d.Add("Due", Deadline(c.due(), c.has_due(), c.status() == fv1::CALLBACK_STATUS_SCHEDULED, now,
                        c.due_provisional()));
  return d.Render();
}

std::string RenderDueTasks(const fv1::ListDueTasksResponse& response, absl::Time now) {
  if (response.tasks().empty()) return "No tasks due.\n";
  Table t({"DUE", "LEFT", "TASK", "NUMBER", "CYCLE"});
  t.AlignRight(1).AlignRight(4);
  bool provisional = false;
  for (const fv1::DueTask& task : response.tasks()) {
    provisional = provisional || task.due_provisional();
    std::string left = Left(task.due(), task.has_due(), true, now);
    // The service knows best: it may call a task overdue a moment before our clock does.
    if (task.overdue() && !left.starts_with("overdue")) left = "overdue";
    t.AddRow({DueCell(task.due(), task.has_due(), task.due_provisional()), left,
              EnumName(task.kind()), task.number(), absl::StrCat(task.cycle())});
  }
  return t.Render() + (provisional ? kProvisionalNote : "") + NextPage(response.page());
}

}  // namespace tousu::ctl
