#pragma once
// Complaint numbers: "TS-YYYYMM-NNNNNN", the month of receipt in Asia/Shanghai and a counter
// within that month (§4.2 "a stable, human-readable number"). The counter comes from the
// database (repository/), shared by every replica; it has at least six digits and simply grows a
// seventh if a month ever passes 999999, so a number is never refused.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace tousu::intake {

// "202611": the month `t` falls in, in Asia/Shanghai.
std::string MonthOfReceipt(absl::Time t);
// "TS-202611-000123". `sequence` >= 1.
std::string FormatNumber(std::string_view month, int64_t sequence);
// OK for a well-formed number (month 01-12, counter of 6-9 digits and not zero); otherwise
// INVALID_ARGUMENT naming `field`. Says nothing about whether it was ever issued.
absl::Status CheckNumber(std::string_view field, std::string_view number);

}  // namespace tousu::intake
