#include "tools/tousuctl/render_audit.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/tousuctl/render_parts.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/time_text.h"

namespace tousu::ctl {

std::string RenderAuditTrail(const complaints::common::v1::GetAuditTrailResponse& response) {
  if (response.entries().empty()) return "No audit entries.\n";
  Table t({"WHEN (BEIJING)", "ACTOR", "ACTION", "FROM", "TO", "DETAIL", "REQUEST"});
  t.MaxWidth(5, 50);
  for (const auto& e : response.entries()) {
    // Seconds matter here: several steps of one complaint often fall in the same minute.
    t.AddRow({absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProto(e.occurred_at()), BeijingZone()),
              e.actor(), e.action(), e.from_state(), e.to_state(), e.detail(), e.request_id()});
  }
  return t.Render() + NextPage(response.page());
}

}  // namespace tousu::ctl
