#pragma once
// complaints.common.v1.AuditTrail: reads one subject's audit trail from this service's schema.
// Every ServiceRuntime serves it. Who may call it (supervisors and managers) is decided by the
// service's access table in the authentication layer (common/auth), before a handler runs; this
// class does not check roles itself.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/pool.h"
#include "common/server/executor.h"
#include "complaints/common/v1/audit.grpc.pb.h"

namespace tousu::audit {

inline constexpr char kAuditTrailServiceName[] = "complaints.common.v1.AuditTrail";
inline constexpr int kDefaultTrailPageSize = 100;
inline constexpr int kMaxTrailPageSize = 500;

// A validated GetAuditTrail request.
struct TrailQuery {
  std::string subject;
  std::optional<absl::Time> since;  // inclusive
  std::optional<absl::Time> until;  // exclusive
  int page_size = kDefaultTrailPageSize;
  uint64_t after_id = 0;           // continue after this id; 0 on the first page
  std::string filter_fingerprint;  // what a page token must carry
};

// INVALID_ARGUMENT naming the field ("subject", "since", "until", "page.page_size",
// "page.page_token").
absl::StatusOr<TrailQuery> ParseTrailRequest(
    const complaints::common::v1::GetAuditTrailRequest& request);
// The token of the page after one that ended with entry `last_id`.
std::string EncodeTrailPageToken(uint64_t last_id, const std::string& filter_fingerprint);

class AuditTrailService final : public complaints::common::v1::AuditTrail::CallbackService {
 public:
  AuditTrailService(db::ConnectionPool& pool, server::BoundedExecutor& executor)
      : pool_(pool), executor_(executor) {}

  // Runs on the executor: validation, then one indexed read (subject, id).
  absl::Status Get(const complaints::common::v1::GetAuditTrailRequest& request,
                   complaints::common::v1::GetAuditTrailResponse* response);

  grpc::ServerUnaryReactor* GetAuditTrail(
      grpc::CallbackServerContext* ctx, const complaints::common::v1::GetAuditTrailRequest* request,
      complaints::common::v1::GetAuditTrailResponse* response) override;

 private:
  db::ConnectionPool& pool_;
  server::BoundedExecutor& executor_;
};

}  // namespace tousu::audit
