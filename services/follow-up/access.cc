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
  // The SMS link carries its own secret: a customer without the app answers with no sign-in. A
  // signed-in customer answers by number (their own complaint only, checked by the handler).
  t.AllowAnonymous(kFollowUpService, "SubmitQuestionnaire");
  t.Allow(kFollowUpService, "ListDueTasks",
          {kTracker, kCallbackAgent, kCoordinator, kSupervisor, kManager});
  return t;
}

}  // namespace tousu::followup
