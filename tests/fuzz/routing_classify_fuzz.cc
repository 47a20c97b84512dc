// Routing's classifier over complaint text: the text of ClassifyComplaint requests and the
// description of every ComplaintReceived event (routing classifies it without further checks).
// The model is trained once, at start-up, on the shipped examples
// (deploy/routing/labelled-complaints.tsv, every fourth example; TOUSU_ROUTING_EXAMPLES overrides
// the path).
//
// Input: the text, as arbitrary bytes (invalid UTF-8 included: events carry it as bytes).
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - tokens are "0", lower-case ASCII words or single Simplified code points;
//   - the answer is a known category with a finite confidence in [1/4, 1], or UNSPECIFIED with
//     confidence 0 and nothing else; other categories are distinct, not the best one, with
//     probabilities in (0, 1], best first;
//   - classifying is deterministic (the same text twice gives the same answer).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "services/routing/domain/classifier.h"
#include "services/routing/domain/labelled_examples.h"
#include "tests/fuzz/routing_check.h"

namespace {
const tousu::routing::Classifier* model = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* path = std::getenv("TOUSU_ROUTING_EXAMPLES");
  if (path == nullptr || *path == '\0') path = TOUSU_ROUTING_EXAMPLES;
  auto examples = tousu::routing::LoadLabelledExamples(path);
  if (!examples.ok()) {
    std::fprintf(stderr, "%s\n", std::string(examples.status().message()).c_str());
    std::abort();
  }
  // Every fourth example (all four categories stay): training under the sanitizers is about 50
  // times slower than in the service, and the invariants do not depend on the model's accuracy.
  // TOUSU_FUZZ_TRAIN_ALL=1 trains on all of them.
  std::vector<tousu::routing::LabelledExample> training;
  const char* all = std::getenv("TOUSU_FUZZ_TRAIN_ALL");
  for (size_t i = 0; i < examples->size(); ++i) {
    if ((all != nullptr && *all == '1') || i % 4 == 0) training.push_back((*examples)[i]);
  }
  auto trained = tousu::routing::Classifier::Train(training);
  if (!trained.ok()) {
    std::fprintf(stderr, "%s\n", std::string(trained.status().message()).c_str());
    std::abort();
  }
  model = new tousu::routing::Classifier(*std::move(trained));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  tousu::fuzz::CheckTokens(text);
  const tousu::routing::Classification first = model->Classify(text);
  tousu::fuzz::CheckClassification(first);
  const tousu::routing::Classification again = model->Classify(text);
  FUZZ_CHECK(again.category == first.category && again.confidence == first.confidence &&
                 again.others.size() == first.others.size(),
             "classifying twice gave different answers");
  return 0;
}
