// The classifier's data-file parser (services/routing/domain/labelled_examples.*:
// ParseLabelledExamples, format in deploy/routing/README.md), fed arbitrary text.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - a rejected file is INVALID_ARGUMENT naming a line the text has ("line N: ...");
//   - every accepted example has a non-empty id unique in the file, one of the four categories, a
//     secondary that is "-" or another category, and a non-empty valid UTF-8 text without tabs or
//     line breaks; nothing has surrounding spaces;
//   - the examples round-trip: written back as TSV they parse to the same examples;
//   - their texts tokenize to well-formed tokens; a small accepted set that has every category
//     trains a model whose answers are well-formed.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/routing/domain/category_labels.h"
#include "services/routing/domain/classifier.h"
#include "services/routing/domain/classifier_evaluation.h"
#include "services/routing/domain/labelled_examples.h"
#include "tests/fuzz/routing_check.h"

namespace r = tousu::routing;

namespace {

// Training is cheap on a handful of examples; bounded so one input stays well under a second.
constexpr size_t kMaxTrainingExamples = 8;
constexpr size_t kMaxTrainingTextBytes = 2000;

std::string Label(complaints::common::v1::Category c) {
  const std::string_view l = r::CategoryLabel(c);
  return l.empty() ? "-" : std::string(l);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<r::LabelledExample>> parsed = r::ParseLabelledExamples(text);
  if (!parsed.ok()) {
    const absl::Status& s = parsed.status();
    FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, s);
    const std::string_view m = tousu::fuzz::Message(s);
    int line = 0;
    const size_t colon = m.find(':');
    FUZZ_CHECK(m.substr(0, 5) == "line " && colon != std::string_view::npos &&
                   absl::SimpleAtoi(absl::string_view(m.data() + 5, colon - 5), &line),
               "message names no line: " << s);
    const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    FUZZ_CHECK(line >= 1 && line <= lines, s << " (the text has " << lines << " lines)");
    return 0;
  }

  std::set<std::string> ids;
  std::set<int> trained_categories;
  std::string written;
  size_t text_bytes = 0;
  for (const r::LabelledExample& ex : *parsed) {
    FUZZ_CHECK(!ex.id.empty() && ids.insert(ex.id).second, "id '" << ex.id << "'");
    FUZZ_CHECK(ex.category >= 1 && ex.category <= 4, ex.category);
    FUZZ_CHECK(ex.secondary == complaints::common::v1::CATEGORY_UNSPECIFIED ||
                   (ex.secondary >= 1 && ex.secondary <= 4 && ex.secondary != ex.category),
               ex.secondary);
    FUZZ_CHECK(!ex.text.empty() && tousu::validation::Utf8Length(ex.text).has_value(),
               "text of " << ex.id);
    for (const std::string* f : {&ex.id, &ex.text}) {
      FUZZ_CHECK(f->find_first_of("\t\n") == std::string::npos, "tab or line break in " << *f);
      FUZZ_CHECK(absl::StripAsciiWhitespace(*f) == *f, "surrounding spaces in '" << *f << "'");
    }
    tousu::fuzz::CheckTokens(ex.text);
    absl::StrAppend(&written, ex.id, "\t", Label(ex.category), "\t", Label(ex.secondary), "\t",
                    ex.held_out ? "test" : "train", "\t", ex.text, "\n");
    if (!ex.held_out) trained_categories.insert(ex.category);
    text_bytes += ex.text.size();
  }

  absl::StatusOr<std::vector<r::LabelledExample>> again = r::ParseLabelledExamples(written);
  FUZZ_CHECK(again.ok(), again.status() << "\nwritten:\n" << written);
  FUZZ_CHECK(again->size() == parsed->size(), "round trip count");
  for (size_t i = 0; i < parsed->size(); ++i) {
    const r::LabelledExample &a = (*parsed)[i], &b = (*again)[i];
    FUZZ_CHECK(a.id == b.id && a.category == b.category && a.secondary == b.secondary &&
                   a.held_out == b.held_out && a.text == b.text,
               "example " << a.id << " differs after the round trip");
  }

  if (trained_categories.size() == 4 && parsed->size() <= kMaxTrainingExamples &&
      text_bytes <= kMaxTrainingTextBytes) {
    absl::StatusOr<r::Classifier> model = r::Classifier::Train(*parsed);
    FUZZ_CHECK(model.ok(), model.status());
    for (const r::LabelledExample& ex : *parsed) {
      tousu::fuzz::CheckClassification(model->Classify(ex.text));
    }
    const r::Evaluation e = r::Evaluate(*model, *parsed);
    FUZZ_CHECK(e.correct <= e.examples && e.accuracy >= 0 && e.accuracy <= 1, "evaluation");
  }
  return 0;
}
