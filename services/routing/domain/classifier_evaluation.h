#pragma once
// How a trained classifier does on the held-out examples of its data (split "test"): accuracy,
// confusion, calibration and how well it reports a second department.

#include <array>
#include <vector>

#include "services/routing/domain/classifier.h"
#include "services/routing/domain/labelled_examples.h"

namespace tousu::routing {

inline constexpr int kCategoryValues = complaints::common::v1::Category_ARRAYSIZE;

struct Evaluation {
  int examples = 0;  // held-out examples scored
  int correct = 0;
  double accuracy = 0;  // correct / examples; 0 when there are none
  // confusion[actual][predicted], indexed by the Category enum value; predicted 0 means the text
  // gave no evidence.
  std::array<std::array<int, kCategoryValues>, kCategoryValues> confusion{};
  int mixtures = 0;                // held-out examples with a secondary category
  int secondary_in_others = 0;     // ... whose secondary was among `others`
  int mixtures_both_detected = 0;  // ... whose category and secondary were both reported
  int singles = 0;                 // held-out examples without a secondary category
  int singles_with_others = 0;     // ... for which some other category was reported anyway
  double mean_confidence = 0;      // over all scored examples; close to accuracy if calibrated
};

// Scores the held-out examples among `examples` (the others are skipped).
Evaluation Evaluate(const Classifier& classifier, const std::vector<LabelledExample>& examples);

}  // namespace tousu::routing
