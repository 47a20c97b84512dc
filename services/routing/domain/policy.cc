#include "services/routing/domain/policy.h"

#include <algorithm>

namespace tousu::routing {

namespace cv1 = complaints::common::v1;

std::optional<std::string> DepartmentFor(Category category, const std::string& project,
                                         const std::vector<Rule>& rules,
                                         const std::set<std::string>& exclude) {
  const Rule* general = nullptr;
  for (const auto& r : rules) {
    if (r.category != category || exclude.contains(r.department_id)) continue;
    if (!project.empty() && r.project == project) return r.department_id;
    if (r.project.empty()) general = &r;
  }
  if (general != nullptr) return general->department_id;
  return std::nullopt;
}

Decision Decide(const RoutingInput& input, const std::vector<Rule>& rules, const Policy& policy) {
  Decision d;
  if (input.staff_category != cv1::CATEGORY_UNSPECIFIED) {
    d.category = input.staff_category;
    d.category_source = "staff";
    d.confidence = 1.0;
    d.ranking.push_back(d.category);
  } else if (input.classification.has_value()) {
    const auto& c = *input.classification;
    d.category = c.category;
    d.category_source = "classifier";
    d.confidence = c.confidence;
    d.ranking.push_back(c.category);
    for (const auto& other : c.others) d.ranking.push_back(other.category);
  }
  // Every category appears in the ranking, so a rejection can always try the rest.
  for (int c = cv1::CATEGORY_PRODUCT_QUALITY; c <= cv1::CATEGORY_PROPERTY_SERVICE; ++c) {
    auto cat = static_cast<Category>(c);
    if (std::find(d.ranking.begin(), d.ranking.end(), cat) == d.ranking.end()) d.ranking.push_back(cat);
  }

  auto to_supervisor = [&](const char* reason) {
    d.to_supervisor = true;
    d.supervisor_reason = reason;
    return d;
  };
  if (d.category == cv1::CATEGORY_UNSPECIFIED) return to_supervisor("low_confidence");
  if (input.severity == cv1::SEVERITY_CRITICAL) return to_supervisor("critical_severity");
  auto department = DepartmentFor(d.category, input.project, rules);
  if (d.category_source == "classifier") {
    if (d.confidence < policy.low_confidence) return to_supervisor("low_confidence");
    // Other categories detected that belong to another department: several departments.
    for (const auto& other : input.classification->others) {
      auto other_department = DepartmentFor(other.category, input.project, rules);
      if (other_department.has_value() && other_department != department) {
        return to_supervisor("several_departments");
      }
    }
  }
  if (!department.has_value()) return to_supervisor("no_routing_rule");
  d.department_id = *department;
  return d;
}

Reroute AfterRejection(int bounces_so_far, const std::string& named_department, Category current,
                       const std::vector<Category>& ranking, const std::string& project,
                       const std::vector<Rule>& rules, const std::set<std::string>& tried,
                       const Policy& policy) {
  Reroute r;
  if (bounces_so_far >= policy.max_bounces) {
    r.to_supervisor = true;
    r.reason = "too_many_bounces";
    return r;
  }
  if (!named_department.empty()) {
    r.department_id = named_department;
    r.category = current;
    return r;
  }
  for (Category c : ranking) {
    auto dep = DepartmentFor(c, project, rules, tried);
    if (dep.has_value()) {
      r.department_id = *dep;
      r.category = c;
      return r;
    }
  }
  r.to_supervisor = true;
  r.reason = "no_routing_rule";
  return r;
}

}  // namespace tousu::routing
