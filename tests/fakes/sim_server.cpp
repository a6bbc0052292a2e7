#include "tests/fakes/sim_server.hpp"

#include "tests/fakes/ascii.hpp"

#include <list>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

namespace personsync::fakes {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

sim_request to_sim_request(const http::request<http::string_body>& req) {
  sim_request out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  out.body = req.body();
  if (const auto auth = req.find(http::field::authorization); auth != req.end()) out.authorization = auth->value();
  if (const auto host = req.find(http::field::host); host != req.end()) out.host = host->value();
  for (const auto& field : req) out.headers[ascii_lower(std::string(field.name_string()))] = field.value();
  const auto parsed = boost::urls::parse_origin_form(out.target);
  if (parsed) {
    out.path = std::string(parsed->path());
    for (const auto& param : parsed->params()) out.query[param.key] = param.value;
  } else {
    out.path = out.target;
  }
  return out;
}

}  // namespace

class sim_server::impl : public std::enable_shared_from_this<impl> {
 public:
  impl(asio::io_context& io, handler handle, std::uint16_t port, std::optional<tls_files> tls)
      : io_(io), handle_(std::move(handle)), acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)) {
    if (tls) {
      tls_.emplace(ssl::context::tls_server);
      tls_->use_certificate_chain_file(tls->certificate_chain.string());
      tls_->use_private_key_file(tls->private_key.string(), ssl::context::pem);
    }
  }

  void start() { asio::co_spawn(io_, accept_loop(shared_from_this()), asio::detached); }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void stop() {
    asio::post(io_, [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
      for (auto* socket : self->open_) socket->close(ec);
    });
  }

  void close_connections() {
    asio::post(io_, [self = shared_from_this()] {
      beast::error_code ec;
      for (auto* socket : self->open_) socket->shutdown(tcp::socket::shutdown_both, ec);
    });
  }

 private:
  static asio::awaitable<void> accept_loop(std::shared_ptr<impl> self) {
    for (;;) {
      auto [ec, socket] = co_await self->acceptor_.async_accept(use_tuple);
      if (ec) co_return;  // closed by stop()
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(self->io_, self->session(self, std::move(socket)), asio::detached);
    }
  }

  static asio::awaitable<void> session(std::shared_ptr<impl> self, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    self->open_.push_back(&stream.socket());
    const auto forget = [&] { self->open_.remove(&stream.socket()); };
    if (!self->tls_) {
      co_await serve(self, stream);
    } else {
      beast::ssl_stream<beast::tcp_stream&> tls(stream, *self->tls_);
      stream.expires_after(std::chrono::seconds(10));
      auto [ec] = co_await tls.async_handshake(ssl::stream_base::server, use_tuple);
      if (!ec) co_await serve(self, tls);
    }
    forget();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  template <typename Stream>
  static asio::awaitable<void> serve(std::shared_ptr<impl> self, Stream& stream) {
    beast::flat_buffer buffer;
    for (;;) {
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
      http::request_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      auto [rec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (rec) co_return;  // closed, timed out, or garbage: drop the connection
      const http::request<http::string_body> req = parser.release();
      sim_reply reply = self->handle_(to_sim_request(req));

      if (reply.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_after(reply.delay);
        co_await timer.async_wait(use_tuple);
      }

      http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
      res.set(http::field::server, "personsync-sim");
      res.set(http::field::content_type, reply.content_type);
      for (const auto& [name, value] : reply.headers) res.set(name, value);
      res.keep_alive(req.keep_alive());
      res.body() = std::move(reply.body);
      res.prepare_payload();

      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
      if (reply.close_mid_body) {
        // Headers promise the whole body; half of it arrives, then the connection ends.
        http::response_serializer<http::string_body> serializer(res);
        co_await http::async_write_header(stream, serializer, use_tuple);
        const std::string& body = res.body();
        co_await asio::async_write(stream, asio::buffer(body.data(), body.size() / 2), use_tuple);
        co_return;
      }
      auto [wec, written] = co_await http::async_write(stream, res, use_tuple);
      if (wec || !res.keep_alive()) co_return;
    }
  }

  asio::io_context& io_;
  handler handle_;
  tcp::acceptor acceptor_;
  std::optional<ssl::context> tls_;
  std::list<tcp::socket*> open_;
};

sim_server::sim_server(asio::io_context& io, handler handle, std::uint16_t port, std::optional<tls_files> tls)
    : impl_(std::make_shared<impl>(io, std::move(handle), port, std::move(tls))) {
  impl_->start();
}

sim_server::~sim_server() { impl_->stop(); }

std::uint16_t sim_server::port() const noexcept { return impl_->port(); }

void sim_server::stop() { impl_->stop(); }

void sim_server::close_connections() { impl_->close_connections(); }

}  // namespace personsync::fakes
