#pragma once
// How each event the analytics service hears moves what it knows of a complaint (its Fact):
// pure, one overload per event message. The caller locks the fact, applies the event and saves it
// with its monthly counts in the delivery's transaction.
//
// Facts only move forward whatever order events arrive in: routing and acknowledgement times keep
// the earliest, resolution, callback and closing times the latest, an SLA miss is final, and a
// category or department is never cleared by an event that does not know it.

#include <google/protobuf/timestamp.pb.h>

#include "absl/time/time.h"
#include "common/events/event_time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/analytics/domain/rules.h"

namespace tousu::analytics {

// When the event being applied says something happened: the time it states for itself when
// usable, else the envelope's, else `now` (events::EventTime).
struct EventTimes {
  const complaints::common::v1::Event& envelope;
  absl::Time now;
  absl::Time operator()(const google::protobuf::Timestamp& own) const {
    return events::EventTime(own, envelope, now);
  }
};

void Project(const complaints::intake::v1::ComplaintReceived& m, const EventTimes& at, Fact& f);
void Project(const complaints::routing::v1::ComplaintRouted& m, const EventTimes& at, Fact& f);
void Project(const complaints::routing::v1::ComplaintSentToSupervisor& m, const EventTimes& at,
             Fact& f);
void Project(const complaints::routing::v1::ComplaintAssignedBySupervisor& m, const EventTimes& at,
             Fact& f);
void Project(const complaints::routing::v1::ComplaintAcknowledged& m, const EventTimes& at,
             Fact& f);
void Project(const complaints::routing::v1::AcknowledgementOverdue& m, const EventTimes& at,
             Fact& f);
// Left in the supervisor queue past its deadline: nobody acknowledged it within the hour.
void Project(const complaints::routing::v1::SupervisorQueueOverdue& m, const EventTimes& at,
             Fact& f);
void Project(const complaints::casehandling::v1::CaseOpened& m, const EventTimes& at, Fact& f);
void Project(const complaints::casehandling::v1::SolutionProposed& m, const EventTimes& at,
             Fact& f);
void Project(const complaints::casehandling::v1::SolutionDeadlineMissed& m, const EventTimes& at,
             Fact& f);
void Project(const complaints::casehandling::v1::CaseResolved& m, const EventTimes& at, Fact& f);
void Project(const complaints::casehandling::v1::CaseReopened& m, const EventTimes& at, Fact& f);
void Project(const complaints::followup::v1::CallbackRecorded& m, const EventTimes& at, Fact& f);
void Project(const complaints::followup::v1::CallbackOverdue& m, const EventTimes& at, Fact& f);
void Project(const complaints::followup::v1::CustomerUnsatisfied& m, const EventTimes& at, Fact& f);
void Project(const complaints::followup::v1::ComplaintClosed& m, const EventTimes& at, Fact& f);

}  // namespace tousu::analytics
