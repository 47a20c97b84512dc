#pragma once
// Command-line parsing for the tools' mains, on absl::flags. An absl flag is named after its C++
// identifier (`max_in_flight`), but the tools' callers have always written dashes
// (`--max-in-flight`); ParseToolFlags accepts both spellings.

#include <string>
#include <vector>

namespace tousu::tools {

// Parses argv with absl::ParseCommandLine, having first rewritten a flag name's dashes as
// underscores where that names a defined flag. `usage` heads --help, which lists the flags
// defined under tools/. --help, an unknown flag and a malformed value end the program (absl says
// why). Returns the positional arguments, the program's path first.
std::vector<char*> ParseToolFlags(int argc, char** argv, const std::string& usage);

// For what absl cannot check (a missing or out-of-range value): prints "<program>: <problem>"
// and a pointer to --help on stderr, and exits with status 2.
[[noreturn]] void ExitWithUsageError(const std::string& problem);

}  // namespace tousu::tools
