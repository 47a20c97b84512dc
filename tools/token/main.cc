// tousu-token: signing keys and tokens for local stacks, tools and tests. Production tokens come
// from the company's identity provider; the services only hold public keys (AUTH_KEYS).
//
//   tousu-token keys DIR [--kid=NAME] [--alg=ES256|RS256]
//       writes DIR/private/NAME.key (mode 0600) and DIR/public/NAME.pem (what AUTH_KEYS names)
//   tousu-token mint --key=DIR/private/NAME.key --sub=ID --role=ROLE [--dept=DEPT] [--ttl=8h]
//       [--kid=NAME (default: the key file's name)] [--iss=tousu] [--aud=tousu]
//       [--clock-offset-file=FILE (a stack whose clock was moved: tokens follow its time)]
//       prints one compact JWT

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "common/auth/token_minter.h"
#include "common/time/clock.h"

namespace {

using namespace tousu;

int Usage() {
  std::cerr << "usage: tousu-token keys DIR [--kid=NAME] [--alg=ES256|RS256]\n"
               "       tousu-token mint --key=FILE --sub=ID --role=ROLE [--dept=DEPT] [--ttl=8h]\n"
               "                        [--kid=NAME] [--iss=tousu] [--aud=tousu]"
               " [--clock-offset-file=FILE]\n";
  return 2;
}

bool WriteFile(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return out.good() && ::chmod(path.c_str(), mode) == 0;
}

int Keys(const std::string& dir, std::map<std::string, std::string>& flags) {
  const std::string kid = flags.count("kid") ? flags["kid"] : "dev";
  const std::string alg = flags.count("alg") ? flags["alg"] : "ES256";
  if (alg != "ES256" && alg != "RS256") return Usage();
  auto pair = auth::GenerateKeyPair(alg == "ES256" ? auth::KeyAlgorithm::kEs256
                                                   : auth::KeyAlgorithm::kRs256);
  if (!pair.ok()) {
    std::cerr << pair.status() << "\n";
    return 1;
  }
  std::filesystem::create_directories(std::filesystem::path(dir) / "private");
  std::filesystem::create_directories(std::filesystem::path(dir) / "public");
  ::chmod((std::filesystem::path(dir) / "private").c_str(), 0700);
  if (!WriteFile(std::filesystem::path(dir) / "private" / (kid + ".key"), pair->private_pem, 0600) ||
      !WriteFile(std::filesystem::path(dir) / "public" / (kid + ".pem"), pair->public_pem, 0644)) {
    std::cerr << "cannot write the keys under " << dir << "\n";
    return 1;
  }
  std::cout << dir << "/public/" << kid << ".pem\n";
  return 0;
}

int Mint(std::map<std::string, std::string>& flags) {
  for (const char* required : {"key", "sub", "role"}) {
    if (!flags.count(required)) return Usage();
  }
  std::ifstream in(flags["key"], std::ios::binary);
  std::stringstream key;
  key << in.rdbuf();
  if (!in) {
    std::cerr << "cannot read " << flags["key"] << "\n";
    return 1;
  }
  auth::TokenClaims claims;
  claims.subject = flags["sub"];
  claims.role = flags["role"];
  if (flags.count("dept")) claims.department = flags["dept"];
  if (flags.count("iss")) claims.issuer = flags["iss"];
  if (flags.count("aud")) claims.audience = flags["aud"];
  claims.kid = flags.count("kid") ? flags["kid"]
                                  : std::filesystem::path(flags["key"]).stem().string();
  claims.lifetime = absl::Hours(8);
  if (flags.count("ttl") && !absl::ParseDuration(flags["ttl"], &claims.lifetime)) return Usage();
  if (flags.count("clock-offset-file")) {
    time::OffsetFileClock clock(flags["clock-offset-file"]);
    claims.issued_at = clock.Now();
  } else {
    claims.issued_at = absl::Now();
  }
  auto token = auth::MintToken(key.str(), claims);
  if (!token.ok()) {
    std::cerr << token.status() << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string command = argv[1];
  std::map<std::string, std::string> flags;
  std::string positional;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      flags[arg.substr(2, arg.find('=') - 2)] = arg.substr(arg.find('=') + 1);
    } else if (positional.empty() && arg.rfind("--", 0) != 0) {
      positional = arg;
    } else {
      return Usage();
    }
  }
  if (command == "keys" && !positional.empty()) return Keys(positional, flags);
  if (command == "mint" && positional.empty()) return Mint(flags);
  return Usage();
}
