#include "services/intake/domain/timeline_order.h"

#include <algorithm>
#include <tuple>
#include <vector>

namespace tousu::intake {

namespace iv1 = complaints::intake::v1;

int SameInstantRank(iv1::TimelineEventType type) {
  // The steps whose times can be copied from the step that caused them, in causal order, before
  // all others; the others keep the order they were recorded in.
  switch (type) {
    case iv1::TIMELINE_EVENT_TYPE_RECEIVED:
      return 1;
    case iv1::TIMELINE_EVENT_TYPE_ACKNOWLEDGED:
      return 2;
    case iv1::TIMELINE_EVENT_TYPE_CALLBACK_RECORDED:
      return 3;
    case iv1::TIMELINE_EVENT_TYPE_CUSTOMER_UNSATISFIED:
      return 4;
    case iv1::TIMELINE_EVENT_TYPE_CASE_REOPENED:
      return 5;
    case iv1::TIMELINE_EVENT_TYPE_CASE_OPENED:
      return 6;
    case iv1::TIMELINE_EVENT_TYPE_TRACKER_ASSIGNED:
      return 7;
    default:
      return 100;
  }
}

void SortTimeline(google::protobuf::RepeatedPtrField<iv1::TimelineEntry>* entries) {
  auto key = [](const iv1::TimelineEntry& e) {
    return std::make_tuple(e.at().seconds(), e.at().nanos(), SameInstantRank(e.type()));
  };
  std::vector<iv1::TimelineEntry> sorted(entries->begin(), entries->end());
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [&](const iv1::TimelineEntry& a, const iv1::TimelineEntry& b) { return key(a) < key(b); });
  entries->Clear();
  for (auto& e : sorted) *entries->Add() = std::move(e);
}

}  // namespace tousu::intake
