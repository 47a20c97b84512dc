#include "services/gateway/http_server.h"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace tousu::gateway {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  explicit Impl(int threads) : ioc(threads), work(net::make_work_guard(ioc)) {}
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::optional<tcp::acceptor> acceptor;
  HttpServerOptions options;
  RequestHandler handler;
  std::vector<std::thread> threads;
};

namespace {

std::string PeerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  net::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

HttpResponse PlainResponse(http::status status, unsigned version, const std::string& text) {
  HttpResponse res{status, version};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = text;
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

}  // namespace

class HttpServer::Session : public std::enable_shared_from_this<HttpServer::Session> {
 public:
  Session(HttpServer* server, tcp::socket&& socket)
      : server_(server), stream_(std::move(socket)), peer_(PeerAddress(stream_.socket())) {}

  void Run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    if (server_->draining_) return Close();
    parser_.emplace();
    parser_->body_limit(static_cast<uint64_t>(server_->impl_->options.max_body_bytes));
    stream_.expires_after(absl::ToChronoMilliseconds(server_->impl_->options.idle_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset) {
      return Close();
    }
    IncomingRequest request;
    request.peer_address = peer_;
    if (ec == http::error::body_limit) {
      // The headers were read; the rest of the body is not, so the connection ends after this.
      request.body_too_large = true;
      close_after_answer_ = true;
    } else if (ec == http::error::header_limit) {
      return WriteLocal(PlainResponse(http::status::request_header_fields_too_large, 11,
                                      "request headers too large\n"));
    } else if (ec) {
      return WriteLocal(PlainResponse(http::status::bad_request, 11, "malformed HTTP request\n"));
    }
    // Counted before the drain check: Stop sets draining_ and then waits for in_flight_, so either
    // it waits for this request or this request sees the drain (no request slips in unseen).
    ++server_->in_flight_;
    if (server_->draining_) {
      --server_->in_flight_;
      return WriteLocal(PlainResponse(http::status::service_unavailable, parser_->get().version(),
                                      "shutting down; try again\n"));
    }
    request.message = parser_->release();
    stream_.expires_never();  // the handler's own deadlines apply from here
    ++server_->unanswered_;
    auto self = shared_from_this();
    server_->impl_->handler(std::move(request), [self](HttpResponse response) {
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response), /*counted=*/true);
      });
      --self->server_->unanswered_;
    });
  }

  // An answer the server writes itself (malformed requests): never counted as in flight.
  void WriteLocal(HttpResponse response) {
    close_after_answer_ = true;
    Write(std::move(response), /*counted=*/false);
  }

  void Write(HttpResponse response, bool counted) {
    if (close_after_answer_ || server_->draining_) response.keep_alive(false);
    response_ = std::make_shared<HttpResponse>(std::move(response));
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), counted](beast::error_code ec, std::size_t) {
                        self->OnWrite(ec, counted);
                      });
  }

  void OnWrite(beast::error_code ec, bool counted) {
    if (counted) --server_->in_flight_;
    const bool keep_alive = response_->keep_alive();
    response_.reset();
    if (ec || !keep_alive) return Close();
    Read();
  }

  // A lingering close: after the answer, what the client still sends (the rest of an oversize
  // body) is read and dropped, bounded in time and bytes, before the socket closes. Closing with
  // unread data makes the kernel send a reset, and a client still writing would then lose the
  // answer (413) it was sent.
  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    DiscardUntilClosed();
  }

  void DiscardUntilClosed() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->discarded_ += n;
                              if (ec || self->discarded_ > kMaxDiscardedBytes) return;
                              self->DiscardUntilClosed();
                            });
  }

  static constexpr std::size_t kMaxDiscardedBytes = 16 << 20;
  std::array<char, 16384> discard_;
  std::size_t discarded_ = 0;

  HttpServer* server_;
  beast::tcp_stream stream_;
  const std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
  bool close_after_answer_ = false;
};

namespace {

absl::StatusOr<tcp::endpoint> ParseEndpoint(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP address \"", address, "\": no port"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP address \"", address, "\": bad port"));
  }
  beast::error_code ec;
  const net::ip::address ip = net::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP address \"", address, "\": host must be an IP address"));
  }
  return tcp::endpoint(ip, static_cast<unsigned short>(port));
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                              RequestHandler handler) {
  auto endpoint = ParseEndpoint(options.address);
  if (!endpoint.ok()) return endpoint.status();
  auto server = std::unique_ptr<HttpServer>(new HttpServer());
  server->impl_ = std::make_unique<Impl>(options.threads);
  Impl& impl = *server->impl_;
  impl.options = options;
  impl.handler = std::move(handler);
  impl.acceptor.emplace(net::make_strand(impl.ioc));
  beast::error_code ec;
  impl.acceptor->open(endpoint->protocol(), ec);
  if (!ec) impl.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor->bind(*endpoint, ec);
  if (!ec) impl.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.address, ": ", ec.message()));
  }
  server->port_ = impl.acceptor->local_endpoint().port();

  net::post(impl.acceptor->get_executor(), [raw = server.get()] { raw->Accept(); });
  impl.threads.reserve(options.threads);
  for (int i = 0; i < options.threads; ++i) {
    impl.threads.emplace_back([&impl] { impl.ioc.run(); });
  }
  return server;
}

// Accepts until Stop closes the acceptor, each connection on a strand of its own.
void HttpServer::Accept() {
  impl_->acceptor->async_accept(
      net::make_strand(impl_->ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !impl_->acceptor->is_open()) return;
        if (!ec) {
          std::make_shared<Session>(this, std::move(socket))->Run();
        } else {
          log::Warn("accept failed", {{"error", ec.message()}});
        }
        Accept();
      });
}

bool HttpServer::WaitFor(const std::atomic<int64_t>& counter, absl::Duration timeout) {
  const absl::Time until = absl::Now() + timeout;
  while (counter.load() > 0) {
    if (absl::Now() >= until) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

void HttpServer::Stop(absl::Duration grace, const std::function<void()>& cancel_in_flight) {
  if (stopped_) return;
  stopped_ = true;
  draining_ = true;
  net::post(impl_->acceptor->get_executor(), [this] {
    beast::error_code ignored;
    impl_->acceptor->close(ignored);
  });
  if (!WaitFor(in_flight_, grace)) {
    log::Warn("HTTP drain grace passed; cancelling what is still in flight",
              {{"in_flight", in_flight_.load()}});
    if (cancel_in_flight) cancel_in_flight();
    // Every Responder must have run before the io_context goes: they post into it.
    if (!WaitFor(unanswered_, absl::Seconds(30))) {
      log::Error("HTTP requests still unanswered after cancelling",
                 {{"unanswered", unanswered_.load()}});
    }
    WaitFor(in_flight_, absl::Seconds(2));
  }
  impl_->work.reset();
  impl_->ioc.stop();  // idle keep-alive connections end here
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

HttpServer::~HttpServer() {
  if (impl_) Stop(absl::ZeroDuration(), nullptr);
}

}  // namespace tousu::gateway
