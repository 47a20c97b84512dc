#include "common/auth/token_minter.h"

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace tousu::auth {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

absl::StatusOr<KeyPair> GenerateKeyPair(KeyAlgorithm alg) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(alg == KeyAlgorithm::kRs256 ? EVP_RSA_gen(2048)
                                                                      : EVP_EC_gen("P-256"));
  if (!key) return absl::InternalError("key generation failed");
  std::unique_ptr<BIO, BioFree> priv(BIO_new(BIO_s_mem())), pub(BIO_new(BIO_s_mem()));
  if (!priv || !pub ||
      PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    return absl::InternalError("cannot write the key as PEM");
  }
  return KeyPair{BioText(priv.get()), BioText(pub.get())};
}

absl::StatusOr<std::string> MintToken(const std::string& private_pem, const TokenClaims& claims) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return absl::InvalidArgumentError("not a PEM private key");
  jwt_alg_t alg;
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    alg = JWT_ALG_RS256;
  } else if (EVP_PKEY_is_a(key.get(), "EC")) {
    alg = JWT_ALG_ES256;
  } else {
    return absl::InvalidArgumentError("unsupported key type");
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
  const long iat = absl::ToUnixSeconds(claims.issued_at);
  int rc = jwt_add_grant(jwt.get(), "sub", claims.subject.c_str());
  rc |= jwt_add_grant(jwt.get(), "role", claims.role.c_str());
  if (!claims.department.empty()) rc |= jwt_add_grant(jwt.get(), "dept", claims.department.c_str());
  if (!claims.phone.empty()) rc |= jwt_add_grant(jwt.get(), "phone", claims.phone.c_str());
  rc |= jwt_add_grant(jwt.get(), "iss", claims.issuer.c_str());
  rc |= jwt_add_grant(jwt.get(), "aud", claims.audience.c_str());
  rc |= jwt_add_grant_int(jwt.get(), "iat", iat);
  rc |=
      jwt_add_grant_int(jwt.get(), "exp", absl::ToUnixSeconds(claims.issued_at + claims.lifetime));
  if (claims.not_before)
    rc |= jwt_add_grant_int(jwt.get(), "nbf", absl::ToUnixSeconds(*claims.not_before));
  if (!claims.kid.empty()) rc |= jwt_add_header(jwt.get(), "kid", claims.kid.c_str());
  rc |= jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(private_pem.data()),
                    static_cast<int>(private_pem.size()));
  if (rc != 0) return absl::InternalError("cannot build the token");
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return absl::InternalError("cannot sign the token");
  std::string token(encoded);
  free(encoded);
  return token;
}

}  // namespace tousu::auth
