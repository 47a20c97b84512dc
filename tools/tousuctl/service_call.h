#pragma once
// A verb's unary call to a service, made the same way by every verb: a channel whose retry policy
// covers only the methods safe to repeat, a deadline of --timeout per call, the sign-in token,
// a list followed through every page with --all, and a failure printed as
// "tousuctl: VERB: CODE: message" (exit status 1) with a hint for an unreachable or slow service.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/client/channel.h"
#include "tools/tousuctl/json.h"
#include "tools/tousuctl/verb.h"

namespace tousu::ctl {

// A gRPC service as a verb calls it: where it answers, and the methods the channel may retry
// (reads, and writes that a repeat cannot make twice).
template <typename Service>
struct Api {
  Endpoint endpoint;
  std::vector<std::string> idempotent;
};

template <typename Service, typename Request, typename Response>
using StubMethod = grpc::Status (Service::Stub::*)(grpc::ClientContext*, const Request&, Response*);

// What one call needs beyond the usual.
struct CallSettings {
  // Sent as the call's request id (a submission's: the service knows a retry by it).
  std::string request_id{};
  // Printed after the error of a failed call.
  std::function<void(std::ostream& err, const grpc::Status&)> after_failure{};
};

// For a write that is not safe to repeat: when it failed in a way that leaves its outcome unknown,
// says to check with `command` before trying again.
CallSettings CheckBeforeRepeating(std::string command);

// Failures after which the call may or may not have taken effect.
bool Retryable(grpc::StatusCode code);

// "tousuctl: get: NOT_FOUND: ..." and, for an unreachable or slow service, where it was looked
// for. Returns kExitCallFailed.
int CallFailed(const Call& c, const Endpoint& endpoint, const grpc::Status& s);

// Prints `message` as JSON with --json, else the table `render()` makes.
template <typename Message, typename Render>
int Print(const Call& c, const Message& message, Render render) {
  if (c.options.json) {
    absl::StatusOr<std::string> json = ToJson(message);
    if (!json.ok()) {
      c.err << "tousuctl: " << c.verb
            << ": cannot print the response as JSON: " << json.status().message() << "\n";
      return kExitCallFailed;
    }
    c.out << *json;
  } else {
    c.out << render();
  }
  return kExitOk;
}

namespace service_call_internal {

// --all stops after this many pages (200 per page at most): a guard against a server that
// keeps answering with a token.
inline constexpr int kMaxPages = 1000;

// A list call: the request names a page, the response the token of the next one.
template <typename Request, typename Response>
concept Paged = requires(Request request, const Response& response) {
  request.mutable_page()->set_page_token(response.page().next_page_token());
};

// One page, or with `all` every page merged into `out` (the repeated fields concatenated, no
// next-page token left).
template <typename Request, typename Response, typename Invoke>
grpc::Status FetchPages(bool all, Request request, Response* out, Invoke invoke) {
  for (int pages = 0; pages < kMaxPages; ++pages) {
    Response page;
    grpc::Status status = invoke(request, &page);
    if (!status.ok()) return status;
    out->MergeFrom(page);
    if (!all || page.page().next_page_token().empty()) break;
    request.mutable_page()->set_page_token(page.page().next_page_token());
  }
  if (all) out->mutable_page()->clear_next_page_token();
  return grpc::Status::OK;
}

}  // namespace service_call_internal

// Calls `method` with `request` (for a list, with --all every page, the repeated fields
// concatenated and no next-page token left). On failure prints the error, then the settings'
// note, and returns false.
template <typename Service, typename Request, typename Response>
bool CallService(const Call& c, const Api<Service>& api,
                 StubMethod<Service, Request, Response> method, const Request& request,
                 Response* response, const CallSettings& settings = {}) {
  client::ChannelOptions channel_options;
  for (const std::string& name : api.idempotent) {
    channel_options.idempotent_methods.push_back(
        absl::StrCat(Service::service_full_name(), "/", name));
  }
  auto stub = Service::NewStub(client::MakeChannel(api.endpoint.address, channel_options));
  auto invoke = [&](const Request& one_request, Response* one_response) {
    auto context = client::NewCallContext(c.options.timeout, nullptr, settings.request_id);
    return (stub.get()->*method)(context.get(), one_request, one_response);
  };
  grpc::Status status;
  if constexpr (service_call_internal::Paged<Request, Response>) {
    status = service_call_internal::FetchPages(c.args.Has("all"), request, response, invoke);
  } else {
    status = invoke(request, response);
  }
  if (status.ok()) return true;
  CallFailed(c, api.endpoint, status);
  if (settings.after_failure) settings.after_failure(c.err, status);
  return false;
}

// CallService, then the response printed: as JSON with --json, else as `render(response)` makes
// it. Returns the exit status.
template <typename Service, typename Request, typename Response, typename Render>
int CallAndPrint(const Call& c, const Api<Service>& api,
                 StubMethod<Service, Request, Response> method, const Request& request,
                 Render render, const CallSettings& settings = {}) {
  Response response;
  if (!CallService(c, api, method, request, &response, settings)) return kExitCallFailed;
  return Print(c, response, [&] { return render(response); });
}

}  // namespace tousu::ctl
