#pragma once
// The notification service's settings (TOUSU_NOTIFICATION_*), read once at start-up.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "services/notification/channels/email_sender.h"
#include "services/notification/channels/sms_provider.h"
#include "services/notification/domain/delivery_rules.h"

namespace tousu::notification {

struct Settings {
  std::string templates_file;
  std::string intake_addr;
  std::string staff_assessment_addr;
  absl::Duration call_timeout = absl::Seconds(3);
  // Links in messages: <app_base_url>/complaints/<number>[/decision|/questionnaire].
  std::string app_base_url = "https://app.tousu.example";
  DeliveryPolicy policy;

  // A channel without its endpoint is off: its messages wait (and the backlog gauge shows them)
  // until it is configured.
  SmsProviderConfig sms;  // SMS_ENDPOINT, SMS_ACCESS_KEY_ID, SMS_SECRET_FILE, SMS_SIGN_NAME
  EmailConfig email;      // SMTP_URL, SMTP_USER, SMTP_PASSWORD_FILE, MAIL_FROM, MAIL_FROM_NAME
  std::string staff_webhook_url;  // STAFF_WEBHOOK_URL_FILE (a secret: robots' URLs carry a key)
  std::vector<std::string> management_emails;  // MANAGEMENT_EMAILS, comma-separated
  // COMPLAINT_OFFICE_DEPARTMENT: the complaint office; its supervisor is the complaint office
  // manager, alerted when a complaint waits in the supervisor queue too long.
  std::string complaint_office_department = "customer-service";

  absl::Duration plan_interval = absl::Milliseconds(500);
  absl::Duration send_interval = absl::Milliseconds(500);
  // How long a claimed delivery is left to its sender before another may try it (a sender that
  // died mid-send); an SMS is then first looked up at the provider by its OutId.
  absl::Duration send_lease = absl::Minutes(2);
  absl::Duration receipt_interval = absl::Seconds(30);
  absl::Duration retention = absl::Hours(24 * 365);

  // TEMPLATES_FILE (required), INTAKE_ADDR and STAFF_ASSESSMENT_ADDR (required), CALL_TIMEOUT
  // (3s), APP_BASE_URL, QUIET_HOURS ("22-8", "off"), DAILY_CAP (5, 0..100), MAX_ATTEMPTS (20,
  // 1..100), FIRST_BACKOFF (10s), MAX_BACKOFF (30m), PLAN_INTERVAL and SEND_INTERVAL (500ms),
  // SEND_LEASE (2m), RECEIPT_INTERVAL (30s), RETENTION (8760h), the channel settings above.
  static absl::StatusOr<Settings> FromConfig(const config::Config& cfg);
};

}  // namespace tousu::notification
