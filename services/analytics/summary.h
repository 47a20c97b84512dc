#pragma once
// Stored rows and rollups read back as the API's messages: a month's summary from its rollup, the
// series GetTrend offers, alerts and reports.

#include <cstdint>
#include <functional>
#include <string>

#include "complaints/analytics/v1/analytics.pb.h"
#include "services/analytics/domain/rules.h"
#include "services/analytics/repository/facts.h"

namespace tousu::analytics {

namespace av1 = complaints::analytics::v1;

// Every figure of a summary but its year and month, from one scope's rollup of the month and the
// previous month's total.
void FillSummary(const Rollup& tally, int64_t previous, av1::MonthlySummary* out);

// The reader of a GetTrend metric other than "count" off a month's summary, or nullptr.
using TrendReader = std::function<double(const av1::MonthlySummary&)>;
const TrendReader* TrendReaderOf(const std::string& metric);

// The SLA compliance rate (0..1) of `dimension` ("sla_ack", ...) in a rollup; -1 when no outcome
// is known.
double SlaRateOf(const Rollup& counts, const std::string& dimension);

void ToProto(const AlertRow& a, av1::SpikeAlert* out);
void ToProto(const ReportRow& r, av1::MonthlyReport* out);

}  // namespace tousu::analytics
