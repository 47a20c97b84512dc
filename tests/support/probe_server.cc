// The probe: a test-only service built on the shared runtime exactly like a real service.
// Producer side: CreateNote writes a note and a NoteCreated event in one transaction.
// Consumer side: its EventSink applies NoteCreated by recording the arrival, and counts any event
// that arrives while the same event is still being applied (a concurrent double delivery).

#include <cppconn/prepared_statement.h>

#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/server/server.h"
#include "complaints/testing/v1/probe.grpc.pb.h"

namespace tousu::probe {
namespace tv1 = complaints::testing::v1;

class ProbeService final : public tv1::ProbeService::CallbackService {
 public:
  explicit ProbeService(server::ServiceRuntime& rt) : rt_(rt) {}

  grpc::ServerUnaryReactor* CreateNote(grpc::CallbackServerContext* ctx,
                                       const tv1::CreateNoteRequest* req,
                                       tv1::CreateNoteResponse* resp) override {
    return server::RunUnary(ctx, rt_.executor(), [this, req, resp]() -> absl::Status {
      if (req->aggregate_id().empty() || req->aggregate_id().size() > 64) {
        return absl::InvalidArgumentError("aggregate_id: required, at most 64 characters");
      }
      return db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) -> absl::Status {
        auto& insert = tx.Prepare("INSERT INTO notes (aggregate_id, seq) VALUES (?, ?)");
        insert.setString(1, req->aggregate_id());
        insert.setInt64(2, req->seq());
        insert.executeUpdate();
        tv1::NoteCreated payload;
        payload.set_aggregate_id(req->aggregate_id());
        payload.set_seq(req->seq());
        auto event = rt_.outbox().Append(tx, req->aggregate_id(), payload);
        if (req->fail_after_write()) return absl::AbortedError("failing after write, as asked");
        resp->set_event_id(event.event_id());
        return absl::OkStatus();
      });
    });
  }

  grpc::ServerUnaryReactor* Slow(grpc::CallbackServerContext* ctx, const tv1::SlowRequest* req,
                                 tv1::SlowResponse* resp) override {
    return server::RunUnary(ctx, rt_.executor(), [ctx, req, resp]() -> absl::Status {
      const auto deadline = ctx->deadline();
      resp->set_deadline_ms(deadline == std::chrono::system_clock::time_point::max()
                                ? -1
                                : std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::system_clock::now())
                                      .count());
      std::this_thread::sleep_for(std::chrono::milliseconds(req->sleep_ms()));
      return absl::OkStatus();
    });
  }

 private:
  server::ServiceRuntime& rt_;
};

}  // namespace tousu::probe

namespace tousu::db {
const std::vector<MigrationFile>& probe_migrations();
}

int main(int argc, char** argv) {
  using namespace tousu;
  server::BlockTerminationSignals();
  auto cfg = config::Config::FromProcess("PROBE", argc, argv);
  auto handler_delay = cfg.DurationOr("HANDLER_DELAY", absl::ZeroDuration());
  auto rt = server::ServiceRuntime::Create(
      {.name = "probe",
       .env_name = "PROBE",
       .grpc_services = {"complaints.testing.v1.ProbeService"},
       .migrations = &db::probe_migrations(),
       // The probe stands in for a service in runtime tests: any member of staff or service.
       .access =
           auth::AccessTable()
               .Allow("complaints.testing.v1.ProbeService", "CreateNote",
                      auth::StaffAndServiceRoles())
               .Allow("complaints.testing.v1.ProbeService", "Slow", auth::StaffAndServiceRoles())},
      cfg);
  if (!rt.ok() || !handler_delay.ok()) {
    log::Error("configuration",
               {{"error", (rt.ok() ? handler_delay.status() : rt.status()).ToString()}});
    return 2;
  }
  if (auto s = cfg.CheckArgs(); !s.ok()) {
    log::Error("configuration", {{"error", s.ToString()}});
    return 2;
  }
  auto& runtime = **rt;

  metrics::CachedCounter concurrent(runtime.registry(), "tousu_probe_concurrent_deliveries_total",
                                    "Events that arrived while the same event was being applied.",
                                    {});
  concurrent.With({});  // exported at zero from the start
  // How parallel the relay's delivery is, and whether it ever overlapped one aggregate's events
  // (which would let them apply out of order).
  metrics::CachedGauge max_in_flight(runtime.registry(), "tousu_probe_max_events_in_flight",
                                     "The most events being applied at once so far.", {});
  metrics::CachedCounter aggregate_overlaps(
      runtime.registry(), "tousu_probe_aggregate_overlaps_total",
      "Events that arrived while another event of the same aggregate was being applied.", {});
  max_in_flight.With({}).Set(0);
  aggregate_overlaps.With({});
  std::mutex in_flight_mu;
  std::set<std::string> in_flight;
  std::multiset<std::string> aggregates_in_flight;
  size_t most_in_flight = 0;
  runtime.event_sink().On<complaints::testing::v1::NoteCreated>(
      [&](db::Transaction& tx, const complaints::testing::v1::NoteCreated& note,
          const complaints::common::v1::Event& e) {
        {
          std::lock_guard<std::mutex> lock(in_flight_mu);
          if (!in_flight.insert(e.event_id()).second) concurrent.With({}).Increment();
          if (aggregates_in_flight.contains(e.aggregate_id()))
            aggregate_overlaps.With({}).Increment();
          aggregates_in_flight.insert(e.aggregate_id());
          if (in_flight.size() > most_in_flight) {
            most_in_flight = in_flight.size();
            max_in_flight.With({}).Set(static_cast<double>(most_in_flight));
          }
        }
        const auto leave = [&] {
          std::lock_guard<std::mutex> lock(in_flight_mu);
          in_flight.erase(e.event_id());
          aggregates_in_flight.erase(aggregates_in_flight.find(e.aggregate_id()));
        };
        if (absl::StartsWith(note.aggregate_id(), "TS-POISON")) {
          leave();
          return absl::FailedPreconditionError("this consumer cannot apply poison notes");
        }
        absl::SleepFor(*handler_delay);
        auto& insert =
            tx.Prepare("INSERT INTO received (event_id, aggregate_id, seq) VALUES (?, ?, ?)");
        insert.setString(1, e.event_id());
        insert.setString(2, note.aggregate_id());
        insert.setInt64(3, note.seq());
        try {
          insert.executeUpdate();
        } catch (...) {
          leave();
          throw;
        }
        leave();
        return absl::OkStatus();
      });
  runtime.ServeEventSink();

  probe::ProbeService service(runtime);
  runtime.AddService(&service);
  return runtime.RunUntilSignal();
}
