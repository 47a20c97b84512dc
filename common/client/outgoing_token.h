#pragma once
// The token this process presents on its outgoing calls (a service's own identity, role
// "service"), read from a file and re-read when the file changes, so it can be rotated (e.g. a
// Kubernetes Secret projected as a file) without a restart. NewCallContext attaches it.

#include <grpcpp/client_context.h>

#include <string>

namespace tousu::client {

// Sets the file (empty: none). The file holds one compact JWT; whitespace around it is ignored.
void SetOutgoingTokenFile(const std::string& path);
// The current token, or empty when none is set or the file cannot be read (the callee then
// answers UNAUTHENTICATED, which the caller logs).
std::string OutgoingToken();
// Adds "authorization: Bearer <token>" to `ctx` when a token is set (NewCallContext does this;
// tools that build their own contexts call it).
void AddOutgoingToken(grpc::ClientContext* ctx);

}  // namespace tousu::client
