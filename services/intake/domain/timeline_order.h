#pragma once
// The order the customer reads their timeline in: when each step happened, not when its event
// reached intake. Services deliver independently, so follow-up's "tracker assigned" can arrive
// before case-handling's "case opened", and case-handling's "reopened" before follow-up's
// "callback recorded" that caused it.

#include "complaints/intake/v1/intake.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace tousu::intake {

// Where a step goes among steps stamped with the same instant: a cause before its effects (a
// step can carry the time of the one that caused it: a case opens at its acknowledgement, a
// case reopens at the unsatisfied callback). Lower comes first; steps of equal rank keep the
// order they were recorded in.
int SameInstantRank(complaints::intake::v1::TimelineEventType type);

// Sorts `entries` by time, then SameInstantRank; entries equal in both keep their order (the
// order they were recorded in).
void SortTimeline(
    google::protobuf::RepeatedPtrField<complaints::intake::v1::TimelineEntry>* entries);

}  // namespace tousu::intake
