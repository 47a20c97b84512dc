#pragma once
// The message templates (deploy/notification/templates.txt): parsed and checked once at start-up,
// rendered for every delivery. Format: see the comment at the top of that file.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/notification/domain/notice_kinds.h"

namespace tousu::notification {

struct ChannelTemplate {
  std::string provider_template;  // sms only
  std::string subject;            // email only
  std::string text;
};

struct KindTemplates {
  const NoticeKind* kind = nullptr;
  bool essential = true;
  bool urgent = false;
  std::string topic;
  std::map<std::string, ChannelTemplate> channels;  // "sms" -> ...
};

using Variables = std::map<std::string, std::string>;

struct RenderedMessage {
  std::string subject;
  std::string text;
  std::string provider_template;
  // The variables the SMS text uses, in order of first use: what the provider receives.
  std::vector<std::pair<std::string, std::string>> provider_params;
};

class TemplateSet {
 public:
  // Errors (INVALID_ARGUMENT) name the template ("[acknowledged.sms]") and the line: an unknown
  // section, key or variable, a missing key, a channel the audience cannot receive, a variable
  // its event does not offer.
  static absl::StatusOr<TemplateSet> Parse(absl::string_view text);
  static absl::StatusOr<TemplateSet> Load(const std::string& path);

  const KindTemplates* Find(absl::string_view kind) const;
  // The channels `kind` has a template for ("sms", "email", ...).
  std::vector<std::string> ChannelsOf(absl::string_view kind) const;
  // nullopt when `kind` has no template for `channel`. A variable with no value renders empty.
  std::optional<RenderedMessage> Render(absl::string_view kind, absl::string_view channel,
                                        const Variables& vars) const;

 private:
  std::map<std::string, KindTemplates, std::less<>> kinds_;
};

// The variable names `text` uses, in order of first use ("{number}" -> "number"); an unclosed or
// empty brace is an error naming `where`.
absl::StatusOr<std::vector<std::string>> TemplateVariables(absl::string_view text,
                                                           absl::string_view where);

}  // namespace tousu::notification
