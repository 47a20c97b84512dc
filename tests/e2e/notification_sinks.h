#pragma once
// What the notification end-to-end tests read from the outside world's stand-ins: the SMS
// provider and staff chat robot (tests/support/provider_standin.py, over its /__ endpoints) and
// the mail sink (Debian's aiosmtpd writing a Maildir), and how they start them.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"

namespace tousu::e2e {

inline bool Eventually(const std::function<bool()>& check,
                       absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time until = absl::Now() + timeout;
  while (absl::Now() < until) {
    if (check()) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return check();
}

inline bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// A child process with arguments: ChildProcess runs a file, so each gets a small script.
inline std::unique_ptr<testing::ChildProcess> RunScript(const std::string& dir,
                                                        const std::string& name,
                                                        const std::string& command) {
  const std::string path = dir + "/" + name + ".sh";
  std::ofstream(path) << "#!/bin/sh\nexec " << command << "\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return std::make_unique<testing::ChildProcess>(path, std::map<std::string, std::string>{},
                                                 dir + "/" + name + ".log");
}

// The SMS messages the provider accepted, as "phone|text" in arrival order.
inline std::vector<std::string> SmsReceived(int port, const std::string& phone) {
  google::protobuf::ListValue list;
  const std::string body = testing::HttpGet(port, "/__messages");
  if (!google::protobuf::util::JsonStringToMessage(body, &list).ok()) return {};
  std::vector<std::string> out;
  for (const auto& v : list.values()) {
    const auto& f = v.struct_value().fields();
    if (f.at("phone").string_value() == phone) out.push_back(f.at("text").string_value());
  }
  return out;
}

inline std::vector<std::string> Webhooks(int port) {
  google::protobuf::ListValue list;
  if (!google::protobuf::util::JsonStringToMessage(testing::HttpGet(port, "/__webhooks"), &list)
           .ok()) {
    return {};
  }
  std::vector<std::string> out;
  for (const auto& v : list.values()) {
    out.push_back(v.struct_value().fields().at("content").string_value());
  }
  return out;
}

// A stored mail with its RFC 2047 words and base64 body decoded, for searching: the raw headers,
// the decoded words and the decoded body, one after another.
inline std::string Decoded(const std::string& raw) {
  const size_t split =
      raw.find("\r\n\r\n") != std::string::npos ? raw.find("\r\n\r\n") : raw.find("\n\n");
  std::string headers = raw.substr(0, split), out = headers;
  for (size_t at = 0; (at = headers.find("=?", at)) != std::string::npos;) {
    const size_t b = headers.find("?b?", at) != std::string::npos &&
                             headers.find("?b?", at) < headers.find("?=", at + 2)
                         ? headers.find("?b?", at)
                         : headers.find("?B?", at);
    const size_t end = headers.find("?=", b + 3);
    if (b == std::string::npos || end == std::string::npos) break;
    std::string word;
    absl::Base64Unescape(headers.substr(b + 3, end - b - 3), &word);
    absl::StrAppend(&out, "\n", word);
    at = end + 2;
  }
  if (split != std::string::npos &&
      absl::StrContains(headers, "Content-Transfer-Encoding: base64")) {
    std::string body, text;
    for (char c : raw.substr(split)) {
      if (c != '\r' && c != '\n') body.push_back(c);
    }
    absl::Base64Unescape(body, &text);
    absl::StrAppend(&out, "\n", text);
  } else if (split != std::string::npos) {
    absl::StrAppend(&out, raw.substr(split));
  }
  return out;
}

// Every message in the Maildir, decoded (see Decoded).
inline std::vector<std::string> Mails(const std::string& maildir) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(maildir + "/new")) return out;
  for (const auto& entry : std::filesystem::directory_iterator(maildir + "/new")) {
    std::ifstream in(entry.path());
    std::ostringstream s;
    s << in.rdbuf();
    out.push_back(Decoded(s.str()));
  }
  return out;
}

inline int MailsContaining(const std::string& maildir, const std::vector<std::string>& needles) {
  int n = 0;
  for (const auto& m : Mails(maildir)) {
    bool all = true;
    for (const auto& needle : needles) all = all && absl::StrContains(m, needle);
    n += all ? 1 : 0;
  }
  return n;
}

// One SMS the provider accepted: OutId (the delivery id), the BizId it answered, the phone and the
// text the phone shows.
struct ProviderSms {
  std::string out_id, biz_id, phone, text;
};

// Every SMS the provider accepted, in arrival order; nullopt when the stand-in did not answer.
inline std::optional<std::vector<ProviderSms>> ProviderMessages(int port) {
  google::protobuf::ListValue list;
  const std::string body = testing::HttpGet(port, "/__messages");
  if (body.empty() || !google::protobuf::util::JsonStringToMessage(body, &list).ok()) {
    return std::nullopt;
  }
  std::vector<ProviderSms> out;
  for (const auto& v : list.values()) {
    const auto& f = v.struct_value().fields();
    auto text = [&f](const char* key) {
      auto it = f.find(key);
      return it == f.end() ? std::string() : it->second.string_value();
    };
    out.push_back({text("out_id"), text("biz_id"), text("phone"), text("text")});
  }
  return out;
}

// One of the provider's counters (/__stats: send_requests, duplicates — a SendSms whose OutId was
// accepted before, sent again (or with --dedupe-out-id answered with the first BizId) — ...); -1
// when unreadable.
inline int ProviderStat(int port, const std::string& name) {
  google::protobuf::Struct stats;
  const std::string body = testing::HttpGet(port, "/__stats");
  if (body.empty() || !google::protobuf::util::JsonStringToMessage(body, &stats).ok()) return -1;
  auto it = stats.fields().find(name);
  return it == stats.fields().end() ? -1 : static_cast<int>(it->second.number_value());
}

// POST /__control (e.g. {"delay_ms": 20}, {"clear": true}); the HTTP status.
inline int ControlProviderStandIn(int port, const std::string& json) {
  testing::HttpCall call;
  call.target = "/__control";
  call.headers = {{"Content-Type", "application/json"}};
  call.body = json;
  return testing::SendHttp(port, call).status;
}

// The provider stand-in on `port`, keeping its records in `dir`, checking signatures with
// access key id `access_key_id` and the secret in `secret_file`, rendering the shipped templates
// (TOUSU_SOURCE_DIR: a compile definition of the including test).
inline std::unique_ptr<testing::ChildProcess> StartProviderStandIn(const std::string& dir, int port,
                                                                   const std::string& access_key_id,
                                                                   const std::string& secret_file) {
  const std::string source = TOUSU_SOURCE_DIR;
  return RunScript(dir, "provider",
                   absl::StrCat("/usr/bin/python3 ", source, "/tests/support/provider_standin.py",
                                " --port ", port, " --state-dir ", dir, " --access-key-id ",
                                access_key_id, " --access-key-secret-file ", secret_file,
                                " --templates ", source, "/deploy/notification/templates.txt"));
}

}  // namespace tousu::e2e
