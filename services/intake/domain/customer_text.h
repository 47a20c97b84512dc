#pragma once
// Words for the customer's timeline: departments' text made safe to store and show, quotations of
// it, and times and durations as a customer in China reads them.

#include <cstddef>
#include <string>

#include "absl/time/time.h"

namespace tousu::intake {

// Longest customer-meant text (a contact's message, a solution, a result) quoted in a timeline
// summary, and kept on the record (solution, resolution), in characters.
inline constexpr size_t kMaxQuotedChars = 200;
inline constexpr size_t kMaxRecordTextChars = 4000;

// Said after a deadline computed without next year's published holidays.
inline constexpr char kProvisionalNote[] = "（该日期按周末推算，待节假日安排公布后可能调整）";

// Text a department wrote for the customer, made safe to store and show: valid UTF-8 (invalid
// bytes become U+FFFD), no control characters (line breaks and tabs kept, or made spaces when
// `one_line`), at most `max_chars` characters (the last one "…" when shortened). Sets `*repaired`
// when anything had to change.
std::string CustomerText(const std::string& bytes, size_t max_chars, bool one_line, bool* repaired);

// "：<text>" quoting a department's words in a summary (one line, at most kMaxQuotedChars), or ""
// when there are none.
std::string Quote(const std::string& bytes, bool* repaired);

// "2026-11-26 15:04（北京时间）".
std::string CustomerTime(absl::Time t);

// "1小时", "30分钟", "1小时30分钟", "45秒": a policy's window as the customer reads it.
std::string CustomerDuration(absl::Duration d);

}  // namespace tousu::intake
