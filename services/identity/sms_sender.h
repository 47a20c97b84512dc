#pragma once
// How sign-in codes leave the service. The development sender appends one JSON line per code to a
// file (TOUSU_IDENTITY_SMS_OUTBOX_FILE), which local stacks and tests read codes from:
//   {"at":"2026-12-07T10:00:00Z","phone":"13800138000","code":"123456","purpose":"sign_in"}
// A real SMS gateway is another implementation of the same one method; without either,
// NoSmsSender refuses every send.

#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace tousu::identity {

struct SmsCode {
  std::string phone;  // 11 digits
  std::string code;
  std::string purpose;  // "sign_in"
  absl::Time at;
};

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  // OK once the message is handed over; UNAVAILABLE (or another error) when it was not.
  virtual absl::Status Send(const SmsCode& message) = 0;
};

class FileSmsSender final : public SmsSender {
 public:
  explicit FileSmsSender(std::string path);
  absl::Status Send(const SmsCode& message) override;

 private:
  const std::string path_;
  std::mutex mu_;  // one whole line at a time
};

// Where no SMS provider is configured: every send is UNAVAILABLE (and counted as send_failed,
// which alerts), so customers are told to retry rather than wait for a code that never comes.
class NoSmsSender final : public SmsSender {
 public:
  NoSmsSender();
  absl::Status Send(const SmsCode& message) override;
};

// The JSON line FileSmsSender writes for `message`, newline included.
std::string SmsOutboxLine(const SmsCode& message);

}  // namespace tousu::identity
