#pragma once
// `tousuctl help`, `tousuctl help VERB`, `tousuctl VERB --help`: texts made from the verb table,
// wrapped to 100 columns.

#include <iosfwd>
#include <string>
#include <vector>

#include "tools/tousuctl/verb.h"

namespace tousu::ctl {

// Every verb by group, the global flags, the output and the exit status.
std::string GeneralHelp();
// The verbs of a two-word group ("case", "follow-up"), one line each.
std::string GroupHelp(const std::string& group);
// One verb: usage, description, flags, examples.
std::string VerbHelp(const Verb& v);

// `tousuctl help TOPIC...`: the general help, a group's or a verb's. Returns the exit status.
int Help(const std::vector<std::string>& topic, std::ostream& out, std::ostream& err);

}  // namespace tousu::ctl
