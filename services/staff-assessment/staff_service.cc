#include "services/staff-assessment/staff_service.h"

#include <cppconn/exception.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "common/db/transaction.h"
#include "common/events/event_type.h"
#include "common/log/log.h"
#include "common/metrics/grpc_metrics.h"
#include "common/server/executor.h"
#include "services/staff-assessment/domain/directory.h"
#include "services/staff-assessment/repository/directory_repository.h"

namespace tousu::staff {
namespace {

using repository::Lock;

constexpr int kDuplicateKey = 1062;  // MariaDB ER_DUP_ENTRY

// The caller's request id, passed on to the events this call writes (tracing across services).
std::string RequestId(const grpc::CallbackServerContext* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(metrics::kRequestIdHeader);
  if (it == md.end()) return "";
  return std::string(it->second.data(), std::min<size_t>(it->second.size(), 128));
}

absl::Status NotFound(const std::string& field, const std::string& what) {
  return absl::NotFoundError(field + ": " + what);
}

std::optional<bool> ActiveFilter(bool has_active, bool active) {
  return has_active ? std::optional<bool>(active) : std::nullopt;
}

// Runs one upsert transaction. Two callers creating the same new id at once can both find no
// row; the later INSERT then hits the primary key. For an upsert that is not ALREADY_EXISTS: the
// loser runs again, finds the winner's row and updates it (or finds it identical). `fn` sets
// `raced` when its insert lost.
absl::Status RunUpsert(db::ConnectionPool& pool,
                       const std::function<absl::Status(db::Transaction&, bool& raced)>& fn) {
  absl::Status s;
  for (int attempt = 0; attempt < 3; ++attempt) {
    bool raced = false;
    s = db::RunInTransaction(pool, [&](db::Transaction& tx) { return fn(tx, raced); });
    if (!raced) return s;
  }
  return s;
}

// Runs `insert`; true when it lost a race to create the same id (the transaction may go on).
bool LostInsertRace(const std::function<void()>& insert) {
  try {
    insert();
    return false;
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kDuplicateKey) return true;
    throw;
  }
}

absl::Status RaceLost() { return absl::AbortedError("conflicting update, please retry"); }

}  // namespace

StaffService::StaffService(server::ServiceRuntime& rt, StaffServiceOptions options)
    : rt_(rt), metrics_(rt.registry(), rt.pool()) {
  rt.AddService(this);
  // Also picks up rows written behind the service's back (the seed, another replica). The first
  // pass runs once the schema is there, so the dashboard has the gauges from the start.
  rt.AddPeriodicTask(
      "directory_gauges", options.gauge_refresh, [this] { return metrics_.Refresh(); },
      server::FirstPass::kOnceReady);
}

void StaffService::AfterUpsert(const char* entity, v1::UpsertOutcome outcome) {
  metrics_.CountUpsert(entity, outcome);
  if (outcome == v1::UPSERT_OUTCOME_UNCHANGED) return;
  // The change is committed; stale gauges are not worth failing the call over.
  if (absl::Status s = metrics_.Refresh(); !s.ok()) {
    log::Warn("directory gauges not refreshed", {{"error", s.ToString()}});
  }
}

grpc::ServerUnaryReactor* StaffService::UpsertDepartment(grpc::CallbackServerContext* ctx,
                                                         const v1::UpsertDepartmentRequest* req,
                                                         v1::UpsertDepartmentResponse* resp) {
  return server::RunUnary(
      ctx, rt_.executor(), [this, req, resp, rid = RequestId(ctx)]() -> absl::Status {
        const v1::Department incoming = CallerFields(req->department());
        if (absl::Status s = ValidateDepartment(incoming); !s.ok()) return s;
        Upsert<v1::Department> result;
        absl::Status s = RunUpsert(rt_.pool(), [&](db::Transaction& tx, bool& raced) {
          if (!incoming.supervisor_staff_id().empty()) {
            // Share lock: the supervisor cannot be deactivated until this commits.
            auto supervisor =
                repository::FindStaff(tx, incoming.supervisor_staff_id(), Lock::kShare);
            if (absl::Status st = CheckSupervisor(incoming.supervisor_staff_id(), supervisor);
                !st.ok()) {
              return st;
            }
          }
          auto stored = repository::FindDepartment(tx, incoming.id(), Lock::kUpdate);
          result = DecideUpsert(stored, incoming, rt_.clock().Now());
          if (!result.writes()) return absl::OkStatus();
          if (stored.has_value()) {
            repository::UpdateDepartment(tx, result.record);
          } else if (LostInsertRace([&] { repository::InsertDepartment(tx, result.record); })) {
            raced = true;
            return RaceLost();
          }
          rt_.outbox().AppendAs(tx, events::kDepartmentUpserted, result.record.id(), result.record,
                                rid);
          return absl::OkStatus();
        });
        if (!s.ok()) return s;
        AfterUpsert("department", result.outcome);
        *resp->mutable_department() = std::move(result.record);
        resp->set_outcome(result.outcome);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StaffService::GetDepartment(grpc::CallbackServerContext* ctx,
                                                      const v1::GetDepartmentRequest* req,
                                                      v1::GetDepartmentResponse* resp) {
  return server::RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (absl::Status s = CheckDepartmentId("department_id", req->department_id()); !s.ok()) {
      return s;
    }
    std::optional<v1::Department> found;
    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      found = repository::FindDepartment(tx, req->department_id(), Lock::kNone);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (!found.has_value()) {
      return NotFound("department_id", "no department \"" + req->department_id() + "\"");
    }
    *resp->mutable_department() = std::move(*found);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StaffService::ListDepartments(grpc::CallbackServerContext* ctx,
                                                        const v1::ListDepartmentsRequest* req,
                                                        v1::ListDepartmentsResponse* resp) {
  return server::RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (absl::Status s = ValidateListDepartments(*req); !s.ok()) return s;
    auto size = PageSize(req->page());
    if (!size.ok()) return size.status();
    const std::string key = FilterKey(*req);
    auto after = DecodePageToken(req->page().page_token(), key);
    if (!after.ok()) return after.status();
    const repository::DepartmentFilter filter{req->kind(),
                                              ActiveFilter(req->has_active(), req->active())};
    std::vector<v1::Department> rows;
    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      rows = repository::ListDepartments(tx, filter, *after, *size + 1);  // +1: is there more?
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (rows.size() > static_cast<size_t>(*size)) {
      rows.resize(*size);
      resp->mutable_page()->set_next_page_token(EncodePageToken(key, rows.back().id()));
    }
    for (auto& d : rows) *resp->add_departments() = std::move(d);
    resp->mutable_page();  // present (empty token) on the last page too
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StaffService::UpsertStaff(grpc::CallbackServerContext* ctx,
                                                    const v1::UpsertStaffRequest* req,
                                                    v1::UpsertStaffResponse* resp) {
  return server::RunUnary(
      ctx, rt_.executor(), [this, req, resp, rid = RequestId(ctx)]() -> absl::Status {
        const v1::Staff incoming = CallerFields(req->staff());
        if (absl::Status s = ValidateStaff(incoming); !s.ok()) return s;
        Upsert<v1::Staff> result;
        absl::Status s = RunUpsert(rt_.pool(), [&](db::Transaction& tx, bool& raced) {
          // Share lock: the department row cannot go away or change under us until commit.
          auto department = repository::FindDepartment(tx, incoming.department_id(), Lock::kShare);
          if (absl::Status st = CheckStaffDepartment(incoming, department); !st.ok()) return st;
          auto stored = repository::FindStaff(tx, incoming.id(), Lock::kUpdate);
          if (absl::Status st = CheckKeepsSupervision(
                  incoming, repository::DepartmentsSupervisedBy(tx, incoming.id()));
              !st.ok()) {
            return st;
          }
          result = DecideUpsert(stored, incoming, rt_.clock().Now());
          if (!result.writes()) return absl::OkStatus();
          if (stored.has_value()) {
            repository::UpdateStaff(tx, result.record);
          } else if (LostInsertRace([&] { repository::InsertStaff(tx, result.record); })) {
            raced = true;
            return RaceLost();
          }
          rt_.outbox().AppendAs(tx, events::kStaffUpserted, result.record.id(), result.record, rid);
          return absl::OkStatus();
        });
        if (!s.ok()) return s;
        AfterUpsert("staff", result.outcome);
        *resp->mutable_staff() = std::move(result.record);
        resp->set_outcome(result.outcome);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StaffService::GetStaff(grpc::CallbackServerContext* ctx,
                                                 const v1::GetStaffRequest* req,
                                                 v1::GetStaffResponse* resp) {
  return server::RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (absl::Status s = CheckStaffId("staff_id", req->staff_id()); !s.ok()) return s;
    std::optional<v1::Staff> found;
    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      found = repository::FindStaff(tx, req->staff_id(), Lock::kNone);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (!found.has_value()) {
      return NotFound("staff_id", "no staff member \"" + req->staff_id() + "\"");
    }
    *resp->mutable_staff() = std::move(*found);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StaffService::ListStaff(grpc::CallbackServerContext* ctx,
                                                  const v1::ListStaffRequest* req,
                                                  v1::ListStaffResponse* resp) {
  return server::RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
    if (absl::Status s = ValidateListStaff(*req); !s.ok()) return s;
    auto size = PageSize(req->page());
    if (!size.ok()) return size.status();
    const std::string key = FilterKey(*req);
    auto after = DecodePageToken(req->page().page_token(), key);
    if (!after.ok()) return after.status();
    const repository::StaffFilter filter{req->department_id(), req->role(),
                                         ActiveFilter(req->has_active(), req->active())};
    std::vector<v1::Staff> rows;
    absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      rows = repository::ListStaff(tx, filter, *after, *size + 1);  // +1: is there more?
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (rows.size() > static_cast<size_t>(*size)) {
      rows.resize(*size);
      resp->mutable_page()->set_next_page_token(EncodePageToken(key, rows.back().id()));
    }
    for (auto& m : rows) *resp->add_staff() = std::move(m);
    resp->mutable_page();  // present (empty token) on the last page too
    return absl::OkStatus();
  });
}

}  // namespace tousu::staff
