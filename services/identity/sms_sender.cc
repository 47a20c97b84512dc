#include "services/identity/sms_sender.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace tousu::identity {

std::string SmsOutboxLine(const SmsCode& m) {
  return absl::StrCat(
      "{\"at\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", m.at, absl::UTCTimeZone()),
      "\",\"phone\":\"", log::JsonEscape(m.phone), "\",\"code\":\"", log::JsonEscape(m.code),
      "\",\"purpose\":\"", log::JsonEscape(m.purpose), "\"}\n");
}

FileSmsSender::FileSmsSender(std::string path) : path_(std::move(path)) {
  log::Warn("development SMS sender: sign-in codes are written to a file, not sent",
            {{"file", path_}});
}

absl::Status FileSmsSender::Send(const SmsCode& message) {
  const std::string line = SmsOutboxLine(message);
  std::lock_guard<std::mutex> lock(mu_);
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    log::Error("SMS outbox file cannot be opened", {{"errno", errno}});
    return absl::UnavailableError("the SMS gateway is unavailable");
  }
  // One write of the whole line: readers never see half of one.
  const ssize_t written = ::write(fd, line.data(), line.size());
  const int write_errno = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(line.size())) {
    log::Error("SMS outbox file cannot be written", {{"errno", write_errno}});
    return absl::UnavailableError("the SMS gateway is unavailable");
  }
  return absl::OkStatus();
}

NoSmsSender::NoSmsSender() {
  log::Error("no SMS sender configured: sign-in codes cannot be sent",
             {{"setting", "SMS_OUTBOX_FILE"}});
}

absl::Status NoSmsSender::Send(const SmsCode&) {
  return absl::UnavailableError("no SMS sender is configured");
}

}  // namespace tousu::identity
