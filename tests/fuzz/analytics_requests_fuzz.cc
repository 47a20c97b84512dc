// Analytics' request validation (services/analytics/domain/request_checks.*): the fuzzer's bytes
// are parsed as each of AnalyticsService's requests in turn (ParseFromArray, as the gRPC server
// does) and each parsed request goes through the check its RPC runs before the database.
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan);
//   - a rejected request is INVALID_ARGUMENT and its message starts with the name of one of the
//     request's fields ("months: must be 1..60");
//   - an accepted request has a year of 2000..2100 and a month of 1..12; a summary's filters are
//     valid UTF-8 within their byte limits and a known category; a trend has a known metric and
//     dimension, a value (except for total) of valid UTF-8 within 300 bytes, and covers exactly
//     `months` consecutive months ending at end_year/end_month; its metrics other than count
//     are read from a non-empty scope, except for the whole-month total.

#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>

#include "complaints/analytics/v1/analytics.pb.h"
#include "services/analytics/domain/request_checks.h"
#include "services/analytics/domain/rules.h"
#include "tests/fuzz/request_fuzz.h"

namespace av1 = complaints::analytics::v1;
namespace cv1 = complaints::common::v1;
namespace an = tousu::analytics;
using tousu::fuzz::CheckRejection;

namespace {

bool IsMonth(int year, int month) {
  return year >= 2000 && year <= 2100 && month >= 1 && month <= 12;
}

bool IsBoundedUtf8(const std::string& s, size_t max_bytes) {
  return s.size() <= max_bytes && tousu::validation::Utf8Length(s).has_value();
}

template <typename Request>
void CheckMonthOnly(const Request& req, absl::Status (*check)(const Request&)) {
  const absl::Status s = check(req);
  if (!s.ok())
    CheckRejection(s, {"year", "month"});
  else
    FUZZ_CHECK(IsMonth(req.year(), req.month()), req.year() << "-" << req.month());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields logs per parse
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int n = static_cast<int>(size);
  if (av1::GetMonthlySummaryRequest req; req.ParseFromArray(data, n)) {
    const absl::Status s = an::CheckGetMonthlySummary(req);
    if (!s.ok()) {
      CheckRejection(s, {"year", "month", "project", "category", "department_id"});
    } else {
      FUZZ_CHECK(IsMonth(req.year(), req.month()), "month");
      FUZZ_CHECK(IsBoundedUtf8(req.project(), 200) && IsBoundedUtf8(req.department_id(), 64),
                 "filters");
      FUZZ_CHECK(cv1::Category_IsValid(req.category()), req.category());
    }
  }
  if (av1::GetTrendRequest req; req.ParseFromArray(data, n)) {
    const auto q = an::CheckGetTrend(req);
    if (!q.ok()) {
      CheckRejection(q.status(),
                     {"metric", "dimension", "value", "end_year", "end_month", "months"});
    } else {
      FUZZ_CHECK(an::IsTrendMetric(req.metric()), req.metric());
      FUZZ_CHECK(IsMonth(req.end_year(), req.end_month()), "end");
      FUZZ_CHECK(req.months() >= 1 && req.months() <= 60, req.months());
      FUZZ_CHECK(q->end == req.end_year() * 100 + req.end_month(), q->end);
      int months = 1;
      for (int m = q->start; m < q->end; m = an::AddMonths(m, 1)) ++months;
      FUZZ_CHECK(months == req.months() && q->start % 100 >= 1 && q->start % 100 <= 12,
                 "the trend covers " << months << " months from " << q->start);
      FUZZ_CHECK(IsBoundedUtf8(q->value, 300), "value");
      FUZZ_CHECK(req.dimension() == "total" ? q->value.empty() : !q->value.empty(), "value");
      FUZZ_CHECK(q->counting == (req.metric() == "count"), "counting");
      if (!q->counting && req.dimension() != "total") FUZZ_CHECK(!q->scope.empty(), "scope");
    }
  }
  if (av1::ListAlertsRequest req; req.ParseFromArray(data, n)) {
    CheckMonthOnly(req, &an::CheckListAlerts);
  }
  if (av1::RunSpikeCheckRequest req; req.ParseFromArray(data, n)) {
    CheckMonthOnly(req, &an::CheckRunSpikeCheck);
  }
  if (av1::CheckRollupsRequest req; req.ParseFromArray(data, n)) {
    CheckMonthOnly(req, &an::CheckCheckRollups);
  }
  if (av1::GenerateMonthlyReportRequest req; req.ParseFromArray(data, n)) {
    CheckMonthOnly(req, &an::CheckGenerateMonthlyReport);
  }
  if (av1::GetReportRequest req; req.ParseFromArray(data, n)) {
    CheckMonthOnly(req, &an::CheckGetReport);
  }
  return 0;
}
