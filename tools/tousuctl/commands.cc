#include "tools/tousuctl/commands.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/client/channel.h"
#include "common/client/outgoing_token.h"
#include "common/config/config.h"
#include "common/tls/tls.h"
#include "tools/tousuctl/args.h"
#include "tools/tousuctl/help.h"
#include "tools/tousuctl/time_text.h"
#include "tools/tousuctl/verb.h"
#include "tools/tousuctl/verb_table.h"

namespace tousu::ctl {
namespace {

std::string EnvOr(const Environment& env, const std::string& name, const char* fallback) {
  std::optional<std::string> v = env.getenv ? env.getenv(name) : std::nullopt;
  if (v.has_value() && !absl::StripAsciiWhitespace(*v).empty()) {
    return std::string(absl::StripAsciiWhitespace(*v));
  }
  return fallback;
}

// The global flags of a verb's command line, with the environment's defaults. Also installs the
// sign-in token and the TLS credentials every channel made from now on uses.
absl::StatusOr<Options> ReadOptions(const Verb& verb, const ParsedArgs& parsed,
                                    const Environment& env) {
  Options options;
  // Addresses: flag, else environment, else the local stack. A verb that redefines a name (reject
  // --staff STAFF_ID) does not use that service.
  for (const AddressFlag& a : kAddressFlags) {
    std::string address = EnvOr(env, a.env, a.fallback);
    if (auto v = parsed.Get(a.flag); !Redefines(verb, a.flag) && v.has_value() && !v->empty()) {
      address = *v;
    }
    options.*a.endpoint = Endpoint{.service = a.service, .flag = a.flag, .address = address};
  }
  if (auto f = parsed.Get("token-file"); f.has_value() && !f->empty()) {
    client::SetOutgoingTokenFile(*f);
  } else if (auto e = EnvOr(env, "TOUSU_CTL_TOKEN_FILE", ""); !e.empty()) {
    client::SetOutgoingTokenFile(e);
  }
  // Mutual TLS when the stack runs with it: TOUSU_CTL_TLS_CERT, _KEY and _CA (all three or none).
  std::vector<std::string> tls_env;
  for (const char* key : {"TOUSU_CTL_TLS_CERT", "TOUSU_CTL_TLS_KEY", "TOUSU_CTL_TLS_CA"}) {
    if (auto v = env.getenv ? env.getenv(key) : std::nullopt; v.has_value()) {
      tls_env.push_back(absl::StrCat(key, "=", *v));
    }
  }
  auto files = tls::TlsFilesFromConfig(config::Config("CTL", tls_env, {}));
  if (!files.ok()) return files.status();
  if (files->has_value()) client::SetChannelCredentials(tls::ChannelCredentialsFor(*files));
  if (auto t = parsed.Get("timeout"); t.has_value()) {
    auto timeout = ParseTimeout(*t);
    if (!timeout.ok()) return timeout.status();
    options.timeout = *timeout;
  }
  auto json = parsed.Bool("json");
  if (!json.ok()) return json.status();
  options.json = json->value_or(false);
  auto show = parsed.Bool("show-personal-data");
  if (!show.ok()) return show.status();
  options.show_personal_data = show->value_or(false);
  return options;
}

}  // namespace

std::string NewRequestId() {
  std::random_device device;
  std::mt19937_64 engine((static_cast<uint64_t>(device()) << 32) ^ device());
  uint64_t hi = engine();
  uint64_t lo = engine();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                         lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

Environment ProcessEnvironment() {
  Environment env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  env.now = [] { return absl::Now(); };
  env.new_request_id = [] { return NewRequestId(); };
  env.in = &std::cin;
  return env;
}

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const Environment& env) {
  const std::vector<FlagSpec> globals = GlobalFlags();
  // Find the verb: the first word that is not a global flag or its value ("staff" takes a
  // second word). Flags may come before and after it.
  std::vector<size_t> verb_at;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i];
    if (t == "--") break;
    if (t.size() > 1 && t[0] == '-') {
      if (t.starts_with("--") && t.find('=') == std::string::npos) {
        const std::string name = t.substr(2);
        for (const FlagSpec& g : globals) {
          if (g.name == name && !g.value_name.empty()) ++i;  // skip its value
        }
      }
      continue;
    }
    verb_at.push_back(i);
    if (!(verb_at.size() == 1 && IsVerbGroup(t))) break;
  }
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (std::find(verb_at.begin(), verb_at.end(), i) == verb_at.end()) rest.push_back(args[i]);
  }
  std::vector<std::string> words;
  for (size_t i : verb_at) words.push_back(args[i]);
  if (!words.empty()) words[0] = GroupName(words[0]);

  if (words.empty() || words[0] == "help") {
    auto parsed = ParseFlags(rest, globals);
    if (!parsed.ok()) {
      err << "tousuctl: " << parsed.status().message() << "\n";
      return kExitUsage;
    }
    if (words.empty() && !parsed->Has("help")) {
      err << GeneralHelp();
      return kExitUsage;
    }
    return Help(parsed->positional, out, err);
  }
  const std::string name = absl::StrJoin(words, " ");
  const Verb* verb = FindVerb(name);
  if (verb == nullptr) {
    const bool wants_help = std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
                            std::find(rest.begin(), rest.end(), "-h") != rest.end();
    if (words[0] == "staff") {
      if (wants_help) return Help({"staff"}, out, err);
      err << "tousuctl: staff needs a second word: 'staff list' or 'staff get ID'.\n";
    } else if (IsVerbGroup(words[0]) && words.size() == 1) {
      if (wants_help) return Help({words[0]}, out, err);
      err << "tousuctl: " << words[0] << " needs a second word:\n\n" << GroupHelp(words[0]);
    } else if (IsVerbGroup(words[0])) {
      err << "tousuctl: unknown verb \"" << name << "\"; 'tousuctl " << words[0]
          << " --help' lists the " << words[0] << " verbs.\n";
    } else {
      err << "tousuctl: unknown verb \"" << name << "\"; 'tousuctl help' lists them.\n";
    }
    return kExitUsage;
  }

  auto parsed = ParseFlags(rest, FlagsOf(*verb));
  if (!parsed.ok()) {
    const ParsedArgs none;
    Call bad{.args = none, .options = {}, .out = out, .err = err, .env = env, .verb = name};
    return UsageError(bad, parsed.status());
  }
  Call call{.args = *parsed, .options = {}, .out = out, .err = err, .env = env, .verb = name};
  if (parsed->Has("help")) {
    out << VerbHelp(*verb);
    return kExitOk;
  }
  const size_t n = parsed->positional.size();
  if (n < verb->min_args || n > verb->max_args) {
    return UsageError(
        call, absl::InvalidArgumentError(verb->usage_args.empty()
                                             ? absl::StrCat(name, " takes no arguments, got \"",
                                                            parsed->positional.front(), "\"")
                                             : absl::StrCat(name, " takes ", verb->usage_args)));
  }
  std::vector<std::string> missing;
  for (const FlagSpec& f : verb->flags) {
    if (f.required && !parsed->Has(f.name)) missing.push_back(absl::StrCat("--", f.name));
  }
  if (!missing.empty()) {
    return UsageError(call, absl::InvalidArgumentError(
                                absl::StrCat(name, " needs ", absl::StrJoin(missing, ", "))));
  }

  auto options = ReadOptions(*verb, *parsed, env);
  if (!options.ok()) return UsageError(call, options.status());
  call.options = *std::move(options);
  return verb->run(call);
}

}  // namespace tousu::ctl
