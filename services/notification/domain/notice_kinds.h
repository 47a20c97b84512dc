#pragma once
// The notices the service knows: for each event name (a section of the templates file), who it is
// for and which variables its templates may use. The variable lists are also the personal-data
// rule: only customer notices are offered the customer's name, and no notice is offered a phone
// number or an email address.

#include <string>
#include <string_view>
#include <vector>

namespace tousu::notification {

enum class Audience { kCustomer, kStaff };

struct NoticeKind {
  std::string name;  // "solution_proposed"
  Audience audience;
  std::vector<std::string> variables;
};

// Every kind, in the order of a complaint's life.
const std::vector<NoticeKind>& NoticeKinds();
// nullptr for an unknown name.
const NoticeKind* FindNoticeKind(std::string_view name);

// Channels as written in the templates file and the delivery rows.
inline constexpr char kSms[] = "sms";
inline constexpr char kEmail[] = "email";
inline constexpr char kInApp[] = "in_app";
inline constexpr char kWebhook[] = "webhook";

}  // namespace tousu::notification
