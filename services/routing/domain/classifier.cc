#include "services/routing/domain/classifier.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/routing/domain/model_fitting.h"
#include "services/routing/domain/tokenizer.h"

namespace tousu::routing {
namespace {

using ::complaints::common::v1::Category;
using fitting::FitLogistic;
using fitting::FitScale;
using fitting::LogFloor;
using fitting::LogLoss;
using fitting::Sigmoid;
using fitting::Softmax;
using fitting::SoftmaxLogits;
using fitting::SoftmaxModel;
using fitting::TrainSoftmax;

// Additive smoothing of the feature counts. Chosen by cross-validation on the training split
// (0.2 to 1.0 all within a point of accuracy); the held-out split played no part.
constexpr double kSmoothing = 0.5;

// The logistic regression (see Train). All chosen by 10-fold cross-validation on the training
// split (3 shuffles); the held-out split played no part.
// Character n-grams up to trigrams over the whole text (bigrams only: -0.6 points), and up to
// bigrams in the marked first and last clause (trigrams there: no change).
constexpr int kNgramOrder = 3;
constexpr int kClauseNgramOrder = 2;
// L2 penalty. 1e-4 and 3e-5 tie; 1e-3 and above lose 1 to 3 points.
constexpr double kL2 = 1e-4;
// Full-batch accelerated gradient steps; 150 to 400 give the same accuracy.
constexpr int kSteps = 200;
// Folds of the out-of-fold scores that the temperature and the naive Bayes weight are fitted on.
constexpr int kInnerFolds = 5;
// Candidate weights of the naive Bayes log posterior added to the regression's logits; the one
// with the least out-of-fold log loss is used (0.03 to 0.07 on this data).
constexpr double kNaiveBayesWeights[] = {0, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3};

constexpr Category kCategoryByIndex[] = {
    complaints::common::v1::CATEGORY_PRODUCT_QUALITY,
    complaints::common::v1::CATEGORY_SALES_SERVICE,
    complaints::common::v1::CATEGORY_HANDOVER,
    complaints::common::v1::CATEGORY_PROPERTY_SERVICE,
};

static_assert(complaints::common::v1::Category_ARRAYSIZE ==
                  static_cast<int>(std::size(kCategoryByIndex)) + 1,
              "the model has one class per category");

// 0..3 for the four categories, nullopt for anything else.
std::optional<int> CategoryIndex(Category category) {
  for (int i = 0; i < static_cast<int>(std::size(kCategoryByIndex)); ++i) {
    if (kCategoryByIndex[i] == category) return i;
  }
  return std::nullopt;
}

// Unigrams and bigrams of `tokens`, each prefixed by `tag`.
void AddNgrams(const std::vector<std::string>& tokens, absl::string_view tag,
               std::vector<std::string>& out) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    out.push_back(absl::StrCat(tag, tokens[i]));
    // ' ' is never part of a token, so "a b" cannot be mistaken for a unigram.
    if (i + 1 < tokens.size()) out.push_back(absl::StrCat(tag, tokens[i], " ", tokens[i + 1]));
  }
}

std::vector<std::string> SortedUnique(std::vector<std::string> features) {
  std::sort(features.begin(), features.end());
  features.erase(std::unique(features.begin(), features.end()), features.end());
  return features;
}

// Distinct features of one clause: its unigrams and bigrams. Presence, not counts: a complaint
// that repeats a word is not more of its category (binarised naive Bayes).
std::vector<std::string> ClauseFeatures(const std::vector<std::string>& clause) {
  std::vector<std::string> features;
  AddNgrams(clause, "", features);
  return SortedUnique(std::move(features));
}

// Distinct features of a whole complaint: unigrams and bigrams of all its tokens, plus those of
// its first and of its last clause again, tagged "^" and "$" (punctuation, so never in a token).
// Complaints tend to open with the problem and end with the demand; those clauses decide
// between two departments more often than the middle does (+0.7 to +1 point of accuracy in
// cross-validation on the training split).
std::vector<std::string> DocumentFeatures(const std::vector<std::vector<std::string>>& clauses) {
  std::vector<std::string> features;
  std::vector<std::string> tokens;
  for (const std::vector<std::string>& clause : clauses) {
    tokens.insert(tokens.end(), clause.begin(), clause.end());
  }
  AddNgrams(tokens, "", features);
  if (!clauses.empty()) {
    AddNgrams(clauses.front(), "^", features);
    AddNgrams(clauses.back(), "$", features);
  }
  return SortedUnique(std::move(features));
}

// Distinct features for the linear model: n-grams of order 1..`order` of all tokens, and of the
// first and last clause again under their own marks.
std::vector<std::string> LinearFeatures(const std::vector<std::vector<std::string>>& clauses,
                                        int order, int tag_order) {
  std::vector<std::string> features;
  auto add = [&features](const std::vector<std::string>& tokens, absl::string_view tag, int n) {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string gram = absl::StrCat(tag, tokens[i]);
      features.push_back(gram);
      for (int k = 1; k < n && i + k < tokens.size(); ++k) {
        absl::StrAppend(&gram, " ", tokens[i + k]);
        features.push_back(gram);
      }
    }
  };
  std::vector<std::string> tokens;
  for (const std::vector<std::string>& clause : clauses) {
    tokens.insert(tokens.end(), clause.begin(), clause.end());
  }
  add(tokens, "", order);
  if (!clauses.empty() && tag_order > 0) {
    add(clauses.front(), "^", tag_order);
    add(clauses.back(), "$", tag_order);
  }
  return SortedUnique(std::move(features));
}

}  // namespace

absl::StatusOr<Classifier> Classifier::Train(const std::vector<LabelledExample>& examples,
                                             double other_threshold) {
  static_assert(kCategories == fitting::kClasses);
  if (!(other_threshold > 0 && other_threshold <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("other_threshold must be in (0, 1], got ", other_threshold));
  }
  Classifier model;
  model.other_threshold_ = other_threshold;

  // Each training document as sorted feature indices, whole and clause by clause.
  struct Doc {
    int label = 0;
    int secondary = -1;  // category index, -1 if none
    std::vector<int> features;
    std::vector<std::vector<int>> clauses;
  };
  auto index = [&model](std::vector<std::string> features) {
    std::vector<int> out;
    for (std::string& f : features) {
      auto [it, inserted] =
          model.feature_index_.emplace(std::move(f), static_cast<int>(model.feature_index_.size()));
      out.push_back(it->second);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  std::vector<Doc> docs;
  for (const LabelledExample& ex : examples) {
    if (ex.held_out) continue;
    std::optional<int> label = CategoryIndex(ex.category);
    if (!label) {
      return absl::InvalidArgumentError(
          absl::StrCat("example ", ex.id, ": no category (", static_cast<int>(ex.category), ")"));
    }
    Doc doc;
    doc.label = *label;
    doc.secondary = CategoryIndex(ex.secondary).value_or(-1);
    const std::vector<std::vector<std::string>> clauses = TokenizeClauses(ex.text);
    for (const std::vector<std::string>& clause : clauses) {
      doc.clauses.push_back(index(ClauseFeatures(clause)));
    }
    doc.features = index(DocumentFeatures(clauses));
    docs.push_back(std::move(doc));
  }

  const int vocabulary = static_cast<int>(model.feature_index_.size());
  std::vector<std::array<int, kCategories>> count(vocabulary);  // documents with the feature
  std::vector<int> doc_frequency(vocabulary);
  std::array<double, kCategories> total{};  // feature occurrences per category
  std::array<int, kCategories> doc_count{};
  for (const Doc& doc : docs) {
    for (int f : doc.features) {
      ++count[f][doc.label];
      ++doc_frequency[f];
    }
    total[doc.label] += doc.features.size();
    ++doc_count[doc.label];
  }
  for (int c = 0; c < kCategories; ++c) {
    if (doc_count[c] == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no training example for category ", std::string(CategoryLabel(kCategoryByIndex[c]))));
    }
  }

  const int n = static_cast<int>(docs.size());
  const double smoothed_vocabulary = kSmoothing * vocabulary;
  model.log_likelihood_.resize(vocabulary);
  for (int f = 0; f < vocabulary; ++f) {
    for (int c = 0; c < kCategories; ++c) {
      model.log_likelihood_[f][c] =
          std::log(count[f][c] + kSmoothing) - std::log(total[c] + smoothed_vocabulary);
    }
  }
  // Laplace-smoothed priors: a category with few examples is not ruled out.
  for (int c = 0; c < kCategories; ++c) {
    model.log_prior_[c] = std::log((doc_count[c] + 1.0) / (n + kCategories));
  }

  // Leave-one-out scores: each training document (and each of its clauses) scored by the model
  // trained without it, which is how the model meets a new complaint. Features that only this
  // document has are unknown then, as unseen features are in Classify.
  auto loo_logits = [&](const Doc& doc, const std::vector<int>& features, bool* any_known) {
    const int y = doc.label;
    std::array<double, kCategories> z{};
    for (int c = 0; c < kCategories; ++c) {
      z[c] = std::log((doc_count[c] - (c == y) + 1.0) / (n - 1 + kCategories));
    }
    const double own_total = std::log(total[y] - doc.features.size() + smoothed_vocabulary);
    *any_known = false;
    for (int f : features) {
      if (doc_frequency[f] == 1) continue;
      *any_known = true;
      for (int c = 0; c < kCategories; ++c) {
        z[c] += c == y ? std::log(count[f][c] - 1 + kSmoothing) - own_total
                       : model.log_likelihood_[f][c];
      }
    }
    return z;
  };

  // Naive Bayes posteriors are far too sure of themselves (features are not independent), so for
  // the "also concerns" model below the log posterior is divided by a temperature fitted on the
  // leave-one-out scores.
  std::vector<std::array<double, kCategories>> doc_logits;
  std::vector<int> labels;
  for (const Doc& doc : docs) {
    bool any_known;
    doc_logits.push_back(loo_logits(doc, doc.features, &any_known));
    labels.push_back(doc.label);
  }
  model.nb_scale_ = FitScale(doc_logits, labels);

  // The logistic regression over its own features (character 1-3-grams), trained on all the
  // training rows, and out-of-fold: each row scored by a model trained on the other folds
  // (fold = row number mod kInnerFolds, so training is deterministic). A model that saw a row
  // is far surer of it than of a new complaint, so only out-of-fold scores can calibrate.
  std::vector<std::vector<int>> lr_docs;
  for (const LabelledExample& ex : examples) {
    if (ex.held_out) continue;
    std::vector<int> out;
    for (std::string& f :
         LinearFeatures(TokenizeClauses(ex.text), kNgramOrder, kClauseNgramOrder)) {
      auto [it, inserted] =
          model.lr_index_.emplace(std::move(f), static_cast<int>(model.lr_index_.size()));
      out.push_back(it->second);
    }
    std::sort(out.begin(), out.end());
    lr_docs.push_back(std::move(out));
  }
  const int lr_vocabulary = static_cast<int>(model.lr_index_.size());
  std::vector<std::array<double, kCategories>> lr_logits(n);
  {
    std::vector<const std::vector<int>*> all;
    for (const std::vector<int>& d : lr_docs) all.push_back(&d);
    SoftmaxModel full = TrainSoftmax(all, labels, lr_vocabulary, kL2, kSteps);
    model.lr_weights_ = std::move(full.w);
    model.lr_bias_ = full.b;
    for (int k = 0; k < kInnerFolds; ++k) {
      std::vector<const std::vector<int>*> in;
      std::vector<int> in_labels;
      for (int d = 0; d < n; ++d) {
        if (d % kInnerFolds == k) continue;
        in.push_back(&lr_docs[d]);
        in_labels.push_back(labels[d]);
      }
      const SoftmaxModel fold = TrainSoftmax(in, in_labels, lr_vocabulary, kL2, kSteps);
      // Features only the left-out rows have keep weight 0 in the fold model: unknown, as unseen
      // features are in Classify.
      for (int d = k; d < n; d += kInnerFolds) {
        lr_logits[d] = SoftmaxLogits(fold.w, fold.b, lr_docs[d], lr_docs[d].size());
      }
    }
  }

  // The two models are combined as regression logits + w * naive Bayes log posterior, over the
  // out-of-fold and leave-one-out scores: w is the candidate with the least log loss (each
  // with its best temperature), then the temperature is fitted for it.
  auto mix = [&](double nb_weight) {
    std::vector<std::array<double, kCategories>> out(n);
    for (int d = 0; d < n; ++d) {
      for (int c = 0; c < kCategories; ++c) {
        out[d][c] = lr_logits[d][c] + nb_weight * doc_logits[d][c];
      }
    }
    return out;
  };
  double best_loss = std::numeric_limits<double>::infinity();
  for (double w : kNaiveBayesWeights) {
    const std::vector<std::array<double, kCategories>> z = mix(w);
    const double loss = LogLoss(z, labels, FitScale(z, labels));
    if (loss < best_loss) {
      best_loss = loss;
      model.nb_weight_ = w;
    }
  }
  const std::vector<std::array<double, kCategories>> combined = mix(model.nb_weight_);
  model.scale_ = FitScale(combined, labels);

  // A second department shows in a clause ("...收房时还发现墙面开裂") more than in the whole text,
  // where the first department's words outvote it. So whether a complaint also concerns category
  // c is a logistic model of (log whole-text posterior of c, log best clause posterior of c), both
  // naive Bayes, fitted on the leave-one-out scores against the labels: primary or secondary. The
  // best category, which is not asked about, is the combined model's out-of-fold choice.
  std::vector<std::array<double, 2>> points;
  std::vector<bool> concerned;
  for (size_t d = 0; d < docs.size(); ++d) {
    const Doc& doc = docs[d];
    const std::array<double, kCategories> p = Softmax(doc_logits[d], model.nb_scale_);
    std::array<double, kCategories> clause_best{};
    bool any_clause = false;
    for (const std::vector<int>& clause : doc.clauses) {
      bool any_known;
      const std::array<double, kCategories> z = loo_logits(doc, clause, &any_known);
      if (!any_known) continue;
      any_clause = true;
      const std::array<double, kCategories> q = Softmax(z, model.nb_scale_);
      for (int c = 0; c < kCategories; ++c) clause_best[c] = std::max(clause_best[c], q[c]);
    }
    if (!any_clause) clause_best = p;
    const int best = static_cast<int>(std::max_element(combined[d].begin(), combined[d].end()) -
                                      combined[d].begin());
    for (int c = 0; c < kCategories; ++c) {
      if (c == best) continue;
      points.push_back({LogFloor(p[c]), LogFloor(clause_best[c])});
      concerned.push_back(c == doc.label || c == doc.secondary);
    }
  }
  model.also_weights_ = FitLogistic(points, concerned);
  model.training_examples_ = n;
  return model;
}

std::array<double, Classifier::kCategories> Classifier::Logits(
    const std::vector<std::string>& features, bool* any_known) const {
  std::array<double, kCategories> z = log_prior_;
  *any_known = false;
  for (const std::string& f : features) {
    auto it = feature_index_.find(f);
    if (it == feature_index_.end()) continue;  // unseen in training: no evidence either way
    *any_known = true;
    for (int c = 0; c < kCategories; ++c) z[c] += log_likelihood_[it->second][c];
  }
  return z;
}

Classification Classifier::Classify(absl::string_view text) const {
  Classification result;
  const std::vector<std::vector<std::string>> clauses = TokenizeClauses(text);
  bool any_known;
  const std::array<double, kCategories> nb = Logits(DocumentFeatures(clauses), &any_known);
  if (!any_known) return result;

  const std::vector<std::string> features = LinearFeatures(clauses, kNgramOrder, kClauseNgramOrder);
  std::vector<int> lr_features;
  for (const std::string& f : features) {
    auto it = lr_index_.find(f);
    if (it != lr_index_.end()) lr_features.push_back(it->second);
  }
  std::array<double, kCategories> z =
      SoftmaxLogits(lr_weights_, lr_bias_, lr_features, features.size());
  for (int c = 0; c < kCategories; ++c) z[c] += nb_weight_ * nb[c];
  const std::array<double, kCategories> combined = Softmax(z, scale_);
  const int best =
      static_cast<int>(std::max_element(combined.begin(), combined.end()) - combined.begin());
  result.category = kCategoryByIndex[best];
  result.confidence = combined[best];
  const std::array<double, kCategories> p = Softmax(nb, nb_scale_);

  std::array<double, kCategories> clause_best{};
  bool any_clause = false;
  for (const std::vector<std::string>& clause : clauses) {
    bool clause_known;
    const std::array<double, kCategories> zc = Logits(ClauseFeatures(clause), &clause_known);
    if (!clause_known) continue;
    any_clause = true;
    const std::array<double, kCategories> q = Softmax(zc, nb_scale_);
    for (int c = 0; c < kCategories; ++c) clause_best[c] = std::max(clause_best[c], q[c]);
  }
  if (!any_clause) clause_best = p;
  for (int c = 0; c < kCategories; ++c) {
    if (c == best) continue;
    const double also = Sigmoid(also_weights_[0] * LogFloor(p[c]) +
                                also_weights_[1] * LogFloor(clause_best[c]) + also_weights_[2]);
    if (also >= other_threshold_) result.others.push_back({kCategoryByIndex[c], also});
  }
  std::sort(
      result.others.begin(), result.others.end(),
      [](const CategoryScore& a, const CategoryScore& b) { return a.probability > b.probability; });
  return result;
}

}  // namespace tousu::routing
