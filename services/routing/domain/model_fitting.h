#pragma once
// The numerical fitting behind the classifier (classifier.h), over its four classes: a
// multinomial logistic regression on binary features, a two-input logistic regression, and the
// temperature that calibrates a softmax. Deterministic: the same data always gives the same
// model.

#include <array>
#include <cstddef>
#include <vector>

namespace tousu::routing::fitting {

inline constexpr int kClasses = 4;
// One number per class (logits or probabilities), indexed by class.
using PerClass = std::array<double, kClasses>;

// The value of each present feature: 1 / sqrt(feature count), so that a complaint's vector has
// unit length, except that short texts count as about a 20-character complaint. Otherwise a text
// of one or two words ("你好") would put all its weight on them and look as sure as a whole
// complaint.
double FeatureValue(size_t features);

// Multinomial logistic regression on binary features (scaled by FeatureValue): weights
// [feature][class] and biases.
struct SoftmaxModel {
  std::vector<PerClass> w;
  PerClass b{};
};

// The logits of a text with `features` (indices of known features) out of `feature_count`
// features in all: features unknown to the model still make the text longer.
PerClass SoftmaxLogits(const std::vector<PerClass>& w, const PerClass& b,
                       const std::vector<int>& features, size_t feature_count);

// Fits a SoftmaxModel to `docs` (sorted feature indices below `vocabulary`) and their `labels`
// by full-batch Nesterov-accelerated gradient descent for `steps` steps.
// Loss: mean cross-entropy + l2/2 |W|^2 (the biases are not penalised).
SoftmaxModel TrainSoftmax(const std::vector<const std::vector<int>*>& docs,
                          const std::vector<int>& labels, int vocabulary, double l2, int steps);

double Sigmoid(double x);

// Log of a probability, floored at 1e-6 so one unlikely score cannot say -inf.
double LogFloor(double p);

// Logistic regression y ~ sigmoid(w0 x0 + w1 x1 + w2) by Newton's method; a small ridge keeps it
// finite when the points are separable (e.g. a tiny training set with no mixtures).
std::array<double, 3> FitLogistic(const std::vector<std::array<double, 2>>& x,
                                  const std::vector<bool>& y);

// softmax(scale * logits).
PerClass Softmax(const PerClass& logits, double scale);

// The negative log-likelihood of `truth` under softmax(scale * logits), summed.
double LogLoss(const std::vector<PerClass>& logits, const std::vector<int>& truth, double scale);

// The scale (1 / temperature) that minimises LogLoss; 1 when there are no logits.
double FitScale(const std::vector<PerClass>& logits, const std::vector<int>& truth);

}  // namespace tousu::routing::fitting
