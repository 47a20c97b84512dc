#include "services/case-handling/access.h"

namespace tousu::casehandling {

using namespace auth::role;

auth::AccessTable CaseHandlingAccessTable() {
  constexpr char kCaseService[] = "complaints.casehandling.v1.CaseService";
  auth::AccessTable t;
  t.Allow(kCaseService, "GetCase",
          {kHandler, kEngineer, kCoordinator, kSupervisor, kTracker, kCallbackAgent, kManager,
           kAnalyst, kService});
  t.Allow(kCaseService, "ListCases",
          {kHandler, kEngineer, kCoordinator, kSupervisor, kTracker, kCallbackAgent, kManager,
           kAnalyst, kService});
  t.Allow(kCaseService, "AddInvestigationEntry", {kHandler, kEngineer, kCoordinator, kSupervisor});
  t.Allow(kCaseService, "AttachInspectionReport", {kHandler, kEngineer, kSupervisor});
  t.Allow(kCaseService, "LogCustomerContact", {kHandler, kEngineer, kCoordinator, kSupervisor});
  t.Allow(kCaseService, "ProposeSolution", {kHandler, kSupervisor});
  t.Allow(kCaseService, "ExtendSolutionDeadline", {kHandler, kSupervisor});
  // Customers too, on their own complaint only (checked with intake in the handler); no other
  // case-handling call is theirs.
  t.Allow(kCaseService, "RecordCustomerDecision", {kHandler, kCoordinator, kSupervisor, kCustomer});
  t.Allow(kCaseService, "RecordImplementationProgress", {kHandler, kEngineer, kSupervisor});
  t.Allow(kCaseService, "ResolveCase", {kHandler, kEngineer, kSupervisor});
  return t;
}

}  // namespace tousu::casehandling
