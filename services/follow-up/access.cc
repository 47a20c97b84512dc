#include "services/follow-up/access.h"

namespace tousu::followup {

using namespace auth::role;

auth::AccessTable FollowUpAccessTable() {
  constexpr char kFollowUpService[] = "complaints.followup.v1.FollowUpService";
  auth::AccessTable t;
  t.Allow(kFollowUpService, "GetFollowUp",
          {kTracker, kCallbackAgent, kHandler, kCoordinator, kSupervisor, kManager, kService});
  t.Allow(kFollowUpService, "ReassignTracker", {kSupervisor, kCoordinator});
  t.Allow(kFollowUpService, "RecordProgressUpdate", {kTracker, kSupervisor});
  t.Allow(kFollowUpService, "RecordCallback", {kCallbackAgent, kSupervisor});
  t.Allow(kFollowUpService, "IssueQuestionnaireLink", {kCallbackAgent, kTracker, kSupervisor});
  t.Allow(kFollowUpService, "SubmitQuestionnaire", {kCustomer, kCallbackAgent});
  t.Allow(kFollowUpService, "ListDueTasks",
          {kTracker, kCallbackAgent, kCoordinator, kSupervisor, kManager});
  return t;
}

}  // namespace tousu::followup
