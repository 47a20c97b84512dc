#pragma once
// The monthly management report (policy §8): pure rendering of figures the service has already
// computed into a self-contained Chinese HTML document (inline CSS, server-drawn inline SVG charts;
// html.cc, charts.cc) and into JSON carrying the same figures for programs (json.cc). No
// database, no server.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "complaints/analytics/v1/analytics.pb.h"
#include "services/analytics/domain/rules.h"

namespace tousu::analytics::report {

namespace av1 = complaints::analytics::v1;

// One typical case, chosen by rule. Personal data (name, phone, room) is masked when rendered;
// the analytics facts carry none of it, so these are usually empty.
struct TypicalCase {
  std::string number;
  std::string reason;  // "longest_resolution", "reopened" or "critical"
  // Rollup names ("product_quality", ...) and the department's id.
  std::string category, stage, project, department;
  std::string customer_name, phone, room;  // raw; masked on output
  double resolution_hours = -1;            // < 0: not resolved
  int reopen_count = 0;
  bool critical = false;
};

// SLA compliance rates (0..1) of one month; a negative rate means no known outcome.
struct SlaPoint {
  int yyyymm = 0;
  double acknowledgement = -1, solution = -1, callback = -1;
};

struct ReportInputs {
  av1::MonthlySummary summary;
  // The months of the trend (oldest first, yyyymm) and, per category name, one count per month.
  std::vector<int> trend_months;
  std::map<std::string, std::vector<int64_t>> category_trend;
  std::vector<SlaPoint> sla_history;  // oldest first; the months with known outcomes
  std::vector<av1::SpikeAlert> alerts;
  std::vector<TypicalCase> cases;
  absl::Time generated_at = absl::UnixEpoch();
  // Department id -> name, from the staff directory; a department without one shows its id.
  std::map<std::string, std::string> department_names;
  // The deadlines the report states ("1 小时受理", "2 个工作日内提出解决方案").
  SlaTerms sla_terms;
};

// Chinese display names of rollup names (text.cc); unknown names are returned unchanged.
std::string CategoryLabel(const std::string& name);
std::string StageLabel(const std::string& name);

// Escapes &, <, >, " and ' for HTML text and attribute values (also valid inside SVG).
std::string EscapeHtml(const std::string& text);

std::string RenderMonthlyReportHtml(const ReportInputs& in);
// The same figures as a JSON object (protobuf JSON of a google.protobuf.Struct).
std::string RenderMonthlyReportJson(const ReportInputs& in);

}  // namespace tousu::analytics::report
