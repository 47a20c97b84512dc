#include "services/routing/domain/model_fitting.h"

#include <algorithm>
#include <cmath>

namespace tousu::routing::fitting {
namespace {

// Feature count below which a text's features are not scaled up further (see FeatureValue);
// about a 20-character complaint. Chosen by cross-validation on the training split. No loss of
// accuracy up to 100 (-0.1 point at 200); texts that are not complaints ("你好", "今天天气不错")
// then stay under 0.6 confidence.
constexpr double kMinFeatures = 100;

}  // namespace

double FeatureValue(size_t features) {
  return 1 / std::sqrt(std::max(static_cast<double>(features), kMinFeatures));
}

PerClass SoftmaxLogits(const std::vector<PerClass>& w, const PerClass& b,
                       const std::vector<int>& features, size_t feature_count) {
  PerClass z = b;
  if (features.empty()) return z;
  const double x = FeatureValue(feature_count);
  for (int f : features) {
    for (int c = 0; c < kClasses; ++c) z[c] += x * w[f][c];
  }
  return z;
}

SoftmaxModel TrainSoftmax(const std::vector<const std::vector<int>*>& docs,
                          const std::vector<int>& labels, int vocabulary, double l2, int steps) {
  SoftmaxModel m;
  m.w.assign(vocabulary, {});
  SoftmaxModel look = m;  // the look-ahead point the gradient is taken at
  SoftmaxModel grad;
  grad.w.assign(vocabulary, {});
  const double n = static_cast<double>(docs.size());
  // |x| <= 1 and the bias input is 1, so the loss's gradient is Lipschitz with constant at most
  // 1/2 (|x|^2 + 1) + l2 <= 1 + l2: the step 1 / (1 + l2) is safe.
  const double step = 1 / (1 + l2);
  double t = 1;
  for (int it = 0; it < steps; ++it) {
    for (auto& g : grad.w) g = {};
    grad.b = {};
    for (size_t d = 0; d < docs.size(); ++d) {
      const std::vector<int>& features = *docs[d];
      PerClass z = SoftmaxLogits(look.w, look.b, features, features.size());
      const double top = *std::max_element(z.begin(), z.end());
      double sum = 0;
      for (double& v : z) sum += v = std::exp(v - top);
      for (int c = 0; c < kClasses; ++c) z[c] = (z[c] / sum - (c == labels[d])) / n;
      const double x = FeatureValue(features.size());
      for (int f : features) {
        for (int c = 0; c < kClasses; ++c) grad.w[f][c] += x * z[c];
      }
      for (int c = 0; c < kClasses; ++c) grad.b[c] += z[c];
    }
    const double t_next = (1 + std::sqrt(1 + 4 * t * t)) / 2;
    const double momentum = (t - 1) / t_next;
    t = t_next;
    for (int f = 0; f < vocabulary; ++f) {
      for (int c = 0; c < kClasses; ++c) {
        const double next = look.w[f][c] - step * (grad.w[f][c] + l2 * look.w[f][c]);
        look.w[f][c] = next + momentum * (next - m.w[f][c]);
        m.w[f][c] = next;
      }
    }
    for (int c = 0; c < kClasses; ++c) {
      const double next = look.b[c] - step * grad.b[c];
      look.b[c] = next + momentum * (next - m.b[c]);
      m.b[c] = next;
    }
  }
  return m;
}

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

double LogFloor(double p) { return std::log(std::max(p, 1e-6)); }

std::array<double, 3> FitLogistic(const std::vector<std::array<double, 2>>& x,
                                  const std::vector<bool>& y) {
  std::array<double, 3> w{};
  constexpr double kRidge = 1e-3;
  for (int iteration = 0; iteration < 100; ++iteration) {
    double g[3] = {kRidge * w[0], kRidge * w[1], kRidge * w[2]};
    double h[3][3] = {{kRidge, 0, 0}, {0, kRidge, 0}, {0, 0, kRidge}};
    for (size_t i = 0; i < x.size(); ++i) {
      const double v[3] = {x[i][0], x[i][1], 1};
      const double p = Sigmoid(w[0] * v[0] + w[1] * v[1] + w[2]);
      for (int a = 0; a < 3; ++a) {
        g[a] += (p - (y[i] ? 1 : 0)) * v[a];
        for (int b = 0; b < 3; ++b) h[a][b] += p * (1 - p) * v[a] * v[b];
      }
    }
    // Solve h * step = g by Gaussian elimination (h is symmetric positive definite).
    for (int col = 0; col < 3; ++col) {
      for (int row = col + 1; row < 3; ++row) {
        const double f = h[row][col] / h[col][col];
        for (int k = col; k < 3; ++k) h[row][k] -= f * h[col][k];
        g[row] -= f * g[col];
      }
    }
    double step[3];
    for (int row = 2; row >= 0; --row) {
      double sum = g[row];
      for (int k = row + 1; k < 3; ++k) sum -= h[row][k] * step[k];
      step[row] = sum / h[row][row];
    }
    double size = 0;
    for (int a = 0; a < 3; ++a) {
      w[a] -= step[a];
      size += std::abs(step[a]);
    }
    if (size < 1e-10) break;
  }
  return w;
}

PerClass Softmax(const PerClass& logits, double scale) {
  const double top = *std::max_element(logits.begin(), logits.end());
  PerClass p{};
  double sum = 0;
  for (int c = 0; c < kClasses; ++c) {
    p[c] = std::exp(scale * (logits[c] - top));
    sum += p[c];
  }
  for (double& v : p) v /= sum;
  return p;
}

double LogLoss(const std::vector<PerClass>& logits, const std::vector<int>& truth, double scale) {
  double total = 0;
  for (size_t i = 0; i < logits.size(); ++i) {
    total -= std::log(std::max(Softmax(logits[i], scale)[truth[i]], 1e-300));
  }
  return total;
}

// LogLoss is convex in `scale`, so a golden-section search (over log scale, 1e-3 to 1e3) finds
// its minimum.
double FitScale(const std::vector<PerClass>& logits, const std::vector<int>& truth) {
  if (logits.empty()) return 1;
  auto loss = [&](double log_scale) { return LogLoss(logits, truth, std::exp(log_scale)); };
  double lo = std::log(1e-3), hi = std::log(1e3);
  constexpr double kGolden = 0.6180339887498949;
  for (int i = 0; i < 60; ++i) {
    const double a = hi - kGolden * (hi - lo);
    const double b = lo + kGolden * (hi - lo);
    if (loss(a) < loss(b)) {
      hi = b;
    } else {
      lo = a;
    }
  }
  return std::exp((lo + hi) / 2);
}

}  // namespace tousu::routing::fitting
