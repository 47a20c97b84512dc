#pragma once
// A small HTTP/1.1 client for tests (Boost.Beast, blocking): one request on a fresh connection,
// or several on one keep-alive connection, to 127.0.0.1.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tousu::testing {

struct HttpCall {
  std::string method = "POST";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResult {
  int status = 0;                              // 0 when the exchange failed (see error)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bool keep_alive = false;
  std::string error;
  // The header's value, or "" when absent (`name` in any case).
  std::string Header(const std::string& name) const;
};

// One request on its own connection (closed afterwards).
HttpResult SendHttp(int port, const HttpCall& call,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A keep-alive connection: requests go one after another on the same socket.
class HttpConnection {
 public:
  explicit HttpConnection(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const;
  HttpResult Send(const HttpCall& call);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tousu::testing
