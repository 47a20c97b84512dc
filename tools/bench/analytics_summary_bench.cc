// Times the analytics service's GetMonthlySummary over a month of many complaints (issue: "a
// month with a million complaints answers in well under a second"). Run by
// tools/bench/analytics-summary, which loads the facts; this program rebuilds the rollups from
// them (CheckRollups with repair, itself timed), then calls each query shape `--repeat` times
// and prints min / median / p90 / max wall time per shape. The service must be SERVING.
//
//   tousu_analytics_summary_bench --address 127.0.0.1:7105 --year 2026 --month 10 --repeat 20

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/flags/tool_flags.h"
#include "complaints/analytics/v1/analytics.grpc.pb.h"

ABSL_FLAG(std::string, address, "127.0.0.1:7105", "HOST:PORT of the analytics service");
ABSL_FLAG(int, year, 2026, "the month's year");
ABSL_FLAG(int, month, 10, "the month (1-12)");
ABSL_FLAG(int, repeat, 20, "calls of each query shape");
ABSL_FLAG(std::string, project, "", "the project of the filtered shapes");
ABSL_FLAG(std::string, department, "", "the department of the filtered shapes");

namespace {

namespace av1 = complaints::analytics::v1;

constexpr char kUsage[] =
    "times the analytics service's GetMonthlySummary\n"
    "usage: tousu_analytics_summary_bench --address HOST:PORT --year Y --month M"
    " [--repeat N] [--project P] [--department D]";

struct Options {
  std::string address;
  int year, month, repeat;
  std::string project, department;
};

Options OptionsFromFlags() {
  Options o{absl::GetFlag(FLAGS_address), absl::GetFlag(FLAGS_year),
            absl::GetFlag(FLAGS_month),   absl::GetFlag(FLAGS_repeat),
            absl::GetFlag(FLAGS_project), absl::GetFlag(FLAGS_department)};
  if (o.repeat < 1) tousu::tools::ExitWithUsageError("--repeat must be at least 1");
  return o;
}

std::unique_ptr<grpc::ClientContext> Context(absl::Duration deadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return ctx;
}

void Check(const grpc::Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s failed: %d %s\n", what, static_cast<int>(s.error_code()),
               s.error_message().c_str());
  std::exit(1);
}

struct Shape {
  std::string name;
  av1::GetMonthlySummaryRequest request;
};

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> args = tousu::tools::ParseToolFlags(argc, argv, kUsage);
  if (args.size() > 1) {
    tousu::tools::ExitWithUsageError(absl::StrCat("unexpected argument ", args[1]));
  }
  const Options o = OptionsFromFlags();
  auto channel = grpc::CreateChannel(o.address, grpc::InsecureChannelCredentials());
  auto analytics = av1::AnalyticsService::NewStub(channel);

  // Rollups of the bulk-loaded facts: this month and the one before (month-over-month).
  for (int back = 1; back >= 0; --back) {
    av1::CheckRollupsRequest req;
    int y = o.year, m = o.month - back;
    if (m < 1) m += 12, --y;
    req.set_year(y);
    req.set_month(m);
    req.set_repair(true);
    av1::CheckRollupsResponse resp;
    auto ctx = Context(absl::Minutes(10));
    const absl::Time t0 = absl::Now();
    Check(analytics->CheckRollups(ctx.get(), req, &resp), "CheckRollups");
    std::printf("rebuild rollups of %04d-%02d from %lld facts: %.1f s (%d entries differed)\n", y,
                m, static_cast<long long>(resp.facts()), absl::ToDoubleSeconds(absl::Now() - t0),
                resp.differences_size());
  }

  std::vector<Shape> shapes;
  auto add = [&](const std::string& name,
                 const std::function<void(av1::GetMonthlySummaryRequest&)>& narrow) {
    Shape s{name, {}};
    s.request.set_year(o.year);
    s.request.set_month(o.month);
    narrow(s.request);
    shapes.push_back(std::move(s));
  };
  add("whole month", [](auto&) {});
  if (!o.department.empty()) {
    add("one department", [&](auto& r) { r.set_department_id(o.department); });
  }
  if (!o.project.empty()) {
    add("one project", [&](auto& r) { r.set_project(o.project); });
    add("one project, one category", [&](auto& r) {
      r.set_project(o.project);
      r.set_category(complaints::common::v1::CATEGORY_PRODUCT_QUALITY);
    });
  }

  std::printf("\n%-28s %10s %9s %9s %9s %9s %9s\n", "GetMonthlySummary", "complaints", "calls",
              "min ms", "median ms", "p90 ms", "max ms");
  for (const Shape& shape : shapes) {
    std::vector<double> ms;
    int64_t total = 0;
    for (int i = 0; i <= o.repeat; ++i) {  // the first call warms caches and is not counted
      av1::GetMonthlySummaryResponse resp;
      auto ctx = Context(absl::Minutes(2));
      const absl::Time t0 = absl::Now();
      Check(analytics->GetMonthlySummary(ctx.get(), shape.request, &resp), "GetMonthlySummary");
      if (i > 0) ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
      total = resp.summary().total();
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double p) {
      return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
    };
    std::printf("%-28s %10lld %9zu %9.1f %9.1f %9.1f %9.1f\n", shape.name.c_str(),
                static_cast<long long>(total), ms.size(), ms.front(), at(0.5), at(0.9), ms.back());
  }
  return 0;
}
