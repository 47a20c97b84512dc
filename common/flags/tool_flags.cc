#include "common/flags/tool_flags.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <optional>
#include <string>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace tousu::tools {
namespace {

// The source path from "tools/" on: what --help names, and how it tells the tools' own flags
// from any a library defines.
std::string FromTools(absl::string_view file) {
  const size_t at = file.rfind("tools/");
  return std::string(at == absl::string_view::npos ? file : file.substr(at));
}

bool DefinedInTools(absl::string_view file) { return absl::StrContains(file, "tools/"); }

std::string& ProgramName() {
  static auto* name = new std::string("tool");
  return *name;
}

// "--max-in-flight=5" as "--max_in_flight=5" when max_in_flight is a flag and max-in-flight is
// not; nullopt when `arg` needs no rewriting.
std::optional<std::string> Underscored(absl::string_view arg) {
  if (arg == "-h") return "--help";
  if (!absl::StartsWith(arg, "-")) return std::nullopt;
  const size_t name_at = absl::StartsWith(arg, "--") ? 2 : 1;
  const size_t name_end = std::min(arg.find('='), arg.size());
  const absl::string_view name = arg.substr(name_at, name_end - name_at);
  if (!absl::StrContains(name, '-') || absl::FindCommandLineFlag(name) != nullptr) {
    return std::nullopt;
  }
  const std::string underscored = absl::StrReplaceAll(name, {{"-", "_"}});
  if (absl::FindCommandLineFlag(underscored) == nullptr) return std::nullopt;
  return absl::StrCat(arg.substr(0, name_at), underscored, arg.substr(name_end));
}

}  // namespace

std::vector<char*> ParseToolFlags(int argc, char** argv, const std::string& usage) {
  if (argc > 0) {
    const absl::string_view path = argv[0];
    ProgramName() = std::string(path.substr(path.rfind('/') + 1));
  }
  absl::SetProgramUsageMessage(
      absl::StrCat(usage, "\nFlag names take - and _ alike: --a-b is --a_b."));
  absl::FlagsUsageConfig config;
  config.contains_helpshort_flags = DefinedInTools;
  config.contains_help_flags = DefinedInTools;
  config.contains_helppackage_flags = DefinedInTools;
  config.normalize_filename = FromTools;
  absl::SetFlagsUsageConfig(config);

  // Rewritten arguments live as long as argv does: what absl returns may point into them.
  static auto* rewritten = new std::deque<std::string>();
  std::vector<char*> args(argv, argv + argc);
  for (int i = 1; i < argc; ++i) {
    if (absl::string_view(argv[i]) == "--") break;  // the rest are positional
    if (std::optional<std::string> arg = Underscored(argv[i])) {
      args[i] = rewritten->emplace_back(*std::move(arg)).data();
    }
  }
  args.push_back(nullptr);
  return absl::ParseCommandLine(argc, args.data());
}

void ExitWithUsageError(const std::string& problem) {
  std::fprintf(stderr, "%s: %s (--help lists the flags)\n", ProgramName().c_str(), problem.c_str());
  std::exit(2);
}

}  // namespace tousu::tools
