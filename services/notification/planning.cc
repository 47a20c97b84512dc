// Planning: who a notice reaches (intake, the staff directory) and its deliveries per channel.

#include <openssl/sha.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/auth/caller.h"
#include "common/client/channel.h"
#include "common/log/log.h"
#include "common/log/mask.h"
#include "common/time/proto_time.h"
#include "complaints/analytics/v1/events.pb.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/followup/v1/events.pb.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/notification/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/notification/channels/email_sender.h"
#include "services/notification/channels/sms_provider.h"
#include "services/notification/channels/webhook_sender.h"
#include "services/notification/domain/event_notices.h"
#include "services/notification/notification_service.h"
#include "services/notification/service_support.h"

namespace tousu::notification {

namespace iv1 = complaints::intake::v1;
using server::RunUnary;

// ---- planning -------------------------------------------------------------------------------

absl::StatusOr<std::string> NotificationService::DepartmentName(const std::string& department_id) {
  if (department_id.empty()) return std::string();
  auto dept = directory_.GetDepartment(department_id);
  if (dept.ok()) return dept->name();
  if (absl::IsNotFound(dept.status())) return department_id;
  return dept.status();
}

absl::StatusOr<NotificationService::Recipient> NotificationService::ResolveCustomer(
    const NoticeRow& notice) {
  Recipient r;
  iv1::GetComplaintRequest req;
  req.set_number(notice.number);
  iv1::GetComplaintResponse resp;
  auto call = client::NewCallContext(settings_.call_timeout);
  const grpc::Status s = intake_->GetComplaint(call.get(), req, &resp);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
      s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return r;  // nobody to tell
  }
  if (!s.ok()) return absl::UnavailableError(absl::StrCat("intake: code ", s.error_code()));
  const auto& input = resp.complaint().input();
  r.found = true;
  r.name = input.customer_name();
  r.mobile = MobileDigits(input.customer_phone());
  r.email = input.customer_email();
  r.customer_id = input.customer_id();
  if (!r.mobile.empty()) r.phone_key = Sha256Hex(r.mobile);
  const std::string link = absl::StrCat(settings_.app_base_url, "/complaints/", notice.number);
  r.variables = {{"customer_name", r.name},
                 {"app_link", link},
                 {"decision_link", link + "/decision"},
                 {"questionnaire_link", link + "/questionnaire"}};
  if (auto it = notice.variables.find("department_id"); it != notice.variables.end()) {
    auto name = DepartmentName(it->second);
    if (!name.ok()) return name.status();
    r.variables["department_name"] = *name;
  }
  return r;
}

absl::StatusOr<NotificationService::Recipient> NotificationService::ResolveStaff(
    const NoticeRow& notice) {
  Recipient r;
  if (notice.recipient == kManagementRecipient) {  // the chat robot only
    r.found = channels_.senders.contains(kWebhook);
    r.name = "管理层";
    r.variables["staff_name"] = r.name;
    return r;
  }
  if (absl::StartsWith(notice.recipient, std::string(kManagementRecipient) + ":")) {
    r.found = true;  // one address of the management list: email only
    r.name = "管理层";
    r.email = notice.recipient.substr(sizeof(kManagementRecipient));
    r.management_member = true;
    r.variables["staff_name"] = r.name;
    return r;
  }
  const bool office_manager = notice.recipient == kOfficeManagerRecipient;
  const size_t colon = notice.recipient.find(':');
  const std::string how = office_manager ? "supervisor" : notice.recipient.substr(0, colon);
  const std::string ref =
      office_manager ? settings_.complaint_office_department : notice.recipient.substr(colon + 1);
  std::string staff_id;
  if (how == "staff") {
    staff_id = ref;
  } else if (how == "supervisor" || how == "lead_of") {
    std::string department_id = ref;
    if (how == "lead_of") {
      auto member = directory_.GetStaff(ref);
      if (absl::IsNotFound(member.status())) return r;
      if (!member.ok()) return member.status();
      department_id = member->department_id();
    }
    auto dept = directory_.GetDepartment(department_id);
    if (absl::IsNotFound(dept.status())) return r;
    if (!dept.ok()) return dept.status();
    staff_id = dept->supervisor_staff_id();
  }
  if (staff_id.empty()) return r;  // a department without a supervisor: logged by the caller
  auto staff = directory_.GetStaff(staff_id);
  if (absl::IsNotFound(staff.status())) return r;
  if (!staff.ok()) return staff.status();
  r.found = true;
  r.name = staff->name();
  r.email = staff->email();
  r.variables["staff_name"] = r.name;
  if (auto it = notice.variables.find("department_id"); it != notice.variables.end()) {
    auto name = DepartmentName(it->second);
    if (!name.ok()) return name.status();
    r.variables["department_name"] = *name;
  }
  if (auto it = notice.variables.find("agent_id"); it != notice.variables.end()) {
    auto agent = directory_.GetStaff(it->second);
    r.variables["agent_name"] = agent.ok() ? agent->name() : it->second;
  }
  return r;
}

absl::StatusOr<NotificationService::Recipient> NotificationService::Resolve(
    const NoticeRow& notice) {
  if (notice.recipient == kCustomerRecipient) return ResolveCustomer(notice);
  return ResolveStaff(notice);
}

void NotificationService::PlanOne(db::Transaction& tx, const NoticeRow& notice,
                                  const Recipient& recipient) {
  const absl::Time now = Now();
  MarkPlanned(tx, notice.id, now, recipient.customer_id, recipient.phone_key);
  const KindTemplates* meta = templates_.Find(notice.kind);
  if (!recipient.found || meta == nullptr) {
    log::Warn("notice has nobody to reach", {{"kind", notice.kind}, {"number", notice.number}});
    return;
  }
  Variables vars = notice.variables;
  for (const auto& [k, v] : recipient.variables) vars[k] = v;
  const bool customer = meta->kind->audience == Audience::kCustomer;

  CustomerPreferences prefs;
  int sent_today = 0;
  if (customer && !recipient.phone_key.empty()) {
    if (auto stored = LoadPreferences(tx, recipient.phone_key)) prefs = *stored;
    sent_today = CountNonEssentialSince(tx, recipient.phone_key, BeijingDayStart(now));
  }
  for (const auto& channel : templates_.ChannelsOf(notice.kind)) {
    auto rendered = templates_.Render(notice.kind, channel, vars);
    DeliveryRow d;
    d.notice_id = notice.id;
    d.channel = channel;
    d.recipient_name = recipient.name;
    d.subject = rendered->subject;
    d.body = rendered->text;
    d.provider_template = rendered->provider_template;
    d.provider_params = rendered->provider_params;
    d.essential = meta->essential;
    d.created_at = now;
    d.state = kPending;
    d.next_attempt_at = customer ? EarliestSend(settings_.policy, now, meta->urgent) : now;
    if (channel == kSms) d.address = recipient.mobile;
    if (channel == kEmail) d.address = recipient.email;
    if (channel == kWebhook) {
      if (!channels_.senders.contains(kWebhook)) continue;  // no chat robot configured
      d.address = kStaffWebhookAddress;
    }
    if (channel == kInApp) {
      d.state = kSent;
      d.sent_at = now;
    } else if (customer) {
      const std::string why = CustomerSuppression(settings_.policy, prefs, channel, meta->essential,
                                                  !d.address.empty(), sent_today);
      if (why == "channel_off" || why == "no_address") continue;  // nothing to record
      if (!why.empty()) {
        d.state = kSuppressed;
        d.suppressed_reason = why;
        deliveries_.With({channel, notice.kind, "suppressed"}).Increment();
      } else if (!meta->essential) {
        ++sent_today;
      }
    } else if (channel == kEmail && d.address.empty()) {
      continue;  // a staff member without an email address: the webhook still names them
    }
    if (channel == kWebhook && recipient.management_member) continue;  // once, on "management"
    InsertDelivery(tx, d);
  }
}

absl::StatusOr<int> NotificationService::PlanPending() {
  // One pass at a time in a process: passes triggered by a burst of events would otherwise all
  // resolve the same notices and throw the work away.
  std::unique_lock<std::mutex> single(plan_mu_, std::try_to_lock);
  if (!single.owns_lock()) return 0;
  std::vector<NoticeRow> notices;
  auto s = db::RunInTransaction(rt_.pool(),
                                [&](db::Transaction& tx) {
                                  notices = UnplannedNotices(tx, Now(), kPlanBatch);
                                  return absl::OkStatus();
                                },
                                {.read_committed = true});
  if (!s.ok()) return s;
  int planned = 0;
  for (const auto& notice : notices) {
    // Names and addresses are asked for outside any transaction: no connection waits on a peer.
    auto recipient = Resolve(notice);
    if (!recipient.ok()) {
      int attempts = 0;
      s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
        attempts = DeferPlanning(tx, notice.id, Now());
        return absl::OkStatus();
      });
      if (!s.ok()) return s;
      log::Warn("notice waits: its recipient cannot be resolved now",
                {{"kind", notice.kind},
                 {"attempts", attempts},
                 {"error", recipient.status().ToString()}});
      continue;
    }
    s = db::RunInTransaction(rt_.pool(), [&](db::Transaction& tx) {
      auto locked = LockNotice(tx, notice.id);
      if (!locked || locked->planned) return absl::OkStatus();  // another replica did it
      PlanOne(tx, *locked, *recipient);
      ++planned;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  // The senders' own periodic passes pick the new deliveries up: a slow mail server never holds
  // the threads that answer RPCs.
  RefreshBacklogGauges();
  return planned;
}

void NotificationService::RefreshBacklogGauges() {
  std::vector<PendingStats> stats;
  int64_t unplanned = 0;
  const absl::Time now = Now();
  auto s = db::RunInTransaction(rt_.pool(),
                                [&](db::Transaction& tx) {
                                  stats = PendingByChannel(tx, now);
                                  unplanned = CountUnplanned(tx);
                                  return absl::OkStatus();
                                },
                                {.read_committed = true});
  if (!s.ok()) return;
  unplanned_.With({}).Set(static_cast<double>(unplanned));
  for (const char* channel : {kSms, kEmail, kWebhook, kInApp}) {
    double pending = 0, oldest = 0;
    for (const auto& st : stats) {
      if (st.channel != channel) continue;
      pending = static_cast<double>(st.pending);
      if (st.oldest) oldest = std::max(0.0, absl::ToDoubleSeconds(now - *st.oldest));
    }
    pending_.With({channel}).Set(pending);
    oldest_pending_.With({channel}).Set(oldest);
  }
}

}  // namespace tousu::notification
