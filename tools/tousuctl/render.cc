#include "tools/tousuctl/render.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/log/mask.h"
#include "tools/tousuctl/enums.h"
#include "tools/tousuctl/render_parts.h"
#include "tools/tousuctl/strings.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {
namespace {

namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace sv1 = complaints::staff::v1;

std::string Confidence(double c) { return absl::StrFormat("%.2f", c); }

// Routing's snake_case words ("sent_to_supervisor") spelled like the command line's names.
std::string Word(std::string_view s) { return absl::StrReplaceAll(ToAbsl(s), {{"_", "-"}}); }

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
  Table t({"NUMBER", "REASON", "CATEGORY", "CONFIDENCE", "SEVERITY", "BOUNCES", "ROUTED", "WAITING",
           "TIME LEFT"});
  t.AlignRight(3).AlignRight(5);
  for (const rv1::Assignment& a : response.assignments()) {
    // How long it has waited in the queue (since it was routed, for rows from before the queue
    // had a clock), and the time left until the complaint office manager is alerted.
    const bool queued = a.has_queued_at();
    std::string waiting;
    if (queued || a.has_routed_at()) {
      waiting = FormatRemaining(now - FromProto(queued ? a.queued_at() : a.routed_at()));
      // FormatRemaining counts down; for an age, drop its "overdue" wording.
      if (waiting.starts_with("overdue ")) waiting = "0m";
    }
    const std::string left =
        a.has_queue_due() ? FormatRemaining(FromProto(a.queue_due()) - now) : std::string("-");
    t.AddRow({a.number(), Word(a.supervisor_reason()), EnumName(a.category()),
              Confidence(a.confidence()), EnumName(a.severity()), absl::StrCat(a.bounces()),
              FormatBeijing(a.routed_at(), a.has_routed_at()), waiting, left});
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

}  // namespace tousu::ctl
