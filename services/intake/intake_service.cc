#include "services/intake/intake_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/audit/audit.h"
#include "common/client/staff_directory.h"
#include "common/db/transaction.h"
#include "common/events/event_sink.h"
#include "common/events/event_time.h"
#include "common/events/event_type.h"
#include "common/log/log.h"
#include "common/log/mask.h"
#include "common/server/executor.h"
#include "common/validation/text.h"
#include "complaints/intake/v1/events.pb.h"
#include "services/intake/department_sync.h"
#include "services/intake/domain/complaint_number.h"
#include "services/intake/domain/fingerprint.h"
#include "services/intake/domain/followed_events.h"
#include "services/intake/domain/listing.h"
#include "services/intake/domain/ownership.h"
#include "services/intake/domain/submission.h"
#include "services/intake/domain/submitter.h"
#include "services/intake/domain/timestamps.h"
#include "services/intake/repository/complaint_repository.h"
#include "services/intake/repository/department_names.h"

namespace tousu::intake {
namespace {

namespace repo = repository;
namespace sv1 = ::complaints::staff::v1;

CustomerIdentity IdentityOf(const auth::Caller& caller) {
  return {.customer_id = caller.subject, .verified_phone = caller.verified_phone};
}

iv1::ComplaintReceived ReceivedEvent(const std::string& number, const iv1::ComplaintInput& in,
                                     absl::Time received_at) {
  iv1::ComplaintReceived e;
  e.set_number(number);
  e.set_channel(in.channel());
  e.set_journey_stage(in.journey_stage());
  e.set_severity(in.severity());
  e.set_staff_category(in.staff_category());
  e.set_project(in.project());
  e.set_description(in.description());
  *e.mutable_received_at() = ToProto(received_at);
  *e.mutable_occurred_at() = in.occurred_at();
  e.set_recorded_by_staff_id(in.recorded_by_staff_id());
  return e;
}

}  // namespace

IntakeService::IntakeService(server::ServiceRuntime& rt, const IntakeSettings& settings)
    : rt_(rt),
      numbers_(settings.number_block,
               [&rt](const std::string& month, int count) {
                 return repository::ReserveNumbers(rt.pool(), month, count);
               }),
      cache_(static_cast<size_t>(settings.read_cache_entries),
             absl::ToChronoNanoseconds(settings.read_cache_ttl)),
      received_(rt.registry(), "tousu_intake_complaints_received_total",
                absl::StrCat("Complaints recorded, by channel and by the category staff chose"
                             " (\"",
                             kUnclassifiedLabel, "\" when none)."),
                {"channel", "category"}),
      replays_(rt.registry(), "tousu_intake_submission_replays_total",
               "Submissions recognised as retries of one already recorded (nothing written).", {}),
      validation_failures_(rt.registry(), "tousu_intake_validation_failures_total",
                           "Submissions refused as invalid, by the first invalid field.",
                           {"field"}),
      closed_(rt.registry(), "tousu_intake_complaints_closed_total",
              "Complaints closed because the customer was satisfied (§7.2).", {}),
      cache_lookups_(rt.registry(), "tousu_intake_read_cache_lookups_total",
                     "GetComplaint answers from the read cache (hit) or the database (miss).",
                     {"result"}),
      customer_limiter_(settings.per_customer),
      source_limiter_(settings.per_source),
      rate_limited_(rt.registry(), "tousu_intake_rate_limited_total",
                    "Submissions refused by a rate limit, by limit (customer, source).", {"limit"}),
      retention_(rt, settings.retention) {
  rate_limited_.With({"customer"});
  rate_limited_.With({"source"});
  // Every series exists from the start, so rates and dashboards work before the first complaint.
  for (const std::string& channel : ChannelLabels()) {
    for (const std::string& category : CategoryLabels()) received_.With({channel, category});
  }
  replays_.With({});
  closed_.With({});
  cache_lookups_.With({"hit"});
  cache_lookups_.With({"miss"});
  if (!settings.staff_assessment_addr.empty()) {
    department_sync_ = std::make_unique<client::DepartmentNameSync>(
        rt,
        std::make_unique<client::StaffDirectory>(settings.staff_assessment_addr,
                                                 settings.staff_timeout),
        settings.department_sync_every, KeepListedDepartments);
  } else {
    log::Warn("no staff directory: the timeline names only departments whose names are kept",
              {{"setting", "STAFF_ASSESSMENT_ADDR"}});
  }
  rt.AddService(this);
  FollowEvents();
}

void IntakeService::FollowEvents() {
  events::EventSinkService& sink = rt_.event_sink();
  ForEachFollowedEvent([this, &sink]<typename Message>(const FollowedEvent<Message>& row) {
    sink.On<Message>(
        [this, row](db::Transaction& tx, const Message& payload, const cv1::Event& envelope) {
          const absl::Time now = rt_.clock().Now();
          return ApplyEvent(tx, envelope, ReadProgress(row, payload, envelope, now), now);
        });
  });
  for (const FollowedEventType& followed : FollowedEventTypes()) {
    for (const char* reason : {"malformed", "unknown_complaint"}) {
      sink.ExpectSkipReason(followed.type, reason);
    }
  }
  // The staff directory's department changes: the names the timeline uses.
  sink.OnAs<sv1::Department>(
      events::kDepartmentUpserted,
      [this](db::Transaction& tx, const sv1::Department& department, const cv1::Event& envelope) {
        return KeepDepartmentName(tx, department, envelope);
      });
  sink.ExpectSkipReason(events::kDepartmentUpserted, "malformed");
  rt_.ServeEventSink();
}

absl::Status IntakeService::KeepDepartmentName(db::Transaction& tx,
                                               const sv1::Department& department,
                                               const cv1::Event& envelope) {
  std::optional<DirectoryDepartment> kept =
      FromDirectory(department, events::EventTime(envelope, rt_.clock().Now()));
  if (!kept) return rt_.event_sink().Skip(envelope, "malformed");
  repo::KeepDepartmentNames(tx, {*kept});
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* IntakeService::SubmitComplaint(grpc::CallbackServerContext* ctx,
                                                         const iv1::SubmitComplaintRequest* request,
                                                         iv1::SubmitComplaintResponse* response) {
  // A flood is refused here, on the gRPC thread, before it costs a queue slot or a connection.
  if (absl::Status limited = CheckRateLimits(ctx); !limited.ok()) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(status::ToGrpc(limited));
    return reactor;
  }
  return server::RunUnary(ctx, rt_.executor(),
                          [this, request, response] { return Submit(*request, response); });
}

grpc::ServerUnaryReactor* IntakeService::GetComplaint(grpc::CallbackServerContext* ctx,
                                                      const iv1::GetComplaintRequest* request,
                                                      iv1::GetComplaintResponse* response) {
  // A cached record is answered right here, without the executor hop or a database round trip.
  // Staff reads are audited (a database write), so only customers' and services' reads are
  // answered from the cache.
  const absl::StatusOr<auth::Caller> reader = auth::CallerOf(ctx);
  if (cache_.enabled() && reader.ok() && !reader->is_staff() &&
      CheckNumber("number", request->number()).ok()) {
    if (ComplaintReadCache::Record cached = cache_.Find(request->number())) {
      cache_lookups_.With({"hit"}).Increment();
      grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
      absl::Status s = CheckMaySee(*reader, *cached);
      if (s.ok()) *response->mutable_complaint() = *cached;
      reactor->Finish(status::ToGrpc(s));
      return reactor;
    }
  }
  return server::RunUnary(ctx, rt_.executor(),
                          [this, request, response] { return Get(*request, response); });
}

grpc::ServerUnaryReactor* IntakeService::ListComplaints(grpc::CallbackServerContext* ctx,
                                                        const iv1::ListComplaintsRequest* request,
                                                        iv1::ListComplaintsResponse* response) {
  return server::RunUnary(ctx, rt_.executor(),
                          [this, request, response] { return List(*request, response); });
}

grpc::ServerUnaryReactor* IntakeService::CheckCustomerOwnsComplaint(
    grpc::CallbackServerContext* ctx, const iv1::CheckCustomerOwnsComplaintRequest* request,
    iv1::CheckCustomerOwnsComplaintResponse* response) {
  return server::RunUnary(ctx, rt_.executor(),
                          [this, request, response] { return CheckOwnership(*request, response); });
}

absl::Status IntakeService::CheckRateLimits(const grpc::CallbackServerContext* ctx) {
  // Who is calling comes first: an unauthenticated flood is refused as such and spends nobody's
  // allowance.
  absl::StatusOr<auth::Caller> caller = auth::CallerOf(ctx);
  if (!caller.ok()) return caller.status();
  const absl::Time now = rt_.clock().Now();
  absl::Duration retry_after;
  if (source_limiter_.enabled() &&
      !source_limiter_.Allow(PeerAddress(ctx->peer()), now, &retry_after)) {
    rate_limited_.With({"source"}).Increment();
    return absl::ResourceExhaustedError(
        absl::StrCat("rate limit: too many submissions from this address; retry in ",
                     absl::FormatDuration(retry_after)));
  }
  // Customers filing for themselves, by account. Staff recording complaints are trusted and
  // identified; a hotline agent may rightly record many complaints of one caller.
  if (customer_limiter_.enabled() && caller->is_customer()) {
    if (!customer_limiter_.Allow(caller->subject, now, &retry_after)) {
      rate_limited_.With({"customer"}).Increment();
      return absl::ResourceExhaustedError(
          absl::StrCat("rate limit: too many submissions for this customer; retry in ",
                       absl::FormatDuration(retry_after)));
    }
  }
  return absl::OkStatus();
}

absl::Status IntakeService::Submit(const iv1::SubmitComplaintRequest& request,
                                   iv1::SubmitComplaintResponse* response) {
  const absl::Time now = rt_.clock().Now();
  if (absl::Status s = ValidateSubmission(request, now); !s.ok()) {
    validation_failures_.With({FieldOf(s)}).Increment();
    return s;
  }
  iv1::ComplaintInput owned;
  absl::StatusOr<const iv1::ComplaintInput*> input =
      InputToRecord(auth::CurrentCaller(), request.complaint(), &owned);
  if (!input.ok()) return input.status();
  const std::string hash = InputHash(**input);
  absl::Status s = Record(request, **input, hash, now, response);
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    // The request id is taken: a retry of a submission already recorded, possibly one that
    // committed while this insert waited on its key. Answer it as the replay it is.
    return AnswerReplay(request.request_id(), hash, response);
  }
  return s;
}

absl::Status IntakeService::Record(const iv1::SubmitComplaintRequest& request,
                                   const iv1::ComplaintInput& input, const std::string& hash,
                                   absl::Time now, iv1::SubmitComplaintResponse* response) {
  const std::string month = MonthOfReceipt(now);
  absl::StatusOr<int64_t> sequence = numbers_.Next(month);
  if (!sequence.ok()) return sequence.status();
  repo::NewComplaint complaint{.number = FormatNumber(month, *sequence),
                               .request_id = request.request_id(),
                               .input_hash = hash,
                               .phone_key = PhoneKey(input.customer_phone()),
                               .input = &input,
                               .received_at = now};
  const TimelineRecord first_entry = ReceivedEntry(input, now);
  // One transaction of four statements: the complaint, its first timeline entry, and
  // ComplaintReceived for every subscriber in one multi-row insert. A retry is not looked up
  // first: the request id's unique key turns it into a duplicate-key error (ALREADY_EXISTS),
  // which costs the retry one unused number instead of every submission a round trip.
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    repo::InsertComplaint(tx, complaint);
    repo::InsertFirstTimelineEntry(tx, first_entry);
    rt_.outbox().Append(tx, complaint.number, ReceivedEvent(complaint.number, input, now),
                        request.request_id());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  received_.With({ChannelLabel(input.channel()), CategoryLabel(input.staff_category())})
      .Increment();
  log::Info("complaint received", {{"number", complaint.number},
                                   {"channel", ChannelLabel(input.channel())},
                                   {"customer_phone", log::MaskPhone(input.customer_phone())},
                                   {"request_id", request.request_id()}});
  response->set_replayed(false);
  *response->mutable_complaint() = repo::AsInserted(complaint, first_entry);
  return absl::OkStatus();
}

absl::Status IntakeService::AnswerReplay(const std::string& request_id, const std::string& hash,
                                         iv1::SubmitComplaintResponse* response) {
  std::optional<repo::StoredRequest> stored;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    stored = repo::FindByRequestId(tx, request_id);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!stored) return absl::InternalError("complaint number already taken");
  if (stored->input_hash != hash) {
    return absl::FailedPreconditionError(
        "request_id: already used for a different complaint; use a new request_id for a new "
        "complaint");
  }
  replays_.With({}).Increment();
  response->set_replayed(true);
  return Load(stored->number, response->mutable_complaint());
}

absl::Status IntakeService::Load(const std::string& number, iv1::Complaint* out) {
  std::optional<iv1::Complaint> complaint;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    complaint = repo::LoadComplaint(tx, number);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!complaint) return absl::NotFoundError(absl::StrCat("number: no complaint ", number));
  *out = std::move(*complaint);
  return absl::OkStatus();
}

absl::Status IntakeService::Get(const iv1::GetComplaintRequest& request,
                                iv1::GetComplaintResponse* response) {
  if (absl::Status s = CheckNumber("number", request.number()); !s.ok()) return s;
  absl::Status s;
  if (!cache_.enabled()) {
    s = Load(request.number(), response->mutable_complaint());
  } else {
    cache_lookups_.With({"miss"}).Increment();
    const uint64_t ticket = cache_.BeginRead(request.number());
    s = Load(request.number(), response->mutable_complaint());
    if (s.ok()) {
      cache_.Insert(request.number(), std::make_shared<const iv1::Complaint>(response->complaint()),
                    ticket);
    }
  }
  const auth::Caller& caller = auth::CurrentCaller();
  if (s.ok()) s = CheckMaySee(caller, response->complaint());
  if (s.ok() && caller.is_staff()) {
    // Staff see the customer's name, phone and email unmasked: who looked, and when, is recorded
    // before they do. A read that cannot be recorded is not served.
    s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      return audit::Record(tx, {.occurred_at = rt_.clock().Now(),
                                .action = "read_personal_data",
                                .subject = request.number(),
                                .detail = "GetComplaint: customer name, phone, email"});
    });
  }
  if (!s.ok()) response->clear_complaint();
  return s;
}

absl::Status IntakeService::CheckMaySee(const auth::Caller& caller,
                                        const iv1::Complaint& complaint) {
  const iv1::ComplaintInput& input = complaint.input();
  if (caller.is_customer()
          ? CustomerOwns(IdentityOf(caller), input.customer_id(), input.customer_phone())
          : caller.MaySeeCustomer(input.customer_id())) {
    return absl::OkStatus();
  }
  // Word for word what a number never issued gets: nothing tells that it exists.
  return absl::NotFoundError(absl::StrCat("number: no complaint ", complaint.number()));
}

absl::Status IntakeService::List(const iv1::ListComplaintsRequest& request,
                                 iv1::ListComplaintsResponse* response) {
  absl::StatusOr<ListQuery> query = ParseListRequest(request);
  if (!query.ok()) return query.status();
  if (const auth::Caller& caller = auth::CurrentCaller(); caller.is_customer()) {
    // A customer lists their own complaints only: their account's, and those recorded with their
    // verified phone. One without an account (anonymous) has none: an empty customer_id would
    // match every complaint recorded without one.
    if (caller.subject.empty()) return absl::OkStatus();
    query->customer_id = caller.subject;
    if (std::string key = OwnedPhoneKey(IdentityOf(caller)); !key.empty()) {
      query->owned_phone_key = std::move(key);
    }
  }
  std::vector<repo::ListedComplaint> rows;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    rows = repo::List(tx, *query);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  const bool more = rows.size() > static_cast<size_t>(query->page_size);
  if (more) rows.resize(query->page_size);
  for (auto& row : rows) *response->add_complaints() = std::move(row.summary);
  if (more) {
    response->mutable_page()->set_next_page_token(
        EncodePageToken(rows.back().id, query->filter_fingerprint));
  }
  return absl::OkStatus();
}

absl::Status IntakeService::CheckOwnership(const iv1::CheckCustomerOwnsComplaintRequest& request,
                                           iv1::CheckCustomerOwnsComplaintResponse* response) {
  if (absl::Status s = CheckNumber("number", request.number()); !s.ok()) return s;
  if (request.customer_id().empty() && request.verified_phone().empty()) {
    return absl::InvalidArgumentError("customer_id: required when verified_phone is empty");
  }
  if (!request.verified_phone().empty()) {
    if (absl::Status s = validation::CheckPhone("verified_phone", request.verified_phone());
        !s.ok()) {
      return s;
    }
  }
  const CustomerIdentity customer{.customer_id = request.customer_id(),
                                  .verified_phone = request.verified_phone()};
  if (cache_.enabled()) {
    if (ComplaintReadCache::Record cached = cache_.Find(request.number())) {
      response->set_owned(
          CustomerOwns(customer, cached->input().customer_id(), cached->input().customer_phone()));
      return absl::OkStatus();
    }
  }
  std::optional<repo::ComplaintOwner> owner;
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    owner = repo::FindOwner(tx, request.number());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  response->set_owned(owner.has_value() &&
                      CustomerOwns(customer, owner->customer_id, owner->customer_phone));
  return absl::OkStatus();
}

absl::Status IntakeService::ApplyEvent(db::Transaction& tx, const cv1::Event& envelope,
                                       const absl::StatusOr<Progress>& progress, absl::Time now) {
  if (!progress.ok()) {
    // Retrying cannot fix a malformed event, and refusing it would hold back every later event
    // of the complaint: acknowledge it, loudly.
    log::Error("event cannot be applied", {{"event_id", envelope.event_id()},
                                           {"producer", envelope.producer()},
                                           {"error", std::string(progress.status().message())}});
    return rt_.event_sink().Skip(envelope, "malformed");
  }
  std::optional<repo::LockedComplaint> complaint = repo::LockByNumber(tx, progress->number);
  if (!complaint) return rt_.event_sink().Skip(envelope, "unknown_complaint");
  if (progress->text_repaired) {
    // The text itself stays out of the log (it may quote the customer).
    log::Warn("text for the customer repaired or shortened",
              {{"event_id", envelope.event_id()}, {"event_type", envelope.event_type()}});
  }
  const Outcome outcome = Settle(*progress, complaint->state, repo::StoredDepartmentNames(tx));
  if (outcome.late) {
    log::Info("late event: timeline entry only",
              {{"event_id", envelope.event_id()}, {"event_type", envelope.event_type()}});
  }
  repo::ApplyProgress(tx, *complaint, *progress, outcome, now, envelope.event_id());
  tx.OnCommit([this, number = progress->number] { cache_.Invalidate(number); });
  if (outcome.status == iv1::COMPLAINT_STATUS_CLOSED &&
      complaint->state.status != iv1::COMPLAINT_STATUS_CLOSED) {
    // Counted once the close is committed: a failed commit is retried by the relay.
    tx.OnCommit([this] { closed_.With({}).Increment(); });
  }
  return absl::OkStatus();
}

}  // namespace tousu::intake
