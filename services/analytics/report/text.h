#pragma once
// The report's display text: Chinese labels of rollup names (categories and stages from the
// enums' descriptors, departments from the staff directory's names), the wording of the SLA
// terms, numbers and months as the report prints them, and HTML escaping.

#include <map>
#include <string>

#include "services/analytics/domain/rules.h"

namespace tousu::analytics::report {

// "unassigned" -> "未分派"; a department the staff directory named -> its name; else the id.
std::string DepartmentLabel(const std::string& id, const std::map<std::string, std::string>& names);

// How the report states the SLA terms: "1 小时" in sentences (spaced) and "1小时" in labels;
// a window of whole minutes reads "30 分钟". Days are business days: "2 个工作日".
std::string AckWindowText(const SlaTerms& terms, bool spaced);
std::string BusinessDaysText(int days, bool spaced);

std::string Pct(double rate);        // 0.75 -> "75.0%"
std::string Num(double v);           // 3.2 -> "3.20"
std::string Hours(double seconds);   // 5400 -> "1.5"
std::string MonthLabel(int yyyymm);  // 202603 -> "2026/03"

}  // namespace tousu::analytics::report
