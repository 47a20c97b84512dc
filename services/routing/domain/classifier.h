#pragma once
// Suggests a complaint's category (SPEC.md §3) from its text, with a confidence that routing uses
// to send unclear complaints to a supervisor (§5), and the other departments the complaint also
// concerns (§5: several departments make a complaint complex). The category comes from a
// multinomial logistic regression over character 1-3-grams (with the first and last clause's
// marked) combined with a naive Bayes over character unigrams and bigrams; the other departments
// from the naive Bayes's clause-by-clause scores. Both are trained when the service starts from
// labelled examples shipped as data (labelled_examples.h; format and model in
// deploy/routing/README.md), so the model can change without a build. Training takes a few
// tenths of a second on 500 examples. The model reads the text as tokenizer.h normalises it;
// the numerical fitting is in model_fitting.h.

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "complaints/common/v1/types.pb.h"
#include "services/routing/domain/labelled_examples.h"

namespace tousu::routing {

struct CategoryScore {
  complaints::common::v1::Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  double probability = 0;
};

struct Classification {
  // Best category; CATEGORY_UNSPECIFIED (with confidence 0) when the text has nothing the model
  // knows, e.g. empty text or only punctuation: no evidence is not a guess.
  complaints::common::v1::Category category = complaints::common::v1::CATEGORY_UNSPECIFIED;
  double confidence = 0;  // its posterior probability, 0..1
  // Other categories detected (probability >= other_threshold), best first. Each probability is
  // the chance that the complaint also concerns that category (calibrated on the training data),
  // so they are not shares of one distribution with `confidence` and need not sum to 1.
  std::vector<CategoryScore> others;
};

class Classifier {
 public:
  // Trains on the examples that are not held out. INVALID_ARGUMENT if a category has no
  // training example, an example has no category, or other_threshold is not in (0, 1].
  static absl::StatusOr<Classifier> Train(const std::vector<LabelledExample>& examples,
                                          double other_threshold = 0.2);

  // Thread-safe (const, no shared mutable state).
  Classification Classify(absl::string_view text) const;

  int training_examples() const { return training_examples_; }
  int vocabulary_size() const { return static_cast<int>(feature_index_.size()); }
  // Of the combined model; fitted on out-of-fold scores of the training set (see Train).
  double temperature() const { return 1.0 / scale_; }

 private:
  static constexpr int kCategories = 4;  // CATEGORY_PRODUCT_QUALITY .. CATEGORY_PROPERTY_SERVICE

  Classifier() = default;

  // Log prior plus log likelihoods of the known `features`; *any_known tells whether there was
  // any.
  std::array<double, kCategories> Logits(const std::vector<std::string>& features,
                                         bool* any_known) const;

  std::unordered_map<std::string, int> feature_index_;
  // log P(feature | category), indexed [feature][category - 1].
  std::vector<std::array<double, kCategories>> log_likelihood_;
  std::array<double, kCategories> log_prior_{};
  // Logistic regression over character 1-3-grams: feature index, weights [feature][category - 1]
  // and biases.
  std::unordered_map<std::string, int> lr_index_;
  std::vector<std::array<double, kCategories>> lr_weights_;
  std::array<double, kCategories> lr_bias_{};
  // The category's posterior is softmax(scale_ * (regression logits + nb_weight_ * naive Bayes
  // log posterior)); both fitted on out-of-fold scores of the training set.
  double nb_weight_ = 0;
  double scale_ = 1;  // 1 / temperature
  // 1 / temperature of the naive Bayes posterior alone, which the "also concerns" model uses.
  double nb_scale_ = 1;
  // P(also concerns c) = sigmoid(w0 log P(c | text) + w1 log max over clauses P(c | clause) + w2).
  std::array<double, 3> also_weights_{};
  double other_threshold_ = 0.2;
  int training_examples_ = 0;
};

}  // namespace tousu::routing
