#include "services/analytics/report/charts.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/analytics/report/report.h"
#include "services/analytics/report/text.h"

namespace tousu::analytics::report {
namespace {

const char* const kColours[] = {"#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#d35400", "#7f8c8d"};

// Every bar's width is count / max * kBarMax.
constexpr double kBarMax = 360.0;

}  // namespace

std::string BarChart(const std::string& title, const Pairs& rows,
                     const std::function<std::string(const std::string&)>& label) {
  int64_t max = 0;
  for (const auto& r : rows) max = std::max(max, r.second);
  const int row_h = 28, top = 30;
  const int height = top + row_h * static_cast<int>(std::max<size_t>(rows.size(), 1)) + 10;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart bar-chart\" width=\"620\" "
      "height=\"%d\" viewBox=\"0 0 620 %d\" role=\"img\" aria-label=\"%s\">\n"
      "<text x=\"10\" y=\"20\" class=\"ct\">%s</text>\n",
      height, height, EscapeHtml(title), EscapeHtml(title));
  int y = top;
  size_t i = 0;
  for (const auto& [name, count] : rows) {
    const double w =
        max == 0 ? 0.0 : kBarMax * static_cast<double>(count) / static_cast<double>(max);
    absl::StrAppendFormat(
        &svg,
        "<text x=\"150\" y=\"%d\" text-anchor=\"end\" class=\"lb\">%s</text>"
        "<rect class=\"bar\" data-count=\"%d\" x=\"160\" y=\"%d\" width=\"%.2f\" height=\"18\" "
        "fill=\"%s\"/><text x=\"%.2f\" y=\"%d\" class=\"vl\">%d</text>\n",
        y + 14, EscapeHtml(label(name)), count, y, w, kColours[i % 4], 160 + w + 6, y + 14, count);
    y += row_h;
    ++i;
  }
  svg += "</svg>\n";
  return svg;
}

std::string LineChart(const std::string& title, const std::vector<int>& months,
                      const std::vector<Series>& series, bool percent) {
  const double left = 50, right = 600, top = 40, bottom = 240;
  double y_max = 1.0;  // percent: 100%
  if (!percent) {
    for (const auto& s : series)
      for (double v : s.values) y_max = std::max(y_max, v);
    y_max = std::ceil(y_max * 1.1);
  }
  const size_t n = months.size();
  auto x_of = [&](size_t i) {
    return n <= 1 ? (left + right) / 2
                  : left + (right - left) * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  auto y_of = [&](double v) { return bottom - (bottom - top) * v / y_max; };
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart line-chart\" width=\"640\" "
      "height=\"290\" viewBox=\"0 0 640 290\" role=\"img\" aria-label=\"%s\">\n"
      "<text x=\"10\" y=\"20\" class=\"ct\">%s</text>\n",
      EscapeHtml(title), EscapeHtml(title));
  for (int k = 0; k <= 4; ++k) {
    const double v = y_max * k / 4.0;
    const double y = y_of(v);
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" class=\"ax\">%s</text>\n",
        left, y, right, y, left - 4, y + 4,
        percent ? absl::StrFormat("%.0f%%", 100 * v) : absl::StrFormat("%.0f", v));
  }
  for (size_t i = 0; i < n; ++i) {
    absl::StrAppendFormat(
        &svg, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"ax\">%s</text>\n",
        x_of(i), bottom + 16, MonthLabel(months[i]));
  }
  for (size_t s = 0; s < series.size(); ++s) {
    const char* colour = kColours[s % 6];
    std::string points;
    for (size_t i = 0; i < series[s].values.size() && i < n; ++i) {
      const double v = series[s].values[i];
      if (v < 0) continue;
      absl::StrAppendFormat(&points, "%s%.1f,%.1f", points.empty() ? "" : " ", x_of(i), y_of(v));
      absl::StrAppendFormat(&svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x_of(i),
                            y_of(v), colour);
    }
    absl::StrAppendFormat(&svg,
                          "\n<polyline class=\"line\" fill=\"none\" stroke=\"%s\" "
                          "stroke-width=\"2\" points=\"%s\"/>\n",
                          colour, points);
    const double lx = left + 140.0 * static_cast<double>(s);
    absl::StrAppendFormat(&svg,
                          "<rect x=\"%.1f\" y=\"270\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                          "<text x=\"%.1f\" y=\"281\" class=\"lb\">%s</text>\n",
                          lx, colour, lx + 16, EscapeHtml(series[s].name));
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace tousu::analytics::report
