#include "tools/tousuctl/render_parts.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/tousuctl/strings.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {

std::string YesNo(bool b) { return b ? "yes" : "no"; }

std::string OnTime(bool on_time) { return on_time ? "on time" : "late"; }

std::string NextPage(const complaints::common::v1::PageResponse& page) {
  if (page.next_page_token().empty()) return "";
  return absl::StrCat("More: add --page-token ", page.next_page_token(),
                      " for the next page (or --all for every page).\n");
}

std::string Deadline(const google::protobuf::Timestamp& due, bool has, bool pending, absl::Time now,
                     bool provisional) {
  if (!has) return "";
  std::string text = FormatBeijing(due);
  std::vector<std::string> notes;
  if (provisional) notes.push_back("provisional");
  if (pending) {
    const absl::Duration left = FromProto(due) - now;
    notes.push_back(left < absl::ZeroDuration() ? FormatRemaining(left)
                                                : absl::StrCat(FormatRemaining(left), " left"));
  }
  if (!notes.empty()) absl::StrAppend(&text, " (", absl::StrJoin(notes, ", "), ")");
  return text;
}

std::string Left(const google::protobuf::Timestamp& due, bool has, bool pending, absl::Time now) {
  if (!has || !pending) return "";
  return FormatRemaining(FromProto(due) - now);
}

std::string DueCell(const google::protobuf::Timestamp& due, bool has, bool provisional) {
  if (!has) return "";
  return provisional ? absl::StrCat(FormatBeijing(due), " *") : FormatBeijing(due);
}

void Section(std::string* out, std::string_view title, const Table& t) {
  if (t.rows() == 0) return;
  absl::StrAppend(out, "\n", ToAbsl(title), "\n", t.Render());
}

}  // namespace tousu::ctl
