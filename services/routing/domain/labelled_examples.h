#pragma once
// The labelled complaints the classifier learns from (deploy/routing/labelled-complaints.tsv;
// format in deploy/routing/README.md): one example a line, "id, category, secondary, split,
// text", tab-separated, '#' starting a comment.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "complaints/common/v1/types.pb.h"
#include "services/routing/domain/category_labels.h"

namespace tousu::routing {

struct LabelledExample {
  std::string id;
  complaints::common::v1::Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  // Another department the complaint touches; CATEGORY_UNSPECIFIED if none.
  complaints::common::v1::Category secondary = complaints::common::v1::CATEGORY_UNSPECIFIED;
  bool held_out = false;  // split "test": never trained on, only used to measure accuracy
  std::string text;
};

// Parses the TSV data file; categories are named by CategoryLabel. Errors are INVALID_ARGUMENT
// naming the line, e.g. "line 12: unknown category 'quality'".
absl::StatusOr<std::vector<LabelledExample>> ParseLabelledExamples(const std::string& tsv);
// ParseLabelledExamples on a file's contents; errors name the path (NOT_FOUND if unreadable).
absl::StatusOr<std::vector<LabelledExample>> LoadLabelledExamples(const std::string& path);

}  // namespace tousu::routing
