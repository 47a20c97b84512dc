// tousu_loadgen: a gRPC load generator for Tousu (and the bench's hello baseline), on gRPC's
// callback client API.
//
//   closed loop: --mode closed --concurrency 64   (64 calls always in flight)
//   open loop:   --mode open --rate 400           (400 calls/s offered whatever the answers;
//                latency counted from each call's intended send time)
//   --mix submit | get | list | hello | routed | lifecycle | "submit=8,get=1,list=1"
//   --duration 10 --warmup 2 (seconds), --deadline 5 (per call), --json
//
// "routed" submits, then reads intake's GetComplaint every 25 ms until the timeline shows ROUTED
// (what the customer sees): two results, "submit" and "routed_visible". The polls load intake;
// tools/bench/services measures the same delay from intake's own tables instead. "lifecycle" takes a complaint from
// submission to closed through routing, case-handling and follow-up (needs --routing,
// --case-handling, --follow-up); it runs alone, each in-flight lifecycle on its own thread with
// blocking calls, since a lifecycle is a chain of calls and polls, not one call.
//
// Results: per stream (hello, submit, get, list, routed_visible, lifecycle) the rate of successful
// calls, exact latency percentiles of the successful ones, errors by status code, and the
// latency of RESOURCE_EXHAUSTED refusals (how fast overload is turned away).

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/client/outgoing_token.h"
#include "bench/v1/hello.grpc.pb.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "tools/loadgen/mix.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/schedule.h"
#include "tools/loadgen/stats.h"
#include "tools/loadgen/submissions.h"

namespace tousu::loadgen {
namespace {

namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
namespace cv1 = complaints::common::v1;
namespace bv1 = tousu::bench::v1;
using SteadyClock = std::chrono::steady_clock;

struct Options {
  std::string target, routing, case_handling, follow_up;
  std::string mix_text = "submit";
  bool open_loop = false;
  int concurrency = 64;
  double rate = 100;
  double duration_s = 10, warmup_s = 2, deadline_s = 5;
  int prepare = 200;  // complaints submitted before a run that gets or lists
  int channels = 4;   // connections, so one HTTP/2 connection's ordering is not the bottleneck
  int max_in_flight = 20000;
  std::string label;
  bool json = false;
};

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr,
               "tousu_loadgen: %s\n"
               "usage: tousu_loadgen --target HOST:PORT [--mix MIX] [--mode closed|open]\n"
               "  [--concurrency N] [--rate CALLS_PER_S] [--duration S] [--warmup S] [--deadline S]\n"
               "  [--prepare N] [--channels N] [--max-in-flight N] [--label NAME] [--json]\n"
               "  [--routing HOST:PORT --case-handling HOST:PORT --follow-up HOST:PORT]\n"
               "  [--token-file FILE]  (a stack with authentication on; a supervisor's token runs\n"
               "                        every mix, lifecycle included)\n"
               "MIX: hello | submit | get | list | routed | lifecycle | e.g. submit=8,get=1,list=1\n",
               problem.c_str());
  std::exit(2);
}

Options ParseFlags(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--json") {
      o.json = true;
      continue;
    }
    if (flag == "-h" || flag == "--help") Usage("help");
    if (i + 1 >= argc) Usage(flag + " needs a value");
    const std::string value = argv[++i];
    auto number = [&](auto* out) {
      bool parsed;
      if constexpr (std::is_floating_point_v<std::remove_pointer_t<decltype(out)>>) {
        parsed = absl::SimpleAtod(value, out);
      } else {
        parsed = absl::SimpleAtoi(value, out);
      }
      if (!parsed) Usage(flag + " must be a number");
    };
    if (flag == "--target") o.target = value;
    else if (flag == "--token-file") tousu::client::SetOutgoingTokenFile(value);
    else if (flag == "--routing") o.routing = value;
    else if (flag == "--case-handling") o.case_handling = value;
    else if (flag == "--follow-up") o.follow_up = value;
    else if (flag == "--mix") o.mix_text = value;
    else if (flag == "--mode") {
      if (value != "open" && value != "closed") Usage("--mode is open or closed");
      o.open_loop = value == "open";
    } else if (flag == "--concurrency") number(&o.concurrency);
    else if (flag == "--rate") number(&o.rate);
    else if (flag == "--duration") number(&o.duration_s);
    else if (flag == "--warmup") number(&o.warmup_s);
    else if (flag == "--deadline") number(&o.deadline_s);
    else if (flag == "--prepare") number(&o.prepare);
    else if (flag == "--channels") number(&o.channels);
    else if (flag == "--max-in-flight") number(&o.max_in_flight);
    else if (flag == "--label") o.label = value;
    else Usage("unknown flag " + flag);
  }
  if (o.target.empty()) Usage("--target is required");
  if (o.concurrency < 1 || o.channels < 1 || o.rate <= 0 || o.duration_s <= 0 ||
      o.deadline_s <= 0 || o.max_in_flight < 1) {
    Usage("--concurrency, --channels, --rate, --duration, --deadline must be positive");
  }
  return o;
}

int64_t Nanos(SteadyClock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

// Every result stream's calls, by name; calls whose intended start falls in the measured window.
class Recorder {
 public:
  void SetWindow(SteadyClock::time_point from, SteadyClock::time_point to) {
    from_ = from;
    to_ = to;
  }
  bool InWindow(SteadyClock::time_point t) const { return t >= from_ && t < to_; }
  void Record(const std::string& stream, SteadyClock::time_point intended, int code) {
    if (!InWindow(intended)) return;
    const int64_t ns = Nanos(SteadyClock::now() - intended);
    std::lock_guard<std::mutex> lock(mu_);
    CallStats& s = streams_[stream];
    ++s.calls;
    if (code == 0) {
      s.ok_ns.push_back(ns);
    } else {
      ++s.errors[StatusCodeName(code)];
      if (code == grpc::StatusCode::RESOURCE_EXHAUSTED) s.refused_ns.push_back(ns);
    }
  }
  void RecordError(const std::string& stream, SteadyClock::time_point intended,
                   const std::string& what) {
    if (!InWindow(intended)) return;
    std::lock_guard<std::mutex> lock(mu_);
    CallStats& s = streams_[stream];
    ++s.calls;
    ++s.errors[what];
  }
  std::map<std::string, CallStats> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(streams_);
  }

 private:
  SteadyClock::time_point from_, to_;
  std::mutex mu_;
  std::map<std::string, CallStats> streams_;
};

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

bool TimelineShowsRouted(const iv1::Complaint& c) {
  for (const auto& entry : c.timeline()) {
    if (entry.type() == iv1::TIMELINE_EVENT_TYPE_ROUTED) return true;
  }
  return false;
}

class Runner {
 public:
  Runner(Options options, Mix mix) : o_(std::move(options)), mix_(std::move(mix)) {
    for (int i = 0; i < o_.channels; ++i) {
      auto channel = NewChannel(o_.target, i);
      intake_.push_back(iv1::IntakeService::NewStub(channel));
      hello_.push_back(bv1::HelloService::NewStub(channel));
    }
    run_id_ = absl::StrFormat("lg-%x", absl::ToUnixMicros(absl::Now()));
  }

  // Complaints for get to read and list to page through, submitted before the clock starts.
  bool Prepare() {
    if (!mix_.Contains(CallKind::kGet) && !mix_.Contains(CallKind::kList)) return true;
    if (mix_.Contains(CallKind::kGet) && o_.prepare < 1) Usage("get needs --prepare 1 or more");
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

  std::string Run() {
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

 private:
  // --- closed loop: every slot starts its next call when the last one finished.
  void RunClosedLoop() {
    in_flight_ = o_.concurrency;
    for (int slot = 0; slot < o_.concurrency; ++slot) Next();
  }
  void Next() {
    const auto now = SteadyClock::now();
    if (now >= end_) {
      Finished();
      return;
    }
    const int64_t index = next_index_++;
    Issue(mix_.Pick(index), index, now, [this] { Next(); });
  }

  // --- open loop: a pacer sends call i at its intended time, whatever is still in flight.
  void RunOpenLoop(SteadyClock::time_point begin) {
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

  void Finished() {
    if (--in_flight_ == 0) {
      std::lock_guard<std::mutex> lock(mu_);
      idle_cv_.notify_all();
    }
  }
  void WaitIdle() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait_for(lock, std::chrono::seconds(static_cast<int64_t>(o_.deadline_s) + 60),
                      [&] { return in_flight_.load() <= 0; });
  }

  iv1::IntakeService::Stub& Intake(int64_t index) {
    return *intake_[static_cast<size_t>(index % o_.channels)];
  }

  // Starts one call of `kind` intended at `intended`; `then` runs once it (and, for routed, the
  // wait for the routing) is over.
  void Issue(CallKind kind, int64_t index, SteadyClock::time_point intended,
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
  struct Watched {
    std::string number;
    SteadyClock::time_point intended;
    int64_t index;
    bool polling;
    std::function<void()> then;
    SteadyClock::time_point last_poll{};
  };
  // Each watched complaint is read at most this often: the measurement's resolution, traded
  // against the load the polls themselves add to intake.
  static constexpr std::chrono::milliseconds kPollEvery{25};
  void WatchRouted() {
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
  void Poll(Watched* w) {
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
  void RunLifecycles() {
    if (o_.routing.empty() || o_.case_handling.empty() || o_.follow_up.empty()) {
      Usage("lifecycle needs --routing, --case-handling and --follow-up");
    }
    auto routing = rv1::RoutingService::NewStub(NewChannel(o_.routing, 0));
    auto cases = chv1::CaseService::NewStub(NewChannel(o_.case_handling, 0));
    auto followup = fv1::FollowUpService::NewStub(NewChannel(o_.follow_up, 0));
    std::vector<std::thread> threads;
    for (int t = 0; t < o_.concurrency; ++t) {
      threads.emplace_back([&] {
        while (SteadyClock::now() < end_) {
          const int64_t index = next_index_++;
          const auto started = SteadyClock::now();
          const std::string failed = Lifecycle(index, *routing, *cases, *followup);
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

  // "" when the complaint was closed; otherwise "step:CODE".
  std::string Lifecycle(int64_t index, rv1::RoutingService::Stub& routing,
                        chv1::CaseService::Stub& cases, fv1::FollowUpService::Stub& followup) {
    auto ctx = [&] {
      auto c = std::make_unique<grpc::ClientContext>();
      c->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::microseconds(static_cast<int64_t>(o_.deadline_s * 1e6)));
      client::AddOutgoingToken(c.get());
      return c;
    };
    auto fail = [](const char* step, const grpc::Status& s) {
      return absl::StrCat(step, ":", StatusCodeName(s.error_code()));
    };
    // Polls `ready` every 10 ms for up to 30 s.
    auto await = [](const std::function<bool()>& ready) {
      const auto until = SteadyClock::now() + std::chrono::seconds(30);
      while (!ready()) {
        if (SteadyClock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      return true;
    };
    const Department& dept = kDepartments[index % std::size(kDepartments)];
    iv1::SubmitComplaintResponse submitted;
    if (auto s = Intake(index).SubmitComplaint(
            ctx().get(), NewSubmission(absl::StrCat(run_id_, "-l", index), index), &submitted);
        !s.ok()) {
      return fail("submit", s);
    }
    const std::string number = submitted.complaint().number();
    if (!await([&] {
          rv1::GetAssignmentRequest req;
          req.set_number(number);
          rv1::GetAssignmentResponse resp;
          return routing.GetAssignment(ctx().get(), req, &resp).ok() &&
                 resp.assignment().state() == rv1::ASSIGNMENT_STATE_ROUTED;
        })) {
      return "routed:TIMEOUT";
    }
    {
      rv1::AcknowledgeAssignmentRequest req;
      req.set_number(number);
      req.set_department_id(dept.id);
      req.set_owner_staff_id(dept.owner);
      rv1::AcknowledgeAssignmentResponse resp;
      if (auto s = routing.AcknowledgeAssignment(ctx().get(), req, &resp); !s.ok())
        return fail("acknowledge", s);
    }
    auto case_in = [&](chv1::CaseState state, chv1::Case* out) {
      return await([&] {
        chv1::GetCaseRequest req;
        req.set_number(number);
        chv1::GetCaseResponse resp;
        if (!cases.GetCase(ctx().get(), req, &resp).ok()) return false;
        *out = resp.case_file();
        return out->state() == state;
      });
    };
    chv1::Case kase;
    if (!case_in(chv1::CASE_STATE_INVESTIGATING, &kase)) return "case_opened:TIMEOUT";
    {
      chv1::ProposeSolutionRequest req;
      req.set_number(number);
      req.set_staff_id(dept.owner);
      req.set_solution("安排维保单位全面检修，检修完成后请客户验收");
      req.add_planned_actions("现场核实");
      req.add_planned_actions("检修并验收");
      time::ToProto(absl::Now() + absl::Hours(24 * 30), req.mutable_planned_completion());
      chv1::ProposeSolutionResponse resp;
      if (auto s = cases.ProposeSolution(ctx().get(), req, &resp); !s.ok())
        return fail("propose", s);
    }
    if (!case_in(chv1::CASE_STATE_AWAITING_DECISION, &kase)) return "proposed:TIMEOUT";
    {
      chv1::RecordCustomerDecisionRequest req;
      req.set_number(number);
      req.set_revision(kase.revision());
      req.set_decision(chv1::CUSTOMER_DECISION_ACCEPTED);
      req.set_recorded_by_staff_id(dept.owner);
      chv1::RecordCustomerDecisionResponse resp;
      if (auto s = cases.RecordCustomerDecision(ctx().get(), req, &resp); !s.ok())
        return fail("decide", s);
    }
    if (!case_in(chv1::CASE_STATE_IMPLEMENTING, &kase)) return "accepted:TIMEOUT";
    {
      chv1::ResolveCaseRequest req;
      req.set_number(number);
      req.set_staff_id(dept.owner);
      req.set_result("电梯已全面检修，客户现场确认运行正常");
      chv1::ResolveCaseResponse resp;
      if (auto s = cases.ResolveCase(ctx().get(), req, &resp); !s.ok()) return fail("resolve", s);
    }
    fv1::FollowUp f;
    if (!await([&] {
          fv1::GetFollowUpRequest req;
          req.set_number(number);
          fv1::GetFollowUpResponse resp;
          if (!followup.GetFollowUp(ctx().get(), req, &resp).ok()) return false;
          f = resp.follow_up();
          return f.state() == fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK && !f.callbacks().empty();
        })) {
      return "callback_scheduled:TIMEOUT";
    }
    {
      fv1::RecordCallbackRequest req;
      req.set_number(number);
      req.set_cycle(f.callbacks(f.callbacks_size() - 1).cycle());
      req.set_callback_agent_staff_id(f.callbacks(f.callbacks_size() - 1).assigned_agent_staff_id());
      req.set_method(fv1::CALLBACK_METHOD_PHONE);
      req.set_satisfaction(5);
      req.set_comments("处理及时，满意");
      fv1::RecordCallbackResponse resp;
      if (auto s = followup.RecordCallback(ctx().get(), req, &resp); !s.ok())
        return fail("callback", s);
    }
    if (!await([&] {
          iv1::GetComplaintRequest req;
          req.set_number(number);
          iv1::GetComplaintResponse resp;
          return Intake(index).GetComplaint(ctx().get(), req, &resp).ok() &&
                 resp.complaint().status() == iv1::COMPLAINT_STATUS_CLOSED;
        })) {
      return "closed:TIMEOUT";
    }
    return "";
  }

  std::string Report() {
    std::map<std::string, CallStats> streams = recorder_.Take();
    std::string out = absl::StrFormat(
        "{\"label\":%s,\"run_id\":%s,\"target\":%s,\"mix\":%s,\"mode\":\"%s\",\"concurrency\":%d,"
        "\"offered_rate\":%.1f,\"duration_s\":%.3f,\"deadline_s\":%.3f,\"streams\":{",
        JsonString(o_.label), JsonString(run_id_), JsonString(o_.target), JsonString(mix_.ToString()),
        o_.open_loop ? "open" : "closed", o_.open_loop ? 0 : o_.concurrency,
        o_.open_loop ? o_.rate : 0.0, o_.duration_s, o_.deadline_s);
    std::string text;
    bool first = true;
    for (auto& [name, s] : streams) {
      const LatencySummary ok = Summarize(s.ok_ns);
      const LatencySummary refused = Summarize(s.refused_ns);
      const double rate = static_cast<double>(ok.count) / o_.duration_s;
      absl::StrAppendFormat(
          &out, "%s%s:{\"calls\":%d,\"ok\":%d,\"rate\":%.1f,\"latency\":%s,\"errors\":%s,"
                "\"refused_latency\":%s}",
          first ? "" : ",", JsonString(name), s.calls, ok.count, rate, ToJson(ok),
          ToJson(s.errors), ToJson(refused));
      first = false;
      absl::StrAppendFormat(&text,
                            "%-15s calls %7d  ok/s %8.1f  p50 %7.2f  p90 %7.2f  p99 %7.2f  "
                            "p99.9 %7.2f  max %7.2f ms",
                            name, s.calls, rate, ok.p50_ms, ok.p90_ms, ok.p99_ms, ok.p999_ms,
                            ok.max_ms);
      for (const auto& [code, n] : s.errors) absl::StrAppendFormat(&text, "  %s=%d", code, n);
      if (refused.count > 0) absl::StrAppendFormat(&text, "  (refused p99 %.2f ms)", refused.p99_ms);
      text += "\n";
    }
    out += "}}";
    return o_.json ? out + "\n" : text;
  }

  Options o_;
  Mix mix_;
  std::string run_id_;
  std::vector<std::unique_ptr<iv1::IntakeService::Stub>> intake_;
  std::vector<std::unique_ptr<bv1::HelloService::Stub>> hello_;
  std::vector<std::string> prepared_;
  Recorder recorder_;
  SteadyClock::time_point end_;
  std::atomic<int64_t> next_index_{0};
  std::atomic<int> in_flight_{0};
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::mutex watch_mu_;
  std::list<Watched> watching_;
  std::atomic<bool> stop_watching_{false};
};

}  // namespace
}  // namespace tousu::loadgen

int main(int argc, char** argv) {
  using namespace tousu::loadgen;
  Options options = ParseFlags(argc, argv);
  auto mix = Mix::Parse(options.mix_text);
  if (!mix.ok()) Usage(std::string(mix.status().message()));
  if (mix->Contains(CallKind::kLifecycle) && mix->entries().size() > 1) {
    Usage("lifecycle runs alone in its mix");
  }
  Runner runner(options, *std::move(mix));
  if (!runner.Prepare()) {
    std::fprintf(stderr, "tousu_loadgen: could not prepare complaints to read\n");
    return 1;
  }
  std::fputs(runner.Run().c_str(), stdout);
  return 0;
}
