#pragma once
// The events intake shows on the customer's timeline: one row per payload message, naming its
// producer; the step that reads it is the Step overload for that message (progress_steps.h). An
// event's type is its payload message's name (events::EventTypeOf), so the handlers the service
// registers, ProgressFromEvent's dispatch and the types intake reports as followed all come from
// this one list: a row without a step does not compile, and a type has no other place to be
// listed. (deploy/subscriptions.txt names intake as the subscriber of each.)

#include "absl/status/statusor.h"
#include "services/intake/domain/progress.h"
#include "services/intake/domain/progress_steps.h"

namespace tousu::intake {

template <typename Message>
using ProgressStep = absl::Status (*)(const Message&, const StepContext&, Progress&);

template <typename Message>
struct FollowedEvent {
  Progress::Source source;
  ProgressStep<Message> step;
};

template <typename Message>
constexpr FollowedEvent<Message> Followed(Progress::Source source) {
  return {source, &Step};
}

// Calls `visit(FollowedEvent<Message>)` for every event intake follows.
template <typename Visit>
void ForEachFollowedEvent(Visit&& visit) {
  using enum Progress::Source;
  visit(Followed<rv1::ComplaintRouted>(kRouting));
  visit(Followed<rv1::ComplaintSentToSupervisor>(kRouting));
  visit(Followed<rv1::ComplaintAssignedBySupervisor>(kRouting));
  visit(Followed<rv1::ComplaintAcknowledged>(kRouting));
  visit(Followed<rv1::AssignmentRejected>(kRouting));
  visit(Followed<rv1::AcknowledgementOverdue>(kRouting));
  visit(Followed<chv1::CaseOpened>(kCaseHandling));
  visit(Followed<chv1::InvestigationEntryAdded>(kCaseHandling));
  visit(Followed<chv1::InspectionReportAttached>(kCaseHandling));
  visit(Followed<chv1::CustomerContacted>(kCaseHandling));
  visit(Followed<chv1::SolutionProposed>(kCaseHandling));
  visit(Followed<chv1::SolutionDeadlineExtended>(kCaseHandling));
  visit(Followed<chv1::SolutionDeadlineMissed>(kCaseHandling));
  visit(Followed<chv1::CustomerDecisionRecorded>(kCaseHandling));
  visit(Followed<chv1::ImplementationProgressRecorded>(kCaseHandling));
  visit(Followed<chv1::CaseResolved>(kCaseHandling));
  visit(Followed<chv1::CaseReopened>(kCaseHandling));
  visit(Followed<fv1::TrackerAssigned>(kFollowUp));
  visit(Followed<fv1::ProgressUpdateRecorded>(kFollowUp));
  visit(Followed<fv1::ProgressUpdateOverdue>(kFollowUp));
  visit(Followed<fv1::CallbackScheduled>(kFollowUp));
  visit(Followed<fv1::CallbackOverdue>(kFollowUp));
  visit(Followed<fv1::CallbackRecorded>(kFollowUp));
  visit(Followed<fv1::CustomerUnsatisfied>(kFollowUp));
  visit(Followed<fv1::ComplaintClosed>(kFollowUp));
  visit(Followed<nv1::CustomerNotified>(kNotification));
  visit(Followed<nv1::CustomerNotificationFailed>(kNotification));
}

// What `payload` of a followed event changes: the row's producer and its usual move (routing's
// are followed, the others only move forward), then the row's step.
template <typename Message>
absl::StatusOr<Progress> ReadProgress(const FollowedEvent<Message>& row, const Message& payload,
                                      const cv1::Event& envelope, absl::Time now) {
  Progress p;
  p.source = row.source;
  p.move =
      row.source == Progress::Source::kRouting ? Progress::Move::kFollow : Progress::Move::kForward;
  if (absl::Status s = row.step(payload, StepContext{envelope, now}, p); !s.ok()) return s;
  return p;
}

}  // namespace tousu::intake
