#include "tools/tousuctl/verb_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "tools/tousuctl/strings.h"

namespace tousu::ctl {
namespace {

std::vector<FlagSpec> PageFlags(std::string_view what) {
  return {
      {.name = "page-size", .value_name = "N", .help = "1..200 per page (default 50)"},
      {.name = "page-token",
       .value_name = "TOKEN",
       .help = absl::StrCat("continue where the previous page of ", ToAbsl(what), " ended")},
      {.name = "all", .help = "fetch every page (one call per page)"},
  };
}

}  // namespace

std::vector<FlagSpec> GlobalFlags() {
  std::vector<FlagSpec> flags;
  for (const AddressFlag& a : kAddressFlags) {
    flags.push_back(
        {.name = a.flag,
         .value_name = "HOST:PORT",
         .help = absl::StrCat(a.service, " service (env ", a.env, ", default ", a.fallback, ")")});
  }
  flags.insert(
      flags.end(),
      {
          {.name = "timeout",
           .value_name = "DURATION",
           .help = "deadline of each call: 5s (default), 1500ms, 1m"},
          {.name = "token-file",
           .value_name = "FILE",
           .help = "your sign-in token, sent with every call (env TOUSU_CTL_TOKEN_FILE; tools/run "
                   "writes development tokens under .local/run/tokens/)"},
          {.name = "json", .help = "print the response as JSON instead of a table"},
          {.name = "show-personal-data",
           .help = "show customers' names, phones and emails and staff phones and emails unmasked"},
          {.name = "help", .help = "explain the verb"},
      });
  return flags;
}

const std::vector<Verb>& Verbs() {
  static const auto* verbs = [] {
    auto* all = new std::vector<Verb>;
    for (auto area : {IntakeVerbs, RoutingVerbs, StaffVerbs, CaseVerbs, CaseSolutionVerbs,
                      FollowUpVerbs, SimulateVerbs, AnalyticsVerbs, TrainingVerbs, AssessmentVerbs,
                      AuditVerbs, NotificationVerbs}) {
      std::vector<Verb> verbs = area();
      all->insert(all->end(), verbs.begin(), verbs.end());
    }
    return all;
  }();
  return *verbs;
}

const Verb* FindVerb(std::string_view name) {
  for (const Verb& v : Verbs()) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

bool IsVerbGroup(std::string_view word) {
  const std::string prefix = GroupName(word) + " ";
  return std::any_of(Verbs().begin(), Verbs().end(),
                     [&](const Verb& v) { return v.name.starts_with(prefix); });
}

std::string GroupName(std::string_view word) {
  return word == "followup" ? std::string("follow-up") : std::string(word);
}

std::vector<FlagSpec> OwnFlags(const Verb& v) {
  std::vector<FlagSpec> flags = v.flags;
  if (!v.pages.empty()) {
    std::vector<FlagSpec> page = PageFlags(v.pages);
    flags.insert(flags.end(), page.begin(), page.end());
  }
  return flags;
}

std::vector<FlagSpec> FlagsOf(const Verb& v) {
  std::vector<FlagSpec> flags = OwnFlags(v);
  for (const FlagSpec& g : GlobalFlags()) {
    if (!Redefines(v, g.name)) flags.push_back(g);
  }
  return flags;
}

bool Redefines(const Verb& v, std::string_view flag) {
  return std::any_of(v.flags.begin(), v.flags.end(),
                     [&](const FlagSpec& f) { return f.name == flag; });
}

}  // namespace tousu::ctl
