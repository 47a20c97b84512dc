#include "services/notification/settings.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tousu::notification {
namespace {

// A secret's file, trailing line breaks dropped; an error names the variable, never the content.
absl::StatusOr<std::string> ReadSecret(const config::Config& cfg, const std::string& key) {
  auto path = cfg.Get(key);
  if (!path || path->empty()) return std::string();
  std::ifstream in(*path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(cfg.VariableName(key) + ": cannot read the file");
  std::ostringstream out;
  out << in.rdbuf();
  std::string s = out.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

absl::Status ReadQuietHours(const config::Config& cfg, DeliveryPolicy& p) {
  const std::string v = cfg.GetOr("QUIET_HOURS", "22-8");
  if (v == "off") {
    p.quiet_start_hour = p.quiet_end_hour = 0;
    return absl::OkStatus();
  }
  std::vector<std::string> parts = absl::StrSplit(v, '-');
  int start = 0, end = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &start) ||
      !absl::SimpleAtoi(parts[1], &end) || start < 0 || start > 23 || end < 0 || end > 23) {
    return absl::InvalidArgumentError(cfg.VariableName("QUIET_HOURS") +
                                      " must be START-END hours (0-23), e.g. 22-8, or off");
  }
  p.quiet_start_hour = start;
  p.quiet_end_hour = end;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Settings> Settings::FromConfig(const config::Config& cfg) {
  Settings s;
  auto templates = cfg.Require("TEMPLATES_FILE");
  if (!templates.ok()) return templates.status();
  s.templates_file = *templates;
  auto intake = cfg.Require("INTAKE_ADDR");
  if (!intake.ok()) return intake.status();
  s.intake_addr = *intake;
  auto staff = cfg.Require("STAFF_ASSESSMENT_ADDR");
  if (!staff.ok()) return staff.status();
  s.staff_assessment_addr = *staff;
  auto timeout = cfg.PositiveDurationOr("CALL_TIMEOUT", s.call_timeout);
  if (!timeout.ok()) return timeout.status();
  s.call_timeout = *timeout;
  s.app_base_url = std::string(absl::StripSuffix(cfg.GetOr("APP_BASE_URL", s.app_base_url), "/"));

  DeliveryPolicy& p = s.policy;
  if (auto st = ReadQuietHours(cfg, p); !st.ok()) return st;
  auto cap = cfg.IntInRange("DAILY_CAP", p.daily_cap, 0, 100);
  if (!cap.ok()) return cap.status();
  p.daily_cap = static_cast<int>(*cap);
  auto attempts = cfg.IntInRange("MAX_ATTEMPTS", p.max_attempts, 1, 100);
  if (!attempts.ok()) return attempts.status();
  p.max_attempts = static_cast<int>(*attempts);
  auto first = cfg.PositiveDurationOr("FIRST_BACKOFF", p.first_backoff);
  if (!first.ok()) return first.status();
  p.first_backoff = *first;
  auto max = cfg.PositiveDurationOr("MAX_BACKOFF", p.max_backoff);
  if (!max.ok()) return max.status();
  p.max_backoff = *max;

  s.sms.endpoint = cfg.GetOr("SMS_ENDPOINT", "");
  s.sms.access_key_id = cfg.GetOr("SMS_ACCESS_KEY_ID", "");
  auto sms_secret = ReadSecret(cfg, "SMS_SECRET_FILE");
  if (!sms_secret.ok()) return sms_secret.status();
  s.sms.access_key_secret = *sms_secret;
  s.sms.sign_name = cfg.GetOr("SMS_SIGN_NAME", "投诉服务中心");
  if (!s.sms.endpoint.empty() && (s.sms.access_key_id.empty() || s.sms.access_key_secret.empty())) {
    return absl::InvalidArgumentError(cfg.VariableName("SMS_ENDPOINT") + " needs " +
                                      cfg.VariableName("SMS_ACCESS_KEY_ID") + " and " +
                                      cfg.VariableName("SMS_SECRET_FILE"));
  }

  s.email.smtp_url = cfg.GetOr("SMTP_URL", "");
  s.email.username = cfg.GetOr("SMTP_USER", "");
  auto smtp_password = ReadSecret(cfg, "SMTP_PASSWORD_FILE");
  if (!smtp_password.ok()) return smtp_password.status();
  s.email.password = *smtp_password;
  s.email.from_address = cfg.GetOr("MAIL_FROM", "notice@tousu.example");
  s.email.from_name = cfg.GetOr("MAIL_FROM_NAME", "投诉服务中心");
  s.email.message_id_domain = cfg.GetOr("MESSAGE_ID_DOMAIN", "tousu.example");

  auto webhook = ReadSecret(cfg, "STAFF_WEBHOOK_URL_FILE");
  if (!webhook.ok()) return webhook.status();
  s.staff_webhook_url = *webhook;
  s.complaint_office_department =
      cfg.GetOr("COMPLAINT_OFFICE_DEPARTMENT", s.complaint_office_department);
  if (s.complaint_office_department.empty()) {
    return absl::InvalidArgumentError("COMPLAINT_OFFICE_DEPARTMENT: empty");
  }
  for (absl::string_view e :
       absl::StrSplit(cfg.GetOr("MANAGEMENT_EMAILS", ""), ',', absl::SkipWhitespace())) {
    s.management_emails.emplace_back(absl::StripAsciiWhitespace(e));
  }

  for (auto [key, field] :
       {std::pair{"PLAN_INTERVAL", &s.plan_interval}, std::pair{"SEND_INTERVAL", &s.send_interval},
        std::pair{"SEND_LEASE", &s.send_lease}, std::pair{"RECEIPT_INTERVAL", &s.receipt_interval},
        std::pair{"RETENTION", &s.retention}}) {
    auto d = cfg.PositiveDurationOr(key, *field);
    if (!d.ok()) return d.status();
    *field = *d;
  }
  // A send in doubt is looked up at the provider under the day its lease ran out and, within
  // ten minutes of midnight, the day before: a longer lease could miss the day it went out.
  if (s.send_lease > absl::Minutes(10)) {
    return absl::InvalidArgumentError("SEND_LEASE: at most 10m");
  }
  return s;
}

}  // namespace tousu::notification
