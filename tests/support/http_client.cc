#include "tests/support/http_client.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace tousu::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string HttpResult::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

struct HttpConnection::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::chrono::milliseconds timeout;
  bool connected = false;
  std::string connect_error;
};

HttpConnection::HttpConnection(int port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->timeout = timeout;
  beast::error_code ec;
  impl_->stream.expires_after(timeout);
  impl_->stream.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  impl_->connected = !ec;
  if (ec) impl_->connect_error = "connect: " + ec.message();
}

HttpConnection::~HttpConnection() {
  beast::error_code ignored;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

bool HttpConnection::connected() const { return impl_->connected; }

HttpResult HttpConnection::Send(const HttpCall& call) {
  HttpResult result;
  if (!impl_->connected) {
    result.error = impl_->connect_error.empty() ? "not connected" : impl_->connect_error;
    return result;
  }
  http::request<http::string_body> req{http::string_to_verb(call.method), call.target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : call.headers) req.set(name, value);
  req.body() = call.body;
  req.prepare_payload();
  beast::error_code ec;
  impl_->stream.expires_after(impl_->timeout);
  http::write(impl_->stream, req, ec);
  if (ec) {
    impl_->connected = false;
    result.error = "write: " + ec.message();
    return result;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(impl_->stream, impl_->buffer, parser, ec);
  if (ec) {
    impl_->connected = false;
    result.error = "read: " + ec.message();
    return result;
  }
  const auto& res = parser.get();
  result.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    result.headers[Lower(std::string(field.name_string()))] = std::string(field.value());
  }
  result.body = res.body();
  result.keep_alive = res.keep_alive();
  if (!result.keep_alive) impl_->connected = false;
  return result;
}

HttpResult SendHttp(int port, const HttpCall& call, std::chrono::milliseconds timeout) {
  HttpConnection connection(port, timeout);
  return connection.Send(call);
}

}  // namespace tousu::testing
