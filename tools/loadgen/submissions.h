#pragma once
// Well-formed SubmitComplaint requests for the load generator, the fault runs and the slow-database
// run: spread over eight projects and the three departments the seed data routes to, each with the
// handler who acknowledges for it (deploy/seed/staff-assessment.sql).

#include <cstdint>
#include <string>

#include "complaints/intake/v1/intake.pb.h"

namespace tousu::loadgen {

inline constexpr const char* kProjects[] = {"翠湖花园", "锦绣江南", "滨江一号", "云栖山庄",
                                            "星河湾",   "御景台",   "书香府",   "海棠苑"};

struct Department {
  complaints::common::v1::Category category;
  const char* id;
  const char* owner;
};
inline constexpr Department kDepartments[] = {
    {complaints::common::v1::CATEGORY_PROPERTY_SERVICE, "property-management", "S0028"},
    {complaints::common::v1::CATEGORY_SALES_SERVICE, "sales", "S0023"},
    {complaints::common::v1::CATEGORY_HANDOVER, "handover", "S0026"},
};

// The n-th submission: project and department by n, the staff's category set so routing needs no
// classifier decision.
complaints::intake::v1::SubmitComplaintRequest NewSubmission(const std::string& request_id,
                                                             int64_t n);

}  // namespace tousu::loadgen
