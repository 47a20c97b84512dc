#include "tools/loadgen/mix.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tousu::loadgen {
namespace {

constexpr CallKind kAllKinds[] = {CallKind::kHello, CallKind::kSubmit, CallKind::kGet,
                                  CallKind::kList,  CallKind::kRouted, CallKind::kLifecycle};

}  // namespace

const char* CallKindName(CallKind kind) {
  switch (kind) {
    case CallKind::kHello:
      return "hello";
    case CallKind::kSubmit:
      return "submit";
    case CallKind::kGet:
      return "get";
    case CallKind::kList:
      return "list";
    case CallKind::kRouted:
      return "routed";
    case CallKind::kLifecycle:
      return "lifecycle";
  }
  return "unknown";
}

absl::StatusOr<Mix> Mix::Parse(const std::string& text) {
  Mix mix;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty())
      return absl::InvalidArgumentError(absl::StrCat("mix: empty entry in \"", text, "\""));
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    int weight = 1;
    if (part.find('=') != absl::string_view::npos &&
        (!absl::SimpleAtoi(kv.second, &weight) || weight < 1 || weight > 1000)) {
      return absl::InvalidArgumentError(
          absl::StrCat("mix: weight of \"", part, "\" must be a whole number 1..1000"));
    }
    bool known = false;
    for (CallKind kind : kAllKinds) {
      if (kv.first != CallKindName(kind)) continue;
      known = true;
      if (mix.Contains(kind)) {
        return absl::InvalidArgumentError(absl::StrCat("mix: \"", kv.first, "\" given twice"));
      }
      mix.entries_.push_back({kind, weight});
    }
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat(
          "mix: unknown call \"", kv.first, "\" (hello, submit, get, list, routed, lifecycle)"));
    }
  }
  // Smooth weighted round robin: each step every entry gains its weight, the largest is picked
  // and pays the total back, which spreads each kind evenly over the cycle.
  int total = 0;
  for (const auto& e : mix.entries_) total += e.weight;
  std::vector<int> current(mix.entries_.size(), 0);
  for (int step = 0; step < total; ++step) {
    size_t best = 0;
    for (size_t i = 0; i < mix.entries_.size(); ++i) {
      current[i] += mix.entries_[i].weight;
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    mix.cycle_.push_back(mix.entries_[best].kind);
  }
  return mix;
}

CallKind Mix::Pick(int64_t index) const {
  return cycle_[static_cast<size_t>(index % static_cast<int64_t>(cycle_.size()))];
}

bool Mix::Contains(CallKind kind) const {
  for (const auto& e : entries_) {
    if (e.kind == kind) return true;
  }
  return false;
}

std::string Mix::ToString() const {
  return absl::StrJoin(entries_, ",", [](std::string* out, const MixEntry& e) {
    absl::StrAppend(out, CallKindName(e.kind), "=", e.weight);
  });
}

}  // namespace tousu::loadgen
