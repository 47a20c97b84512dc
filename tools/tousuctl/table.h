#pragma once
// Plain-text layout for a terminal: column widths counted in display columns, so Chinese text
// lines up (a CJK character is two columns wide, a combining mark none). Text from the services
// is made safe to print: invalid UTF-8 and control characters (escape sequences, bidi overrides)
// become U+FFFD, so a complaint's text can never move the cursor or recolour the terminal.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tousu::ctl {

// Terminal columns of one code point: 2 for East Asian wide and fullwidth characters (CJK,
// kana, hangul, fullwidth forms, most emoji), 0 for combining marks and zero-width characters,
// 1 otherwise (East Asian "ambiguous" characters count as 1, as most terminals show them).
int CodePointWidth(char32_t cp);

// Columns `s` takes once printed (after SanitizeLine: invalid bytes are one column each).
size_t DisplayWidth(std::string_view s);

// One line of safe text: tabs and line breaks become spaces, other control characters, bidi
// controls and invalid UTF-8 become U+FFFD.
std::string SanitizeLine(std::string_view s);

// Safe text that keeps its lines: "\r\n" and "\r" become "\n", each line as SanitizeLine.
std::string SanitizeText(std::string_view s);

// At most `width` columns of `s` (already sanitized), ending with "..." when something was cut.
// Never splits a character; a wide character that does not fit is left out whole.
std::string Truncate(std::string_view s, size_t width);

// `s` followed by spaces up to `width` columns (no padding when it is already as wide).
std::string PadRight(std::string_view s, size_t width);
std::string PadLeft(std::string_view s, size_t width);

// A table: a header row and rows of cells, columns two spaces apart, no trailing spaces. Cells
// are sanitized to one line; an empty cell shows as "-".
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Cells of `column` wider than `width` are truncated (e.g. descriptions).
  Table& MaxWidth(size_t column, size_t width);
  // Numbers read better right-aligned.
  Table& AlignRight(size_t column);
  // Missing cells are empty; extra cells are an error in the caller (ignored).
  void AddRow(std::vector<std::string> cells);

  size_t rows() const { return rows_.size(); }
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<size_t> max_width_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// Label / value lines for one record:
//   Number      TS-202611-000123
//   Description 墙体开裂，
//               雨天渗水
// Values keep their line breaks (continuation lines are indented); an empty value shows as "-".
class Details {
 public:
  void Add(std::string label, std::string value);
  std::string Render() const;

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

}  // namespace tousu::ctl
