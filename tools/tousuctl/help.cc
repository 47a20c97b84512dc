#include "tools/tousuctl/help.h"

#include <algorithm>
#include <ostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/tousuctl/table.h"
#include "tools/tousuctl/verb_table.h"

namespace tousu::ctl {
namespace {

constexpr size_t kHelpWidth = 100;

// `words` joined by spaces into lines of at most kHelpWidth columns (a longer word gets a line
// of its own); the first line starts at column `used`, the others after `indent` spaces.
std::string Wrap(const std::vector<std::string>& words, size_t used, size_t indent) {
  std::string out;
  size_t column = used;
  bool line_empty = true;
  for (const std::string& word : words) {
    const size_t w = DisplayWidth(word);
    if (!line_empty && column + 1 + w > kHelpWidth) {
      absl::StrAppend(&out, "\n", std::string(indent, ' '));
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += w;
    line_empty = false;
  }
  return out;
}

std::vector<std::string> Words(const std::string& text) {
  return absl::StrSplit(text, ' ', absl::SkipEmpty());
}

std::string VerbUsage(const Verb& v) {
  std::vector<std::string> parts = {"tousuctl", v.name};
  if (!v.usage_args.empty()) parts.push_back(v.usage_args);
  for (const FlagSpec& f : v.flags) {
    if (f.required) parts.push_back(absl::StrCat("--", f.name, " ", f.value_name));
  }
  parts.push_back("[flags]");
  return Wrap(parts, 7, 11);  // after "Usage: ", continued under the verb
}

std::string FlagLines(const std::vector<FlagSpec>& flags) {
  std::string out;
  size_t width = 0;
  std::vector<std::pair<std::string, std::string>> lines;
  for (const FlagSpec& f : flags) {
    std::string left = absl::StrCat("  --", f.name);
    if (!f.value_name.empty()) absl::StrAppend(&left, " ", f.value_name);
    std::string help = f.help;
    if (f.required) absl::StrAppend(&help, " (required)");
    width = std::max(width, DisplayWidth(left));
    lines.emplace_back(std::move(left), std::move(help));
  }
  for (const auto& [left, help] : lines) {
    absl::StrAppend(&out, PadRight(left, width), "  ", Wrap(Words(help), width + 2, width + 2),
                    "\n");
  }
  return out;
}

}  // namespace

std::string VerbHelp(const Verb& v) {
  std::string out = absl::StrCat("Usage: ", VerbUsage(v), "\n\n", v.description, "\n");
  const std::vector<FlagSpec> own = OwnFlags(v);
  if (!own.empty()) absl::StrAppend(&out, "\nFlags:\n", FlagLines(own));
  std::vector<std::string> globals = {"Global", "flags:"};
  for (const FlagSpec& g : GlobalFlags()) {
    if (!Redefines(v, g.name) && g.name != "help")
      globals.push_back(absl::StrCat("--", g.name, ","));
  }
  globals.back().pop_back();  // the last comma
  globals.insert(globals.end(), {"(see", "'tousuctl", "help')."});
  absl::StrAppend(&out, "\n", Wrap(globals, 0, 2), "\n");
  if (!v.examples.empty()) {
    absl::StrAppend(&out, "\nExample", v.examples.size() > 1 ? "s" : "", ":\n");
    for (const std::string& e : v.examples) absl::StrAppend(&out, "  ", e, "\n");
  }
  return out;
}

std::string GeneralHelp() {
  std::string out =
      "tousuctl: the Tousu complaint desk on the command line (intake, routing, case handling,\n"
      "follow-up, analytics, staff directory, training, quarterly assessment, accountability,\n"
      "notification deliveries).\n"
      "\nUsage: tousuctl VERB [ARGUMENTS] [FLAGS]\n";
  std::string group;
  size_t width = 0;
  for (const Verb& v : Verbs()) {
    std::string left = v.usage_args.empty() ? v.name : absl::StrCat(v.name, " ", v.usage_args);
    width = std::max(width, left.size());
  }
  for (const Verb& v : Verbs()) {
    if (v.group != group) {
      group = v.group;
      absl::StrAppend(&out, "\n", group, ":\n");
    }
    std::string left = v.usage_args.empty() ? v.name : absl::StrCat(v.name, " ", v.usage_args);
    absl::StrAppend(&out, "  ", PadRight(left, width), "  ",
                    Wrap(Words(v.summary), width + 4, width + 4), "\n");
  }
  absl::StrAppend(
      &out, "\nGlobal flags (with any verb):\n", FlagLines(GlobalFlags()),
      "\nRun 'tousuctl VERB --help' (or 'tousuctl help VERB') for a verb's arguments and flags.\n"
      "Flags take their value as --flag VALUE or --flag=VALUE; enum values are the names shown\n"
      "(e.g. --channel walk-in), case and '-'/'_' do not matter.\n"
      "\nOutput: aligned tables; times in Beijing time (UTC+8). Personal data (a customer's name,\n"
      "phone and email, staff phones and emails) is masked, in tables and JSON, unless\n"
      "--show-personal-data is given. --json prints the service's response in the proto3 JSON\n"
      "mapping (lowerCamelCase field names), fields at their default value included.\n"
      "\nExit status: 0 done; 1 a call failed (its gRPC code and message are printed on stderr);\n"
      "2 bad usage.\n");
  return out;
}

// The verbs of a two-word group ("case", "follow-up"), one line each.
std::string GroupHelp(const std::string& group) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const Verb& v : Verbs()) {
    if (!v.name.starts_with(group + " ")) continue;
    std::string left = v.usage_args.empty() ? v.name : absl::StrCat(v.name, " ", v.usage_args);
    width = std::max(width, left.size());
    rows.emplace_back(std::move(left), v.summary);
  }
  std::string out = absl::StrCat("Usage: tousuctl ", group, " VERB [ARGUMENTS] [FLAGS]\n\n");
  for (const auto& [left, summary] : rows) {
    absl::StrAppend(&out, "  ", PadRight(left, width), "  ",
                    Wrap(Words(summary), width + 4, width + 4), "\n");
  }
  absl::StrAppend(&out, "\nRun 'tousuctl ", group,
                  " VERB --help' for a verb's arguments, flags and examples.\n");
  return out;
}

int Help(const std::vector<std::string>& topic, std::ostream& out, std::ostream& err) {
  if (topic.empty()) {
    out << GeneralHelp();
    return kExitOk;
  }
  std::vector<std::string> words = topic;
  words[0] = GroupName(words[0]);
  const std::string name = absl::StrJoin(words, " ");
  if (name == "staff") {
    out << VerbHelp(*FindVerb("staff list")) << "\n" << VerbHelp(*FindVerb("staff get"));
    return kExitOk;
  }
  if (IsVerbGroup(name)) {
    out << GroupHelp(name);
    return kExitOk;
  }
  const Verb* v = FindVerb(name);
  if (v == nullptr) {
    err << "tousuctl: no verb \"" << name << "\"; 'tousuctl help' lists them.\n";
    return kExitUsage;
  }
  out << VerbHelp(*v);
  return kExitOk;
}

}  // namespace tousu::ctl
