#pragma once
// Pieces the readable forms of several areas share: deadlines with the time left, page footers,
// table sections.

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "complaints/common/v1/types.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "tools/tousuctl/table.h"

namespace tousu::ctl {

// Below a table with a "*" cell.
inline constexpr char kProvisionalNote[] =
    "* provisional: in a year whose holidays are not published yet (counted on weekends only).\n";

std::string YesNo(bool b);
std::string OnTime(bool on_time);

// How to fetch the next page, when there is one.
std::string NextPage(const complaints::common::v1::PageResponse& page);

// "2026-11-26 15:04 (42m left)" for a pending deadline, "(overdue 7m)" once it passed; a
// provisional one (a year whose holidays are not published) says so.
std::string Deadline(const google::protobuf::Timestamp& due, bool has, bool pending, absl::Time now,
                     bool provisional = false);

// The LEFT column of a list: time left, or "overdue 7m"; empty when nothing is pending.
std::string Left(const google::protobuf::Timestamp& due, bool has, bool pending, absl::Time now);

// A due time in a table cell: "2026-11-28 17:30", with " *" when provisional.
std::string DueCell(const google::protobuf::Timestamp& due, bool has, bool provisional);

// "\nTITLE\n" and the table, appended to `out` when the table has rows.
void Section(std::string* out, std::string_view title, const Table& t);

}  // namespace tousu::ctl
