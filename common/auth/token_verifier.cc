#include "common/auth/token_verifier.h"

#include <errno.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tousu::auth {
namespace {

constexpr size_t kMaxTokenBytes = 8192;

absl::Status Unauthenticated(std::string_view reason) {
  return absl::UnauthenticatedError("authorization: " + std::string(reason));
}

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

struct FreeDeleter {
  void operator()(char* p) const { free(p); }
};

// The type of the public key in `pem`: RSA (2048 bits or more) → RS256, EC P-256 → ES256.
absl::StatusOr<KeyAlgorithm> AlgorithmOfPublicKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return absl::InternalError("out of memory");
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return absl::InvalidArgumentError("not a PEM public key");
  absl::StatusOr<KeyAlgorithm> result = absl::InvalidArgumentError(
      "unsupported key type (RSA of 2048 bits or more, or EC P-256, are accepted)");
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (EVP_PKEY_get_bits(key) >= 2048) result = KeyAlgorithm::kRs256;
  } else if (EVP_PKEY_is_a(key, "EC")) {
    char curve[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof(curve), &len) == 1 &&
        std::string_view(curve, len) == "prime256v1") {
      result = KeyAlgorithm::kEs256;
    }
  }
  EVP_PKEY_free(key);
  return result;
}

jwt_alg_t JwtAlg(KeyAlgorithm alg) {
  return alg == KeyAlgorithm::kRs256 ? JWT_ALG_RS256 : JWT_ALG_ES256;
}

std::string Sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

// Whether the JSON array of strings `json` (as libjwt renders a claim) contains `wanted`. Entries
// with escapes are compared escaped, so they can only fail to match, never match wrongly.
bool JsonStringArrayContains(std::string_view json, std::string_view wanted) {
  size_t i = 0;
  while (i < json.size()) {
    size_t open = json.find('"', i);
    if (open == std::string_view::npos) return false;
    size_t close = open + 1;
    bool escaped = false;
    while (close < json.size() && json[close] != '"') {
      if (json[close] == '\\') {
        escaped = true;
        ++close;
      }
      ++close;
    }
    if (close >= json.size()) return false;
    if (!escaped && json.substr(open + 1, close - open - 1) == wanted) return true;
    i = close + 1;
  }
  return false;
}

// Reads an integer claim; false when it is absent or not an integer.
bool IntClaim(jwt_t* jwt, const char* name, long* out) {
  errno = 0;
  long v = jwt_get_grant_int(jwt, name);
  if (errno != 0) return false;
  *out = v;
  return true;
}

}  // namespace

const char* AlgorithmName(KeyAlgorithm alg) {
  return alg == KeyAlgorithm::kRs256 ? "RS256" : "ES256";
}

absl::StatusOr<Caller> CallerFromClaims(const std::string& subject, const std::string& role_name,
                                        const std::string& department, const std::string& phone) {
  // Ids go into ASCII columns and audit rows: 1-64 of A-Z a-z 0-9 _ - . only.
  bool subject_ok = !subject.empty() && subject.size() <= 64;
  for (char c : subject) {
    subject_ok = subject_ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                                c == '-' || c == '.');
  }
  if (!subject_ok) return Unauthenticated("sub missing, too long or not an id");
  Caller caller;
  caller.subject = subject;
  caller.role = role_name;
  // "phone" is a customer's verified mobile number (11 digits), and nobody else's claim.
  if (!phone.empty()) {
    const bool phone_ok = phone.size() == 11 && phone[0] == '1' &&
                          std::all_of(phone.begin(), phone.end(), [](char c) {
                            return absl::ascii_isdigit(static_cast<unsigned char>(c));
                          });
    if (!phone_ok) return Unauthenticated("phone is not an 11-digit mobile number");
    if (role_name != role::kCustomer)
      return Unauthenticated("phone on a token that is not a customer's");
  }
  if (role_name == role::kCustomer) {
    caller.kind = Caller::Kind::kCustomer;
    caller.verified_phone = phone;
  } else if (role_name == role::kService) {
    caller.kind = Caller::Kind::kService;
  } else {
    static const char* const kStaffRoles[] = {
        role::kHotlineAgent, role::kReception,  role::kCoordinator, role::kHandler,
        role::kEngineer,     role::kSupervisor, role::kTracker,     role::kCallbackAgent,
        role::kAnalyst,      role::kManager,    role::kHr};
    if (std::find_if(std::begin(kStaffRoles), std::end(kStaffRoles),
                     [&](const char* r) { return role_name == r; }) == std::end(kStaffRoles)) {
      return Unauthenticated("role missing or unknown");
    }
    caller.kind = Caller::Kind::kStaff;
    if (department.size() > 64) return Unauthenticated("dept too long");
    caller.department = department;
    // A staff role bound to one department must name it; otherwise it could act for none.
    if (!caller.spans_departments() && department.empty()) {
      return Unauthenticated("dept missing for a departmental role");
    }
  }
  return caller;
}

TokenVerifier::TokenVerifier(VerifierOptions options, const time::Clock& clock)
    : options_(std::move(options)), clock_(clock) {}
TokenVerifier::~TokenVerifier() = default;

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(VerifierOptions options,
                                                                     const time::Clock& clock) {
  if (options.issuer.empty()) return absl::InvalidArgumentError("AUTH_ISSUER: empty");
  if (options.audience.empty()) return absl::InvalidArgumentError("AUTH_AUDIENCE: empty");
  std::unique_ptr<TokenVerifier> v(new TokenVerifier(std::move(options), clock));
  std::string fingerprint;
  auto keys = LoadKeys(v->options_.keys_dir, &fingerprint);
  if (!keys.ok()) return keys.status();
  v->keys_ = std::move(*keys);
  v->keys_fingerprint_ = std::move(fingerprint);
  v->next_reload_check_ = clock.Now() + v->options_.reload_check;
  return v;
}

absl::StatusOr<std::vector<TokenVerifier::Key>> TokenVerifier::LoadKeys(const std::string& dir,
                                                                        std::string* fingerprint) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::InvalidArgumentError(absl::StrCat("AUTH_KEYS: ", dir, " is not a directory"));
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".pem")
      files.push_back(entry.path());
  }
  if (ec) return absl::InvalidArgumentError(absl::StrCat("AUTH_KEYS: cannot list ", dir));
  std::sort(files.begin(), files.end());
  std::vector<Key> keys;
  std::string print;
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    if (!in)
      return absl::InvalidArgumentError(absl::StrCat("AUTH_KEYS: cannot read ", path.string()));
    Key key;
    key.kid = path.stem().string();
    key.pem = buf.str();
    auto alg = AlgorithmOfPublicKey(key.pem);
    if (!alg.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("AUTH_KEYS: ", path.string(), ": ", alg.status().message()));
    }
    key.alg = *alg;
    absl::StrAppend(&print, key.kid, ":", Sha256(key.pem), ";");
    keys.push_back(std::move(key));
  }
  if (keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("AUTH_KEYS: no *.pem public key in ", dir));
  }
  *fingerprint = std::move(print);
  return keys;
}

absl::Status TokenVerifier::ReloadIfChanged() {
  std::string fingerprint;
  auto keys = LoadKeys(options_.keys_dir, &fingerprint);
  std::unique_lock<std::shared_mutex> lock(mu_);
  next_reload_check_ = clock_.Now() + options_.reload_check;
  if (!keys.ok()) return keys.status();
  if (fingerprint == keys_fingerprint_) return absl::OkStatus();
  keys_ = std::move(*keys);
  keys_fingerprint_ = std::move(fingerprint);
  cache_.clear();  // a removed key must stop vouching for tokens it signed
  return absl::OkStatus();
}

size_t TokenVerifier::key_count() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return keys_.size();
}

absl::StatusOr<Caller> TokenVerifier::Verify(std::string_view token) {
  if (token.empty()) return Unauthenticated("no bearer token");
  if (token.size() > kMaxTokenBytes) return Unauthenticated("token too long");
  const absl::Time now = clock_.Now();
  bool reload = false;
  const std::string digest = Sha256(token);
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    reload = now >= next_reload_check_;
    if (!reload) {
      auto it = cache_.find(digest);
      if (it != cache_.end()) {
        // An expired entry stays until the cache is next cleared; it only ever answers this.
        if (now > it->second.expires + options_.leeway) return Unauthenticated("token expired");
        return it->second.caller;
      }
    }
  }
  if (reload) (void)ReloadIfChanged();  // a bad edit of the directory keeps the previous keys

  absl::Time expires;
  auto caller = VerifyUncached(std::string(token), now, &expires);
  if (caller.ok()) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (cache_.size() >= options_.cache_entries) cache_.clear();  // simple bound; refills quickly
    cache_[digest] = CachedCaller{*caller, expires};
  }
  return caller;
}

absl::StatusOr<Caller> TokenVerifier::VerifyUncached(const std::string& token, absl::Time now,
                                                     absl::Time* expires) const {
  // 1. Read the header without trusting anything in the token, to pick the key.
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), nullptr, 0) != 0 || raw == nullptr) {
    return Unauthenticated("malformed token");
  }
  JwtPtr unverified(raw);
  // Decoded without a key, libjwt reports the algorithm as "none"; the header says what the
  // token claims.
  const char* alg_header = jwt_get_header(unverified.get(), "alg");
  const std::string alg_name = alg_header != nullptr ? alg_header : "";
  const jwt_alg_t header_alg = jwt_str_alg(alg_name.c_str());
  if (header_alg != JWT_ALG_RS256 && header_alg != JWT_ALG_ES256) {
    return Unauthenticated("algorithm not accepted (RS256, ES256 only)");
  }
  const char* kid_header = jwt_get_header(unverified.get(), "kid");
  const std::string kid = kid_header != nullptr ? kid_header : "";
  unverified.reset();

  std::vector<Key> candidates;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    for (const Key& key : keys_) {
      if (JwtAlg(key.alg) != header_alg) continue;  // the key decides the algorithm
      if (!kid.empty() && key.kid != kid) continue;
      candidates.push_back(key);
    }
  }
  if (candidates.empty()) return Unauthenticated("no key for this token (kid or algorithm)");

  // 2. Verify the signature with each candidate; the algorithm must still be the key's.
  JwtPtr verified;
  for (const Key& key : candidates) {
    jwt_t* decoded = nullptr;
    if (jwt_decode(&decoded, token.c_str(), reinterpret_cast<const unsigned char*>(key.pem.data()),
                   static_cast<int>(key.pem.size())) == 0 &&
        decoded != nullptr) {
      JwtPtr owned(decoded);
      if (jwt_get_alg(owned.get()) == JwtAlg(key.alg)) {
        verified = std::move(owned);
        break;
      }
    }
  }
  if (!verified) return Unauthenticated("signature invalid");

  // 3. The registered claims.
  long exp = 0, nbf = 0;
  if (!IntClaim(verified.get(), "exp", &exp)) return Unauthenticated("exp missing");
  *expires = absl::FromUnixSeconds(exp);
  if (now > *expires + options_.leeway) return Unauthenticated("token expired");
  if (IntClaim(verified.get(), "nbf", &nbf) && now + options_.leeway < absl::FromUnixSeconds(nbf)) {
    return Unauthenticated("token not valid yet (nbf)");
  }
  const char* iss = jwt_get_grant(verified.get(), "iss");
  if (iss == nullptr || options_.issuer != iss) return Unauthenticated("wrong issuer");
  const char* aud = jwt_get_grant(verified.get(), "aud");
  bool audience_ok = aud != nullptr && options_.audience == aud;
  if (!audience_ok && aud == nullptr) {
    std::unique_ptr<char, FreeDeleter> list(jwt_get_grants_json(verified.get(), "aud"));
    audience_ok = list != nullptr && list.get()[0] == '[' &&
                  JsonStringArrayContains(list.get(), options_.audience);
  }
  if (!audience_ok) return Unauthenticated("wrong audience");

  const char* sub = jwt_get_grant(verified.get(), "sub");
  const char* role_claim = jwt_get_grant(verified.get(), "role");
  const char* dept = jwt_get_grant(verified.get(), "dept");
  const char* phone = jwt_get_grant(verified.get(), "phone");
  return CallerFromClaims(sub ? sub : "", role_claim ? role_claim : "", dept ? dept : "",
                          phone ? phone : "");
}

}  // namespace tousu::auth
