#pragma once
// The summary's counts in the order the report shows them (HTML and JSON alike), and the problems
// the report finds in them, each with its recommendation.

#include <string>
#include <vector>

#include "complaints/analytics/v1/analytics.pb.h"
#include "services/analytics/report/charts.h"
#include "services/analytics/report/report.h"

namespace tousu::analytics::report {

// Every known category (the enum's order) with its count, zero included, then any other name
// (kUnspecified) in name order.
Pairs ByCategory(const av1::MonthlySummary& s);
// The same for journey stages.
Pairs ByStage(const av1::MonthlySummary& s);
// Departments, the most complaints first.
Pairs ByDepartment(const av1::MonthlySummary& s);
// Any dimension in name order.
Pairs ByName(const google::protobuf::RepeatedPtrField<av1::Count>& counts);

struct Problem {
  std::string finding, recommendation;
};
// Spike alerts, SLA rates under target, a high reopen rate and a low satisfaction, in that order.
std::vector<Problem> Problems(const ReportInputs& in);

}  // namespace tousu::analytics::report
