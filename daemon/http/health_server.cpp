#include "daemon/http/health_server.hpp"

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

namespace personsync::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Scrapers and probes send small GETs: anything bigger or slower is not one of them.
constexpr std::size_t request_limit = 16 * 1024;
constexpr auto io_timeout = std::chrono::seconds(10);
constexpr int requests_per_connection = 100;

struct health_server::impl : std::enable_shared_from_this<impl> {
  tcp::acceptor acceptor;
  std::map<std::string, route_handler> routes;
  bool stopped = false;

  impl(asio::any_io_executor executor, std::map<std::string, route_handler> r)
      : acceptor(std::move(executor)), routes(std::move(r)) {}

  beast::http::response<beast::http::string_body> answer(const beast::http::request<beast::http::string_body>& request) {
    beast::http::response<beast::http::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    endpoint_response r;
    const std::string target(request.target());
    const std::string path = target.substr(0, target.find('?'));
    if (request.method() != beast::http::verb::get && request.method() != beast::http::verb::head) {
      r = {405, "text/plain; charset=utf-8", "only GET\n"};
      response.set(beast::http::field::allow, "GET, HEAD");
    } else if (const auto it = routes.find(path); it != routes.end()) {
      r = it->second();
    } else {
      r = {404, "text/plain; charset=utf-8", "not found; try /metrics, /healthz or /readyz\n"};
    }
    response.result(r.status);
    response.set(beast::http::field::content_type, r.content_type);
    response.set(beast::http::field::server, "personsync");
    if (request.method() != beast::http::verb::head) response.body() = std::move(r.body);
    response.prepare_payload();
    return response;
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (int i = 0; i < requests_per_connection && !stopped; ++i) {
      beast::http::request_parser<beast::http::string_body> parser;
      parser.body_limit(request_limit);
      parser.header_limit(request_limit);
      stream.expires_after(io_timeout);
      auto [read_error, read] = co_await beast::http::async_read(stream, buffer, parser, use_tuple);
      if (read_error) break;  // closed, timed out or malformed: nothing to answer
      auto response = answer(parser.get());
      const bool keep_alive = response.keep_alive();
      stream.expires_after(io_timeout);
      auto [write_error, written] = co_await beast::http::async_write(stream, response, use_tuple);
      if (write_error || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    while (!stopped) {
      auto [error, socket] = co_await acceptor.async_accept(use_tuple);
      if (error) {
        if (stopped || error == asio::error::operation_aborted) break;
        spdlog::warn("metrics endpoint: accept failed: {}", error.message());
        continue;
      }
      asio::co_spawn(acceptor.get_executor(), self->serve(std::move(socket)), asio::detached);
    }
  }
};

health_server::health_server(asio::any_io_executor executor, const http_config& config,
                             std::map<std::string, route_handler> routes)
    : impl_(std::make_shared<impl>(executor, std::move(routes))) {
  const tcp::endpoint endpoint(asio::ip::make_address(config.listen_address), config.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  asio::co_spawn(executor, impl_->accept_loop(), asio::detached);
}

health_server::~health_server() { stop(); }

std::uint16_t health_server::port() const { return impl_->acceptor.local_endpoint().port(); }

void health_server::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace personsync::http
