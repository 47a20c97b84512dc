#pragma once
// Every verb, the global flags, and the flags each verb takes.

#include <string>
#include <string_view>
#include <vector>

#include "tools/tousuctl/args.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {

// A service's address flag: --FLAG, else the environment variable, else the local stack's
// address (deploy/stack.conf).
struct AddressFlag {
  const char* flag;
  const char* env;
  const char* fallback;
  const char* service;  // as help and failures name it
  Endpoint Options::*endpoint;
};

inline constexpr AddressFlag kAddressFlags[] = {
    {"intake", "TOUSU_CTL_INTAKE_ADDR", "127.0.0.1:7101", "intake", &Options::intake},
    {"routing", "TOUSU_CTL_ROUTING_ADDR", "127.0.0.1:7102", "routing", &Options::routing},
    {"case", "TOUSU_CTL_CASE_ADDR", "127.0.0.1:7103", "case-handling", &Options::case_handling},
    {"followup", "TOUSU_CTL_FOLLOWUP_ADDR", "127.0.0.1:7104", "follow-up", &Options::followup},
    {"analytics", "TOUSU_CTL_ANALYTICS_ADDR", "127.0.0.1:7105", "analytics", &Options::analytics},
    {"staff", "TOUSU_CTL_STAFF_ADDR", "127.0.0.1:7106", "staff-assessment", &Options::staff},
    {"notification", "TOUSU_CTL_NOTIFICATION_ADDR", "127.0.0.1:7109", "notification",
     &Options::notification},
};

// Flags every verb takes (unless it redefines the name, as reject does --staff).
std::vector<FlagSpec> GlobalFlags();

// Every verb, in the order `tousuctl help` lists them.
const std::vector<Verb>& Verbs();
const Verb* FindVerb(std::string_view name);

// The first word of two-word verbs: "staff list", "case get", "follow-up tasks" ("followup" is
// accepted too).
bool IsVerbGroup(std::string_view word);
// A group's name as the verbs spell it: "followup" is "follow-up".
std::string GroupName(std::string_view word);

// The verb's own flags, with the page flags of a list verb.
std::vector<FlagSpec> OwnFlags(const Verb& v);
// Its own flags, then the global ones it does not redefine.
std::vector<FlagSpec> FlagsOf(const Verb& v);
// Whether the verb gives `flag` a meaning of its own.
bool Redefines(const Verb& v, std::string_view flag);

}  // namespace tousu::ctl
