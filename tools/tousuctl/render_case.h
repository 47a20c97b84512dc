#pragma once
// The readable (table) form of the case-handling service's responses (tousuctl case ...). Pure
// functions: tested without a server.

#include <string>

#include "absl/time/time.h"
#include "complaints/casehandling/v1/case.pb.h"

namespace tousu::ctl {

// A case with its whole history (cycles, deadlines, investigation, inspection reports, contacts,
// solutions, decisions, implementation); `now` tells the time left until the solution deadline
// while one is due.
std::string RenderCase(const complaints::casehandling::v1::Case& case_file, absl::Time now);
std::string RenderCaseList(const complaints::casehandling::v1::ListCasesResponse& response,
                           absl::Time now);
std::string RenderInvestigationEntry(const complaints::casehandling::v1::InvestigationEntry& e);
std::string RenderInspectionReport(const complaints::casehandling::v1::InspectionReport& r);
std::string RenderContact(const complaints::casehandling::v1::CustomerContact& c);
std::string RenderSolution(const complaints::casehandling::v1::Solution& s);
std::string RenderDecision(const complaints::casehandling::v1::Decision& d, absl::Time now);
std::string RenderImplementationNote(const complaints::casehandling::v1::ImplementationNote& n);

}  // namespace tousu::ctl
