#pragma once
// Follow-up's records as API messages, and the events follow-up publishes built from them.

#include <vector>

#include "absl/time/time.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/followup/v1/followup.pb.h"
#include "services/follow-up/domain/follow_up_records.h"
#include "services/follow-up/domain/follow_up_rules.h"
#include "services/follow-up/repository/follow_ups.h"

namespace tousu::followup {

void ToProto(const CallbackRow& row, fv1::Callback* out);
void ToProto(const ProgressRow& row, fv1::ProgressUpdate* out);
void ToProto(const TaskRow& row, fv1::DueTask* out);
// The follow-up with its callbacks and progress updates; the next progress update only while the
// case is open.
void ToProto(const FollowUpRow& row, const std::vector<CallbackRow>& callbacks,
             const std::vector<ProgressRow>& updates, fv1::FollowUp* out);

// `how`: "rule" (picked when the case opened) or "reassigned"; at the follow-up's last change.
fv1::TrackerAssigned TrackerAssignedEvent(const FollowUpRow& fu, const char* how);
fv1::ProgressUpdateRecorded ProgressUpdateRecordedEvent(const std::string& number,
                                                        const ProgressRow& update);
fv1::ProgressUpdateOverdue ProgressUpdateOverdueEvent(const FollowUpRow& fu, absl::Time detected);
fv1::CallbackScheduled CallbackScheduledEvent(const CallbackRow& cb);
fv1::CallbackOverdue CallbackOverdueEvent(const CallbackRow& cb, absl::Time detected);
// For a callback the rules recorded (FollowUpRules::RecordAnswer).
fv1::CallbackRecorded CallbackRecordedEvent(const CallbackRow& cb, const CallbackOutcome& outcome);
fv1::CustomerUnsatisfied CustomerUnsatisfiedEvent(const CallbackRow& cb,
                                                  const CallbackOutcome& outcome);
fv1::ComplaintClosed ComplaintClosedEvent(const CallbackRow& cb, const CallbackOutcome& outcome);

}  // namespace tousu::followup
