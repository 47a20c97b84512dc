#include "common/tls/tls.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <cmath>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tousu::tls {
namespace {

// The provider re-reads the files on this period (whole seconds, at least one).
unsigned int RefreshSeconds(absl::Duration reload) {
  const double seconds = std::ceil(absl::ToDoubleSeconds(reload));
  return seconds < 1 ? 1u : static_cast<unsigned int>(seconds);
}

// One provider per credentials object: it owns a thread that re-reads the files, and every
// connection made with the credentials sees the latest pair it loaded.
std::shared_ptr<grpc::experimental::FileWatcherCertificateProvider> WatchFiles(
    const TlsFiles& files) {
  return std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key, files.cert, files.ca, RefreshSeconds(files.reload));
}

// Fails fast at start-up: the provider itself would only log and refuse every handshake.
absl::Status CheckReadable(const config::Config& cfg, const std::string& key,
                           const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char first = 0;
  if (!in.good() || !in.get(first)) {
    return absl::InvalidArgumentError(
        absl::StrCat(cfg.VariableName(key), ": cannot read ", path, " (or it is empty)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<TlsFiles>> TlsFilesFromConfig(const config::Config& cfg) {
  const std::vector<std::string> keys = {"TLS_CERT", "TLS_KEY", "TLS_CA"};
  std::vector<std::optional<std::string>> values;
  std::vector<std::string> missing;
  for (const auto& key : keys) {
    values.push_back(cfg.Get(key));
    if (!values.back()) missing.push_back(cfg.VariableName(key));
  }
  auto reload = cfg.DurationOr("TLS_RELOAD", absl::Seconds(10));
  if (!reload.ok()) return reload.status();
  if (missing.size() == keys.size()) return std::optional<TlsFiles>();
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        absl::StrJoin(missing, ", "), " not set: TLS needs ",
        absl::StrJoin(
            {cfg.VariableName("TLS_CERT"), cfg.VariableName("TLS_KEY"), cfg.VariableName("TLS_CA")},
            ", "),
        " together (or none of them for plaintext)"));
  }
  TlsFiles files{.cert = *values[0], .key = *values[1], .ca = *values[2], .reload = *reload};
  for (size_t i = 0; i < keys.size(); ++i) {
    if (auto s = CheckReadable(cfg, keys[i], *values[i]); !s.ok()) return s;
  }
  return std::optional<TlsFiles>(std::move(files));
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(
    const std::optional<TlsFiles>& files) {
  if (!files) return grpc::InsecureServerCredentials();
  grpc::experimental::TlsServerCredentialsOptions options(WatchFiles(*files));
  options.watch_identity_key_cert_pairs();
  options.watch_root_certs();  // the CA client certificates are verified against
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(
    const std::optional<TlsFiles>& files) {
  if (!files) return grpc::InsecureChannelCredentials();
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(WatchFiles(*files));
  options.watch_identity_key_cert_pairs();  // our certificate, presented as the client identity
  options.watch_root_certs();               // only the CA, never the system's roots
  options.set_verify_server_certs(true);
  // Explicit rather than relying on the 1.51 default: the target's host must match a SAN.
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace tousu::tls
