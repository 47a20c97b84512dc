#include "services/notification/domain/templates.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tousu::notification {
namespace {

bool IsVariableChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

bool ChannelAllowed(Audience audience, absl::string_view channel) {
  if (audience == Audience::kCustomer) {
    return channel == kSms || channel == kEmail || channel == kInApp;
  }
  // Staff are alerted by email and in their chat tool; SMS templates are registered for
  // customers' messages only.
  return channel == kEmail || channel == kWebhook;
}

absl::Status Invalid(int line, absl::string_view section, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("templates line ", line, " [", section, "]: ", what));
}

std::vector<std::string> RequiredKeys(absl::string_view channel) {
  if (channel == kSms) return {"provider_template", "text"};
  if (channel == kEmail) return {"subject", "text"};
  return {"text"};
}

}  // namespace

absl::StatusOr<std::vector<std::string>> TemplateVariables(absl::string_view text,
                                                           absl::string_view where) {
  std::vector<std::string> names;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') return absl::InvalidArgumentError(absl::StrCat(where, ": a lone '}'"));
    if (text[i] != '{') continue;
    const size_t close = text.find('}', i + 1);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": '{' without '}'"));
    }
    absl::string_view name = text.substr(i + 1, close - i - 1);
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsVariableChar)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": '{", name, "}' is not a variable name"));
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
    i = close;
  }
  return names;
}

absl::StatusOr<TemplateSet> TemplateSet::Parse(absl::string_view text) {
  TemplateSet set;
  std::string section;  // "kind" or "kind.channel"
  // Where each section started, for the completeness checks at the end.
  std::map<std::string, int> section_lines;
  std::map<std::string, std::map<std::string, std::string>> values;
  int line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return Invalid(line_no, line, "a section line must end with ']'");
      section = std::string(line.substr(1, line.size() - 2));
      if (section_lines.contains(section)) return Invalid(line_no, section, "defined twice");
      section_lines[section] = line_no;
      continue;
    }
    if (section.empty()) return Invalid(line_no, "", "a key before the first section");
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) return Invalid(line_no, section, "expected key = value");
    std::string key(absl::StripAsciiWhitespace(line.substr(0, eq)));
    std::string value(absl::StripAsciiWhitespace(line.substr(eq + 1)));
    value = absl::StrReplaceAll(value, {{"\\n", "\n"}});
    if (values[section].contains(key)) return Invalid(line_no, section, key + " given twice");
    values[section][key] = std::move(value);
  }

  // Meta sections first, so channel sections can be checked against their kind.
  for (const auto& [name, line] : section_lines) {
    if (name.find('.') != std::string::npos) continue;
    const NoticeKind* kind = FindNoticeKind(name);
    if (kind == nullptr) return Invalid(line, name, "no such event");
    KindTemplates meta;
    meta.kind = kind;
    for (const auto& [key, value] : values[name]) {
      if (key == "audience") {
        const std::string expected = kind->audience == Audience::kCustomer ? "customer" : "staff";
        if (value != expected) return Invalid(line, name, "audience must be " + expected);
      } else if (key == "essential" || key == "urgent") {
        if (value != "yes" && value != "no") return Invalid(line, name, key + " must be yes or no");
        (key == "essential" ? meta.essential : meta.urgent) = value == "yes";
      } else if (key == "topic") {
        meta.topic = value;
      } else {
        return Invalid(line, name, "unknown key " + key);
      }
    }
    for (const char* key : {"audience", "essential", "urgent", "topic"}) {
      if (!values[name].contains(key)) return Invalid(line, name, absl::StrCat("missing ", key));
    }
    set.kinds_[name] = std::move(meta);
  }
  for (const auto& [name, line] : section_lines) {
    const size_t dot = name.find('.');
    if (dot == std::string::npos) continue;
    const std::string kind_name = name.substr(0, dot), channel = name.substr(dot + 1);
    auto it = set.kinds_.find(kind_name);
    if (it == set.kinds_.end()) return Invalid(line, name, "no [" + kind_name + "] section");
    KindTemplates& meta = it->second;
    if (!ChannelAllowed(meta.kind->audience, channel)) {
      return Invalid(line, name, "no such channel for this audience");
    }
    const auto required = RequiredKeys(channel);
    ChannelTemplate tpl;
    for (const auto& [key, value] : values[name]) {
      if (std::find(required.begin(), required.end(), key) == required.end()) {
        return Invalid(line, name, "unknown key " + key);
      }
      auto used = TemplateVariables(value, absl::StrCat("[", name, "] ", key));
      if (!used.ok()) return Invalid(line, name, used.status().message());
      for (const auto& var : *used) {
        const auto& offered = meta.kind->variables;
        if (std::find(offered.begin(), offered.end(), var) == offered.end()) {
          return Invalid(line, name, "unknown variable {" + var + "}");
        }
      }
      (key == "provider_template" ? tpl.provider_template
       : key == "subject"         ? tpl.subject
                                  : tpl.text) = value;
    }
    for (const auto& key : required) {
      if (!values[name].contains(key)) return Invalid(line, name, "missing " + key);
    }
    meta.channels[channel] = std::move(tpl);
  }
  for (const auto& [name, meta] : set.kinds_) {
    if (meta.channels.empty()) return Invalid(section_lines[name], name, "no channel templates");
  }
  return set;
}

absl::StatusOr<TemplateSet> TemplateSet::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError("templates: cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return Parse(content.str());
}

const KindTemplates* TemplateSet::Find(absl::string_view kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? nullptr : &it->second;
}

std::vector<std::string> TemplateSet::ChannelsOf(absl::string_view kind) const {
  std::vector<std::string> out;
  if (const auto* k = Find(kind)) {
    for (const auto& [channel, tpl] : k->channels) out.push_back(channel);
  }
  return out;
}

namespace {

std::string Substitute(absl::string_view text, const Variables& vars) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') {
      out.push_back(text[i]);
      continue;
    }
    const size_t close = text.find('}', i + 1);  // checked when the templates were loaded
    auto it = vars.find(std::string(text.substr(i + 1, close - i - 1)));
    if (it != vars.end()) out += it->second;
    i = close;
  }
  return out;
}

}  // namespace

std::optional<RenderedMessage> TemplateSet::Render(absl::string_view kind,
                                                   absl::string_view channel,
                                                   const Variables& vars) const {
  const auto* k = Find(kind);
  if (k == nullptr) return std::nullopt;
  auto it = k->channels.find(std::string(channel));
  if (it == k->channels.end()) return std::nullopt;
  RenderedMessage out;
  out.subject = Substitute(it->second.subject, vars);
  out.text = Substitute(it->second.text, vars);
  out.provider_template = it->second.provider_template;
  if (channel == kSms) {
    // Checked at load, so this cannot fail.
    const auto names = TemplateVariables(it->second.text, "");
    for (const auto& name : names.value_or(std::vector<std::string>{})) {
      auto v = vars.find(name);
      out.provider_params.emplace_back(name, v == vars.end() ? "" : v->second);
    }
  }
  return out;
}

}  // namespace tousu::notification
