// Callers' tokens (common/auth/token_verifier.*): whatever arrives in an "authorization" header
// goes through libjwt's parser and our checks. The harness holds one ES256 and one RS256 key and
// a token each signed with them; the input is shaped into a token by its first byte:
//   0: the rest as a token;
//   1: the valid token's header and signature around the rest, base64url-encoded, as payload;
//   2: the rest (base64url) as header, around the valid payload and signature;
//   3: the valid token with the rest spliced in at a position the next byte picks;
//   4: the rest as JSON claims under an "alg: none" header, and under an HS256 one keyed with the
//      RSA public key (key confusion).
//
// Invariants:
//   - no crash, leak or undefined behaviour (ASan + UBSan) in libjwt or in our code;
//   - a refusal is UNAUTHENTICATED with "authorization: " and one of the fixed reasons (so it
//     never repeats the token);
//   - anything accepted carries exactly the claims that were signed (subject, role, department):
//     a token is never accepted with claims nobody signed.

#include <jwt.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "common/auth/token_minter.h"
#include "common/auth/token_verifier.h"
#include "common/time/clock.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace tousu;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

struct Fixture {
  time::FakeClock clock{kNow};
  std::unique_ptr<auth::TokenVerifier> verifier;
  std::string es_token, rs_token, rsa_public_pem;

  Fixture() {
    char dir_template[] = "/tmp/tousu-token-fuzz.XXXXXX";
    const char* dir = mkdtemp(dir_template);
    FUZZ_CHECK(dir != nullptr, "mkdtemp");
    auto es = auth::GenerateKeyPair(auth::KeyAlgorithm::kEs256);
    auto rs = auth::GenerateKeyPair(auth::KeyAlgorithm::kRs256);
    FUZZ_CHECK(es.ok() && rs.ok(), "key generation");
    std::ofstream(std::string(dir) + "/es.pem") << es->public_pem;
    std::ofstream(std::string(dir) + "/rs.pem") << rs->public_pem;
    rsa_public_pem = rs->public_pem;
    auth::VerifierOptions options;
    options.keys_dir = dir;
    options.reload_check = absl::InfiniteDuration();  // the directory goes away below
    auto v = auth::TokenVerifier::Create(options, clock);
    FUZZ_CHECK(v.ok(), v.status());
    verifier = std::move(*v);
    std::filesystem::remove_all(dir);
    auth::TokenClaims claims;
    claims.subject = "S0007";
    claims.role = auth::role::kHandler;
    claims.department = "engineering";
    claims.issued_at = kNow;
    claims.kid = "es";
    es_token = *auth::MintToken(es->private_pem, claims);
    claims.kid = "rs";
    rs_token = *auth::MintToken(rs->private_pem, claims);
    FUZZ_CHECK(verifier->Verify(es_token).ok(), "the valid ES256 token is refused");
    FUZZ_CHECK(verifier->Verify(rs_token).ok(), "the valid RS256 token is refused");
  }
};

Fixture& F() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

std::string B64(std::string_view s) { return absl::WebSafeBase64Escape(std::string(s)); }

std::string Part(const std::string& token, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  const size_t end = token.find('.', start);
  return token.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string HmacToken(const std::string& claims_json, const std::string& secret) {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return "";
  std::string out;
  if (jwt_add_grants_json(jwt, claims_json.c_str()) == 0 &&
      jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) == 0) {
    if (char* encoded = jwt_encode_str(jwt)) {
      out = encoded;
      free(encoded);
    }
  }
  jwt_free(jwt);
  return out;
}

void Check(const std::string& token) {
  auto caller = F().verifier->Verify(token);
  if (caller.ok()) {
    FUZZ_CHECK(caller->subject == "S0007" && caller->role == "handler" &&
                   caller->department == "engineering",
               "accepted claims nobody signed: " << caller->Describe() << " from " << token);
    return;
  }
  FUZZ_CHECK(caller.status().code() == absl::StatusCode::kUnauthenticated, caller.status());
  // One of the fixed reasons, so nothing of the token can be in it.
  static const std::set<std::string_view> kReasons = {"algorithm not accepted (RS256, ES256 only)",
                                                      "dept missing for a departmental role",
                                                      "dept too long",
                                                      "exp missing",
                                                      "malformed token",
                                                      "no bearer token",
                                                      "no key for this token (kid or algorithm)",
                                                      "role missing or unknown",
                                                      "signature invalid",
                                                      "sub missing, too long or not an id",
                                                      "token expired",
                                                      "token not valid yet (nbf)",
                                                      "token too long",
                                                      "wrong audience",
                                                      "wrong issuer"};
  const std::string_view m = fuzz::Message(caller.status());
  FUZZ_CHECK(m.starts_with("authorization: ") && kReasons.count(m.substr(15)) == 1,
             "not one of the fixed reasons: " << m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Fixture& f = F();
  const std::string& valid = (data[0] & 0x80) ? f.rs_token : f.es_token;
  switch (data[0] % 5) {
    case 0:
      Check(rest);
      break;
    case 1:
      Check(Part(valid, 0) + "." + B64(rest) + "." + Part(valid, 2));
      break;
    case 2:
      Check(B64(rest) + "." + Part(valid, 1) + "." + Part(valid, 2));
      break;
    case 3: {
      const size_t at = rest.empty() ? 0 : static_cast<unsigned char>(rest[0]) % valid.size();
      std::string spliced = valid;
      spliced.insert(at, rest.empty() ? "" : rest.substr(1));
      Check(spliced);
      break;
    }
    case 4:
      Check(B64(R"({"alg":"none","typ":"JWT"})") + "." + B64(rest) + ".");
      Check(HmacToken(rest, f.rsa_public_pem));
      break;
  }
  return 0;
}
