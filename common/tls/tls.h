#pragma once
// Mutual TLS between services. Each service has a certificate and key (its identity, presented
// both when serving and when calling) and a CA bundle (what peers' certificates must chain to).
// The files are re-read every `reload`, so rotated certificates take effect without a restart.
//
// Settings (TOUSU_<SERVICE>_...): TLS_CERT, TLS_KEY, TLS_CA (PEM file paths; all three or none),
// TLS_RELOAD (duration, default 10s). With none set, the service serves and calls in plaintext.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"

namespace tousu::tls {

struct TlsFiles {
  std::string cert;  // PEM certificate chain: this service's identity
  std::string key;   // PEM private key of `cert`
  std::string ca;    // PEM CA certificates peers must chain to
  absl::Duration reload = absl::Seconds(10);
};

// nullopt when none of TLS_CERT, TLS_KEY, TLS_CA is set. Errors (InvalidArgument) name the
// variable: one or two of the three set, a file that cannot be read, a malformed TLS_RELOAD.
absl::StatusOr<std::optional<TlsFiles>> TlsFilesFromConfig(const config::Config& cfg);

// Insecure credentials without files; otherwise TLS requiring a client certificate issued by the
// CA (a plaintext client, or one without or with a foreign certificate, fails the handshake).
std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const std::optional<TlsFiles>& files);

// Insecure credentials without files; otherwise TLS presenting this service's certificate and
// verifying the server's certificate against the CA, hostname included (the target's host must
// be one of the certificate's SANs).
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(
    const std::optional<TlsFiles>& files);

}  // namespace tousu::tls
