#pragma once
// Invariants of the classifier's tokens and answers, shared by the routing harnesses.

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "common/validation/text.h"
#include "services/routing/domain/classifier.h"
#include "services/routing/domain/tokenizer.h"
#include "tests/fuzz/fuzz_check.h"

namespace tousu::fuzz {

// A token is "0" (a number), a run of lower-case ASCII letters, or one non-ASCII code point in its
// Simplified form (ToSimplified leaves it as it is).
inline void CheckTokens(absl::string_view text) {
  for (const std::string& t : routing::Tokenize(text)) {
    FUZZ_CHECK(!t.empty(), "empty token");
    const auto b0 = static_cast<unsigned char>(t[0]);
    if (b0 < 0x80) {
      bool ok = t == "0";
      if (!ok) {
        ok = true;
        for (char c : t) ok = ok && c >= 'a' && c <= 'z';
      }
      FUZZ_CHECK(ok, "ASCII token '" << t << "'");
    } else {
      const validation::Utf8Step step = validation::DecodeUtf8(t);
      FUZZ_CHECK(step.valid && step.length == t.size(), "token is not one code point");
      FUZZ_CHECK(
          routing::ToSimplified(step.code_point) == step.code_point,
          "token not in Simplified form: U+" << std::hex << static_cast<uint32_t>(step.code_point));
    }
  }
}

inline void CheckClassification(const routing::Classification& c) {
  using complaints::common::v1::CATEGORY_UNSPECIFIED;
  FUZZ_CHECK(c.category >= CATEGORY_UNSPECIFIED && c.category <= 4, c.category);
  FUZZ_CHECK(std::isfinite(c.confidence) && c.confidence >= 0 && c.confidence <= 1, c.confidence);
  if (c.category == CATEGORY_UNSPECIFIED) {
    FUZZ_CHECK(c.confidence == 0 && c.others.empty(), "no evidence must mean no answer");
    return;
  }
  // The best of four probabilities is at least a quarter.
  FUZZ_CHECK(c.confidence >= 0.25 - 1e-9, c.confidence);
  std::set<int> seen;
  for (size_t i = 0; i < c.others.size(); ++i) {
    const routing::CategoryScore& o = c.others[i];
    FUZZ_CHECK(o.category > CATEGORY_UNSPECIFIED && o.category <= 4 && o.category != c.category,
               "other category " << o.category);
    FUZZ_CHECK(seen.insert(o.category).second, "other category repeated");
    FUZZ_CHECK(std::isfinite(o.probability) && o.probability > 0 && o.probability <= 1,
               o.probability);
    FUZZ_CHECK(i == 0 || c.others[i - 1].probability >= o.probability, "others not best first");
  }
}

}  // namespace tousu::fuzz
