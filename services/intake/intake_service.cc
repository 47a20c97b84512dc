#include "services/intake/intake_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/audit/audit.h"
#include "common/db/transaction.h"
#include "common/log/log.h"
#include "common/log/mask.h"
#include "common/server/executor.h"
#include "complaints/intake/v1/events.pb.h"
#include "services/intake/domain/complaint_number.h"
#include "services/intake/domain/fingerprint.h"
#include "services/intake/domain/listing.h"
#include "services/intake/domain/progress.h"
#include "services/intake/domain/submission.h"
#include "services/intake/domain/timestamps.h"
#include "services/intake/repository/complaint_repository.h"

namespace tousu::intake {
namespace {

namespace repo = repository;

constexpr cv1::Channel kChannels[] = {cv1::CHANNEL_HOTLINE, cv1::CHANNEL_WEB, cv1::CHANNEL_APP,
                                      cv1::CHANNEL_WALK_IN, cv1::CHANNEL_EMAIL};
constexpr cv1::Category kCategories[] = {cv1::CATEGORY_UNSPECIFIED, cv1::CATEGORY_PRODUCT_QUALITY,
                                         cv1::CATEGORY_SALES_SERVICE, cv1::CATEGORY_HANDOVER,
                                         cv1::CATEGORY_PROPERTY_SERVICE};

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

IntakeService::IntakeService(server::ServiceRuntime& rt, IntakeSettings settings)
    : rt_(rt),
      numbers_(settings.number_block,
               [&rt](const std::string& month, int count) {
                 return repository::ReserveNumbers(rt.pool(), month, count);
               }),
      cache_(static_cast<size_t>(settings.read_cache_entries),
             absl::ToChronoNanoseconds(settings.read_cache_ttl)),
      received_(rt.registry(), "tousu_intake_complaints_received_total",
                "Complaints recorded, by channel and by the category staff chose"
                " (\"unclassified\" when none).",
                {"channel", "category"}),
      replays_(rt.registry(), "tousu_intake_submission_replays_total",
               "Submissions recognised as retries of one already recorded (nothing written).", {}),
      validation_failures_(rt.registry(), "tousu_intake_validation_failures_total",
                           "Submissions refused as invalid, by the first invalid field.",
                           {"field"}),
      skipped_events_(rt.registry(), "tousu_intake_events_skipped_total",
                      "Events of other services (routing, case handling, follow-up) acknowledged"
                      " without effect, by event type and reason: \"malformed\" (unreadable"
                      " payload, malformed number, id or cycle) or \"unknown_complaint\" (a"
                      " number intake never issued).",
                      {"event_type", "reason"}),
      closed_(rt.registry(), "tousu_intake_complaints_closed_total",
              "Complaints closed because the customer was satisfied (§7.2).", {}),
      cache_lookups_(rt.registry(), "tousu_intake_read_cache_lookups_total",
                     "GetComplaint answers from the read cache (hit) or the database (miss).",
                     {"result"}),
      customer_limiter_(settings.per_customer),
      source_limiter_(settings.per_source),
      rate_limited_(rt.registry(), "tousu_intake_rate_limited_total",
                    "Submissions refused by a rate limit, by limit (customer, source).",
                    {"limit"}) {
  rate_limited_.With({"customer"});
  rate_limited_.With({"source"});
  // Every series exists from the start, so rates and dashboards work before the first complaint.
  for (cv1::Channel channel : kChannels) {
    for (cv1::Category category : kCategories) {
      received_.With({ChannelLabel(channel), CategoryLabel(category)});
    }
  }
  replays_.With({});
  closed_.With({});
  cache_lookups_.With({"hit"});
  cache_lookups_.With({"miss"});
  for (const std::string& type : FollowedEventTypes()) {
    for (const char* reason : {"malformed", "unknown_complaint"}) {
      skipped_events_.With({type, reason});
    }
  }
}

void IntakeService::RegisterEventHandlers(events::EventSinkService& sink) {
  for (const std::string& type : FollowedEventTypes()) {
    sink.On(type,
            [this](db::Transaction& tx, const cv1::Event& event) { return ApplyEvent(tx, event); });
  }
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
    return absl::ResourceExhaustedError(absl::StrCat(
        "rate limit: too many submissions from this address; retry in ",
        absl::FormatDuration(retry_after)));
  }
  // Customers filing for themselves, by account. Staff recording complaints are trusted and
  // identified; a hotline agent may rightly record many complaints of one caller.
  if (customer_limiter_.enabled() && caller->is_customer()) {
    if (!customer_limiter_.Allow(caller->subject, now, &retry_after)) {
      rate_limited_.With({"customer"}).Increment();
      return absl::ResourceExhaustedError(absl::StrCat(
          "rate limit: too many submissions for this customer; retry in ",
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
  // Who submits decides whose complaint it is: a customer's token names their account, and a
  // member of staff records complaints under their own id only.
  const auth::Caller& caller = auth::CurrentCaller();
  iv1::ComplaintInput owned_input;
  const iv1::ComplaintInput* submitted = &request.complaint();
  if (caller.is_customer()) {
    if (!submitted->customer_id().empty() && submitted->customer_id() != caller.subject) {
      return absl::PermissionDeniedError(
          "complaint.customer_id: a customer submits only for their own account");
    }
    if (!submitted->recorded_by_staff_id().empty()) {
      return absl::PermissionDeniedError(
          "complaint.recorded_by_staff_id: only staff record complaints for customers");
    }
    if (submitted->customer_id().empty()) {
      owned_input = *submitted;
      owned_input.set_customer_id(caller.subject);
      submitted = &owned_input;
    }
  } else if (caller.is_staff() && !submitted->recorded_by_staff_id().empty() &&
             submitted->recorded_by_staff_id() != caller.subject) {
    return absl::PermissionDeniedError(
        "complaint.recorded_by_staff_id: must be the caller's own staff id");
  }
  const iv1::ComplaintInput& input = *submitted;
  const std::string hash = InputHash(input);

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
  // first: the request id's unique key turns it into a duplicate-key error (below), which costs
  // the retry one unused number instead of every submission a round trip.
  absl::Status s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
    repo::InsertComplaint(tx, complaint);
    repo::InsertFirstTimelineEntry(tx, first_entry);
    rt_.outbox().Append(tx, complaint.number,
                        ReceivedEvent(complaint.number, input, now), request.request_id());
    return absl::OkStatus();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    // The request id is taken: a retry of a submission already recorded, possibly one that
    // committed while this insert waited on its key. Answer it as the replay it is.
    std::optional<repo::StoredRequest> stored;
    s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      stored = repo::FindByRequestId(tx, request.request_id());
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (!stored) return absl::InternalError("complaint number already taken");
    return AnswerReplay(stored->number, stored->input_hash, hash, response);
  }
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

absl::Status IntakeService::AnswerReplay(const std::string& number, const std::string& stored_hash,
                                         const std::string& hash,
                                         iv1::SubmitComplaintResponse* response) {
  if (stored_hash != hash) {
    return absl::FailedPreconditionError(
        "request_id: already used for a different complaint; use a new request_id for a new "
        "complaint");
  }
  replays_.With({}).Increment();
  response->set_replayed(true);
  return Load(number, response->mutable_complaint());
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
      cache_.Insert(request.number(),
                    std::make_shared<const iv1::Complaint>(response->complaint()), ticket);
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
  if (caller.MaySeeCustomer(complaint.input().customer_id())) return absl::OkStatus();
  // Word for word what a number never issued gets: nothing tells that it exists.
  return absl::NotFoundError(absl::StrCat("number: no complaint ", complaint.number()));
}

absl::Status IntakeService::List(const iv1::ListComplaintsRequest& request,
                                 iv1::ListComplaintsResponse* response) {
  absl::StatusOr<ListQuery> query = ParseListRequest(request);
  if (!query.ok()) return query.status();
  if (const auth::Caller& caller = auth::CurrentCaller(); caller.is_customer()) {
    query->customer_id = caller.subject;  // a customer lists their own complaints only
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

absl::Status IntakeService::ApplyEvent(db::Transaction& tx, const cv1::Event& event) {
  const absl::Time now = rt_.clock().Now();
  absl::StatusOr<Progress> progress = ProgressFromEvent(event, now);
  if (!progress.ok()) {
    // Retrying cannot fix a malformed event, and refusing it would hold back every later event
    // of the complaint: acknowledge it, loudly.
    skipped_events_.With({event.event_type(), "malformed"}).Increment();
    log::Error("event cannot be applied; acknowledged without effect",
               {{"event_id", event.event_id()},
                {"event_type", event.event_type()},
                {"producer", event.producer()},
                {"error", std::string(progress.status().message())}});
    return absl::OkStatus();
  }
  std::optional<repo::LockedComplaint> complaint = repo::LockByNumber(tx, progress->number);
  if (!complaint) {
    skipped_events_.With({event.event_type(), "unknown_complaint"}).Increment();
    log::Warn("event for a complaint intake does not know; acknowledged without effect",
              {{"event_id", event.event_id()},
               {"event_type", event.event_type()},
               {"number", progress->number}});
    return absl::OkStatus();
  }
  if (progress->text_repaired) {
    // The text itself stays out of the log (it may quote the customer).
    log::Warn("text for the customer repaired or shortened", {{"event_id", event.event_id()},
                                                              {"event_type", event.event_type()},
                                                              {"number", progress->number}});
  }
  const Outcome outcome = Settle(*progress, complaint->state);
  if (outcome.late) {
    log::Info("late event: timeline entry only", {{"event_id", event.event_id()},
                                                  {"event_type", event.event_type()},
                                                  {"number", progress->number}});
  }
  repo::ApplyProgress(tx, *complaint, *progress, outcome, now, event.event_id());
  tx.OnCommit([this, number = progress->number] { cache_.Invalidate(number); });
  if (outcome.status == iv1::COMPLAINT_STATUS_CLOSED &&
      complaint->state.status != iv1::COMPLAINT_STATUS_CLOSED) {
    // Counted once the close is committed: a failed commit is retried by the relay.
    tx.OnCommit([this] { closed_.With({}).Increment(); });
  }
  return absl::OkStatus();
}

}  // namespace tousu::intake
