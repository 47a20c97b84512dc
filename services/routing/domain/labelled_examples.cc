#include "services/routing/domain/labelled_examples.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/validation/text.h"

namespace tousu::routing {
namespace {

using ::complaints::common::v1::Category;

// Debian's Abseil has its own string_view; std code (the UTF-8 decoder) wants the standard one.
std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// "product_quality, sales_service, handover or property_service": the labels a file may use.
std::string CategoryChoices() {
  std::vector<std::string> labels;
  for (Category c : AllCategories()) labels.emplace_back(CategoryLabel(c));
  const std::string last = labels.back();
  labels.pop_back();
  return absl::StrCat(absl::StrJoin(labels, ", "), " or ", last);
}

absl::Status LineError(int line, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", message));
}

}  // namespace

absl::StatusOr<std::vector<LabelledExample>> ParseLabelledExamples(const std::string& tsv) {
  absl::string_view text = tsv;
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // editors' UTF-8 BOM
  std::vector<LabelledExample> examples;
  std::unordered_map<std::string, int> line_of_id;
  const std::string choices = CategoryChoices();
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
    // A comment may be indented: fields are trimmed, so " #x" would otherwise become an id "#x"
    // that reads as a comment once the file is rewritten.
    if (absl::StripAsciiWhitespace(line).empty() ||
        absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "#")) {
      continue;
    }
    // Only the file may start with a byte order mark. One at a line's start (a file pasted into
    // another) would become part of the id, and vanish when that line is written first.
    if (absl::StartsWith(line, "\xEF\xBB\xBF")) {
      return LineError(line_no, "a byte order mark (U+FEFF) may only start the file");
    }
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (fields.size() != 5) {
      return LineError(line_no, absl::StrCat("want 5 tab-separated fields (id, category, "
                                             "secondary, split, text), got ",
                                             fields.size()));
    }
    for (absl::string_view& f : fields) f = absl::StripAsciiWhitespace(f);
    LabelledExample ex;
    ex.id = std::string(fields[0]);
    if (ex.id.empty()) return LineError(line_no, "empty id");
    if (auto [it, inserted] = line_of_id.emplace(ex.id, line_no); !inserted) {
      return LineError(line_no, absl::StrCat("id ", ex.id, " already used on line ", it->second));
    }
    std::optional<Category> category = CategoryFromLabel(ToStd(fields[1]));
    if (!category) {
      return LineError(line_no,
                       absl::StrCat("unknown category '", fields[1], "' (want ", choices, ")"));
    }
    ex.category = *category;
    if (fields[2] != "-") {
      std::optional<Category> secondary = CategoryFromLabel(ToStd(fields[2]));
      if (!secondary) {
        return LineError(line_no, absl::StrCat("unknown secondary category '", fields[2],
                                               "' (want '-' or ", choices, ")"));
      }
      if (*secondary == ex.category) {
        return LineError(line_no, "secondary category repeats the category; use '-'");
      }
      ex.secondary = *secondary;
    }
    if (fields[3] == "test") {
      ex.held_out = true;
    } else if (fields[3] != "train") {
      return LineError(line_no,
                       absl::StrCat("unknown split '", fields[3], "' (want train or test)"));
    }
    if (fields[4].empty()) return LineError(line_no, "empty text");
    if (!validation::Utf8Length(ToStd(fields[4])).has_value()) {
      return LineError(line_no, "text is not valid UTF-8");
    }
    ex.text = std::string(fields[4]);
    examples.push_back(std::move(ex));
  }
  return examples;
}

absl::StatusOr<std::vector<LabelledExample>> LoadLabelledExamples(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("labelled examples ", path, ": cannot open"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat("labelled examples ", path, ": read error"));
  }
  absl::StatusOr<std::vector<LabelledExample>> examples = ParseLabelledExamples(text.str());
  if (!examples.ok()) {
    return absl::Status(examples.status().code(), absl::StrCat("labelled examples ", path, ": ",
                                                               examples.status().message()));
  }
  return examples;
}

}  // namespace tousu::routing
