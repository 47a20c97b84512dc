// AssessmentService's construction: its metrics, and its registration with the runtime.

#include "services/staff-assessment/assessment_service.h"

namespace tousu::staff {

AssessmentService::AssessmentService(server::ServiceRuntime& rt, const Settings& settings)
    : rt_(rt),
      rules_(settings.policy),
      runs_(rt.registry(), "tousu_staff_assessment_assessments_run_total",
            "Quarterly assessment runs committed; outcome replaced when a re-run replaced a "
            "quarter's results.",
            {"outcome"}),
      grades_(rt.registry(), "tousu_staff_assessment_grades",
              "People by grade and department in the latest run of each quarter this process made.",
              {"quarter", "department", "grade"}),
      enrolments_(rt.registry(), "tousu_staff_assessment_training_enrolments_total",
                  "Course enrolments created, by reason (manual, assessment).", {"reason"}),
      completions_(rt.registry(), "tousu_staff_assessment_training_completions_total",
                   "Training completions recorded, by result.", {"result"}),
      suggestions_(rt.registry(), "tousu_staff_assessment_accountability_suggestions_total",
                   "Accountability suggestions made by rule from the events.", {"rule"}),
      records_(rt.registry(), "tousu_staff_assessment_accountability_records_total",
               "Accountability records decided by a person, by source (suggestion, direct).",
               {"source"}) {
  // Every series at zero from the start, so rate() and absent() behave before the first count.
  for (const char* o : {"first_run", "replaced"}) runs_.With({o});
  for (const char* r : {"manual", "assessment"}) enrolments_.With({r});
  for (const char* r : {"passed", "failed"}) completions_.With({r});
  for (const char* r : {"late_acknowledgement", "solution_deadline_missed", "callback_overdue",
                        "sales_complaint_upheld"}) {
    suggestions_.With({r});
  }
  for (const char* s : {"suggestion", "direct"}) records_.With({s});

  rt.AddService(this);
  SubscribeToEvents();
  rt.ServeEventSink();
}

absl::Time AssessmentService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(rt_.clock().Now()));
}

}  // namespace tousu::staff
