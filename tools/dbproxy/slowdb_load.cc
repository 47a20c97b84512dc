// tousu_slowdb_load: the client side of the slow-database fault run (tools/faults-slowdb).
//
// Closed-loop load on intake (submit, get, list) from --concurrency clients while it steps the
// delaying proxy (tousu_dbproxy) through --phases by rewriting its control file. Every call has a
// client deadline; every submission has a request id, and a submission that did not get OK is
// retried with the same id and the same body (as a real client would) until it gets OK. After the
// last phase the control file is set back to no delay and every submission still without an OK is
// retried (--final-retries times) so the run ends with an answer for each.
//
// What it checks itself, per call: it ended by its deadline plus --slack-ms; its code is OK or
// DEADLINE_EXCEEDED (UNAVAILABLE and RESOURCE_EXHAUSTED are counted separately, as refusals); no
// error message carries SQL or database text. It writes one line per request id to --results
// (request_id, final code, number, attempts, attempts that got DEADLINE_EXCEEDED), which the
// tool then compares with the database, and prints a summary (JSON with --json).
//
//   tousu_slowdb_load --intake HOST:PORT --control FILE --results FILE --run-id ID
//     [--phases "10:0/0,10:150/50,10:600/200,10:0/0"] [--concurrency 16] [--deadline-ms 1500]
//     [--slack-ms 500] [--final-retries 20] [--think-ms 0] [--mix 7/2/1] [--json]
//
// A phase is SECONDS:LATENCY_MS/JITTER_MS. Exit status: 0 when every check held, 1 otherwise.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/flags/tool_flags.h"
#include "common/status/status_map.h"
#include "common/time/proto_time.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "tools/loadgen/submissions.h"

ABSL_FLAG(std::string, intake, "", "HOST:PORT of intake; required");
ABSL_FLAG(std::string, control, "", "the proxy's control file, rewritten at each phase; required");
ABSL_FLAG(std::string, results, "", "where each request id's outcome is written; required");
ABSL_FLAG(std::string, run_id, "", "the request ids' prefix; required");
ABSL_FLAG(std::string, phases, "10:0/0,10:150/50,10:600/200,10:0/0",
          "the proxy's delays, SECONDS:LATENCY_MS/JITTER_MS,...");
ABSL_FLAG(int, concurrency, 16, "clients");
ABSL_FLAG(int, deadline_ms, 1500, "each call's deadline");
ABSL_FLAG(int, slack_ms, 500, "how far past its deadline a call may end before it counts as late");
ABSL_FLAG(int, final_retries, 20,
          "rounds of retries, after the last phase and with no delay, of the submissions still "
          "without an OK");
ABSL_FLAG(int, think_ms, 0, "each client's pause between calls (paces the load)");
ABSL_FLAG(std::string, mix, "7/2/1", "SUBMIT/GET/LIST weights, submit at least 1");
ABSL_FLAG(bool, json, false, "print the summary as JSON");

namespace {

namespace iv1 = complaints::intake::v1;
namespace cv1 = complaints::common::v1;
using Steady = std::chrono::steady_clock;

struct Phase {
  double seconds;
  int latency_ms;
  int jitter_ms;
};

struct Options {
  std::string intake, control, results, run_id;
  std::vector<Phase> phases;
  int concurrency = 0;
  int deadline_ms = 0;
  int slack_ms = 0;
  int final_retries = 0;
  int think_ms = 0;  // each client's pause between calls (paces the load)
  int w_submit = 0, w_get = 0, w_list = 0;
  bool json = false;
};

constexpr char kUsage[] =
    "the client side of the slow-database fault run (tools/faults-slowdb)\n"
    "usage: tousu_slowdb_load --intake HOST:PORT --control FILE --results FILE --run-id ID\n"
    "  [--phases S:LAT/JIT,...] [--concurrency N] [--deadline-ms N] [--slack-ms N]\n"
    "  [--final-retries N] [--think-ms N] [--mix SUBMIT/GET/LIST] [--json]";

using tousu::tools::ExitWithUsageError;

std::vector<Phase> ParsePhases(const std::string& text) {
  std::vector<Phase> out;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    std::vector<std::string> a = absl::StrSplit(part, absl::ByAnyChar(":/"));
    Phase p{};
    if (a.size() != 3 || !absl::SimpleAtod(a[0], &p.seconds) ||
        !absl::SimpleAtoi(a[1], &p.latency_ms) || !absl::SimpleAtoi(a[2], &p.jitter_ms) ||
        p.seconds <= 0 || p.latency_ms < 0 || p.jitter_ms < 0) {
      ExitWithUsageError(absl::StrCat("bad phase \"", part, "\" (SECONDS:LATENCY_MS/JITTER_MS)"));
    }
    out.push_back(p);
  }
  if (out.empty()) ExitWithUsageError("--phases is empty");
  return out;
}

// A whole-number flag that must not be negative.
int NotNegative(const absl::Flag<int>& flag, const char* spelling) {
  const int value = absl::GetFlag(flag);
  if (value < 0) ExitWithUsageError(absl::StrCat(spelling, " must be a whole number >= 0"));
  return value;
}

Options OptionsFromFlags() {
  Options o;
  o.intake = absl::GetFlag(FLAGS_intake);
  o.control = absl::GetFlag(FLAGS_control);
  o.results = absl::GetFlag(FLAGS_results);
  o.run_id = absl::GetFlag(FLAGS_run_id);
  o.phases = ParsePhases(absl::GetFlag(FLAGS_phases));
  o.concurrency = NotNegative(FLAGS_concurrency, "--concurrency");
  o.deadline_ms = NotNegative(FLAGS_deadline_ms, "--deadline-ms");
  o.slack_ms = NotNegative(FLAGS_slack_ms, "--slack-ms");
  o.final_retries = NotNegative(FLAGS_final_retries, "--final-retries");
  o.think_ms = NotNegative(FLAGS_think_ms, "--think-ms");
  std::vector<std::string> a = absl::StrSplit(absl::GetFlag(FLAGS_mix), '/');
  if (a.size() != 3 || !absl::SimpleAtoi(a[0], &o.w_submit) || !absl::SimpleAtoi(a[1], &o.w_get) ||
      !absl::SimpleAtoi(a[2], &o.w_list) || o.w_submit < 1 || o.w_get < 0 || o.w_list < 0) {
    ExitWithUsageError("--mix is SUBMIT/GET/LIST weights, submit at least 1");
  }
  o.json = absl::GetFlag(FLAGS_json);
  if (o.intake.empty() || o.control.empty() || o.results.empty() || o.run_id.empty()) {
    ExitWithUsageError("--intake, --control, --results and --run-id are required");
  }
  if (o.concurrency < 1 || o.deadline_ms < 1) {
    ExitWithUsageError("--concurrency and --deadline-ms must be positive");
  }
  return o;
}

void WriteControl(const std::string& path, int latency, int jitter) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << latency << " " << jitter << "\n";
  }
  std::rename(tmp.c_str(), path.c_str());
}

std::string CodeName(grpc::StatusCode c) { return tousu::status::CodeConstantName(c); }

// Database or SQL text that must never reach a caller (CONVENTIONS §3).
bool LooksLikeSql(const std::string& message) {
  const std::string m = absl::AsciiStrToLower(message);
  for (const char* w :
       {"sql", "select ", "insert ", "update ", "delete ", "mariadb", "mysql", "syntax",
        "lock wait", "deadlock", "innodb", "duplicate entry", "errno", "connector", "table "}) {
    if (m.find(w) != std::string::npos) return true;
  }
  return false;
}

using tousu::loadgen::kProjects;
using tousu::loadgen::NewSubmission;

// Counts of one phase (or of the final retries).
struct PhaseStats {
  int64_t calls = 0, ok = 0, deadline_exceeded = 0, refused = 0, bad = 0, sql_text = 0;
  int64_t late = 0;                      // ended after deadline + slack
  int64_t max_overrun_us = INT64_MIN;    // elapsed - deadline, worst call
  std::map<std::string, int64_t> codes;  // by method/code
  std::vector<int64_t> ok_us;            // latencies of successful calls
};

// One submission, from first attempt to its final answer.
struct Submission {
  iv1::SubmitComplaintRequest request;
  std::string final_code = "NONE";
  std::string number;
  int attempts = 0, deadline_exceeded = 0;
  bool replay_mismatch = false;  // two OK answers with different numbers
  bool replayed = false;         // the OK answer said an earlier (timed-out) attempt had written it
};

class Run {
 public:
  explicit Run(Options o) : o_(std::move(o)), stats_(o_.phases.size() + 1) {
    for (int i = 0; i < 4; ++i) {
      grpc::ChannelArguments args;
      args.SetInt("tousu.slowdb.channel", i);
      stubs_.push_back(iv1::IntakeService::NewStub(
          grpc::CreateCustomChannel(o_.intake, grpc::InsecureChannelCredentials(), args)));
    }
  }

  // Sets the proxy's delay; when it goes back to none after a delay, records the instant in
  // CONTROL.normal-at (Unix seconds), from which the tool measures the drain.
  void SetDelay(int latency, int jitter) {
    WriteControl(o_.control, latency, jitter);
    if (latency > 0 || jitter > 0) {
      delayed_ = true;
    } else if (delayed_) {
      delayed_ = false;
      std::ofstream(o_.control + ".normal-at")
          << absl::StrFormat("%.3f\n", absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
    }
  }

  int Go() {
    SetDelay(o_.phases[0].latency_ms, o_.phases[0].jitter_ms);
    std::vector<std::thread> workers;
    for (int w = 0; w < o_.concurrency; ++w) workers.emplace_back([this, w] { Worker(w); });
    const auto begin = Steady::now();
    auto at = begin;
    for (size_t p = 0; p < o_.phases.size(); ++p) {
      if (p > 0) SetDelay(o_.phases[p].latency_ms, o_.phases[p].jitter_ms);
      std::fprintf(stderr, "[slowdb-load] phase %zu: %g s at %d ms + %d ms jitter\n", p + 1,
                   o_.phases[p].seconds, o_.phases[p].latency_ms, o_.phases[p].jitter_ms);
      phase_ = static_cast<int>(p);
      at += std::chrono::microseconds(static_cast<int64_t>(o_.phases[p].seconds * 1e6));
      std::this_thread::sleep_until(at);
    }
    stop_ = true;
    for (auto& t : workers) t.join();

    // Final retries at no delay: every submission without an OK answer gets one.
    SetDelay(0, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the proxy polls every 50 ms
    phase_ = static_cast<int>(o_.phases.size());
    std::vector<Submission*> pending;
    for (auto& s : subs_) {
      if (s->final_code != "OK") pending.push_back(s.get());
    }
    std::fprintf(stderr, "[slowdb-load] final retries of %zu submissions without an OK\n",
                 pending.size());
    for (int round = 0; round < o_.final_retries && !pending.empty(); ++round) {
      std::vector<Submission*> still;
      for (Submission* s : pending) {
        Attempt(*stubs_[0], *s);
        if (s->final_code != "OK") still.push_back(s);
      }
      pending.swap(still);
      if (!pending.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    WriteResults();
    return Report(begin);
  }

 private:
  void Worker(int w) {
    std::mt19937_64 rng(static_cast<uint64_t>(w) * 7919 + 17);
    const int total = o_.w_submit + o_.w_get + o_.w_list;
    Submission* unfinished = nullptr;  // this client's submission still waiting for an OK
    int64_t k = 0;
    while (!stop_) {
      if (o_.think_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o_.think_ms));
      auto& stub = *stubs_[static_cast<size_t>(w) % stubs_.size()];
      const int pick = static_cast<int>(rng() % static_cast<uint64_t>(total));
      if (unfinished != nullptr || pick < o_.w_submit || known_count_.load() == 0) {
        if (unfinished == nullptr) {
          auto sub = std::make_unique<Submission>();
          const int64_t n = next_++;
          sub->request = NewSubmission(absl::StrFormat("%s-%d-%d", o_.run_id, w, k++), n);
          std::lock_guard<std::mutex> lock(mu_);
          subs_.push_back(std::move(sub));
          unfinished = subs_.back().get();
        }
        Attempt(stub, *unfinished);
        if (unfinished->final_code == "OK")
          unfinished = nullptr;
        else
          std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a small backoff
      } else if (pick < o_.w_submit + o_.w_get) {
        iv1::GetComplaintRequest req;
        {
          std::lock_guard<std::mutex> lock(mu_);
          req.set_number(known_[rng() % known_.size()]);
        }
        iv1::GetComplaintResponse resp;
        grpc::ClientContext ctx;
        Timed(
            "get", [&] { return stub.GetComplaint(&ctx, req, &resp); }, ctx);
      } else {
        iv1::ListComplaintsRequest req;
        req.mutable_page()->set_page_size(20);
        if (rng() % 2) req.set_project(kProjects[rng() % std::size(kProjects)]);
        iv1::ListComplaintsResponse resp;
        grpc::ClientContext ctx;
        Timed(
            "list", [&] { return stub.ListComplaints(&ctx, req, &resp); }, ctx);
      }
    }
  }

  void Attempt(iv1::IntakeService::Stub& stub, Submission& s) {
    iv1::SubmitComplaintResponse resp;
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-request-id", s.request.request_id());  // services log it with the call
    const grpc::Status st = Timed(
        "submit", [&] { return stub.SubmitComplaint(&ctx, s.request, &resp); }, ctx);
    ++s.attempts;
    if (st.error_code() == grpc::DEADLINE_EXCEEDED) ++s.deadline_exceeded;
    if (st.ok()) {
      if (!s.number.empty() && s.number != resp.complaint().number()) s.replay_mismatch = true;
      s.number = resp.complaint().number();
      s.final_code = "OK";
      s.replayed = resp.replayed();
      std::lock_guard<std::mutex> lock(mu_);
      known_.push_back(s.number);
      known_count_ = static_cast<int64_t>(known_.size());
    } else if (s.final_code != "OK") {
      s.final_code = CodeName(st.error_code());
    }
  }

  template <typename Call>
  grpc::Status Timed(const char* method, Call call, grpc::ClientContext& ctx) {
    const auto deadline = std::chrono::milliseconds(o_.deadline_ms);
    ctx.set_deadline(std::chrono::system_clock::now() + deadline);
    const int phase = phase_.load();
    const auto t0 = Steady::now();
    const grpc::Status st = call();
    const int64_t us =
        std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - t0).count();
    const int64_t overrun = us - int64_t{o_.deadline_ms} * 1000;
    std::lock_guard<std::mutex> lock(mu_);
    PhaseStats& p = stats_[static_cast<size_t>(phase)];
    ++p.calls;
    ++p.codes[absl::StrCat(method, " ", CodeName(st.error_code()))];
    p.max_overrun_us = std::max(p.max_overrun_us, overrun);
    if (overrun > int64_t{o_.slack_ms} * 1000) {
      ++p.late;
      if (late_examples_.size() < 5)
        late_examples_.push_back(absl::StrFormat("%s took %d ms", method, us / 1000));
    }
    switch (st.error_code()) {
      case grpc::OK:
        ++p.ok;
        p.ok_us.push_back(us);
        break;
      case grpc::DEADLINE_EXCEEDED:
        ++p.deadline_exceeded;
        break;
      case grpc::UNAVAILABLE:
      case grpc::RESOURCE_EXHAUSTED:
        ++p.refused;
        break;
      default:
        ++p.bad;
        if (bad_examples_.size() < 5) {
          bad_examples_.push_back(
              absl::StrCat(method, " ", CodeName(st.error_code()), ": ", st.error_message()));
        }
    }
    if (!st.ok() && LooksLikeSql(st.error_message())) {
      ++p.sql_text;
      if (sql_examples_.size() < 5) {
        sql_examples_.push_back(
            absl::StrCat(method, " ", CodeName(st.error_code()), ": ", st.error_message()));
      }
    }
    return st;
  }

  void WriteResults() {
    std::ofstream out(o_.results);
    for (const auto& s : subs_) {
      out << s->request.request_id() << '\t' << s->final_code << '\t'
          << (s->number.empty() ? "-" : s->number) << '\t' << s->attempts << '\t'
          << s->deadline_exceeded << '\t' << (s->replayed ? 1 : 0) << '\n';
    }
  }

  int Report(Steady::time_point begin) {
    int64_t calls = 0, ok = 0, de = 0, refused = 0, bad = 0, sql = 0, late = 0, overrun = INT64_MIN;
    std::string phases_json;
    for (size_t i = 0; i < stats_.size(); ++i) {
      PhaseStats& p = stats_[i];
      std::sort(p.ok_us.begin(), p.ok_us.end());
      auto pct = [&](double q) -> double {
        if (p.ok_us.empty()) return 0;
        return p.ok_us[std::min(p.ok_us.size() - 1,
                                static_cast<size_t>(q * static_cast<double>(p.ok_us.size())))] /
               1000.0;
      };
      calls += p.calls, ok += p.ok, de += p.deadline_exceeded, refused += p.refused, bad += p.bad;
      sql += p.sql_text, late += p.late, overrun = std::max(overrun, p.max_overrun_us);
      const bool final_round = i == o_.phases.size();
      const std::string name =
          final_round ? "final-retries"
                      : absl::StrFormat("%d+%dms", o_.phases[i].latency_ms, o_.phases[i].jitter_ms);
      std::string codes;
      for (const auto& [k, v] : p.codes)
        absl::StrAppend(&codes, codes.empty() ? "" : ",", "\"", k, "\":", v);
      absl::StrAppendFormat(
          &phases_json,
          "%s{\"phase\":\"%s\",\"calls\":%d,\"ok\":%d,\"deadline_exceeded\":%d,\"refused\":%d,"
          "\"bad\":%d,\"ok_p50_ms\":%.1f,\"ok_p99_ms\":%.1f,\"ok_max_ms\":%.1f,"
          "\"max_overrun_ms\":%.1f,\"codes\":{%s}}",
          phases_json.empty() ? "" : ",", name, p.calls, p.ok, p.deadline_exceeded, p.refused,
          p.bad, pct(0.5), pct(0.99), p.ok_us.empty() ? 0.0 : p.ok_us.back() / 1000.0,
          p.calls ? p.max_overrun_us / 1000.0 : 0.0, codes);
      if (!o_.json) {
        std::printf(
            "%-14s calls %6lld  ok %6lld  deadline-exceeded %5lld  refused %4lld  other %3lld  "
            "ok p50 %7.1f ms  p99 %7.1f ms  max overrun %7.1f ms\n",
            name.c_str(), static_cast<long long>(p.calls), static_cast<long long>(p.ok),
            static_cast<long long>(p.deadline_exceeded), static_cast<long long>(p.refused),
            static_cast<long long>(p.bad), pct(0.5), pct(0.99),
            p.calls ? p.max_overrun_us / 1000.0 : 0.0);
      }
    }
    int64_t submissions = 0, answered_ok = 0, retried_after_de = 0, unanswered = 0, mismatched = 0,
            replayed = 0;
    for (const auto& s : subs_) {
      ++submissions;
      if (s->final_code == "OK")
        ++answered_ok;
      else
        ++unanswered;
      if (s->final_code == "OK" && s->deadline_exceeded > 0) ++retried_after_de;
      if (s->replay_mismatch) ++mismatched;
      if (s->final_code == "OK" && s->replayed) ++replayed;
    }
    const double seconds = std::chrono::duration<double>(Steady::now() - begin).count();
    const bool pass = bad == 0 && sql == 0 && late == 0 && unanswered == 0 && mismatched == 0;
    if (o_.json) {
      std::printf(
          "{\"calls\":%lld,\"ok\":%lld,\"deadline_exceeded\":%lld,\"refused\":%lld,\"bad\":%lld,"
          "\"sql_text\":%lld,\"late\":%lld,\"max_overrun_ms\":%.1f,\"submissions\":%lld,"
          "\"answered_ok\":%lld,\"ok_after_deadline_exceeded\":%lld,\"replayed\":%lld,"
          "\"unanswered\":%lld,"
          "\"replay_mismatch\":%lld,\"seconds\":%.1f,\"pass\":%s,\"phases\":[%s]}\n",
          (long long)calls, (long long)ok, (long long)de, (long long)refused, (long long)bad,
          (long long)sql, (long long)late, overrun / 1000.0, (long long)submissions,
          (long long)answered_ok, (long long)retried_after_de, (long long)replayed,
          (long long)unanswered, (long long)mismatched, seconds, pass ? "true" : "false",
          phases_json.c_str());
    } else {
      std::printf(
          "total          calls %6lld  ok %6lld  deadline-exceeded %5lld  refused %4lld  other "
          "%3lld  "
          "max overrun past deadline %.1f ms (slack %d ms), late %lld, SQL text in errors %lld\n",
          (long long)calls, (long long)ok, (long long)de, (long long)refused, (long long)bad,
          overrun / 1000.0, o_.slack_ms, (long long)late, (long long)sql);
      std::printf(
          "submissions    %lld, answered OK %lld (%lld of them after DEADLINE_EXCEEDED, retried "
          "with the "
          "same request id; %lld answered as a replay: a timed-out attempt had written it), never "
          "answered "
          "OK %lld, two different numbers for one id %lld\n",
          (long long)submissions, (long long)answered_ok, (long long)retried_after_de,
          (long long)replayed, (long long)unanswered, (long long)mismatched);
    }
    for (const auto& e : bad_examples_)
      std::fprintf(stderr, "[slowdb-load] unexpected: %s\n", e.c_str());
    for (const auto& e : sql_examples_)
      std::fprintf(stderr, "[slowdb-load] SQL text: %s\n", e.c_str());
    for (const auto& e : late_examples_)
      std::fprintf(stderr, "[slowdb-load] past deadline: %s\n", e.c_str());
    return pass ? 0 : 1;
  }

  Options o_;
  std::vector<std::unique_ptr<iv1::IntakeService::Stub>> stubs_;
  std::vector<PhaseStats> stats_;
  std::atomic<int> phase_{0};
  bool delayed_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> next_{0}, known_count_{0};
  std::mutex mu_;
  std::vector<std::unique_ptr<Submission>> subs_;
  std::vector<std::string> known_;
  std::vector<std::string> bad_examples_, sql_examples_, late_examples_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> args = tousu::tools::ParseToolFlags(argc, argv, kUsage);
  if (args.size() > 1) ExitWithUsageError(absl::StrCat("unexpected argument ", args[1]));
  Options o = OptionsFromFlags();
  Run run(std::move(o));
  return run.Go();
}
