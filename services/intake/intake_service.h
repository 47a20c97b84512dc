#pragma once
// complaints.intake.v1.IntakeService over gRPC, and intake's side of the routing, case-handling
// and follow-up events. This class maps requests to the domain rules (domain/) and the SQL
// (repository/), runs each call on the runtime's executor, and writes ComplaintReceived in the
// same transaction as the complaint.

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/db/migrations.h"
#include "common/events/event_sink.h"
#include "common/metrics/metrics.h"
#include "common/server/server.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "services/intake/domain/number_blocks.h"
#include "services/intake/domain/rate_limit.h"
#include "services/intake/read_cache.h"

namespace tousu::db {
// The service's migrations, compiled in by tousu_embed_migrations (services/intake).
const std::vector<MigrationFile>& intake_migrations();
}  // namespace tousu::db

namespace tousu::intake {

inline constexpr char kGrpcServiceName[] = "complaints.intake.v1.IntakeService";

struct IntakeSettings {
  // NUMBER_BLOCK: complaint numbers reserved per round trip to the shared counter (1..1000). A
  // stopped replica leaves the rest of its block unissued, so this is also the largest gap one
  // restart can leave in a month's numbers.
  int number_block = 100;
  // READ_CACHE_ENTRIES (0 = off) and READ_CACHE_TTL: GetComplaint's cache of records
  // (read_cache.h); the TTL bounds how stale a read can be when several replicas apply events.
  int read_cache_entries = 10000;
  absl::Duration read_cache_ttl = absl::Seconds(1);
  // RATE_PER_CUSTOMER and RATE_PER_SOURCE ("20/1h", "0" = off): SubmitComplaint calls allowed per
  // customer account (customers' own submissions; staff are not limited by it) and per
  // connection peer address. The source limit
  // is off by default: behind a load balancer every call's peer is the balancer, so it belongs
  // where clients connect directly (or at the gateway).
  RateLimit per_customer{.count = 30, .per = absl::Hours(1)};
  RateLimit per_source{.count = 0, .per = absl::Minutes(1)};
};

class IntakeService final : public ::complaints::intake::v1::IntakeService::CallbackService {
 public:
  // `rt` must outlive the service; register with rt.AddService before rt.Start().
  IntakeService(server::ServiceRuntime& rt, IntakeSettings settings = {});

  // Registers the handlers of the events intake shows on the timeline: routing's, case
  // handling's and follow-up's (before Start; the caller also calls rt.ServeEventSink()).
  void RegisterEventHandlers(events::EventSinkService& sink);

  grpc::ServerUnaryReactor* SubmitComplaint(
      grpc::CallbackServerContext* ctx,
      const ::complaints::intake::v1::SubmitComplaintRequest* request,
      ::complaints::intake::v1::SubmitComplaintResponse* response) override;
  grpc::ServerUnaryReactor* GetComplaint(
      grpc::CallbackServerContext* ctx,
      const ::complaints::intake::v1::GetComplaintRequest* request,
      ::complaints::intake::v1::GetComplaintResponse* response) override;
  grpc::ServerUnaryReactor* ListComplaints(
      grpc::CallbackServerContext* ctx,
      const ::complaints::intake::v1::ListComplaintsRequest* request,
      ::complaints::intake::v1::ListComplaintsResponse* response) override;

  // The work behind each RPC, synchronous (what the reactors run on the executor).
  absl::Status Submit(const ::complaints::intake::v1::SubmitComplaintRequest& request,
                      ::complaints::intake::v1::SubmitComplaintResponse* response);
  absl::Status Get(const ::complaints::intake::v1::GetComplaintRequest& request,
                   ::complaints::intake::v1::GetComplaintResponse* response);
  absl::Status List(const ::complaints::intake::v1::ListComplaintsRequest& request,
                    ::complaints::intake::v1::ListComplaintsResponse* response);

 private:
  // Applies one event in the inbox transaction `tx`.
  absl::Status ApplyEvent(db::Transaction& tx, const ::complaints::common::v1::Event& event);
  // The stored submission under `request_id` as this call's answer: a replay when its content is
  // the same, FAILED_PRECONDITION when it differs.
  absl::Status AnswerReplay(const std::string& number, const std::string& stored_hash,
                            const std::string& hash,
                            ::complaints::intake::v1::SubmitComplaintResponse* response);
  absl::Status Load(const std::string& number, ::complaints::intake::v1::Complaint* out);
  // RESOURCE_EXHAUSTED when this submission's source or customer is over its rate limit.
  absl::Status CheckRateLimits(const grpc::CallbackServerContext* ctx);
  // NOT_FOUND, exactly as for a number never issued, when `caller` may not see `complaint`.
  static absl::Status CheckMaySee(const auth::Caller& caller,
                                  const ::complaints::intake::v1::Complaint& complaint);

  server::ServiceRuntime& rt_;
  NumberBlocks numbers_;
  ComplaintReadCache cache_;
  metrics::CachedCounter received_;
  metrics::CachedCounter replays_;
  metrics::CachedCounter validation_failures_;
  metrics::CachedCounter skipped_events_;
  metrics::CachedCounter closed_;
  metrics::CachedCounter cache_lookups_;
  RateLimiter customer_limiter_;
  RateLimiter source_limiter_;
  metrics::CachedCounter rate_limited_;
};

}  // namespace tousu::intake
