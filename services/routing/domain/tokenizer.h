#pragma once
// What the classifier reads of a complaint's text. Text is normalised first: Traditional
// characters become Simplified, full-width forms become ASCII, ASCII letters are lower-cased,
// every number becomes one token, and punctuation and whitespace are dropped. Simplified and
// Traditional versions of a complaint look the same to the model.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tousu::routing {

// The Simplified form of a Traditional (or variant) character; any other code point unchanged.
// Covers the characters complaints use, not every Traditional character.
char32_t ToSimplified(char32_t c);

// The tokens the model sees: one per Chinese character (in Simplified form), one per run of ASCII
// letters (lower-cased), "0" for each run of digits; punctuation, symbols, whitespace and invalid
// UTF-8 separate tokens and are dropped.
std::vector<std::string> Tokenize(absl::string_view text);
// The same tokens, split into clauses at ，。、；：！？… (and their ASCII forms) and line breaks.
// Empty clauses are left out.
std::vector<std::vector<std::string>> TokenizeClauses(absl::string_view text);

}  // namespace tousu::routing
