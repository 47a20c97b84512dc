#pragma once
// The report's charts, drawn by the server as inline SVG (no script, no external resource).

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tousu::analytics::report {

// (rollup name, count) rows in the order they are shown.
using Pairs = std::vector<std::pair<std::string, int64_t>>;

// Horizontal bars, one per row, labelled by `label(name)`; each bar's width is proportional to
// its count (the longest 360 units).
std::string BarChart(const std::string& title, const Pairs& rows,
                     const std::function<std::string(const std::string&)>& label);

struct Series {
  std::string name;
  std::vector<double> values;  // < 0: no value that month
};

// Lines over the months (yyyymm); y from 0 to the largest value (or to 100% when `percent`).
std::string LineChart(const std::string& title, const std::vector<int>& months,
                      const std::vector<Series>& series, bool percent);

}  // namespace tousu::analytics::report
