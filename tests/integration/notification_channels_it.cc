// The channel senders against real sockets: an email through a local aiosmtpd into a Maildir,
// read back and decoded; refused connections and silent servers are "retry later" within the
// timeout. (The SMS provider and the webhook against a stand-in are tested with the service.)

#include <arpa/inet.h>
#include <gmime/gmime.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/notification/channels/email_sender.h"
#include "services/notification/channels/sms_provider.h"
#include "services/notification/channels/webhook_sender.h"
#include "tests/support/test_env.h"

namespace tousu::notification {
namespace {

namespace fs = std::filesystem;
using Outcome = SendResult::Outcome;

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// A local SMTP server (Debian's aiosmtpd) delivering into a Maildir of its own.
class MailSink {
 public:
  MailSink() {
    char pattern[] = "/tmp/tousu-mail-sink-XXXXXX";
    dir_ = mkdtemp(pattern);
    port_ = testing::FreePort();
    // ChildProcess runs a program without arguments: a script carries them. aiosmtpd is
    // importable only by the system Python.
    const std::string script = dir_ + "/smtp-sink.sh";
    std::ofstream(script) << "#!/bin/sh\nexec /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:"
                          << port_ << " -c aiosmtpd.handlers.Mailbox " << maildir() << "\n";
    fs::permissions(script, fs::perms::owner_all);
    process_ = std::make_unique<testing::ChildProcess>(script, std::map<std::string, std::string>{},
                                                       dir_ + "/smtp-sink.log");
    const absl::Time until = absl::Now() + absl::Seconds(20);
    while (!Accepts(port_) && process_->running() && absl::Now() < until) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
  ~MailSink() {
    process_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  bool up() { return Accepts(port_); }
  std::string url() const { return absl::StrCat("smtp://127.0.0.1:", port_); }
  std::string maildir() const { return dir_ + "/Maildir"; }

  // The delivered messages, as stored.
  std::vector<std::string> Messages() const {
    std::vector<std::string> out;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(maildir() + "/new", ignored)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      out.push_back(content.str());
    }
    return out;
  }

 private:
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<testing::ChildProcess> process_;
};

// A TCP port that accepts connections (the kernel completes them from the backlog) and never
// says a word: a hung server.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 16);
    socklen_t length = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

struct GMimeDeleter {
  void operator()(gpointer p) const { g_object_unref(p); }
};

std::unique_ptr<GMimeMessage, GMimeDeleter> Parse(const std::string& raw) {
  EnsureGMimeInitialized();
  GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  std::unique_ptr<GMimeMessage, GMimeDeleter> message(
      g_mime_parser_construct_message(parser, nullptr));
  g_object_unref(parser);
  g_object_unref(stream);
  return message;
}

EmailConfig Config(const std::string& url) {
  EmailConfig config;
  config.smtp_url = url;
  config.from_address = "noreply@tousu.example";
  config.from_name = "某某地产客服中心";
  config.message_id_domain = "notify.tousu.example";
  config.timeout = absl::Seconds(10);
  return config;
}

OutgoingMessage Email() {
  OutgoingMessage m;
  m.delivery_id = "it-0001";
  m.address = "kunde@example.com";
  m.recipient_name = "张三";
  m.subject = "您的投诉 TS-202612-000123 已受理";
  m.text = "尊敬的客户：\n\n您的投诉 TS-202612-000123 已受理。\n.\n..以点开头的一行\n\n某某地产";
  m.unsubscribe_url = "https://tousu.example/unsubscribe?t=abc";
  return m;
}

TEST(EmailSenderIt, AnEmailArrivesInTheMailboxWithSubjectAndBodyDecoded) {
  MailSink sink;
  ASSERT_TRUE(sink.up()) << "aiosmtpd did not start (python3-aiosmtpd for /usr/bin/python3)";
  EmailSender sender(Config(sink.url()));
  const SendResult result = sender.Send(Email());
  ASSERT_EQ(result.outcome, Outcome::kAccepted) << result.error;
  EXPECT_EQ(result.provider_id, "notification-it-0001@notify.tousu.example");
  EXPECT_GT(result.latency, absl::ZeroDuration());

  const std::vector<std::string> messages = sink.Messages();
  ASSERT_EQ(messages.size(), 1u);
  auto m = Parse(messages[0]);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(g_mime_message_get_subject(m.get()), Email().subject);
  GMimeObject* part = g_mime_message_get_mime_part(m.get());
  ASSERT_TRUE(part != nullptr && GMIME_IS_TEXT_PART(part));
  char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
  // Lines starting with '.' survive SMTP's dot-stuffing; line ends are the transport's business.
  EXPECT_EQ(absl::StrReplaceAll(text, {{"\r\n", "\n"}}), Email().text);
  g_free(text);
  EXPECT_STREQ(g_mime_message_get_message_id(m.get()), "notification-it-0001@notify.tousu.example");
  EXPECT_STREQ(g_mime_object_get_header(GMIME_OBJECT(m.get()), "Auto-Submitted"), "auto-generated");
  EXPECT_STREQ(g_mime_object_get_header(GMIME_OBJECT(m.get()), "List-Unsubscribe"),
               "<https://tousu.example/unsubscribe?t=abc>");
  // The envelope, as the sink recorded it.
  EXPECT_STREQ(g_mime_object_get_header(GMIME_OBJECT(m.get()), "X-MailFrom"),
               "noreply@tousu.example");
  EXPECT_STREQ(g_mime_object_get_header(GMIME_OBJECT(m.get()), "X-RcptTo"), "kunde@example.com");
}

TEST(EmailSenderIt, ARefusedConnectionIsRetriedLater) {
  EmailSender sender(Config(absl::StrCat("smtp://127.0.0.1:", testing::FreePort())));
  const SendResult result = sender.Send(Email());
  EXPECT_EQ(result.outcome, Outcome::kRetryLater);
  EXPECT_EQ(result.error, "connect failed");
}

TEST(EmailSenderIt, ASilentServerIsRetriedLaterOnceTheTimeoutPasses) {
  SilentServer server;
  EmailConfig config = Config(absl::StrCat("smtp://127.0.0.1:", server.port()));
  config.timeout = absl::Milliseconds(500);
  EmailSender sender(config);
  const absl::Time start = absl::Now();
  const SendResult result = sender.Send(Email());
  EXPECT_EQ(result.outcome, Outcome::kRetryLater);
  EXPECT_EQ(result.error, "timeout");
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST(HttpSendersIt, ARefusedConnectionIsRetriedLater) {
  const std::string url = absl::StrCat("http://127.0.0.1:", testing::FreePort(), "/");
  WebhookSender webhook;
  OutgoingMessage chat;
  chat.delivery_id = "w-1";
  chat.address = url + "cgi-bin/webhook/send?key=k";
  chat.text = "投诉 TS-1 即将超时";
  SendResult result = webhook.Send(chat);
  EXPECT_EQ(result.outcome, Outcome::kRetryLater);
  EXPECT_EQ(result.error, "connect failed");

  SmsProviderConfig config;
  config.endpoint = url;
  config.access_key_id = "id";
  config.access_key_secret = "secret";
  config.sign_name = "某某地产";
  SmsProvider sms(config);
  OutgoingMessage text;
  text.delivery_id = "s-1";
  text.address = "13800138000";
  text.provider_template = "SMS_1";
  result = sms.Send(text);
  EXPECT_EQ(result.outcome, Outcome::kRetryLater);
  EXPECT_EQ(result.error, "connect failed");
  EXPECT_TRUE(absl::IsUnavailable(sms.QueryReceipt("13800138000", "b", absl::Now()).status()));
}

TEST(HttpSendersIt, ASilentServerIsRetriedLaterOnceTheTimeoutPasses) {
  SilentServer server;
  WebhookSender webhook(WebhookConfig{absl::Milliseconds(500)});
  OutgoingMessage chat;
  chat.delivery_id = "w-2";
  chat.address = absl::StrCat("http://127.0.0.1:", server.port(), "/hook");
  chat.text = "x";
  const absl::Time start = absl::Now();
  const SendResult result = webhook.Send(chat);
  EXPECT_EQ(result.outcome, Outcome::kRetryLater);
  EXPECT_EQ(result.error, "timeout");
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_GE(result.latency, absl::Milliseconds(400));
}

}  // namespace
}  // namespace tousu::notification
