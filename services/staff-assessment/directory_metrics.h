#pragma once
// Business metrics of the staff directory, for the ops dashboards:
//
//   tousu_staff_assessment_directory_staff{department,role,active}       gauge
//   tousu_staff_assessment_directory_departments{active}                 gauge
//   tousu_staff_assessment_directory_departments_without_supervisor      gauge (active ones)
//   tousu_staff_assessment_directory_upserts_total{entity,outcome}       counter
//
// The gauges count what the database holds, so every replica reports the same value (aggregate
// with max, not sum). They are refreshed right after each change this process commits and by the
// owner's periodic task otherwise, which also picks up rows written behind the service's back (the
// seed data, another replica). A department with 0 active handlers, or without a supervisor, is the
// alert: routing would have nobody to assign to or escalate to.

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/db/pool.h"
#include "common/metrics/metrics.h"
#include "services/staff-assessment/domain/directory.h"

namespace tousu::staff {

class DirectoryMetrics {
 public:
  DirectoryMetrics(prometheus::Registry& registry, db::ConnectionPool& pool);
  DirectoryMetrics(const DirectoryMetrics&) = delete;
  DirectoryMetrics& operator=(const DirectoryMetrics&) = delete;

  // `entity` is "department" or "staff".
  void CountUpsert(std::string_view entity, v1::UpsertOutcome outcome);
  // Re-reads the counts and sets the gauges. Thread-safe.
  absl::Status Refresh();

 private:
  db::ConnectionPool& pool_;
  metrics::CachedGauge staff_;
  metrics::CachedGauge departments_;
  metrics::CachedGauge without_supervisor_;
  metrics::CachedCounter upserts_;

  std::mutex refresh_mu_;  // one refresh at a time, so an older snapshot never lands last
  std::set<std::vector<std::string>> staff_series_;  // every label set ever exported
};

}  // namespace tousu::staff
