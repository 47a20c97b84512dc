// AssessmentService's accountability RPCs (policy §10): the suggestions the rules made from the
// events, the record a person decides (confirming a suggestion or directly) with its
// AccountabilityRecorded event, and the records listed.

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/db/transaction.h"
#include "common/time/proto_time.h"
#include "complaints/staff/v1/events.pb.h"
#include "services/staff-assessment/assessment_service.h"
#include "services/staff-assessment/domain/assessment_requests.h"
#include "services/staff-assessment/handler_support.h"
#include "services/staff-assessment/repository/accountability_repository.h"
#include "services/staff-assessment/repository/directory_repository.h"

namespace tousu::staff {
namespace {

using repository::Lock;
using server::RunUnary;

// What the request decides; a confirmation completes it from its suggestion.
v1::AccountabilityRecord Decided(const v1::RecordAccountabilityRequest& req,
                                 absl::Time decided_at) {
  v1::AccountabilityRecord r;
  r.set_number(req.number());
  r.set_staff_id(req.staff_id());
  r.set_department_id(req.department_id());
  r.set_cause(req.cause());
  r.set_severity(req.severity());
  r.set_measure(req.measure());
  r.set_decided_by_staff_id(req.decided_by_staff_id());
  time::ToProto(decided_at, r.mutable_decided_at());
  r.set_note(req.note());
  return r;
}

// The people and department a record names exist (share locks: they stay until commit).
absl::Status CheckNamed(db::Transaction& tx, const v1::AccountabilityRecord& r,
                        const v1::RecordAccountabilityRequest& req) {
  if (!r.staff_id().empty() && !repository::FindStaff(tx, r.staff_id(), Lock::kShare)) {
    return NotFound("staff_id", "no staff member \"" + r.staff_id() + "\"");
  }
  // The department the request names; one taken from a suggestion came from the events.
  if (!req.department_id().empty() &&
      !repository::FindDepartment(tx, req.department_id(), Lock::kShare)) {
    return NotFound("department_id", "no department \"" + req.department_id() + "\"");
  }
  if (!repository::FindStaff(tx, req.decided_by_staff_id(), Lock::kShare)) {
    return NotFound("decided_by_staff_id", "no staff member \"" + req.decided_by_staff_id() + "\"");
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* AssessmentService::ListAccountabilitySuggestions(
    grpc::CallbackServerContext* ctx, const v1::ListAccountabilitySuggestionsRequest* req,
    v1::ListAccountabilitySuggestionsResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckListAccountabilitySuggestions(*req); !s.ok()) return s;
    const bool confirmed = req->status() == v1::SUGGESTION_STATUS_CONFIRMED;
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      for (auto& s : repository::ListSuggestions(tx, confirmed, req->staff_id(), req->number())) {
        *resp->add_suggestions() = std::move(s);
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AssessmentService::RecordAccountability(
    grpc::CallbackServerContext* ctx, const v1::RecordAccountabilityRequest* req,
    v1::RecordAccountabilityResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    auto decided_at = assessment::CheckRecordAccountability(*req, Now());
    if (!decided_at.ok()) return decided_at.status();
    const bool direct = req->suggestion_id() == 0;
    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      v1::AccountabilityRecord r = Decided(*req, *decided_at);
      if (!direct) {
        auto suggestion = repository::FindSuggestion(tx, req->suggestion_id(), true);
        if (!suggestion) {
          return NotFound("suggestion_id", absl::StrCat("no suggestion ", req->suggestion_id()));
        }
        auto confirmed = rules_.Confirm(std::move(r), *suggestion);
        if (!confirmed.ok()) return confirmed.status();
        r = std::move(*confirmed);
      }
      if (auto named = CheckNamed(tx, r, *req); !named.ok()) return named;
      const absl::Time now = Now();
      r.set_id(repository::InsertRecord(tx, r, now));
      time::ToProto(now, r.mutable_recorded_at());
      if (!direct) repository::MarkSuggestionConfirmed(tx, r.suggestion_id(), r.id());
      v1::AccountabilityRecorded recorded;
      *recorded.mutable_record() = r;
      rt_.outbox().Append(tx, r.number(), recorded);
      *resp->mutable_record() = std::move(r);
      return absl::OkStatus();
    });
    if (s.ok()) records_.With({direct ? "direct" : "suggestion"}).Increment();
    return s;
  });
}

grpc::ServerUnaryReactor* AssessmentService::ListAccountability(
    grpc::CallbackServerContext* ctx, const v1::ListAccountabilityRequest* req,
    v1::ListAccountabilityResponse* resp) {
  return RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (auto s = assessment::CheckListAccountability(*req); !s.ok()) return s;
    repository::RecordFilter filter{.staff_id = req->staff_id(),
                                    .department_id = req->department_id(),
                                    .number = req->number(),
                                    .decided_in = std::nullopt};
    if (req->year() != 0 || req->quarter() != 0) {
      filter.decided_in = assessment::QuarterSpan({.year = req->year(), .quarter = req->quarter()});
    }
    return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
      resp->Clear();
      for (auto& r : repository::ListRecords(tx, filter)) *resp->add_records() = std::move(r);
      return absl::OkStatus();
    });
  });
}

}  // namespace tousu::staff
