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
// tools/bench/services measures the same delay from intake's own tables instead. "lifecycle"
// takes a complaint from submission to closed through routing, case-handling and follow-up (needs
// --routing, --case-handling, --follow-up); it runs alone, each in-flight lifecycle on its own
// thread with blocking calls, since a lifecycle is a chain of calls and polls, not one call.
//
// Results: per stream (hello, submit, get, list, routed_visible, lifecycle) the rate of successful
// calls, exact latency percentiles of the successful ones, errors by status code, and the
// latency of RESOURCE_EXHAUSTED refusals (how fast overload is turned away).

#include <cstdio>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/client/outgoing_token.h"
#include "common/flags/tool_flags.h"
#include "tools/loadgen/mix.h"
#include "tools/loadgen/runner.h"

ABSL_FLAG(std::string, target, "", "HOST:PORT of intake (or of the hello server); required");
ABSL_FLAG(std::string, mix, "submit",
          "hello | submit | get | list | routed | lifecycle, or weights such as "
          "submit=8,get=1,list=1");
ABSL_FLAG(std::string, mode, "closed",
          "closed: --concurrency calls always in flight; open: --rate calls a second offered "
          "whatever the answers");
ABSL_FLAG(int, concurrency, 64, "calls in flight (closed loop), lifecycles in flight");
ABSL_FLAG(double, rate, 100, "calls offered a second (open loop)");
ABSL_FLAG(double, duration, 10, "seconds measured");
ABSL_FLAG(double, warmup, 2, "seconds of load before the measurement");
ABSL_FLAG(double, deadline, 5, "seconds each call may take");
ABSL_FLAG(int, prepare, 200, "complaints submitted before a run that gets or lists");
ABSL_FLAG(int, channels, 4,
          "connections, so one HTTP/2 connection's ordering is not the bottleneck");
ABSL_FLAG(int, max_in_flight, 20000,
          "the open loop's cap on calls in flight; calls over it count as CLIENT_MAX_IN_FLIGHT");
ABSL_FLAG(std::string, label, "", "a name for the run, echoed in the JSON");
ABSL_FLAG(bool, json, false, "print the results as one JSON object");
ABSL_FLAG(std::string, routing, "", "HOST:PORT of routing (lifecycle)");
ABSL_FLAG(std::string, case_handling, "", "HOST:PORT of case-handling (lifecycle)");
ABSL_FLAG(std::string, follow_up, "", "HOST:PORT of follow-up (lifecycle)");
ABSL_FLAG(std::string, token_file, "",
          "a token presented on every call (a stack with authentication on; a supervisor's token "
          "runs every mix, lifecycle included)");

namespace {

constexpr char kUsage[] =
    "a gRPC load generator\n"
    "usage: tousu_loadgen --target HOST:PORT [--mix MIX] [--mode closed|open]\n"
    "  [--concurrency N] [--rate CALLS_PER_S] [--duration S] [--warmup S] [--deadline S]\n"
    "  [--prepare N] [--channels N] [--max-in-flight N] [--label NAME] [--json]\n"
    "  [--routing HOST:PORT --case-handling HOST:PORT --follow-up HOST:PORT]\n"
    "  [--token-file FILE]\n"
    "MIX: hello | submit | get | list | routed | lifecycle | e.g. submit=8,get=1,list=1";

using tousu::tools::ExitWithUsageError;

tousu::loadgen::Options OptionsFromFlags() {
  tousu::loadgen::Options o;
  o.target = absl::GetFlag(FLAGS_target);
  o.routing = absl::GetFlag(FLAGS_routing);
  o.case_handling = absl::GetFlag(FLAGS_case_handling);
  o.follow_up = absl::GetFlag(FLAGS_follow_up);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode != "open" && mode != "closed") ExitWithUsageError("--mode is open or closed");
  o.open_loop = mode == "open";
  o.concurrency = absl::GetFlag(FLAGS_concurrency);
  o.rate = absl::GetFlag(FLAGS_rate);
  o.duration_s = absl::GetFlag(FLAGS_duration);
  o.warmup_s = absl::GetFlag(FLAGS_warmup);
  o.deadline_s = absl::GetFlag(FLAGS_deadline);
  o.prepare = absl::GetFlag(FLAGS_prepare);
  o.channels = absl::GetFlag(FLAGS_channels);
  o.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  o.label = absl::GetFlag(FLAGS_label);
  o.json = absl::GetFlag(FLAGS_json);
  if (o.target.empty()) ExitWithUsageError("--target is required");
  if (o.concurrency < 1 || o.channels < 1 || o.rate <= 0 || o.duration_s <= 0 ||
      o.deadline_s <= 0 || o.max_in_flight < 1) {
    ExitWithUsageError(
        "--concurrency, --channels, --rate, --duration, --deadline must be positive");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tousu::loadgen;
  const auto positional = tousu::tools::ParseToolFlags(argc, argv, kUsage);
  if (positional.size() > 1) {
    ExitWithUsageError(absl::StrCat("unexpected argument ", positional[1]));
  }
  Options options = OptionsFromFlags();
  tousu::client::SetOutgoingTokenFile(absl::GetFlag(FLAGS_token_file));
  auto mix = Mix::Parse(absl::GetFlag(FLAGS_mix));
  if (!mix.ok()) ExitWithUsageError(std::string(mix.status().message()));
  if (mix->Contains(CallKind::kLifecycle)) {
    if (mix->entries().size() > 1) ExitWithUsageError("lifecycle runs alone in its mix");
    if (options.routing.empty() || options.case_handling.empty() || options.follow_up.empty()) {
      ExitWithUsageError("lifecycle needs --routing, --case-handling and --follow-up");
    }
  }
  if (mix->Contains(CallKind::kGet) && options.prepare < 1) {
    ExitWithUsageError("get needs --prepare 1 or more");
  }
  Runner runner(std::move(options), *std::move(mix));
  if (!runner.Prepare()) {
    std::fprintf(stderr, "tousu_loadgen: could not prepare complaints to read\n");
    return 1;
  }
  std::fputs(runner.Run().c_str(), stdout);
  return 0;
}
