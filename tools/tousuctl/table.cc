#include "tools/tousuctl/table.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_split.h"
#include "common/validation/text.h"
#include "tools/tousuctl/strings.h"

namespace tousu::ctl {
namespace {

using validation::DecodeUtf8;
using validation::Utf8Step;

struct Range {
  char32_t first;
  char32_t last;
};

// Combining marks and zero-width characters (the common ones; a rare mark missing here only
// shifts one row by a column).
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F},   {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},   {0x064B, 0x065F},
    {0x0E31, 0x0E31},   {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1160, 0x11FF},   {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF},   {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0x302A, 0x302D},   {0x3099, 0x309A},
    {0xFE00, 0xFE0F},   {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0x1F3FB, 0x1F3FF}, {0xE0000, 0xE007F},
    {0xE0100, 0xE01EF},
};

// East Asian Wide (W) and Fullwidth (F) blocks, Unicode 15, coarsened to whole blocks.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F2FF}, {0x1F300, 0x1F64F},
    {0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

template <size_t N>
bool InRanges(const Range (&ranges)[N], char32_t cp) {
  // Sorted and disjoint: binary search on the first element past cp.
  auto it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                             [](char32_t c, const Range& r) { return c < r.first; });
  if (it == std::begin(ranges)) return false;
  --it;
  return cp <= it->last;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Characters that must not reach a terminal as they are.
bool IsUnsafe(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

bool IsLineBreakOrTab(char32_t cp) {
  return cp == '\n' || cp == '\r' || cp == '\t' || cp == 0x2028 || cp == 0x2029;
}

}  // namespace

int CodePointWidth(char32_t cp) {
  if (cp == 0) return 0;
  if (InRanges(kZeroWidth, cp)) return 0;
  if (InRanges(kWide, cp)) return 2;
  return 1;
}

size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  while (!s.empty()) {
    const Utf8Step step = DecodeUtf8(s);
    width += step.valid ? CodePointWidth(step.code_point) : 1;
    s.remove_prefix(step.length);
  }
  return width;
}

std::string SanitizeLine(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const Utf8Step step = DecodeUtf8(s);
    if (!step.valid) {
      out += kReplacement;
    } else if (IsLineBreakOrTab(step.code_point)) {
      out += ' ';
    } else if (IsUnsafe(step.code_point)) {
      out += kReplacement;
    } else {
      out.append(s.substr(0, step.length));
    }
    s.remove_prefix(step.length);
  }
  return out;
}

std::string SanitizeText(std::string_view s) {
  std::string unified;
  unified.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      unified += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      unified += s[i];
    }
  }
  std::string out;
  bool first = true;
  for (absl::string_view line : absl::StrSplit(unified, '\n')) {
    if (!first) out += '\n';
    first = false;
    out += SanitizeLine(ToStd(line));
  }
  return out;
}

std::string Truncate(std::string_view s, size_t width) {
  if (DisplayWidth(s) <= width) return std::string(s);
  constexpr std::string_view kEllipsis = "...";
  if (width < kEllipsis.size()) return std::string(kEllipsis.substr(0, width));
  const size_t budget = width - kEllipsis.size();
  std::string out;
  size_t used = 0;
  while (!s.empty()) {
    const Utf8Step step = DecodeUtf8(s);
    const size_t w = step.valid ? CodePointWidth(step.code_point) : 1;
    if (used + w > budget) break;
    out.append(s.substr(0, step.length));
    used += w;
    s.remove_prefix(step.length);
  }
  out += kEllipsis;
  return out;
}

std::string PadRight(std::string_view s, size_t width) {
  std::string out(s);
  const size_t w = DisplayWidth(s);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string PadLeft(std::string_view s, size_t width) {
  const size_t w = DisplayWidth(s);
  std::string out;
  if (w < width) out.append(width - w, ' ');
  out.append(s);
  return out;
}

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), max_width_(headers_.size(), 0), right_(headers_.size()) {}

Table& Table::MaxWidth(size_t column, size_t width) {
  if (column < max_width_.size()) max_width_[column] = width;
  return *this;
}

Table& Table::AlignRight(size_t column) {
  if (column < right_.size()) right_[column] = true;
  return *this;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string cell = SanitizeLine(cells[i]);
    if (cell.empty()) cell = "-";
    if (max_width_[i] > 0) cell = Truncate(cell, max_width_[i]);
    cells[i] = std::move(cell);
  }
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = DisplayWidth(headers_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      const bool last = i + 1 == cells.size();
      if (right_[i]) {
        line += PadLeft(cells[i], widths[i]);
      } else {
        line += last ? cells[i] : PadRight(cells[i], widths[i]);
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  emit(headers_);
  for (const auto& row : rows_) emit(row);
  return out;
}

void Details::Add(std::string label, std::string value) {
  lines_.emplace_back(std::move(label), std::move(value));
}

std::string Details::Render() const {
  size_t label_width = 0;
  for (const auto& [label, value] : lines_)
    label_width = std::max(label_width, DisplayWidth(label));
  std::string out;
  for (const auto& [label, value] : lines_) {
    std::string text = SanitizeText(value);
    if (text.empty()) text = "-";
    bool first = true;
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      std::string row = PadRight(first ? label : "", label_width) + "  " + std::string(line);
      while (!row.empty() && row.back() == ' ') row.pop_back();
      out += row;
      out += '\n';
      first = false;
    }
  }
  return out;
}

}  // namespace tousu::ctl
