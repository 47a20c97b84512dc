// tousu-token: signing keys and tokens for local stacks, tools and tests. Production tokens come
// from the company's identity provider; the services only hold public keys (AUTH_KEYS).
//
//   tousu-token keys DIR [--kid=NAME] [--alg=ES256|RS256]
//       writes DIR/private/NAME.key (mode 0600) and DIR/public/NAME.pem (what AUTH_KEYS names)
//   tousu-token mint --key=DIR/private/NAME.key --sub=ID --role=ROLE [--dept=DEPT] [--phone=N]
//   [--ttl=8h]
//       [--kid=NAME (default: the key file's name)] [--iss=tousu] [--aud=tousu]
//       [--clock-offset-file=FILE (a stack whose clock was moved: tokens follow its time)]
//       prints one compact JWT

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/auth/token_minter.h"
#include "common/flags/tool_flags.h"
#include "common/time/clock.h"

ABSL_FLAG(std::optional<std::string>, kid, std::nullopt,
          "the key's name (keys: default dev; mint: default the key file's name)");
ABSL_FLAG(std::string, alg, "ES256", "keys: ES256 or RS256");
ABSL_FLAG(std::string, key, "", "mint: the private key file; required");
ABSL_FLAG(std::string, sub, "", "mint: the subject (staff or customer id); required");
ABSL_FLAG(std::string, role, "", "mint: the role; required");
ABSL_FLAG(std::string, dept, "", "mint: the department (departmental roles)");
ABSL_FLAG(std::string, phone, "", "mint: a customer's verified mobile number (11 digits)");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(8), "mint: how long the token is valid");
ABSL_FLAG(std::string, iss, "tousu", "mint: the issuer");
ABSL_FLAG(std::string, aud, "tousu", "mint: the audience");
ABSL_FLAG(std::string, clock_offset_file, "",
          "mint: a stack whose clock was moved: tokens follow its time");

namespace {

using namespace tousu;

constexpr char kUsage[] =
    "development signing keys and tokens\n"
    "usage: tousu-token keys DIR [--kid=NAME] [--alg=ES256|RS256]\n"
    "       tousu-token mint --key=FILE --sub=ID --role=ROLE [--dept=DEPT] [--phone=N] [--ttl=8h]\n"
    "                        [--kid=NAME] [--iss=tousu] [--aud=tousu] [--clock-offset-file=FILE]";

bool WriteFile(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return out.good() && ::chmod(path.c_str(), mode) == 0;
}

int Keys(const std::string& dir) {
  const std::string kid = absl::GetFlag(FLAGS_kid).value_or("dev");
  const std::string alg = absl::GetFlag(FLAGS_alg);
  if (alg != "ES256" && alg != "RS256") tools::ExitWithUsageError("--alg is ES256 or RS256");
  auto pair = auth::GenerateKeyPair(alg == "ES256" ? auth::KeyAlgorithm::kEs256
                                                   : auth::KeyAlgorithm::kRs256);
  if (!pair.ok()) {
    std::cerr << pair.status() << "\n";
    return 1;
  }
  std::filesystem::create_directories(std::filesystem::path(dir) / "private");
  std::filesystem::create_directories(std::filesystem::path(dir) / "public");
  ::chmod((std::filesystem::path(dir) / "private").c_str(), 0700);
  if (!WriteFile(std::filesystem::path(dir) / "private" / (kid + ".key"), pair->private_pem,
                 0600) ||
      !WriteFile(std::filesystem::path(dir) / "public" / (kid + ".pem"), pair->public_pem, 0644)) {
    std::cerr << "cannot write the keys under " << dir << "\n";
    return 1;
  }
  std::cout << dir << "/public/" << kid << ".pem\n";
  return 0;
}

int Mint() {
  const std::string key_file = absl::GetFlag(FLAGS_key);
  auth::TokenClaims claims;
  claims.subject = absl::GetFlag(FLAGS_sub);
  claims.role = absl::GetFlag(FLAGS_role);
  if (key_file.empty() || claims.subject.empty() || claims.role.empty()) {
    tools::ExitWithUsageError("mint needs --key, --sub and --role");
  }
  std::ifstream in(key_file, std::ios::binary);
  std::stringstream key;
  key << in.rdbuf();
  if (!in) {
    std::cerr << "cannot read " << key_file << "\n";
    return 1;
  }
  claims.department = absl::GetFlag(FLAGS_dept);
  claims.phone = absl::GetFlag(FLAGS_phone);
  claims.issuer = absl::GetFlag(FLAGS_iss);
  claims.audience = absl::GetFlag(FLAGS_aud);
  claims.kid = absl::GetFlag(FLAGS_kid).value_or(std::filesystem::path(key_file).stem().string());
  claims.lifetime = absl::GetFlag(FLAGS_ttl);
  const std::string clock_offset_file = absl::GetFlag(FLAGS_clock_offset_file);
  if (!clock_offset_file.empty()) {
    time::OffsetFileClock clock(clock_offset_file);
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
  const std::vector<char*> args = tools::ParseToolFlags(argc, argv, kUsage);
  const std::string command = args.size() > 1 ? args[1] : "";
  if (command == "keys" && args.size() == 3) return Keys(args[2]);
  if (command == "mint" && args.size() == 2) return Mint();
  tools::ExitWithUsageError("a command is required: keys DIR, or mint");
}
