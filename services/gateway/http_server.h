#pragma once
// The edge's HTTP/1.1 listener on Boost.Beast: an io_context run by a few threads, one strand per
// connection, keep-alive, a body limit, an idle timeout. It only moves bytes: every request goes
// to one handler (gateway.h), which answers through a Responder from any thread, so a request
// waiting for an upstream holds no thread.

#include <atomic>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tousu::gateway {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct IncomingRequest {
  HttpRequest message;
  std::string peer_address;     // the TCP peer's IP address, "203.0.113.7" or "2001:db8::1"
  bool body_too_large = false;  // the body passed the limit: `message` holds the headers only
};

// Answers one request; call exactly once, from any thread.
using Responder = std::function<void(HttpResponse)>;
using RequestHandler = std::function<void(IncomingRequest, Responder)>;

struct HttpServerOptions {
  std::string address;  // "host:port" ("0.0.0.0:8080", "[::]:8080", "127.0.0.1:0")
  int threads = 2;
  int64_t max_body_bytes = 1 << 20;
  absl::Duration idle_timeout = absl::Seconds(60);
};

class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(HttpServerOptions options,
                                                           RequestHandler handler);
  ~HttpServer();  // Stop with no grace if Stop was not called
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // Requests read and not yet fully answered.
  int64_t in_flight() const { return in_flight_; }
  bool draining() const { return draining_; }

  // Stops accepting, answers what is in flight (keep-alive ends with each answer) for up to
  // `grace`, then calls `cancel_in_flight` (which must make every outstanding Responder run soon)
  // and waits for those answers; then closes idle connections and joins the threads.
  void Stop(absl::Duration grace, const std::function<void()>& cancel_in_flight);

 private:
  struct Impl;
  class Session;
  HttpServer() = default;
  void Accept();
  bool WaitFor(const std::atomic<int64_t>& counter, absl::Duration timeout);

  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::atomic<int64_t> in_flight_{0};   // read, answer not yet written
  std::atomic<int64_t> unanswered_{0};  // handed to the handler, Responder not yet called
  std::atomic<bool> draining_{false};
  bool stopped_ = false;
};

}  // namespace tousu::gateway
