#include "services/staff-assessment/directory_metrics.h"

#include <map>
#include <utility>

#include "common/db/transaction.h"
#include "services/staff-assessment/repository/directory_repository.h"

namespace tousu::staff {
namespace {

const char* Bool(bool b) { return b ? "true" : "false"; }

const char* OutcomeLabel(v1::UpsertOutcome outcome) {
  switch (outcome) {
    case v1::UPSERT_OUTCOME_CREATED:
      return "created";
    case v1::UPSERT_OUTCOME_UPDATED:
      return "updated";
    case v1::UPSERT_OUTCOME_UNCHANGED:
      return "unchanged";
    default:
      return "unknown";
  }
}

}  // namespace

DirectoryMetrics::DirectoryMetrics(prometheus::Registry& registry, db::ConnectionPool& pool)
    : pool_(pool),
      staff_(registry, "tousu_staff_assessment_directory_staff",
             "Staff in the directory by department, role and active flag (the same in every "
             "replica: aggregate with max).",
             {"department", "role", "active"}),
      departments_(registry, "tousu_staff_assessment_directory_departments",
                   "Departments in the directory by active flag (aggregate with max).", {"active"}),
      without_supervisor_(registry,
                          "tousu_staff_assessment_directory_departments_without_supervisor",
                          "Active departments that name no supervisor: escalations from them have "
                          "nowhere to go (aggregate with max).",
                          {}),
      upserts_(registry, "tousu_staff_assessment_directory_upserts_total",
               "Department and staff upserts this process committed, by outcome.",
               {"entity", "outcome"}) {
  // Exported at zero from the start, so rate() and absent() behave before the first write.
  for (const char* entity : {"department", "staff"}) {
    for (auto outcome :
         {v1::UPSERT_OUTCOME_CREATED, v1::UPSERT_OUTCOME_UPDATED, v1::UPSERT_OUTCOME_UNCHANGED}) {
      upserts_.With({entity, OutcomeLabel(outcome)});
    }
  }
  departments_.With({"true"});
  departments_.With({"false"});
  without_supervisor_.With({});
}

void DirectoryMetrics::CountUpsert(std::string_view entity, v1::UpsertOutcome outcome) {
  upserts_.With({std::string(entity), OutcomeLabel(outcome)}).Increment();
}

absl::Status DirectoryMetrics::Refresh() {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  std::vector<repository::DepartmentSummary> departments;
  std::vector<repository::StaffCount> counts;
  // One transaction: both reads see the same snapshot.
  absl::Status s = db::RunInTransaction(pool_, [&](db::Transaction& tx) {
    departments = repository::SummarizeDepartments(tx);
    counts = repository::CountStaff(tx);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;

  // Every known department gets every role at zero, so "no active handler" is a 0, not a gap.
  std::map<std::vector<std::string>, int64_t> staff;
  for (const auto& d : departments) {
    for (auto role : AllRoles()) {
      for (bool active : {true, false}) {
        staff[{d.id, std::string(RoleName(role)), Bool(active)}] = 0;
      }
    }
  }
  for (const auto& c : counts) {
    staff[{c.department_id, std::string(RoleName(c.role)), Bool(c.active)}] += c.count;
  }
  for (const auto& labels : staff_series_) {
    if (!staff.contains(labels)) staff_.With(labels).Set(0);
  }
  for (const auto& [labels, n] : staff) {
    staff_.With(labels).Set(static_cast<double>(n));
    staff_series_.insert(labels);
  }

  int64_t active = 0, inactive = 0, unsupervised = 0;
  for (const auto& d : departments) {
    (d.active ? active : inactive)++;
    if (d.active && !d.has_supervisor) ++unsupervised;
  }
  departments_.With({"true"}).Set(static_cast<double>(active));
  departments_.With({"false"}).Set(static_cast<double>(inactive));
  without_supervisor_.With({}).Set(static_cast<double>(unsupervised));
  return absl::OkStatus();
}

}  // namespace tousu::staff
