#pragma once
// Which calls a run makes: a weighted mix such as "submit=8,get=1,list=1", picked in a fixed,
// evenly interleaved order (deterministic, so two runs offer the same sequence).

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tousu::loadgen {

enum class CallKind {
  kHello,      // the bare baseline server's SayHello
  kSubmit,     // IntakeService.SubmitComplaint (a new complaint each time)
  kGet,        // IntakeService.GetComplaint of a complaint submitted beforehand
  kList,       // IntakeService.ListComplaints, first page of 20
  kRouted,     // SubmitComplaint, then until intake's timeline shows the complaint ROUTED
  kLifecycle,  // a whole complaint from submission to closed, through every service
};

const char* CallKindName(CallKind kind);

struct MixEntry {
  CallKind kind;
  int weight;
};

class Mix {
 public:
  // "submit", "get=3,list=1", ... Names: hello submit get list routed lifecycle; weights 1..1000.
  // INVALID_ARGUMENT naming the entry at fault.
  static absl::StatusOr<Mix> Parse(const std::string& text);

  // The kind of the `index`-th call: each cycle of sum(weights) calls holds every kind `weight`
  // times, spread out rather than in runs (smooth weighted round robin).
  CallKind Pick(int64_t index) const;
  const std::vector<MixEntry>& entries() const { return entries_; }
  bool Contains(CallKind kind) const;
  std::string ToString() const;

 private:
  std::vector<MixEntry> entries_;
  std::vector<CallKind> cycle_;
};

}  // namespace tousu::loadgen
