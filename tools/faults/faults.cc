// tousu_faults: the client side of the fault runs (tools/faults/run).
//
//   tousu_faults load --target ADDR --complaints N --clients 32 --out FILE [--progress FILE]
//       [--rate R]  N submissions from concurrent clients (at most R a second when given), each
//       with its own request id, retried with the same request id on UNAVAILABLE,
//       DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED, CANCELLED, UNKNOWN and INTERNAL until OK
//       or --give-up seconds. Every OK is written to --out as "request_id<TAB>number<TAB>attempts";
//       every submission given up or refused for good to --out.errors. --progress holds the count
//       of OK submissions, rewritten every 100 ms, so the run script can space its faults over the
//       load.
//   tousu_faults health --target ADDR --service NAME
//       prints SERVING, NOT_SERVING, UNKNOWN or UNREACHABLE; exit 0 only for SERVING.
//   tousu_faults lifecycle --intake ADDR --routing ADDR --case-handling ADDR --follow-up ADDR
//       --numbers FILE --out FILE --clients 8 [--rate R]
//       takes the complaints of FILE (lines "request_id<TAB>number...") to the states whose
//       timers the replicas run checks: by position i mod 5 — 0 left routed (acknowledgement
//       escalation), 1 acknowledged (solution deadline, progress updates), 2 solution accepted
//       (progress updates), 3 resolved (callback), 4 left alone. Every call is retried like load.
//       Writes "number<TAB>stage" per complaint that reached its stage.
//
// Addresses may name two replicas as "127.0.0.1:A|127.0.0.1:B" (common/client/channel.h).

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/client/channel.h"
#include "common/flags/tool_flags.h"
#include "common/status/status_map.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"
#include "tools/loadgen/submissions.h"

ABSL_FLAG(std::string, target, "", "load, health: HOST:PORT of intake, or of the service asked");
ABSL_FLAG(std::string, service, "",
          "health: the service asked about (e.g. complaints.intake.v1.IntakeService)");
ABSL_FLAG(int64_t, complaints, 1000, "load: submissions");
ABSL_FLAG(std::optional<int>, clients, std::nullopt,
          "load, lifecycle: concurrent clients (default: 32 for load, 8 for lifecycle)");
ABSL_FLAG(std::optional<double>, deadline, std::nullopt,
          "seconds each call may take (default: 5; 1 for health)");
ABSL_FLAG(double, give_up, 120,
          "load, lifecycle: seconds of retries (and of waiting for a state) before giving up");
ABSL_FLAG(double, rate, 0,
          "load: submissions a second; lifecycle: complaints taken on a second; 0: as fast as "
          "answered");
ABSL_FLAG(std::string, out, "",
          "load, lifecycle: the results file; what failed for good goes to FILE.errors");
ABSL_FLAG(std::string, progress, "-",
          "load: a file holding the count of OK submissions, rewritten every 100 ms (-: none)");
ABSL_FLAG(std::string, run_id, "", "load: the request ids' prefix (default: from the time)");
ABSL_FLAG(std::string, intake, "", "lifecycle: HOST:PORT of intake");
ABSL_FLAG(std::string, routing, "", "lifecycle: HOST:PORT of routing");
ABSL_FLAG(std::string, case_handling, "", "lifecycle: HOST:PORT of case-handling");
ABSL_FLAG(std::string, follow_up, "", "lifecycle: HOST:PORT of follow-up");
ABSL_FLAG(
    std::string, numbers, "",
    "lifecycle: the complaints to take on, lines \"request_id<TAB>number...\" (load's --out)");

namespace tousu::faults {
namespace {

constexpr char kUsage[] =
    "the client side of the fault runs (tools/faults/run)\n"
    "usage: tousu_faults load --target ADDR --complaints N [--clients 32] --out FILE\n"
    "         [--progress FILE] [--run-id ID] [--deadline S] [--give-up S] [--rate R]\n"
    "       tousu_faults health --target ADDR --service NAME\n"
    "       tousu_faults lifecycle --intake A --routing A --case-handling A\n"
    "         --follow-up A --numbers FILE --out FILE [--clients 8] [--rate R]";

namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
namespace cv1 = complaints::common::v1;
using SteadyClock = std::chrono::steady_clock;

std::string CodeName(int code) { return status::CodeConstantName(code); }

bool Retryable(grpc::StatusCode c) {
  switch (c) {
    case grpc::UNAVAILABLE:
    case grpc::DEADLINE_EXCEEDED:
    case grpc::ABORTED:
    case grpc::RESOURCE_EXHAUSTED:
    case grpc::CANCELLED:
    case grpc::UNKNOWN:
    case grpc::INTERNAL:
      return true;
    default:
      return false;
  }
}

using tools::ExitWithUsageError;

// A flag a command cannot do without; `spelling` as the callers write it.
std::string Required(const absl::Flag<std::string>& flag, const char* spelling) {
  std::string value = absl::GetFlag(flag);
  if (value.empty()) ExitWithUsageError(absl::StrCat(spelling, " is required"));
  return value;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& target, int index) {
  client::ChannelOptions opts;  // no gRPC-level retries: the clients retry themselves
  (void)index;
  return client::MakeChannel(target, opts);
}

// Retries `call` (a fresh context each time) on the retryable codes with a capped exponential
// backoff until OK, a final code, or `give_up`. Counts attempts and retried codes.
struct RetryStats {
  std::mutex mu;
  std::map<std::string, int64_t> retried;  // code -> times
  void Add(grpc::StatusCode c) {
    std::lock_guard<std::mutex> lock(mu);
    ++retried[CodeName(c)];
  }
};

grpc::Status WithRetries(const std::function<grpc::Status(grpc::ClientContext*)>& call,
                         double deadline_s, double give_up_s, RetryStats& stats, int* attempts) {
  const auto until = SteadyClock::now() + std::chrono::milliseconds(int64_t(give_up_s * 1000));
  thread_local std::mt19937 rng(std::random_device{}());
  int backoff_ms = 20;
  for (*attempts = 1;; ++*attempts) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(int64_t(deadline_s * 1000)));
    // Wait for a connection rather than fail at once while the channel reconnects: a failing
    // call leaves nobody polling the channel, and gRPC 1.51 then notices a completed reconnect
    // only at its backup poller's next round (every 5 s), which stalled clients for up to 5 s
    // after a restarted server was back.
    ctx.set_wait_for_ready(true);
    grpc::Status s = call(&ctx);
    if (s.ok() || !Retryable(s.error_code()) || SteadyClock::now() > until) return s;
    stats.Add(s.error_code());
    std::this_thread::sleep_for(
        std::chrono::milliseconds(backoff_ms / 2 + rng() % (backoff_ms / 2 + 1)));
    backoff_ms = std::min(backoff_ms * 2, 500);
  }
}

using loadgen::kDepartments;
using loadgen::NewSubmission;

void WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
  }
  std::rename(tmp.c_str(), path.c_str());
}

std::string Summary(const std::map<std::string, int64_t>& m) {
  std::string s;
  for (const auto& [k, v] : m) absl::StrAppend(&s, s.empty() ? "" : ",", k, "=", v);
  return s.empty() ? "none" : s;
}

int Load() {
  const std::string target = Required(FLAGS_target, "--target");
  const int64_t n = absl::GetFlag(FLAGS_complaints);
  const int clients = absl::GetFlag(FLAGS_clients).value_or(32);
  const double deadline_s = absl::GetFlag(FLAGS_deadline).value_or(5);
  const double give_up_s = absl::GetFlag(FLAGS_give_up);
  const std::string out_path = Required(FLAGS_out, "--out");
  const std::string progress = absl::GetFlag(FLAGS_progress);
  const double rate =
      absl::GetFlag(FLAGS_rate);  // submissions offered per second; 0: as fast as answered
  std::string run_id = absl::GetFlag(FLAGS_run_id);
  if (run_id.empty()) run_id = absl::StrFormat("f%x", absl::ToUnixMicros(absl::Now()));
  std::vector<std::unique_ptr<iv1::IntakeService::Stub>> stubs;
  for (int i = 0; i < (clients + 7) / 8; ++i)
    stubs.push_back(iv1::IntakeService::NewStub(Channel(target, i)));

  std::atomic<int64_t> next{0}, ok{0}, failed{0}, attempts_total{0};
  RetryStats stats;
  std::mutex mu;
  std::vector<std::string> lines, errors;
  lines.reserve(n);
  const auto started = SteadyClock::now();
  std::atomic<bool> done{false};
  std::thread reporter([&] {
    while (!done) {
      if (progress != "-") WriteFileAtomically(progress, absl::StrCat(ok.load(), "\n"));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      auto& stub = *stubs[t % stubs.size()];
      for (int64_t i = next++; i < n; i = next++) {
        if (rate > 0)
          std::this_thread::sleep_until(started +
                                        std::chrono::microseconds(int64_t(1e6 * i / rate)));
        const std::string rid = absl::StrCat(run_id, "-", i);
        const auto req = NewSubmission(rid, i);
        iv1::SubmitComplaintResponse resp;
        int attempts = 0;
        grpc::Status s = WithRetries(
            [&](grpc::ClientContext* ctx) {
              resp.Clear();
              return stub.SubmitComplaint(ctx, req, &resp);
            },
            deadline_s, give_up_s, stats, &attempts);
        attempts_total += attempts;
        std::lock_guard<std::mutex> lock(mu);
        if (s.ok()) {
          ++ok;
          lines.push_back(absl::StrCat(rid, "\t", resp.complaint().number(), "\t", attempts, "\n"));
        } else {
          ++failed;
          errors.push_back(
              absl::StrCat(rid, "\t", CodeName(s.error_code()), "\t", s.error_message(), "\n"));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  done = true;
  reporter.join();
  if (progress != "-") WriteFileAtomically(progress, absl::StrCat(ok.load(), "\n"));
  const double secs = std::chrono::duration<double>(SteadyClock::now() - started).count();
  {
    std::ofstream out(out_path, std::ios::trunc);
    for (const auto& l : lines) out << l;
    std::ofstream err(out_path + ".errors", std::ios::trunc);
    for (const auto& l : errors) err << l;
  }
  std::printf(
      "load: %lld submissions from %d clients in %.1f s: ok %lld, errors after retries %lld, "
      "attempts %lld, retried: %s\n",
      static_cast<long long>(n), clients, secs, static_cast<long long>(ok.load()),
      static_cast<long long>(failed.load()), static_cast<long long>(attempts_total.load()),
      Summary(stats.retried).c_str());
  if (!errors.empty()) std::printf("load: first error: %s", errors.front().c_str());
  return failed.load() == 0 ? 0 : 1;
}

// grpc.health.v1.Health/Check, encoded by hand (as tests/support does) to keep one health proto.
int HealthCheck() {
  const std::string target = Required(FLAGS_target, "--target");
  const std::string service = Required(FLAGS_service, "--service");
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  std::string req;
  req.push_back(0x0a);
  req.push_back(static_cast<char>(service.size()));
  req += service;
  grpc::Slice slice(req);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::ClientContext ctx;
  ctx.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(int64_t(absl::GetFlag(FLAGS_deadline).value_or(1) * 1000)));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(s); });
  grpc::Status s = done.get_future().get();
  if (!s.ok()) {
    std::printf("UNREACHABLE %s\n", CodeName(s.error_code()).c_str());
    return 3;
  }
  std::vector<grpc::Slice> slices;
  response.Dump(&slices);
  std::string body;
  for (auto& sl : slices) body.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  const int status = body.size() >= 2 && body[0] == 0x08 ? body[1] : 0;
  std::printf("%s\n", status == 1 ? "SERVING" : status == 2 ? "NOT_SERVING" : "UNKNOWN");
  return status == 1 ? 0 : status == 2 ? 1 : 2;
}

int Lifecycle() {
  auto intake = iv1::IntakeService::NewStub(Channel(Required(FLAGS_intake, "--intake"), 0));
  auto routing = rv1::RoutingService::NewStub(Channel(Required(FLAGS_routing, "--routing"), 0));
  auto cases =
      chv1::CaseService::NewStub(Channel(Required(FLAGS_case_handling, "--case-handling"), 0));
  auto followup =
      fv1::FollowUpService::NewStub(Channel(Required(FLAGS_follow_up, "--follow-up"), 0));
  const std::string numbers_path = Required(FLAGS_numbers, "--numbers");
  const std::string out_path = Required(FLAGS_out, "--out");
  const int clients = absl::GetFlag(FLAGS_clients).value_or(8);
  const double deadline_s = absl::GetFlag(FLAGS_deadline).value_or(5);
  const double give_up_s = absl::GetFlag(FLAGS_give_up);
  std::vector<std::string> numbers;
  {
    std::ifstream in(numbers_path);
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> parts = absl::StrSplit(line, '\t');
      if (parts.size() >= 2) numbers.push_back(parts[1]);
    }
  }
  RetryStats stats;
  std::mutex mu;
  std::vector<std::string> lines, errors;
  std::atomic<size_t> next{0};
  // Polls `ready` every 20 ms for up to give_up_s.
  auto await = [&](const std::function<bool()>& ready) {
    const auto until = SteadyClock::now() + std::chrono::milliseconds(int64_t(give_up_s * 1000));
    while (!ready()) {
      if (SteadyClock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  };
  auto once = [&](const std::function<grpc::Status(grpc::ClientContext*)>& call) {
    int attempts = 0;
    return WithRetries(call, deadline_s, give_up_s, stats, &attempts);
  };
  auto one = [&](size_t i) -> std::string {
    const std::string& number = numbers[i];
    const int stage = int(i % 5);
    // Department and owner come from routing's assignment (the submission chose the category).
    rv1::Assignment a;
    if (!await([&] {
          rv1::GetAssignmentRequest req;
          req.set_number(number);
          rv1::GetAssignmentResponse resp;
          bool ok = once([&](grpc::ClientContext* c) {
                      return routing->GetAssignment(c, req, &resp);
                    }).ok();
          a = resp.assignment();
          return ok && a.state() == rv1::ASSIGNMENT_STATE_ROUTED;
        })) {
      return "routed:TIMEOUT";
    }
    if (stage == 0 || stage == 4) return stage == 0 ? "routed" : "untouched";
    std::string owner;
    for (const auto& d : kDepartments) {
      if (a.department_id() == d.id) owner = d.owner;
    }
    if (owner.empty()) return absl::StrCat("department:", a.department_id());
    {
      rv1::AcknowledgeAssignmentRequest req;
      req.set_number(number);
      req.set_department_id(a.department_id());
      req.set_owner_staff_id(owner);
      rv1::AcknowledgeAssignmentResponse resp;
      auto s = once(
          [&](grpc::ClientContext* c) { return routing->AcknowledgeAssignment(c, req, &resp); });
      if (!s.ok() && s.error_code() != grpc::FAILED_PRECONDITION) {
        return absl::StrCat("acknowledge:", CodeName(s.error_code()), ":", s.error_message());
      }
    }
    chv1::Case kase;
    auto case_in = [&](chv1::CaseState state) {
      return await([&] {
        chv1::GetCaseRequest req;
        req.set_number(number);
        chv1::GetCaseResponse resp;
        if (!once([&](grpc::ClientContext* c) { return cases->GetCase(c, req, &resp); }).ok())
          return false;
        kase = resp.case_file();
        return kase.state() == state;
      });
    };
    if (!case_in(chv1::CASE_STATE_INVESTIGATING)) return "case_opened:TIMEOUT";
    if (stage == 1) return "acknowledged";
    {
      chv1::ProposeSolutionRequest req;
      req.set_number(number);
      req.set_staff_id(owner);
      req.set_solution("安排维保单位全面检修，检修完成后请客户验收");
      req.add_planned_actions("现场核实");
      req.add_planned_actions("检修并验收");
      time::ToProto(absl::Now() + absl::Hours(24 * 60), req.mutable_planned_completion());
      chv1::ProposeSolutionResponse resp;
      auto s = once([&](grpc::ClientContext* c) { return cases->ProposeSolution(c, req, &resp); });
      if (!s.ok() && !case_in(chv1::CASE_STATE_AWAITING_DECISION)) {
        return absl::StrCat("propose:", CodeName(s.error_code()), ":", s.error_message());
      }
    }
    if (!case_in(chv1::CASE_STATE_AWAITING_DECISION)) return "proposed:TIMEOUT";
    {
      chv1::RecordCustomerDecisionRequest req;
      req.set_number(number);
      req.set_revision(kase.revision());
      req.set_decision(chv1::CUSTOMER_DECISION_ACCEPTED);
      req.set_recorded_by_staff_id(owner);
      chv1::RecordCustomerDecisionResponse resp;
      auto s = once(
          [&](grpc::ClientContext* c) { return cases->RecordCustomerDecision(c, req, &resp); });
      if (!s.ok() && !case_in(chv1::CASE_STATE_IMPLEMENTING)) {
        return absl::StrCat("decide:", CodeName(s.error_code()), ":", s.error_message());
      }
    }
    if (!case_in(chv1::CASE_STATE_IMPLEMENTING)) return "accepted:TIMEOUT";
    if (stage == 2) return "implementing";
    {
      chv1::ResolveCaseRequest req;
      req.set_number(number);
      req.set_staff_id(owner);
      req.set_result("电梯已全面检修，客户现场确认运行正常");
      chv1::ResolveCaseResponse resp;
      auto s = once([&](grpc::ClientContext* c) { return cases->ResolveCase(c, req, &resp); });
      if (!s.ok() && !case_in(chv1::CASE_STATE_RESOLVED)) {
        return absl::StrCat("resolve:", CodeName(s.error_code()), ":", s.error_message());
      }
    }
    if (!await([&] {
          fv1::GetFollowUpRequest req;
          req.set_number(number);
          fv1::GetFollowUpResponse resp;
          if (!once([&](grpc::ClientContext* c) {
                 return followup->GetFollowUp(c, req, &resp);
               }).ok())
            return false;
          return resp.follow_up().state() == fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK &&
                 !resp.follow_up().callbacks().empty();
        })) {
      return "callback_scheduled:TIMEOUT";
    }
    return "resolved";
  };
  const double rate =
      absl::GetFlag(FLAGS_rate);  // complaints taken on per second; 0: as fast as possible
  const auto started = SteadyClock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < numbers.size(); i = next++) {
        if (rate > 0)
          std::this_thread::sleep_until(started +
                                        std::chrono::microseconds(int64_t(1e6 * i / rate)));
        std::string r = one(i);
        std::lock_guard<std::mutex> lock(mu);
        if (r == "routed" || r == "untouched" || r == "acknowledged" || r == "implementing" ||
            r == "resolved") {
          lines.push_back(absl::StrCat(numbers[i], "\t", r, "\n"));
        } else {
          errors.push_back(absl::StrCat(numbers[i], "\t", r, "\n"));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::ofstream out(out_path, std::ios::trunc);
  for (const auto& l : lines) out << l;
  std::ofstream err(out_path + ".errors", std::ios::trunc);
  for (const auto& l : errors) err << l;
  std::printf("lifecycle: %zu complaints staged, %zu failed, retried: %s\n", lines.size(),
              errors.size(), Summary(stats.retried).c_str());
  if (!errors.empty()) std::printf("lifecycle: first failure: %s", errors.front().c_str());
  return errors.empty() ? 0 : 1;
}

}  // namespace
}  // namespace tousu::faults

int main(int argc, char** argv) {
  using namespace tousu::faults;
  const std::vector<char*> args = tousu::tools::ParseToolFlags(argc, argv, kUsage);
  if (args.size() < 2) ExitWithUsageError("a command is required");
  if (args.size() > 2) ExitWithUsageError(absl::StrCat("unexpected argument ", args[2]));
  const std::string cmd = args[1];
  if (cmd == "load") return Load();
  if (cmd == "health") return HealthCheck();
  if (cmd == "lifecycle") return Lifecycle();
  ExitWithUsageError("unknown command " + cmd);
}
