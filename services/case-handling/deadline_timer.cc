// The solution-deadline timer: deadlines that passed without a proposal are marked missed (and
// announced) once each, whichever replica's pass claims them first; each pass also refreshes the
// open-cases gauge from the database.

#include <map>

#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "services/case-handling/case_handling_service.h"

namespace tousu::casehandling {

namespace {

constexpr int kCasesPerPass = 100;

}  // namespace

absl::StatusOr<int> CaseHandlingService::MarkMissedDeadlines() {
  int missed = 0;
  std::map<std::string, int64_t> open;
  auto s = db::RunInTransaction(rt_.pool(),
                                [&](db::Transaction& tx) -> absl::Status {
                                  missed = 0;
                                  const absl::Time now = rules_.Now();
                                  // SKIP LOCKED: another replica's pass (or a request holding a
                                  // case) takes other rows, and the flag set below makes the next
                                  // pass find nothing: each deadline is missed once.
                                  for (const auto& number : ClaimOverdue(tx, now, kCasesPerPass)) {
                                    auto row = LoadCase(tx, number, /*for_update=*/true);
                                    if (!row || !rules_.MarkDeadlineMissed(row->facts, now))
                                      continue;
                                    row->updated_at = now;
                                    UpdateCase(tx, *row);
                                    MarkLatestDeadlineMissed(tx, number, row->facts.cycle, now);
                                    chv1::SolutionDeadlineMissed ev;
                                    ev.set_number(number);
                                    ev.set_cycle(row->facts.cycle);
                                    ev.set_department_id(row->department_id);
                                    ev.set_owner_staff_id(row->owner_staff_id);
                                    time::ToProto(row->facts.solution_due, ev.mutable_due());
                                    time::ToProto(now, ev.mutable_detected_at());
                                    rt_.outbox().Append(tx, number, ev);
                                    ++missed;
                                  }
                                  open = CountOpenByDepartment(tx);
                                  return absl::OkStatus();
                                },
                                {.read_committed = true});
  if (!s.ok()) return s;
  if (missed > 0) deadlines_missed_.With({}).Increment(missed);
  std::lock_guard<std::mutex> lock(gauge_mu_);
  for (const auto& [department, count] : open) gauge_departments_.insert(department);
  for (const auto& department : gauge_departments_) {
    auto it = open.find(department);
    cases_open_.With({department}).Set(it == open.end() ? 0.0 : static_cast<double>(it->second));
  }
  return missed;
}

}  // namespace tousu::casehandling
