#include "tools/loadgen/runner.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <iterator>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/client/outgoing_token.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "tools/loadgen/lifecycle.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/schedule.h"
#include "tools/loadgen/submissions.h"

namespace tousu::loadgen {
namespace {

namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
namespace bv1 = tousu::bench::v1;

// One asynchronous unary call: owns its context, request and response until the callback ran.
template <typename Request, typename Response>
struct AsyncCall {
  grpc::ClientContext ctx;
  Request request;
  Response response;
  std::function<void(const grpc::Status&, Response&)> done;
};

template <typename Request, typename Response, typename Method>
void Start(Method method, Request request, double deadline_s,
           std::function<void(const grpc::Status&, Response&)> done) {
  auto* call = new AsyncCall<Request, Response>();
  call->request = std::move(request);
  call->done = std::move(done);
  call->ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::microseconds(static_cast<int64_t>(deadline_s * 1e6)));
  tousu::client::AddOutgoingToken(&call->ctx);
  method(&call->ctx, &call->request, &call->response, [call](grpc::Status status) {
    call->done(status, call->response);
    delete call;  // the callback is the call's last use of its context
  });
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address, int index) {
  grpc::ChannelArguments args;
  // A distinct argument per channel, so each gets its own connection instead of sharing one.
  args.SetInt("tousu.loadgen.channel", index);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// Each watched complaint is read at most this often: the measurement's resolution, traded
// against the load the polls themselves add to intake.
constexpr std::chrono::milliseconds kPollEvery{25};

bool TimelineShowsRouted(const iv1::Complaint& c) {
  for (const auto& entry : c.timeline()) {
    if (entry.type() == iv1::TIMELINE_EVENT_TYPE_ROUTED) return true;
  }
  return false;
}

}  // namespace

Runner::Runner(Options options, Mix mix) : o_(std::move(options)), mix_(std::move(mix)) {
  for (int i = 0; i < o_.channels; ++i) {
    auto channel = NewChannel(o_.target, i);
    intake_.push_back(iv1::IntakeService::NewStub(channel));
    hello_.push_back(bv1::HelloService::NewStub(channel));
  }
  run_id_ = absl::StrFormat("lg-%x", absl::ToUnixMicros(absl::Now()));
}

bool Runner::Prepare() {
  if (!mix_.Contains(CallKind::kGet) && !mix_.Contains(CallKind::kList)) return true;
  std::vector<std::thread> threads;
  std::atomic<int> next{0}, failed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < o_.prepare; i = next++) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        client::AddOutgoingToken(&ctx);
        iv1::SubmitComplaintResponse resp;
        auto s = intake_[0]->SubmitComplaint(&ctx, NewSubmission(absl::StrCat(run_id_, "-p", i), i),
                                             &resp);
        if (!s.ok()) {
          if (failed++ == 0) std::fprintf(stderr, "prepare: %s\n", s.error_message().c_str());
          continue;
        }
        std::lock_guard<std::mutex> lock(mu_);
        prepared_.push_back(resp.complaint().number());
      }
    });
  }
  for (auto& t : threads) t.join();
  return !mix_.Contains(CallKind::kGet) || !prepared_.empty();
}

std::string Runner::Run() {
  const auto begin = SteadyClock::now() + std::chrono::milliseconds(10);
  const auto measure_from =
      begin + std::chrono::microseconds(static_cast<int64_t>(o_.warmup_s * 1e6));
  end_ = measure_from + std::chrono::microseconds(static_cast<int64_t>(o_.duration_s * 1e6));
  recorder_.SetWindow(measure_from, end_);
  std::thread watcher;
  if (mix_.Contains(CallKind::kRouted)) watcher = std::thread([this] { WatchRouted(); });

  if (mix_.Contains(CallKind::kLifecycle)) {
    RunLifecycles();
  } else if (o_.open_loop) {
    RunOpenLoop(begin);
  } else {
    RunClosedLoop();
  }
  WaitIdle();
  stop_watching_ = true;
  if (watcher.joinable()) watcher.join();
  return Report();
}

// --- closed loop: every slot starts its next call when the last one finished.
void Runner::RunClosedLoop() {
  in_flight_ = o_.concurrency;
  for (int slot = 0; slot < o_.concurrency; ++slot) Next();
}
void Runner::Next() {
  const auto now = SteadyClock::now();
  if (now >= end_) {
    Finished();
    return;
  }
  const int64_t index = next_index_++;
  Issue(mix_.Pick(index), index, now, [this] { Next(); });
}

// --- open loop: a pacer sends call i at its intended time, whatever is still in flight.
void Runner::RunOpenLoop(SteadyClock::time_point begin) {
  OpenLoopSchedule schedule(begin, o_.rate);
  for (int64_t i = 0;; ++i) {
    const auto intended = schedule.IntendedTime(i);
    if (intended >= end_) break;
    std::this_thread::sleep_until(intended);
    const CallKind kind = mix_.Pick(i);
    if (in_flight_ >= o_.max_in_flight) {
      // The client's own cap (memory): counted, never silently skipped.
      recorder_.RecordError(CallKindName(kind), intended, "CLIENT_MAX_IN_FLIGHT");
      continue;
    }
    ++in_flight_;
    Issue(kind, i, intended, [this] { Finished(); });
  }
}

void Runner::Finished() {
  if (--in_flight_ == 0) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_cv_.notify_all();
  }
}
void Runner::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait_for(lock, std::chrono::seconds(static_cast<int64_t>(o_.deadline_s) + 60),
                    [&] { return in_flight_.load() <= 0; });
}

iv1::IntakeService::Stub& Runner::Intake(int64_t index) {
  return *intake_[static_cast<size_t>(index % o_.channels)];
}

// Starts one call of `kind` intended at `intended`; `then` runs once it (and, for routed, the
// wait for the routing) is over.
void Runner::Issue(CallKind kind, int64_t index, SteadyClock::time_point intended,
                   std::function<void()> then) {
  switch (kind) {
    case CallKind::kHello: {
      bv1::SayHelloRequest req;
      req.set_name("TS-202611-000123");
      auto* stub = hello_[static_cast<size_t>(index % o_.channels)].get();
      Start<bv1::SayHelloRequest, bv1::SayHelloResponse>(
          [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
            stub->async()->SayHello(ctx, rq, rs, std::move(cb));
          },
          std::move(req), o_.deadline_s,
          [this, intended, then](const grpc::Status& s, bv1::SayHelloResponse&) {
            recorder_.Record("hello", intended, s.error_code());
            then();
          });
      return;
    }
    case CallKind::kGet: {
      iv1::GetComplaintRequest req;
      req.set_number(prepared_[static_cast<size_t>(index) % prepared_.size()]);
      auto* stub = &Intake(index);
      Start<iv1::GetComplaintRequest, iv1::GetComplaintResponse>(
          [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
            stub->async()->GetComplaint(ctx, rq, rs, std::move(cb));
          },
          std::move(req), o_.deadline_s,
          [this, intended, then](const grpc::Status& s, iv1::GetComplaintResponse&) {
            recorder_.Record("get", intended, s.error_code());
            then();
          });
      return;
    }
    case CallKind::kList: {
      iv1::ListComplaintsRequest req;
      req.mutable_page()->set_page_size(20);
      if (index % 2 == 1) req.set_project(kProjects[index % std::size(kProjects)]);
      auto* stub = &Intake(index);
      Start<iv1::ListComplaintsRequest, iv1::ListComplaintsResponse>(
          [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
            stub->async()->ListComplaints(ctx, rq, rs, std::move(cb));
          },
          std::move(req), o_.deadline_s,
          [this, intended, then](const grpc::Status& s, iv1::ListComplaintsResponse&) {
            recorder_.Record("list", intended, s.error_code());
            then();
          });
      return;
    }
    case CallKind::kSubmit:
    case CallKind::kRouted: {
      const bool watch = kind == CallKind::kRouted;
      auto* stub = &Intake(index);
      Start<iv1::SubmitComplaintRequest, iv1::SubmitComplaintResponse>(
          [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
            stub->async()->SubmitComplaint(ctx, rq, rs, std::move(cb));
          },
          NewSubmission(absl::StrCat(run_id_, "-", index), index), o_.deadline_s,
          [this, intended, then, watch, index](const grpc::Status& s,
                                               iv1::SubmitComplaintResponse& resp) {
            recorder_.Record("submit", intended, s.error_code());
            if (!watch || !s.ok() || !recorder_.InWindow(intended)) {
              then();
              return;
            }
            std::lock_guard<std::mutex> lock(watch_mu_);
            watching_.push_back({resp.complaint().number(), intended, index, false, then});
          });
      return;
    }
    case CallKind::kLifecycle:
      break;  // runs on threads of its own (RunLifecycles)
  }
  then();
}

// --- routed: polls intake for each submitted complaint until its timeline shows ROUTED.
void Runner::WatchRouted() {
  const auto give_up = std::chrono::seconds(30);
  while (!stop_watching_) {
    std::vector<Watched*> to_poll;
    std::vector<std::function<void()>> gave_up;
    {
      std::lock_guard<std::mutex> lock(watch_mu_);
      for (auto it = watching_.begin(); it != watching_.end();) {
        // Never erase one with a poll in flight: its callback still points at it.
        if (!it->polling && SteadyClock::now() - it->intended > give_up) {
          recorder_.RecordError("routed_visible", it->intended, "NOT_ROUTED_IN_30S");
          gave_up.push_back(it->then);
          it = watching_.erase(it);
          continue;
        }
        if (!it->polling && SteadyClock::now() - it->last_poll >= kPollEvery) {
          it->polling = true;
          it->last_poll = SteadyClock::now();
          to_poll.push_back(&*it);
        }
        ++it;
      }
    }
    for (auto& then : gave_up) then();  // outside the lock: it may start the next call
    for (Watched* w : to_poll) Poll(w);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}
void Runner::Poll(Watched* w) {
  iv1::GetComplaintRequest req;
  req.set_number(w->number);
  auto* stub = &Intake(w->index);
  // watching_ is a std::list: `w` stays valid until this callback (or the give-up) erases it.
  Start<iv1::GetComplaintRequest, iv1::GetComplaintResponse>(
      [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
        stub->async()->GetComplaint(ctx, rq, rs, std::move(cb));
      },
      std::move(req), o_.deadline_s,
      [this, w](const grpc::Status& s, iv1::GetComplaintResponse& resp) {
        std::function<void()> then;
        {
          std::lock_guard<std::mutex> lock(watch_mu_);
          if (s.ok() && TimelineShowsRouted(resp.complaint())) {
            recorder_.Record("routed_visible", w->intended, 0);
            then = w->then;
            watching_.remove_if([w](const Watched& x) { return &x == w; });
          } else {
            w->polling = false;
          }
        }
        if (then) then();
      });
}

// --- lifecycle: submission to closed through every service, one thread per lifecycle in flight.
void Runner::RunLifecycles() {
  auto routing = rv1::RoutingService::NewStub(NewChannel(o_.routing, 0));
  auto cases = chv1::CaseService::NewStub(NewChannel(o_.case_handling, 0));
  auto followup = fv1::FollowUpService::NewStub(NewChannel(o_.follow_up, 0));
  std::vector<std::thread> threads;
  for (int t = 0; t < o_.concurrency; ++t) {
    threads.emplace_back([&] {
      while (SteadyClock::now() < end_) {
        const int64_t index = next_index_++;
        const auto started = SteadyClock::now();
        const std::string failed =
            RunLifecycle({&Intake(index), routing.get(), cases.get(), followup.get()},
                         absl::StrCat(run_id_, "-l", index), index, o_.deadline_s);
        if (failed.empty()) {
          recorder_.Record("lifecycle", started, 0);
        } else {
          recorder_.RecordError("lifecycle", started, failed);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  in_flight_ = 0;
}

std::string Runner::Report() {
  return FormatResults({.label = o_.label,
                        .run_id = run_id_,
                        .target = o_.target,
                        .mix = mix_.ToString(),
                        .open_loop = o_.open_loop,
                        .concurrency = o_.concurrency,
                        .rate = o_.rate,
                        .duration_s = o_.duration_s,
                        .deadline_s = o_.deadline_s},
                       recorder_.Take(), o_.json);
}

}  // namespace tousu::loadgen
