#include "tools/tousuctl/render_case.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_parts.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {
namespace {

namespace chv1 = complaints::casehandling::v1;

std::string Attachments(const google::protobuf::RepeatedPtrField<chv1::Attachment>& list) {
  std::vector<std::string> lines;
  for (const chv1::Attachment& a : list) {
    lines.push_back(absl::StrCat(a.uri(), "  ", a.media_type(), "  sha256 ", a.sha256()));
  }
  return absl::StrJoin(lines, "\n");
}

std::string Numbered(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::vector<std::string> lines;
  int i = 0;
  for (const std::string& item : items) lines.push_back(absl::StrCat(++i, ". ", item));
  return absl::StrJoin(lines, "\n");
}

}  // namespace

std::string RenderCase(const chv1::Case& k, absl::Time now) {
  const bool investigating = k.state() == chv1::CASE_STATE_INVESTIGATING;
  Details d;
  d.Add("Number", k.number());
  d.Add("State", EnumName(k.state()));
  d.Add("Cycle", k.cycle() > 1 ? absl::StrCat(k.cycle(), " (reopened)") : absl::StrCat(k.cycle()));
  d.Add("Department", k.department_id());
  d.Add("Assisting", absl::StrJoin(k.assisting_department_ids(), ", "));
  d.Add("Owner", k.owner_staff_id());
  d.Add("Category", EnumName(k.category()));
  d.Add("Severity", EnumName(k.severity()));
  d.Add("Complex", YesNo(k.complex()));
  std::string due = Deadline(k.solution_due(), k.has_solution_due(), investigating, now,
                             k.solution_due_provisional());
  if (k.solution_deadline_missed()) absl::StrAppend(&due, " MISSED");
  d.Add("Solution due", due);
  d.Add("Revisions", absl::StrCat(k.revision()));
  d.Add("Acknowledged", FormatBeijing(k.acknowledged_at(), k.has_acknowledged_at()));
  d.Add("Updated", FormatBeijing(k.updated_at(), k.has_updated_at()));
  if (k.has_closed_at()) d.Add("Closed", FormatBeijing(k.closed_at()));
  std::string out = d.Render();

  bool provisional = false;
  Table cycles({"CYCLE", "OPENED", "HOW", "SATISFACTION", "RESOLVED", "BY", "RESULT"});
  cycles.AlignRight(0).AlignRight(3);
  for (const chv1::Cycle& c : k.cycles()) {
    cycles.AddRow({absl::StrCat(c.cycle()), FormatBeijing(c.opened_at(), c.has_opened_at()),
                   c.opened_by(),
                   c.reopen_satisfaction() > 0 ? absl::StrCat(c.reopen_satisfaction(), "/5") : "",
                   FormatBeijing(c.resolved_at(), c.has_resolved_at()), c.resolved_by_staff_id(),
                   c.result()});
  }
  Section(&out, "Cycles (Beijing time)", cycles);

  Table deadlines({"CYCLE", "KIND", "DUE", "SET", "BY", "MISSED", "REASON"});
  deadlines.AlignRight(0);
  for (const chv1::SolutionDeadline& x : k.deadlines()) {
    provisional = provisional || x.provisional();
    deadlines.AddRow({absl::StrCat(x.cycle()), EnumName(x.kind()),
                      DueCell(x.due(), x.has_due(), x.provisional()),
                      FormatBeijing(x.set_at(), x.has_set_at()), x.staff_id(),
                      FormatBeijing(x.missed_at(), x.has_missed_at()), x.reason()});
  }
  Section(&out, "Solution deadlines", deadlines);

  Table investigation({"ID", "CYCLE", "TIME", "KIND", "BY", "FILES", "NOTE"});
  investigation.AlignRight(0).AlignRight(1).AlignRight(5);
  Table files({"OF", "TYPE", "SHA256", "URI"});
  for (const chv1::InvestigationEntry& e : k.investigation_entries()) {
    investigation.AddRow({absl::StrCat(e.id()), absl::StrCat(e.cycle()),
                          FormatBeijing(e.at(), e.has_at()), EnumName(e.kind()),
                          e.author_staff_id(), absl::StrCat(e.attachments_size()), e.note()});
    for (const chv1::Attachment& a : e.attachments()) {
      files.AddRow({absl::StrCat("entry ", e.id()), a.media_type(), a.sha256(), a.uri()});
    }
  }
  Section(&out, "Investigation", investigation);

  Table reports({"ID", "CYCLE", "TIME", "INSPECTOR", "SEVERITY", "CAUSE", "RECOMMENDED REPAIR"});
  reports.AlignRight(0).AlignRight(1).MaxWidth(5, 40);
  for (const chv1::InspectionReport& r : k.inspection_reports()) {
    reports.AddRow({absl::StrCat(r.id()), absl::StrCat(r.cycle()),
                    FormatBeijing(r.at(), r.has_at()), r.inspector_staff_id(),
                    EnumName(r.severity()), r.cause(), r.recommended_repair()});
    for (const chv1::Attachment& a : r.attachments()) {
      files.AddRow({absl::StrCat("report ", r.id()), a.media_type(), a.sha256(), a.uri()});
    }
  }
  Section(&out, "Inspection reports ('tousuctl case get --json' has the findings)", reports);
  Section(&out, "Attachments", files);

  Table contacts({"ID", "CYCLE", "TIME", "CHANNEL", "PURPOSE", "BY", "SUMMARY"});
  contacts.AlignRight(0).AlignRight(1);
  for (const chv1::CustomerContact& c : k.contacts()) {
    contacts.AddRow({absl::StrCat(c.id()), absl::StrCat(c.cycle()),
                     FormatBeijing(c.at(), c.has_at()), EnumName(c.channel()),
                     EnumName(c.purpose()), c.staff_id(), c.summary()});
  }
  Section(&out, "Contacts with the customer", contacts);

  for (const chv1::Solution& s : k.solutions()) {
    absl::StrAppend(&out, "\nSolution (cycle ", s.cycle(), ", revision ", s.revision(), ")\n",
                    RenderSolution(s));
  }

  Table decisions({"CYCLE", "REV", "TIME", "DECISION", "RECORDED BY", "REVISION DUE", "REASON"});
  decisions.AlignRight(0).AlignRight(1);
  for (const chv1::Decision& x : k.decisions()) {
    decisions.AddRow(
        {absl::StrCat(x.cycle()), absl::StrCat(x.revision()), FormatBeijing(x.at(), x.has_at()),
         EnumName(x.decision()),
         x.recorded_by_staff_id().empty() ? "(customer, in the app)" : x.recorded_by_staff_id(),
         FormatBeijing(x.revised_solution_due(), x.has_revised_solution_due()), x.reason()});
  }
  Section(&out, "Customer decisions", decisions);

  Table notes({"CYCLE", "TIME", "BY", "PLAN CHANGED", "NOTE", "TOLD THE CUSTOMER"});
  notes.AlignRight(0).MaxWidth(4, 60);
  for (const chv1::ImplementationNote& n : k.implementation_notes()) {
    notes.AddRow({absl::StrCat(n.cycle()), FormatBeijing(n.at(), n.has_at()), n.staff_id(),
                  YesNo(n.plan_changed()), n.note(), n.customer_explanation()});
  }
  Section(&out, "Implementation", notes);
  if (provisional) absl::StrAppend(&out, "\n", kProvisionalNote);
  return out;
}

std::string RenderCaseList(const chv1::ListCasesResponse& response, absl::Time now) {
  if (response.cases().empty()) return "No cases match.\n";
  Table t({"NUMBER", "STATE", "CYCLE", "DEPARTMENT", "OWNER", "CATEGORY", "SEVERITY", "COMPLEX",
           "SOLUTION DUE", "LEFT", "REVISIONS"});
  t.AlignRight(2).AlignRight(9).AlignRight(10);
  bool provisional = false;
  for (const chv1::Case& k : response.cases()) {
    const bool investigating = k.state() == chv1::CASE_STATE_INVESTIGATING;
    provisional = provisional || (investigating && k.solution_due_provisional());
    t.AddRow({k.number(), EnumName(k.state()), absl::StrCat(k.cycle()), k.department_id(),
              k.owner_staff_id(), EnumName(k.category()), EnumName(k.severity()),
              YesNo(k.complex()),
              investigating
                  ? DueCell(k.solution_due(), k.has_solution_due(), k.solution_due_provisional())
                  : "",
              Left(k.solution_due(), k.has_solution_due(), investigating, now),
              absl::StrCat(k.revision())});
  }
  return t.Render() + (provisional ? kProvisionalNote : "") + NextPage(response.page());
}

std::string RenderInvestigationEntry(const chv1::InvestigationEntry& e) {
  Details d;
  d.Add("Entry", absl::StrCat(e.id()));
  d.Add("Cycle", absl::StrCat(e.cycle()));
  d.Add("Kind", EnumName(e.kind()));
  d.Add("By", e.author_staff_id());
  d.Add("At", FormatBeijing(e.at(), e.has_at()));
  d.Add("Note", e.note());
  d.Add("Attachments", Attachments(e.attachments()));
  return d.Render();
}

std::string RenderInspectionReport(const chv1::InspectionReport& r) {
  Details d;
  d.Add("Report", absl::StrCat(r.id()));
  d.Add("Cycle", absl::StrCat(r.cycle()));
  d.Add("Inspector", r.inspector_staff_id());
  d.Add("At", FormatBeijing(r.at(), r.has_at()));
  d.Add("Severity", EnumName(r.severity()));
  d.Add("Cause", r.cause());
  d.Add("Findings", r.findings());
  d.Add("Repair", r.recommended_repair());
  d.Add("Attachments", Attachments(r.attachments()));
  return d.Render();
}

std::string RenderContact(const chv1::CustomerContact& c) {
  Details d;
  d.Add("Contact", absl::StrCat(c.id()));
  d.Add("Cycle", absl::StrCat(c.cycle()));
  d.Add("By", c.staff_id());
  d.Add("Channel", EnumName(c.channel()));
  d.Add("Purpose", EnumName(c.purpose()));
  d.Add("At", FormatBeijing(c.at(), c.has_at()));
  d.Add("Summary", c.summary());
  return d.Render();
}

std::string RenderSolution(const chv1::Solution& s) {
  Details d;
  d.Add("Cycle", absl::StrCat(s.cycle()));
  d.Add("Revision", absl::StrCat(s.revision()));
  d.Add("Proposed", s.has_proposed_at() ? absl::StrCat(FormatBeijing(s.proposed_at()), " (",
                                                       OnTime(s.on_time()), ")")
                                        : OnTime(s.on_time()));
  d.Add("Due", FormatBeijing(s.due(), s.has_due()));
  d.Add("By", s.staff_id());
  d.Add("Owner", s.owner_staff_id());
  d.Add("Solution", s.solution());
  d.Add("Actions", Numbered(s.planned_actions()));
  d.Add("Complete by", FormatBeijing(s.planned_completion(), s.has_planned_completion()));
  return d.Render();
}

std::string RenderDecision(const chv1::Decision& x, absl::Time now) {
  Details d;
  d.Add("Cycle", absl::StrCat(x.cycle()));
  d.Add("Revision", absl::StrCat(x.revision()));
  d.Add("Decision", EnumName(x.decision()));
  d.Add("Reason", x.reason());
  d.Add("Recorded by",
        x.recorded_by_staff_id().empty() ? "(customer, in the app)" : x.recorded_by_staff_id());
  d.Add("At", FormatBeijing(x.at(), x.has_at()));
  if (x.has_revised_solution_due()) {
    d.Add("Revision due", Deadline(x.revised_solution_due(), true, true, now));
  }
  return d.Render();
}

std::string RenderImplementationNote(const chv1::ImplementationNote& n) {
  Details d;
  d.Add("Cycle", absl::StrCat(n.cycle()));
  d.Add("By", n.staff_id());
  d.Add("At", FormatBeijing(n.at(), n.has_at()));
  d.Add("Note", n.note());
  d.Add("Plan changed", YesNo(n.plan_changed()));
  if (n.plan_changed()) d.Add("Told customer", n.customer_explanation());
  return d.Render();
}

}  // namespace tousu::ctl
