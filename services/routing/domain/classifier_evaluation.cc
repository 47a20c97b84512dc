#include "services/routing/domain/classifier_evaluation.h"

#include <algorithm>

namespace tousu::routing {

using ::complaints::common::v1::Category;

Evaluation Evaluate(const Classifier& classifier, const std::vector<LabelledExample>& examples) {
  Evaluation e;
  double confidence_sum = 0;
  for (const LabelledExample& ex : examples) {
    if (!ex.held_out) continue;
    const Classification got = classifier.Classify(ex.text);
    ++e.examples;
    e.correct += got.category == ex.category;
    confidence_sum += got.confidence;
    const int actual = static_cast<int>(ex.category);
    if (actual >= 0 && actual < kCategoryValues)
      ++e.confusion[actual][static_cast<int>(got.category)];
    auto detected = [&got](Category c) {
      return got.category == c ||
             std::any_of(got.others.begin(), got.others.end(),
                         [c](const CategoryScore& s) { return s.category == c; });
    };
    if (ex.secondary != complaints::common::v1::CATEGORY_UNSPECIFIED) {
      ++e.mixtures;
      e.secondary_in_others += got.category != ex.secondary && detected(ex.secondary);
      e.mixtures_both_detected += detected(ex.category) && detected(ex.secondary);
    } else {
      ++e.singles;
      e.singles_with_others += !got.others.empty();
    }
  }
  if (e.examples > 0) {
    e.accuracy = static_cast<double>(e.correct) / e.examples;
    e.mean_confidence = confidence_sum / e.examples;
  }
  return e;
}

}  // namespace tousu::routing
