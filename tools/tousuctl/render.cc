#include "tools/tousuctl/render.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/log/mask.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/strings.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {
namespace {

namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace sv1 = complaints::staff::v1;

std::string Confidence(double c) { return absl::StrFormat("%.2f", c); }

// Routing's snake_case words ("sent_to_supervisor") spelled like the command line's names.
std::string Word(std::string_view s) { return absl::StrReplaceAll(ToAbsl(s), {{"_", "-"}}); }

std::string YesNo(bool b) { return b ? "yes" : "no"; }

std::string NextPage(const complaints::common::v1::PageResponse& page) {
  if (page.next_page_token().empty()) return "";
  return absl::StrCat("More: add --page-token ", page.next_page_token(),
                      " for the next page (or --all for every page).\n");
}

// "2026-11-26 15:04 (42m left)" for a pending deadline, "(overdue 7m)" once it passed; a
// provisional one (a year whose holidays are not published) says so.
std::string Deadline(const google::protobuf::Timestamp& due, bool has, bool pending, absl::Time now,
                     bool provisional = false) {
  if (!has) return "";
  std::string text = FormatBeijing(due);
  std::vector<std::string> notes;
  if (provisional) notes.push_back("provisional");
  if (pending) {
    const absl::Duration left = FromProto(due) - now;
    notes.push_back(left < absl::ZeroDuration() ? FormatRemaining(left)
                                                : absl::StrCat(FormatRemaining(left), " left"));
  }
  if (!notes.empty()) absl::StrAppend(&text, " (", absl::StrJoin(notes, ", "), ")");
  return text;
}

// The LEFT column of a list: time left, or "overdue 7m"; empty when nothing is pending.
std::string Left(const google::protobuf::Timestamp& due, bool has, bool pending, absl::Time now) {
  if (!has || !pending) return "";
  return FormatRemaining(FromProto(due) - now);
}

// A due time in a table cell: "2026-11-28 17:30", with " *" when provisional.
std::string DueCell(const google::protobuf::Timestamp& due, bool has, bool provisional) {
  if (!has) return "";
  return provisional ? absl::StrCat(FormatBeijing(due), " *") : FormatBeijing(due);
}

constexpr char kProvisionalNote[] =
    "* provisional: in a year whose holidays are not published yet (counted on weekends only).\n";

std::string Place(const std::string& building, const std::string& unit) {
  if (building.empty()) return unit;
  if (unit.empty()) return building;
  return absl::StrCat(building, " ", unit);
}

}  // namespace

void MaskComplaintInput(iv1::ComplaintInput* input) {
  if (!input->customer_name().empty()) {
    input->set_customer_name(log::MaskName(input->customer_name()));
  }
  if (!input->customer_phone().empty()) {
    input->set_customer_phone(log::MaskPhone(input->customer_phone()));
  }
  if (!input->customer_email().empty()) {
    input->set_customer_email(log::MaskEmail(input->customer_email()));
  }
}

void MaskStaff(sv1::Staff* staff) {
  if (!staff->phone().empty()) staff->set_phone(log::MaskPhone(staff->phone()));
  if (!staff->email().empty()) staff->set_email(log::MaskEmail(staff->email()));
}

std::string RenderComplaint(const iv1::Complaint& c, absl::Time now) {
  const iv1::ComplaintInput& in = c.input();
  const bool awaiting_ack = c.status() == iv1::COMPLAINT_STATUS_ROUTED;
  const bool awaiting_solution = c.status() == iv1::COMPLAINT_STATUS_ACKNOWLEDGED;
  Details d;
  d.Add("Number", c.number());
  d.Add("Status", EnumName(c.status()));
  d.Add("Category", EnumName(c.category()));
  d.Add("Department", c.department_id());
  d.Add("Owner", c.owner_staff_id());
  d.Add("Ack due", Deadline(c.ack_due(), c.has_ack_due(), awaiting_ack, now));
  std::string solution_due = Deadline(c.solution_due(), c.has_solution_due(), awaiting_solution,
                                      now, c.solution_due_provisional());
  if (c.solution_due_extended()) {
    absl::StrAppend(&solution_due, " extended",
                    c.has_original_solution_due()
                        ? absl::StrCat(" from ", FormatBeijing(c.original_solution_due()))
                        : "");
  }
  d.Add("Solution due", solution_due);
  d.Add("Received", FormatBeijing(c.received_at(), c.has_received_at()));
  d.Add("Updated", FormatBeijing(c.updated_at(), c.has_updated_at()));
  d.Add("Customer", in.customer_name());
  d.Add("Phone", in.customer_phone());
  d.Add("Email", in.customer_email());
  d.Add("Project", in.project());
  d.Add("Building", in.building());
  d.Add("Unit", in.unit());
  d.Add("Stage", EnumName(in.journey_stage()));
  d.Add("Channel", EnumName(in.channel()));
  d.Add("Recorded by", in.recorded_by_staff_id());
  d.Add("Staff category", EnumName(in.staff_category()));
  d.Add("Severity", EnumName(in.severity()));
  d.Add("Occurred", FormatBeijing(in.occurred_at(), in.has_occurred_at()));
  d.Add("Description", in.description());
  d.Add("Expected", in.expected_resolution());
  // Case handling and follow-up: shown once there is something to show.
  if (c.cycle() > 0) {
    d.Add("Cycle",
          c.cycle() > 1 ? absl::StrCat(c.cycle(), " (reopened)") : absl::StrCat(c.cycle()));
  }
  if (!c.solution().empty()) d.Add("Solution", c.solution());
  if (c.has_planned_completion()) d.Add("Complete by", FormatBeijing(c.planned_completion()));
  if (!c.resolution().empty()) d.Add("Resolution", c.resolution());
  if (!c.tracker_staff_id().empty()) d.Add("Tracker", c.tracker_staff_id());
  if (c.has_callback_due()) {
    d.Add("Callback due",
          Deadline(c.callback_due(), true, c.status() == iv1::COMPLAINT_STATUS_RESOLVED, now,
                   c.callback_due_provisional()));
  }
  if (c.satisfaction() > 0) d.Add("Satisfaction", absl::StrCat(c.satisfaction(), "/5"));
  if (c.has_closed_at()) d.Add("Closed", FormatBeijing(c.closed_at()));
  std::string out = d.Render();
  out += "\nTimeline (Beijing time)\n";
  Table t({"TIME", "EVENT", "ACTOR", "DEPARTMENT", "SUMMARY"});
  for (const iv1::TimelineEntry& e : c.timeline()) {
    t.AddRow({FormatBeijing(e.at(), e.has_at()), EnumName(e.type()), e.actor_id(),
              e.department_id(), e.summary()});
  }
  out += t.Render();
  return out;
}

std::string RenderComplaintList(const iv1::ListComplaintsResponse& response) {
  if (response.complaints().empty()) return "No complaints match.\n";
  Table t({"NUMBER", "RECEIVED", "STATUS", "CATEGORY", "SEVERITY", "CHANNEL", "PROJECT", "UNIT",
           "DEPARTMENT", "DESCRIPTION"});
  t.MaxWidth(6, 20).MaxWidth(7, 16).MaxWidth(9, 40);
  for (const iv1::ComplaintSummary& s : response.complaints()) {
    t.AddRow({s.number(), FormatBeijing(s.received_at(), s.has_received_at()), EnumName(s.status()),
              EnumName(s.category()), EnumName(s.severity()), EnumName(s.channel()), s.project(),
              Place(s.building(), s.unit()), s.department_id(), s.description_preview()});
  }
  return t.Render() + NextPage(response.page());
}

std::string RenderClassification(const rv1::ClassifyComplaintResponse& response) {
  Table t({"CATEGORY", "PROBABILITY", ""});
  t.AlignRight(1);
  t.AddRow({EnumName(response.category()), Confidence(response.confidence()), "suggested"});
  for (const rv1::CategoryScore& s : response.others()) {
    t.AddRow({EnumName(s.category()), Confidence(s.probability()), " "});
  }
  return t.Render();
}

std::string RenderRules(const rv1::ListRoutingRulesResponse& response) {
  if (response.rules().empty()) return "No routing rules.\n";
  Table t({"CATEGORY", "PROJECT", "DEPARTMENT", "UPDATED"});
  for (const rv1::RoutingRule& r : response.rules()) {
    t.AddRow({EnumName(r.category()), r.project().empty() ? "(every project)" : r.project(),
              r.department_id(), FormatBeijing(r.updated_at(), r.has_updated_at())});
  }
  return t.Render();
}

std::string RenderAssignment(const rv1::Assignment& a, absl::Time now) {
  Details d;
  d.Add("Number", a.number());
  d.Add("State", EnumName(a.state()));
  std::string category = EnumName(a.category());
  if (!a.category_source().empty()) {
    absl::StrAppend(&category, " (", a.category_source(), ", confidence ",
                    Confidence(a.confidence()), ")");
  }
  d.Add("Category", category);
  d.Add("Severity", EnumName(a.severity()));
  d.Add("Department", a.department_id());
  d.Add("Assisting", absl::StrJoin(a.assisting_department_ids(), ", "));
  d.Add("Owner", a.owner_staff_id());
  d.Add("Routed", FormatBeijing(a.routed_at(), a.has_routed_at()));
  d.Add("Ack due",
        Deadline(a.ack_due(), a.has_ack_due(), a.state() == rv1::ASSIGNMENT_STATE_ROUTED, now));
  std::string acknowledged = FormatBeijing(a.acknowledged_at(), a.has_acknowledged_at());
  if (a.has_acknowledged_at()) {
    absl::StrAppend(&acknowledged, a.acknowledged_on_time() ? " (on time)" : " (late)");
  }
  d.Add("Acknowledged", acknowledged);
  d.Add("Supervisor reason", Word(a.supervisor_reason()));
  d.Add("Bounces", absl::StrCat(a.bounces()));
  d.Add("Escalated", YesNo(a.escalated()));
  d.Add("Complex", YesNo(a.complex()));
  std::string out = d.Render();
  if (!a.hops().empty()) {
    out += "\nHops (Beijing time)\n";
    Table t({"#", "TIME", "ACTION", "DEPARTMENT", "STAFF", "REASON"});
    t.AlignRight(0);
    for (const rv1::Hop& h : a.hops()) {
      t.AddRow({absl::StrCat(h.hop()), FormatBeijing(h.at(), h.has_at()), Word(h.action()),
                h.department_id(), h.staff_id(), h.reason()});
    }
    out += t.Render();
  }
  return out;
}

std::string RenderDepartmentQueue(const rv1::ListDepartmentQueueResponse& response,
                                  absl::Time now) {
  if (response.assignments().empty()) return "Nothing waiting for acknowledgement.\n";
  Table t({"NUMBER", "CATEGORY", "SEVERITY", "ROUTED", "ACK DUE", "LEFT", "BOUNCES", "ESCALATED"});
  t.AlignRight(6);
  for (const rv1::Assignment& a : response.assignments()) {
    t.AddRow({a.number(), EnumName(a.category()), EnumName(a.severity()),
              FormatBeijing(a.routed_at(), a.has_routed_at()),
              FormatBeijing(a.ack_due(), a.has_ack_due()),
              a.has_ack_due() ? FormatRemaining(FromProto(a.ack_due()) - now) : "",
              absl::StrCat(a.bounces()), YesNo(a.escalated())});
  }
  return t.Render() + NextPage(response.page());
}

std::string RenderSupervisorQueue(const rv1::ListSupervisorQueueResponse& response,
                                  absl::Time now) {
  if (response.assignments().empty()) return "Nothing waiting for a supervisor.\n";
  Table t(
      {"NUMBER", "REASON", "CATEGORY", "CONFIDENCE", "SEVERITY", "BOUNCES", "ROUTED", "WAITING"});
  t.AlignRight(3).AlignRight(5);
  for (const rv1::Assignment& a : response.assignments()) {
    std::string waiting;
    if (a.has_routed_at()) {
      waiting = FormatRemaining(now - FromProto(a.routed_at()));
      // FormatRemaining counts down; for an age, drop its "overdue" wording.
      if (waiting.starts_with("overdue ")) waiting = "0m";
    }
    t.AddRow({a.number(), Word(a.supervisor_reason()), EnumName(a.category()),
              Confidence(a.confidence()), EnumName(a.severity()), absl::StrCat(a.bounces()),
              FormatBeijing(a.routed_at(), a.has_routed_at()), waiting});
  }
  return t.Render() + NextPage(response.page());
}

std::string RenderStaffList(const sv1::ListStaffResponse& response) {
  if (response.staff().empty()) return "No staff match.\n";
  Table t({"ID", "NAME", "ROLE", "DEPARTMENT", "ACTIVE", "PHONE", "EMAIL"});
  for (const sv1::Staff& s : response.staff()) {
    t.AddRow({s.id(), s.name(), EnumName(s.role()), s.department_id(), YesNo(s.active()), s.phone(),
              s.email()});
  }
  return t.Render() + NextPage(response.page());
}

std::string RenderStaff(const sv1::Staff& s) {
  Details d;
  d.Add("Id", s.id());
  d.Add("Name", s.name());
  d.Add("Role", EnumName(s.role()));
  d.Add("Department", s.department_id());
  d.Add("Active", YesNo(s.active()));
  d.Add("Phone", s.phone());
  d.Add("Email", s.email());
  d.Add("Created", FormatBeijing(s.created_at(), s.has_created_at()));
  d.Add("Updated", FormatBeijing(s.updated_at(), s.has_updated_at()));
  return d.Render();
}

std::string RenderDepartments(const sv1::ListDepartmentsResponse& response) {
  if (response.departments().empty()) return "No departments match.\n";
  Table t({"ID", "NAME", "KIND", "SUPERVISOR", "ACTIVE"});
  for (const sv1::Department& d : response.departments()) {
    t.AddRow({d.id(), d.name(), EnumName(d.kind()), d.supervisor_staff_id(), YesNo(d.active())});
  }
  return t.Render() + NextPage(response.page());
}

// --- Case handling ------------------------------------------------------------------------------

namespace {

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

std::string OnTime(bool on_time) { return on_time ? "on time" : "late"; }

void Section(std::string* out, std::string_view title, const Table& t) {
  if (t.rows() == 0) return;
  absl::StrAppend(out, "\n", ToAbsl(title), "\n", t.Render());
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

// --- Follow-up ----------------------------------------------------------------------------------

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
